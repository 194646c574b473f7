"""`cellbench cells show` says of each figure whether it is an input (solved for) or a prediction, with the
prediction's error against the published figure and the documented reason for a miss (issue 19 item 4)."""

import json
import re

import pytest
from typer.testing import CliRunner

from cellbench.cli import app


def show(*args: str) -> str:
    result = CliRunner().invoke(app, ["cells", "show", *args], env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    return result.output


def figure_row(out: str, figure: str) -> str:
    return next(line for line in out.splitlines() if re.match(rf"\s*{figure}\s", line))


def test_each_figure_says_input_or_prediction():
    out = show("std-2.1")
    assert "input: solved to give 8" in figure_row(out, "capacity_mAh")
    assert "input: solved to give 1.15" in figure_row(out, "np_ratio")
    assert "prediction: +19.8% against 400 published (miss)" in figure_row(out, "wh_per_l_stack")
    assert figure_row(out, "wh_per_kg").rstrip().endswith("19.33")  # derived: nothing published to compare
    assert "why wh_per_l_stack differs (documented +19.8%)" in out
    assert "layers 572, stack 479, stack and films 194, outline 26 (published 400, stack basis)" in out
    assert re.search(r"separator\.thickness_um\s+20\s+50\.34 µm", out)


def test_a_met_lower_bound_and_a_predicted_capacity():
    out = show("gen1-demo-4x12.5")
    assert "prediction: -1.8% against ≥140 published" in figure_row(out, "capacity_mAh")
    assert "(miss)" not in out and "why" not in out
    met = show("nextgen-demo")
    assert "prediction: +5.9% against ≥860 published" in figure_row(met, "wh_per_l_stack")


def test_json_roles_and_reconciliation():
    data = json.loads(show("std-2.1-4x12.5", "--json"))
    roles = data["figure_roles"]
    assert roles["cathode_areal_capacity_mAh_cm2"] == "solved" and roles["wh_per_l_stack"] == "predicted"
    assert roles["capacity_mAh"] == "derived"  # no capacity is published for the 4x12.5 cm standard cell
    (p,) = data["predictions"]
    assert p["documented_deviation"] == 0.198 and "std-2.1" in p["why"]
    r = data["reconciliation"]
    assert r["gap_um_per_unit_cell"] == pytest.approx(r["implied_stack_thickness_um"] - 153.5)  # 48.9 + 20 + 59.6 + 25
