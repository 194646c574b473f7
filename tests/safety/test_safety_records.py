"""Judging safety test records: pass, fail, incomplete — never pass with an observation missing."""

from __future__ import annotations

import pytest

from cellbench.errors import InputError, NotFound
from cellbench.safety import EXAMPLES_DIR, SafetyTestRecord, judge, load_catalogue, load_record

ALL_CLEAR = {"leakage": False, "venting": False, "fire": False, "rupture": False, "explosion": False}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([EXAMPLES_DIR])


def test_all_clear_passes(catalogue):
    verdict = judge(SafetyTestRecord(test="vibration", sample="S1", observations=ALL_CLEAR), catalogue)
    assert verdict.status == "pass" and verdict.test_version == 1


def test_venting_fails_the_severe_criteria_and_says_why(catalogue):
    record = SafetyTestRecord(test="forced_discharge", sample="S1", observations=ALL_CLEAR | {"venting": True})
    verdict = judge(record, catalogue)
    assert verdict.status == "fail"
    assert "venting: yes (violates venting = no)" in verdict.reasons[0]


def test_venting_is_allowed_where_only_fire_and_explosion_count(catalogue):
    record = SafetyTestRecord(test="overcharge", sample="S1",
                              observations={"venting": True, "fire": False, "explosion": False})
    verdict = judge(record, catalogue)
    assert verdict.status == "pass"
    assert any("not used by any criterion: venting" in w for w in verdict.warnings)


def test_a_missing_observation_is_never_a_pass(catalogue):
    record = SafetyTestRecord(test="heating", sample="S1", observations={"fire": False})
    verdict = judge(record, catalogue)
    assert verdict.status == "incomplete"
    assert "missing observation 'explosion'" in verdict.reasons[0]


def test_a_known_failure_is_a_fail_even_with_observations_missing(catalogue):
    record = SafetyTestRecord(test="heating", sample="S1", observations={"fire": True})
    assert judge(record, catalogue).status == "fail"


@pytest.mark.parametrize("observations, status", [
    ({"abnormal_heat": False}, "pass"),
    ({"abnormal_heat": True, "warning_issued": True, "minutes_from_warning_to_cabin_hazard": 7.5}, "pass"),
    ({"abnormal_heat": True, "warning_issued": True, "minutes_from_warning_to_cabin_hazard": 4.0}, "fail"),
    ({"abnormal_heat": True, "warning_issued": False}, "fail"),
    ({"abnormal_heat": True, "warning_issued": True}, "incomplete"),
    ({}, "incomplete"),
])
def test_unr100_laser_short_alternatives(catalogue, observations, status):
    record = SafetyTestRecord(test="unr100_laser_internal_short", sample="EV-1", observations=observations)
    assert judge(record, catalogue).status == status


def test_numbers_stay_numbers_and_booleans_stay_booleans(catalogue):
    record = SafetyTestRecord(test="unr100_laser_internal_short", sample="EV-1",
                              observations={"abnormal_heat": True, "warning_issued": True,
                                            "minutes_from_warning_to_cabin_hazard": 1})
    assert record.observations["minutes_from_warning_to_cabin_hazard"] == 1.0
    assert record.observations["minutes_from_warning_to_cabin_hazard"] is not True
    assert judge(record, catalogue).status == "fail"


def test_a_number_where_yes_no_is_needed_cannot_pass(catalogue):
    record = SafetyTestRecord(test="heating", sample="S1", observations={"fire": 0.0, "explosion": False})
    verdict = judge(record, catalogue)
    assert verdict.status == "incomplete"
    assert "must be yes/no" in verdict.reasons[0]


def test_fisc_on_an_all_solid_state_cell_warns_and_points_to_ni_nail(catalogue):
    record = SafetyTestRecord(test="forced_internal_short", sample="A1", cell_kind="all_solid_state",
                              observations={"fire": False, "explosion": False})
    verdict = judge(record, catalogue)
    assert any("use 'ni_nail'" in w for w in verdict.warnings)


def test_record_pinned_to_a_missing_version(catalogue):
    with pytest.raises(NotFound, match="no version 7"):
        judge(SafetyTestRecord(test="heating", test_version=7, sample="S1", observations={}), catalogue)


def test_record_yaml_round_trip_and_field_errors(tmp_path):
    good = tmp_path / "rec.yaml"
    good.write_text("test: ni_nail\nsample: ASSB-std-001\ncell_kind: all_solid_state\ndate: 2024-03-01\n"
                    "observations: {fire: false, explosion: false}\n"
                    "traces:\n  - {path: nail_temperature.csv, quantity: surface temperature}\n")
    record = load_record(good)
    assert record.traces[0].quantity == "surface temperature"
    assert judge(record, load_catalogue()).status == "pass"
    bad = tmp_path / "bad.yaml"
    bad.write_text("test: ni_nail\nobservations: {fire: false}\n")
    with pytest.raises(InputError, match=r"bad\.yaml.*field 'sample'"):
        load_record(bad)


def test_report_section_lists_each_verdict_escaped(catalogue):
    from cellbench.safety import safety_section, safety_section_html

    verdicts = [judge(SafetyTestRecord(test="heating", sample="<A1>", observations={"fire": True}), catalogue),
                judge(SafetyTestRecord(test="vibration", sample="A2", observations=ALL_CLEAR), catalogue)]
    section = safety_section(verdicts)
    assert [r["status"] for r in section["records"]] == ["fail", "pass"]
    page = safety_section_html(section)
    assert "&lt;A1&gt;" in page and "<A1>" not in page and page.count("<tr>") == 3
