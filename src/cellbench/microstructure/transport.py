"""From a segmented volume to transport figures: τ, σ_eff/σ, percolation, contact ratio.

This is the public entry the CLI and the cell design hook use. τ comes from the random walk
(:mod:`cellbench.microstructure.random_walk`); with ``reference=True`` the steady-state conduction solve
(:mod:`cellbench.microstructure.conduction`) runs on the same volume and its τ is reported beside it.

τ is the path-resistance coefficient (経路抵抗係数) of the programme: σ_eff = σ · ε / τ, with ε the volume
fraction of the conducting phase. A phase that does not connect the two faces has τ = inf,
σ_eff/σ = 0 and a statement saying so.

>>> from cellbench.microstructure import random_blocks
>>> v = random_blocks((24, 24, 24), voxel_size_um=1.0, seed=2,
...                   fractions={"active_material": 0.3, "solid_electrolyte": 0.6, "void": 0.1})
>>> r = tortuosity(v, phase="solid_electrolyte", axis="x", target_rel_stderr=0.05)
>>> r.percolates, 1 < r.tau < 3
(True, True)
"""

from __future__ import annotations

import html
import math
from typing import Any

from pydantic import BaseModel

from cellbench.errors import InputError
from cellbench.microstructure.conduction import solve_conduction
from cellbench.microstructure.contact import contact_ratio as _contact_ratio
from cellbench.microstructure.random_walk import random_walk_tau
from cellbench.microstructure.volume import (ACTIVE_MATERIAL, AXES, SOLID_ELECTROLYTE, VOID, Volume,
                                             axis_index)


class TortuosityResult(BaseModel):
    """Transport along one axis of one phase of a volume."""

    phase: str
    axis: str
    tau: float
    tau_stderr: float
    effective_conductivity_ratio: float
    phase_fraction: float
    spanning_fraction: float
    percolates: bool
    porosity: float | None
    contact_ratio: float | None
    statement: str
    walkers: int
    steps: int
    seed: int
    reference_tau: float | None = None
    reference_effective_conductivity_ratio: float | None = None

    @property
    def path_resistance_coefficient(self) -> float:
        """The programme's name for τ: the factor that divides ε in σ_eff/σ = ε/τ."""
        return self.tau

    def _repr_html_(self) -> str:
        rows = [("phase", self.phase), ("axis", self.axis),
                ("τ (path-resistance coefficient)", f"{self.tau:.4g} ± {self.tau_stderr:.2g}" if self.percolates
                 else "inf (no path)"),
                ("σ_eff/σ", f"{self.effective_conductivity_ratio:.4g}"),
                ("phase fraction ε", f"{self.phase_fraction:.4g}"),
                ("porosity", "" if self.porosity is None else f"{self.porosity:.4g}"),
                ("contact ratio", "" if self.contact_ratio is None else f"{self.contact_ratio:.4g}")]
        if self.reference_tau is not None:
            rows.append(("τ conduction solve", f"{self.reference_tau:.4g}"))
        body = "".join(f"<tr><th style='text-align:left'>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
        return f"<table>{body}</table><p>{html.escape(self.statement)}</p>"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values: an infinite τ becomes null (JSON has no infinity; ``percolates`` says why)."""
        data = self.model_dump()
        for key, value in data.items():
            if isinstance(value, float) and not math.isfinite(value):
                data[key] = None
        return data


def tortuosity(volume: Volume, *, phase: str | int = SOLID_ELECTROLYTE, axis: str | int = "x",
               target_rel_stderr: float = 0.02, steps: int | None = None, seed: int = 0,
               reference: bool = False) -> TortuosityResult:
    """τ of ``phase`` along ``axis`` by random walk, with σ_eff/σ, percolation and the contact ratio."""
    label = volume.label_of(phase)
    name = volume.phases[label]
    conducting = volume.labels == label
    if not conducting.any():
        raise InputError(f"phase {name!r} (label {label}) is absent from the volume: nothing conducts",
                         source=volume.source, location="phase")
    a = axis_index(axis)
    walk = random_walk_tau(conducting, a, steps=steps, target_rel_stderr=target_rel_stderr, seed=seed)
    reference_tau = reference_ratio = None
    if reference:
        solved = solve_conduction(conducting, a)
        reference_tau, reference_ratio = solved.tau, solved.effective_conductivity_ratio
    if walk.percolates:
        statement = (f"{name} connects the two {AXES[a]} faces: τ = {walk.tau:.3f} ± {walk.tau_stderr:.3f} "
                     f"({walk.walkers} walkers × {walk.steps} steps)")
    else:
        statement = (f"{name} does not connect the two {AXES[a]} faces: no conduction path, "
                     f"τ is infinite and σ_eff/σ = 0")
    return TortuosityResult(
        phase=name, axis=AXES[a], tau=walk.tau, tau_stderr=walk.tau_stderr,
        effective_conductivity_ratio=walk.effective_conductivity_ratio, phase_fraction=walk.phase_fraction,
        spanning_fraction=walk.spanning_fraction, percolates=walk.percolates, porosity=porosity(volume),
        contact_ratio=contact_ratio(volume), statement=statement, walkers=walk.walkers, steps=walk.steps,
        seed=seed, reference_tau=reference_tau, reference_effective_conductivity_ratio=reference_ratio)


def porosity(volume: Volume) -> float | None:
    """Void fraction, or None when the phase map names no void phase."""
    return volume.fraction(VOID) if VOID in volume.phases.values() else None


def contact_ratio(volume: Volume) -> float | None:
    """Share of active-material surface touching solid electrolyte; None unless both phases are present."""
    if not (volume.has_phase(ACTIVE_MATERIAL) and volume.has_phase(SOLID_ELECTROLYTE)):
        return None
    return _contact_ratio(volume.mask(ACTIVE_MATERIAL), volume.mask(SOLID_ELECTROLYTE))
