"""Output fitted to where it goes: plain off a terminal, vertical when too wide, progress counts on a terminal."""

from __future__ import annotations

import io
import re

import numpy as np
import polars as pl
from rich.table import Table

from cellbench import cli, terminal
from cellbench.terminal import TerminalConsole

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOX = set("│┃─━┏┓┗┛┡┩╇╋┼├┤╭╮╰╯")


def wide_table() -> Table:
    table = Table(title="Standard cells")
    for column in ("id", "ver", "mAh", "Wh/L stack", "Wh/L outline", "Wh/kg", "N/P", "published", "solved for"):
        table.add_column(column)
    table.add_row("gen1-stack-demo", "1.0", "1399.7", "555", "275", "182", "1.15", "1400 mAh, ≥450 Wh/L stack",
                  "cathode.thickness_um → capacity_mAh, anode.thickness_um → np_ratio")
    table.add_row("std-1", "1.0", "6.0", "200", "120", "14", "1.15", "", "")
    return table


def test_off_a_terminal_tables_are_plain_text_on_one_line_a_row():
    console = TerminalConsole(file=io.StringIO())
    console.print(wide_table())
    text = console.file.getvalue()
    assert not BOX & set(text) and not ANSI.search(text)
    lines = text.splitlines()
    assert lines[0].strip() == "Standard cells"
    assert lines[1].split() == ["id", "ver", "mAh", "Wh/L", "stack", "Wh/L", "outline", "Wh/kg", "N/P", "published",
                                "solved", "for"]
    assert lines[2].split()[:3] == ["gen1-stack-demo", "1.0", "1399.7"] and lines[2].rstrip().endswith("np_ratio")
    assert len(lines) == 4


def test_on_a_narrow_terminal_a_wide_table_goes_vertical():
    console = TerminalConsole(file=io.StringIO(), force_terminal=True, width=80)
    console.print(wide_table())
    lines = [ANSI.sub("", line).rstrip() for line in console.file.getvalue().splitlines()]
    assert all(len(line) <= 80 for line in lines)
    words = [" ".join(line.split()) for line in lines]
    assert words[0] == "Standard cells"
    assert "id gen1-stack-demo" in words and "published 1400 mAh, ≥450 Wh/L stack" in words
    assert "id std-1" in words and "Wh/L outline 120" in words
    # each value starts in one column, after the longest header
    starts = {line.index(value) for line in lines for value in ("gen1-stack-demo", "1399.7", "np_ratio")
              if value in line and not line.startswith(" ")}
    assert len(starts) == 1


def test_on_a_wide_terminal_the_table_is_drawn_as_a_table():
    console = TerminalConsole(file=io.StringIO(), force_terminal=True, width=200)
    console.print(wide_table())
    text = ANSI.sub("", console.file.getvalue())
    assert BOX & set(text)
    assert any(line.count("gen1-stack-demo") == 1 and "np_ratio" in line for line in text.splitlines())


def test_cells_list_fits_80_columns_by_default_and_wide_shows_all(capsys):
    assert cli.run(["cells", "list"]) == 0
    narrow = capsys.readouterr().out.splitlines()
    assert max(len(line.rstrip()) for line in narrow) <= 80
    assert narrow[1].split() == ["id", "ver", "mAh", "Wh/L", "stack", "Wh/kg", "N/P"]
    assert cli.run(["cells", "list", "--wide"]) == 0
    assert "solved for" in capsys.readouterr().out.splitlines()[1]


def test_help_is_plain_text_off_a_terminal(capsys):
    assert cli.run(["cells", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: cellbench cells [OPTIONS] COMMAND [ARGS]...") and not BOX & set(out)


def ingest_folder(tmp_path, monkeypatch, console) -> tuple[int, str]:
    from cellbench.measurements import Measurement

    folder = tmp_path / "exports"
    folder.mkdir()
    for k in range(3):
        t = np.linspace(0, 3600, 61)
        Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": 4.2 - 0.3 * t / 3600 - 0.01 * k,
                                  "current_ampere": np.full(61, -1.0)})).to_parquet(folder / f"cell-{k}.parquet")
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'lab.db'}")
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(terminal, "console", console)
    code = cli.run(["ingest", str(folder)])
    return code, console.file.getvalue()


def test_ingest_of_a_folder_counts_files_on_a_terminal(tmp_path, monkeypatch):
    console = TerminalConsole(file=io.StringIO(), force_terminal=True, width=100)
    code, text = ingest_folder(tmp_path, monkeypatch, console)
    assert code == 0
    text = ANSI.sub("", text)
    assert "files" in text and "3/3" in text and "0/3" in text  # the bar counted the files as they went
    assert text.count("stored") >= 3


def test_ingest_of_a_folder_on_a_pipe_prints_only_the_results(tmp_path, monkeypatch):
    code, text = ingest_folder(tmp_path, monkeypatch, TerminalConsole(file=io.StringIO()))
    assert code == 0
    lines = text.splitlines()
    assert len(lines) == 3 and all(line.startswith("stored") for line in lines)
    assert "3/3" not in text
