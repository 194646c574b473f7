"""`cellbench scenario run` end to end."""

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cellbench.cli import app, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
runner = CliRunner()


def test_json_is_a_list_of_rows_per_year_and_scenario():
    result = runner.invoke(app, ["scenario", "run", str(EXAMPLES / "s2.yaml"), str(EXAMPLES / "s3.yaml"),
                                 "--json", "--years", "2030,2035"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["scenario"], r["year"]) for r in rows] == [("S2", 2030), ("S2", 2035), ("S3", 2030), ("S3", 2035)]
    assert round(rows[0]["assb_vehicle_sales"] / 1e4) == 143      # the report's 143 万台
    assert round(rows[3]["assb_vehicle_sales"] / 1e4) == 262      # the report says 265 万台 (-1.2%)


def test_by_segment_rows_name_the_segment():
    result = runner.invoke(app, ["scenario", "run", str(EXAMPLES / "s2.yaml"), "--json", "--by-segment",
                                 "--years", "2030"])
    rows = json.loads(result.stdout)
    assert {r["segment"]: round(r["assb_vehicle_sales"] / 1e4) for r in rows} == {"passenger": 100, "commercial": 43}


def test_table_plot_and_comparison(tmp_path):
    plot = tmp_path / "scenarios.html"
    result = runner.invoke(app, ["scenario", "run", str(EXAMPLES / "outcome.yaml"), "--years", "2035",
                                 "--plot", str(plot), "--compare"])
    assert result.exit_code == 0, result.output
    assert "2035" in result.stdout and "272" in result.stdout          # revenue, billion yen
    assert "SOLiD-EV report vs cellbench" in result.stdout and "+0.85" in result.stdout
    html = plot.read_text()
    assert "plotly" in html and "ASSB vehicle sales" in html


def test_compare_json_holds_rows_and_comparison():
    result = runner.invoke(app, ["scenario", "run", str(EXAMPLES / "outcome.yaml"), "--json", "--compare"])
    data = json.loads(result.stdout)
    assert len(data["rows"]) == 15 and len(data["comparison"]) == 8
    assert all(c["within_tolerance"] for c in data["comparison"])


def test_bad_file_prints_one_line_and_exits_1(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "outcome.yaml").read_text().replace("xev_share: 1.0", "xev_share: 1.5"))
    monkeypatch.setattr(sys, "argv", ["cellbench", "scenario", "run", str(bad)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 1
    stderr = capsys.readouterr().err
    assert "bad.yaml: field 'segments.xev_output.adoption.xev_share'" in stderr
    assert "above 100%" in stderr and "Traceback" not in stderr


def test_plot_has_one_line_per_scenario_in_each_panel():
    from cellbench.scenarios import run_file
    from cellbench.scenarios.plot import PANELS, scenario_figure

    rows = run_file(EXAMPLES / "s2.yaml") + run_file(EXAMPLES / "outcome.yaml")
    figure = scenario_figure(rows)
    assert len(figure.data) == 2 * len(PANELS)
    first = figure.data[0]                     # ASSB vehicle sales of S2, in millions
    assert first.name == "S2" and list(first.x)[:2] == [2020, 2021]
    s2_2030 = next(r for r in rows if r["scenario"] == "S2" and r["year"] == 2030)
    assert first.y[10] == pytest.approx(s2_2030["assb_vehicle_sales"] / 1e6)
