"""The safety test catalogue against the SOLiD-EV safety table (solid-ev-evaluation.md section 5)."""

from __future__ import annotations

import pytest

from cellbench.errors import InputError, NotFound
from cellbench.safety import EXAMPLES_DIR, SafetyTestDefinition, load_catalogue, load_definition

SEVERE = ["leakage", "venting", "fire", "rupture", "explosion"]


def test_catalogue_holds_the_ten_tests_of_the_table():
    ids = load_catalogue().ids()
    assert ids == sorted(["forced_discharge", "vibration", "shock", "temperature_cycling", "external_short",
                          "overcharge", "crush", "heating", "forced_internal_short", "ni_nail"])


@pytest.mark.parametrize("test_id, needed", [
    ("forced_discharge", SEVERE), ("vibration", SEVERE), ("shock", SEVERE), ("temperature_cycling", SEVERE),
    ("external_short", ["fire", "explosion"]), ("overcharge", ["fire", "explosion"]),
    ("crush", ["fire", "explosion"]), ("heating", ["fire", "explosion"]),
    ("forced_internal_short", ["fire", "explosion"]), ("ni_nail", ["fire", "explosion"]),
])
def test_pass_criteria_name_the_observations_of_the_table(test_id, needed):
    assert load_catalogue().get(test_id).observations_needed() == needed


def test_conditions_match_the_table():
    catalogue = load_catalogue()
    assert catalogue.get("vibration").conditions == {"profile": "random", "frequency_min_Hz": 5,
                                                     "frequency_max_Hz": 2000, "duration_per_axis_h": 8, "axes": 3}
    assert catalogue.get("shock").conditions["peak_acceleration_m_s2"] == 500
    assert catalogue.get("temperature_cycling").conditions["cycles"] == 30
    assert catalogue.get("external_short").conditions["external_resistance_max_mOhm"] == 5
    assert catalogue.get("heating").conditions == {"initial_soc_percent": 100, "oven_temperature_C": 130,
                                                   "hold_min": 30}
    assert catalogue.get("ni_nail").conditions["nail_diameter_mm"] == 3
    assert catalogue.get("ni_nail").conditions["jig_hole_diameter_mm"] == 3.5


def test_fisc_is_replaced_by_the_ni_nail_test_for_all_solid_state_cells():
    catalogue = load_catalogue()
    fisc = catalogue.get("forced_internal_short")
    assert fisc.applies_to("liquid") and not fisc.applies_to("all_solid_state")
    assert fisc.applicability.all_solid_state.replaced_by == "ni_nail"
    assb = [d.id for d in catalogue.applicable("all_solid_state")]
    liquid = [d.id for d in catalogue.applicable("liquid")]
    assert "ni_nail" in assb and "forced_internal_short" not in assb
    assert "forced_internal_short" in liquid and "ni_nail" not in liquid
    assert len(assb) == len(liquid) == 9


def test_user_definition_unr100_example_loads_beside_the_builtins():
    catalogue = load_catalogue([EXAMPLES_DIR])
    laser = catalogue.get("unr100_laser_internal_short")
    assert len(laser.pass_criteria) == 2
    assert laser.pass_criteria[1].all_of[1].at_least == 5
    assert len(catalogue.ids()) == 11


def test_a_new_version_is_kept_and_becomes_the_default(tmp_path):
    base = load_catalogue().get("heating").model_dump()
    newer = base | {"version": 2, "conditions": base["conditions"] | {"hold_min": 60}}
    path = tmp_path / "heating_v2.yaml"
    import yaml
    path.write_text(yaml.safe_dump(newer))
    catalogue = load_catalogue([path])
    assert catalogue.versions("heating") == [1, 2]
    assert catalogue.get("heating").conditions["hold_min"] == 60
    assert catalogue.get("heating", 1).conditions["hold_min"] == 30
    with pytest.raises(NotFound, match="no version 3"):
        catalogue.get("heating", 3)


def test_same_id_and_version_with_different_content_is_refused(tmp_path):
    import yaml
    changed = load_catalogue().get("heating").model_dump()
    changed["conditions"]["hold_min"] = 45
    path = tmp_path / "heating_edit.yaml"
    path.write_text(yaml.safe_dump(changed))
    with pytest.raises(InputError, match="already defined differently"):
        load_catalogue([path])


def test_a_check_without_a_condition_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\nversion: 1\nname: Bad\nstandard: x\nsource: y\n"
                    "pass_criteria:\n  - name: c\n    all_of:\n      - {observation: fire}\n"
                    "applicability: {liquid: {applies: true}, all_solid_state: {applies: true}}\n")
    with pytest.raises(InputError) as err:
        load_definition(path)
    assert "bad.yaml" in str(err.value) and "pass_criteria.0.all_of.0" in str(err.value)
    assert "needs 'equals'" in str(err.value)


def test_unknown_test_names_the_known_ones():
    with pytest.raises(NotFound, match="known tests: crush"):
        load_catalogue().get("nail_penetration")


def test_definitions_are_frozen_models():
    assert SafetyTestDefinition.model_config["frozen"] is True
