"""Run one cell through a second-by-second power profile (a drive cycle's share per cell) in one PyBaMM solve.

A drive cycle is 1800 one-second power set-points. Stepping the virtual cycler through 1800 protocol steps costs
about 30 ms a step (a restart of the solver each time), so instead the profile becomes PyBaMM's power function —
a linear interpolant of time — and the whole cycle is one solve. The model is built per profile (a few seconds for
an SPMe) and kept in a small cache keyed by the cell's structure and the profile's content.

Sign: `power_W` positive = discharge (the cell delivers power), as a vehicle sees it; the Measurement this returns
uses BDF's sign (current positive on charge).

>>> from cellbench.pack.power_profile import run_power_profile      # needs a PybammCell; a PyBaMM run  # doctest: +SKIP
>>> run = run_power_profile(cell, [0, 1, 2], [0.05, 0.10, 0.0], start_soc=0.8)   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pybamm

from cellbench.errors import InputError, SimulationError
from cellbench.measurements import Measurement, MeasurementMetadata
from cellbench.measurements import schema as S
from cellbench.simulate.model_build import MODELS
from cellbench.simulate.pybamm_cell import PybammCell

KELVIN = 273.15
UPPER_MARGIN_V = 0.2
HEAT_TRANSFER = "Total heat transfer coefficient [W.m-2.K-1]"
_CACHE_SIZE = 4
_CACHE: dict[str, tuple[pybamm.BaseModel, pybamm.IDAKLUSolver]] = {}


@dataclass
class ProfileRun:
    """One cell's response to a power profile, sampled every second of the profile."""

    time_s: np.ndarray
    power_W: np.ndarray            # demanded, + discharge
    voltage_V: np.ndarray
    current_A: np.ndarray          # + discharge (vehicle view)
    temperature_C: np.ndarray
    heat_W: np.ndarray             # total heat generated in the cell
    soc: np.ndarray
    shortfall: "PowerShortfall | None" = None
    wall_time_s: float = 0.0
    notes: dict = field(default_factory=dict)

    @property
    def completed(self) -> bool:
        return self.shortfall is None

    def to_measurement(self, *, cell_id: str, procedure: str) -> Measurement:
        """The run as a canonical Measurement (BDF columns, current positive on charge)."""
        data = pl.DataFrame({
            S.TIME: self.time_s, S.VOLTAGE: self.voltage_V, S.CURRENT: -self.current_A,
            S.CYCLE: np.ones(len(self.time_s), dtype=np.int64), S.STEP: np.ones(len(self.time_s), dtype=np.int64),
            S.STEP_TYPE: np.where(self.current_A >= 0, "discharge", "charge").astype(str),
            S.CELL_TEMPERATURE: self.temperature_C,
        })
        meta = MeasurementMetadata(origin="simulation", vendor="PyBaMM", procedure=procedure, cell_id=cell_id,
                                   provenance=dict(self.notes), extra={"wall_time_s": self.wall_time_s})
        return Measurement(data, meta)


@dataclass(frozen=True)
class PowerShortfall:
    """The second at which the cell could not deliver the demanded power."""

    time_s: float
    demanded_W: float
    deliverable_W: float

    @property
    def shortfall_W(self) -> float:
        return self.demanded_W - self.deliverable_W

    def message(self, cells_in_pack: int = 1) -> str:
        scale, unit = (cells_in_pack / 1000.0, "kW") if cells_in_pack > 1 else (1.0, "W")
        return (f"the pack cannot deliver the demanded power at t = {self.time_s:.0f} s: demanded "
                f"{self.demanded_W * scale:.3g} {unit}, deliverable about {self.deliverable_W * scale:.3g} {unit} "
                f"(shortfall {self.shortfall_W * scale:.3g} {unit}); the cell reached its lower voltage limit")


def run_power_profile(cell: PybammCell, time_s, power_W, *, start_soc: float = 1.0, temperature_C: float = 25.0,
                      initial_temperature_C: float | None = None, heat_transfer_W_m2K: float | None = None,
                      model: str = "spme") -> ProfileRun:
    """Drive `cell` through `power_W` (W per cell, + discharge) at the times `time_s` in one solve.

    Stops at the cell's lower (or upper, during regeneration) voltage limit and reports the second and the shortfall
    in `ProfileRun.shortfall` rather than raising; the result then covers the part that ran.
    """
    t = np.asarray(time_s, dtype=float)
    p = np.asarray(power_W, dtype=float)
    if t.ndim != 1 or t.shape != p.shape or len(t) < 2:
        raise InputError("a power profile needs matching time and power arrays of at least two points")
    if np.any(np.diff(t) <= 0):
        raise InputError("the profile's times must increase")
    if not 0.0 <= start_soc <= 1.0:
        raise InputError(f"start SOC {start_soc} is outside 0..1", location="start_soc")
    if model not in MODELS:
        raise InputError(f"unknown model '{model}': expected one of {', '.join(MODELS)}", location="model")
    t = t - t[0]
    built, solver = _built(cell, t, p, model)
    inputs = {name: float(cell.parameter_values[name]) for name in cell.tunable}
    inputs.update(cell.initial_concentrations(start_soc))
    inputs["Ambient temperature [K]"] = temperature_C + KELVIN
    start_C = temperature_C if initial_temperature_C is None else initial_temperature_C
    inputs["Initial temperature [K]"] = start_C + KELVIN
    inputs[HEAT_TRANSFER] = (heat_transfer_W_m2K if heat_transfer_W_m2K is not None
                             else float(cell.parameter_values[HEAT_TRANSFER]))
    started = time.perf_counter()
    try:
        solution = solver.solve(built, t_eval=[0.0, float(t[-1])], t_interp=t, inputs=inputs)
    except pybamm.SolverError as exc:
        raise SimulationError(f"the power profile could not be solved for cell '{cell.name}': {str(exc)[:200]}") from exc
    wall = time.perf_counter() - started

    ts = solution.t
    volume_m3 = float(cell.parameter_values["Cell volume [m3]"])
    run = ProfileRun(
        time_s=ts, power_W=np.interp(ts, t, p), voltage_V=solution["Voltage [V]"].entries,
        current_A=solution["Current [A]"].entries,
        temperature_C=solution["Volume-averaged cell temperature [K]"].entries - KELVIN,
        heat_W=solution["Volume-averaged total heating [W.m-3]"].entries * volume_m3,
        soc=start_soc - _discharged_Ah(ts, solution["Current [A]"].entries) / cell.nominal_capacity_Ah,
        wall_time_s=wall,
        notes={"model": model, "cell": cell.name, "design_hash": cell.design_hash, "pybamm_version": pybamm.__version__,
               "start_soc": start_soc, "temperature_C": temperature_C, "heat_transfer_W_m2K": inputs[HEAT_TRANSFER]},
    )
    if solution.termination != "final time":
        run.shortfall = _shortfall(run, cell, t, p)
    return run


def _discharged_Ah(t: np.ndarray, current_A: np.ndarray) -> np.ndarray:
    steps = np.diff(t) * 0.5 * (current_A[1:] + current_A[:-1])
    return np.concatenate([[0.0], np.cumsum(steps)]) / 3600.0


def _shortfall(run: ProfileRun, cell: PybammCell, t: np.ndarray, p: np.ndarray) -> PowerShortfall:
    """The demand at the next whole second of the profile after the stop, against the most the cell can give at its
    lower voltage limit, estimated from its apparent resistance just before (P_max ≈ V_min · (V_oc − V_min) / R)."""
    i_end = len(run.time_s) - 1
    k_next = min(int(np.searchsorted(t, run.time_s[i_end], side="right")), len(t) - 1)
    demanded = float(p[k_next])
    v_min = cell.voltage_min_V
    # apparent resistance from the last two points with different current
    i, v = run.current_A, run.voltage_V
    k = next((j for j in range(i_end - 1, -1, -1) if abs(i[j] - i[i_end]) > 1e-9), None)
    if k is None or abs(i[i_end]) < 1e-12:
        deliverable = float(v[i_end] * i[i_end])
    else:
        r = max((v[k] - v[i_end]) / (i[i_end] - i[k]), 1e-9)
        v_oc = v[i_end] + r * i[i_end]
        deliverable = float(v_min * max(v_oc - v_min, 0.0) / r)
    return PowerShortfall(time_s=float(t[k_next]), demanded_W=demanded, deliverable_W=min(deliverable, demanded))


def _built(cell: PybammCell, t: np.ndarray, p: np.ndarray, model_name: str):
    key = hashlib.sha256(cell.structure_key(model_name, "lumped").encode() + t.tobytes() + p.tobytes()).hexdigest()
    if key in _CACHE:
        return _CACHE[key]
    model = MODELS[model_name]({"operating mode": "power", "thermal": "lumped"} | dict(cell.model_options))
    pv = cell.parameter_values.copy()
    # Regeneration may lift the voltage above Vmax for a moment (a BMS would cap it); stop only well above it.
    pv.update({"Upper voltage cut-off [V]": cell.voltage_max_V + UPPER_MARGIN_V})
    # The power function of time: PyBaMM's sign is + on discharge, like the profile's.
    pv.update({"Power function [W]": lambda time: pybamm.Interpolant(t, p, time, interpolator="cubic")},
              check_already_exists=False)
    inputs = tuple(cell.tunable) + cell.state_inputs() + (HEAT_TRANSFER,)
    pv.update({name: "[input]" for name in inputs}, check_already_exists=False)
    sim_model = pv.process_model(model, inplace=False)
    geometry = model.default_geometry
    pv.process_geometry(geometry)
    mesh = pybamm.Mesh(geometry, model.default_submesh_types, model.default_var_pts)
    pybamm.Discretisation(mesh, model.default_spatial_methods).process_model(sim_model)
    solver = pybamm.IDAKLUSolver(rtol=1e-4, atol=1e-6, output_variables=[
        "Voltage [V]", "Current [A]", "Volume-averaged cell temperature [K]", "Volume-averaged total heating [W.m-3]"],
        options={"max_num_steps": 200_000})
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (sim_model, solver)
    return sim_model, solver
