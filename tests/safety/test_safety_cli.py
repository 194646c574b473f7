"""The safety commands through the real CLI entry point (exit codes, JSON, error lines)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cellbench.safety import EXAMPLES_DIR


def cellbench(*args: str):
    """Run a command in-process (exit code and stdout), as the installed `cellbench` would."""
    from typer.testing import CliRunner

    from cellbench.cli import app

    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    result.returncode = result.exit_code
    return result


def cellbench_process(*args: str) -> subprocess.CompletedProcess:
    """The real entry point in a child process, for what only `main()` does (error line, exit code)."""
    return subprocess.run([sys.executable, "-c", "from cellbench.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def arc_files(tmp_path_factory, liquid_arc_run, assb_arc_run):
    folder = tmp_path_factory.mktemp("arc")
    liquid_arc_run.to_csv(folder / "liquid.csv")
    assb_arc_run.to_csv(folder / "assb.csv")
    return folder


def test_arc_json_per_file_and_plot(arc_files, liquid_arc_run):
    plot = arc_files / "compare.html"
    done = cellbench("arc", str(arc_files / "liquid.csv"), str(arc_files / "assb.csv"), "--json", "--plot", str(plot))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [r["file"].rsplit("/", 1)[-1] for r in out] == ["liquid.csv", "assb.csv"]
    assert out[0]["self_heating_onset_C"] == pytest.approx(liquid_arc_run.true_self_heating_onset_C, abs=1.0)
    assert out[1]["runaway_onset_C"] > out[0]["runaway_onset_C"]
    html = plot.read_text()
    assert "plotly" in html and "liquid.csv" in html and "assb.csv" in html


def test_arc_bad_file_is_one_line_exit_1(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time_min,temperature_C\n0,40\n2,41\n1,42\n")
    done = cellbench_process("arc", str(bad))
    assert done.returncode == 1
    assert "line 4" in done.stderr and "Traceback" not in done.stderr


def test_safety_tests_json_with_user_definitions():
    done = cellbench("safety", "tests", "--json", "--cell", "all_solid_state", "-d", str(EXAMPLES_DIR))
    ids = [d["id"] for d in json.loads(done.stdout)]
    assert "ni_nail" in ids and "unr100_laser_internal_short" in ids and "forced_internal_short" not in ids


def test_safety_judge_exit_codes(tmp_path):
    passing = tmp_path / "pass.yaml"
    passing.write_text("test: heating\nsample: S1\nobservations: {fire: false, explosion: false}\n")
    missing = tmp_path / "missing.yaml"
    missing.write_text("test: heating\nsample: S2\nobservations: {fire: false}\n")
    ok = cellbench("safety", "judge", str(passing), "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)[0]["status"] == "pass"
    incomplete = cellbench("safety", "judge", str(passing), str(missing), "--json")
    assert incomplete.returncode == 1
    assert [v["status"] for v in json.loads(incomplete.stdout)] == ["pass", "incomplete"]


def test_safety_heat_oven_json():
    done = cellbench("safety", "heat", "--oven-C", "130", "--json")
    out = json.loads(done.stdout)
    assert done.returncode == 0 and out["runaway"] is False and out["oven_C"] == 130.0
    hot = json.loads(cellbench("safety", "heat", "--oven-C", "175", "--json").stdout)
    assert hot["runaway"] is True


def test_example_record_passes_and_warns_about_its_missing_trace():
    done = cellbench("safety", "judge", str(EXAMPLES_DIR / "records" / "record_ni_nail_assb.yaml"), "--json",
                     "-d", str(EXAMPLES_DIR))
    verdict = json.loads(done.stdout)[0]
    assert done.returncode == 0 and verdict["status"] == "pass"
    assert any("ni_nail_surface_temperature.csv" in w for w in verdict["warnings"])


def test_show_one_definition_json():
    done = cellbench("safety", "show", "ni_nail", "--json")
    shown = json.loads(done.stdout)
    assert shown["conditions"]["jig_hole_diameter_mm"] == 3.5 and shown["file"].endswith("ni_nail.yaml")
