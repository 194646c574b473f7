"""Delimited-text tables from cycler exports, with errors that name the line and the column.

Every text reader finds its header line, hands the bytes to :func:`parse_delimited`, then asks for
numbers with :func:`numbers`. Values are read as text and converted column by column, so a bad value
is reported with its line number instead of failing the whole parse.

>>> table = parse_delimited(b"t;v\\n0;3.1\\n1;3.2\\n", separator=";", source="x.csv")
>>> numbers(table, {"t": "t", "v": "v"})["v"].to_list()
[3.1, 3.2]
"""

from __future__ import annotations

import codecs
import io
import math
import re
from pathlib import Path
from typing import Any

import polars as pl

from cellbench.errors import InputError

#: how many bytes readers look at to recognise a format
HEAD_BYTES = 65536
#: how many bad lines an error message lists before it says "and N more"
MAX_LINES_LISTED = 10


class SkippedRows:
    """Rows that carry no measurement, dropped from a table: how many of each kind and where the first are.

    Kinds: ``blank`` (the measurement cells are empty: empty lines, separators only, a row with only an
    index), ``repeated header`` (the header line again, as exports split into pages write it) and
    ``marker`` (text such as ``Rest`` or ``Pause`` in place of numbers).
    """

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.first_lines: dict[str, list[int]] = {}

    def add(self, kind: str, line: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        lines = self.first_lines.setdefault(kind, [])
        if len(lines) < MAX_LINES_LISTED:
            lines.append(line)

    def __bool__(self) -> bool:
        return bool(self.counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def report(self) -> dict:
        """What ``metadata.extra["skipped_rows"]`` holds."""
        return {"count": self.total, "by_kind": dict(self.counts), "first_lines": {k: list(v) for k, v in
                                                                                 self.first_lines.items()}}


class DelimitedTable:
    """The data block of a delimited export: column names, the raw rows, and where they start.

    ``first_data_line`` is the 1-based file line of row 0. Columns are parsed on demand: numbers typed
    straight from the bytes (fast), text as strings; ``frame`` is every column as text.

    Rows that carry no measurement (see :func:`numbers`) are dropped once, the first time a reader asks
    for its measurement columns; from then on every column comes without them, ``line_of`` still gives
    each kept row's true file line, and ``skipped`` says what was dropped.
    """

    def __init__(self, frame: pl.DataFrame | None, source: str, first_data_line: int, *, body: bytes | None = None,
                 names: list[str] | None = None, separator: str = ",", path: Path | None = None,
                 trailing_blank_lines: int = 0, head: bytes | None = None):
        self.source = source
        self.first_data_line = first_data_line
        self.body = body
        # a large file is parsed by polars straight from disk (memory-mapped), skipping the lines above the data
        self.path = path
        self.trailing_blank_lines = trailing_blank_lines
        # the data block's first bytes (a file's, as its reader read them): a sample for type inference
        self._head = head if head is not None else (body[:HEAD_BYTES] if body is not None else b"")
        self.separator = separator
        self._frame = frame
        self.names = list(frame.columns) if frame is not None else list(names or [])
        #: raw row numbers of the rows kept (None: all rows kept)
        self._kept: pl.Series | None = None
        self.rows_checked = False
        #: rows dropped as carrying no measurement: kind -> count, and the first lines of each kind
        self.skipped = SkippedRows()
        #: canonical name -> the column header it was read from, for messages
        self.column_of: dict[str, str] = {}
        #: raw rows of text inside the data, the column line again or another (see :func:`refuse_a_second_test`)
        self.header_rows: list[tuple[int, str]] = []
        #: whether the rows were checked for cells past the last named column (done by the first parse)
        self.width_checked = frame is not None

    def line_of(self, row: int) -> int:
        return self._raw_line(int(self._kept[row]) if self._kept is not None else row)

    def _raw_line(self, raw_row: int) -> int:
        return self.first_data_line + raw_row

    def location(self, row: int) -> str:
        return f"line {self.line_of(row)}"

    @property
    def frame(self) -> pl.DataFrame:
        if self._frame is None:
            self._frame = self._read(self.names, pl.Utf8)
        return self._kept_rows(self._frame)

    def text(self, name: str) -> pl.Series:
        if self._frame is not None:
            return self._kept_rows(self._frame.select(name))[name]
        return self._kept_rows(self._read([name], pl.Utf8))[name]

    def typed(self, names: list[str], whole: tuple[str, ...] = ()) -> pl.DataFrame:
        """Columns parsed straight to numbers; raises polars' error on text that is not a number.

        Columns in ``whole`` (indices, counts) are parsed as polars infers them (whole numbers parse faster
        than floats; an index written ``1.0`` comes as floats); every other column as Float64.
        """
        if self._frame is not None or (self.body is None and self.path is None):
            return self.frame.select(pl.col(n).str.strip_chars().cast(pl.Float64) for n in names)
        # one contiguous chunk: polars reads in many, and every later pass (and to_numpy) pays per chunk
        frame = self._read(names, pl.Float64, infer=whole)
        inferred = [n for n in whole if n in frame.columns and not frame.schema[n].is_numeric()]
        if inferred:  # e.g. an empty first rows made polars infer text: strict cast, or the caller's text route
            frame = frame.with_columns(pl.col(n).str.strip_chars().cast(pl.Float64) for n in inferred)
        return self._kept_rows(frame)

    def drop_rows(self, drop: pl.Series, kinds: pl.Series) -> None:
        """Drop the rows marked in ``drop`` (over the rows kept so far), counting them by ``kinds``."""
        rows = drop.arg_true()
        raw = self._kept.gather(rows) if self._kept is not None else rows
        for kind, raw_row in zip(kinds.gather(rows).to_list(), raw.to_list()):
            self.skipped.add(kind, self._raw_line(raw_row))
            if kind in ("repeated header", "marker"):
                self.header_rows.append((raw_row, kind))
        kept = (~drop).arg_true()
        self._kept = self._kept.gather(kept) if self._kept is not None else kept

    def _kept_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame if self._kept is None else frame[self._kept]

    def _read(self, names: list[str], dtype: pl.DataType, infer: tuple[str, ...] = ()) -> pl.DataFrame:
        positions = sorted({self.names.index(n) for n in names})
        inferred = {self.names.index(n) for n in infer if n in self.names}
        width = len(self.names)
        auto = _autogenerated_names(width + 1)
        on_disk = self.body is None
        source: Path | bytes = self.body if self.body is not None else self._path()
        options: dict[str, Any] = dict(
            separator=self.separator, has_header=False, skip_rows=self.first_data_line - 1 if on_disk else 0,
            truncate_ragged_lines=True, quote_char=None, encoding="utf8" if dtype == pl.Float64 else "utf8-lossy",
            raise_if_empty=False)
        check_width = not self.width_checked
        try:
            if check_width:
                # The first read also takes the cell after the last named column: a row with more cells than the
                # column line (a separator inside a value) would otherwise be read shifted, in silence. Polars
                # reads a column beyond the first rows' width only with a schema that has it, so the columns it
                # would infer get the types it infers from those rows (its own inference, made explicit).
                types = {}
                if inferred:
                    first = self._first_rows()
                    sample = (pl.read_csv(first, n_rows=100, columns=sorted(inferred), **(options | {"skip_rows": 0}))
                              if first.strip() else pl.read_csv(source, n_rows=100, columns=sorted(inferred), **options))
                    types = dict(zip(sorted(inferred), sample.dtypes))
                # the cell past the last column as `dtype` too: a numbers read stays all numbers (a text cell there
                # fails it, and the caller's text route reads the rows again, checking them as text)
                schema = {auto[i]: types.get(i, dtype if i in positions or i == width else pl.Utf8)
                          for i in range(width + 1)}
                frame = pl.read_csv(source, columns=positions + [width], schema=schema, missing_columns="insert",
                                    **options)
            else:
                frame = pl.read_csv(source, columns=positions,
                                    schema_overrides={auto[i]: dtype for i in positions if i not in inferred},
                                    **options)
        except pl.exceptions.ComputeError:
            if dtype == pl.Float64:
                raise
            raise InputError("unreadable data block", source=self.source,
                             location=f"from line {self.first_data_line}") from None
        except Exception as exc:  # polars raises ShapeError/NoDataError variants for malformed text
            raise InputError(f"unreadable data block ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})",
                             source=self.source, location=f"from line {self.first_data_line}") from exc
        if self.trailing_blank_lines:
            frame = frame.slice(0, max(frame.height - self.trailing_blank_lines, 0))
        if check_width:
            self._refuse_rows_wider_than_the_header(frame[auto[width]])
            frame = frame.drop(auto[width])
        frame = frame.rename(dict(zip(frame.columns, [self.names[i] for i in positions])))
        for missing in (n for n in names if n not in frame.columns):
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(missing))
        return frame.select(names)

    def _path(self) -> Path:
        if self.path is None:
            raise ValueError(f"{self.source}: a table with neither bytes nor a file to parse")
        return self.path

    def _first_rows(self) -> bytes:
        """The data block's first whole lines (up to 64 KiB), for a quick look such as type inference."""
        cut = self._head.rfind(b"\n")
        return self._head[:cut + 1] if cut > 0 else self._head

    def _refuse_rows_wider_than_the_header(self, beyond: pl.Series) -> None:
        """Rows with a cell past the last named column, where other rows have none, hold a value split in two (a
        decimal comma in a comma-separated file, a stray separator): every later value of the row is in the
        wrong column. Refused with their lines. A cell there in every row is an unnamed last column (read as
        before: left out); empty cells (a trailing separator) are nothing."""
        self.width_checked = True
        if beyond.null_count() == beyond.len():  # the usual file: nothing past the last column
            return
        filled = beyond.cast(pl.Utf8).str.strip_chars().fill_null("") != ""
        count = int(filled.sum())
        if count == 0 or count == beyond.len():
            return
        rows = filled.arg_true().head(MAX_LINES_LISTED).to_list()
        lines = ", ".join(str(self._raw_line(r)) for r in rows) + (f" and {count - len(rows)} more"
                                                                  if count > len(rows) else "")
        raise InputError(f"{count} row(s) with more cells than the column line's {len(self.names)} (line(s) {lines}): "
                         "a value split by the separator (a decimal comma in a comma-separated file?) puts every "
                         "later value of the row in the wrong column; nothing was stored",
                         source=self.source, location=f"line {self._raw_line(rows[0])}")


def _autogenerated_names(count: int) -> list[str]:
    """Polars names header-less columns column_0… (older releases: column_1…); ask it once."""
    global _FIRST_AUTO_INDEX
    if _FIRST_AUTO_INDEX is None:
        _FIRST_AUTO_INDEX = int(pl.read_csv(io.BytesIO(b"x\n"), has_header=False).columns[0].rsplit("_", 1)[1])
    return [f"column_{i + _FIRST_AUTO_INDEX}" for i in range(count)]


_FIRST_AUTO_INDEX: int | None = None


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


#: two ideographs in a row: text in a Chinese code page, not a Western one read as such
_CJK_RUN = re.compile("[\u4e00-\u9fff]{2}")


def text_encoding(raw: bytes) -> str:
    """``utf-8``, ``gb18030`` or ``latin-1``: cycler software writes UTF-8 (with or without BOM) or the Windows
    code page of its language: GB18030/GBK for Chinese (Neware BTS, LAND in Chinese), cp1252 for Western ones
    (read as latin-1, which never fails). ``raw`` may be a file's head, cut inside a character."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        chinese = codecs.getincrementaldecoder("gb18030")().decode(raw, final=False)
    except UnicodeDecodeError:
        return "latin-1"
    return "gb18030" if _CJK_RUN.search(chinese) else "latin-1"


def decode(raw: bytes) -> str:
    """Text of a file or its head, in the encoding :func:`text_encoding` finds (a character cut at the end of a
    head is left out)."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    encoding = text_encoding(raw)
    if encoding == "latin-1":
        return raw.decode("latin-1")
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw, final=False)


def as_utf8(raw: bytes) -> bytes:
    """A whole file's bytes in UTF-8, for polars (a GB18030 export is transcoded; others are left as they are)."""
    if text_encoding(raw[:HEAD_BYTES]) != "gb18030":
        return raw
    return raw.removeprefix(b"\xef\xbb\xbf").decode("gb18030", errors="replace").encode("utf-8")


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
    raw = as_utf8(raw)
    start = line_offset(raw, header_line - 1)
    body = raw[start:] if start else raw
    if strip_quotes or _quoted(body[:body.find(b"\n")]):
        # Novonix quotes each whole row, spreadsheets and scripts each field; no field of a cycler export holds
        # the separator, so quotes carry no meaning
        body = body.replace(b'"', b"")
    if b"\r" in body[:65536]:
        body = body.replace(b"\r\n", b"\n")
    header_end = body.find(b"\n")
    if header_end < 0:
        raise InputError("no data rows after the header line", source=source, location=f"line {header_line}")
    header = body[:header_end]
    rest = body[header_end + 1:]
    if decimal_comma(rest[:HEAD_BYTES], separator):
        rest = rest.replace(b",", b".")
    skipped = 0
    while rest[:1] in (b"\n",) or (rest[:1].isspace() and rest[:max(rest.find(b"\n"), 0)].strip() == b""):
        nl = rest.find(b"\n")
        if nl < 0:
            rest = b""
            break
        rest = rest[nl + 1:]
        skipped += 1
    first_data_line = header_line + 1 + skipped
    rest = _without_trailing_blank_lines(rest)
    if not rest[:65536].strip() and not rest[65536:].strip():
        raise InputError("no data rows after the header line", source=source, location=f"line {header_line}")
    _check_truncation(rest, separator.encode(), source, first_data_line)
    names = _unique_names([n.strip() for n in decode(header).split(separator)])
    return DelimitedTable(None, source, first_data_line, body=rest, names=names, separator=separator)


#: files above this size are parsed from disk; smaller ones from bytes (simpler, and as fast)
FILE_PARSE_MIN_BYTES = 4 * HEAD_BYTES

_COMMA_DECIMAL = re.compile(rb"^\s*[-+]?\d+,\d+(?:[eE][-+]?\d+)?\s*$")
_POINT_DECIMAL = re.compile(rb"^\s*[-+]?\d*\.\d+(?:[eE][-+]?\d+)?\s*$")


def column_separator(line: str | bytes) -> str:
    """The separator of a column line: whichever of comma, ';' (a spreadsheet's re-save in a European locale)
    and tab (text exports) it holds most of."""
    text = line.decode("latin-1") if isinstance(line, bytes) else line  # counts ASCII separators in any code page
    return max((",", ";", "\t"), key=text.count)


def decimal_comma(sample: bytes, separator: str) -> bool:
    """True when the numbers of a data block are written with a decimal comma (a German or French Windows
    locale: ``3,1415``), seen in its first rows: comma decimals and no point decimals. Never with ``,`` as
    the separator; dates such as ``13.05.2017`` are not point decimals."""
    if separator == ",":
        return False
    cells = [c for line in sample.split(b"\n")[:50] for c in line.split(separator.encode())]
    return any(_COMMA_DECIMAL.match(c) for c in cells) and not any(_POINT_DECIMAL.match(c) for c in cells)


def _quoted(header: bytes) -> bool:
    """A column line whose every name is in double quotes."""
    header = header.strip().removeprefix(b"\xef\xbb\xbf")
    return len(header) > 1 and header.startswith(b'"') and header.endswith(b'"')


def read_head(path: str | Path, size: int = HEAD_BYTES) -> bytes:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(size)
    except OSError:
        return read_bytes(path)  # raises the InputError that says why


def parse_delimited_file(path: str | Path, *, separator: str, source: str, header_line: int = 1) -> DelimitedTable:
    """:func:`parse_delimited` for a file on disk, without loading a large file into Python: only its
    first and last 64 KiB are read here (header, blank lines after it, truncation and trailing blank
    lines); polars parses the rows straight from the file."""
    path = Path(path)
    size = path.stat().st_size if path.is_file() else 0
    if size <= FILE_PARSE_MIN_BYTES:
        return parse_delimited(read_bytes(path), separator=separator, source=source, header_line=header_line)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    start = line_offset(head, header_line - 1)
    if text_encoding(head) == "gb18030" or _quoted(head[start:head.find(b"\n", start)]) \
            or decimal_comma(head[head.find(b"\n", start) + 1:], separator):
        # polars reads UTF-8 with the data as written: a Chinese code page, quotes or decimal commas are
        # rewritten in memory first
        return parse_delimited(read_bytes(path), separator=separator, source=source, header_line=header_line)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        fh.seek(max(size - HEAD_BYTES, 0))
        tail = fh.read()
    start = line_offset(head, header_line - 1)
    header_end = head.find(b"\n", start)
    if header_end < 0:
        # a header beyond the first 64 KiB: the bytes path handles every case
        return parse_delimited(read_bytes(path), separator=separator, source=source, header_line=header_line)
    header = head[start:header_end].rstrip(b"\r")
    position, skipped = header_end + 1, 0
    while (nl := head.find(b"\n", position)) >= 0 and not head[position:nl].strip():
        position, skipped = nl + 1, skipped + 1
    first_data_line = header_line + 1 + skipped
    kept = tail.rstrip(b" \t\r\n")
    trailing_blank_lines = max(tail[len(kept):].count(b"\n") - 1, 0)
    last_lines = kept.rsplit(b"\n", 2)
    if len(last_lines) >= 2:
        previous, last = last_lines[-2].rstrip(b"\r"), last_lines[-1]
        sep = separator.encode()
        if last.count(sep) < previous.rstrip(sep).count(sep):
            with path.open("rb") as fh:
                line_no = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) \
                    - trailing_blank_lines + (0 if tail.endswith(b"\n") else 1)
            raise InputError(f"truncated last line: {last.count(sep) + 1} fields where the line before has "
                             f"{previous.rstrip(sep).count(sep) + 1} (the file ends mid-row)",
                             source=source, location=f"line {line_no}")
    names = _unique_names([n.strip() for n in decode(header).split(separator)])
    return DelimitedTable(None, source, first_data_line, names=names, separator=separator, path=path,
                          trailing_blank_lines=trailing_blank_lines, head=head[position:])


def _without_trailing_blank_lines(body: bytes) -> bytes:
    """Exports often end with an empty line or two; they are not rows. Looks at the tail only, so a
    large body is copied only when there is something to cut."""
    tail = body[-65536:]
    offset = len(body) - len(tail)
    end = len(tail)
    while end:
        stripped_end = len(tail[:end].rstrip(b"\n"))
        start = tail.rfind(b"\n", 0, stripped_end) + 1
        if stripped_end > start and tail[start:stripped_end].strip():
            cut = offset + stripped_end
            return body if cut == len(body) - 1 and body.endswith(b"\n") else body[:cut] + b"\n"
        if start == 0 and offset:
            return body  # a blank tail longer than 64 KiB: leave it to the row checks
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
    stripped = rest[-65536:].rstrip(b"\r\n")
    lines = stripped.rsplit(b"\n", 2)
    if len(lines) < 2:
        return
    previous, last = lines[-2], lines[-1]
    if last.count(sep) < previous.rstrip(sep).count(sep):
        line_no = first_data_line + rest.rstrip(b"\r\n").count(b"\n")
        raise InputError(f"truncated last line: {last.count(sep) + 1} fields where the line before has "
                         f"{previous.rstrip(sep).count(sep) + 1} (the file ends mid-row)",
                         source=source, location=f"line {line_no}")


def find_columns(table: DelimitedTable, wanted: dict[str, tuple[str, ...]], *, required: tuple[str, ...] = ()
                 ) -> dict[str, str]:
    """Map each key of ``wanted`` to the first of its candidate column names present (case-insensitive).

    Keys listed in ``required`` must be found, else :class:`InputError` names the missing column(s).
    """
    lower = {c.lower(): c for c in table.names}
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


#: canonical columns that are auxiliary readings of the test (a thermocouple, the tester's resistance pulse), not
#: the cell's time, voltage or current: a cell of them that is NaN, Inf or text is no error (see ``numbers``)
AUXILIARY = ("surface_temperature_celsius", "ambient_temperature_celsius", "internal_resistance_ohm")


def numbers(table: DelimitedTable, columns: dict[str, str], *, allow_missing: tuple[str, ...] = (),
            measured: tuple[str, ...] = (), whole: tuple[str, ...] = ()) -> pl.DataFrame:
    """Convert columns to Float64 (out name -> column in file), applying cellbench's row policy.

    The policy, the same for every text reader:

    * a row that carries **no measurement** — none of the ``measured`` columns (a reader's required
      ones: time, voltage, current) holds a number — is dropped from the table and counted in
      ``table.skipped`` by kind: blank lines and rows of separators, repeated header rows, markers such as
      ``Rest`` written in place of numbers;
    * a row that carries a **bad measurement** — an empty, NaN, Inf or non-numeric cell in a row that
      does carry one — raises :class:`InputError` naming every such line and column (``allow_missing``
      columns may be empty, nothing else), so nothing of the file is stored;
    * an **auxiliary reading** (:data:`AUXILIARY`: temperatures, internal resistance) that is NaN, Inf or
      text is a reading the instrument did not make (a thermocouple unplugged, an overrange), not a bad
      measurement of the cell: no error; text comes as NaN, and ``canonical.to_measurement`` (for every
      reader) leaves such cells empty and counts them in the warnings.

    Fast path: polars parses the bytes straight to numbers (``whole``: index columns, as polars infers
    them). Only when that fails (some cell is text) are the columns read as text, to classify the rows and
    name the bad cells.
    """
    sources = list(dict.fromkeys(columns.values()))
    junk: dict[str, pl.Series] = {}
    text: pl.DataFrame | None = None
    try:
        typed = table.typed(sources, tuple(columns[o] for o in whole if o in columns))
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        text = pl.DataFrame([table.text(src) for src in sources])
        typed = text.select(pl.col(src).str.strip_chars().cast(pl.Float64, strict=False) for src in sources)
        junk = {src: typed[src].is_null() & text[src].str.strip_chars().fill_null("").ne("") for src in sources}
    measured_sources = list(dict.fromkeys(columns[o] for o in measured if o in columns))
    if measured_sources and not table.rows_checked:
        table.rows_checked = True
        # null counts are kept by polars: a file without empty cells costs nothing here
        no_measurement = typed.select(pl.all_horizontal(pl.col(src).is_null() for src in measured_sources)
                                      ).to_series() if all(typed[src].null_count() for src in measured_sources) \
            else None
        if no_measurement is not None and no_measurement.any():
            table.drop_rows(no_measurement, _row_kinds(text, measured_sources, typed.height))
            keep = ~no_measurement
            typed = typed.filter(keep)
            junk = {src: mask.filter(keep) for src, mask in junk.items()}
            text = text.filter(keep) if text is not None else None
    for out, src in columns.items():
        table.column_of.setdefault(out, src)
    values = typed.select(pl.col(src).alias(out) for out, src in columns.items())
    if "test_time_second" in values.columns:
        refuse_a_second_test(table, values["test_time_second"])
    auxiliary = {out: src for out, src in columns.items() if out in AUXILIARY}
    text_readings = {out: junk[src] for out, src in auxiliary.items() if src in junk}
    if text_readings:
        values = values.with_columns(pl.when(pl.lit(mask)).then(float("nan")).otherwise(pl.col(out)).alias(out)
                                     for out, mask in text_readings.items())
    checked = {out: src for out, src in columns.items() if out not in auxiliary}

    def bad(out: str, src: str) -> pl.Expr:
        if out in allow_missing:
            mask = pl.col(out).is_not_null() & ~pl.col(out).is_finite()
        else:
            mask = pl.col(out).is_null() | ~pl.col(out).is_finite().fill_null(False)
        if src in junk:
            mask = mask | pl.lit(junk[src])
        return mask

    # finite cells of every column, counted: a column whose sum is finite has no NaN or Inf (they carry into the
    # sum), and a sum is a faster pass than a mask; only the others (or a sum that overflowed) are counted cell by
    # cell. The bad cells themselves are worked out only when there are some.
    sums = values.select(pl.col(out).sum() for out in checked).row(0, named=True) if checked else {}
    finite = {out: values.height - values[out].null_count() for out in checked}
    suspect = [out for out in checked if sums[out] is None or not math.isfinite(sums[out])]
    if suspect:
        finite.update(values.select(pl.col(out).is_finite().sum() for out in suspect).row(0, named=True))
    counts = {out: values.height - finite[out] - (values[out].null_count() if out in allow_missing else 0)
              + (int(junk[src].sum()) if src in junk and out in allow_missing else 0)
              for out, src in checked.items()}
    problems = []
    for out, src in checked.items():
        if not counts.get(out):
            continue
        rows = values.select(bad(out, src).arg_true()).to_series()
        raw = table.text(src).gather(rows[:MAX_LINES_LISTED]).to_list()
        shown = ", ".join(f"line {table.line_of(r)} ({_describe(v)})" for r, v in zip(rows.to_list(), raw))
        more = f" and {len(rows) - MAX_LINES_LISTED} more" if len(rows) > MAX_LINES_LISTED else ""
        problems.append(f"column {src!r} has {len(rows)} NaN, Inf or non-numeric value(s): {shown}{more}")
    if problems:
        raise InputError("; ".join(problems), source=table.source)
    return values


def refuse_a_second_test(table: DelimitedTable, time: pl.Series) -> None:
    """The column line again inside the data is a page break of one export (the test time goes on), and a line
    of text a marker, unless the test time starts again after it: then a second test follows in the same file
    (two exports in one, a test restarted and appended, under the same column line or another), which read on
    would pass for later steps of the first. An ``InputError``: one Measurement is one test. ``time``: the test
    time of the rows kept (any unit, as long as it is one)."""
    if not table.header_rows or time.len() == 0:
        return
    kept = table._kept
    if kept is None:
        return
    for raw, kind in table.header_rows:
        after = int(kept.search_sorted(raw))
        if after == 0 or after >= kept.len():
            continue
        before_value, after_value = time[after - 1], time[after]
        if before_value is not None and after_value is not None and after_value < before_value:
            line = table._raw_line(raw)
            raise InputError(
                f"a second test from line {table.line_of(after)}: "
                f"{'the column line again' if kind == 'repeated header' else 'a line of text'} at line {line}, then the "
                f"test time starts again ({after_value:g} after {before_value:g} at line {table.line_of(after - 1)});"
                " export each test to its own file. Nothing was read", source=table.source, location=f"line {line}")


#: a column of a reading of its own (a temperature, an auxiliary voltage or channel, a pressure), as vendors name
#: them: ``Aux_Temperature_2(C)``, ``Temp2``, ``T2``, ``V1(V)``, ``Aux #1``, ``Ece/V``
_READING = re.compile(r"temp|^t\d+\b|aux|^v\d+\b|\bece\b|pressure|humidity|温度|辅助", re.IGNORECASE)
#: ... but not what is worked out from one (a rate, a step's start or end value, an average, a maximum, a
#: difference: BTS's "Aux. ΔV", written "Aux. ?V" where the Δ was lost) nor its unit column
_NOT_A_READING = re.compile(r"d\w*/d\w|/dt\b|rate|onset|oneset|\bend\b|max|min|\bave\b|avg|spec\.|Δ|\?[a-z]"
                            r"|^\s*units?\s*$", re.IGNORECASE)


def note_unread_readings(extra: dict, rows) -> None:
    """Name in ``extra["warnings"]`` the columns of readings the reader did not read (the canonical table keeps
    one surface and one ambient temperature: a second thermocouple, auxiliary voltages, a pressure have no column
    there), so that no measurement is left behind in silence. ``rows``: the table, or the sheets
    (``workbook.SheetRows``), after the reader took its columns."""
    tables = getattr(rows, "tables", None) or [rows]
    unread: list[str] = []
    for table in tables:
        taken = set(table.column_of.values())
        unread += [n for n in table.names if n not in taken and n.strip() and _READING.search(n)
                   and not _NOT_A_READING.search(n)]
    if unread:
        names = ", ".join(map(repr, dict.fromkeys(unread)))
        extra["warnings"] = [*extra.get("warnings", []),
                             f"column(s) {names}: readings (temperatures, auxiliary channels) the canonical table has "
                             "no column for, not read"]


def _row_kinds(text: pl.DataFrame | None, sources: list[str], height: int) -> pl.Series:
    """For each row, why it carries no measurement: ``repeated header``, ``blank`` or ``marker``."""
    if text is None:  # every cell parsed as a number or was empty: the dropped rows are blank
        return pl.Series("kind", ["blank"] * height)
    cells = [pl.col(src).str.strip_chars().fill_null("") for src in sources]
    header = pl.all_horizontal(cell.str.strip_chars_start("~#") == src.strip().lstrip("~#")
                               for cell, src in zip(cells, sources))
    blank = pl.all_horizontal(cell == "" for cell in cells)
    return text.select(pl.when(header).then(pl.lit("repeated header")).when(blank).then(pl.lit("blank"))
                       .otherwise(pl.lit("marker")).alias("kind")).to_series()


def _describe(value: str | None) -> str:
    if value is None or not value.strip():
        return "empty"
    return repr(value.strip()[:20])
