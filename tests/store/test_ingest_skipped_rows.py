"""The ingest report says how many rows of a file carried no measurement and were skipped (the row policy of
``cellbench.measurements``), per file, on the human line and in --json, for a stored and an already stored file."""

from __future__ import annotations

import json
import sys

import pytest

from cellbench.cli import main

HEADER = ("Data_Point,Test_Time(s),Date_Time,Step_Index,Cycle_Index,Current(A),Voltage(V),"
          "Charge_Capacity(Ah),Discharge_Capacity(Ah)")


def arbin_export(path, *, with_gaps: bool, rest_V: float = 3.6):
    """An Arbin MITS Pro CSV: 2 cycles of 1 A charge / 1 A discharge, 900 s a point (16 rows). With gaps, as labs'
    exports have them: an empty line and a row of separators (blank), the header again at a page break, and a
    pause marker written where the numbers go. ``rest_V``: the voltage between charge and discharge."""
    rows, point, t = [], 1, 0.0
    for cycle in (1, 2):
        for step, current in ((1, 1.0), (2, -1.0)):
            for k in range(1, 5):
                t += 900.0
                qc, qd = (0.25 * k, 0.0) if step == 1 else (1.0, 0.25 * k)
                volts = rest_V + 0.1 * current
                rows.append(f"{point},{t},05/12/2017 10:00:00,{step},{cycle},{current},{volts},{qc},{qd}")
                point += 1
    if with_gaps:
        lines = [HEADER] + rows[:3] + [",,,,,,,,"] + rows[3:8] + [HEADER, ""] + rows[8:12] \
            + ["17,Pause,,,,,,,"] + rows[12:]
    else:
        lines = [HEADER] + rows
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def cellbench(monkeypatch, capsys, database_url, data_dir):
    """Run `cellbench ARGS...` in-process against the test database; return (exit code, stdout)."""
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(data_dir))

    def run(*args) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["cellbench", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
        return code, capsys.readouterr().out

    return run


def test_store_ingest_reports_skipped_rows_by_kind(store, tmp_path):
    path = arbin_export(tmp_path / "arbin_gaps.csv", with_gaps=True)
    result = store.ingest(path)
    assert result.status == "stored" and result.row_count == 16
    assert result.skipped_rows.count == 4
    assert result.skipped_rows.by_kind == {"blank": 2, "repeated header": 1, "marker": 1}
    assert result.skipped_rows.first_lines == {"blank": [5, 12], "repeated header": [11], "marker": [17]}
    assert result.line() == (f"stored          {path} -> test {result.test_id} (16 rows; 4 rows without a "
                             "measurement skipped: 2 blank, 1 repeated header, 1 marker)")
    again = store.ingest(path)  # read again, so the report is the file's even when nothing new is stored
    assert again.status == "already stored" and again.skipped_rows == result.skipped_rows


def test_a_file_without_gaps_reports_nothing_skipped(store, tmp_path):
    result = store.ingest(arbin_export(tmp_path / "arbin.csv", with_gaps=False))
    assert result.status == "stored" and result.skipped_rows is None
    assert result.line().endswith("(16 rows)")


def test_cli_ingest_shows_skipped_rows_per_file_and_in_json(cellbench, tmp_path):
    gaps = arbin_export(tmp_path / "gaps.csv", with_gaps=True)
    clean = arbin_export(tmp_path / "clean.csv", with_gaps=False, rest_V=3.5)  # other content: a second test
    code, out = cellbench("ingest", gaps, clean)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("stored") and lines[0].endswith(
        "(16 rows; 4 rows without a measurement skipped: 2 blank, 1 repeated header, 1 marker)")
    assert lines[1].startswith("stored") and lines[1].endswith("clean.csv -> test 2 (16 rows)")
    code, out = cellbench("ingest", gaps, clean, "--json")
    results = json.loads(out)["results"]
    assert code == 0 and [r["status"] for r in results] == ["already stored", "already stored"]
    assert results[0]["skipped_rows"]["by_kind"] == {"blank": 2, "repeated header": 1, "marker": 1}
    assert results[0]["skipped_rows"]["count"] == 4 and results[1]["skipped_rows"] is None


def test_ingest_passes_on_what_the_reader_flagged(store, tmp_path):
    # a thermocouple that lost contact: the rows stay (their temperature empty) and the ingest report says so
    path = tmp_path / "arbin_temperature.csv"
    lines = arbin_export(tmp_path / "base.csv", with_gaps=False).read_text().splitlines()
    lines[0] += ",Aux_Temperature_1(C)"
    lines[1:] = [f"{line},{'NaN' if k in (3, 4) else 25.0}" for k, line in enumerate(lines[1:])]
    path.write_text("\n".join(lines) + "\n")
    result = store.ingest(path)
    assert result.status == "stored" and result.row_count == 16
    assert result.warnings and "2" in result.warnings[0] and "temperature" in result.warnings[0].lower()
    assert "; warning: " in result.line()
    assert store.ingest(path).warnings == result.warnings  # already stored: the file's report all the same
    clean = store.ingest(arbin_export(tmp_path / "arbin.csv", with_gaps=False, rest_V=3.4))
    assert clean.warnings is None and "warning" not in clean.line()
