"""The same campaign runs on a Dask cluster given by its scheduler address."""

from __future__ import annotations

import pytest

from cellbench.campaigns import CampaignSpec
from cellbench.store.campaigns import run_campaign, show

from conftest import design_only_spec


@pytest.mark.slow
def test_campaign_on_a_running_cluster_by_scheduler_address(store_env):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        summary = run_campaign(CampaignSpec.model_validate(design_only_spec(budget=6)),
                               scheduler=cluster.scheduler_address)
    assert summary.finished == 6 and summary.ran_now == 6
    rows = show(summary.campaign_id)["trials"]
    assert [r["number"] for r in rows] == list(range(6))
    # the evaluations ran in the workers' processes, not in this one
    import os

    pids = {r["provenance"]["pid"] for r in rows}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
