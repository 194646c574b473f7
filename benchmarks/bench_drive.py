"""One full WLTC class 3b (1800 s) on a 55 kWh pack: cellbench's one-solve drive against stepping the virtual cycler
through one-second power steps, same run.

The claim (issue 8): one full WLTC on a 55 kWh pack in ≤ 10 s on 2 cores (model build included).
The anchor is the straightforward way: the virtual cycler's unified-control model stepped second by second with
each second's cell power (`solver.step`, as `cellbench.simulate.run_protocol` does per protocol step). Stepping all
1800 s takes about a minute, so the anchor runs the first ANCHOR_S seconds and its time is scaled to 1800 s (its
cost per step is flat: each step restarts the solver).

Run: ``python benchmarks/bench_drive.py``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from cellbench import pack
from cellbench.pack.drive import pybamm_cell
from cellbench.pack.power_profile import _CACHE
from cellbench.simulate import model_build as mb
from cellbench.simulate.runner import KELVIN

ANCHOR_S = 300
CLAIM_S = 10.0


def main() -> int:
    spec = pack.design_pack("nextgen-std", energy_kWh=55, voltage_V=400)
    figures = pack.pack_figures(spec)
    cycle = pack.load_cycle("wltc3b")
    print(f"pack {figures.energy_kWh:.1f} kWh, {figures.series}s{figures.parallel}p of {figures.cell_id}; "
          f"{cycle.name} {cycle.duration_s:.0f} s")

    _CACHE.clear()
    start = time.perf_counter()
    result = pack.drive(spec, cycle, grade_pct=0.0)
    cellbench_s = time.perf_counter() - start
    print(f"cellbench drive (SPMe, build + one solve): {cellbench_s:.2f} s  "
          f"-> {result.wh_per_km:.1f} Wh/km, final SOC {result.final_soc:.4f}")

    # anchor: the same cell power, one solver step per second
    cell = pybamm_cell(spec)
    car = pack.Vehicle(pack_mass_kg=figures.mass_kg)
    power_W = car.pack_power_W(cycle.speed_km_h, cycle.acceleration_m_s2()) / spec.cell_count
    start = time.perf_counter()
    built = mb.build(cell, model="spme", thermal="lumped")
    solver = built.get_solver()
    inputs = dict(cell.tunable_values()) | cell.initial_concentrations(0.9)
    inputs |= {"Ambient temperature [K]": 25 + KELVIN, "Initial temperature [K]": 25 + KELVIN,
               mb.K_CURRENT: 0.0, mb.K_VOLTAGE: 0.0, mb.K_POWER: 1.0, mb.SET_CURRENT: 0.0, mb.SET_VOLTAGE: 0.0,
               mb.LOWER_CUTOFF: cell.voltage_min_V - 0.2, mb.UPPER_CUTOFF: cell.voltage_max_V + 0.2,
               mb.CURRENT_CUTOFF: -1.0}
    previous = None
    build_s = time.perf_counter() - start
    for k in range(ANCHOR_S):
        inputs[mb.SET_POWER] = float(0.5 * (power_W[k] + power_W[k + 1]))
        previous = solver.step(previous, built.model, 1.0, t_eval=np.array([0.0, 1.0]), inputs=inputs, save=False)
    anchor_part_s = time.perf_counter() - start
    anchor_s = build_s + (anchor_part_s - build_s) * cycle.duration_s / ANCHOR_S
    soc_anchor = 0.9 - np.trapezoid(result.cell_run.current_A[: ANCHOR_S + 1], result.time_s[: ANCHOR_S + 1]) / 3600 / cell.nominal_capacity_Ah
    print(f"anchor: virtual cycler, 1-s power steps: {anchor_part_s:.2f} s for {ANCHOR_S} s "
          f"-> {anchor_s:.1f} s for {cycle.duration_s:.0f} s (scaled)")
    v_anchor = previous["Voltage [V]"].entries[-1]
    v_cb = np.interp(ANCHOR_S, result.time_s, result.cell_run.voltage_V)
    print(f"agreement at t = {ANCHOR_S} s: voltage {v_cb:.4f} V (cellbench) vs {v_anchor:.4f} V (anchor); "
          f"SOC {soc_anchor:.4f}")
    print(f"ratio anchor / cellbench: {anchor_s / cellbench_s:.1f}x; claim <= {CLAIM_S:g} s: "
          f"{'met' if cellbench_s <= CLAIM_S else 'NOT met'} ({cellbench_s:.2f} s)")
    return 0 if cellbench_s <= CLAIM_S else 1


if __name__ == "__main__":
    sys.exit(main())
