"""Excel (.xlsx, .xls) exports as tables the text readers understand: one sheet → a DelimitedTable of text
cells, so numbers are checked and errors named exactly as for CSV (line = the sheet's row number).

Detection looks inside the file (an .xlsx is a zip with ``xl/workbook.xml`` listing the sheets; an .xls an
OLE2 compound file whose sheets calamine lists), so a renamed workbook is still recognised. Reading uses
fastexcel (calamine) through ``polars.read_excel``.

>>> sheet_names(b"not a zip", "x.txt") is None
True
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements.readers.tabular import DelimitedTable, SkippedRows

ZIP_MAGIC = b"PK\x03\x04"
#: an OLE2 compound file: Excel 97-2003 workbooks (.xls)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sheet_names(head: bytes, path: Path | str | None) -> list[str] | None:
    """Sheet names of an .xlsx or .xls file, or None when the file is not a readable workbook."""
    if head.startswith(OLE2_MAGIC) and path is not None:
        # Excel 97-2003 (.xls), as older MITS Pro, BTS 7 and LANDdt versions export: calamine reads it too
        try:
            import fastexcel

            return list(fastexcel.read_excel(Path(path)).sheet_names)
        except Exception:  # fastexcel raises its own error types; an OLE2 file may be a Word document
            return None
    if not head.startswith(ZIP_MAGIC) or path is None:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return None
    return re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', workbook)


def sheet_table(path: Path, sheet: str, names: list[str] | None = None) -> DelimitedTable:
    """All cells of one sheet as text; the first row holds the column names, or, for a sheet that continues
    another without a header (long LAND exports), ``names`` are its columns. Empty rows are kept (the row
    policy counts them), so a message's line is the sheet's row."""
    try:
        frame = pl.read_excel(path, sheet_name=sheet, infer_schema_length=0, has_header=names is None,
                              drop_empty_rows=False, raise_if_empty=names is None)
    except Exception as exc:  # fastexcel raises its own error types for damaged workbooks
        raise InputError(f"cannot read sheet {sheet!r} ({type(exc).__name__}: {str(exc)[:200]})",
                         source=str(path)) from exc
    frame = _durations_as_time_text(path, sheet, frame, header=names is None)
    if names is not None:
        given = names[:frame.width] + [f"column {i + 1}" for i in range(len(names), frame.width)]
        frame = frame.rename(dict(zip(frame.columns, given)))
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(n) for n in names[frame.width:])
    return DelimitedTable(frame, f"{path} [sheet {sheet}]", 2 if names is None else 1)


#: a cell holding an Excel time value (a duration such as a Neware "Total Time" stored as a time, not as text) comes
#: as text as a date in Excel's epoch: 26 h is "1900-01-01 02:00:00"
_EXCEL_EPOCH_TIME = re.compile(r"^(?:1899-12-3[01]|1900-\d\d-\d\d)[ T]\d\d:\d\d:\d\d")


def _durations_as_time_text(path: Path, sheet: str, frame: pl.DataFrame, *, header: bool = True) -> pl.DataFrame:
    """Columns of Excel time values read again as durations and written ``h:mm:ss.fff`` (hours past 24), the
    text the readers parse. From the serial itself: the epoch dates are off by a day past Excel's phantom
    1900-02-29, and ambiguous on it. ``header=False``: a continuation sheet without the column line."""
    positions = [i for i, column in enumerate(frame.columns)
                 if (first := frame[column].drop_nulls().head(1)).len() and _EXCEL_EPOCH_TIME.match(first[0])]
    if not positions:
        return frame
    try:
        import fastexcel

        loaded = fastexcel.read_excel(path).load_sheet(sheet, header_row=0 if header else None, use_columns=positions,
                                                       dtypes={i: "duration" for i in positions}).to_polars()
    except Exception:  # fastexcel raises its own error types; the text stays, and the reader names the cells
        return frame
    if loaded.height != frame.height or loaded.width != len(positions):
        return frame
    texts = []
    for i, column in zip(positions, loaded.columns):
        ms = loaded[column].dt.total_milliseconds()
        texts.append(pl.format("{}:{}:{}", ms // 3_600_000, (ms // 60_000 % 60).cast(pl.Utf8).str.zfill(2),
                               (ms % 60_000 / 1000).round(3).cast(pl.Utf8)).alias(frame.columns[i]))
    return frame.with_columns(loaded.select(texts))


def first_row(path: Path, sheet: str) -> list[str]:
    """The column names of one sheet, without reading its rows (for detection); [] when unreadable."""
    try:
        import fastexcel

        return [str(c) for c in fastexcel.read_excel(path).load_sheet(sheet, n_rows=1, dtypes="string")
                .to_polars().columns]
    except Exception:  # fastexcel raises its own error types for damaged workbooks
        return []


class SheetRows:
    """The rows of several sheets read one after the other (a long test continued on ``…_2``, ``…_3``):
    messages name the sheet and its row."""

    def __init__(self, tables: list[DelimitedTable], heights: list[int]):
        self.tables, self.heights = tables, heights
        self.skipped = SkippedRows()
        for table in tables:
            for kind, count in table.skipped.counts.items():
                self.skipped.counts[kind] = self.skipped.counts.get(kind, 0) + count
        self.column_of = dict(tables[0].column_of) if tables else {}

    def location(self, row: int) -> str:
        for table, height in zip(self.tables, self.heights):
            if row < height:
                return f"{table.source.rsplit('[', 1)[-1].rstrip(']')}, line {table.line_of(row)}"
            row -= height
        return f"record {row + 1}"


#: names (lower case, no unit, '_' and '-' as ' ') of a record-index column: each record's number in the test
RECORD_INDEX = ("record index", "record id", "record", "data point", "datapoint", "index", "数据序号")


def continued_tables(path: Path, sheets: list[str],
                     index_names: tuple[str, ...] = RECORD_INDEX) -> tuple[list[DelimitedTable], list[str]]:
    """One record table written over several sheets, in order (Excel's row limit, 65,536 rows in .xls and
    1,048,576 in .xlsx, splits long tests: Neware's ``Detail_…`` or ``record…``, LAND's ``Record1``…, Arbin's
    ``Channel_1-006_2``). The first sheet comes with its column line; each next one with the line again, or
    without it (then it has the first sheet's columns).

    With a record-index column (one of ``index_names``), each sheet must go on where the one before it ended:
    a sheet whose index starts again at or below the first sheet's first record is another channel or test, so
    it and the sheets after it are not read and their names are returned (for the reader's warning); a sheet
    that skips or repeats records is an ``InputError`` naming both sheets and lines (nothing is read)."""
    tables = [sheet_table(path, sheets[0])]
    names = tables[0].names
    column = next((n for n in names if _index_name(n) in index_names), None)
    start = _index_ends(tables[0], column) if column is not None else None
    for k, sheet in enumerate(sheets[1:], start=1):
        # the column line again (in any order: its own names are read) or the first record
        again = bool(set(first_row(path, sheet)) & set(names))
        table = sheet_table(path, sheet, None if again else names)
        if table.frame.height == 0:
            continue  # an empty sheet (the export's last, or one left blank): it holds no record
        if start is not None and column in table.names:
            before, here = _index_ends(tables[-1], column), _index_ends(table, column)
            if before is not None and here is not None:
                (first, line), (last, last_line) = here[0], before[1]
                if first <= start[0][0]:
                    return tables, sheets[k:]
                if first != last + 1:
                    raise InputError(
                        f"column {column!r}: the record index goes from {last:g} (sheet {sheets[k - 1]!r}, line "
                        f"{last_line}) to {first:g} (sheet {sheet!r}, line {line}): records are missing or "
                        "repeated between the sheets; nothing was read", source=str(path))
        tables.append(table)
    return tables, []


def another_record(read: list[str], left_out: list[str]) -> str:
    """The warning for sheets :func:`continued_tables` left out."""
    return (f"sheet(s) {', '.join(map(repr, left_out))} start the record index again (another channel or test): "
            f"not read; {', '.join(map(repr, read))} read. Export each test to its own file")


def _index_name(header: str) -> str:
    base = re.sub(r"\s*[(\[].*$", "", header)
    return re.sub(r"[\s_\-]+", " ", base).strip().lower()


def _index_ends(table: DelimitedTable, column: str) -> tuple[tuple[float, int], tuple[float, int]] | None:
    """The first and last record index of a sheet with their lines (rows without a number in it aside)."""
    values = table.frame[column].str.strip_chars().cast(pl.Float64, strict=False)
    rows = values.is_not_null().arg_true()
    if rows.len() == 0:
        return None
    first, last = int(rows[0]), int(rows[-1])
    return (values[first], table.first_data_line + first), (values[last], table.first_data_line + last)


__all__ = ["sheet_names", "sheet_table", "first_row", "continued_tables", "another_record", "SheetRows", "RECORD_INDEX", "ZIP_MAGIC",
           "OLE2_MAGIC"]
