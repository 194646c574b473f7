"""Fast charge of a pack from one SOC to another: 6C CC-CV or user-defined multi-stage charges on the virtual cell,
with the pack heat network for the hottest cell; and the combined scenario (fast charge, then a drive).

The default CC-CV charge runs on a charger (:func:`cellbench.pack.charger.run_cc_cv`: the CV phase never draws
more than the CC current, as a real charger's); user-defined `stages` run as a cellbench protocol ("Set SOC to 20%;
Charge at 3C until 3.9 V; Charge at 1C until Vmax"), where a stage whose end condition holds at its start ends at
once and is reported in `ended_at_start`. Either run stops where the charged capacity reaches the target SOC
(interpolated between output points). The cell's heat for the network is I·(V − OCV(SOC))
(:func:`cellbench.pack.heat.dissipated_heat_W`; entropic heat left out).

>>> from cellbench.pack import design_pack, fast_charge
>>> r = fast_charge(design_pack("nextgen-std"), c_rate=6)  # a PyBaMM charge, seconds  # doctest: +SKIP
>>> r.summary()["time_min"]                                                   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cellbench.errors import InputError
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S
from cellbench.pack.charger import run_cc_cv
from cellbench.pack.design import PackSpec
from cellbench.pack.drive import DriveResult, drive, pybamm_cell
from cellbench.pack.drive_cycle import DriveCycle
from cellbench.pack.heat import (CellThermal, Cooling, CoolingVerdict, PackHeat, dissipated_heat_W, pack_temperatures,
                                 temperature_limit_C)


def cc_cv_stages(c_rate: float = 6.0, *, from_soc: float = 0.10, to_soc: float = 0.80) -> list[str]:
    """A CC-CV charge as protocol sentences: CC at `c_rate` for at most the time to move from→to, then CV at Vmax.

    >>> cc_cv_stages(6)
    ['Charge at 6C for 420 s or until Vmax', 'Hold at Vmax until C/20']
    """
    if c_rate <= 0:
        raise InputError(f"the C-rate must be positive, got {c_rate}", location="c_rate")
    seconds = (to_soc - from_soc) / c_rate * 3600.0
    return [f"Charge at {c_rate:g}C for {seconds:.0f} s or until Vmax", "Hold at Vmax until C/20"]


@dataclass
class ChargeResult(CoolingVerdict):
    stages: list[str]
    from_soc: float
    to_soc: float
    reached_soc: float
    time_s: float
    energy_kwh: float
    start_temperature_C: float
    max_cell_temperature_C: float
    temperature_spread_K: float
    temperature_limit_C: float
    cooling: str
    measurement: Measurement = field(repr=False)
    heat: PackHeat = field(repr=False)
    ended_at_start: list[str] = field(default_factory=list)  # stages that ended at once (their limit held at start)

    @property
    def temperature_rise_K(self) -> float:
        return self.max_cell_temperature_C - self.start_temperature_C

    def summary(self) -> dict:
        return {"stages": self.stages, "from_soc": self.from_soc, "to_soc": self.to_soc,
                "reached_soc": round(self.reached_soc, 4), "time_min": round(self.time_s / 60.0, 2),
                "energy_kwh": round(self.energy_kwh, 3), "temperature_rise_K": round(self.temperature_rise_K, 2),
                "max_cell_temperature_C": round(self.max_cell_temperature_C, 2),
                "temperature_spread_K": round(self.temperature_spread_K, 2), "cooling": self.cooling,
                "temperature_limit_C": self.temperature_limit_C, "within_limit": self.within_limit,
                "cooling_needed": self.cooling_needed, "ended_at_start": self.ended_at_start}


def fast_charge(spec: PackSpec, *, c_rate: float = 6.0, stages: list[str] | None = None, from_soc: float = 0.10,
                to_soc: float = 0.80, cooling: str | Cooling = "none", ambient_C: float | None = None,
                temperature_limit: float | None = None, model: str = "spme") -> ChargeResult:
    """Charge every cell of the pack from `from_soc` to `to_soc` with a CC-CV charger at `c_rate` or with `stages`
    (charge/hold sentences, e.g. ["Charge at 6C until 4.1 V", "Charge at 3C until Vmax", "Hold at Vmax until C/20"])."""
    from cellbench.simulate import simulate

    if not 0 <= from_soc < to_soc <= 1:
        raise InputError(f"expected 0 ≤ from_soc < to_soc ≤ 1, got {from_soc} and {to_soc}", location="from_soc/to_soc")
    user_stages = list(stages) if stages else None
    stages = user_stages or cc_cv_stages(c_rate, from_soc=from_soc, to_soc=to_soc)
    for text in stages:
        if not text.strip().lower().startswith(("charge", "hold", "rest")):
            raise InputError(f"a charge stage must be a charge, hold or rest step: '{text}'", location="stages")
    cool = cooling if isinstance(cooling, Cooling) else Cooling.of(cooling)
    if ambient_C is not None and cool.mode == "none":  # without cooling the "coolant" is the air in the pack
        cool = cool.model_copy(update={"coolant_temperature_C": ambient_C})
    ambient = cool.coolant_temperature_C if ambient_C is None else ambient_C
    cell = pybamm_cell(spec)
    if user_stages:
        protocol = "; ".join([f"Set SOC to {from_soc * 100:g}%"] + stages)
        m = simulate(cell, protocol, temperature_C=ambient, model=model, thermal="lumped",
                     overrides={"heat_transfer_W_m2K": cool.heat_transfer_W_m2K})
        ended_at_start = [r["text"] for r in m.metadata.extra.get("steps", [])
                          if str(r.get("ended_by", "")).endswith(" at start")]
    else:
        m = run_cc_cv(cell, c_rate=c_rate, from_soc=from_soc, to_soc=to_soc, temperature_C=ambient,
                      heat_transfer_W_m2K=cool.heat_transfer_W_m2K, model=model)
        ended_at_start = [stages[0]] if m.metadata.extra["cc_phase_s"] == 0.0 else []
    data = m.data
    t = data[S.TIME].to_numpy() - data[S.TIME][0]
    charged_Ah = data[S.CHARGE_CAPACITY].to_numpy() - data[S.CHARGE_CAPACITY][0]
    soc = from_soc + charged_Ah / cell.nominal_capacity_Ah
    t, soc, current, voltage, cell_T = _until_soc(to_soc, soc, t, data[S.CURRENT].to_numpy(),
                                                  data[S.VOLTAGE].to_numpy(), data[S.CELL_TEMPERATURE].to_numpy())
    design = spec.cell_design()
    heat_W = dissipated_heat_W(-current, voltage, soc, design)  # BDF current is + on charge
    grid = np.arange(0.0, t[-1] + 1.0)  # the network steps each second
    heat = pack_temperatures(grid, np.interp(grid, t, heat_W), CellThermal.of(design), cooling=cool, ambient_C=ambient)
    energy_kWh = float(np.trapezoid(voltage * current, t)) * spec.cell_count / 3.6e6
    return ChargeResult(
        stages=stages, from_soc=from_soc, to_soc=to_soc, reached_soc=float(soc[-1]), time_s=float(t[-1]),
        energy_kwh=energy_kWh, start_temperature_C=float(cell_T[0]),
        max_cell_temperature_C=max(heat.hottest_C, float(cell_T.max())), temperature_spread_K=heat.spread_K,
        temperature_limit_C=temperature_limit if temperature_limit is not None else temperature_limit_C(design.electrolyte_type),
        cooling=cool.mode, measurement=m, heat=heat, ended_at_start=ended_at_start)


def _until_soc(to_soc: float, soc: np.ndarray, t: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """(t, soc, *columns) up to where the SOC reaches `to_soc`, the last point interpolated onto it (as a charger
    stops at its target); everything when the target is not reached."""
    arrays = (t, soc, *columns)
    if soc[-1] < to_soc:
        return arrays
    k = int(np.searchsorted(soc, to_soc))  # the first point at or past the target (charged capacity only grows)
    if k == 0 or soc[k] == to_soc:
        return tuple(a[: k + 1] for a in arrays)
    w = (to_soc - soc[k - 1]) / (soc[k] - soc[k - 1])
    return tuple(np.append(a[:k], a[k - 1] + w * (a[k] - a[k - 1])) for a in arrays)


@dataclass
class CombinedResult:
    charge: ChargeResult
    drive: DriveResult

    @property
    def max_cell_temperature_C(self) -> float:
        return max(self.charge.max_cell_temperature_C, self.drive.max_cell_temperature_C)

    @property
    def within_limit(self) -> bool:
        return self.max_cell_temperature_C <= self.drive.temperature_limit_C

    @property
    def cooling_needed(self) -> bool | None:
        """Answered only by a run without cooling (None for cooled runs)."""
        return (not self.within_limit) if self.drive.cooling == "none" else None

    def summary(self) -> dict:
        return {"charge": self.charge.summary(), "drive": self.drive.summary(),
                "max_cell_temperature_C": round(self.max_cell_temperature_C, 2),
                "temperature_limit_C": self.drive.temperature_limit_C, "within_limit": self.within_limit,
                "cooling_needed": self.cooling_needed}


def charge_then_drive(spec: PackSpec, *, c_rate: float = 6.0, stages: list[str] | None = None, from_soc: float = 0.10,
                      to_soc: float = 0.80, cycle: "str | DriveCycle" = "wltc3b", grade_pct: float = 5.0, repeat: int = 1,
                      cooling: str | Cooling = "none", temperature_limit: float | None = None,
                      model: str = "spme") -> CombinedResult:
    """The SOLiD-EV scenario: a fast charge, then driving straight away (WLTC on a 5% grade by default), starting
    from the charge's end SOC and each cell's end temperature (the cells' concentration gradients relax: the drive
    starts from equilibrium at that SOC)."""
    charge = fast_charge(spec, c_rate=c_rate, stages=stages, from_soc=from_soc, to_soc=to_soc, cooling=cooling,
                         temperature_limit=temperature_limit, model=model)
    run = drive(spec, cycle, grade_pct=grade_pct, repeat=repeat, cooling=cooling, start_soc=charge.reached_soc,
                initial_temperature_C=charge.heat.final_C, temperature_limit=temperature_limit, model=model)
    return CombinedResult(charge, run)
