"""Fit model parameters to measured discharges: scipy least squares over PyBaMM inputs (one model build).

The residuals of one test are the voltage difference on an even time grid over the measured discharge
(after the simulated discharge ends, the simulated voltage holds at its cut-off, so a model that runs
out early is penalised for every missing minute), the relative capacity difference, and, when the file
has cell temperatures and the model is thermal, the temperature difference on the same grid. Each is
divided by a scale (10 mV, 0.5 %, 2 K) so they add up as comparable numbers.

The 95 % confidence intervals come from the Jacobian at the optimum (a sandwich with one noise variance per kind
of residual, see :func:`confidence_intervals`), ±1.96 σ in the search coordinate (log10 for scale parameters), mapped back to
the value. They describe the noise of the data, not the model's structural error.

>>> from cellbench.calibration import calibrate, read_discharge  # needs lab files; minutes  # doctest: +SKIP
>>> tests = [read_discharge(f) for f in files]                                   # doctest: +SKIP
>>> result = calibrate("lg-m50", tests, ["anode_diffusivity_cm2_s", "heat_transfer_W_m2K"])  # doctest: +SKIP
>>> result.calibration.fitted["heat_transfer_W_m2K"].ci95                          # doctest: +SKIP
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np
from scipy.optimize import least_squares

from cellbench.calibration.discharges import MeasuredDischarge
from cellbench.calibration.parameters import FitParameter, open_parameters, parse_parameters
from cellbench.errors import InputError, SimulationError
from cellbench.protocols import Protocol
from cellbench.simulate import model_build as mb
from cellbench.simulate.pybamm_cell import PybammCell
from cellbench.simulate.runner import run_raw
from cellbench.simulate.calibration import (FITTED_LABEL, Alternative, Calibration, Conditions, DataFile,
                                            FittedValue, Spread, TestResidual)

VOLTAGE_SCALE_V = 0.010
CAPACITY_SCALE = 0.005
TEMPERATURE_SCALE_K = 2.0
GRID_POINTS = 60
DEFAULT_TEMPERATURE_C = 25.0
CUTOFF_STEP_V = 0.05
START_SOC_MARGIN = 0.05
INITIAL_STATES = ("rested", "full")
#: another optimum within this factor of the best cost fits the data about as well: the values that differ
#: between them are not determined by the data
NEAR_OPTIMUM_COST = 1.25


@dataclass
class SimulatedDischarge:
    time_s: np.ndarray
    voltage_V: np.ndarray
    temperature_C: np.ndarray
    capacity_Ah: float
    energy_Wh: float
    failed: str = ""
    initial_soc: float = 1.0  # the state the simulation started from (see DischargeModel.initial_soc)


@dataclass
class DischargeModel:
    """A cell with the fitted parameters as PyBaMM inputs, and how to run one measured discharge on it."""

    cell: PybammCell
    model: str = "dfn"
    thermal: str = "lumped"
    evaluations: int = 0
    #: "rested": each test starts from the state its rested voltage shows; "full": every test from 100 % SOC
    initial_state: str = "rested"

    def __post_init__(self) -> None:
        if self.initial_state not in INITIAL_STATES:
            raise InputError(f"unknown start '{self.initial_state}': expected {' or '.join(INITIAL_STATES)}",
                             location="--start")

    @classmethod
    def for_parameters(cls, cell: PybammCell, parameters: Sequence[FitParameter], *, model: str = "dfn",
                       thermal: str = "lumped", initial_state: str = "rested") -> "DischargeModel":
        missing = [p.name for p in parameters if p.pybamm_name not in cell.parameter_values.keys()]
        if missing:
            raise InputError(f"the cell '{cell.name}' has no {', '.join(missing)} (e.g. a solid-electrolyte "
                             "parameter for a liquid cell)", location="--parameters")
        extra = tuple(p.pybamm_name for p in parameters if p.pybamm_name not in cell.tunable)
        options = dict(cell.model_options)
        if any(p.name.startswith("contact_resistance") for p in parameters):
            options["contact resistance"] = "true"  # a series resistance is a model option in PyBaMM
        return cls(replace(cell, tunable=tuple(cell.tunable) + extra, model_options=options), model=model,
                   thermal=thermal, initial_state=initial_state)

    def initial_soc(self, test: MeasuredDischarge) -> float:
        """The SOC `test` starts from: the model's SOC at the rested voltage before the discharge (a cell charged
        cold, or with a short hold, starts below full and the file shows it), else 100 %. A rested voltage that
        cannot hold the charge the test then delivered (more than the SOC's share of the rated capacity, with 5 %
        to spare) was not a rested cell (a sample logged under load): the test starts full."""
        if self.initial_state == "full" or test.rested_voltage_V is None:
            return 1.0
        temperature = test.start_temperature_C if test.start_temperature_C is not None else DEFAULT_TEMPERATURE_C
        soc = self.cell.soc_at_voltage(test.rested_voltage_V, temperature)
        if test.capacity_Ah > soc * self.cell.nominal_capacity_Ah * (1.0 + START_SOC_MARGIN):
            return 1.0
        return soc

    def run(self, test: MeasuredDischarge, values: dict[str, float]) -> SimulatedDischarge:
        """Simulate `test` (its current, from full, to its end voltage, at its start temperature) with
        `values` (PyBaMM names) set."""
        self.evaluations += 1
        temperature = test.start_temperature_C if test.start_temperature_C is not None else DEFAULT_TEMPERATURE_C
        # the cycler's cut-off: the last sample rounded to 50 mV (cut-offs are set in such steps; the last
        # sample itself lies a little past it, or around it by the noise)
        end_V = max(round(test.end_voltage_V / CUTOFF_STEP_V) * CUTOFF_STEP_V, self.cell.voltage_min_V)
        soc = self.initial_soc(test)
        discharge = f"Discharge at {test.current_A:.6g} A until {end_V:.3f} V"
        protocol = Protocol.parse(discharge if soc >= 1.0 else f"Set SOC to {100.0 * soc:.4f}%; {discharge}")
        try:
            raw = run_raw(self.cell, protocol, temperature_C=temperature, model=self.model, thermal=self.thermal,
                          overrides=values, time_limit_s=60.0)
        except SimulationError as exc:
            return SimulatedDischarge(np.array([0.0]), np.array([end_V]), np.array([temperature]), 0.0, 0.0,
                                      failed=str(exc), initial_soc=soc)
        c = raw.columns
        t = c["test_time_second"]
        v = c["voltage_volt"]
        i = -c["current_ampere"]
        capacity = float(np.trapezoid(i, t) / 3600.0)
        energy = float(np.trapezoid(i * v, t) / 3600.0)
        return SimulatedDischarge(t - t[0], v, c["surface_temperature_celsius"], capacity, energy, initial_soc=soc)


def _grid(test: MeasuredDischarge) -> np.ndarray:
    return np.linspace(test.time_s[0], test.time_s[-1], GRID_POINTS)


def test_residuals(test: MeasuredDischarge, sim: SimulatedDischarge, *, with_temperature: bool) -> np.ndarray:
    """Scaled residuals of one test (see the module docstring)."""
    grid = _grid(test)
    v_meas = np.interp(grid, test.time_s, test.voltage_V)
    v_sim = np.interp(grid, sim.time_s, sim.voltage_V, right=sim.voltage_V[-1])
    parts = [(v_sim - v_meas) / VOLTAGE_SCALE_V / math.sqrt(GRID_POINTS / 10),
             np.array([(sim.capacity_Ah - test.capacity_Ah) / test.capacity_Ah / CAPACITY_SCALE])]
    if with_temperature and test.temperature_C is not None:
        t_meas = np.interp(grid, test.time_s, test.temperature_C)
        t_sim = np.interp(grid, sim.time_s, sim.temperature_C, right=sim.temperature_C[-1])
        parts.append((t_sim - t_meas) / TEMPERATURE_SCALE_K / math.sqrt(GRID_POINTS / 10))
    return np.concatenate(parts)


def residual_groups(test: MeasuredDischarge, *, with_temperature: bool) -> np.ndarray:
    """The kind of each residual of :func:`test_residuals`: 0 voltage and capacity, 1 temperature."""
    curve = np.zeros(GRID_POINTS + 1, dtype=int)
    if with_temperature and test.temperature_C is not None:
        return np.concatenate([curve, np.ones(GRID_POINTS, dtype=int)])
    return curve


def comparison(test: MeasuredDischarge, sim: SimulatedDischarge) -> dict[str, float | None]:
    """Plain errors of a simulated against a measured discharge (simulated − measured)."""
    grid = _grid(test)
    end = min(test.time_s[-1], sim.time_s[-1])
    common = grid[grid <= end]
    v_rmse = float(np.sqrt(np.mean((np.interp(common, sim.time_s, sim.voltage_V)
                                    - np.interp(common, test.time_s, test.voltage_V)) ** 2))) if len(common) else math.nan
    t_rmse = None
    if test.temperature_C is not None and len(common):
        t_rmse = float(np.sqrt(np.mean((np.interp(common, sim.time_s, sim.temperature_C)
                                        - np.interp(common, test.time_s, test.temperature_C)) ** 2)))
    sim_mean_V = sim.energy_Wh / sim.capacity_Ah if sim.capacity_Ah > 0 else math.nan
    return {"capacity_error_pct": (sim.capacity_Ah - test.capacity_Ah) / test.capacity_Ah * 100.0,
            "energy_error_pct": (sim.energy_Wh - test.energy_Wh) / test.energy_Wh * 100.0,
            "mean_voltage_error_mV": (sim_mean_V - test.mean_voltage_V) * 1000.0,
            "voltage_rmse_mV": v_rmse * 1000.0, "temperature_rmse_K": t_rmse,
            "capacity_Ah": sim.capacity_Ah, "measured_capacity_Ah": test.capacity_Ah}


@dataclass
class CalibrationResult:
    calibration: Calibration
    before: list[dict]
    after: list[dict]
    evaluations: int
    seconds: float
    success: bool
    message: str
    parameters: list[FitParameter] = field(default_factory=list)


def start_cell(design, *, literature: bool = True) -> tuple[PybammCell, str, Calibration | None]:
    """The uncalibrated cell plus the literature (non-fitted) overrides of its current calibration."""
    from cellbench import cells
    from cellbench.simulate.calibration import load_calibration
    from cellbench.simulate.design_to_pybamm import to_pybamm

    if isinstance(design, str):
        design = cells.load_file(design) if design.endswith((".yaml", ".yml")) else cells.load(design)
    existing = load_calibration(getattr(design, "calibration_id", None) or design.id)
    overrides = existing.starting_overrides() if (existing is not None and literature) else {}
    return to_pybamm(design, overrides, calibrated=False), design.id, existing


def calibrate(design, tests: Sequence[MeasuredDischarge], parameters: Sequence[str] | str, *, model: str = "dfn",
              thermal: str = "lumped", max_evaluations: int = 60, start: dict[str, float] | None = None,
              initial_state: str = "rested", starts: int = 1, spread: Sequence[str] | str = (),
              description: str = "", progress: Callable[[int, int | None], None] | None = None
              ) -> CalibrationResult:
    """Fit `parameters` (names of :data:`cellbench.calibration.parameters.PARAMETERS`) of `design` (a catalogue
    id, cell YAML path or CellDesign) to measured discharges; returns the calibration and the errors before
    and after. `start` sets starting values (design units) other than the cell's own. `starts` > 1 runs the
    optimiser again from that many − 1 further starts spread over the search box (:func:`spread_starts`) and keeps
    the lowest cost; every optimum found is listed in the file's ``method.optima`` (a second optimum nearly as good
    is the data saying they cannot tell those values apart). `progress(done, None)` is called after each model run
    over the tests (the optimiser's Jacobian steps make the total unknown).

    `spread` names parameters the fit keeps at their sourced values but the data may not decide (activation
    energies, typically): the fit is repeated with them free as well, from the optimum and from `starts` − 1
    spread starts, and every optimum within :data:`NEAR_OPTIMUM_COST` of the calibration's cost is kept in the
    file's ``spread`` as an alternative; `validate` runs them all and reports how far their predictions differ."""
    fit_parameters = parse_parameters(parameters) if isinstance(parameters, str) else parse_parameters(list(parameters))
    left_open = open_parameters(fit_parameters, spread)
    if not tests:
        raise InputError("no measured test to fit: give at least one file", location="FILES")
    if model not in mb.MODELS:
        raise InputError(f"unknown model '{model}': expected one of {', '.join(mb.MODELS)}", location="--model")
    started = time.perf_counter()
    cell, cell_id, existing = start_cell(design)
    runner = DischargeModel.for_parameters(cell, fit_parameters, model=model, thermal=thermal,
                                            initial_state=initial_state)
    pv = cell.parameter_values
    x0 = {p.name: p.from_pybamm(float(pv[p.pybamm_name])) for p in fit_parameters}
    midrange = set()
    for p in fit_parameters:
        if p.log and x0[p.name] <= 0:  # nothing yet (no film, no contact resistance): start mid-range
            x0[p.name] = math.sqrt(p.lower * p.upper)
            midrange.add(p.name)
    for name, value in (start or {}).items():
        if name not in x0:
            raise InputError(f"start value for '{name}', which is not fitted", location="start")
        x0[name] = float(value)
    z0 = np.array([p.to_search(x0[p.name]) for p in fit_parameters])
    bounds = np.array([p.search_bounds(x0[p.name]) for p in fit_parameters]).T
    z0 = np.clip(z0, bounds[0] + 1e-9, bounds[1] - 1e-9)
    with_temperature = thermal == "lumped"

    def values_at(z: np.ndarray) -> dict[str, float]:
        return _values_at(fit_parameters, z)

    runs = 0

    def fits_from(fit_runner: DischargeModel, params: list[FitParameter], z_starts: list[np.ndarray],
                  box: np.ndarray) -> list:
        """The optimum from each start: (start, scipy result)."""
        def residuals(z: np.ndarray) -> np.ndarray:
            nonlocal runs
            values = _values_at(params, z)
            out = np.concatenate([test_residuals(t, fit_runner.run(t, values), with_temperature=with_temperature)
                                  for t in tests])
            runs += 1
            if progress is not None:
                progress(runs, None)
            return out

        out = []
        for z_start in z_starts:
            # Scale parameters move in log10 (a step of 1e-3 is 0.2 %); activation energies in kJ/mol.
            steps = np.array([1e-3 if p.log else 0.01 for p in params]) / np.maximum(np.abs(z_start), 1e-3)
            out.append((z_start, least_squares(residuals, z_start, bounds=box, method="trf", diff_step=steps,
                                               x_scale="jac", max_nfev=max_evaluations, xtol=1e-4, ftol=1e-4)))
        return out

    if starts < 1:
        raise InputError(f"--starts {starts}: expected 1 or more", location="--starts")
    before = [comparison(t, runner.run(t, values_at(z0))) for t in tests]
    solutions = fits_from(runner, fit_parameters, [z0] + spread_starts(fit_parameters, z0, bounds, starts - 1), bounds)
    solution = min((found for _, found in solutions), key=lambda found: found.cost)
    z = solution.x
    optima = [{"start": {p.name: _sig(p.from_search(float(zs[i]))) for i, p in enumerate(fit_parameters)},
               "value": {p.name: _sig(p.from_search(float(found.x[i]))) for i, p in enumerate(fit_parameters)},
               "cost": round(float(found.cost), 4), "cost_vs_best": round(float(found.cost / solution.cost), 4),
               "evaluations": int(found.nfev)}
              for zs, found in solutions] if starts > 1 else None
    spread_record = None
    if left_open:
        # the same fit with the open parameters free too: from its optimum, and from spread starts around the
        # calibration's own start
        extended = list(fit_parameters) + list(left_open)
        open_start = {p.name: p.from_pybamm(float(pv[p.pybamm_name])) for p in left_open}
        z_open = np.array([p.to_search(open_start[p.name]) for p in left_open])
        box = np.concatenate([bounds, np.array([p.search_bounds(open_start[p.name]) for p in left_open]).T],
                             axis=1)
        z_open = np.clip(z_open, box[0][len(z0):] + 1e-9, box[1][len(z0):] - 1e-9)
        wide_runner = DischargeModel.for_parameters(cell, extended, model=model, thermal=thermal,
                                                    initial_state=initial_state)
        z_from = np.concatenate([z0, z_open])
        found = fits_from(wide_runner, extended, [np.concatenate([z, z_open])]
                          + spread_starts(extended, z_from, box, starts - 1), box)
        runner.evaluations += wide_runner.evaluations
        # the fit itself (its values and the sourced ones) is not an alternative of itself, nor is an optimum
        # found twice
        own = {p.name: p.from_search(float(z[i])) for i, p in enumerate(fit_parameters)} | open_start
        alternatives: list[Alternative] = []
        for _, result in sorted(found, key=lambda item: item[1].cost):
            ratio = float(result.cost / solution.cost)
            values = {p.name: _sig(p.from_search(float(result.x[i]))) for i, p in enumerate(extended)}
            if ratio <= NEAR_OPTIMUM_COST and not any(_same_values(values, other)
                                                      for other in [own, *(a.values for a in alternatives)]):
                alternatives.append(Alternative(values=values, cost_vs_fit=round(ratio, 4)))
        spread_record = Spread(parameters=[p.name for p in left_open], cost_ratio=NEAR_OPTIMUM_COST,
                               starts=starts, alternatives=alternatives)
    after = [comparison(t, runner.run(t, values_at(z))) for t in tests]
    groups = np.concatenate([residual_groups(t, with_temperature=with_temperature) for t in tests])
    intervals = confidence_intervals(solution.jac, solution.fun, groups, len(z))

    fitted: dict[str, FittedValue] = {}
    overrides = dict(existing.literature_overrides()) if existing else {}
    sources = {k: existing.sources[k] for k in overrides} if existing else {}
    files = ", ".join(t.label for t in tests)
    for i, p in enumerate(fit_parameters):
        value = p.from_search(float(z[i]))
        ci = None
        if intervals is not None and math.isfinite(intervals[i]):
            ci = (_sig(p.from_search(z[i] - intervals[i])), _sig(p.from_search(z[i] + intervals[i])))
        at_bound = bool(abs(z[i] - bounds[0][i]) < 1e-6 or abs(z[i] - bounds[1][i]) < 1e-6)
        start_source = (existing.start_source(p.name) if existing else "") or "the cell's design and material records"
        if p.name in midrange:
            start_source = "the middle of the search range (the cell had none)"
        if start is not None and p.name in start:
            start_source = "given by the caller"
        fitted[p.name] = FittedValue(value=_sig(value), ci95=ci, unit=p.unit, start=_sig(x0[p.name]),
                                     start_source=start_source, at_bound=at_bound)
        overrides[p.name] = _sig(value)
        sources[p.name] = (f"fitted by cellbench calibrate (scipy least_squares, {model.upper()}, {thermal}) to "
                           f"{len(tests)} measured discharge(s): {files}; 95 % CI in 'fitted'")
    nominal = cell.nominal_capacity_Ah
    currents = [t.current_A for t in tests]
    temperatures = [t.start_temperature_C for t in tests if t.start_temperature_C is not None]
    cell_temperatures = [float(np.max(t.temperature_C)) for t in tests if t.temperature_C is not None]
    conditions = Conditions(
        current_A=(round(min(currents), 4), round(max(currents), 4)),
        c_rate=(round(min(currents) / nominal, 4), round(max(currents) / nominal, 4)),
        temperature_C=(min(temperatures), max(temperatures)) if temperatures else None,
        cell_temperature_C=(min(temperatures + cell_temperatures), max(temperatures + cell_temperatures))
        if temperatures else None)
    residual_rows = [TestResidual(file=t.label, voltage_rmse_mV=round(a["voltage_rmse_mV"], 2),
                                  capacity_error_pct=round(a["capacity_error_pct"], 3),
                                  temperature_rmse_K=None if a["temperature_rmse_K"] is None else round(a["temperature_rmse_K"], 2),
                                  before_voltage_rmse_mV=round(b["voltage_rmse_mV"], 2),
                                  before_capacity_error_pct=round(b["capacity_error_pct"], 3))
                     for t, a, b in zip(tests, after, before)]
    import pybamm

    from cellbench.version import version

    calibration = Calibration(
        cell=cell_id, description=description or (existing.description if existing else ""), overrides=overrides,
        sources=sources, label=FITTED_LABEL, fitted=fitted,
        data=[DataFile(file=t.label, sha256=t.sha256, current_A=round(t.current_A, 4),
                       temperature_C=t.start_temperature_C, capacity_Ah=round(t.capacity_Ah, 5),
                       rested_voltage_V=t.rested_voltage_V, initial_soc_pct=round(100.0 * runner.initial_soc(t), 2))
              for t in tests],
        residuals=residual_rows, conditions=conditions,
        method={"optimiser": "scipy.optimize.least_squares (trf, bounded)", "model": model, "thermal": thermal,
                "start": initial_state,
                "evaluations": int(solution.nfev), "simulations": runner.evaluations,
                "converged": bool(solution.success), **({"starts": starts, "optima": optima} if optima else {}),
                "cost": float(solution.cost), "scales": {"voltage_V": VOLTAGE_SCALE_V, "capacity": CAPACITY_SCALE,
                                                         "temperature_K": TEMPERATURE_SCALE_K},
                "cellbench_version": version(), "pybamm_version": pybamm.__version__},
        spread=spread_record)
    return CalibrationResult(calibration=calibration, before=before, after=after, evaluations=runner.evaluations,
                             seconds=time.perf_counter() - started, success=bool(solution.success),
                             message=str(solution.message), parameters=list(fit_parameters))


def _same_values(a: dict[str, float], b: dict[str, float], relative: float = 0.01) -> bool:
    """Two parameter sets that differ by less than 1 % in every value: one optimum, found twice."""
    return all(abs(a[k] - b[k]) <= relative * max(abs(a[k]), abs(b[k])) for k in a)


def _values_at(parameters: Sequence[FitParameter], z: np.ndarray) -> dict[str, float]:
    """PyBaMM input values of `parameters` at the search coordinates `z`."""
    return {p.pybamm_name: p.to_pybamm(p.from_search(float(zi))) for p, zi in zip(parameters, z)}


def spread_starts(parameters: Sequence[FitParameter], z0: np.ndarray, bounds: np.ndarray, count: int) -> list[np.ndarray]:
    """`count` further starting points, a Latin hypercube (fixed seed: the same starts every run) over the search
    box: a scale parameter within a decade of its start, any other (activation energies, fractions) over its
    bounds (its start ± its own size where a bound is open)."""
    if count <= 0:
        return []
    from scipy.stats import qmc

    low, high = np.empty(len(z0)), np.empty(len(z0))
    for i, p in enumerate(parameters):
        if p.log:
            low[i], high[i] = z0[i] - 1.0, z0[i] + 1.0
        else:
            width = max(abs(z0[i]), 1.0)
            low[i] = bounds[0][i] if math.isfinite(bounds[0][i]) else z0[i] - width
            high[i] = bounds[1][i] if math.isfinite(bounds[1][i]) else z0[i] + width
        low[i], high[i] = max(low[i], bounds[0][i]), min(high[i], bounds[1][i])
    unit = qmc.LatinHypercube(d=len(z0), seed=0).random(count)
    points = low + unit * (high - low)
    return [np.clip(z, bounds[0] + 1e-9, bounds[1] - 1e-9) for z in points]


def confidence_intervals(jac: np.ndarray, fun: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray | None:
    """Half-widths of the 95 % intervals in the search coordinates, from the Jacobian at the optimum.

    The fit weighs residuals by fixed scales, but voltage (with capacity) and temperature residuals have
    different noise; so each group gets its own variance s_g² = |r_g|² / (m_g − n m_g / m) and the covariance
    is the sandwich (JᵀJ)⁻¹ (Σ_g s_g² J_gᵀ J_g) (JᵀJ)⁻¹, which reduces to s² (JᵀJ)⁻¹ when all noise is alike."""
    m = len(fun)
    if m <= n:
        return None
    bread = np.linalg.pinv(jac.T @ jac)
    meat = np.zeros((n, n))
    for g in np.unique(groups):
        rows = groups == g
        m_g = int(rows.sum())
        dof = m_g - n * m_g / m
        s2 = float(fun[rows] @ fun[rows]) / dof if dof > 0 else 0.0
        meat += s2 * (jac[rows].T @ jac[rows])
    variances = np.diag(bread @ meat @ bread)
    return np.where(variances >= 0, 1.96 * np.sqrt(np.abs(variances)), np.nan)


def _sig(value: float, digits: int = 5) -> float:
    """A value rounded to `digits` significant figures (for a readable file)."""
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(f"{value:.{digits}g}")
