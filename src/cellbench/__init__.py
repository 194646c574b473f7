"""cellbench: an open evaluation bench for battery materials and cells.

The main entry points are attributes of the package, loaded on first use (``import cellbench`` itself loads no
NumPy, Polars or PyBaMM):

>>> import cellbench as cb
>>> cell = cb.cells.load("std-2.1")
>>> cell.active_material("cathode").id
'ncm811'
>>> cb.materials.load("argyrodite-li6ps5cl").ionic_conductivity_S_cm
0.0025

``cb.read(path)`` reads a cycler file into a Measurement, ``cb.simulate.simulate(cell, protocol)`` runs one on the
virtual cycler, ``cb.evaluate(cell, material)`` runs the new-material evaluation; every subpackage
(``cb.analysis``, ``cb.pack``, ``cb.sustainability`` …) is reachable the same way.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from cellbench.errors import AccessDenied, CellbenchError, InputError, NotFound, SimulationError

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports these on first use
    from cellbench import (
        analysis, calibration, campaigns, cells, durability, evaluation, materials, measurements, microstructure,
        pack, protocols, safety, scenarios, simulate, store, sustainability, targets,
    )
    from cellbench.cells import CellDesign, substitute
    from cellbench.evaluation import Evaluation, evaluate
    from cellbench.measurements import Measurement, read
    from cellbench.protocols import Protocol

# `cb.simulate` is the subpackage, not its function: importing any module under cellbench.simulate rebinds the
# package attribute to the subpackage, so a function of the same name would not stay put.
_SUBPACKAGES = frozenset({
    "analysis", "calibration", "campaigns", "cells", "durability", "evaluation", "materials", "measurements",
    "microstructure", "pack", "protocols", "safety", "scenarios", "simulate", "store", "sustainability", "targets",
})
_ENTRY_POINTS = {
    "read": "cellbench.measurements",
    "Measurement": "cellbench.measurements",
    "CellDesign": "cellbench.cells",
    "substitute": "cellbench.cells",
    "Protocol": "cellbench.protocols",
    "evaluate": "cellbench.evaluation",
    "Evaluation": "cellbench.evaluation",
}

__all__ = ["__version__", "CellbenchError", "InputError", "NotFound", "SimulationError", "AccessDenied",
           *sorted(_SUBPACKAGES), *_ENTRY_POINTS]


def __getattr__(name: str) -> Any:
    # PEP 562: runs only for names not yet in the module; the value is kept so the import happens once
    if name in _SUBPACKAGES:
        value: Any = import_module(f"cellbench.{name}")
    elif name in _ENTRY_POINTS:
        value = getattr(import_module(_ENTRY_POINTS[name]), name)
    elif name == "__version__":
        value = import_module("cellbench.version").version()  # importlib.metadata loads only when asked
    else:
        raise AttributeError(f"module 'cellbench' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
