"""Microstructure → transport: synthetic three-phase electrodes, tortuosity, contact ratio.

The chain SOLiD-EV used for all-solid-state electrodes: a segmented volume (generated, or imported from CT
as .npy/TIFF) → τ per axis (the path-resistance coefficient) by a steady-state conduction solve, checked
against the programme's random walk, and the contact ratio of active material to electrolyte → the cell design's electrode
layer, replacing the Bruggeman default.

>>> import cellbench.microstructure as ms
>>> v = ms.random_blocks((24, 24, 24), voxel_size_um=1.0, seed=1,
...                      fractions={"active_material": 0.4, "solid_electrolyte": 0.5, "void": 0.1})
>>> r = ms.tortuosity(v, axis="x")
>>> r.percolates
True
"""

from cellbench.microstructure.conduction import ConductionResult, solve_conduction
from cellbench.microstructure.files import load_volume, parse_phase_map, save_volume
from cellbench.microstructure.into_design import apply_to_design, layer_phase_fractions
from cellbench.microstructure.generate import random_blocks, sphere_packing
from cellbench.microstructure.porosity_sweep import PROGRAMME_SE_SHARES, SweepPoint, porosity_sweep
from cellbench.microstructure.transport import METHODS, TortuosityResult, contact_ratio, porosity, tortuosity
from cellbench.microstructure.volume import (ACTIVE_MATERIAL, AXES, DEFAULT_PHASES, SOLID_ELECTROLYTE, VOID, Volume,
                                             axis_index)

__all__ = [
    "Volume", "AXES", "DEFAULT_PHASES", "VOID", "ACTIVE_MATERIAL", "SOLID_ELECTROLYTE", "axis_index",
    "random_blocks", "sphere_packing", "load_volume", "save_volume", "parse_phase_map",
    "tortuosity", "TortuosityResult", "METHODS", "porosity", "contact_ratio", "apply_to_design", "layer_phase_fractions",
    "porosity_sweep", "SweepPoint", "PROGRAMME_SE_SHARES",
    "random_walk_tau", "WalkEstimate", "solve_conduction", "ConductionResult",
]


def __getattr__(name: str):
    # the walk's kernels load numba (a few tenths of a second): only on first use, not for a conduction solve
    if name in ("random_walk_tau", "WalkEstimate"):
        from cellbench.microstructure import random_walk

        return getattr(random_walk, name)
    raise AttributeError(f"module 'cellbench.microstructure' has no attribute {name!r}")
