"""Optimisation campaigns over cell designs and material properties, on one machine or a Dask cluster.

A campaign is a YAML document (base cell, search space, objectives, constraints, budget); Optuna proposes
designs, Dask workers simulate them, and the study lives in cellbench's SQL database so a killed campaign resumes.

The functions that keep or read studies take an Optuna ``storage``; ``cellbench.store.campaigns`` has the same
entry points over cellbench's own database (the store opens it: this package never imports the store).

>>> from cellbench import campaigns
>>> from cellbench.store import campaigns as stored
>>> spec = campaigns.load_campaign("examples/campaigns/quick.yaml")  # PyBaMM on Dask, minutes  # doctest: +SKIP
>>> summary = stored.run_campaign(spec, budget=6, workers=2)               # doctest: +SKIP
>>> stored.show(summary.campaign_id)["pareto_front"][0]["values"]          # doctest: +SKIP
"""

from cellbench.campaigns.evaluation import evaluate_trial
from cellbench.campaigns.objectives import METRICS, Metric, register_metric
from cellbench.campaigns.results import export_designs, limiting_parameters, pareto_front, plot_front, summary
from cellbench.campaigns.run import RunSummary, resume_campaign, run_campaign
from cellbench.campaigns.search_space import apply_parameters, parameter_table
from cellbench.campaigns.spec import CampaignSpec, load_campaign
from cellbench.campaigns.study import open_study


def show(campaign_id: str | None = None, *, storage) -> dict:
    """A campaign's summary (counts, feasible Pareto front, every trial) from ``storage``; the newest when no id is
    given."""
    study, spec = open_study(campaign_id, storage)
    return summary(study, spec)


__all__ = [
    "CampaignSpec", "load_campaign", "run_campaign", "resume_campaign", "show", "summary", "RunSummary",
    "evaluate_trial", "apply_parameters", "parameter_table", "METRICS", "Metric", "register_metric",
    "pareto_front", "plot_front", "export_designs", "limiting_parameters", "open_study",
]
