"""The evaluation's answers where physics says what they must be.

- Null test: the standard material, copied under another id and evaluated against itself in its own cell, is "same"
  on every metric of the full default suite (gen1-demo carries a calibration; std-2.1 does not).
- Lower electrolyte conductivity: worse at high rate. A narrower stability window: worse in storage. A material
  without the data a mechanism needs: "not assessed", never "same".
"""

import json

import pytest
import yaml

from cellbench import cells, evaluation


def _material_variant(tmp_path, base_id, new_id, **changes):
    record = cells.load("std-2.1").material(base_id).model_dump()
    record.update(id=new_id, **changes)
    path = tmp_path / f"{new_id}.yaml"
    path.write_text(yaml.safe_dump(record))
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("cell", ["gen1-demo", "std-2.1"])
def test_a_copy_of_the_standard_material_is_the_same_on_every_metric(cell, tmp_path):
    copy = _material_variant(tmp_path, "argyrodite-li6ps5cl", "argyrodite-copy")
    ev = evaluation.evaluate(cell, copy)
    doc = evaluation.results_document(ev)
    assert not doc["failures"] and not doc["not_assessed"]
    rows = doc["metrics"]
    assert len(rows) >= 35
    assert {r["verdict"] for r in rows} == {"same"}, [(r["item"], r["name"], r["change_pct"]) for r in rows
                                                      if r["verdict"] != "same"]
    assert all(r["change_pct"] == 0.0 for r in rows)
    assert not doc["merits"] and not doc["demerits"] and not doc["design_effects"]
    if cell == "gen1-demo":   # its calibration applied to both, and the copy does not question it
        assert doc["calibration"]["cell"] == "gen1-demo" and not doc["calibration"]["questionable"]


SHORT_SUITE = {
    "id": "physics", "version": "1", "name": "rate and storage items",
    "items": [
        {"id": "capacity-5C-25C", "test": "capacity", "conditions": {"rate_C": 5}, "temperature_C": 25,
         "protocol": "Set SOC to 100%; Discharge at 5C until Vmin",
         "metrics": [{"fn": "discharge_energy"}]},
        {"id": "power-25C", "test": "power", "conditions": {"rate_C": 2}, "temperature_C": 25,
         "protocol": "Set SOC to 50%; Rest for 10 s; Discharge at 2C for 10 s",
         "metrics": [{"fn": "pulse_resistance", "key": True}]},
        {"id": "storage-45C", "test": "storage", "runner": "ageing",
         "conditions": {"temperature_C": 45, "soc_pct": [100], "days": 28},
         "metrics": [{"fn": "capacity_retention", "args": {"key": "capacity_retention_soc100"}},
                     {"fn": "resistance_growth", "args": {"key": "resistance_growth_soc100"}}]},
    ],
}


@pytest.fixture(scope="module")
def short_suite(tmp_path_factory):
    path = tmp_path_factory.mktemp("suite") / "physics.yaml"
    path.write_text(yaml.safe_dump(SHORT_SUITE))
    return str(path)


def _verdicts(doc):
    return {(r["item"], r["metric"]): r["verdict"] for r in doc["metrics"] if r["item"] != "design"}


@pytest.mark.slow
def test_a_less_conductive_electrolyte_is_worse_at_high_rate(tmp_path, short_suite):
    slow = _material_variant(tmp_path, "argyrodite-li6ps5cl", "argyrodite-slow",
                             ionic_conductivity_S_cm=0.0025 / 4)
    doc = evaluation.results_document(evaluation.evaluate("std-2.1", slow, suite=short_suite, sensitivity=False))
    v = _verdicts(doc)
    assert v[("capacity-5C-25C", "discharge_energy")] == "worse"
    assert v[("power-25C", "pulse_resistance")] == "worse"
    # conductivity is no ageing datum: storage is unchanged
    assert v[("storage-45C", "capacity_retention")] == "same"


@pytest.mark.slow
def test_a_narrower_stability_window_is_worse_in_storage(tmp_path, short_suite):
    narrow = _material_variant(tmp_path, "argyrodite-li6ps5cl", "argyrodite-narrow", stability_window_V=[2.1, 2.0 + 0.2])
    doc = evaluation.results_document(evaluation.evaluate("std-2.1", narrow, suite=short_suite, sensitivity=False))
    v = _verdicts(doc)
    assert v[("storage-45C", "capacity_retention")] == "worse"
    assert v[("capacity-5C-25C", "discharge_energy")] == "same"   # the window does not act on a fresh cell


@pytest.mark.slow
def test_lgps_is_worse_in_storage_against_graphite(short_suite):
    doc = evaluation.results_document(evaluation.evaluate("std-2.1", "lgps", suite=short_suite, sensitivity=False))
    v = _verdicts(doc)
    assert v[("storage-45C", "capacity_retention")] == "worse"
    assert v[("power-25C", "pulse_resistance")] == "better"    # 12 mS/cm against 2.5 mS/cm
    interphase = {a["term"]: a for a in doc["ageing"]["candidate"]["storage-45C"]["interphase"]}
    assert interphase["lli-se-reduction"]["exponent"] == 1.0   # mixed-conducting interphase


@pytest.mark.slow
def test_a_material_without_ageing_data_is_not_assessed(tmp_path, short_suite):
    bare = _material_variant(tmp_path, "argyrodite-li6ps5cl", "argyrodite-bare", stability_window_V=None,
                             reduction_interphase=None)
    ev = evaluation.evaluate("std-2.1", bare, suite=short_suite, sensitivity=False)
    out = evaluation.write(ev, tmp_path / "out")
    doc = json.loads(out["results"].read_text())
    storage = [r for r in doc["metrics"] if r["item"] == "storage-45C"]
    assert storage and all(r["verdict"] == "not assessed" and r["candidate"] is None for r in storage)
    assert "no stability window" in storage[0]["note"]
    assert doc["not_assessed"] == [{"variant": "candidate", "item": "storage-45C",
                                    "reason": doc["not_assessed"][0]["reason"]}]
    assert "Not assessed for this material" in out["report"].read_text()


@pytest.mark.slow
def test_mass_basis_reports_the_capacity_gain_as_a_design_effect(short_suite):
    doc = evaluation.results_document(evaluation.evaluate("std-2.1", "lgps", suite=short_suite, sensitivity=False,
                                                          basis="mass"))
    capacity = next(r for r in doc["metrics"] if r["metric"] == "capacity_mAh")
    assert capacity["effect"] == "design" and capacity["change_pct"] > 2     # denser SE, same weights: more active volume
    assert any(line.startswith("design capacity") for line in doc["design_effects"])
    assert not any("design capacity" in line for line in doc["merits"])
    assert doc["substitution"]["basis"] == "mass"


@pytest.mark.slow
def test_a_cathode_that_stores_less_is_a_material_demerit_not_a_design_effect(tmp_path, short_suite):
    ncm = cells.load("std-2.1").material("ncm811")
    weaker = _material_variant(tmp_path, "ncm811", "ncm-low", specific_capacity_mAh_g=ncm.specific_capacity_mAh_g * 0.9)
    doc = evaluation.results_document(evaluation.evaluate("std-2.1", weaker, suite=short_suite, sensitivity=False))
    capacity = next(r for r in doc["metrics"] if r["metric"] == "capacity_mAh")
    assert capacity["effect"] == "material" and capacity["verdict"] == "worse"
    assert capacity["change_pct"] == pytest.approx(-10.0, abs=0.5)
    assert any(line.startswith("design capacity") for line in doc["demerits"]) and not doc["design_effects"]


def test_a_test_only_one_variant_completes_is_judged_for_the_other():
    """The candidate's run failed where the baseline's ran: the verdict is 'worse', with the reason, not 'n/a'."""
    from types import SimpleNamespace

    from cellbench.analysis.metrics import MetricValue
    from cellbench.evaluation.result import simulated_rows
    from cellbench.evaluation.suite import Suite

    suite = Suite.model_validate({"id": "s", "version": "1", "name": "s", "items": [
        {"id": "cap-5C", "test": "capacity", "protocol": "Set SOC to 100%; Discharge at 5C until Vmin",
         "metrics": [{"fn": "discharge_energy"}]}]})
    spec = suite.items[0].metrics[0]
    candidate = cells.load("std-2.1").substitute("lgps")
    ev = SimpleNamespace(candidate=candidate, suite=suite, sensitivity=[], not_assessed=[],
                         failures=[{"variant": "candidate", "item": "cap-5C", "error": "the solver failed"}],
                         metrics={"baseline": {"cap-5C": [(spec, MetricValue("discharge_energy", 1.0, "Wh", {}))]},
                                  "candidate": {"cap-5C": [(spec, None)]}})
    row = simulated_rows(ev)[0]
    assert row.verdict == "worse" and "did not complete" in row.note and "the solver failed" in row.note
