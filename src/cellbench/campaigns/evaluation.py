"""Evaluate one trial: parameters in, metric values, feasibility and provenance out.

This is the unit of work a Dask worker runs (one simulation per task, so no forked pool inside a worker).
It never raises for a bad design or a failed solve: those come back as ``status`` "infeasible" or "failed"
with the reason, so a campaign records them and goes on.

>>> from cellbench.campaigns.spec import CampaignSpec
>>> spec = CampaignSpec.model_validate({"name": "d", "base_cell": "std-1",
...     "parameters": {"separator_thickness_um": {"low": 20, "high": 100}},
...     "objectives": [{"metric": "wh_per_l_stack", "direction": "maximize"}]})
>>> r = evaluate_trial(spec.model_dump(mode="json"), {"separator_thickness_um": 20.0})
>>> r["status"], r["values"]["wh_per_l_stack"] > 200
('complete', True)
"""

from __future__ import annotations

import math
import os
import socket
import time

from cellbench.campaigns.objectives import METRICS, evaluate_metrics
from cellbench.campaigns.search_space import apply_parameters
from cellbench.campaigns.spec import CampaignSpec, base_design
from cellbench.errors import CellbenchError
from cellbench.version import version


def constraint_violations(spec: CampaignSpec, values: dict[str, float]) -> list[float]:
    """Optuna's convention: one number per constraint, ≤ 0 when satisfied (the amount of violation otherwise)."""
    out = []
    for c in spec.constraints:
        v = values.get(c.metric, math.nan)
        if not math.isfinite(v):
            out.append(1e9)  # a metric that cannot be reached (charge never gets to 80%) is maximally infeasible
            continue
        worst = 0.0
        if c.min is not None:
            worst = max(worst, c.min - v)
        if c.max is not None:
            worst = max(worst, v - c.max)
        out.append(worst if worst > 0 else -1e-12)
    return out


def evaluate_trial(spec_data: dict, params: dict[str, float], *, variant_id: str | None = None) -> dict:
    """Build the variant, compute its metrics (simulating only if a metric needs it) and judge feasibility."""
    started = time.perf_counter()
    spec = CampaignSpec.model_validate(spec_data)
    base = base_design(spec)
    result: dict = {"params": dict(params), "values": {}, "constraints": [], "error": None,
                    "provenance": {"cellbench_version": version(), "base_cell": base.id,
                                   "base_version": base.version, "base_hash": _design_hash(base),
                                   "protocol": spec.protocol, "model": spec.model, "thermal": spec.thermal,
                                   "temperature_C": spec.temperature_C, "host": socket.gethostname(),
                                   "pid": os.getpid()}}
    try:
        design = apply_parameters(base, params, variant_id=variant_id)
        design_metrics = [m for m in spec.metric_names if not METRICS[m].needs_simulation]
        values = evaluate_metrics(design_metrics, design)
        result["values"] = values
        violations = constraint_violations(spec, {**values, **{m: 0.0 for m in spec.metric_names if m not in values}})
        design_only = [v for v, c in zip(violations, spec.constraints) if c.metric in values]
        if any(v > 0 for v in design_only):
            # the design already fails a constraint that needs no simulation: do not spend a solve on it
            result.update(status="infeasible", constraints=violations,
                          error="violates " + ", ".join(_violated(spec, values)))
            return _finish(result, started)
        if spec.needs_simulation:
            from cellbench.simulate import simulate

            measurement = simulate(design, spec.protocol, temperature_C=spec.temperature_C, model=spec.model,
                                   thermal=spec.thermal, time_limit_s=spec.time_limit_s)
            sim_metrics = [m for m in spec.metric_names if METRICS[m].needs_simulation]
            values.update(evaluate_metrics(sim_metrics, design, measurement))
            result["provenance"]["simulation"] = {k: measurement.metadata.provenance.get(k)
                                                  for k in ("pybamm_version", "model", "parameter_sources")
                                                  if k in measurement.metadata.provenance}
        result["values"] = values
        result["constraints"] = constraint_violations(spec, values)
        violated = _violated(spec, values)
        result["status"] = "infeasible" if violated else "complete"
        if violated:
            result["error"] = "violates " + ", ".join(violated)
    except CellbenchError as exc:
        result.update(status="failed", error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a solver or library failure must not stop the campaign; keep the reason
        result.update(status="failed", error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}")
    return _finish(result, started)


def _violated(spec: CampaignSpec, values: dict[str, float]) -> list[str]:
    out = []
    for c, v in zip(spec.constraints, constraint_violations(spec, values)):
        if c.metric in values and v > 0:
            bound = f">= {c.min:g}" if c.min is not None and values[c.metric] < c.min else f"<= {c.max:g}"
            out.append(f"{c.metric} {bound} (got {values[c.metric]:.4g})")
    return out


def _design_hash(design) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(design.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]


def _finish(result: dict, started: float) -> dict:
    result["wall_time_s"] = time.perf_counter() - started
    return result
