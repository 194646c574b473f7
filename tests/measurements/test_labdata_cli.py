"""`cellbench convert` and `cellbench summarize` end to end."""

import json
import subprocess
import sys

from real_data import real_file
from typer.testing import CliRunner

from cellbench.cli import app
from cellbench.measurements import read
from cellbench.measurements import schema as S

runner = CliRunner()


def test_convert_to_parquet_and_back(tmp_path):
    out = tmp_path / "neware.parquet"
    result = runner.invoke(app, ["convert", str(real_file("neware_uio.csv")), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == 9065
    m = read(out)
    assert m.metadata.vendor == "Neware" and len(m) == 9065


def test_convert_to_human_csv(tmp_path):
    out = tmp_path / "maccor.csv"
    result = runner.invoke(app, ["convert", str(real_file("maccor_002.txt")), "-o", str(out), "--header", "human"])
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[0].startswith("Test Time / s,")
    assert read(out).data[S.TIME][-1] == read(real_file("maccor_002.txt")).data[S.TIME][-1]


def test_summarize_json_with_steps_and_gap_warning():
    result = runner.invoke(app, ["summarize", str(real_file("bad_custom_missing_cycle.csv")), "--json", "--steps"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [c["cycle"] for c in out["cycles"]] == [1, 3]
    assert out["warnings"] == ["cycle numbers jump from 1 to 3 (cycle 2 missing from the file)"]
    assert len(out["steps"]) == 2


def test_summarize_table_prints_cycles():
    result = runner.invoke(app, ["summarize", str(real_file("neware_uio.csv"))], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "0.00508628" in result.stdout    # cycle 1 discharge capacity, Ah


def test_bad_file_one_line_error_exit_1_nothing_written(tmp_path):
    out = tmp_path / "bad.parquet"
    proc = subprocess.run([sys.executable, "-m", "cellbench.cli", "convert", str(real_file("bad_custom_nan_inf.csv")),
                           "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "line 28 ('inf')" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.iterdir())
