"""What the command line prints, fitted to where it goes: a terminal, a pipe, or a file.

- On a terminal, a table wider than the window is shown one record at a time ("column  value" lines) instead of
  folding every cell over four lines; narrow tables are drawn as usual.
- Anywhere else (a pipe, a file, a test's captured output) the output is plain: no box drawing, no colour codes,
  and lines are not folded at 80 columns (``COLUMNS`` still sets a width when given).
- Progress bars (:func:`progress`) count work done of the total with the time left, only on a terminal.
- ``console`` and ``err_console`` are where every command prints; :func:`print_json` writes ``--json`` output.
  The commands import them from here, and :mod:`cellbench.cli` (which runs the commands) too: commands never
  import the CLI module.

Only Rich is imported here: the module loads with ``cellbench --help`` (see docs/architecture.md, start-up).

>>> from rich.table import Table
>>> console = TerminalConsole(file=__import__("io").StringIO())
>>> table = Table("cell", "Wh/L"); table.add_row("std-1", "512")
>>> console.print(table); console.file.getvalue().split()
['cell', 'Wh/L', 'std-1', '512']
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from rich.progress import Progress

# width of plain output when COLUMNS does not say: wide enough that a table row stays one line for grep and awk
PLAIN_WIDTH = 240
# a table with more columns than this goes vertical when it does not fit; up to this many, Rich wraps readably
FOLD_COLUMNS = 4


class TerminalConsole(Console):
    """A Rich console that keeps tables readable on a narrow terminal and plain off a terminal."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not self.is_terminal:
            self.no_color = True
            self._color_system = None
            if "COLUMNS" not in os.environ and "width" not in kwargs:
                self.width = PLAIN_WIDTH

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: A003 - Console's own name
        super().print(*[self.fit(o) for o in objects], **kwargs)

    def fit(self, renderable: Any) -> Any:
        """A table as it should appear here: plain off a terminal, vertical when too wide for the window."""
        if not isinstance(renderable, Table):
            return renderable
        if not self.is_terminal:
            return plain(renderable)
        if len(renderable.columns) > FOLD_COLUMNS and natural_width(self, renderable) > self.width:
            return vertical(renderable)
        return renderable


def natural_width(console: Console, table: Table) -> int:
    """The width a table takes when no cell is folded."""
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update(width=10**6), table).maximum


def plain(table: Table) -> Table:
    """The same table without box drawing or styles: columns separated by two spaces, the title as a line."""
    table.box = None
    table.show_edge = False
    table.padding = (0, 1)
    table.title_style = table.header_style = table.style = ""
    table.title_justify = "left"
    for column in table.columns:
        column.style = column.header_style = ""
    for row in table.rows:
        row.style = None
    return table


def vertical(table: Table) -> Table:
    """One block per row: each column's header beside its value, so a wide table reads at 80 columns."""
    headers = [Text.from_markup(c.header) if isinstance(c.header, str) else c.header for c in table.columns]
    cells = [list(c.cells) for c in table.columns]
    out = Table.grid(padding=(0, 2))
    out.add_column(style="bold", no_wrap=True)
    out.add_column()
    if table.title:
        out.add_row(Text(str(table.title), style="bold underline"), "")
    for index in range(table.row_count):
        style = table.rows[index].style if index < len(table.rows) else None
        if index:
            out.add_row("", "")
        for header, column in zip(headers, cells):
            out.add_row(header, column[index] if index < len(column) else "", style=style)
    return out


def progress(console: Console, what: str, *, disable: bool = False, redirect: bool = False) -> "Progress":
    """A progress bar counting ``what`` done of the total with elapsed and remaining time.

    Shown only on a terminal (Rich draws nothing live elsewhere) and never when ``disable`` (``--json``).
    It leaves stdout and stderr alone unless ``redirect``: the simulator forks workers that must not inherit a
    redirected stream. A command that forks nothing and writes other lines while the bar is up (`watch` logs to
    stderr) redirects, so that those lines print above the bar instead of through it.
    """
    # imported here: rich.progress is a tenth of the start-up of `cellbench --help`, which draws no bar
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    return Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("left"),
                    TimeRemainingColumn(), console=console, transient=True,
                    disable=disable or not console.is_terminal, redirect_stdout=redirect, redirect_stderr=redirect)


def print_json(obj: Any) -> None:
    """Print machine-readable output (numbers as numbers, dates as ISO strings)."""
    sys.stdout.write(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n")


# where the commands print results (stdout) and messages (stderr)
console = TerminalConsole()
err_console = TerminalConsole(stderr=True)
