"""The evaluation's result as a typed document: what `results.json` holds (schema: docs/evaluation.md).

:func:`build_result` turns an :class:`~cellbench.evaluation.run.Evaluation` (the raw runs) into an
:class:`EvaluationResult`: one :class:`MetricRow` per compared figure with its band and verdict, the merits and
demerits of the *material*, the design effects kept apart, what could not be assessed, the sensitivities, the
calibration that applied and whether the substitution puts it in question.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cellbench.evaluation.suite import DIRECTION
from cellbench.evaluation.verdicts import (Band, change_pct, numerical_band_pct, parameter_band,
                                          stated_half_ranges_pct, verdict)
from cellbench.targets import TargetCheck, check_evaluation

SCHEMA = "cellbench.evaluation/2"
Verdict = Literal["better", "worse", "same", "n/a", "not assessed"]
Number = float | str | None   # "inf"/"-inf" where a figure is unbounded (JSON has no infinity)

METRIC_TITLES = {
    "discharge_capacity": "discharge capacity", "discharge_energy": "discharge energy",
    "mean_discharge_voltage": "mean discharge voltage", "energy_efficiency": "energy efficiency",
    "pulse_resistance": "10-s pulse resistance", "pulse_power": "10-s pulse power", "charge_time_to": "charge time",
    "charged_fraction": "charged capacity", "max_temperature_rise": "temperature rise",
    "capacity_retention": "capacity retention", "resistance_growth": "DC-IR growth",
    "min_anode_potential": "lowest anode potential vs Li",
}
#: design figures compared before any simulation: (key of cells.report.cell_summary, unit, title, direction)
DESIGN_FIGURES = (("capacity_mAh", "mAh", "design capacity", "higher"),
                  ("wh_per_l_stack", "Wh/L", "energy density (stack)", "higher"),
                  ("wh_per_l_outline", "Wh/L", "energy density (outline)", "higher"),
                  ("wh_per_kg", "Wh/kg", "specific energy", "higher"),
                  ("mean_voltage_V", "V", "mean OCV", "higher"))


class BandOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    numerical_pct: float = Field(description="solver-tolerance band, measured (data/numerical-band.yaml)")
    parameter_pct: float | None = Field(None, description="the candidate's stated ranges through the sensitivities; "
                                        "null when no stated range reached this metric")
    parameters: list[str] = Field(default_factory=list)
    total_pct: float


class MetricRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    metric: str
    item: str
    test: str
    unit: str
    conditions: dict[str, Any]
    baseline: Number
    candidate: Number
    change: Number = None
    change_pct: Number = None
    band: BandOut | None = None
    verdict: Verdict
    effect: Literal["material", "design"] = Field(description="'design': a bookkeeping consequence of the "
                                                  "substitution basis (mass, volumes), never a material merit")
    key: bool = False
    direction: Literal["higher", "lower"]
    note: str = ""


class SensitivityRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    property: str
    target: str
    step_pct: float
    item: str
    metric: str
    label: str
    key: bool = False
    unit: str
    candidate: Number
    varied: Number
    effect_pct: Number
    verdict: Verdict


class Failure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variant: str
    item: str
    metric: str | None = None
    error: str


class NotAssessed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    variant: str
    item: str
    reason: str


class CalibrationUse(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cell: str = Field(description="the lineage base whose calibration file applied to baseline and candidate")
    overrides: dict[str, float]
    carried_to_candidate: dict[str, dict[str, Any]] = Field(default_factory=dict)
    questionable: bool
    note: str


class RunInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    simulations: int
    seconds: float


class EvaluationResult(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    schema_: str = Field(SCHEMA, alias="schema")
    created: str
    cell: dict[str, str]
    material: dict[str, str]
    substitution: dict[str, Any]
    suite: dict[str, str]
    baseline_design: dict[str, Any]
    candidate_design: dict[str, Any]
    metrics: list[MetricRow]
    merits: list[str]
    demerits: list[str]
    design_effects: list[str]
    not_assessed: list[NotAssessed]
    not_run: list[dict[str, Any]]
    failures: list[Failure]
    sensitivity: list[SensitivityRow]
    improvement_directions: list[str]
    calibration: CalibrationUse | None
    ageing: dict[str, dict[str, Any]]
    safety: dict[str, list]
    target_checks: list[TargetCheck] = Field(default_factory=list, description=(
        "the candidate's material and cell figures against every built-in programme target set (cellbench.targets): "
        "met, not met with the margin, or not assessed with the reason"))
    run: RunInfo
    provenance: dict[str, Any]

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def _repr_html_(self) -> str:
        return verdict_table_html(self)


def _num(x: float | None) -> Number:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _band(numerical: float, parameter: float | None, names: tuple[str, ...]) -> BandOut:
    b = Band(numerical, parameter, names)
    return BandOut(numerical_pct=numerical, parameter_pct=parameter, parameters=list(names), total_pct=b.total_pct)


def design_rows(ev) -> list[MetricRow]:
    """Design figures. On the volume basis a candidate changes only mass here (density at equal volumes); on the
    mass basis the volume fractions moved too. Either way these are design effects, reported apart."""
    from cellbench.cells.report import cell_summary

    fb, fc = cell_summary(ev.baseline), cell_summary(ev.candidate)
    sub = ev.candidate.substitution
    basis = sub.basis
    # an active material at equal volumes and thicknesses: what it stores per volume (and weighs) is its own merit
    intrinsic = sub.role in ("cathode_active", "anode_active") and basis == "volume" and sub.keep == "thickness"
    rows = []
    for key, unit, name, direction in DESIGN_FIGURES:
        c = change_pct(fb[key], fc[key])
        band = _band(numerical_band_pct("design"), None, ())
        rows.append(MetricRow(name=name, metric=key, item="design", test="energy density", unit=unit,
                              conditions={"basis": f"design figures, substitution on the {basis} basis"},
                              baseline=fb[key], candidate=fc[key], change=fc[key] - fb[key], change_pct=_num(c),
                              band=band, verdict=verdict("discharge_capacity", c, band_pct=band.total_pct),
                              effect="material" if intrinsic else "design", direction=direction))
    return rows


def simulated_rows(ev) -> list[MetricRow]:
    record = ev.candidate.material(ev.candidate.substitution.by)
    half_ranges = stated_half_ranges_pct(record)
    base, cand = ev.metrics.get("baseline", {}), ev.metrics.get("candidate", {})
    skipped = {(n["variant"], n["item"]): n["reason"] for n in ev.not_assessed}
    # a whole test that one variant could not complete (the simulation failed, not a metric): the other did
    incomplete = {(f["variant"], f["item"]): f["error"] for f in ev.failures if not f.get("metric")}
    rows = []
    for item in ev.suite.items:
        if not item.runnable:
            continue
        for (spec, b), (_, c) in zip(base.get(item.id, []), cand.get(item.id, [])):
            bv, cv = (b.value if b else None), (c.value if c else None)
            pct = change_pct(bv, cv)
            unit = (b or c).unit if (b or c) else ""
            conditions = {**item.conditions, **((b or c).conditions if (b or c) else {}), **spec.conditions}
            name = METRIC_TITLES.get(spec.fn, spec.fn) + (f" ({spec.label})" if spec.label else "")
            if spec.fn == "charge_time_to":
                name += f" to {100 * spec.args.get('fraction', 0.8):g}% SOC"
            parameter, used = parameter_band(ev.sensitivity, half_ranges, item.id, spec.fn, spec.label)
            band = _band(numerical_band_pct(spec.fn), parameter, used)
            reason = skipped.get(("candidate", item.id)) or skipped.get(("baseline", item.id))
            plating = [v for v, x in (("baseline", bv), ("candidate", cv))
                       if spec.fn == "min_anode_potential" and x is not None and x < 0]
            judged = "not assessed" if reason else verdict(spec.fn, pct, band_pct=band.total_pct)
            for loser, winner, value in (("candidate", "better", bv), ("baseline", "worse", cv)):
                error = incomplete.get((loser, item.id))
                if not reason and error and value is not None and judged == "n/a":
                    # the other variant completed this test and this one could not: that is the finding
                    judged = "worse" if winner == "better" else "better"
                    reason = f"the {loser} did not complete this test; the other did ({error})"
            rows.append(MetricRow(
                name=name, metric=spec.fn, item=item.id, test=item.test, unit=unit, conditions=conditions,
                baseline=_num(bv), candidate=_num(cv),
                change=_num(cv - bv) if bv is not None and cv is not None and math.isfinite(bv) and math.isfinite(cv) else None,
                change_pct=_num(pct), band=band, verdict=judged, effect="material", key=spec.key,
                direction=DIRECTION[spec.fn],
                note=reason or (f"{' and '.join(plating)} below 0 V vs Li: plating-limited" if plating else "")))
    return rows


def calibration_use(ev) -> CalibrationUse | None:
    """The calibration that applied to both variants, and whether the substitution puts it in question: it does
    when the calibration adjusts a property of the replaced material (carried to the candidate as a factor), or
    an electrode-level value the replaced material contributes to."""
    from cellbench.simulate.calibration import load_calibration

    cal = load_calibration(ev.candidate.calibration_id)
    if cal is None:
        return None
    from cellbench.simulate.design_to_pybamm import calibration_overrides

    _, carried = calibration_overrides(ev.candidate, cal.overrides)
    role = ev.candidate.substitution.role
    side = "cathode" if role.startswith("cathode") else "anode" if role.startswith("anode") else None
    lumped = [k for k in cal.overrides if side and k.startswith(side) and k not in carried]
    questionable = bool(carried or lumped)
    if carried:
        note = ("the calibration adjusts " + ", ".join(carried) + " of the replaced material; the candidate keeps "
                "its own value times the same correction (" + ", ".join(f"×{v['factor']:.3g}" for v in carried.values())
                + "). Whether that correction holds for the new material is not known: measure it.")
    elif lumped:
        note = ("the calibration sets " + ", ".join(lumped) + ", which the replaced material contributes to; it was "
                "applied unchanged to the candidate.")
    else:
        note = "the calibration concerns properties the substitution does not change; applied to both unchanged."
    return CalibrationUse(cell=cal.cell, overrides=dict(cal.overrides), carried_to_candidate=carried,
                          questionable=questionable, note=note)


def improvement_directions(sensitivity: list[dict]) -> list[str]:
    """Plain statements from the sensitivity table, strongest effect first."""
    by_metric: dict[tuple, list] = {}
    for r in sensitivity:
        if not r.get("key") or not isinstance(r["effect_pct"], (int, float)) or not math.isfinite(r["effect_pct"]):
            continue
        by_metric.setdefault((r["metric"], r["label"], r["item"]), []).append(r)
    lines = []
    for (metric, label, item), rows in by_metric.items():
        ups = sorted((r for r in rows if r["step_pct"] > 0), key=lambda r: -abs(r["effect_pct"]))
        if not ups:
            continue
        top = ups[0]
        title = METRIC_TITLES.get(metric, metric) + (f" ({label})" if label else "") + f" [{item}]"
        text = f"{title}: raising {top['property']} by {top['step_pct']:g}% changes it by {top['effect_pct']:+.1f}% ({top['verdict']})"
        weak = [r for r in ups[1:] if abs(r["effect_pct"]) < 1.0]
        if weak:
            text += "; " + ", ".join(sorted({r['property'] for r in weak})) + " change it by less than 1%"
        lines.append(text)
    return lines


def build_result(ev) -> EvaluationResult:
    import pybamm

    from cellbench.cells.report import cell_summary
    from cellbench.version import version

    design = design_rows(ev)
    simulated = simulated_rows(ev)

    def line(r: MetricRow) -> str:
        if not isinstance(r.change_pct, float):
            return f"{r.name} [{r.item}]: {r.note or r.change_pct}"
        return f"{r.name} [{r.item}]: {r.change_pct:+.1f}% (band ±{r.band.total_pct:.2g}%)"

    judged = [r for r in design + simulated if r.effect == "material" and r.verdict in ("better", "worse")]
    material = ev.candidate.material(ev.candidate.substitution.by)
    return EvaluationResult(
        created=datetime.now(timezone.utc).isoformat(),
        cell={"id": ev.baseline.id, "version": ev.baseline.version, "name": ev.baseline.name},
        material={"id": material.id, "name": material.name, "role": ev.role},
        substitution=ev.candidate.substitution.model_dump(),
        suite={"id": ev.suite.id, "version": ev.suite.version},
        baseline_design=cell_summary(ev.baseline), candidate_design=cell_summary(ev.candidate),
        metrics=design + simulated,
        merits=[line(r) for r in judged if r.verdict == "better"],
        demerits=[line(r) for r in judged if r.verdict == "worse"],
        design_effects=[f"{r.name}: {r.change_pct:+.2f}% ({r.conditions['basis']})" for r in design
                        if r.effect == "design" and isinstance(r.change_pct, float) and r.verdict != "same"],
        not_assessed=[NotAssessed(**n) for n in ev.not_assessed],
        not_run=[{"item": i.id, "test": i.test, "conditions": i.conditions, "needs": i.needs}
                 for i in ev.suite.items if not i.runnable],
        failures=[Failure(**f) for f in ev.failures],
        sensitivity=[SensitivityRow(**{k: _num(v) if isinstance(v, float) and k != "step_pct" else v
                                       for k, v in r.items()}) for r in ev.sensitivity],
        improvement_directions=improvement_directions(ev.sensitivity),
        calibration=calibration_use(ev),
        ageing={variant: {item: {"rows": rec["rows"], "laws_version": rec.get("laws_version"), "note": rec.get("note"),
                                 "interphase": rec.get("interphase", [])}
                          for item, rec in items.items()} for variant, items in ev.ageing.items()},
        safety=ev.safety,
        target_checks=check_evaluation(cell_summary(ev.candidate), [r.model_dump() for r in simulated], material),
        run=RunInfo(simulations=ev.simulations, seconds=ev.seconds),
        provenance={"cellbench_version": version(), "pybamm_version": pybamm.__version__,
                    "baseline_design_hash": ev.baseline.content_hash(),
                    "candidate_design_hash": ev.candidate.content_hash(),
                    "material_source": material.sources},
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of results.json (published as docs/evaluation-results.schema.json)."""
    return EvaluationResult.model_json_schema(by_alias=True, mode="serialization")



# -- the notebook's view ----------------------------------------------------------------------------------
VERDICT_COLOURS = {"better": "#1a7f37", "worse": "#cf222e"}


def _shown(value: Number, unit: str = "") -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else f"{value:.4g} {unit}".strip()


def verdict_table_html(result: EvaluationResult) -> str:
    """The verdict table of an evaluation as HTML: each figure, baseline and candidate, the change, its band and
    the verdict (design effects marked), then the merits and demerits in a line each."""
    from html import escape

    rows = []
    for r in result.metrics:
        colour = VERDICT_COLOURS.get(r.verdict)
        verdict = escape(r.verdict + (" (design)" if r.effect == "design" else ""))
        change = r.change_pct if not isinstance(r.change_pct, float) else f"{r.change_pct:+.2f}"
        band = f"±{r.band.total_pct:.2g}" if r.band else "—"
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in (r.item, r.name)) + "".join(
            f"<td style='text-align:right'>{escape(c)}</td>"
            for c in (_shown(r.baseline, r.unit), _shown(r.candidate, r.unit), _shown(change), band))
            + f"<td style='color:{colour or 'inherit'}'>{'<b>' if r.key else ''}{verdict}{'</b>' if r.key else ''}"
            "</td></tr>")
    lines = [f"<li>merit: {escape(m)}</li>" for m in result.merits]
    lines += [f"<li>demerit: {escape(d)}</li>" for d in result.demerits]
    return (f"<div><b>{escape(result.material.get('name', ''))}</b> in {escape(result.cell.get('id', ''))} "
            f"against the standard material ({result.run.simulations} simulations, {result.run.seconds:.1f} s)"
            "<table><thead><tr><th>item</th><th>figure</th><th>baseline</th><th>candidate</th><th>Δ %</th>"
            "<th>band %</th><th>verdict</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table><ul>{''.join(lines)}</ul></div>")
