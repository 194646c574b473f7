"""A CC-CV charger on the virtual cell in one solve: the current never exceeds the CC set-point, the voltage never
exceeds Vmax, and whichever limit binds sets the other.

A charger is not a cycler's step list: "Charge at 6C until 4.2 V; Hold at 4.2 V" has a CV step without a current
ceiling, so when the 6C step ends at once (a resistive cell is above 4.2 V at 6C from the start) and the cell then
warms, its CV current can climb far above 6C. A real charger's CV phase stays at or below its CC current. The
external circuit here is that charger, as one algebraic law (PyBaMM sign: current positive on discharge)::

    max(V − Vmax, (−I − I_cc) / I_cc × 1 V) = 0

so V ≤ Vmax and the charge current −I ≤ I_cc, with one of them equal. The run stops when the charged capacity
reaches the target SOC, when the current falls to the end current (C/20), or at the time limit.

>>> from cellbench.pack.charger import run_cc_cv  # needs a PybammCell; a PyBaMM run  # doctest: +SKIP
>>> run = run_cc_cv(cell, c_rate=6, from_soc=0.1, to_soc=0.8)          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
import pybamm

from cellbench.errors import InputError, SimulationError
from cellbench.measurements import Measurement, MeasurementMetadata
from cellbench.measurements import schema as S
from cellbench.simulate.model_build import MODELS
from cellbench.simulate.pybamm_cell import PybammCell

KELVIN = 273.15
HEAT_TRANSFER = "Total heat transfer coefficient [W.m-2.K-1]"
CC_CURRENT, CV_VOLTAGE = "Charger current [A]", "Charger voltage [V]"
TARGET_AH, END_CURRENT = "Charge to target [A.h]", "End current [A]"
EVENT_TARGET, EVENT_END = "target SOC reached", "end current reached"
#: a step a PyBaMM solve must resolve (the CC → CV switch); output every second like the drive
OUTPUT_STEP_S = 1.0
_CACHE: dict[str, pybamm.BaseModel] = {}


def _charger_law(variables: dict) -> pybamm.Symbol:
    p = pybamm.InputParameter
    current, voltage = variables["Current [A]"], variables["Voltage [V]"]
    return pybamm.maximum(voltage - p(CV_VOLTAGE), (-current - p(CC_CURRENT)) / p(CC_CURRENT))


def _built(cell: PybammCell, model_name: str) -> pybamm.BaseModel:
    key = hashlib.sha256(("charger" + cell.structure_key(model_name, "lumped")).encode()).hexdigest()
    if key in _CACHE:
        return _CACHE[key]
    model = MODELS[model_name]({"operating mode": _charger_law, "thermal": "lumped"} | dict(cell.model_options))
    charged = -model.variables["Discharge capacity [A.h]"]
    model.events = [e for e in model.events if e.name not in ("Minimum voltage [V]", "Maximum voltage [V]")]
    model.events += [
        pybamm.Event(EVENT_TARGET, pybamm.InputParameter(TARGET_AH) - charged),
        pybamm.Event(EVENT_END, pybamm.AbsoluteValue(model.variables["Current [A]"]) - pybamm.InputParameter(END_CURRENT)),
    ]
    pv = cell.parameter_values.copy()
    inputs = tuple(cell.tunable) + cell.state_inputs() + (HEAT_TRANSFER,)
    pv.update({name: "[input]" for name in inputs}, check_already_exists=False)
    geometry = model.default_geometry
    pv.process_model(model)
    pv.process_geometry(geometry)
    mesh = pybamm.Mesh(geometry, model.default_submesh_types, model.default_var_pts)
    pybamm.Discretisation(mesh, model.default_spatial_methods).process_model(model)
    if len(_CACHE) >= 4:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = model
    return model


def run_cc_cv(cell: PybammCell, *, c_rate: float, from_soc: float, to_soc: float, temperature_C: float = 25.0,
              heat_transfer_W_m2K: float | None = None, end_c_rate: float = 1 / 20, time_limit_s: float | None = None,
              model: str = "spme") -> Measurement:
    """Charge `cell` from equilibrium at `from_soc` with a CC-CV charger at `c_rate` up to Vmax, until the charged
    capacity reaches `to_soc` or the current falls to `end_c_rate`. A canonical Measurement: step 1 is the CC
    phase, step 2 the CV phase (the CV phase starts at once when the cell is at Vmax at the CC current)."""
    if c_rate <= 0:
        raise InputError(f"the C-rate must be positive, got {c_rate}", location="c_rate")
    if not 0 <= from_soc < to_soc <= 1:
        raise InputError(f"expected 0 ≤ from_soc < to_soc ≤ 1, got {from_soc} and {to_soc}", location="from_soc/to_soc")
    if model not in MODELS:
        raise InputError(f"unknown model '{model}': expected one of {', '.join(MODELS)}", location="model")
    q = cell.nominal_capacity_Ah
    built = _built(cell, model)
    inputs = dict(cell.tunable_values())
    inputs.update(cell.initial_concentrations(from_soc))
    inputs.update({"Ambient temperature [K]": temperature_C + KELVIN, "Initial temperature [K]": temperature_C + KELVIN,
                   HEAT_TRANSFER: (heat_transfer_W_m2K if heat_transfer_W_m2K is not None
                                   else float(cell.parameter_values[HEAT_TRANSFER])),
                   CC_CURRENT: c_rate * q, CV_VOLTAGE: cell.voltage_max_V, TARGET_AH: (to_soc - from_soc) * q,
                   END_CURRENT: end_c_rate * q})
    # the CC phase alone takes (to - from) / c_rate hours; the CV tail at most a few hours more
    limit = time_limit_s if time_limit_s is not None else (to_soc - from_soc) / c_rate * 3600.0 + 6 * 3600.0
    solver = pybamm.IDAKLUSolver(rtol=1e-4, atol=1e-6, options={"max_num_steps": 200_000})
    t_interp = np.arange(0.0, limit + OUTPUT_STEP_S, OUTPUT_STEP_S)
    try:
        solution = solver.solve(built, t_eval=[0.0, limit], t_interp=t_interp, inputs=inputs)
    except pybamm.SolverError as exc:
        raise SimulationError(f"the CC-CV charge of cell '{cell.name}' at {c_rate:g}C from SOC {from_soc:.0%} could "
                              f"not be solved: {str(exc)[:200]}") from exc
    t = solution.t
    current = solution["Current [A]"].entries
    voltage = solution["Voltage [V]"].entries
    cv = voltage - cell.voltage_max_V >= (-current - c_rate * q) / (c_rate * q)  # the branch the charger law takes
    data = pl.DataFrame({
        S.TIME: t, S.VOLTAGE: voltage, S.CURRENT: -current,
        # each second in the phase that binds: CV at Vmax, else CC (a warming cell can go back to CC)
        S.CYCLE: np.ones(len(t), dtype=np.int64), S.STEP: np.where(cv, 2, 1).astype(np.int64),
        S.STEP_TYPE: np.where(cv, "cv-hold", "charge").astype(str),
        S.CELL_TEMPERATURE: solution["Volume-averaged cell temperature [K]"].entries - KELVIN,
        S.AMBIENT_TEMPERATURE: np.full(len(t), temperature_C),
    })
    ended = solution.termination.removeprefix("event: ")
    meta = MeasurementMetadata(
        origin="simulation", vendor="PyBaMM", procedure=f"CC-CV charger {c_rate:g}C to {cell.voltage_max_V:g} V",
        cell_id=cell.name,
        provenance={"model": model, "cell": cell.name, "design_hash": cell.design_hash,
                    "pybamm_version": pybamm.__version__, "charger": "CC-CV, current ceiling in the CV phase",
                    "c_rate": c_rate, "from_soc": from_soc, "to_soc": to_soc, "temperature_C": temperature_C,
                    "heat_transfer_W_m2K": inputs[HEAT_TRANSFER]},
        extra={"ended_by": ended, "cc_phase_s": float(t[np.argmax(cv)]) if cv.any() else float(t[-1]),
               "nominal_capacity_Ah": q})
    return Measurement(data, meta)
