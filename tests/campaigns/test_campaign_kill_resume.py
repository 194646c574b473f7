"""A killed campaign resumes without losing or duplicating trials."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import yaml
from optuna.trial import TrialState

from cellbench.campaigns import CampaignSpec
from cellbench.campaigns.run import _suggest
from cellbench.campaigns.study import recover_interrupted
from cellbench.store.campaigns import new_study, open_study, resume_campaign, show

from conftest import design_only_spec


def test_trials_left_running_are_requeued_once_and_rerun(store_env):
    spec = CampaignSpec.model_validate(design_only_spec(budget=4))
    study = new_study(spec)
    # a run that died: trial 0 finished, trial 1 was asked (RUNNING) when the process vanished
    from cellbench.campaigns.evaluation import evaluate_trial
    from cellbench.campaigns.study import record_result

    t0 = study.ask()
    record_result(study, t0, spec, evaluate_trial(spec.model_dump(mode="json"), _suggest(t0, spec)))
    t1 = study.ask()
    lost_params = _suggest(t1, spec)
    del t1

    study, _ = open_study(study.study_name)
    assert recover_interrupted(study) == [1]
    assert recover_interrupted(study) == []  # idempotent: a second recovery queues nothing more
    summary = resume_campaign(study.study_name, workers=0)
    assert summary.recovered == [] and summary.finished == 4
    rows = show(study.study_name)["trials"]
    assert [r["status"] for r in rows].count("interrupted") == 1
    retries = [r for r in rows if r["retry_of"] == 1]
    assert len(retries) == 1 and retries[0]["params"] == lost_params
    assert rows[0]["status"] in ("complete", "infeasible") and rows[0]["number"] == 0
    assert sum(r["status"] in ("complete", "infeasible", "failed") for r in rows) == 4


@pytest.mark.slow
def test_sigkill_during_a_simulation_then_resume(store_env, tmp_path):
    # three trials: the kill must land while a later trial runs, and each trial takes only a second or two
    spec = design_only_spec(name="killed", budget=3, model="spm", thermal="isothermal", constraints=[],
                            protocol="Set SOC to 0%; Charge at 6C until Vmax",
                            objectives=[{"metric": "wh_per_l_stack", "direction": "maximize"},
                                        {"metric": "fast_charge_time_to_80_s", "direction": "minimize"}])
    path = tmp_path / "killed.yaml"
    path.write_text(yaml.safe_dump(spec))
    # stderr to a file, not a pipe nobody reads: a chatty child would block on a full pipe and never progress
    log = (tmp_path / "child.stderr").open("w")
    child = subprocess.Popen([sys.executable, "-m", "cellbench.cli", "campaign", "run", str(path), "--workers", "0"],
                             stdout=subprocess.DEVNULL, stderr=log, env=dict(os.environ))
    try:
        study = None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            time.sleep(0.1)
            if child.poll() is not None:
                pytest.fail(f"the campaign exited early ({child.returncode}): "
                            f"{(tmp_path / 'child.stderr').read_text()[-2000:]}")
            if study is None:  # opened once it exists; get_trials then reads the storage afresh on every poll
                try:
                    study, _ = open_study("killed-1")
                except Exception:
                    continue
            states = [t.state for t in study.get_trials(deepcopy=False)]
            if states.count(TrialState.COMPLETE) >= 1 and TrialState.RUNNING in states:
                break
        else:
            pytest.fail("the campaign did not reach its second trial; its stderr ends: "
                        f"{(tmp_path / 'child.stderr').read_text()[-2000:]}")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        log.close()
    before = {t.number: (t.state, t.params) for t in study.get_trials(deepcopy=False)}
    done_before = {n for n, (s, _) in before.items() if s == TrialState.COMPLETE}
    running = [n for n, (s, _) in before.items() if s == TrialState.RUNNING]
    assert len(running) == 1

    summary = resume_campaign("killed-1", workers=0)
    assert summary.recovered == running
    rows = {r["number"]: r for r in show("killed-1")["trials"]}
    # nothing lost: what finished before the kill is still there, unchanged
    for n in done_before:
        assert rows[n]["status"] == "complete" and rows[n]["params"] == before[n][1]
    # nothing duplicated: the interrupted trial ran again exactly once, and the budget counts 3 evaluations
    assert rows[running[0]]["status"] == "interrupted"
    assert [r["retry_of"] for r in rows.values()].count(running[0]) == 1
    assert sum(r["status"] == "complete" for r in rows.values()) == 3
