"""Material records by role, and the reference library with a source for every value.

>>> from cellbench import materials
>>> materials.load("argyrodite-li6ps5cl").ionic_conductivity_S_cm
0.0025
"""

from cellbench.materials.library import list_materials, load, load_file
from cellbench.materials.records import (
    COMPOSITE_ROLES, ActiveMaterial, Binder, Coating, ConductiveAdditive, CurrentCollector, LiquidElectrolyte,
    MaterialBase, OCPTable, Packaging, Role, Separator, SolidElectrolyte,
)

__all__ = [
    "load", "load_file", "list_materials", "MaterialBase", "ActiveMaterial", "SolidElectrolyte", "LiquidElectrolyte",
    "Binder", "ConductiveAdditive", "Coating", "CurrentCollector", "Packaging", "Separator", "OCPTable", "Role",
    "COMPOSITE_ROLES",
]
