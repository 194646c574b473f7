"""Measure the evaluation's numerical band: how much each metric moves when the solver's tolerances tighten.

Runs every item of the default suite on catalogue cells twice — at the simulator's tolerances and at 100× tighter
ones — and writes, for each metric, the largest relative difference seen (times a safety factor) to
src/cellbench/evaluation/data/numerical-band.yaml. A verdict is "better"/"worse" only beyond this band.

    .venv/bin/python scripts/measure_numerical_band.py [std-2.1 gen1-demo ...]
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import yaml

from cellbench import cells, evaluation
from cellbench.evaluation import run as ev_run
from cellbench.simulate import model_build

SAFETY_FACTOR = 2.0
FLOOR_PCT = 0.01
TIGHTER = 100.0
OUT = Path(__file__).resolve().parents[1] / "src/cellbench/evaluation/data/numerical-band.yaml"


def metric_values(design, suite) -> dict[str, dict[str, float]]:
    """metric fn -> {item:label -> value} for one design (single process, so the tolerances apply)."""
    protocols = suite.protocols()
    items = [i for i in suite.items if i.runnable and i.runner == "protocol"]
    jobs = [ev_run.Job("baseline", item, design) for item in items]
    outcomes = ev_run.run_jobs(jobs, protocols, workers=1, model="dfn", timeout_s=300)
    values: dict[str, dict[str, float]] = {}
    failures: list = []
    for job, outcome in zip(jobs, outcomes):
        for spec, value in ev_run.compute_metrics(job.item, outcome, design, failures, "baseline"):
            if value is not None:
                values.setdefault(spec.fn, {})[f"{job.item.id}:{spec.label}"] = value.value
    for item in (i for i in suite.items if i.runnable and i.runner == "ageing"):
        record = ev_run.run_ageing_item(item, design)
        for spec, value in ev_run.ageing_metrics(item, record, failures, "baseline"):
            if value is not None:
                values.setdefault(spec.fn, {})[f"{item.id}:{spec.label}"] = value.value
    return values


def main(cell_ids: list[str]) -> None:
    suite = evaluation.load_suite()
    worst: dict[str, float] = {}
    for cell_id in cell_ids:
        design = cells.load(cell_id)
        rtol, atol = model_build.SOLVER_RTOL, model_build.SOLVER_ATOL
        model_build.clear_cache()
        loose = metric_values(design, suite)
        model_build.SOLVER_RTOL, model_build.SOLVER_ATOL = rtol / TIGHTER, atol / TIGHTER
        model_build.clear_cache()   # solvers are kept with built models
        tight = metric_values(design, suite)
        model_build.SOLVER_RTOL, model_build.SOLVER_ATOL = rtol, atol
        model_build.clear_cache()
        for fn, by_item in loose.items():
            for key, a in by_item.items():
                b = tight.get(fn, {}).get(key)
                if b is None or b == 0:
                    continue
                diff = 100.0 * abs(a - b) / abs(b)
                worst[fn] = max(worst.get(fn, 0.0), diff)
                print(f"{cell_id:12s} {fn:24s} {key:40s} {a:.6g} vs {b:.6g}: {diff:.4f} %")
    bands = {fn: round(max(SAFETY_FACTOR * v, FLOOR_PCT), 4) for fn, v in sorted(worst.items())}
    OUT.write_text(
        "# Numerical band of each evaluation metric, in % of its value: the largest change seen when the solver's\n"
        f"# tolerances are tightened {TIGHTER:g}-fold (rtol 1e-4 -> 1e-6), times {SAFETY_FACTOR:g}, at least "
        f"{FLOOR_PCT:g} %.\n"
        f"# Measured by scripts/measure_numerical_band.py on {', '.join(cell_ids)} ({date.today().isoformat()}).\n"
        + yaml.safe_dump({"measured_on": cell_ids, "tighter_by": TIGHTER, "safety_factor": SAFETY_FACTOR,
                          "floor_pct": FLOOR_PCT, "band_pct": bands}, sort_keys=False))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["std-2.1", "gen1-demo"])
