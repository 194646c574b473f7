"""From a segmented volume to transport figures: τ, σ_eff/σ, percolation, contact ratio.

This is the public entry the CLI and the cell design hook use. By default τ comes from the steady-state
conduction solve (:mod:`cellbench.microstructure.conduction`: exact up to an iteration error of about
0.01 %, seconds on a 128³ volume); ``method="random_walk"`` uses the random walk
(:mod:`cellbench.microstructure.random_walk`) instead, and ``check=True`` runs the other method beside the
chosen one and reports its τ as ``check_tau``.

τ is the path-resistance coefficient (経路抵抗係数) of the programme: σ_eff = σ · ε / τ, with ε the volume
fraction of the conducting phase. It is dimensionless: no voxel size is needed. A phase that does not
connect the two faces has τ = inf, σ_eff/σ = 0 and a statement saying so.

>>> from cellbench.microstructure import random_blocks
>>> v = random_blocks((24, 24, 24), voxel_size_um=1.0, seed=2,
...                   fractions={"active_material": 0.3, "solid_electrolyte": 0.6, "void": 0.1})
>>> r = tortuosity(v, phase="solid_electrolyte", axis="x")
>>> r.method, r.percolates, 1 < r.tau < 3
('conduction', True, True)
"""

from __future__ import annotations

import html
import math
from typing import Any, Literal

from pydantic import BaseModel

from cellbench.errors import InputError
from cellbench.microstructure.conduction import solve_conduction
from cellbench.microstructure.contact import contact_ratio as _contact_ratio
from cellbench.microstructure.volume import (ACTIVE_MATERIAL, AXES, SOLID_ELECTROLYTE, VOID, Volume,
                                             axis_index)

Method = Literal["conduction", "random_walk"]
METHODS: tuple[str, ...] = ("conduction", "random_walk")


class TortuosityResult(BaseModel):
    """Transport along one axis of one phase of a volume."""

    phase: str
    axis: str
    method: Method = "conduction"
    tau: float
    # random walk: the statistical standard error (1σ); conduction: the estimated iteration error
    tau_stderr: float
    effective_conductivity_ratio: float
    phase_fraction: float
    spanning_fraction: float
    percolates: bool
    porosity: float | None
    contact_ratio: float | None
    statement: str
    walkers: int = 0
    steps: int = 0
    iterations: int = 0
    seed: int = 0
    check_method: Method | None = None
    check_tau: float | None = None
    check_tau_stderr: float | None = None

    @property
    def path_resistance_coefficient(self) -> float:
        """The programme's name for τ: the factor that divides ε in σ_eff/σ = ε/τ."""
        return self.tau

    def _repr_html_(self) -> str:
        rows = [("phase", self.phase), ("axis", self.axis), ("method", self.method.replace("_", " ")),
                ("τ (path-resistance coefficient)", f"{self.tau:.4g} ± {self.tau_stderr:.2g}" if self.percolates
                 else "inf (no path)"),
                ("σ_eff/σ", f"{self.effective_conductivity_ratio:.4g}"),
                ("phase fraction ε", f"{self.phase_fraction:.4g}"),
                ("porosity", "" if self.porosity is None else f"{self.porosity:.4g}"),
                ("contact ratio", "" if self.contact_ratio is None else f"{self.contact_ratio:.4g}")]
        if self.check_tau is not None:
            rows.append((f"τ check ({self.check_method.replace('_', ' ')})", f"{self.check_tau:.4g}"))
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
               method: Method = "conduction", check: bool = False, target_rel_stderr: float = 0.02,
               steps: int | None = None, seed: int = 0, rtol: float = 1e-4) -> TortuosityResult:
    """τ of ``phase`` along ``axis`` with σ_eff/σ, percolation and the contact ratio.

    ``method`` is ``"conduction"`` (the steady-state solve, default; ``rtol`` sets its iteration error) or
    ``"random_walk"`` (``target_rel_stderr``, ``steps`` and ``seed`` set the walk); ``check=True`` also runs
    the other one and reports its τ as ``check_tau``.
    """
    if method not in METHODS:
        raise InputError(f"unknown tortuosity method {method!r}: expected conduction or random_walk",
                         location="method")
    label = volume.label_of(phase)
    name = volume.phases[label]
    conducting = volume.labels == label
    if not conducting.any():
        raise InputError(f"phase {name!r} (label {label}) is absent from the volume: nothing conducts",
                         source=volume.source, location="phase")
    a = axis_index(axis)
    chosen = [method] + ([m for m in METHODS if m != method] if check else [])
    runs = {m: _run(m, conducting, a, target_rel_stderr=target_rel_stderr, steps=steps, seed=seed, rtol=rtol)
            for m in chosen}
    main = runs.pop(method)
    other = next(iter(runs.items()), None)
    if main["percolates"]:
        how = (f"{main['walkers']} walkers × {main['steps']} steps" if method == "random_walk"
               else f"conduction solve, {main['iterations']} iterations")
        statement = (f"{name} connects the two {AXES[a]} faces: τ = {main['tau']:.3f} ± {main['tau_stderr']:.3f} "
                     f"({how})")
    else:
        statement = (f"{name} does not connect the two {AXES[a]} faces: no conduction path, "
                     f"τ is infinite and σ_eff/σ = 0")
    return TortuosityResult(
        phase=name, axis=AXES[a], method=method, porosity=porosity(volume), contact_ratio=contact_ratio(volume),
        statement=statement, seed=seed, **main,
        check_method=other[0] if other else None, check_tau=other[1]["tau"] if other else None,
        check_tau_stderr=other[1]["tau_stderr"] if other else None)


def _run(method: str, conducting, axis: int, *, target_rel_stderr: float, steps: int | None, seed: int,
         rtol: float) -> dict[str, Any]:
    """One method's figures, as the fields of :class:`TortuosityResult`."""
    if method == "conduction":
        solved = solve_conduction(conducting, axis, rtol=rtol)
        return dict(tau=solved.tau, tau_stderr=solved.tau_error,
                    effective_conductivity_ratio=solved.effective_conductivity_ratio,
                    phase_fraction=solved.phase_fraction, spanning_fraction=solved.spanning_fraction,
                    percolates=solved.percolates, iterations=solved.iterations)
    from cellbench.microstructure.random_walk import random_walk_tau  # numba: only the walk needs it

    walk = random_walk_tau(conducting, axis, steps=steps, target_rel_stderr=target_rel_stderr, seed=seed)
    return dict(tau=walk.tau, tau_stderr=walk.tau_stderr, effective_conductivity_ratio=walk.effective_conductivity_ratio,
                phase_fraction=walk.phase_fraction, spanning_fraction=walk.spanning_fraction,
                percolates=walk.percolates, walkers=walk.walkers, steps=walk.steps)


def porosity(volume: Volume) -> float | None:
    """Void fraction, or None when the phase map names no void phase."""
    return volume.fraction(VOID) if VOID in volume.phases.values() else None


def contact_ratio(volume: Volume) -> float | None:
    """Share of active-material surface touching solid electrolyte; None unless both phases are present."""
    if not (volume.has_phase(ACTIVE_MATERIAL) and volume.has_phase(SOLID_ELECTROLYTE)):
        return None
    return _contact_ratio(volume.mask(ACTIVE_MATERIAL), volume.mask(SOLID_ELECTROLYTE))
