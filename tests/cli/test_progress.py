"""Long work reports its count as it goes, so the commands can draw a bar (cellbench.terminal.progress)."""

from __future__ import annotations

import io
import re

from cellbench.terminal import TerminalConsole, progress


def test_the_bar_counts_done_of_total_with_time_left_on_a_terminal():
    console = TerminalConsole(file=io.StringIO(), force_terminal=True, width=100)
    with progress(console, "check-ups") as bar:
        task = bar.add_task("ageing", total=4)
        for done in range(1, 5):
            bar.update(task, completed=done)
            bar.refresh()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.file.getvalue())
    assert "check-ups" in text and "2/4" in text and "4/4" in text and "left" in text


def test_nothing_is_drawn_off_a_terminal_or_when_disabled():
    for console, disable in ((TerminalConsole(file=io.StringIO()), False),
                             (TerminalConsole(file=io.StringIO(), force_terminal=True), True)):
        with progress(console, "files", disable=disable) as bar:
            task = bar.add_task("ingest", total=2)
            bar.advance(task, 2)
            bar.refresh()
        assert console.file.getvalue() == ""


def test_an_ageing_test_reports_each_check_up():
    from cellbench import cells
    from cellbench.durability import ageing_test, load_laws

    calls = []
    rows = ageing_test(cells.load("std-2.1"), load_laws(), kind="storage", temperature_C=45, checkpoints=[0, 28],
                       progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)] and len(rows) == 2


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_with(monkeypatch, console, *arguments: str) -> tuple[int, str]:
    """Run a command with its output going to ``console`` (a terminal or a pipe); the code and what it printed."""
    from cellbench import cli, terminal

    monkeypatch.setattr(terminal, "console", console)
    code = cli.run(list(arguments))
    return code, ANSI.sub("", console.file.getvalue())


def exports(tmp_path, monkeypatch, count: int):
    import numpy as np
    import polars as pl

    from cellbench.measurements import Measurement

    folder = tmp_path / "exports"
    folder.mkdir()
    for k in range(count):
        t = np.linspace(0, 3600, 61)
        Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": 4.2 - 0.3 * t / 3600 - 0.01 * k,
                                  "current_ampere": np.full(61, -1.0)})).to_parquet(folder / f"cell-{k}.parquet")
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'lab.db'}")
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    return folder


def test_watch_counts_the_folders_files_stored_on_a_terminal(tmp_path, monkeypatch):
    folder = exports(tmp_path, monkeypatch, 3)
    console = TerminalConsole(file=io.StringIO(), force_terminal=True, width=100)
    code, text = run_with(monkeypatch, console, "watch", str(folder), "--once", "--interval", "0")
    assert code == 0
    assert "files" in text and "0/3" in text and "3/3" in text and "left" in text
    assert text.count("stored") >= 3


def test_watch_on_a_pipe_prints_only_the_handled_files(tmp_path, monkeypatch):
    folder = exports(tmp_path, monkeypatch, 3)
    code, text = run_with(monkeypatch, TerminalConsole(file=io.StringIO()), "watch", str(folder), "--once",
                          "--interval", "0")
    assert code == 0
    lines = text.splitlines()
    assert len(lines) == 3 and all(line.startswith("stored") for line in lines), text
    assert "/3" not in text


def test_drive_counts_its_stages_on_a_terminal_and_prints_only_the_result_on_a_pipe(tmp_path, monkeypatch):
    from cellbench import cli

    pack_file = tmp_path / "pack.yaml"
    assert cli.run(["pack", "design", "-o", str(pack_file), "--json"]) == 0
    drive = ["drive", "--pack", str(pack_file), "--cycle", "constant", "--speed-km-h", "50", "--duration-s", "120",
             "-o", str(tmp_path / "cell.parquet")]
    code, shown = run_with(monkeypatch, TerminalConsole(file=io.StringIO(), force_terminal=True, width=100), *drive)
    assert code == 0
    assert "drive stages" in shown and all(f"{n}/3" in shown for n in range(4))  # each stage drawn as it ends
    code, piped = run_with(monkeypatch, TerminalConsole(file=io.StringIO()), *drive)
    assert code == 0
    assert "stages" not in piped and "/3" not in piped and "\x1b" not in piped
    assert piped.lstrip().startswith("nextgen-std 55 kWh 400 V: constant") and "range_km" in piped
