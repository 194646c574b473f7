"""Benchmark: an IEC 62660-1-style experiment set on the 1st-generation standard cell (std-2.1).

Three ways through the same 20 experiments, measured in one run:
- cellbench: `simulate_many` (one built model per structure, reused through input parameters; two forked workers),
  build and solver compilation included;
- competent PyBaMM (`pybamm_anchor.Competent`): what PyBaMM's documentation recommends for many runs of one cell,
  one Simulation per cell, experiment and temperature, initial state as inputs, IDAKLU reused, one process;
- naive PyBaMM (`pybamm_anchor.naive`): a fresh `pybamm.Simulation` with a `pybamm.Experiment` per run.
Targets (issue 25 item 1): >= 10x naive and >= 2x competent PyBaMM (wall time on this 2-core machine), discharged
capacities within 0.1 %. CPU seconds are printed too: the shared machine's other load inflates wall time, not CPU.

Run: .venv/bin/python benchmarks/bench_simulate.py [--skip-naive]
"""

from __future__ import annotations

import os
import resource
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cellbench import cells  # noqa: E402
from cellbench.measurements import schema as S  # noqa: E402
from cellbench.simulate import model_build, simulate_many, to_pybamm  # noqa: E402

import pybamm_anchor  # noqa: E402

CELL_ID = "std-2.1"


def experiment_set() -> list[tuple[str, str, float]]:
    """(name, protocol, ambient °C): capacities at several rates and temperatures, pulses at three SOCs,
    CC-CV charges and a 6C fast charge — 20 experiments."""
    out = []
    for rate in (0.2, 0.5, 1, 2, 3):
        out.append((f"capacity {rate}C 25C", f"Set SOC to 100%; Discharge at {rate}C until Vmin", 25.0))
    for temperature in (0.0, 45.0):
        for rate in (0.2, 1, 2):
            out.append((f"capacity {rate}C {temperature:g}C", f"Set SOC to 100%; Discharge at {rate}C until Vmin",
                        temperature))
    pulse = "Set SOC to {soc}%; Discharge at 3C for 10 s; Rest for 10 minutes; Charge at 1C for 10 s; Rest for 10 minutes"
    for soc in (80, 50, 20):
        out.append((f"pulse {soc}% 25C", pulse.format(soc=soc), 25.0))
    for temperature in (0.0, 45.0):
        out.append((f"pulse 50% {temperature:g}C", pulse.format(soc=50), temperature))
    for rate in (0.5, 1, 2):
        out.append((f"CC-CV {rate}C", f"Set SOC to 0%; Charge at {rate}C until Vmax; Hold at Vmax until C/20", 25.0))
    out.append(("fast charge 6C", "Set SOC to 0%; Charge at 6C until Vmax; Hold at Vmax for 10 minutes or until C/20",
                25.0))
    return out


def cpu_seconds() -> float:
    """CPU of this process and its finished children (the forked workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def discharged_Ah(measurement) -> float:
    """Charge moved on discharge over the whole run (BDF current: negative on discharge)."""
    t = measurement.data[S.TIME].to_numpy()
    current = measurement.data[S.CURRENT].to_numpy()
    discharge = -current.clip(max=0.0)
    return float(((discharge[1:] + discharge[:-1]) / 2 * (t[1:] - t[:-1])).sum() / 3600.0)


def main() -> None:
    warnings.simplefilter("ignore")
    design = cells.load(CELL_ID)
    experiments = experiment_set()
    print(f"{len(experiments)} experiments on {CELL_ID} (DFN, lumped thermal); cores: {os.cpu_count()}, "
          f"load average at start: {os.getloadavg()[0]:.1f}")

    model_build.clear_cache()
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    jobs = [(design, protocol, {"temperature_C": temperature}) for _name, protocol, temperature in experiments]
    results = simulate_many(jobs, workers=2, timeout_s=120)
    cellbench_s, cellbench_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    failures = [(name, r) for (name, _, _), r in zip(experiments, results) if isinstance(r, Exception)]
    for name, error in failures:
        print(f"  FAILED {name}: {error}")

    cell = to_pybamm(design)
    floor = 0.01 * cell.nominal_capacity_Ah  # charges discharge nothing: compare the runs that discharge
    competent = pybamm_anchor.Competent()
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    theirs = [competent.run(cell, protocol, temperature) for _name, protocol, temperature in experiments]
    competent_s, competent_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0

    naive_s = naive_cpu = None
    if "--skip-naive" not in sys.argv:
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        naive = [pybamm_anchor.naive(to_pybamm(design), protocol, temperature)
                 for _name, protocol, temperature in experiments]
        naive_s, naive_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
        theirs_naive_gap = max(abs(a - b) / b for a, b in zip(theirs, naive) if b > floor)
        print(f"largest discharged-capacity difference naive vs competent PyBaMM: {100 * theirs_naive_gap:.3f} %")

    worst = 0.0
    for (name, _, _), ours, ref in zip(experiments, results, theirs):
        if isinstance(ours, Exception) or ref <= floor:
            continue
        worst = max(worst, abs(discharged_Ah(ours) - ref) / ref)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    if naive_s is not None:
        print(f"naive PyBaMM (fresh Simulation per run):       {naive_s:7.2f} s wall, {naive_cpu:7.2f} s CPU")
    print(f"competent PyBaMM ({competent.builds:2d} builds, one process):   {competent_s:7.2f} s wall, "
          f"{competent_cpu:7.2f} s CPU")
    print(f"cellbench (simulate_many, 2 workers, build in): {cellbench_s:7.2f} s wall, {cellbench_cpu:7.2f} s CPU")
    if naive_s is not None:
        print(f"ratio naive / cellbench:     {naive_s / cellbench_s:5.1f}x wall, {naive_cpu / cellbench_cpu:5.1f}x CPU"
              "   (target >= 10x)")
    print(f"ratio competent / cellbench: {competent_s / cellbench_s:5.1f}x wall, "
          f"{competent_cpu / cellbench_cpu:5.1f}x CPU   (target >= 2x)")
    print(f"largest discharged-capacity difference cellbench vs competent PyBaMM: {100 * worst:.3f} %  (target <= 0.1 %)")
    print(f"failures: {len(failures)}")


if __name__ == "__main__":
    main()
