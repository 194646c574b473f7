"""Drive a pack through a cycle: vehicle → pack power → cell power (÷ series × parallel) → the virtual cell in one
solve → range, Wh/km, SOC and cell temperatures (pack heat network for the hottest cell).

>>> from cellbench.pack import design_pack, drive
>>> result = drive(design_pack("nextgen-std"), "wltc3b", grade_pct=5)  # a PyBaMM drive, seconds  # doctest: +SKIP
>>> sorted(result.summary())[:3]                                               # doctest: +SKIP
['cooling', 'cooling_needed', 'cycle']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cellbench.pack.design import PackSpec, pack_figures
from cellbench.pack.drive_cycle import DriveCycle, load_cycle
from cellbench.pack.heat import (CellThermal, Cooling, CoolingVerdict, PackHeat, dissipated_heat_W, pack_temperatures,
                                 temperature_limit_C)
from cellbench.pack.power_profile import PowerShortfall, ProfileRun, run_power_profile
from cellbench.pack.vehicle import Vehicle

DEFAULT_START_SOC = 0.9


def pybamm_cell(spec: PackSpec):
    """The virtual large cell of a pack: its design through :func:`cellbench.simulate.to_pybamm`, with the base
    catalogue cell's calibration (the electrodes are the same)."""
    from cellbench.simulate import to_pybamm
    from cellbench.simulate.calibration import load_calibration
    from cellbench.simulate.design_to_pybamm import apply_design_overrides

    design = spec.cell_design()
    cell = to_pybamm(design, calibrated=False)
    calibration = load_calibration(spec.cell.base)
    if calibration is not None:
        apply_design_overrides(cell, calibration.overrides)
    return cell


@dataclass
class DriveResult(CoolingVerdict):
    cycle: str
    grade_pct: float
    repeat: int
    cooling: str
    start_soc: float
    distance_km: float
    energy_kwh: float
    wh_per_km: float
    range_km: float
    final_soc: float
    max_cell_temperature_C: float
    temperature_spread_K: float
    temperature_limit_C: float
    shortfall: PowerShortfall | None
    cell_count: int
    time_s: np.ndarray = field(repr=False)
    speed_km_h: np.ndarray = field(repr=False)
    pack_power_kW: np.ndarray = field(repr=False)
    soc: np.ndarray = field(repr=False)
    cell_run: ProfileRun = field(repr=False)
    heat: PackHeat = field(repr=False)

    def summary(self) -> dict:
        """The JSON face of the result (keys as `cellbench drive --json` prints them)."""
        return {
            "cycle": self.cycle, "grade_pct": self.grade_pct, "repeat": self.repeat, "cooling": self.cooling,
            "start_soc": round(self.start_soc, 4), "distance_km": round(self.distance_km, 3),
            "wh_per_km": round(self.wh_per_km, 1), "energy_kwh": round(self.energy_kwh, 3),
            "range_km": round(self.range_km, 1), "max_cell_temperature_C": round(self.max_cell_temperature_C, 2),
            "temperature_spread_K": round(self.temperature_spread_K, 2), "final_soc": round(self.final_soc, 4),
            "temperature_limit_C": self.temperature_limit_C, "within_limit": self.within_limit,
            "cooling_needed": self.cooling_needed,
            "completed": self.shortfall is None,
            "shortfall": None if self.shortfall is None else {
                "time_s": round(self.shortfall.time_s, 1),
                "demanded_kW": round(self.shortfall.demanded_W * self.cell_count / 1000, 2),
                "deliverable_kW": round(self.shortfall.deliverable_W * self.cell_count / 1000, 2),
                "shortfall_kW": round(self.shortfall.shortfall_W * self.cell_count / 1000, 2),
                "message": self.shortfall.message(self.cell_count)},
        }


def drive(spec: PackSpec, cycle: str | DriveCycle = "wltc3b", *, grade_pct: float = 0.0, repeat: int = 1,
          vehicle: Vehicle | None = None, cooling: str | Cooling = "none", start_soc: float = DEFAULT_START_SOC,
          ambient_C: float | None = None, initial_temperature_C: float | np.ndarray | None = None,
          temperature_limit: float | None = None, model: str = "spme") -> DriveResult:
    """Drive the pack's vehicle through `cycle` (`repeat` times, on `grade_pct` % grade).

    The vehicle's pack mass comes from the design. `initial_temperature_C` may be one value or one per node of the
    heat network (to carry on from a fast charge). A power the pack cannot deliver ends the run early: the result
    then covers the part driven and `shortfall` says when and by how much.
    """
    figures = pack_figures(spec)
    design = spec.cell_design()
    cool = cooling if isinstance(cooling, Cooling) else Cooling.of(cooling)
    if ambient_C is not None and cool.mode == "none":  # without cooling the "coolant" is the air in the pack
        cool = cool.model_copy(update={"coolant_temperature_C": ambient_C})
    ambient = cool.coolant_temperature_C if ambient_C is None else ambient_C
    trace = (cycle if isinstance(cycle, DriveCycle) else load_cycle(cycle)).repeated(repeat)
    car = (vehicle or Vehicle()).model_copy(update={"pack_mass_kg": figures.mass_kg})
    pack_power_W = car.pack_power_W(trace.speed_km_h, trace.acceleration_m_s2(), grade_pct)
    cells = spec.cell_count
    start_T = None if initial_temperature_C is None else float(np.mean(initial_temperature_C))
    run = run_power_profile(pybamm_cell(spec), trace.time_s, pack_power_W / cells, start_soc=start_soc,
                            temperature_C=ambient, initial_temperature_C=start_T,
                            heat_transfer_W_m2K=cool.heat_transfer_W_m2K, model=model)
    heat_W = dissipated_heat_W(run.current_A, run.voltage_V, run.soc, design)
    heat = pack_temperatures(run.time_s, heat_W, CellThermal.of(design), cooling=cool, ambient_C=ambient,
                             initial_C=initial_temperature_C)
    speed = np.interp(run.time_s, trace.time_s, trace.speed_km_h)
    distance_km = float(np.trapezoid(speed / 3.6, run.time_s) / 1000.0)
    energy_kWh = float(np.trapezoid(run.voltage_V * run.current_A, run.time_s)) * cells / 3.6e6
    wh_per_km = energy_kWh * 1000.0 / distance_km if distance_km > 0 else float("nan")
    return DriveResult(
        cycle=trace.name, grade_pct=grade_pct, repeat=repeat, cooling=cool.mode, start_soc=start_soc,
        distance_km=distance_km, energy_kwh=energy_kWh, wh_per_km=wh_per_km,
        range_km=figures.energy_kWh * 1000.0 / wh_per_km if wh_per_km > 0 else float("inf"),
        final_soc=float(run.soc[-1]), max_cell_temperature_C=max(heat.hottest_C, float(run.temperature_C.max())),
        temperature_spread_K=heat.spread_K,
        temperature_limit_C=temperature_limit if temperature_limit is not None else temperature_limit_C(design.electrolyte_type),
        shortfall=run.shortfall, cell_count=cells, time_s=run.time_s, speed_km_h=speed,
        pack_power_kW=run.voltage_V * run.current_A * cells / 1000.0, soc=run.soc, cell_run=run, heat=heat)
