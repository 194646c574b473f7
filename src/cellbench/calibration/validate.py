"""Validate a (calibrated) cell against measured discharges it was not fitted on.

Per test: capacity, energy and mean-voltage errors, the voltage RMSE over the common time span, the
temperature RMSE when the file has temperatures; a plot of both curves; a one-line verdict; and a warning
for every test whose conditions lie outside what the calibration's data covered (the model extrapolates).

>>> report = validate("lg-m50", [read_discharge(f) for f in files])  # needs lab files  # doctest: +SKIP
>>> report.verdict                                                        # doctest: +SKIP
'lg-m50 (calibrated): mean |capacity error| 1.1 % over 4 tests (max 2.0 %) ...'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from cellbench.calibration.discharges import MeasuredDischarge
from cellbench.calibration.fit import DischargeModel, SimulatedDischarge, comparison
from cellbench.calibration.parameters import parse_parameters, pybamm_values
from cellbench.errors import InputError
from cellbench.simulate.calibration import (Calibration, load_calibration, load_calibration_file,
                                            outside_conditions)

DEFAULT_TOLERANCE_PCT = 3.0


@dataclass
class ValidationRow:
    test: MeasuredDischarge
    simulated: SimulatedDischarge
    errors: dict
    warnings: list[str] = field(default_factory=list)
    #: capacities the calibration's alternatives predict (its `spread`), beside the calibration's own
    alternative_capacities_Ah: list[float] = field(default_factory=list)
    alternatives_failed: int = 0  # alternatives whose simulation of this test did not solve (left out of the spread)

    @property
    def spread_pct(self) -> float | None:
        """How far the calibration and its alternatives disagree on this test's capacity: (highest − lowest)
        over the measured capacity, in %; None without alternatives."""
        if not self.alternative_capacities_Ah:
            return None
        capacities = [self.simulated.capacity_Ah, *self.alternative_capacities_Ah]
        return (max(capacities) - min(capacities)) / self.test.capacity_Ah * 100.0

    def as_dict(self) -> dict:
        return {"file": self.test.label, "sha256": self.test.sha256, "current_A": round(self.test.current_A, 4),
                "temperature_C": self.test.start_temperature_C, "rested_voltage_V": self.test.rested_voltage_V,
                "initial_soc_pct": round(100.0 * self.simulated.initial_soc, 2),
                **{k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else round(v, 4))
                   for k, v in self.errors.items()},
                "simulation_failed": self.simulated.failed or None, "warnings": self.warnings,
                "alternative_capacities_Ah": [round(c, 4) for c in self.alternative_capacities_Ah] or None,
                "spread_pct": None if self.spread_pct is None else round(self.spread_pct, 3),
                "alternatives_failed": self.alternatives_failed or None}


@dataclass
class ValidationReport:
    cell: str
    calibrated: bool
    calibration_source: str
    rows: list[ValidationRow]
    tolerance_pct: float
    coverage: dict | None
    #: the parameters the calibration's alternatives leave open (its `spread`), if it has alternatives
    open_parameters: list[str] = field(default_factory=list)

    @property
    def mean_abs_capacity_error_pct(self) -> float:
        return float(np.mean([abs(r.errors["capacity_error_pct"]) for r in self.rows]))

    @property
    def passed(self) -> bool:
        return self.mean_abs_capacity_error_pct <= self.tolerance_pct and not any(r.simulated.failed for r in self.rows)

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.rows for w in r.warnings]

    @property
    def verdict(self) -> str:
        errors = [abs(r.errors["capacity_error_pct"]) for r in self.rows]
        rmse = [r.errors["voltage_rmse_mV"] for r in self.rows if math.isfinite(r.errors["voltage_rmse_mV"])]
        state = "calibrated" if self.calibrated else "uncalibrated"
        outside = sum(1 for r in self.rows if r.warnings)
        text = (f"{'PASS' if self.passed else 'FAIL'}: {self.cell} ({state}) against {len(self.rows)} measured "
                f"test(s): mean |capacity error| {np.mean(errors):.2f} % (max {max(errors):.2f} %, tolerance "
                f"{self.tolerance_pct:g} %), mean voltage RMSE {np.mean(rmse) if rmse else float('nan'):.0f} mV")
        if outside:
            text += f"; {outside} test(s) outside the calibration's conditions (extrapolated)"
        spreads = [(r.spread_pct, r.test.label) for r in self.rows if r.spread_pct is not None]
        if spreads:
            widest, label = max(spreads)
            text += (f"; fits as good with {', '.join(self.open_parameters)} free disagree by up to "
                     f"{widest:.1f} % on capacity ({label})")
            if widest > self.tolerance_pct:
                text += ": the calibration's data do not determine that prediction"
        failed = sum(r.alternatives_failed for r in self.rows)
        if failed:
            text += f"; {failed} run(s) of alternatives did not solve (left out of the spread)"
        return text

    def as_dict(self) -> dict:
        return {"cell": self.cell, "calibrated": self.calibrated, "calibration": self.calibration_source,
                "coverage": self.coverage, "tolerance_pct": self.tolerance_pct,
                "mean_abs_capacity_error_pct": round(self.mean_abs_capacity_error_pct, 4),
                "open_parameters": self.open_parameters or None,
                "passed": self.passed, "verdict": self.verdict, "tests": [r.as_dict() for r in self.rows]}


def coverage_warnings(test: MeasuredDischarge, calibration: Calibration | None) -> list[str]:
    """Why a test lies outside the calibration's conditions (empty when inside, or nothing is known)."""
    out = []
    if test.start_temperature_C is None:
        out.append(f"{test.label}: no temperature in the file; simulated from 25 °C (give --temperature)")
    if calibration is None:
        return out
    return out + outside_conditions(calibration.conditions, test.label, temperature_C=test.start_temperature_C,
                                    current_A=test.current_A)


def validate(design, tests: Sequence[MeasuredDischarge], *, calibration: str | Path | Calibration | None = None,
             calibrated: bool = True, model: str = "dfn", thermal: str = "lumped", initial_state: str = "rested",
             tolerance_pct: float = DEFAULT_TOLERANCE_PCT) -> ValidationReport:
    """Compare the cell (with its own calibration, or `calibration` — a file or object —, or none when
    `calibrated` is False) with measured discharges."""
    from cellbench import cells
    from cellbench.simulate.design_to_pybamm import to_pybamm

    if not tests:
        raise InputError("no measured test to validate against: give at least one file", location="FILES")
    if isinstance(design, str):
        design = cells.load_file(design) if design.endswith((".yaml", ".yml")) else cells.load(design)
    source = "none"
    used: Calibration | None = None
    if not calibrated:
        cell = to_pybamm(design, calibrated=False)
    elif calibration is not None:
        used = calibration if isinstance(calibration, Calibration) else load_calibration_file(calibration)
        source = "object" if isinstance(calibration, Calibration) else str(calibration)
        cell = to_pybamm(design, used.overrides, calibrated=False)
    else:
        used = load_calibration(getattr(design, "calibration_id", None) or design.id)
        source = f"the cell's own ({design.id})" if used else "none"
        cell = to_pybamm(design)
    runner = DischargeModel(cell, model=model, thermal=thermal, initial_state=initial_state)
    # the calibration's alternatives (calibrate --spread), if it keeps any, as PyBaMM inputs of one wider model
    spread = used.spread if used is not None and used.spread is not None and used.spread.alternatives else None
    alternatives = [pybamm_values(a.values) for a in spread.alternatives] if spread else []
    wide = (DischargeModel.for_parameters(cell, parse_parameters(list(spread.alternatives[0].values)), model=model,
                                          thermal=thermal, initial_state=initial_state) if spread else runner)
    rows = []
    for test in tests:
        sim = runner.run(test, {})
        row = ValidationRow(test, sim, comparison(test, sim), coverage_warnings(test, used))
        for values in alternatives:
            try:
                other = wide.run(test, values)
            except Exception:  # noqa: BLE001 - an alternative that cannot run leaves the spread, never the report
                row.alternatives_failed += 1
                continue
            if other.failed:
                row.alternatives_failed += 1
            else:
                row.alternative_capacities_Ah.append(other.capacity_Ah)
        rows.append(row)
    coverage = used.conditions.model_dump(mode="json") if used is not None and used.conditions else None
    return ValidationReport(cell=design.id, calibrated=used is not None, calibration_source=source, rows=rows,
                            tolerance_pct=tolerance_pct, coverage=coverage,
                            open_parameters=list(spread.parameters) if spread else [])


def plot_html(report: ValidationReport, path: str | Path) -> Path:
    """Measured and simulated voltage (and temperature) against discharged capacity, one colour per test, as
    a self-contained HTML file (plotly.js embedded, so it opens offline)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    with_temperature = any(r.test.temperature_C is not None for r in report.rows)
    fig = make_subplots(rows=2 if with_temperature else 1, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    for k, row in enumerate(report.rows):
        colour = palette[k % len(palette)]
        t, s = row.test, row.simulated
        q_meas = np.concatenate([[0.0], np.cumsum(t.current_trace_A[1:] * np.diff(t.time_s))]) / 3600.0
        q_sim = t.current_A * s.time_s / 3600.0
        name = f"{t.label} ({t.current_A:.3g} A, {t.start_temperature_C if t.start_temperature_C is not None else '?'} °C)"
        fig.add_trace(go.Scatter(x=q_meas, y=t.voltage_V, name=f"measured {name}", line={"color": colour}), 1, 1)
        fig.add_trace(go.Scatter(x=q_sim, y=s.voltage_V, name=f"simulated {name}",
                                 line={"color": colour, "dash": "dash"}), 1, 1)
        if with_temperature and t.temperature_C is not None:
            fig.add_trace(go.Scatter(x=q_meas, y=t.temperature_C, showlegend=False, line={"color": colour}), 2, 1)
            fig.add_trace(go.Scatter(x=q_sim, y=s.temperature_C, showlegend=False,
                                     line={"color": colour, "dash": "dash"}), 2, 1)
    fig.update_yaxes(title_text="voltage [V]", row=1, col=1)
    if with_temperature:
        fig.update_yaxes(title_text="cell temperature [°C]", row=2, col=1)
    fig.update_xaxes(title_text="discharged capacity [Ah]", row=2 if with_temperature else 1, col=1)
    fig.update_layout(title=report.verdict, height=800 if with_temperature else 500, template="plotly_white")
    path = Path(path)
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path
