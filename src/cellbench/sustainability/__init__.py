"""Sustainability: bill of materials, carbon footprint by life-cycle stage, recycling recovery, battery passport.

>>> from cellbench import cells, sustainability
>>> bill = sustainability.bill_of_materials(cells.load("lg-m50"))      # kg per material id
"""

from cellbench.sustainability.bill_of_materials import (
    Bill, PackSpec, bill_of_materials, bill_of_materials_for_pack, cell_bill, load_pack,
)
from cellbench.sustainability.composition import element_fractions, element_masses_kg

__all__ = [
    "Bill", "PackSpec", "bill_of_materials", "bill_of_materials_for_pack", "cell_bill", "load_pack",
    "element_fractions", "element_masses_kg",
]
