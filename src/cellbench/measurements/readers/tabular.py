"""Delimited-text tables from cycler exports, with errors that name the line and the column.

Every text reader finds its header line, hands the bytes to :func:`parse_delimited`, then asks for
numbers with :func:`numbers`. Values are read as text and converted column by column, so a bad value
is reported with its line number instead of failing the whole parse.

>>> table = parse_delimited(b"t;v\\n0;3.1\\n1;3.2\\n", separator=";", source="x.csv")
>>> numbers(table, {"t": "t", "v": "v"})["v"].to_list()
[3.1, 3.2]
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cellbench.errors import InputError

#: how many bytes readers look at to recognise a format
HEAD_BYTES = 65536
#: how many bad lines an error message lists before it says "and N more"
MAX_LINES_LISTED = 10


@dataclass(frozen=True)
class DelimitedTable:
    """Raw text columns of a data block; ``first_data_line`` is the 1-based file line of row 0."""

    frame: pl.DataFrame
    source: str
    first_data_line: int

    def line_of(self, row: int) -> int:
        return self.first_data_line + row


def read_bytes(path: str | Path) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", source=str(path)) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, expected a cycler file", source=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", source=str(path)) from exc


def decode(raw: bytes) -> str:
    """Cycler software writes UTF-8, UTF-8 with BOM or a Windows code page; latin-1 never fails."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def head_lines(head: bytes, limit: int = 200) -> list[str]:
    return decode(head).splitlines()[:limit]


def line_offset(raw: bytes, line_index: int) -> int:
    """Byte offset where 0-based line ``line_index`` starts."""
    offset = 0
    for _ in range(line_index):
        nxt = raw.find(b"\n", offset)
        if nxt < 0:
            return len(raw)
        offset = nxt + 1
    return offset


def parse_delimited(raw: bytes, *, separator: str, source: str, header_line: int = 1,
                    strip_quotes: bool = False) -> DelimitedTable:
    """Parse the block starting at 1-based ``header_line`` (column names) into text columns.

    Blank lines right after the header are skipped (Maccor writes one). A last line with fewer fields
    than the line before it is a truncated file and raises :class:`InputError` naming that line.
    """
    start = line_offset(raw, header_line - 1)
    body = raw[start:]
    if strip_quotes:
        # Novonix quotes each whole row; no field contains the separator, so quotes carry no meaning
        body = body.replace(b'"', b"")
    body = body.replace(b"\r\n", b"\n")
    header_end = body.find(b"\n")
    if header_end < 0:
        raise InputError("no data rows after the header line", source=source, location=f"line {header_line}")
    header = body[:header_end]
    rest = body[header_end + 1:]
    skipped = 0
    while rest[:1] in (b"\n",) or (rest[:1].isspace() and rest.split(b"\n", 1)[0].strip() == b""):
        nl = rest.find(b"\n")
        if nl < 0:
            rest = b""
            break
        rest = rest[nl + 1:]
        skipped += 1
    first_data_line = header_line + 1 + skipped
    rest = _without_trailing_blank_lines(rest)
    if not rest.strip():
        raise InputError("no data rows after the header line", source=source, location=f"line {header_line}")
    _check_truncation(rest, separator.encode(), source, first_data_line)
    names = _unique_names([n.strip() for n in decode(header).split(separator)])
    try:
        frame = pl.read_csv(io.BytesIO(rest), separator=separator, has_header=False, new_columns=None,
                            infer_schema=False, truncate_ragged_lines=True, quote_char=None,
                            encoding="utf8-lossy", raise_if_empty=False)
    except Exception as exc:  # polars raises ComputeError/ShapeError variants for malformed text
        raise InputError(f"unreadable data block ({str(exc).splitlines()[0]})", source=source,
                         location=f"from line {first_data_line}") from exc
    width = min(len(names), frame.width)
    frame = frame.select(frame.columns[:width]).rename(dict(zip(frame.columns[:width], names[:width])))
    return DelimitedTable(frame, source, first_data_line)


def _without_trailing_blank_lines(body: bytes) -> bytes:
    """Exports often end with an empty line or two; they are not rows."""
    end = len(body)
    while end:
        stripped_end = len(body[:end].rstrip(b"\n"))
        start = body.rfind(b"\n", 0, stripped_end) + 1
        if stripped_end > start and body[start:stripped_end].strip():
            return body[:stripped_end] + b"\n"
        end = start
    return b""


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n or f"column_{i + 1}"
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def _check_truncation(rest: bytes, sep: bytes, source: str, first_data_line: int) -> None:
    stripped = rest.rstrip(b"\r\n")
    lines = stripped.rsplit(b"\n", 2)
    if len(lines) < 2:
        return
    previous, last = lines[-2], lines[-1]
    if last.count(sep) < previous.rstrip(sep).count(sep):
        line_no = first_data_line + stripped.count(b"\n")
        raise InputError(f"truncated last line: {last.count(sep) + 1} fields where the line before has "
                         f"{previous.rstrip(sep).count(sep) + 1} (the file ends mid-row)",
                         source=source, location=f"line {line_no}")


def find_columns(table: DelimitedTable, wanted: dict[str, tuple[str, ...]], *, required: tuple[str, ...] = ()
                 ) -> dict[str, str]:
    """Map each key of ``wanted`` to the first of its candidate column names present (case-insensitive).

    Keys listed in ``required`` must be found, else :class:`InputError` names the missing column(s).
    """
    lower = {c.lower(): c for c in table.frame.columns}
    found: dict[str, str] = {}
    for key, candidates in wanted.items():
        for cand in candidates:
            if cand.lower() in lower:
                found[key] = lower[cand.lower()]
                break
    missing = [k for k in required if k not in found]
    if missing:
        described = "; ".join(f"{k} (one of {', '.join(repr(c) for c in wanted[k])})" for k in missing)
        raise InputError(f"missing column: {described}", source=table.source, location="header")
    return found


def numbers(table: DelimitedTable, columns: dict[str, str], *, allow_missing: tuple[str, ...] = ()
            ) -> pl.DataFrame:
    """Convert text columns to Float64 (out name -> column in file); empty/NaN/Inf cells raise with their lines.

    Columns named in ``allow_missing`` may hold empty cells (they become null) but not NaN/Inf text.
    """
    frame = table.frame
    exprs = [pl.col(src).str.strip_chars().cast(pl.Float64, strict=False).alias(out) for out, src in columns.items()]
    values = frame.select(exprs)

    def bad(out: str, src: str) -> pl.Expr:
        mask = pl.col(out).is_null() | ~pl.col(out).is_finite().fill_null(False)
        if out in allow_missing:
            mask = mask & frame[src].str.strip_chars().fill_null("").ne("").alias("_")
        return mask

    # one pass counts the bad cells of every column; details are worked out only when there are some
    counts = values.select(bad(out, src).sum().alias(out) for out, src in columns.items()).row(0, named=True) \
        if columns else {}
    problems = []
    for out, src in columns.items():
        if not counts.get(out):
            continue
        rows = values.select(bad(out, src).arg_true()).to_series()
        raw = frame[src].gather(rows[:MAX_LINES_LISTED]).to_list()
        shown = ", ".join(f"line {table.line_of(r)} ({_describe(v)})" for r, v in zip(rows.to_list(), raw))
        more = f" and {len(rows) - MAX_LINES_LISTED} more" if len(rows) > MAX_LINES_LISTED else ""
        problems.append(f"column {src!r} has {len(rows)} NaN, Inf or non-numeric value(s): {shown}{more}")
    if problems:
        raise InputError("; ".join(problems), source=table.source)
    return values


def _describe(value: str | None) -> str:
    if value is None or not value.strip():
        return "empty"
    return repr(value.strip()[:20])
