"""Cell designs, their derived figures, the standard-cell catalogue and material substitution.

>>> from cellbench import cells
>>> design = cells.load("std-2.1")
>>> round(cells.figures(design).wh_per_l_stack)           # predicted; the programme published 400 Wh/L
479
>>> design.nominal.wh_per_l
400.0
"""

from cellbench.cells.catalogue import list_cells, load, load_file, versions
from cellbench.cells.design import (
    CellDesign, Collector, Component, CompositeLayer, CylindricalPackaging, LithiumFoil, Nominal, PouchPackaging,
    SeparatorLayer, Stack,
)
from cellbench.cells.figures import DesignFigures, figures, mass_breakdown_g, ocv_curve
from cellbench.cells.substitution import substitute

__all__ = [
    "load", "load_file", "list_cells", "versions", "figures", "mass_breakdown_g", "ocv_curve", "substitute",
    "CellDesign", "DesignFigures", "CompositeLayer", "LithiumFoil", "SeparatorLayer", "Collector", "Component",
    "Stack", "PouchPackaging", "CylindricalPackaging", "Nominal",
]
