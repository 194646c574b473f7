"""The new-material evaluation: baseline standard cell against the cell with the candidate material substituted.

Both run the same suite on the virtual cycler; every metric is computed from the resulting Measurements with
:mod:`cellbench.analysis.metrics` (the same functions that run on measured data), compared, and explained by a
one-at-a-time sensitivity of the candidate's key properties.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from cellbench import cells, materials
from cellbench.cells.design import CellDesign, LithiumFoil
from cellbench.documents import read_yaml
from cellbench.errors import CellbenchError, InputError
from cellbench.evaluation.suite import DATA_DIR, MetricSpec, Suite, SuiteItem, load_suite
from cellbench.evaluation.verdicts import change_pct, numerical_band_pct, verdict

#: properties the simulator needs from a candidate, by role (refused before any simulation when missing)
REQUIRED_PROPERTIES = {
    "cathode_active": ("diffusivity_cm2_s", "particle_size_d50_um", "exchange_current_density_mA_cm2"),
    "anode_active": ("diffusivity_cm2_s", "particle_size_d50_um", "exchange_current_density_mA_cm2"),
    "solid_electrolyte": ("ionic_conductivity_S_cm",),
    "liquid_electrolyte": ("ionic_conductivity_S_cm", "salt_diffusivity_cm2_s"),
}


@dataclass
class Job:
    variant: str           # "baseline", "candidate", or "<property> +20%"
    item: SuiteItem
    design: CellDesign


@dataclass
class Evaluation:
    baseline: CellDesign
    candidate: CellDesign
    role: str
    suite: Suite
    metrics: dict[str, dict[str, list]] = field(default_factory=dict)   # variant -> item -> [(spec, MetricValue|None)]
    measurements: dict[str, dict[str, Any]] = field(default_factory=dict)  # variant -> item -> Measurement
    failures: list[dict] = field(default_factory=list)
    # items the materials' data cannot support (e.g. no stability window for the ageing model): variant, item, reason
    not_assessed: list[dict] = field(default_factory=list)
    sensitivity: list[dict] = field(default_factory=list)
    ageing: dict[str, dict] = field(default_factory=dict)  # variant -> item -> the ageing runner's record
    # measured safety tests of the candidate's cells or sample: cellbench.safety's report section (records, arc)
    safety: dict[str, list] = field(default_factory=lambda: {"records": [], "arc": []})
    simulations: int = 0
    seconds: float = 0.0

    # -- the notebook's view: the same verdict table and figures as results.json and report.html
    def _repr_html_(self) -> str:
        """The verdict table with bands (:class:`~cellbench.evaluation.result.EvaluationResult`'s view)."""
        from cellbench.evaluation.result import build_result

        return build_result(self)._repr_html_()

    def plot(self, which: str | None = None):
        """The report's Plotly figures (discharge, ragone, pulse, sensitivity): one by name, or all as a dict."""
        from cellbench.evaluation.report import _figures, results_document

        figures = dict(_figures(self, results_document(self)))
        if which is None:
            return figures
        if which not in figures:
            raise InputError(f"unknown figure {which!r}: expected one of {', '.join(figures)}", location="which")
        return figures[which]


def check_candidate(record, role: str) -> None:
    missing = [f for f in REQUIRED_PROPERTIES.get(role, ()) if getattr(record, f, None) is None]
    if missing:
        raise InputError(f"material '{record.id}' lacks {', '.join(missing)}, which the simulator needs for a "
                         f"{role}; add them (with sources) to the material file")


def sensitivity_targets(role: str) -> tuple[float, list[dict]]:
    data = read_yaml(DATA_DIR / "sensitivity.yaml")
    return float(data["step_pct"]), list(data["by_role"].get(role, []))


def scaled_variant(candidate: CellDesign, record, target: str, factor: float) -> CellDesign:
    """The candidate with one property scaled: a material field, or a field of the layer holding it."""
    where, _, name = target.partition(".")
    if where == "material":
        value = getattr(record, name, None)
        if value is None:
            raise InputError(f"material '{record.id}' has no {name} to vary")
        data = record.model_dump()
        data[name] = value * factor
        data["id"] = record.id  # same id: the variant replaces the candidate material in place
        varied = type(record).model_validate(data)
        new = candidate.model_copy()
        new._custom[record.id] = varied
        return new
    layer = getattr(candidate, where)
    if isinstance(layer, LithiumFoil):
        raise InputError(f"the {where} is lithium foil; it has no {name}")
    if name == "film_resistance_ohm_cm2":
        current = candidate.film_resistance_ohm_cm2(where)
    else:
        current = getattr(layer, name)
    if current is None:
        raise InputError(f"the {where} has no {name}")
    value = current * factor
    if name == "contact_ratio":
        value = min(value, 1.0)
    return candidate.model_copy(update={where: layer.model_copy(update={name: value})})


def evaluate(cell: str | CellDesign, material, *, role: str = "auto", suite: str | Path = "iec62660-1-assb",
             sensitivity: bool = True, workers: int = 2, model: str = "dfn", timeout_s: float = 120.0,
             basis: str = "volume", progress: Callable[[int, int], None] | None = None) -> Evaluation:
    """Run the evaluation and return all metrics (no files written; see :mod:`cellbench.evaluation.report`).

    Baseline and candidate go through one path: the same suite, solver, calibration (the baseline's lineage) and
    rated-capacity basis for C-rates; `basis` says what the substitution keeps ("volume": each layer's volume
    fractions; "mass": its weight fractions)."""
    import time

    baseline = cells.load(cell) if not isinstance(cell, CellDesign) else cell
    record = materials.load(material)
    role = record.role if role == "auto" else role
    candidate = baseline.substitute(record, role=role, basis=basis)   # refuses a role that does not fit
    check_candidate(record, role)
    the_suite = load_suite(suite)
    protocols = the_suite.protocols()                    # refuses a bad protocol before simulating

    jobs: list[Job] = []
    simulated = [item for item in the_suite.items if item.runnable and item.runner == "protocol"]
    for variant, design in (("baseline", baseline), ("candidate", candidate)):
        jobs += [Job(variant, item, design) for item in simulated]
    varied: list[tuple[str, str, str, float]] = []
    if sensitivity:
        step_pct, targets = sensitivity_targets(role)
        for t in targets:
            for sign in (+1, -1):
                factor = 1 + sign * step_pct / 100
                label = f"{t['name']} {'+' if sign > 0 else '-'}{step_pct:g}%"
                try:
                    design = scaled_variant(candidate, record, t["target"], factor)
                except InputError:
                    continue
                if t["target"].endswith("contact_ratio") and design == candidate:
                    continue  # already at the bound
                varied.append((label, t["name"], t["target"], sign * step_pct))
                jobs += [Job(label, item, design) for item in simulated if item.has_key_metric]

    result = Evaluation(baseline=baseline, candidate=candidate, role=role, suite=the_suite)
    t0 = time.perf_counter()
    # storage and cycle life: check-ups on an ageing cell, planned here (analytic) and simulated in the same pool
    planned = [(variant, item, plan_ageing_item(item, design))
               for item in the_suite.items if item.runnable and item.runner == "ageing"
               for variant, design in (("baseline", baseline), ("candidate", candidate))]
    checkups = [job for _, _, plan in planned if not isinstance(plan, CellbenchError) for job in plan.jobs()]
    # metrics are made as each run comes back, while the others still run; the results are then put together in
    # job order, so that the document does not depend on which run finished first
    made: dict[int, tuple[list, list]] = {}  # job index -> (its metrics, its metric failures)
    plan_of: dict[int, int] = {}  # batch index of a check-up -> position of its plan in `planned`
    records: dict[int, Any] = {}  # position in `planned` -> the ageing record or the error that stopped it
    waiting: dict[int, int] = {}  # position in `planned` -> its check-ups still running
    for position, (_, _, plan) in enumerate(planned):
        if isinstance(plan, CellbenchError):
            records[position] = plan
        elif plan.jobs():
            waiting[position] = len(plan.jobs())
            plan_of.update({len(jobs) + len(plan_of) + k: position for k in range(waiting[position])})
        else:
            records[position] = _complete(plan, [])
    total = len(jobs) + len(checkups)
    outcomes: list = [None] * total
    report = progress or (lambda done, total: None)
    report(0, total)
    # closing: the workers stop at once should anything here raise
    with closing(run_jobs(jobs, protocols, workers=workers, model=model, timeout_s=timeout_s, extra=checkups,
                          as_completed=True)) as finished:
        for done, (index, outcome) in enumerate(finished, start=1):
            outcomes[index] = outcome
            if index < len(jobs) and not isinstance(outcome, CellbenchError):
                job, failed = jobs[index], list[dict]()
                made[index] = (compute_metrics(job.item, outcome, job.design, failed, job.variant), failed)
            elif index in plan_of:
                position = plan_of[index]
                waiting[position] -= 1
                if not waiting[position]:  # the plan's last check-up: its figures
                    measured = [outcomes[i] for i, p in sorted(plan_of.items()) if p == position]
                    stopped = next((m for m in measured if isinstance(m, CellbenchError)), None)
                    records[position] = stopped or _complete(planned[position][2], measured)
            report(done, total)
    result.simulations = total
    for index, (job, outcome) in enumerate(zip(jobs, outcomes)):
        per_item = result.metrics.setdefault(job.variant, {})
        if isinstance(outcome, CellbenchError):
            result.failures.append({"variant": job.variant, "item": job.item.id, "error": str(outcome)})
            per_item[job.item.id] = [(spec, None) for spec in job.item.metrics]
            continue
        if job.variant in ("baseline", "candidate"):
            result.measurements.setdefault(job.variant, {})[job.item.id] = outcome
        per_item[job.item.id], failed = made[index]
        result.failures.extend(failed)
    for position, (variant, item, _) in enumerate(planned):
        per_item = result.metrics.setdefault(variant, {})
        record = records[position]
        if isinstance(record, NotAssessed):
            result.not_assessed.append({"variant": variant, "item": item.id, "reason": str(record)})
            per_item[item.id] = [(spec, None) for spec in item.metrics]
        elif isinstance(record, CellbenchError):
            result.failures.append({"variant": variant, "item": item.id, "error": str(record)})
            per_item[item.id] = [(spec, None) for spec in item.metrics]
        else:
            result.ageing.setdefault(variant, {})[item.id] = record
            per_item[item.id] = ageing_metrics(item, record, result.failures, variant)
    result.seconds = time.perf_counter() - t0
    if sensitivity:
        result.sensitivity = sensitivity_table(result, varied)
    return result


class NotAssessed(CellbenchError):
    """Stands for cellbench.durability.interphase.NotAssessed, imported lazily (see run_ageing_item)."""


def plan_ageing_item(item: SuiteItem, design: CellDesign):
    """The item's check-up plan (:class:`cellbench.durability.evaluation_items.ItemPlan`), or the error that
    stops it: NotAssessed when the materials lack the data, another CellbenchError otherwise."""
    from cellbench.durability import interphase
    from cellbench.durability.evaluation_items import PLANNERS

    try:
        return PLANNERS[item.test](design, item.conditions)
    except interphase.NotAssessed as exc:
        return NotAssessed(str(exc))
    except CellbenchError as exc:
        return exc


def _complete(plan, measured: list):
    try:
        return plan.complete(measured)
    except CellbenchError as exc:
        return exc


def run_ageing_item(item: SuiteItem, design: CellDesign) -> dict:
    """An ageing item planned and simulated here, one check-up after the other (raises what stops it)."""
    plan = plan_ageing_item(item, design)
    if isinstance(plan, CellbenchError):
        raise plan
    return plan.run()


def ageing_metrics(item: SuiteItem, record: dict, failures: list, variant: str) -> list:
    """Metrics of an ageing item: `args.key` names the runner's figure (a fraction), reported in %."""
    from cellbench.analysis.metrics import MetricValue
    from cellbench.evaluation.suite import RUNNER_METRICS

    out = []
    for spec in item.metrics:
        key = spec.args.get("key", spec.fn)
        if key not in record["metrics"]:
            failures.append({"variant": variant, "item": item.id, "metric": spec.fn,
                             "error": f"the ageing runner reports no '{key}'; it reports {', '.join(record['metrics'])}"})
            out.append((spec, None))
            continue
        out.append((spec, MetricValue(spec.fn, 100.0 * float(record["metrics"][key]), RUNNER_METRICS[spec.fn],
                                      {"days": record.get("days"), **spec.conditions})))
    return out


def compute_metrics(item: SuiteItem, measurement, design: CellDesign, failures: list, variant: str) -> list:
    capacity_Ah = design.rated_capacity_mAh() / 1000.0   # the simulator's C-rate basis (one rule for both)
    out = []
    for spec in item.metrics:
        kwargs = dict(spec.args)
        if spec.wants_capacity():
            kwargs["capacity_Ah"] = capacity_Ah
        try:
            out.append((spec, spec.function(measurement, **kwargs)))
        except CellbenchError as exc:
            failures.append({"variant": variant, "item": item.id, "metric": spec.fn, "error": str(exc)})
            out.append((spec, None))
    return out


def run_jobs(jobs: list[Job], protocols: dict, *, workers: int, model: str, timeout_s: float, progress=None,
             extra: Sequence[tuple] = (), as_completed: bool = False):
    """Simulate every job, then every `extra` (cell, protocol, options) job, on the virtual cycler (parallel
    processes); results in that order, failures as CellbenchError objects. With `as_completed`, an iterator of
    (index, result) in the order the runs finish instead (:func:`cellbench.simulate.batch.simulate_as_completed`).

    One call for all jobs: the simulator forks its workers once, and its workers never touch Polars (whose
    thread pool does not survive a fork); Measurements are made here.
    """
    from cellbench.simulate.batch import simulate_as_completed, simulate_many

    batch = [(job.design, protocols[job.item.id], {"temperature_C": job.item.temperature_C, "model": model,
                                                    "thermal": job.item.thermal}) for job in jobs]
    if as_completed:
        return simulate_as_completed(batch + list(extra), workers=workers, timeout_s=timeout_s)
    return simulate_many(batch + list(extra), workers=workers, timeout_s=timeout_s, progress=progress)


def metric_key(item_id: str, spec: MetricSpec) -> str:
    return f"{item_id}:{spec.fn}" + (f"[{spec.label}]" if spec.label else "")


def sensitivity_table(result: Evaluation, varied: list[tuple[str, str, str, float]]) -> list[dict]:
    """Effect of each ±step on every metric of the items that were varied (those with a key metric), relative to
    the candidate: the improvement directions and the parameter bands of the verdicts come from it."""
    rows = []
    cand = result.metrics.get("candidate", {})
    for label, prop, target, step in varied:
        for item_id, pairs in result.metrics.get(label, {}).items():
            for (spec, value), (_, ref) in zip(pairs, cand.get(item_id, [])):
                if value is None or ref is None:
                    continue
                effect = change_pct(ref.value, value.value)
                rows.append({"property": prop, "target": target, "step_pct": step, "item": item_id,
                             "metric": spec.fn, "label": spec.label, "key": spec.key, "unit": value.unit,
                             "candidate": ref.value,
                             "varied": value.value, "effect_pct": effect,
                             "verdict": verdict(spec.fn, effect, band_pct=numerical_band_pct(spec.fn))})
    return rows
