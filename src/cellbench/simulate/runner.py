"""Run a Protocol on a built PyBaMM model and return the canonical time series.

The protocol starts from the defined full state (100 % SOC, at rest, at the ambient temperature) unless
its first step is "Set SOC to ...". Every step carries the cell's own voltage window as a safety limit,
as a cycler does. Failures become :class:`SimulationError` naming the step, the state and a likely cause.

Every run reports the lowest anode potential against lithium (φs − φe at the anode's separator side) of each
step and of its charging steps together; a charge that takes it below 0 V is marked plating-limited
(`metadata.extra["plating_limited"]`). Whether a calibration file changed the cell is in `extra["calibrated"]`.

A step whose own end condition already holds when it starts (a 6C charge "until 4.2 V" on a cell whose resistance
puts it above 4.2 V at once, a CV hold already below its current limit) ends at once, as on a cycler and in PyBaMM's
experiments: it has no rows, its record in `extra["steps"]` says "… at start", and the protocol carries on (a
charger goes straight to its CV phase). Only a cycle in which every step ends at once is an error.
"""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pybamm

from cellbench.errors import SimulationError
from cellbench.measurements import Measurement, MeasurementMetadata
from cellbench.measurements import schema as S
from cellbench.protocols import PlannedStep, Protocol, Step
from cellbench.simulate import model_build as mb
from cellbench.simulate.pybamm_cell import PybammCell
from cellbench.version import version

KELVIN = 273.15
# Margin of the safety window on steps that do not end at a voltage (a rest after a full charge relaxes
# below Vmax, a hold at Vmax sits on it): the limit must not be hit by the step's own set-point.
SAFETY_MARGIN_V = 0.2
STEP_TYPES = {"charge": "charge", "discharge": "discharge", "rest": "rest", "hold": "cv-hold"}
# A step stopped by its own end condition sooner than this has ended at start (no rows).
AT_START_S = 1e-3


@dataclass
class StepRecord:
    """How one step ran: for the per-step summary and for error messages."""

    step_index: int
    cycle: int
    text: str
    ended_by: str
    start_s: float
    end_s: float
    solve_time_s: float
    min_anode_potential_V: float | None = None
    step_type: str | None = None  # STEP_TYPES' name; None for a set state


@dataclass
class RawRun:
    """A run as plain numpy columns and metadata: what a worker process sends back (Polars must not run
    in a forked worker, so the Measurement is made in the parent by :meth:`to_measurement`)."""

    columns: dict[str, np.ndarray]
    metadata: dict[str, Any]

    def to_measurement(self) -> Measurement:
        return Measurement(pl.DataFrame(self.columns), MeasurementMetadata(**self.metadata))


def run_protocol(cell: PybammCell, protocol: Protocol, *, temperature_C: float = 25.0, model: str = "dfn",
                 thermal: str = "lumped", overrides: dict[str, float] | None = None,
                 time_limit_s: float | None = 300.0, extra_columns: bool = False) -> Measurement:
    """Simulate `protocol` on `cell`; the Measurement has BDF columns and provenance in its metadata.
    See :func:`run_raw` for the options."""
    return run_raw(cell, protocol, temperature_C=temperature_C, model=model, thermal=thermal, overrides=overrides,
                   time_limit_s=time_limit_s, extra_columns=extra_columns).to_measurement()


def run_raw(cell: PybammCell, protocol: Protocol, *, temperature_C: float = 25.0, model: str = "dfn",
            thermal: str = "lumped", overrides: dict[str, float] | None = None,
            time_limit_s: float | None = 300.0, extra_columns: bool = False) -> RawRun:
    """Simulate `protocol` on `cell` and return numpy columns (BDF names) and metadata.

    `overrides` take design-level names (``cathode_contact_ratio``...) or PyBaMM names; tunable ones reuse
    the built model, any other parameter builds a new model structure.

    >>> cell = PybammCell.from_parameter_set("Chen2020")  # PyBaMM, seconds  # doctest: +SKIP
    >>> m = run_protocol(cell, Protocol.parse("Discharge at 1C until 2.5 V"))       # doctest: +SKIP
    >>> round(m.data["discharging_capacity_ampere_hour"][-1], 2)                    # doctest: +SKIP
    4.75
    """
    from cellbench.errors import InputError
    from cellbench.simulate.design_to_pybamm import with_overrides

    if model not in mb.MODELS:
        raise InputError(f"unknown model '{model}': expected one of {', '.join(mb.MODELS)}", location="model")
    if thermal not in mb.THERMAL:
        raise InputError(f"unknown thermal option '{thermal}': expected lumped or isothermal", location="thermal")

    cell = with_overrides(cell, overrides or {})
    protocol.check_voltage_window(cell.voltage_min_V, cell.voltage_max_V, cell=cell.name)
    built = mb.build(cell, model=model, thermal=thermal)
    solver = built.get_solver()
    started = time.perf_counter()

    base_temperature_C = protocol.ambient_temperature_C if protocol.ambient_temperature_C is not None else temperature_C
    state = dict(cell.tunable_values())
    state.update(cell.initial_concentrations(1.0))
    state["Ambient temperature [K]"] = base_temperature_C + KELVIN
    state["Initial temperature [K]"] = base_temperature_C + KELVIN
    soc_note = "100 % (defined full state)"

    columns: dict[str, list[np.ndarray]] = {k: [] for k in ("t", "V", "I", "T", "amb", "step", "cycle", "type", "ce")}
    records: list[StepRecord] = []
    charge_minima: list[float] = []  # lowest anode potential of each charging (or holding) step
    notes: set[str] = set()
    previous: pybamm.Solution | None = None
    time_offset_s = 0.0
    last_time_s = 0.0
    ran_in_cycle: dict[int, bool] = {}  # cycle -> whether any of its steps ran (not only ended at start)
    at_start_errors: dict[int, str] = {}  # cycle -> the message of its first step that ended at start

    for planned in protocol.expand():
        step = planned.step
        ambient_C = step.ambient_temperature_C if step.ambient_temperature_C is not None else base_temperature_C
        state["Ambient temperature [K]"] = ambient_C + KELVIN
        if step.kind == "set_soc":
            # A new equilibrium state: the next step starts a fresh solve, time carries on.
            state.update(cell.initial_concentrations(step.soc_pct / 100.0))
            state["Initial temperature [K]"] = ambient_C + KELVIN
            soc_note = f"{step.soc_pct:g} % (set)"
            if previous is not None:
                time_offset_s = float(np.nextafter(last_time_s, np.inf))
            previous = None
            records.append(StepRecord(planned.step_index, planned.cycle, step.sentence, "state set",
                                      last_time_s, last_time_s, 0.0))
            continue

        inputs = dict(state)
        inputs.update(control_inputs(step, cell))
        duration_s = step_duration_s(step, cell)
        collapsed = False
        t0 = time.perf_counter()
        try:
            # PyBaMM warns when an OCP table is extrapolated; keep that in the run's metadata, not on stderr.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                solution = solver.step(previous, built.model, duration_s, t_eval=np.array([0.0, duration_s]),
                                       inputs=inputs, save=False)
            for w in caught:
                notes.add(f"step {planned.step_index}: {str(w.message).splitlines()[0][:200]}")
        except pybamm.SolverError as exc:
            message = _failure_message(planned, cell, previous, inputs, str(exc), soc_note)
            own = _own_end_condition(step, _events_at_start(str(exc)))
            if own is None:
                recovered = _solve_in_pieces(solver, built.model, previous, duration_s, inputs, step)
                if recovered is None:
                    raise SimulationError(message) from exc
                solution, recovery_note, collapsed = recovered
                notes.add(f"step {planned.step_index}: {recovery_note}")
        else:
            short = solution.t[-1] - solution.t[0] < AT_START_S
            own = _own_end_condition(step, [solution.termination.removeprefix("event: ")]) if short else None
            message = (f"step {planned.step_index} '{step.sentence}' (cycle {planned.cycle}), "
                       f"{_state_text(previous, soc_note)}: a cut-off reached at once ({own})")
        solve_time = time.perf_counter() - t0
        if own is not None:  # ended at start: no rows, the state carries on to the next step unchanged
            records.append(StepRecord(planned.step_index, planned.cycle, step.sentence, f"{own} at start",
                                      last_time_s, last_time_s, solve_time, step_type=STEP_TYPES[step.kind]))
            ran_in_cycle.setdefault(planned.cycle, False)
            at_start_errors.setdefault(planned.cycle, message)
            continue
        ran_in_cycle[planned.cycle] = True
        ended_by = (f"{_own_end_condition(step, [_OWN_EVENT[step.kind]])} (voltage collapsing)" if collapsed
                    else _ended_by(solution, planned, cell, previous, inputs, soc_note))
        anode_min = (float(np.min(solution[mb.ANODE_POTENTIAL].entries))
                     if mb.ANODE_POTENTIAL in built.output_variables else None)

        t = solution.t + time_offset_s  # the solver counts from 0 after each set state
        if columns["t"] and t[0] <= last_time_s:
            # the solver starts a step one ulp after the last; the offset can round that away
            t = t.copy()
            t[0] = np.nextafter(last_time_s, np.inf)
        n = len(t)
        columns["t"].append(t)
        columns["V"].append(solution["Voltage [V]"].entries)
        columns["I"].append(-solution["Current [A]"].entries)  # PyBaMM: + on discharge; BDF: + on charge
        columns["T"].append(solution["Volume-averaged cell temperature [K]"].entries - KELVIN)
        columns["ce"].append(solution["Electrolyte concentration spread [mol.m-3]"].entries)
        columns["amb"].append(np.full(n, ambient_C))
        columns["step"].append(np.full(n, planned.step_index))
        columns["cycle"].append(np.full(n, planned.cycle))
        columns["type"].append(np.full(n, STEP_TYPES[step.kind], dtype=object))
        records.append(StepRecord(planned.step_index, planned.cycle, step.sentence, ended_by,
                                  float(t[0]), float(t[-1]), solve_time, anode_min, STEP_TYPES[step.kind]))
        if step.kind in ("charge", "hold") and anode_min is not None:
            charge_minima.append(anode_min)
        last_time_s = float(t[-1])
        previous = solution.last() if isinstance(solution, _Pieces) else solution
        if time_limit_s is not None and time.perf_counter() - started > time_limit_s:
            raise SimulationError(f"step {planned.step_index} '{step.sentence}' (cycle {planned.cycle}): the "
                                  f"simulation passed its time limit of {time_limit_s:g} s; likely cause: a very long "
                                  "protocol or a stiff state (shorten the protocol or raise the limit)")

    stuck = [cycle for cycle, ran in ran_in_cycle.items() if not ran]
    if stuck:
        raise SimulationError(f"{at_start_errors[stuck[0]]}; every step of cycle {stuck[0]} ended at once, so the "
                              "protocol cannot run from this state")
    if not columns["t"]:
        raise SimulationError("the protocol has no step that runs the cell (only 'Set SOC' steps)")
    data = {
        S.TIME: np.concatenate(columns["t"]),
        S.VOLTAGE: np.concatenate(columns["V"]),
        S.CURRENT: np.concatenate(columns["I"]),
        S.CYCLE: np.concatenate(columns["cycle"]).astype(np.int64),
        S.STEP: np.concatenate(columns["step"]).astype(np.int64),
        S.STEP_TYPE: np.concatenate(columns["type"]).astype(str),
        S.CELL_TEMPERATURE: np.concatenate(columns["T"]),
        S.AMBIENT_TEMPERATURE: np.concatenate(columns["amb"]),
    }
    if extra_columns:
        data["electrolyte_concentration_spread_mol_m3"] = np.concatenate(columns["ce"])
    data.update(cumulative_columns(data[S.TIME], data[S.CURRENT], data[S.VOLTAGE]))
    metadata = dict(
        origin="simulation", vendor="PyBaMM", procedure=protocol.name, cell_id=cell.name,
        provenance=provenance(cell, built, protocol, temperature_C, overrides or {}),
        extra={"steps": [r.__dict__ for r in records], "nominal_capacity_Ah": cell.nominal_capacity_Ah,
               "voltage_window_V": [cell.voltage_min_V, cell.voltage_max_V],
               "wall_time_s": time.perf_counter() - started, "solver_warnings": sorted(notes)[:20],
               **plating_check(charge_minima), **calibration_state(cell),
               "calibration_warnings": calibration_warnings(cell, protocol, base_temperature_C)})
    return RawRun(data, metadata)


def cumulative_columns(time_s: np.ndarray, current_A: np.ndarray, voltage_V: np.ndarray) -> dict[str, np.ndarray]:
    """BDF's power and cumulative charge and energy columns of a run, in the order and with the arithmetic of
    :func:`cellbench.measurements.add_cumulative_columns` (trapezoidal, split by sign, Ah and Wh from 0).

    Computed with NumPy where the run is solved (a worker process), so that making the Measurement in the parent
    derives nothing: the parent's compiled route costs about 0.6 s of start-up per process, longer than a run.
    """
    power = current_A * voltage_V
    dt = np.diff(time_s)
    out = {S.POWER: power}
    for (positive, negative), rate in (((S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY), current_A),
                                       ((S.CHARGE_ENERGY, S.DISCHARGE_ENERGY), power)):
        mid = (rate[1:] + rate[:-1]) / 2
        out[positive] = np.concatenate(([0.0], np.cumsum(np.maximum(mid, 0.0) * dt) / 3600.0))
        out[negative] = np.concatenate(([0.0], np.cumsum(-np.minimum(mid, 0.0) * dt) / 3600.0))
    return out


def plating_check(charge_minima: list[float]) -> dict[str, Any]:
    """The lowest anode potential over the charging steps, and whether it went below 0 V vs Li (plating-limited).
    None when nothing charged or the anode is lithium metal."""
    if not charge_minima:
        return {"min_anode_potential_V": None, "plating_limited": None}
    lowest = min(charge_minima)
    return {"min_anode_potential_V": lowest, "plating_limited": lowest < 0.0}


def calibration_state(cell: PybammCell) -> dict[str, Any]:
    """Whether a calibration file changed the cell's parameters, and which ones (so a result that depends on a
    calibration says so wherever it is reported)."""
    calibration = cell.notes.get("calibration") or {}
    applied = calibration.get("applied", calibration.get("overrides", {}))
    return {"calibrated": bool(applied), "calibration_overrides": dict(applied)}


def calibration_warnings(cell: PybammCell, protocol: Protocol, temperature_C: float) -> list[str]:
    """Where this run leaves what the data of the cell's calibration covered (ambient temperatures, constant
    discharge currents): there the model extrapolates from its fit, and the result should say so."""
    from cellbench.simulate.calibration import Conditions, outside_conditions

    calibration = cell.notes.get("calibration") or {}
    covered = calibration.get("conditions")
    if not covered:
        return []
    conditions = Conditions(**covered)
    steps = [planned.step for planned in protocol.expand()]
    ambients = {temperature_C} | {s.ambient_temperature_C for s in steps if s.ambient_temperature_C is not None}
    out = [w for t in sorted(ambients) for w in outside_conditions(conditions, f"{cell.name} at {t:g} °C",
                                                                     temperature_C=t)]
    currents = [c for s in steps if s.kind == "discharge"
                and (c := s.current_magnitude_A(cell.nominal_capacity_Ah)) is not None]
    for current in sorted({min(currents), max(currents)} if currents else set()):
        out += outside_conditions(conditions, f"{cell.name} discharged at {current:.3g} A", current_A=current)
    spread = calibration.get("spread") or {}
    if out and spread.get("alternatives"):
        out.append(f"{cell.name}: its calibration keeps {len(spread['alternatives'])} alternative fits as good on its "
                   f"data with {', '.join(spread['parameters'])} free; outside that data they may disagree "
                   "(`cellbench validate` runs them all and reports the spread)")
    return out


def control_inputs(step: Step, cell: PybammCell) -> dict[str, float]:
    """Input values of the unified control law and the cut-offs for one step (PyBaMM sign convention)."""
    inputs = {mb.K_CURRENT: 0.0, mb.K_VOLTAGE: 0.0, mb.K_POWER: 0.0,
              mb.SET_CURRENT: 0.0, mb.SET_VOLTAGE: 0.0, mb.SET_POWER: 0.0,
              mb.LOWER_CUTOFF: cell.voltage_min_V - SAFETY_MARGIN_V,
              mb.UPPER_CUTOFF: cell.voltage_max_V + SAFETY_MARGIN_V,
              mb.CURRENT_CUTOFF: -1.0}
    sign = 1.0 if step.kind == "discharge" else -1.0
    if step.kind in ("charge", "discharge"):
        if step.power_W is not None:
            inputs.update({mb.K_POWER: 1.0, mb.SET_POWER: sign * step.power_W})
        else:
            inputs.update({mb.K_CURRENT: 1.0, mb.SET_CURRENT: sign * step.current_magnitude_A(cell.nominal_capacity_Ah)})
        until = resolve_voltage(step.until_voltage_V, cell)
        if step.kind == "discharge":
            inputs[mb.LOWER_CUTOFF] = until if until is not None else cell.voltage_min_V
        else:
            inputs[mb.UPPER_CUTOFF] = until if until is not None else cell.voltage_max_V
    elif step.kind == "hold":
        inputs.update({mb.K_VOLTAGE: 1.0, mb.SET_VOLTAGE: resolve_voltage(step.voltage_V, cell)})
        limit = step.current_limit_A(cell.nominal_capacity_Ah)
        if limit is not None:
            inputs[mb.CURRENT_CUTOFF] = limit
    else:  # rest
        inputs.update({mb.K_CURRENT: 1.0})
    return inputs


def resolve_voltage(value: float | str | None, cell: PybammCell) -> float | None:
    if value == "min":
        return cell.voltage_min_V
    if value == "max":
        return cell.voltage_max_V
    return value


def step_duration_s(step: Step, cell: PybammCell) -> float:
    """The step's own duration, or a generous bound for open-ended steps (three times the time to move
    the whole capacity at the set-point, at least an hour; a day for holds)."""
    if step.duration_s is not None:
        return step.duration_s
    if step.kind == "hold":
        return 24 * 3600.0
    current = step.current_magnitude_A(cell.nominal_capacity_Ah)
    if current is None:  # power: take the current at the bottom of the window
        current = step.power_W / cell.voltage_min_V
    return max(3600.0, 3.0 * cell.nominal_capacity_Ah / current * 3600.0)


def provenance(cell: PybammCell, built: mb.BuiltModel, protocol: Protocol, temperature_C: float,
               overrides: dict[str, float]) -> dict[str, Any]:
    return {
        "cellbench_version": version(),
        "pybamm_version": pybamm.__version__,
        "design_hash": cell.design_hash,
        "cell": cell.name,
        "model": built.model_name,
        "thermal": built.thermal,
        "model_options": {k: str(v) for k, v in built.options.items()},
        "model_structure_key": built.key,
        "protocol": protocol.sentences,
        "temperature_C": temperature_C,
        "overrides": overrides,
        "tunable_parameters": cell.tunable_values(),
        "parameter_sources": cell.notes.get("sources", cell.notes.get("source", "")),
    }


# -- failures -----------------------------------------------------------------------------------------------
_EVENT_CAUSES = {
    "negative particle surface": "the negative particles' surface ran empty or full: the current is more than "
                                 "the electrode can carry (lower the C-rate, or check diffusivity and particle size)",
    "positive particle surface": "the positive particles' surface ran empty or full: the current is more than "
                                 "the electrode can carry (lower the C-rate, or check diffusivity and particle size)",
    "electrolyte concentration": "the electrolyte was depleted: ion transport cannot carry this current",
    "temperature": "the cell temperature left the model's range",
}


#: when a current or power step's solve fails, it is solved again in pieces no shorter than this
MIN_PIECE_S = 0.25
#: a failure this close to the step's voltage cut-off, with the voltage running towards it, ends the step there
COLLAPSE_MARGIN_V = 0.1


@dataclass
class _Pieces:
    """A step solved in consecutive pieces, read as one solution (times, variables, how the last piece ended)."""

    parts: list

    @property
    def t(self) -> np.ndarray:
        return np.concatenate([p.t for p in self.parts])

    @property
    def termination(self) -> str:
        return self.parts[-1].termination

    def __getitem__(self, name: str):
        return _Entries(np.concatenate([p[name].entries for p in self.parts]))

    def last(self):
        return self.parts[-1]


@dataclass
class _Entries:
    entries: np.ndarray


def _solve_in_pieces(solver, model, previous, duration_s: float, inputs: dict, step: Step):
    """Solve a failed current (or power) step again in pieces, halving a piece that fails, down to MIN_PIECE_S
    (and doubling it again after each piece that passes).

    IDA's convergence can fail on a stiff stretch that shorter solves pass (the same step at 10.0 A may pass where
    9.9997 A fails), and it does fail where the voltage collapses at the end of a transport-limited discharge (the
    electrolyte near the current collector runs out a few tens of mV above the cut-off). Returns (solution, note,
    collapsed): the pieces reached the step's own end, or the step ends where the solve stops when the last solved
    voltage lies within COLLAPSE_MARGIN_V of the cut-off and runs towards it (collapsed). None otherwise (a real
    failure, raised by the caller)."""
    if step.kind not in ("charge", "discharge"):
        return None
    parts: list = []
    last = previous
    done, piece, stuck = 0.0, duration_s / 32.0, False
    while done < duration_s * (1.0 - 1e-9):
        span = min(piece, duration_s - done)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                part = solver.step(last, model, span, t_eval=np.array([0.0, span]), inputs=inputs, save=False)
        except pybamm.SolverError:
            if piece / 2.0 < MIN_PIECE_S:
                stuck = True
                break
            piece /= 2.0
            continue
        parts.append(part)
        last = part
        done += float(part.t[-1] - part.t[0])
        piece = min(2.0 * piece, duration_s / 32.0)  # past a stiff stretch, back to long pieces
        if part.termination != "final time":
            break  # an event (the step's cut-off or another) ended it
    if not parts:
        return None
    solution = _Pieces(parts)
    v = solution["Voltage [V]"].entries
    if not stuck:
        return solution, (f"the solve failed once and passed in {len(parts)} pieces (to t = {solution.t[-1]:.1f} s, "
                          f"{v[-1]:.3f} V)"), False
    gap = collapse_gap(v, step.kind, inputs[mb.LOWER_CUTOFF], inputs[mb.UPPER_CUTOFF])
    if gap is None:
        return None
    return solution, (f"the solver could not pass t = {solution.t[-1]:.1f} s at {v[-1]:.3f} V, {1000 * gap:.0f} mV "
                      "before the cut-off, with the voltage collapsing (ion transport cannot carry the current "
                      "further); the step ends there"), True


def collapse_gap(voltage_V: np.ndarray, kind: str, lower_V: float, upper_V: float) -> float | None:
    """How far (V) a step whose solve stopped lies from its cut-off, if it counts as a collapse onto it: within
    COLLAPSE_MARGIN_V and running towards it over its last points. None when it does not."""
    before = voltage_V[max(len(voltage_V) - 3, 0)]
    if kind == "discharge":
        gap, running = voltage_V[-1] - lower_V, voltage_V[-1] < before
    else:
        gap, running = upper_V - voltage_V[-1], voltage_V[-1] > before
    return float(gap) if 0.0 <= gap <= COLLAPSE_MARGIN_V and running else None


def _state_text(previous: pybamm.Solution | None, soc_note: str) -> str:
    if previous is None:
        return f"starting at SOC {soc_note}"
    v = previous["Voltage [V]"].entries[-1]
    i = -previous["Current [A]"].entries[-1]
    return f"at t = {previous.t[-1]:.0f} s, {v:.3f} V, {i:.3g} A"


def _likely_current_cause(planned: PlannedStep, cell: PybammCell, inputs: dict) -> str:
    step = planned.step
    current = step.current_magnitude_A(cell.nominal_capacity_Ah)
    if current is not None:
        return (f"a current ({current:.3g} A, {current / cell.nominal_capacity_Ah:.2g}C) the cell cannot carry "
                "in this state")
    if step.power_W is not None:
        return f"a power ({step.power_W:g} W) the cell cannot deliver in this state"
    return "a hold voltage the cell cannot reach smoothly"


def _failure_message(planned: PlannedStep, cell: PybammCell, previous, inputs: dict, solver_text: str,
                     soc_note: str) -> str:
    where = f"step {planned.step_index} '{planned.step.sentence}' (cycle {planned.cycle}), {_state_text(previous, soc_note)}"
    events = re.search(r"Events \[(?P<names>.*?)\] are", solver_text)
    if events and "initial conditions" in solver_text:
        names = events["names"]
        cause = f"a cut-off reached at once ({names})"
        for name, threshold in ((mb.EVENT_LOWER, mb.LOWER_CUTOFF), (mb.EVENT_UPPER, mb.UPPER_CUTOFF)):
            if name in names:
                cause = (f"a cut-off reached at once: the {name.split(' [')[0]} ({inputs[threshold]:.3g} V) is passed "
                         "as soon as the step starts (the cell's resistance times this current is too large here)")
        for key, text in _EVENT_CAUSES.items():
            if key in names.lower():
                cause = text
        return f"{where}: {cause}"
    return f"{where}: the solver failed; likely cause: {_likely_current_cause(planned, cell, inputs)} ({solver_text.strip()[:200]})"


def _events_at_start(solver_text: str) -> list[str]:
    """The event names of PyBaMM's "Events [...] are non-positive at initial conditions" error (empty otherwise)."""
    found = re.search(r"Events \[(?P<names>.*?)\] are non-positive at initial conditions", solver_text)
    return re.findall(r"'([^']*)'", found["names"]) if found else []


#: the event that is a step's own end: the upper voltage for a charge, the lower for a discharge, the current limit
#: for a hold
_OWN_EVENT = {"charge": mb.EVENT_UPPER, "discharge": mb.EVENT_LOWER, "hold": mb.EVENT_CURRENT}


def _own_end_condition(step: Step, events: list[str]) -> str | None:
    """The name of the step's own end condition if `events` are exactly it (the upper voltage for a charge, the
    lower for a discharge, the current limit for a hold), else None: any other event is a failure."""
    own = _OWN_EVENT.get(step.kind)
    if own is None or not events or any(name != own for name in events):
        return None
    return own.split(" [")[0]


def _ended_by(solution, planned: PlannedStep, cell: PybammCell, previous, inputs: dict, soc_note: str) -> str:
    termination = solution.termination
    if termination == "final time":
        return "duration"
    name = termination.removeprefix("event: ")
    if name in (mb.EVENT_LOWER, mb.EVENT_UPPER, mb.EVENT_CURRENT):
        if solution.t[-1] - solution.t[0] < 1e-3:
            raise SimulationError(f"step {planned.step_index} '{planned.step.sentence}' (cycle {planned.cycle}), "
                                  f"{_state_text(previous, soc_note)}: a cut-off reached at once ({name.split(' [')[0]})")
        return name.split(" [")[0]
    cause = next((text for key, text in _EVENT_CAUSES.items() if key in name.lower()),
                 _likely_current_cause(planned, cell, inputs))
    end_v = solution["Voltage [V]"].entries[-1]
    raise SimulationError(f"step {planned.step_index} '{planned.step.sentence}' (cycle {planned.cycle}): stopped "
                          f"by '{name}' at t = {solution.t[-1]:.0f} s, {end_v:.3f} V; likely cause: {cause}")
