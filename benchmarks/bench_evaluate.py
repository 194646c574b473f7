"""Benchmark: the default evaluation (baseline + candidate + sensitivity) in the 1st-generation standard cell 2.1,
beside PyBaMM running the same simulations.

Target (issue 18): the full default evaluation <= 20 s wall on this 2-core machine. Prints, from one run:
- cellbench: `evaluation.evaluate` (simulations, ageing check-ups and metrics), wall and CPU seconds, cores busy;
- competent PyBaMM (benchmarks/pybamm_anchor.py `Competent`, as PyBaMM's docs recommend for many runs of one
  cell: one Simulation per cell and experiment, temperature and initial state as inputs, IDAKLU reused) on the same
  single-protocol simulations (the ageing items' check-ups are left out of the anchor), one process;
- the ratio, and the largest difference in discharged capacity between the two paths.

Run: .venv/bin/python benchmarks/bench_evaluate.py [--naive]   (--naive adds a fresh Simulation per run: slow)
"""

from __future__ import annotations

import os
import resource
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
MATERIAL = REPO / "examples" / "materials" / "argyrodite-hc.yaml"
CELL = "std-2.1"


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    from cellbench import evaluation
    from cellbench.measurements import schema as S
    from cellbench.simulate import to_pybamm

    import pybamm_anchor

    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    ev = evaluation.evaluate(CELL, str(MATERIAL), sensitivity=True, workers=2)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    print(f"cellbench evaluate ({ev.simulations} simulations + ageing check-ups): {wall:6.1f} s wall, "
          f"{cpu:6.1f} s CPU, {cpu / wall:.2f} cores busy   target <= 20 s wall: {'met' if wall <= 20 else 'NOT met'}")

    # the same single-protocol simulations through PyBaMM directly
    protocols = ev.suite.protocols()
    items = {i.id: i for i in ev.suite.items if i.runnable and i.runner == "protocol"}
    jobs = [("baseline", ev.baseline), ("candidate", ev.candidate)]
    runs = [(variant, design, item) for variant, design in jobs for item in items.values()]
    competent = pybamm_anchor.Competent()
    worst = 0.0
    t1 = time.perf_counter()
    for variant, design, item in runs:
        cell = to_pybamm(design)
        theirs = competent.run(cell, item.protocol, item.temperature_C)
        ours = ev.measurements[variant][item.id]
        discharged = ours.data.filter(ours.data[S.CURRENT] < 0)
        if item.id.startswith("capacity") and discharged.height and theirs > 0:
            mine = float(ours.data[S.DISCHARGE_CAPACITY][-1])
            worst = max(worst, abs(mine - theirs) / theirs)
    anchor_s = time.perf_counter() - t1
    share = len(runs) / max(ev.simulations, 1)
    print(f"competent PyBaMM, the {len(runs)} baseline and candidate runs ({competent.builds} builds): {anchor_s:6.1f} s"
          f" wall, one process; scaled to all {ev.simulations} simulations: {anchor_s / share:6.1f} s")
    print(f"ratio competent PyBaMM (scaled) / cellbench: {anchor_s / share / wall:.1f}x wall")
    print(f"largest discharged-capacity difference between the two paths (capacity items): {100 * worst:.2f} %")

    if "--naive" in sys.argv:
        t2 = time.perf_counter()
        for variant, design, item in runs:
            pybamm_anchor.naive(to_pybamm(design), item.protocol, item.temperature_C)
        naive_s = time.perf_counter() - t2
        print(f"naive PyBaMM (fresh Simulation per run), the same {len(runs)} runs: {naive_s:6.1f} s; "
              f"scaled: {naive_s / share:6.1f} s; ratio / cellbench {naive_s / share / wall:.1f}x")


if __name__ == "__main__":
    main()
