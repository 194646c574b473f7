"""A short suite run end to end: physical sense of the verdicts, the results.json schema, the report's sections."""

import json

import pytest
import yaml

from cellbench import evaluation

SHORT_SUITE = {
    "id": "short", "version": "1", "name": "high-rate items only",
    "items": [
        {"id": "capacity-5C-25C", "test": "capacity", "conditions": {"rate_C": 5}, "temperature_C": 25,
         "protocol": "Set SOC to 100%; Discharge at 5C until Vmin",
         "metrics": [{"fn": "discharge_capacity"}, {"fn": "discharge_energy"}]},
        {"id": "fast-charge-6C", "test": "fast charge", "conditions": {"rate_C": 6}, "temperature_C": 25,
         "protocol": "Set SOC to 0%; Charge at 6C until Vmax; Hold at Vmax for 20 minutes or until C/20",
         "metrics": [{"fn": "charged_fraction", "label": "in 10 min", "args": {"within_s": 600}, "key": True},
                     {"fn": "charge_time_to", "args": {"fraction": 0.8}}]},
        {"id": "cycle-life-45C", "test": "cycle life", "runner": "ageing", "conditions": {"temperature_C": 45, "days": 14},
         "metrics": [{"fn": "capacity_retention", "args": {"key": "capacity_retention"}},
                     {"fn": "resistance_growth", "args": {"key": "resistance_growth"}}]},
        {"id": "vibration", "test": "vibration", "needs": "a mechanical model"},
    ],
}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval")
    suite = out / "suite.yaml"
    suite.write_text(yaml.safe_dump(SHORT_SUITE))
    ev = evaluation.evaluate("std-2.1", "lgps", suite=str(suite), sensitivity=True)
    return ev, evaluation.write(ev, out / "report")


@pytest.mark.slow
def test_higher_conductivity_electrolyte_is_never_worse_at_high_rate_but_ages_faster(evaluated):
    ev, paths = evaluated
    doc = json.loads(paths["results"].read_text())
    assert not doc["failures"]
    rate = {r["metric"]: r for r in doc["metrics"] if r["item"] in ("capacity-5C-25C", "fast-charge-6C")}
    assert rate["discharge_energy"]["verdict"] == "better" and rate["charge_time_to"]["verdict"] == "better"
    # less ohmic heat means a slightly cooler cell whose NCM diffuses a little slower: the 5C capacity may move by
    # a tenth of a per cent either way, never by a material amount
    assert abs(rate["discharge_capacity"]["change_pct"]) < 0.5
    # LGPS (12 mS/cm) against Li6PS5Cl (2.5 mS/cm): the 6C charge takes more in 10 minutes
    fast = rate["charged_fraction"]
    assert fast["candidate"] > fast["baseline"]
    # but graphite reduces LGPS to a mixed-conducting interphase that keeps growing: cycle life is worse
    retention = next(r for r in doc["metrics"] if r["metric"] == "capacity_retention")
    assert retention["verdict"] == "worse"


@pytest.mark.slow
def test_results_schema_and_report_sections(evaluated):
    ev, paths = evaluated
    doc = json.loads(paths["results"].read_text())
    for r in doc["metrics"]:
        assert {"name", "unit", "conditions", "baseline", "candidate", "change_pct", "verdict"} <= set(r)
        assert r["verdict"] in ("better", "worse", "same", "n/a", "not assessed")
        assert r["effect"] in ("material", "design") and r["band"]["total_pct"] > 0
    # the document is the typed result's serialisation, and the published schema is that model's
    from cellbench.evaluation.result import EvaluationResult

    assert EvaluationResult.model_validate(doc).metrics[0].name == doc["metrics"][0]["name"]
    assert doc["schema"] == "cellbench.evaluation/2"
    assert doc["not_run"] == [{"item": "vibration", "test": "vibration", "conditions": {}, "needs": "a mechanical model"}]
    retention = next(r for r in doc["metrics"] if r["metric"] == "capacity_retention")
    assert retention["unit"] == "%" and 80 < retention["baseline"] < 100
    assert doc["ageing"]["baseline"]["cycle-life-45C"]["rows"]
    assert doc["sensitivity"] and doc["improvement_directions"]
    assert doc["provenance"]["baseline_design_hash"] != doc["provenance"]["candidate_design_hash"]
    html = paths["report"].read_text()
    for section in ('id="summary"', 'id="directions"', 'id="metrics"', 'id="fig-discharge"', 'id="fig-ragone"',
                    'id="fig-pulse"', 'id="fig-sensitivity"', 'id="not-run"', 'id="provenance"'):
        assert section in html
    # works offline: plotly.js is inline (megabytes), no script is fetched from the network
    assert len(html) > 1_000_000 and '<script src="http' not in html
    assert (paths["results"].parent / "measurements" / "candidate" / "capacity-5C-25C.parquet").exists()


@pytest.mark.slow
def test_safety_records_appear_in_results_and_report(evaluated, tmp_path):
    import copy

    from cellbench.safety import EXAMPLES_DIR, section_from_record_files

    ev, _ = evaluated
    failing = tmp_path / "heating.yaml"
    failing.write_text(yaml.safe_dump({"test": "heating", "sample": "<cell 3>", "observations": {"fire": True,
                                                                                                 "explosion": False}}))
    with_safety = copy.copy(ev)
    with_safety.safety = section_from_record_files([EXAMPLES_DIR / "records" / "record_ni_nail_assb.yaml", failing])
    paths = evaluation.write(with_safety, tmp_path / "report")
    doc = json.loads(paths["results"].read_text())
    assert [(r["test"], r["status"]) for r in doc["safety"]["records"]] == [("ni_nail", "pass"), ("heating", "fail")]
    html = paths["report"].read_text()
    safety_html = html[html.index("id='safety'"):html.index('id="not-run"')]
    assert "ni_nail v1" in safety_html and "&lt;cell 3&gt;" in safety_html and "violates" in safety_html
    # an evaluation without records says so rather than leaving the section out
    plain = json.loads((evaluated[1]["results"]).read_text())
    assert plain["safety"] == {"records": [], "arc": []}


@pytest.mark.slow
def test_the_results_do_not_depend_on_which_run_finished_first(evaluated, tmp_path):
    """Metrics are made as the workers' runs come back, in whatever order they finish; one process runs them in
    job order. Both give the same metrics, failures, ageing records and sensitivity rows, in the same order."""
    ev, _ = evaluated
    suite = tmp_path / "suite.yaml"
    suite.write_text(yaml.safe_dump(SHORT_SUITE))
    serial = evaluation.evaluate("std-2.1", "lgps", suite=str(suite), sensitivity=True, workers=1)
    values = lambda e: {variant: {item: [(spec.key, spec.fn, None if v is None else v.value) for spec, v in pairs]
                                  for item, pairs in items.items()} for variant, items in e.metrics.items()}
    order = lambda e: [(variant, list(items)) for variant, items in e.metrics.items()]
    assert order(serial) == order(ev)  # the same variants and items in the same order (the document's rows)
    assert values(serial) == values(ev)
    assert serial.failures == ev.failures and serial.not_assessed == ev.not_assessed
    assert [r["varied"] for r in serial.sensitivity] == [r["varied"] for r in ev.sensitivity]
    assert serial.ageing == ev.ageing
