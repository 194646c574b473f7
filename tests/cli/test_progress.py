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
