"""Sustainability: bill of materials, carbon footprint by life-cycle stage, recycling recovery, battery passport.

>>> from cellbench import cells, sustainability
>>> bill = sustainability.cell_bill(cells.load("lg-m50"))          # kg per material id, rated kWh
>>> cfp = sustainability.carbon_footprint(bill, grid="JP", samples=0)
>>> sorted(cfp.stages)
['distribution', 'end_of_life', 'main_production', 'raw_material_acquisition']
>>> sustainability.recover(bill, "hydro").elements["Ni"]["meets_target"]
True
"""

from cellbench.sustainability.bill_of_materials import (
    Bill, PackSpec, bill_of_materials, bill_of_materials_for_pack, cell_bill, load_pack,
)
from cellbench.sustainability.composition import element_fractions, element_masses_kg
from cellbench.sustainability.factors import load_factors
from cellbench.sustainability.footprint import CarbonFootprint, carbon_footprint
from cellbench.sustainability.recycling import Recovery, recover, recycled_content_from

__all__ = [
    "Bill", "PackSpec", "bill_of_materials", "bill_of_materials_for_pack", "cell_bill", "load_pack",
    "element_fractions", "element_masses_kg", "load_factors", "CarbonFootprint", "carbon_footprint",
    "Recovery", "recover", "recycled_content_from",
]
