"""Neware BTS exports: the flat record CSV (or XLSX, sheet ``record``) and the nested cycle / step /
record CSV.

Flat export (BTS 8 "Record" sheet saved as CSV; cellpy's ``neware_uio.csv``)::

    DataPoint,Cycle Index,Step Index,Step Type,Time,Cumulative Time,Current(A),Voltage(V),Capacity(Ah),
    Chg. Cap.(Ah),DChg. Cap.(Ah),Energy(Wh),Chg. Energy(Wh),DChg. Energy(Wh),Date,Power(W),...

Nested export (BTS 7 "cycle-step-record" layout, and BTS 8.5's "regular export"): a cycle row, then its
step rows shifted one column right, then each step's record rows shifted two columns right, each level
with its own header (comma or tab separated; BTS 8.5 names them ``Cycle Index``/``Step Index``/
``Record Index`` or ``DataPoint``, writes ``Step Type`` for the step's name and ``Chg. Time``/
``DChg. Time`` as text in the cycle rows, which are not read)::

    Cycle ID,Cap_Chg(mAh),Cap_DChg(mAh),...
    ,Step ID,Step Name,Step Time,...
    ,,Record ID,Time(h:min:s.ms),Voltage(V),Current(mA),Temperature(C),Capacity(mAh),Energy(mWh),Realtime

Units come from the headers (``(A)``/``(mA)``, ``(Ah)``/``(mAh)``). Current is negative on discharge.
The charge/discharge counters restart at each step. Times are ``h:mm:ss`` text (hours may exceed 24;
BTS 8 may prefix days ``1d 02:03:04``) or numbers with their unit in the header (``Total Time(h)``). ``Date``/``Realtime`` is the tester's local time, no zone.
"""

from __future__ import annotations

import bisect
import re
from datetime import datetime
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, _normal, duration_seconds, extract, split_unit, text_column
from cellbench.measurements.readers.counters import segment_starts
from cellbench.measurements.readers.tabular import (DelimitedTable, column_separator, decode, head_lines,
                                                    note_unread_readings, parse_delimited_file, read_bytes,
                                                    read_head, refuse_a_second_test)
from cellbench.measurements.readers.workbook import (SheetRows, another_record, continued_tables, first_row,
                                                     sheet_names)

FORMAT = "neware"

# BTS in Chinese writes the same columns with Chinese names (and the file in GB18030): 电压 voltage, 电流 current,
# 循环号 cycle, 工步号 step, 工步类型 step type, 充电/放电容量 charge/discharge capacity, 总时间 total time, 绝对时间 date
FLAT_FIELDS = [
    Field(S.VOLTAGE, ("Voltage", "电压"), "voltage", "V", required=True),
    Field(S.CURRENT, ("Current", "Cur", "电流"), "current", "A", required=True),
    Field(S.CYCLE, ("Cycle Index", "Cycle ID", "Cycle", "循环号", "循环序号"), "dimensionless"),
    Field(S.STEP, ("Step Index", "Step ID", "Step", "工步号", "工步序号"), "dimensionless"),
    # BTS 7 names the split counters Capacitance_Chg/Capacitance_DChg and Engy_Chg/Engy_DChg
    Field(C.VENDOR_CHARGE_CAPACITY, ("Chg. Cap.", "Charge Capacity", "Chg Cap", "Capacitance_Chg", "充电容量"),
          "capacity", "Ah"),
    Field(C.VENDOR_DISCHARGE_CAPACITY, ("DChg. Cap.", "Discharge Capacity", "DChg Cap", "Capacitance_DChg", "放电容量"),
          "capacity", "Ah"),
    Field(C.VENDOR_CHARGE_ENERGY, ("Chg. Energy", "Charge Energy", "Engy_Chg", "充电能量"), "energy", "Wh"),
    Field(C.VENDOR_DISCHARGE_ENERGY, ("DChg. Energy", "Discharge Energy", "Engy_DChg", "放电能量"), "energy", "Wh"),
    Field(S.CELL_TEMPERATURE, ("T1", "Temperature", "Aux. T1", "温度"), "temperature", "degC"),
]
_TOTAL_TIME = ("Cumulative Time", "Total Time", "Test Time", "总时间")
#: time within the step, when no total time is written (BTS 7's Detail sheet)
_STEP_TIME = ("Relative Time", "Step Time")
_STEP_TYPE = ("Step Type", "Status", "工步类型")
_DATE = ("Date", "Realtime", "Absolute Time", "绝对时间", "系统时间")
_STEP_TYPES = {"rest": "rest", "cc chg": "charge", "cccv chg": "charge", "cv chg": "cv-hold",
               "cc dchg": "discharge", "cccv dchg": "discharge", "cv dchg": "cv-hold", "cp dchg": "discharge",
               "cp chg": "charge",
               "搁置": "rest", "静置": "rest", "恒流充电": "charge", "恒流恒压充电": "charge", "恒压充电": "cv-hold",
               "恒流放电": "discharge", "恒流恒压放电": "discharge", "恒压放电": "cv-hold", "恒功率放电": "discharge",
               "恒功率充电": "charge"}


#: sheets holding the records: BTS 8's ``record`` and its continuations (``record1``, ``record_2``, ``record(2)``),
#: BTS 7's ``Detail_<unit>_<box>_<channel>`` and, past Excel's row limit, its further ``Detail_…`` sheets
_RECORD_SHEET = re.compile(r"(?:record|detail)(?:[\s_\-]*\(?\d+\)?)*", re.IGNORECASE)
#: sheets of auxiliary channels (BTS 7's ``DetailTemp_…``, ``DetailVol_…``): measurements this reader does not read
_AUXILIARY_SHEET = re.compile(r"temp|vol|aux|温度|电压", re.IGNORECASE)


def _record_sheets(names: list[str], path: Path | str | None = None) -> list[str]:
    """The sheets of records in order: by their names, else the first sheet whose columns are Neware's record
    columns (the record table exported alone on a sheet named after the test, sheets named in another language)
    and the sheets after it that repeat its column line."""
    named = [n for n in names if _RECORD_SHEET.fullmatch(n.strip())]
    if named or path is None:
        # in the order of their numbers (Detail_67_1_2 before Detail_67_1_10)
        return sorted(named, key=lambda n: [int(d) for d in re.findall(r"\d+", n)])
    for at, name in enumerate(names[:MAX_SHEETS_LOOKED_AT]):
        cells = first_row(Path(path), name)
        # the step table has Neware's names too, but its voltages are a step's start and end
        if _neware_columns(",".join(cells)) and any(_normal(split_unit(c)[0]) in ("voltage", "电压") for c in cells):
            return [name, *(n for n in names[at + 1:] if first_row(Path(path), n) == cells)]
    return []


#: how many sheets of a workbook without a named record sheet are looked into
MAX_SHEETS_LOOKED_AT = 8


def _neware_columns(first: str) -> bool:
    """A column line only Neware's record table writes (English, Chinese, or BTS 7's Detail sheet)."""
    if "Step Type" in first and ("Chg. Cap" in first or "DChg. Cap" in first):
        return True
    if "工步类型" in first and ("充电容量" in first or "放电容量" in first):
        return True
    return "JumpTo" in first and "Status" in first and "Cur(" in first  # BTS 7's Detail sheet


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    sheets = sheet_names(head, path)
    if sheets is not None:
        return bool(_record_sheets(sheets, path))
    lines = head_lines(head, 3)
    if not lines:
        return False
    return _neware_columns(lines[0]) or _is_nested(lines)


_NESTED_LEVELS = (("Cycle ID", "Cycle Index", "Cycle"), ("Step ID", "Step Index", "Step"),
                  ("Record ID", "Record Index", "DataPoint", "Data Point", "Record"))


def _separator(line: str) -> str:
    return "\t" if line.count("\t") > line.count(",") else ","


def _is_nested(lines: list[str]) -> bool:
    """Three header lines, the n-th shifted n cells right: cycle, step, record (BTS 7 and BTS 8.x)."""
    if len(lines) < 3:
        return False
    separator = _separator(lines[0])
    for depth, (line, names) in enumerate(zip(lines, _NESTED_LEVELS)):
        cells = [c.strip().strip('"') for c in line.lstrip("\ufeff").split(separator)]
        if len(cells) <= depth or any(cells[:depth]) or cells[depth] not in names:
            return False
    return True


def read(path: str | Path) -> Measurement:
    path = Path(path)
    raw = read_head(path)
    sheets = sheet_names(raw[:8], path)
    if sheets is not None:
        records = _record_sheets(sheets, path)
        if not records:
            raise InputError("Neware workbook without a record sheet ('record', 'Detail_…', or a sheet with Neware's "
                             "record columns)", source=str(path))
        tables, left_out = continued_tables(path, records)
        warnings = [another_record(records[:len(tables)], left_out)] if left_out else []
        auxiliary = [n for n in sheets if n not in records and _AUXILIARY_SHEET.search(n)]
        if auxiliary:
            warnings.append(f"sheet(s) {', '.join(map(repr, auxiliary))} of auxiliary channels (temperatures, "
                            "voltages) not read: only the record sheets' columns are")
        return _read_flat(path, tables, "neware-xlsx", warnings)
    lines = head_lines(raw[:8192], 3)
    if _is_nested(lines):
        return _read_nested(path, read_bytes(path))
    # commas as BTS writes them, tabs (BTS 8.5), or ';' (a spreadsheet's re-save in a European locale)
    separator = column_separator(raw[:2048].split(b"\n", 1)[0])
    return _read_flat(path, [parse_delimited_file(path, separator=separator, source=str(path))], "neware-flat")


def _read_flat(path: Path, tables: list[DelimitedTable], file_format: str,
               warnings: list[str] | None = None) -> Measurement:
    """The record table, of one file or of several sheets that continue it."""
    parts = [_flat_values(table) for table in tables]
    values = pl.concat([part[0] for part in parts], how="diagonal_relaxed")
    units, notes, by_step = parts[0][1], parts[0][2], parts[0][3]
    if by_step:
        values = _nested_test_time(values).drop("_step_s")
    rows = SheetRows(tables, [part[0].height for part in parts]) if len(tables) > 1 else tables[0]
    start = _first_timestamp(text_column(tables[0], _DATE))
    return _finish(values, units, str(path), file_format, start, rows, notes, warnings)


def _flat_values(table: DelimitedTable) -> tuple[pl.DataFrame, dict, list[str], bool]:
    """One table's columns: its values, units as recorded, notes, and whether the time is each step's."""
    source = table.source
    values, units = extract(table, FLAT_FIELDS, allow_missing=(S.CELL_TEMPERATURE,))
    if C.VENDOR_CHARGE_CAPACITY not in values.columns and C.VENDOR_DISCHARGE_CAPACITY not in values.columns:
        # exported with an active mass, BTS gives the split counters only per gram (Chg. Spec. Cap.(mAh/g)); its
        # unsigned per-step Capacity / Energy then count charge or discharge as the current flows (as nested exports)
        step_counters, step_units = extract(table, _STEP_COUNTERS)
        values = values.with_columns(step_counters).with_columns(_split_by_current(step_counters.columns))
        values = values.drop("step_capacity", "step_energy", strict=False)
        units |= {out: step_units[counter] for counter, outs in _SPLIT.items() if counter in step_units for out in outs}
    notes: list[str] = []
    total = _header(table, _TOTAL_TIME)
    step_time = _header(table, _STEP_TIME) if total is None else None
    if total is not None:
        seconds, units[S.TIME] = duration_seconds(table, total)
        refuse_a_second_test(table, seconds)
        values = values.with_columns(seconds.alias(S.TIME))
    elif step_time is not None:
        # BTS 7's Detail sheet gives only the time within each step ("Relative Time(h:min:s.ms)"): test time is
        # worked out once the sheets are one table (a step may go on over the next sheet)
        seconds, units[S.TIME] = duration_seconds(table, step_time)
        values = values.with_columns(seconds.alias("_step_s"))
        notes.append(f"no total time column: test time is each step's {step_time!r} added to the steps' before it "
                     "(each step lasting to its last record)")
    else:
        raise InputError(f"missing column {_TOTAL_TIME[0]!r} (or {', '.join(map(repr, _TOTAL_TIME[1:]))})",
                         source=source, location="header")
    step_type = text_column(table, _STEP_TYPE)
    if step_type is not None:
        values = values.with_columns(_canonical_step_type(step_type).alias(S.STEP_TYPE))
    return values, units, notes, step_time is not None


_STEP_COUNTERS = [Field("step_capacity", ("Capacity", "容量"), "capacity", "Ah"),
                  Field("step_energy", ("Energy", "能量"), "energy", "Wh")]
_SPLIT = {"step_capacity": (C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
          "step_energy": (C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)}


def _split_by_current(present: list[str]) -> list[pl.Expr]:
    """Unsigned per-step counters as charge and discharge counters, by the direction of the current."""
    return [pl.when(pl.col(S.CURRENT) > 0 if out == charge else pl.col(S.CURRENT) < 0).then(pl.col(counter).abs())
            .otherwise(0.0).alias(out) for counter, (charge, discharge) in _SPLIT.items() if counter in present
            for out in (charge, discharge)]


def _finish(values: pl.DataFrame, units: dict, source: str, file_format: str, start: datetime | None,
            table: DelimitedTable | SheetRows, notes: list[str] | None = None,
            warnings: list[str] | None = None) -> Measurement:
    values = values.with_columns(pl.col(c).cast(pl.Int64) for c in (S.CYCLE, S.STEP) if c in values.columns)
    extra: dict = {"assumptions": ["Neware's Date/Realtime has no time zone; start_time is the tester's local time",
                                   *(notes or [])]}
    if warnings:
        extra["warnings"] = warnings
    units = {S.TIME: "h:mm:ss"} | units
    metadata = MeasurementMetadata(vendor="Neware", file_format=file_format, source_file=source,
                                   start_time=start, units_as_recorded=units, extra=extra)
    keys = [k for k in (S.CYCLE, S.STEP) if k in values.columns]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    note_unread_readings(metadata.extra, table)
    return C.to_measurement(values, metadata, restarts, rows=table)


def _header(table: DelimitedTable, names: tuple[str, ...]) -> str | None:
    """The first header whose name (its unit aside) is one of ``names``."""
    wanted = {_normal(n) for n in names}
    return next((h for h in table.names if _normal(split_unit(h)[0]) in wanted or _normal(h) in wanted), None)


def _canonical_step_type(text: pl.Series) -> pl.Series:
    lowered = text.str.to_lowercase().str.replace_all("_", " ", literal=True)  # BTS 7 writes CC_Chg
    return lowered.replace_strict(_STEP_TYPES, default=lowered)


def _first_timestamp(text: pl.Series | None) -> datetime | None:
    if text is None or text.len() == 0:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S%.f"):
        try:
            return datetime.strptime(text[0], fmt.replace("%.f", ".%f"))
        except (ValueError, TypeError):
            continue
    return None


def _read_nested(path: Path, raw: bytes) -> Measurement:
    """Keep the record rows (two leading empty cells); carry cycle and step ids down from their rows."""
    source = str(path)
    # BTS 7 may quote every cell; no cell of the export holds the separator, so quotes carry no meaning
    text = decode(raw).replace("\r\n", "\n").replace('"', "")
    lines = text.split("\n")
    separator = _separator(lines[0])
    step_header = [c.strip() for c in lines[1].split(separator)][1:]
    # BTS 7 names the step "Step Name", BTS 8.x "Step Type"; either sits somewhere in the step header
    name_at = next((i for i, h in enumerate(step_header) if h in ("Step Name", "Step Type")), 1) + 1
    # BTS 7 may write a step header of "Step ID" and the step's DCIR only: no names
    named_steps = len(step_header) >= name_at and bool(step_header[name_at - 1])
    record_header = [c.strip() for c in lines[2].split(separator)][2:]
    cycle_width = len(lines[0].split(separator))
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    cycle = step = None
    step_name = ""
    # the three column lines again: a page break of the export, or a second test appended (see below)
    headers = [h.lstrip("\ufeff").strip() for h in lines[:3]]
    repeated: list[tuple[int, int]] = []  # (line, number of record rows before it)
    header_lines: list[int] = []
    for number, line in enumerate(lines[3:], start=4):
        if not line.strip():
            continue
        if line.strip() in headers:
            header_lines.append(number)
            if line.strip() == headers[0]:
                repeated.append((number, len(rows)))
            continue
        cells = line.split(separator)
        if cells[0].strip():
            cycle = cells[0].strip()
            first_step = cells[cycle_width:]
            if first_step and first_step[0].strip():
                # BTS 8.5 writes a cycle's first step on the cycle's own line, after the cycle's cells
                step = first_step[0].strip()
                step_name = first_step[name_at - 1].strip() if len(first_step) >= name_at else ""
        elif len(cells) > 1 and cells[1].strip():
            step = cells[1].strip()
            step_name = cells[name_at].strip() if len(cells) > name_at else ""
        else:
            record = [c.strip() for c in cells[2:]]
            if len(record) < len(record_header):
                raise InputError(f"record row has {len(record)} fields, the record header has {len(record_header)}"
                                 " (truncated line?)", source=source, location=f"line {number}")
            rows.append([cycle or "", step or "", step_name] + record[:len(record_header)])
            line_numbers.append(number)
    if not rows:
        raise InputError("nested Neware export without record rows", source=source)
    columns = ["Cycle ID", "Step ID", "Step Name"] + record_header
    frame = pl.DataFrame(rows, schema=columns, orient="row")
    table = DelimitedTable(frame, source, line_numbers[0])
    if line_numbers[-1] - line_numbers[0] != len(line_numbers) - 1:
        # line numbers in messages must stay true although step and cycle rows sit between records
        table = _LineMappedTable(frame, source, line_numbers[0], line_numbers)
    for number in header_lines:
        table.skipped.add("repeated header", number)
    split = _header(table, ("Capacitance_Chg",)) is not None and _header(table, ("Capacitance_DChg",)) is not None
    if split:
        # BTS 7's records carry the split counters (its unsigned Capacity/Energy columns may be left empty)
        fields = FLAT_FIELDS
    else:
        fields = [f for f in FLAT_FIELDS if f.out not in (C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY,
                                                          C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)]
        fields.append(Field("step_capacity", ("Capacity",), "capacity", "Ah"))
        fields.append(Field("step_energy", ("Energy",), "energy", "Wh"))
    values, units = extract(table, fields, allow_missing=(S.CELL_TEMPERATURE,))
    if named_steps:
        values = values.with_columns(_canonical_step_type(table.text("Step Name").str.strip_chars())
                                     .alias(S.STEP_TYPE))
    total = _header(table, _TOTAL_TIME)
    if total is not None:
        seconds, units[S.TIME] = duration_seconds(table, total)
        values = values.with_columns(seconds.alias(S.TIME))
    else:
        step_time = _header(table, ("Time", "Relative Time", "Step Time"))
        if step_time is None:
            raise InputError("missing column 'Time(h:min:s.ms)' in the record header", source=source,
                             location="line 3")
        seconds, units[S.TIME] = duration_seconds(table, step_time)
        values = _nested_test_time(values.with_columns(seconds.alias("_step_s")))
    if repeated:
        _refuse_a_second_nested_test(table, values[S.TIME], values[S.CYCLE] if S.CYCLE in values.columns else None,
                                     repeated, line_numbers)
    charging = pl.col(S.CURRENT) > 0
    discharging = pl.col(S.CURRENT) < 0
    counters = []
    for counter, out_charge, out_discharge in (("step_capacity", C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
                                               ("step_energy", C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)):
        if counter in values.columns:
            counters += [pl.when(charging).then(pl.col(counter).abs()).otherwise(0.0).alias(out_charge),
                         pl.when(discharging).then(pl.col(counter).abs()).otherwise(0.0).alias(out_discharge)]
    values = values.with_columns(counters).drop("step_capacity", "step_energy", "_step_s", strict=False)
    start = _first_timestamp(text_column(table, ("Realtime", "Absolute Time")))
    return _finish(values, units, source, "neware-nested", start, table)


def _refuse_a_second_nested_test(table: DelimitedTable, time: pl.Series, cycle: pl.Series | None,
                                 repeated: list[tuple[int, int]], line_numbers: list[int]) -> None:
    """The column lines again, then a test time or a cycle number that starts again: a second test appended to
    the file (as ``tabular.refuse_a_second_test`` for flat tables; BTS 7's step times add up to a test time
    that goes on, so its cycle number tells)."""
    kept_lines = [table.line_of(i) for i in range(time.len())]
    for header_line, before in repeated:
        if before == 0 or before >= len(line_numbers):
            continue
        after = bisect.bisect_left(kept_lines, line_numbers[before])
        if not 0 < after < time.len():
            continue
        if time[after] < time[after - 1] or (cycle is not None and cycle[after] < cycle[after - 1]):
            raise InputError(
                f"a second test from line {kept_lines[after]}: the column lines again at line {header_line}, then the "
                f"test starts again (at {time[after]:g} s"
                + (f", cycle {cycle[after]}" if cycle is not None else "")
                + f", after {time[after - 1]:g} s" + (f", cycle {cycle[after - 1]}" if cycle is not None else "")
                + f" at line {kept_lines[after - 1]}); export each test to its own file. Nothing was read",
                source=table.source,
                location=f"line {header_line}")


def _nested_test_time(values: pl.DataFrame) -> pl.DataFrame:
    """Nested exports give only step time; test time is the sum of the steps before plus the step time."""
    new_step = segment_starts(S.CYCLE, S.STEP) if S.STEP in values.columns else pl.int_range(pl.len()) == 0
    values = values.with_columns(new_step.cum_sum().alias("_segment"))
    durations = values.group_by("_segment", maintain_order=True).agg(pl.col("_step_s").max().alias("_dur"))
    durations = durations.with_columns((pl.col("_dur").cum_sum() - pl.col("_dur")).alias("_offset"))
    values = values.join(durations.select("_segment", "_offset"), on="_segment", how="left", maintain_order="left")
    return values.with_columns((pl.col("_offset") + pl.col("_step_s")).alias(S.TIME)).drop("_segment", "_offset")


class _LineMappedTable(DelimitedTable):
    def __init__(self, frame: pl.DataFrame, source: str, first: int, lines: list[int]):
        super().__init__(frame, source, first)
        object.__setattr__(self, "_lines", lines)

    def line_of(self, row: int) -> int:
        return self._lines[row]
