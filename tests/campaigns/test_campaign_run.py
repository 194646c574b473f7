"""Campaigns run to their budget, keep studies beside the store's tables, record failures and go on."""

from __future__ import annotations

import optuna
import pytest

from cellbench.campaigns import CampaignSpec
from cellbench.store.campaigns import resume_campaign, run_campaign, show
from cellbench.campaigns.evaluation import evaluate_trial
from cellbench.store import Store

from conftest import design_only_spec


def test_design_only_campaign_runs_to_budget_and_front_is_nondominated(store_env):
    spec = CampaignSpec.model_validate(design_only_spec())
    summary = run_campaign(spec, workers=0)
    assert summary.finished == 8 and summary.ran_now == 8
    data = show(summary.campaign_id)
    assert data["finished"] == 8 and sum(data["by_status"].values()) == 8
    front = data["pareto_front"]
    assert front, "a design-only campaign always has feasible designs (N/P of std-1 is 1.15 before thickening)"
    complete = [r for r in data["trials"] if r["status"] == "complete"]
    for r in front:
        a = r["values"]
        # nothing complete is at least as good in both objectives and better in one
        assert not any(o["values"]["wh_per_l_stack"] >= a["wh_per_l_stack"]
                       and o["values"]["cathode_areal_capacity_mAh_cm2"] <= a["cathode_areal_capacity_mAh_cm2"]
                       and o["values"] != a for o in complete)
    # the infeasible ones are there too, with their reason
    for r in data["trials"]:
        if r["status"] == "infeasible":
            assert r["error"].startswith("violates np_ratio >= 1.1")
        assert r["provenance"]["base_cell"] == "std-1" and r["provenance"]["cellbench_version"]


def test_study_lives_in_the_store_database_and_the_store_still_opens(store_env, tmp_path):
    summary = run_campaign(CampaignSpec.model_validate(design_only_spec(budget=2)), workers=0)
    names = [s.study_name for s in optuna.get_all_study_summaries(store_env)] if False else None
    from cellbench.store.campaigns import storage

    assert summary.campaign_id in {s.study_name for s in storage().get_all_studies()}
    # Optuna's tables sit beside the store's, and the store's migrations still own alembic_version
    with Store.open() as store:
        assert store.tests() == []
        from cellbench.store.migrate import current_revision, head_revision

        assert current_revision(store.engine) == head_revision()


def test_resume_with_a_larger_budget_continues_the_same_study(store_env):
    first = run_campaign(CampaignSpec.model_validate(design_only_spec(budget=3)), workers=0)
    again = resume_campaign(first.campaign_id, budget=5, workers=0)
    assert again.campaign_id == first.campaign_id
    assert again.ran_now == 2 and again.finished == 5
    numbers = [r["number"] for r in show(first.campaign_id)["trials"]]
    assert numbers == list(range(5))


def test_second_campaign_from_the_same_file_gets_a_new_id(store_env):
    spec = CampaignSpec.model_validate(design_only_spec(budget=1))
    assert run_campaign(spec, workers=0).campaign_id == "design-only-1"
    assert run_campaign(spec, workers=0).campaign_id == "design-only-2"
    assert show()["campaign_id"] == "design-only-2"  # no id: the newest


@pytest.mark.slow
def test_failed_simulation_is_recorded_and_the_campaign_goes_on(store_env):
    # a time limit no solve can meet: every simulation fails, and the campaign still finishes its budget
    spec = CampaignSpec.model_validate(design_only_spec(
        budget=2, model="spm", thermal="isothermal", time_limit_s=1e-6, constraints=[],
        protocol="Set SOC to 0%; Charge at 6C until Vmax; Rest for 1 minute",
        objectives=[{"metric": "fast_charge_time_to_80_s", "direction": "minimize"}]))
    summary = run_campaign(spec, workers=0)
    data = show(summary.campaign_id)
    assert data["by_status"] == {"failed": 2} and data["pareto_front"] == []
    assert all("time limit" in r["error"] for r in data["trials"])


def test_evaluate_trial_reports_a_bad_design_as_failed_not_raised():
    spec = CampaignSpec.model_validate(design_only_spec())
    # 0.99 SE leaves no room for the active material: the design is invalid, the trial says why
    result = evaluate_trial(spec.model_dump(mode="json"), {"cathode_solid_electrolyte_fraction": 1.0})
    assert result["status"] == "failed" and "invalid design" in result["error"]
