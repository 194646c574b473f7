"""Benchmark: an IEC 62660-1-style experiment set on the 1st-generation standard cell (std-2.1).

cellbench (one built model per structure, reused through input parameters; two forked workers) against the
naive way (a fresh `pybamm.Simulation` with a `pybamm.Experiment` per experiment), measured in the same run.
Targets (issue 3): at least 5x faster than naive, at most 3 s for the whole set on 2 cores.

Run: .venv/bin/python benchmarks/bench_simulate.py
"""

from __future__ import annotations

import os
import resource
import time
import warnings

import pybamm

from cellbench import cells
from cellbench.measurements import schema as S
from cellbench.protocols import Protocol
from cellbench.simulate import model_build, simulate_many, to_pybamm

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


def naive_run(design, protocol_text: str, temperature_C: float) -> float:
    """A fresh PyBaMM Simulation per experiment, same parameters and steps; returns discharge capacity (Ah)."""
    cell = to_pybamm(design)
    protocol = Protocol.parse(protocol_text)
    pv = cell.parameter_values.copy()
    steps = []
    for planned in protocol.expand():
        step = planned.step
        if step.kind == "set_soc":
            pv.update(cell.initial_concentrations(step.soc_pct / 100))
            continue
        sentence = step.sentence.replace("Vmin", f"{cell.voltage_min_V} V").replace("Vmax", f"{cell.voltage_max_V} V")
        steps.append(sentence)
    pv.update({"Ambient temperature [K]": temperature_C + 273.15, "Initial temperature [K]": temperature_C + 273.15})
    model = pybamm.lithium_ion.DFN({"thermal": "lumped", **cell.model_options})
    sim = pybamm.Simulation(model, parameter_values=pv, experiment=pybamm.Experiment(steps))
    solution = sim.solve()
    return float(solution["Discharge capacity [A.h]"].entries.max())


def main() -> None:
    warnings.simplefilter("ignore")
    design = cells.load(CELL_ID)
    experiments = experiment_set()
    print(f"{len(experiments)} experiments on {CELL_ID} (DFN, lumped thermal)")

    model_build.clear_cache()
    cpu_start = time.process_time()
    start = time.perf_counter()
    jobs = [(design, protocol, {"temperature_C": temperature}) for _name, protocol, temperature in experiments]
    results = simulate_many(jobs, workers=2, timeout_s=120)
    cellbench_s = time.perf_counter() - start
    # CPU seconds of this process and its (finished) workers: a figure the machine's other load does not inflate
    cellbench_cpu_s = time.process_time() - cpu_start + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime \
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime
    failures = [(name, r) for (name, _, _), r in zip(experiments, results) if isinstance(r, Exception)]
    for name, error in failures:
        print(f"  FAILED {name}: {error}")

    cpu_start = time.process_time()
    start = time.perf_counter()
    naive = [naive_run(design, protocol, temperature) for _name, protocol, temperature in experiments]
    naive_s = time.perf_counter() - start
    naive_cpu_s = time.process_time() - cpu_start

    worst = 0.0
    for (name, _, _), ours, theirs in zip(experiments, results, naive):
        if isinstance(ours, Exception) or not name.startswith("capacity"):
            continue
        capacity = ours.data[S.DISCHARGE_CAPACITY][-1]
        worst = max(worst, abs(capacity - theirs) / theirs)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"naive (fresh pybamm.Simulation per experiment): {naive_s:7.2f} s wall, {naive_cpu_s:7.2f} s CPU")
    print(f"cellbench (simulate_many, 2 workers, build included): {cellbench_s:7.2f} s wall, {cellbench_cpu_s:7.2f} s CPU")
    print(f"ratio naive / cellbench: {naive_s / cellbench_s:.1f}x wall, {naive_cpu_s / cellbench_cpu_s:.1f}x CPU"
          "   (target >= 5x; whole set target <= 3 s wall on 2 idle cores)")
    print(f"largest capacity difference between the two paths: {100 * worst:.2f} %")
    print(f"failures: {len(failures)}")


if __name__ == "__main__":
    main()
