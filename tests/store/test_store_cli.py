"""The store's commands end to end: ingest, watch --once, tests list|show|flag|failures, with --json."""

from __future__ import annotations

import json
import sys

import pytest

from cellbench.cli import main


@pytest.fixture
def cellbench(monkeypatch, capsys, database_url, data_dir):
    """Run `cellbench ARGS...` in-process against the test database; return (exit code, stdout, stderr)."""
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(data_dir))

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["cellbench", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_ingest_twice_reports_already_stored(cellbench, tmp_path, discharge):
    path = discharge(1.0).to_parquet(tmp_path / "cell-9.parquet")
    code, out, _ = cellbench("ingest", path)
    assert code == 0 and out.startswith("stored") and "cell-9.parquet -> test 1" in out
    code, out, _ = cellbench("ingest", path, "--json")
    results = json.loads(out)["results"]
    assert code == 0 and [(r["status"], r["test_id"], r["row_count"]) for r in results] == [("already stored", 1, 61)]


def test_a_bad_file_fails_the_command_and_is_listed(cellbench, tmp_path, discharge):
    good = discharge(1.0).to_parquet(tmp_path / "good.parquet")
    bad = tmp_path / "bad.parquet"
    bad.write_text("voltage,current\n1,2\n")
    code, out, _ = cellbench("ingest", good, bad, "--json")
    assert code == 1
    assert [r["status"] for r in json.loads(out)["results"]] == ["stored", "failed"]
    code, out, _ = cellbench("tests", "failures", "--json")
    failures = json.loads(out)["failures"]
    assert [f["source_path"] for f in failures] == [str(bad)] and failures[0]["error"]
    code, out, _ = cellbench("tests", "list", "--json")
    assert [t["source_file"] for t in json.loads(out)["tests"]] == ["good.parquet"]


def test_failed_experiments_are_flagged_listed_and_cleared(cellbench, tmp_path, discharge):
    failed = discharge(1.0).to_parquet(tmp_path / "vented.parquet")
    fine = discharge(1.3).to_parquet(tmp_path / "fine.parquet")
    assert cellbench("ingest", failed, "--failed", "cell vented at 60 C")[0] == 0
    assert cellbench("ingest", fine)[0] == 0
    code, out, _ = cellbench("tests", "list", "--failed", "--json")
    tests = json.loads(out)["tests"]
    assert [(t["source_file"], t["outcome"], t["outcome_reason"]) for t in tests] == [
        ("vented.parquet", "failed", "cell vented at 60 C")]
    code, out, _ = cellbench("tests", "flag", "2", "--negative", "no gain over baseline", "--json")
    assert code == 0 and json.loads(out)["outcome"] == "negative"
    code, _, err = cellbench("tests", "flag", "2")
    assert code == 2 and "give one of --failed REASON, --negative REASON or --ok" in err
    code, _, err = cellbench("ingest", fine, "--failed", "")
    assert code == 2 and "needs a reason" in err


def test_show_by_hash_prefix(cellbench, tmp_path, discharge):
    path = discharge(1.0).to_parquet(tmp_path / "a.parquet")
    digest = json.loads(cellbench("ingest", path, "--json")[1])["results"][0]["content_hash"]
    code, out, _ = cellbench("tests", "show", digest[:10], "--json")
    record = json.loads(out)
    assert code == 0 and record["id"] == 1 and record["blob"].endswith(f"{digest}.parquet")
    code, _, err = cellbench("tests", "show", "77")
    assert code == 2 and "no stored test with id 77" in err


def test_watch_once_ingests_stable_files(cellbench, tmp_path, discharge):
    folder = tmp_path / "exports"
    folder.mkdir()
    discharge(1.0).to_parquet(folder / "a.parquet")
    (folder / "junk.parquet").write_bytes(b"junk")
    code, out, _ = cellbench("watch", folder, "--once", "--interval", "0", "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and sorted(r["status"] for r in lines) == ["failed", "stored"]
    code, out, _ = cellbench("watch", folder, "--once", "--interval", "0", "--json")
    assert code == 0 and out == ""  # restarted: nothing twice


def test_ingest_with_a_column_map(cellbench, tmp_path):
    """A lab rig's own CSV: minutes and milliamps, mapped by YAML; 60 min at -500 mA is 0.5 Ah discharged."""
    run = tmp_path / "rig3.csv"
    run.write_text("t;U;I\n" + "".join(f"{k};{4.0 - 0.01 * k:.2f};-500\n" for k in range(61)))
    column_map = tmp_path / "rig3.yaml"
    column_map.write_text("separator: ';'\ncolumns:\n  test_time_second: {column: t, unit: min}\n"
                          "  voltage_volt: U\n  current_ampere: {column: I, unit: mA}\n")
    code, out, err = cellbench("ingest", run, "--column-map", column_map, "--json")
    result = json.loads(out)["results"][0]
    assert code == 0 and result["status"] == "stored" and result["row_count"] == 61, err
    code, out, _ = cellbench("summarize", str(result["test_id"]), "--json")
    assert sum(c["discharge_capacity_Ah"] for c in json.loads(out)["cycles"]) == pytest.approx(0.5, rel=1e-9)
