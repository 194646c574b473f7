"""Maccor exports: the tab-separated text export with its header block, and the numbered raw-text
exports (``.041``, ``.052``, … — the extension is the channel's test number).

Text export (MacTest "Export as text")::

    Name:<TAB>CW-SIMBA-FC-CT-NAPF6-015.053
    Channel:<TAB>53
    Procedure<TAB>CW_MZ_SIMBA_CT.000
    Started<TAB>5/11/2021 3:40:24 PM
    ...
    Rec  Cycle P  Cycle C  Step  TestTime  StepTime  Cap. [Ah]  Ener. [Wh]  Current [A]  Voltage [V]  Md  ES  DPT Time ...

Numbered raw export: one line ``Today's Date … Date of Test: … Filename: … Procedure: … Comment/Barcode: …``
(or three lines of ``key:<TAB>value`` pairs) then ``Rec#  Cyc#  Step  TestTime|Test (Sec)|Test (Min)|Test (Hr)
StepTime  Amp-hr  Watt-hr  Amps  Volts  State  ES  DPt Time …``: the test time in the unit chosen at export.

CSV export (MacTest "Export as CSV"), with or without the two header lines::

    Today's Date ,28-Nov-23
    Date of Test:,23-Nov-23 3:56:08 PM
    Rec,Cycle C,Step,Test Time (sec),Step Time (sec),Capacity,Energy,Current,Voltage,DPT Time,Temp 1

Every layout may come without its header block (the file starts with the column line).

Maccor writes one capacity and one energy counter (``Amp-hr``/``Cap.``/``Capacity``), restarting at each
step (some procedures let it carry on across steps: then each charge or discharge is counted from the value it
began with, see ``_carries_on``); the state column (``Md``/``State``: C charge, D discharge, R rest, O other,
P pause, S a step's last point, which flows as the rows before it) says which way current flows, and the current's own sign is not reliable across firmware, so the sign comes from the
state. Without a state column (the CSV export) the current's sign is taken as written (stated in ``extra``).
Time is ``d hh:mm:ss`` text, seconds, or (text export) a number whose unit the header does not state:
it is inferred by comparing with the wall-clock ``DPT Time`` column and stated in ``extra``.
Wall-clock time that passes while test time stands still is a paused channel, listed in
``extra["pauses"]``. The DPT time has no time zone: it is the tester's local time (stated in ``extra``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract, split_unit, text_column, unit_factor, unit_table
from cellbench.measurements.readers.tabular import (DelimitedTable, head_lines, note_unread_readings,
                                                    parse_delimited_file, read_head, refuse_a_second_test)

FORMAT = "maccor"

_DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M",
                 "%d-%b-%y %I:%M:%S %p", "%d-%b-%Y %I:%M:%S %p",
                 # the Windows locale's short date: European (day first, dots or slashes) and ISO
                 "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")
#: first words of a Maccor header block (text, raw and CSV exports)
_HEADER_BLOCK_STARTS = ("Today's Date", "Name:", "Date of Test", "Filename", "Procedure")
#: column names that only Maccor writes beside "Rec"/"Rec#" and "Step"
_MACCOR_COLUMNS = {"Cyc#", "Cycle C", "Cycle P", "Amp-hr", "Watt-hr", "mAmp-hr", "mWatt-hr", "State", "Md", "DPt Time",
                   "DPT Time", "ES"}
#: wall-clock time passing this much faster than test time is a pause, not jitter
PAUSE_MIN_S = 60.0


def _cells(line: str, separator: str) -> list[str]:
    return [c.strip() for c in line.split(separator)]


def _header_index(lines: list[str]) -> tuple[int, str] | None:
    """(0-based line, separator) of the column line: first cell ``Rec`` or ``Rec#``, a ``Step`` column."""
    for i, line in enumerate(lines[:60]):
        for separator in ("\t", ",", ";"):
            cells = _cells(line, separator)
            if cells and cells[0] in ("Rec", "Rec#") and "Step" in cells:
                return i, separator
    return None


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    lines = head_lines(head, 60)
    found = _header_index(lines)
    if found is None:
        return False
    index, separator = found
    # with or without the header block above the columns
    known_start = index == 0 or lines[0].lstrip("\ufeff").startswith(_HEADER_BLOCK_STARTS) \
        or "Procedure" in head.decode("latin-1")[:2000]
    maccor_columns = bool(_MACCOR_COLUMNS & set(_cells(lines[index], separator)))
    return known_start and (maccor_columns or index > 0)


FIELDS = [
    # an export set to milli-units names them in the word: mVolts, mAmps, mAmp-hr, mWatt-hr
    Field(S.VOLTAGE, ("Volts", "Voltage", "mVolts"), "voltage", "V", required=True, name_units=(("mVolts", "mV"),)),
    Field("current_as_recorded", ("Amps", "Current", "mAmps"), "current", "A", required=True,
          name_units=(("mAmps", "mA"),)),
    Field(S.CYCLE, ("Cyc#", "Cycle C", "Cycle"), "dimensionless"),
    Field(S.STEP, ("Step",), "dimensionless", required=True),
    Field("amp_hr", ("Amp-hr", "Cap.", "Capacity", "mAmp-hr"), "capacity", "Ah", name_units=(("mAmp-hr", "mAh"),)),
    Field("watt_hr", ("Watt-hr", "Ener.", "Energy", "mWatt-hr"), "energy", "Wh", name_units=(("mWatt-hr", "mWh"),)),
    Field(S.INTERNAL_RESISTANCE, ("DCIR/Ohms",), "resistance", "Ohm"),
    Field(S.CELL_TEMPERATURE, ("Temp 1", "Temp1", "Temperature"), "temperature", "degC"),
]


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = read_head(path)
    lines = head_lines(raw[:65536], 60)
    found = _header_index(lines)
    if found is None:
        raise InputError("no Maccor column header (a line starting 'Rec' or 'Rec#' with a 'Step' column)",
                         source=source)
    index, separator = found
    table = parse_delimited_file(path, separator=separator, source=source, header_line=index + 1)
    values, units = extract(table, FIELDS, allow_missing=(S.CELL_TEMPERATURE, S.INTERNAL_RESISTANCE))
    state = text_column(table, ("State", "Md"))
    assumptions = ["DPT Time has no time zone; start_time is the tester's local time (naive)"]
    if state is None:
        # some exports (the CSV one) leave the state out: the current's own sign says which way it flows
        values = values.with_columns(
            pl.when(pl.col("current_as_recorded") > 0).then(pl.lit("C"))
            .when(pl.col("current_as_recorded") < 0).then(pl.lit("D")).otherwise(pl.lit("R")).alias("_state"))
        assumptions.append("no State/Md column: charge where the current is positive, discharge where negative")
    else:
        # "S" marks a step's last point (an end-of-step flag), which flows as the rows before it
        values = values.with_columns(pl.when(state.str.to_uppercase() == "S").then(None).otherwise(state)
                                     .forward_fill().fill_null("S").alias("_state"))
    values = values.with_columns(pl.col(c).cast(pl.Int64) for c in (S.CYCLE, S.STEP) if c in values.columns)
    if "amp_hr" in values.columns:
        step_seconds = _step_seconds(table)
        if step_seconds is not None and _carries_on(values, step_seconds):
            values = _counted_per_run(values, [c for c in ("amp_hr", "watt_hr") if c in values.columns])
            assumptions.append("Amp-hr and Watt-hr carry on from one charge or discharge to the next in this file "
                               "(the first point of each holds the count before it): each is counted from the value "
                               "it began with")
    if S.CYCLE not in values.columns:
        values = values.with_columns(pl.lit(0, dtype=pl.Int64).alias(S.CYCLE))
    wall = _wall_clock(table)
    test_time, time_unit, time_note = _test_time(table, wall)
    refuse_a_second_test(table, test_time)
    values = values.with_columns(test_time.alias(S.TIME))
    if wall is not None:
        values = values.with_columns(wall.alias(S.UNIX_TIME))
    charging = pl.col("_state") == "C"
    discharging = pl.col("_state") == "D"
    current = pl.col("current_as_recorded")
    values = values.with_columns(
        pl.when(charging).then(current.abs()).when(discharging).then(-current.abs()).otherwise(current)
        .alias(S.CURRENT),
        STEP_TYPE_EXPR.alias(S.STEP_TYPE),
    )
    counters = []
    if "amp_hr" in values.columns:
        counters += [pl.when(charging).then(pl.col("amp_hr").abs()).otherwise(0.0).alias(C.VENDOR_CHARGE_CAPACITY),
                     pl.when(discharging).then(pl.col("amp_hr").abs()).otherwise(0.0)
                     .alias(C.VENDOR_DISCHARGE_CAPACITY)]
    if "watt_hr" in values.columns:
        counters += [pl.when(charging).then(pl.col("watt_hr").abs()).otherwise(0.0).alias(C.VENDOR_CHARGE_ENERGY),
                     pl.when(discharging).then(pl.col("watt_hr").abs()).otherwise(0.0)
                     .alias(C.VENDOR_DISCHARGE_ENERGY)]
    values = values.with_columns(counters)
    pauses = _pauses(values) if wall is not None else []
    values = values.drop("_state", "current_as_recorded", "amp_hr", "watt_hr", strict=False)

    info = _header_info(lines[:index], separator)
    units_recorded = {S.TIME: time_unit, S.VOLTAGE: units[S.VOLTAGE], S.CURRENT: units["current_as_recorded"]}
    for counter, targets in (("amp_hr", (S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY)),
                             ("watt_hr", (S.CHARGE_ENERGY, S.DISCHARGE_ENERGY))):
        if counter in units:
            units_recorded |= {t: units[counter] for t in targets}
    extra: dict = {"header": info}
    if time_note:
        assumptions.append(time_note)
    extra["assumptions"] = assumptions
    if pauses:
        extra["pauses"] = pauses
    start = None
    if wall is not None and values.height:
        first = values[S.UNIX_TIME][0]
        if first is not None:
            from datetime import datetime, timezone

            start = datetime.fromtimestamp(first, tz=timezone.utc).replace(tzinfo=None)
    metadata = MeasurementMetadata(
        vendor="Maccor", file_format=FORMAT + ("-csv" if separator in (",", ";") else
                                               "-raw" if lines[0].startswith("Today's Date") else "-text"),
        source_file=source, channel=info.get("Channel") or info.get("Tester Channel") or _channel_from_suffix(path),
        procedure=info.get("Procedure"), cell_id=info.get("Name") or info.get("Comment/Barcode") or None,
        start_time=start, units_as_recorded=units_recorded, extra=extra)
    note_unread_readings(metadata.extra, table)
    return C.to_measurement(values, metadata, C.CounterRestarts.changes_of(S.CYCLE, S.STEP),
                            rows=table)


STEP_TYPE_EXPR = (pl.when(pl.col("_state") == "C").then(pl.lit("charge"))
                  .when(pl.col("_state") == "D").then(pl.lit("discharge"))
                  .when(pl.col("_state") == "R").then(pl.lit("rest"))
                  .when(pl.col("_state") == "P").then(pl.lit("pause"))
                  .otherwise(pl.col("_state").str.to_lowercase()))


def _runs(values: pl.DataFrame) -> pl.Series:
    """0-based run of one state for each row."""
    return values.select((pl.col("_state") != pl.col("_state").shift()).fill_null(True).cum_sum() - 1).to_series()


def _carries_on(values: pl.DataFrame, step_seconds: pl.Series) -> bool:
    """Whether Amp-hr carries on across changes of state rather than restarting with each step (MacTest's
    default). At the first point of each charge or discharge that follows another count, a restarted counter
    holds about |I| x step time, a carried one that plus the count before: the nearer wins, at every change."""
    frame = values.select(pl.col("amp_hr").abs(), pl.col("current_as_recorded").abs(), pl.col("_state"),
                          step_seconds.alias("_step_s"), _runs(values).alias("_run"))
    firsts = frame.group_by("_run", maintain_order=True).agg(pl.all().first(), pl.col("amp_hr").last().alias("last"))
    firsts = firsts.with_columns(pl.col("last").shift(1).alias("before"))
    changes = firsts.filter((pl.col("before") > 0) & pl.col("_state").is_in(["C", "D"]))
    if changes.height == 0:
        return False
    restarted = pl.col("current_as_recorded") * pl.col("_step_s") / 3600.0
    votes = changes.select(((pl.col("amp_hr") - restarted).abs()
                            > (pl.col("amp_hr") - pl.col("before") - restarted).abs()).all()).item()
    return bool(votes)


def _counted_per_run(values: pl.DataFrame, counters: list[str]) -> pl.DataFrame:
    """Each run of one state counted from the value it began with (the last value of the run before)."""
    run = _runs(values).to_numpy()
    last_rows = np.r_[np.flatnonzero(np.diff(run)), len(run) - 1]
    out = []
    for counter in counters:
        ends = values[counter].to_numpy()[last_rows]
        base = np.r_[0.0, ends[:-1]]
        out.append(pl.col(counter) - pl.Series(base[run]))
    return values.with_columns(out)


def _step_seconds(table: DelimitedTable) -> pl.Series | None:
    """The step time in seconds when the export has it with a unit or as ``0d 00:00:01`` text, else None."""
    for header in table.names:
        base, unit = split_unit(header)
        if re.sub(r"[\s_]", "", base).lower() not in ("step", "steptime"):
            continue
        text = table.text(header).drop_nulls().head(5).to_list()
        if any(":" in (t or "") for t in text):
            return _duration_text(table, header)
        factor = unit_factor("time", unit) if unit else None
        if factor is not None:  # the step index ("Step") has none
            return _as_seconds(table, header, factor)
    return None


def _channel_from_suffix(path: Path) -> str | None:
    suffix = path.suffix.lstrip(".")
    return suffix if suffix.isdigit() else None


def _header_info(lines: list[str], separator: str = "\t") -> dict[str, str]:
    """Key/value pairs of the header block (both the text export's lines and the raw export's one line)."""
    info: dict[str, str] = {}
    for line in lines:
        if line.startswith("Today's Date") and separator == "\t":
            keys = r"(?:Date of Test|Filename|Procedure|Comment/Barcode):"
            # one header line of bounded length: the lazy match below must not meet a megabyte of spaces
            for key, value in re.findall(rf"({keys[3:-2]}):\s*(.*?)\s*(?={keys}|$)", line[:4096].replace("\t", " ")):
                info[key] = value.strip()
            continue
        parts = [p.strip() for p in line.split(separator)]
        if len(parts) >= 2 and parts[0]:
            info[parts[0].rstrip(":")] = parts[1].strip("\x00\ufffd ")
        # MacTest 3-line headers hold several pairs a line ("Filename:<TAB>x<TAB>Tester Channel:<TAB>1")
        for key, value in zip(parts[2::2], parts[3::2]):
            if key.endswith(":") and value:
                info.setdefault(key.rstrip(":"), value.strip("\x00\ufffd "))
    return info


def _wall_clock(table: DelimitedTable) -> pl.Series | None:
    text = text_column(table, ("DPt Time", "DPT Time"))
    if text is None:
        return None
    # the format that reads the most rows (more than half); on a tie the earlier, so 03/04 is US-first as MacTest
    # writes it unless a day above 12 shows the locale writes the day first
    parsed, unread = None, text.len() // 2 + 1
    for fmt in _DATE_FORMATS:
        attempt = text.str.strptime(pl.Datetime("ms"), fmt, strict=False)
        if attempt.null_count() < unread:
            parsed, unread = attempt, attempt.null_count()
            if not unread:
                break
    if parsed is None:
        return None
    return (parsed.dt.epoch("ms") / 1000.0).alias(S.UNIX_TIME)


def _test_time(table: DelimitedTable, wall: pl.Series | None) -> tuple[pl.Series, str, str | None]:
    headers = {h.strip(): h for h in table.names}
    # MacTest lets the export choose the test-time unit and writes it in the header: "Test (Sec)",
    # "Test (Min)", "Test (Hr)", "Test Time (sec)"…
    for header in table.names:
        base, unit = split_unit(header)
        if unit is None or re.sub(r"[\s_]", "", base).lower() not in ("test", "testtime"):
            continue
        factor = unit_factor("time", unit)
        if factor is None:
            raise InputError(f"column {header.strip()!r}: unknown time unit {unit!r} (expected one of "
                             f"{', '.join(unit_table()['time']['factors'])})", source=table.source, location="header")
        return _as_seconds(table, header, factor), unit, None
    column = headers.get("TestTime") or headers.get("Test Time")
    if column is None:
        raise InputError("missing column 'TestTime' (or 'Test (Sec)', 'Test (Min)', 'Test (Hr)')",
                         source=table.source, location="header")
    sample = table.text(column).drop_nulls().head(5).to_list()
    if any("d " in (s or "") or ":" in (s or "") for s in sample):
        return _duration_text(table, column), "d hh:mm:ss", None
    seconds = _as_seconds(table, column, 1.0)
    factor, unit = _infer_time_unit(seconds, wall)
    note = None
    if factor != 1.0:
        note = (f"TestTime has no unit in the header; compared with the DPT Time clock it counts {unit}, "
                f"so it was multiplied by {factor:g} to seconds")
    return seconds * factor, unit, note


def _infer_time_unit(test_time: pl.Series, wall: pl.Series | None) -> tuple[float, str]:
    if wall is None or test_time.len() < 2:
        return 1.0, "s"
    # both are float seconds; polars types a Series' max() as any Python value
    span_test = cast(float, test_time.max()) - cast(float, test_time.min())
    present = wall.drop_nulls()
    span_wall = cast(float, present.max()) - cast(float, present.min()) if present.len() > 1 else None
    if not span_test or not span_wall:
        return 1.0, "s"
    ratio = span_wall / span_test
    for factor, unit in ((1.0, "s"), (60.0, "min"), (3600.0, "h")):
        if 0.8 * factor <= ratio <= 1.25 * factor:
            return factor, unit
    return 1.0, "s"


def _as_seconds(table: DelimitedTable, column: str, factor: float) -> pl.Series:
    from cellbench.measurements.readers.tabular import numbers

    return numbers(table, {S.TIME: column})[S.TIME] * factor


def _duration_text(table: DelimitedTable, column: str) -> pl.Series:
    """``  0d 00:00:01.0000`` → seconds; unreadable cells raise with their line numbers."""
    parts = table.text(column).str.strip_chars().str.extract_groups(
        r"^(?:(\d+)d\s+)?(\d+):(\d+):(\d+(?:\.\d*)?)$")
    days, hours, minutes, seconds = (parts.struct.field(f).cast(pl.Float64) for f in ("1", "2", "3", "4"))
    total = days.fill_null(0.0) * 86400 + hours * 3600 + minutes * 60 + seconds
    bad = total.is_null()
    if bad.any():
        rows = bad.arg_true().to_list()[:10]
        raise InputError(f"column {column!r}: expected a duration like '0d 00:00:01.0000' at "
                         + ", ".join(f"line {table.line_of(r)}" for r in rows), source=table.source)
    return total


def _pauses(values: pl.DataFrame) -> list[dict]:
    gaps = values.select(
        pl.col(S.TIME).alias("test_time_s"),
        (pl.col(S.UNIX_TIME).diff() - pl.col(S.TIME).diff()).alias("paused_s"),
    ).filter(pl.col("paused_s") > PAUSE_MIN_S)
    return [{"at_test_time_s": round(r["test_time_s"], 3), "paused_s": round(r["paused_s"], 1)}
            for r in gaps.iter_rows(named=True)]


__all__ = ["FORMAT", "sniff", "read"]
