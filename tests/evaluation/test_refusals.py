"""Bad evaluation requests are refused before any simulation, with a message that says what is wrong."""

import pytest
import yaml

from cellbench import evaluation
from cellbench.errors import InputError, NotFound


def fail_if_simulated(*args, **kwargs):
    raise AssertionError("no simulation may run for a refused evaluation")


@pytest.fixture(autouse=True)
def no_simulation(monkeypatch):
    monkeypatch.setattr("cellbench.evaluation.run.run_jobs", fail_if_simulated)


def test_cathode_offered_as_solid_electrolyte():
    with pytest.raises(InputError, match="is a cathode_active and cannot take the role solid_electrolyte"):
        evaluation.evaluate("std-2.1", "ncm523", role="solid_electrolyte")


def test_missing_property_the_simulator_needs(tmp_path):
    record = {"id": "bare-ncm", "name": "NCM without kinetics", "role": "cathode_active", "kind": "layered_oxide",
              "density_g_cm3": 4.7, "specific_capacity_mAh_g": 190, "voltage_min_V": 2.5, "voltage_max_V": 4.3,
              "ocp": {"stoichiometry": [0.2, 0.5, 0.9], "potential_V": [4.3, 3.8, 3.5]},
              "stoichiometry_at_0_soc": 0.9, "stoichiometry_at_100_soc": 0.25, "sources": {"default": "test"}}
    path = tmp_path / "bare.yaml"
    path.write_text(yaml.safe_dump(record))
    with pytest.raises(InputError, match="lacks diffusivity_cm2_s, particle_size_d50_um, exchange_current_density_mA_cm2"):
        evaluation.evaluate("std-2.1", str(path))


def test_unknown_suite():
    with pytest.raises(NotFound, match="unknown suite 'iec-nope'"):
        evaluation.evaluate("std-2.1", "lgps", suite="iec-nope")


def test_bad_protocol_in_a_user_suite(tmp_path):
    suite = {"id": "mine", "version": "1", "name": "mine", "items": [
        {"id": "x", "test": "capacity", "protocol": "Discharge at lots until 2.5 V", "metrics": [{"fn": "discharge_capacity"}]}]}
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump(suite))
    with pytest.raises(InputError, match="item 'x'"):
        evaluation.evaluate("std-2.1", "lgps", suite=str(path))


def test_unknown_metric_in_a_user_suite(tmp_path):
    suite = {"id": "mine", "version": "1", "name": "mine", "items": [
        {"id": "x", "test": "capacity", "protocol": "Discharge at 1C until 2.5 V", "metrics": [{"fn": "vibes"}]}]}
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump(suite))
    with pytest.raises(InputError, match="unknown metric 'vibes'"):
        evaluation.load_suite(str(path))


def test_default_suite_runs_storage_and_cycle_life_on_the_ageing_model():
    suite = evaluation.load_suite()
    ageing = {i.id: i.test for i in suite.items if i.runner == "ageing"}
    assert ageing == {"storage-45C": "storage", "cycle-life-45C": "cycle life"}
    assert all(i.runnable for i in suite.items)
    assert all(item.id in suite.protocols() for item in suite.items if item.runner == "protocol")


def test_ageing_runner_only_for_storage_and_cycle_life(tmp_path):
    suite = {"id": "mine", "version": "1", "name": "mine", "items": [
        {"id": "x", "test": "capacity", "runner": "ageing", "metrics": [{"fn": "capacity_retention"}]}]}
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump(suite))
    with pytest.raises(InputError, match="the ageing runner runs 'storage' or 'cycle life' tests, not 'capacity'"):
        evaluation.load_suite(str(path))


def test_plans_cover_every_material_type():
    plans = evaluation.evaluation_plans()["plans"]
    assert {"cathode_active", "anode_active", "solid_electrolyte", "binder", "coating"} <= set(plans)
    assert all(entry["samples"] >= 1 for plan in plans.values() for entry in plan["in_cell"])
