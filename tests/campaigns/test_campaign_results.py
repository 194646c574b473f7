"""The Pareto front, what limits it, the plot and the exported designs."""

from __future__ import annotations

import pytest

from cellbench import cells
from cellbench.campaigns import CampaignSpec, export_designs, limiting_parameters, pareto_front, plot_front
from cellbench.campaigns.objectives import evaluate_metrics
from cellbench.store.campaigns import open_study, run_campaign, show

from conftest import design_only_spec


def row(number, a, b, **params):
    return {"number": number, "values": {"a": a, "b": b}, "params": params}


def test_pareto_front_by_hand():
    rows = [row(0, 1, 5), row(1, 2, 4), row(2, 2, 5), row(3, 0, 6), row(4, 3, 1), row(5, 3, 1)]
    # maximise a, minimise b: (3,1) beats every other point; its twin is not beaten by it, so both stay
    front = pareto_front(rows, {"a": "maximize", "b": "minimize"})
    assert [r["number"] for r in front] == [4, 5]
    # maximise both: (2,5) beats (1,5) and (2,4); (0,6) and (3,1) are each best in one objective
    front = pareto_front(rows, {"a": "maximize", "b": "maximize"})
    assert [r["number"] for r in front] == [2, 3, 4, 5]
    # minimise both: only (2,5) is beaten (by (1,5) and by (2,4))
    assert [r["number"] for r in pareto_front(rows, {"a": "minimize", "b": "minimize"})] == [0, 1, 3, 4, 5]


def test_limiting_parameters_flag_a_bound_most_of_the_front_sits_on():
    spec = CampaignSpec.model_validate(design_only_spec(parameters={
        "separator_thickness_um": {"low": 20, "high": 170}, "cathode_thickness_um": {"low": 30, "high": 120},
        "solid_electrolyte_conductivity_S_cm": {"low": 0.0025, "high": 0.025, "log": True}}))
    front = [{"params": {"separator_thickness_um": s, "cathode_thickness_um": c, "solid_electrolyte_conductivity_S_cm": k}}
             for s, c, k in [(21, 60, 0.024), (25, 90, 0.02), (22, 110, 0.0226), (100, 75, 0.003)]]
    limits = limiting_parameters(front, spec)
    assert limits["separator_thickness_um"] == "at its lower bound 20 in 75% of the front"
    # 0.02 is within 10% of the upper bound on a log scale (log10 span 1.0, 0.02 is 0.097 below), 0.003 is not
    assert limits["solid_electrolyte_conductivity_S_cm"] == "at its upper bound 0.025 in 75% of the front"
    assert "cathode_thickness_um" not in limits


def test_anode_thickness_metric_follows_np_ratio():
    from cellbench.campaigns import apply_parameters

    design = apply_parameters(cells.load("std-1"), {"cathode_thickness_um": 68.2, "np_ratio": 1.15})
    values = evaluate_metrics(["anode_thickness_um", "cathode_thickness_um"], design)
    assert values["cathode_thickness_um"] == pytest.approx(68.2)
    # the anode follows the cathode (areal capacity is linear in thickness) and std-1's N/P (1.149 with its rounded
    # 44.7 um anode) moves to 1.15
    base = cells.load("std-1")
    by_hand = base.anode.thickness_um * (68.2 / base.cathode.thickness_um) * 1.15 / cells.figures(base).np_ratio
    assert values["anode_thickness_um"] == pytest.approx(by_hand, rel=1e-9)
    assert cells.figures(design).np_ratio == pytest.approx(1.15)


def test_export_writes_loadable_catalogue_yaml_and_plot(store_env, tmp_path):
    summary = run_campaign(CampaignSpec.model_validate(design_only_spec(budget=6)), workers=0)
    study, spec = open_study(summary.campaign_id)
    data = show(summary.campaign_id)
    paths = export_designs(study, spec, tmp_path / "chosen")
    assert len(paths) == len(data["pareto_front"]) >= 1
    for path, front_row in zip(paths, data["pareto_front"]):
        design = cells.load_file(path)
        assert design.id == f"{summary.campaign_id}-t{front_row['number']:04d}"
        assert cells.figures(design).wh_per_l_stack == pytest.approx(front_row["values"]["wh_per_l_stack"])
    html = plot_front(data, tmp_path / "front.html").read_text()
    assert "Pareto front (feasible)" in html and "wh_per_l_stack" in html
