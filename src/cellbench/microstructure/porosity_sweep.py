"""Effective electrolyte conductivity against porosity, at fixed solid-electrolyte shares of the solids.

The programme's trend: for composite layers with SE fractions of 54, 35, 21 and 10 %, the effective
conductivity always falls as porosity rises. Here the "SE fraction" is the SE share of the solid volume
(the recipe's SE : active-material ratio), so a layer of porosity p holds SE s·(1−p), active material
(1−s)·(1−p) and void p. Each layer is a :func:`sphere_packing`: active-material and void spheres placed at
random in an SE matrix (a soft sulfide pressed around the particles).

>>> rows = porosity_sweep([0.54], [0.05, 0.3], shape=(24, 24, 24))
>>> rows[0].effective_conductivity_ratio > rows[1].effective_conductivity_ratio
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from cellbench.microstructure.generate import sphere_packing
from cellbench.microstructure.transport import tortuosity
from cellbench.microstructure.volume import ACTIVE_MATERIAL, SOLID_ELECTROLYTE, VOID

PROGRAMME_SE_SHARES = (0.54, 0.35, 0.21, 0.10)


@dataclass(frozen=True)
class SweepPoint:
    se_share_of_solids: float
    porosity: float
    se_fraction: float
    tau: float
    tau_stderr: float
    effective_conductivity_ratio: float
    percolates: bool
    contact_ratio: float | None


def porosity_sweep(se_shares: Sequence[float], porosities: Sequence[float], *, shape: Sequence[int] = (48, 48, 48),
                   voxel_size_um: float = 0.5, active_radius_um: float = 2.5, void_radius_um: float = 1.0,
                   target_rel_stderr: float = 0.02, seed: int = 0,
                   method: Literal["conduction", "random_walk"] = "conduction") -> list[SweepPoint]:
    """σ_eff/σ of the SE phase along x for every (SE share of solids, porosity) pair, one volume each.

    ``method="random_walk"`` uses the walk (to ``target_rel_stderr``) instead of the conduction solve.
    """
    points = []
    for share in se_shares:
        for porosity in porosities:
            fractions = {SOLID_ELECTROLYTE: share * (1 - porosity), ACTIVE_MATERIAL: (1 - share) * (1 - porosity),
                         VOID: porosity}
            volume = sphere_packing(shape, voxel_size_um=voxel_size_um, fractions=fractions,
                                    radius_um={ACTIVE_MATERIAL: active_radius_um, VOID: void_radius_um},
                                    matrix=SOLID_ELECTROLYTE, seed=seed)
            result = tortuosity(volume, phase=SOLID_ELECTROLYTE, axis="x", method=method,
                                target_rel_stderr=target_rel_stderr, seed=seed)
            points.append(SweepPoint(share, porosity, result.phase_fraction, result.tau, result.tau_stderr,
                                     result.effective_conductivity_ratio, result.percolates, result.contact_ratio))
    return points
