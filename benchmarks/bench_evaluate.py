"""Benchmark: the default evaluation (baseline + candidate + sensitivity) in the 1st-generation standard cell 2.1.

Issue 4's target: the default suite for baseline and candidate finishes in <= 60 s on 2 cores. Prints the wall time
and the number of simulations, for the suite alone and with the sensitivity runs.

Run: .venv/bin/python benchmarks/bench_evaluate.py
"""

import os
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
REPO = Path(__file__).resolve().parents[1]
MATERIAL = REPO / "examples" / "materials" / "argyrodite-hc.yaml"


def run(sensitivity: bool) -> tuple[int, float, int]:
    from cellbench import evaluation

    t0 = time.perf_counter()
    ev = evaluation.evaluate("std-2.1", str(MATERIAL), sensitivity=sensitivity, workers=2)
    return ev.simulations, time.perf_counter() - t0, len(ev.failures)


if __name__ == "__main__":
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    for sensitivity in (False, True):
        n, seconds, failures = run(sensitivity)
        label = "suite + sensitivity" if sensitivity else "suite (baseline + candidate)"
        print(f"{label:32s} {n:3d} simulations in {seconds:6.1f} s  ({n / seconds:.2f} sim/s, {failures} failures)"
              + ("   target <= 60 s: " + ("met" if seconds <= 60 else "NOT met") if not sensitivity else ""))
