"""Benchmark: a 4-parameter calibration of the LG M50 on 4 measured discharges (issue 19: ≤ 3 minutes).

cellbench (`cellbench.calibration.calibrate`: scipy least squares over PyBaMM input parameters, so the DFN is
built and discretised once) against the naive way measured in the same run: a fresh `pybamm.Simulation` with a
`pybamm.Experiment` for every simulation the fit needs (benchmarks/pybamm_anchor.naive, the same cell, parameters,
steps and temperatures). A whole naive calibration would take the better part of an hour on this machine, so the
anchor times the naive simulations of a few residual evaluations (all four tests each) and the ratio is per
simulation; the projected naive total is that cost times the simulations cellbench's fit used.

Needs ../shared/data/real/lg_m50_warwick (third-party data, read in place).
Run: .venv/bin/python benchmarks/bench_calibrate.py
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pybamm_anchor import naive  # noqa: E402

from cellbench.calibration import calibrate, read_discharge  # noqa: E402
from cellbench.calibration.fit import start_cell  # noqa: E402
from cellbench.simulate import model_build  # noqa: E402
from cellbench.simulate.design_to_pybamm import with_overrides  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "lg_m50_warwick"
FILES = [DATA / f"LGM50_rate_25degC_{rate}.csv" for rate in ("0.1C", "0.5C", "1C", "2C")]
PARAMETERS = ["contact_resistance_mohm", "anode_diffusivity_cm2_s", "cathode_diffusivity_cm2_s", "heat_transfer_W_m2K"]
NAIVE_EVALUATIONS = 2


def main() -> None:
    warnings.simplefilter("ignore")
    if not DATA.is_dir():
        sys.exit(f"needs the measured LG M50 files in {DATA}")
    tests = [read_discharge(f) for f in FILES]
    print(f"{len(PARAMETERS)} parameters ({', '.join(PARAMETERS)}) on {len(tests)} measured discharges "
          f"({', '.join(f'{t.current_A:.3g} A' for t in tests)} at 25 °C), DFN with lumped thermal")

    model_build.clear_cache()
    cpu = time.process_time()
    start = time.perf_counter()
    result = calibrate("lg-m50", tests, PARAMETERS, max_evaluations=60)
    ours_s = time.perf_counter() - start
    ours_cpu = time.process_time() - cpu
    simulations = result.evaluations
    for name, value in result.calibration.fitted.items():
        print(f"  {name} = {value.value:.4g} {value.unit}  (95 % {value.ci95[0]:.4g} – {value.ci95[1]:.4g})")
    after = [r["capacity_error_pct"] for r in result.after]
    print(f"  capacity errors after the fit: {', '.join(f'{e:+.2f} %' for e in after)}")

    # the naive anchor: the same simulations, each a fresh pybamm.Simulation (the fitted values, as the fit ends)
    cell, _, _ = start_cell("lg-m50")
    fitted = with_overrides(cell, {k: v.value for k, v in result.calibration.fitted.items()})
    cpu = time.process_time()
    start = time.perf_counter()
    naive_capacities = []
    for _ in range(NAIVE_EVALUATIONS):
        for t in tests:
            naive_capacities.append(naive(fitted, f"Set SOC to 100%; Discharge at {t.current_A:.6g} A until 2.5 V",
                                          t.start_temperature_C))
    naive_s = (time.perf_counter() - start) / (NAIVE_EVALUATIONS * len(tests))
    naive_cpu = (time.process_time() - cpu) / (NAIVE_EVALUATIONS * len(tests))
    ours_per = ours_s / simulations
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"cellbench calibration: {ours_s:6.1f} s wall, {ours_cpu:6.1f} s CPU for {simulations} simulations "
          f"({result.calibration.method['evaluations']} residual evaluations; build included)   target ≤ 180 s")
    print(f"naive (fresh pybamm.Simulation per simulation): {naive_s:6.2f} s wall, {naive_cpu:6.2f} s CPU each; "
          f"projected for {simulations} simulations: {naive_s * simulations:7.0f} s")
    print(f"ratio naive / cellbench per simulation: {naive_s / ours_per:.1f}x wall, "
          f"{naive_cpu / (ours_cpu / simulations):.1f}x CPU")
    ours_final = [r["capacity_Ah"] for r in result.after]
    worst = max(abs(a - b) / b for a, b in zip(ours_final, naive_capacities[:len(tests)]))
    print(f"largest capacity difference between the two paths at the fitted values: {100 * worst:.2f} %")


if __name__ == "__main__":
    main()
