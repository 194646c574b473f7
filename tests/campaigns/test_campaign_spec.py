"""Bad campaign documents are refused before any work starts, naming the field."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from cellbench.campaigns import CampaignSpec, load_campaign
from cellbench.errors import InputError

from conftest import design_only_spec


def check(**update):
    return CampaignSpec.model_validate(design_only_spec(**update)).check()


def test_unknown_parameter_is_refused_with_its_name():
    with pytest.raises(InputError, match=r"parameters\.cathode_colour.*unknown parameter 'cathode_colour'"):
        check(parameters={"cathode_colour": {"low": 1, "high": 2}})


def test_empty_bounds_are_refused():
    with pytest.raises(InputError, match=r"parameters\.separator_thickness_um.*empty bounds \[50, 50\]"):
        check(parameters={"separator_thickness_um": {"low": 50, "high": 50}})


def test_bounds_outside_the_literature_range_are_refused():
    # 5 um SE layers have not been made; the data file's range starts at 20 um
    with pytest.raises(InputError, match=r"leave the literature range \[20, 200\]"):
        check(parameters={"separator_thickness_um": {"low": 5, "high": 100}})


def test_objective_the_evaluation_cannot_compute_is_refused():
    with pytest.raises(InputError, match=r"objectives\.0\.metric.*cannot compute 'range_km'"):
        check(objectives=[{"metric": "range_km", "direction": "maximize"}])


def test_two_parameters_that_set_the_anode_thickness_are_refused():
    with pytest.raises(InputError, match="both set the anode thickness"):
        check(parameters={"np_ratio": {"low": 1.1, "high": 1.3}, "anode_thickness_um": {"low": 40, "high": 90}})


def test_constraint_without_limits_is_refused():
    with pytest.raises(InputError, match=r"constraints\.0.*needs 'min' or 'max'"):
        check(constraints=[{"metric": "np_ratio"}])


def test_file_error_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(design_only_spec(objectives=[{"metric": "nope", "direction": "maximize"}])))
    with pytest.raises(InputError, match=r"bad\.yaml.*objectives\.0\.metric"):
        load_campaign(path)


def test_cli_refuses_before_creating_a_study(tmp_path, store_env):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(design_only_spec(parameters={"separator_thickness_um": {"low": 90, "high": 40}})))
    result = subprocess.run([sys.executable, "-m", "cellbench.cli", "campaign", "run", str(path), "--workers", "0"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "bad.yaml, parameters.separator_thickness_um: empty bounds [90, 40]" in result.stderr
    assert "Traceback" not in result.stderr
    from cellbench.store.campaigns import show
    from cellbench.errors import NotFound

    with pytest.raises(NotFound, match="no campaign in this database"):
        show()


def test_example_campaigns_pass_the_checks():
    from pathlib import Path

    examples = sorted((Path(__file__).resolve().parents[2] / "examples" / "campaigns").glob("*.yaml"))
    assert len(examples) >= 2
    for path in examples:
        assert load_campaign(path).budget >= 1


def test_each_sampler_name_builds_its_optuna_sampler():
    import optuna

    from cellbench.campaigns.study import sampler_for

    expected = {"tpe": optuna.samplers.TPESampler, "nsga2": optuna.samplers.NSGAIISampler,
                "random": optuna.samplers.RandomSampler}
    for name, kind in expected.items():
        assert isinstance(sampler_for(check(sampler=name)), kind)
    with pytest.raises(ValueError):
        check(sampler="annealing")
