"""BioLogic EC-Lab and BT-Lab text exports (``.mpt``, ``.txt``, "Export as text").

::

    EC-Lab ASCII FILE                      (BT-Lab writes "BT-Lab ASCII FILE")
    Nb header lines : 58
    ...                                    (settings; "Acquisition started on : 03/15/2017 10:22:54.000")
    mode<TAB>ox/red<TAB>error<TAB>...<TAB>time/s<TAB>Ewe/V<TAB>I/mA<TAB>dq/mA.h<TAB>(Q-Qo)/mA.h<TAB>...

Variants read alike: no header block at all (the file starts with the column line, as "Export as text"
writes with the header option off); the cell voltage as ``Ecell/V`` (BT-Lab, two-electrode set-ups) or
``Ewe/V``/``<Ewe>/V``; columns separated by tabs, or by ``;`` with an empty first column (a spreadsheet's
or pandas' re-save of the export); a trailing separator on every line; ``control/V/mA`` (the set point,
never taken for the current); the charge counted as one signed ``Q charge/discharge/mA.h`` or as
separate ``Q charge/mA.h`` and ``Q discharge/mA.h`` columns. Column names and sign convention are
those of the binary ``.mpr`` (see ``biologic``). EC-Lab writes numbers with the Windows locale's
decimal separator, so ``3,1415`` is read as 3.1415 when the columns are not separated by commas.
Verified on constructed files in these layouts: no EC-Lab text export is among the real files.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract
from cellbench.measurements.readers.tabular import (decode, head_lines, line_offset, note_unread_readings,
                                                    parse_delimited, read_bytes)

FORMAT = "biologic-text"

FIELDS = [
    Field(S.TIME, ("time/s",), "time", "s", required=True),
    Field(S.VOLTAGE, ("Ewe/V", "<Ewe>/V", "Ecell/V", "<Ecell>/V"), "voltage", "V", required=True),
    Field(S.CURRENT, ("I/mA", "<I>/mA"), "current", "mA"),
    Field("dq", ("dq/mA.h", "dQ/mA.h"), "capacity", "mAh"),
    Field(S.CYCLE, ("cycle number",), "dimensionless"),
    Field("half_cycle", ("half cycle",), "dimensionless"),
    Field(S.STEP, ("Ns",), "dimensionless"),
    Field("q_charge_discharge", ("Q charge/discharge/mA.h",), "capacity", "mAh"),
    Field("q_charge", ("Q charge/mA.h",), "capacity", "mAh"),
    Field("q_discharge", ("Q discharge/mA.h",), "capacity", "mAh"),
    Field(C.VENDOR_CHARGE_ENERGY, ("Energy charge/W.h",), "energy", "Wh"),
    Field(C.VENDOR_DISCHARGE_ENERGY, ("Energy discharge/W.h",), "energy", "Wh"),
    Field(S.CELL_TEMPERATURE, ("Temperature/°C",), "temperature", "degC"),
]


#: first line of the header block, by the software that wrote it
BANNERS = (b"EC-Lab ASCII FILE", b"BT-Lab ASCII FILE")
_TIME = re.compile(r"(^|[\t;])time/s([\t;]|$)")
_VOLTAGE = re.compile(r"(^|[\t;])<?(Ewe|Ecell)>?/V([\t;]|$)")
_CURRENT = re.compile(r"(^|[\t;])(<?I>?|dq)/mA(\.h)?([\t;]|$)")


def _is_column_line(line: str) -> bool:
    return bool(_TIME.search(line) and _VOLTAGE.search(line) and _CURRENT.search(line))


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf")
    if start.startswith(BANNERS):
        return True
    lines = head_lines(head, 1)
    return bool(lines) and _is_column_line(lines[0])


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = read_bytes(path)
    head = decode(raw[:65536])
    if raw.lstrip(b"\xef\xbb\xbf").startswith(BANNERS):
        match = re.search(r"Nb header lines\s*:\s*(\d+)", head)
        if match is None:
            raise InputError("EC-Lab text without 'Nb header lines : N'", source=source, location="line 2")
        header_line = int(match.group(1))
        line_count = raw.count(b"\n")
        if not 1 <= header_line <= line_count:
            raise InputError(f"'Nb header lines : {header_line}' but the file has {line_count} lines",
                             source=source, location="line 2")
    else:
        header_line = 1
    header_text = decode(raw[line_offset(raw, header_line - 1):line_offset(raw, header_line)])
    separator = ";" if header_text.count(";") > header_text.count("\t") else "\t"
    offset = line_offset(raw, header_line)
    sample = raw[offset:offset + 4096]
    if re.search(rb"\d,\d", sample) and b"." not in sample.split(b"\n", 1)[0]:
        raw = raw[:offset] + raw[offset:].replace(b",", b".")
    table = parse_delimited(raw, separator=separator, source=source, header_line=header_line)
    stamps = _time_stamps(table)
    fields = FIELDS if stamps is None else [f for f in FIELDS if f.out != S.TIME]
    values, units = extract(table, fields, allow_missing=(S.CELL_TEMPERATURE,))
    assumptions = ["the acquisition start time has no time zone: the instrument PC's local time"]
    if stamps is not None:
        # "time/s" exported as the date and time of each point (EC-Lab/BT-Lab's "time as date" option)
        clock, date_format = stamps
        values = values.with_columns(((clock - clock[0]).dt.total_microseconds() / 1e6).alias(S.TIME))
        units[S.TIME] = date_format
        assumptions.append(f"time/s holds the date and time of each point ({date_format}): test time counts from "
                           "the first")
    if S.CURRENT not in values.columns and "dq" not in values.columns \
            and not any(name.startswith("control") for name in table.names):
        # an OCV technique records time and voltage only, as the .mpr reader reads it too
        values = values.with_columns(pl.lit(0.0).alias(S.CURRENT))
        assumptions.append("no current column (an open-circuit record): current 0")
    if S.CURRENT not in values.columns:
        if "dq" not in values.columns:
            raise InputError("missing column 'I/mA' (also accepted: '<I>/mA', or 'dq/mA.h' to derive it from)",
                             source=source, location="header")
        # GCPL exports may carry only the charge passed per point: the current is that over the interval
        interval_h = pl.col(S.TIME).diff().fill_null(0.0) / 3600.0
        values = values.with_columns(pl.when(interval_h > 0).then(pl.col("dq") / interval_h)  # Ah / h = A
                                     .otherwise(0.0).alias(S.CURRENT))
        units[S.CURRENT] = "mA"
        assumptions.append("no I/mA column: current = dq/mA.h over each point's time interval")
    values = values.drop("dq", strict=False)
    units.pop("dq", None)
    values = values.with_columns(pl.col(c).cast(pl.Int64)
                                 for c in (S.CYCLE, S.STEP, "half_cycle") if c in values.columns)
    if S.CYCLE not in values.columns and "half_cycle" in values.columns:
        values = values.with_columns((pl.col("half_cycle") // 2 + 1).alias(S.CYCLE))
        assumptions.append("no 'cycle number' column: cycle = half cycle // 2 + 1")
    if "q_charge_discharge" in values.columns:
        q = pl.col("q_charge_discharge")
        values = values.with_columns(q.clip(lower_bound=0).alias(C.VENDOR_CHARGE_CAPACITY),
                                     (-q).clip(lower_bound=0).alias(C.VENDOR_DISCHARGE_CAPACITY))
        units[C.VENDOR_CHARGE_CAPACITY] = units[C.VENDOR_DISCHARGE_CAPACITY] = units.pop("q_charge_discharge")
    elif "q_charge" in values.columns and "q_discharge" in values.columns:
        # separate counters (BT-Lab): each counts its own direction and restarts with it
        values = values.rename({"q_charge": C.VENDOR_CHARGE_CAPACITY, "q_discharge": C.VENDOR_DISCHARGE_CAPACITY})
        units[C.VENDOR_CHARGE_CAPACITY] = units.pop("q_charge")
        units[C.VENDOR_DISCHARGE_CAPACITY] = units.pop("q_discharge")
    values = values.drop("q_charge", "q_discharge", strict=False)
    for name in ("q_charge", "q_discharge"):
        units.pop(name, None)
    start = stamps[0][0] if stamps is not None else None
    started = None if stamps is not None else re.search(r"Acquisition started on\s*:\s*([0-9/]+ [0-9:.]+)", head)
    if started:
        for fmt in ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S"):
            try:
                start = datetime.strptime(started.group(1), fmt)
                break
            except ValueError:
                continue
    restart_keys = ["half_cycle"] if "half_cycle" in values.columns else [k for k in (S.CYCLE,) if k in values.columns]
    metadata = MeasurementMetadata(vendor="BioLogic", file_format=FORMAT, source_file=source, start_time=start,
                                   units_as_recorded=units, extra={"assumptions": assumptions})
    # the signed counter restarts at every half cycle; separate ones restart wherever they fall (each counts one
    # direction: it falls only when it starts again, at the next charge or discharge within a cycle too)
    signed = "q_charge_discharge" in values.columns
    restarts = C.CounterRestarts.changes_of(*restart_keys, certain=True) if restart_keys and signed else None
    note_unread_readings(metadata.extra, table)
    measurement = C.to_measurement(values.drop("q_charge_discharge", strict=False), metadata, restarts,
                                     rows=table)
    measurement.data = measurement.data.drop("half_cycle", strict=False)
    return measurement


#: how EC-Lab and BT-Lab write a point's date and time in "time/s" (US order first, as the header's own dates)
_STAMP_FORMATS = ("%m/%d/%Y %H:%M:%S%.f", "%d/%m/%Y %H:%M:%S%.f", "%d.%m.%Y %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f")


def _time_stamps(table) -> tuple[pl.Series, str] | None:
    """The "time/s" column as datetimes when it holds dates (None when it holds seconds); a cell that is no
    date raises naming its line."""
    name = next((n for n in table.names if n.strip() == "time/s"), None)
    if name is None:
        return None
    text = table.text(name).str.strip_chars()
    sample = text.drop_nulls().head(20).to_list()
    dated = sum(bool(re.match(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s+\d{1,2}:\d{2}", v)) for v in sample)
    if dated * 2 <= len(sample):  # seconds (a stray date among numbers is left to the number check)
        return None
    best: tuple[int, pl.Series, str] | None = None
    for fmt in _STAMP_FORMATS:
        parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
        missing = parsed.null_count()
        if best is None or missing < best[0]:
            best = (missing, parsed, fmt)
        if missing == 0 and bool((parsed.diff().drop_nulls().dt.total_microseconds() >= 0).all()):
            break
    if best is None:
        return None
    missing, parsed, fmt = best
    if missing:
        rows = parsed.is_null().arg_true().to_list()
        raise InputError("column 'time/s' holds dates, but not at " + ", ".join(
            f"line {table.line_of(r)} ({text[r]!r})" for r in rows[:10]) + (f" and {len(rows) - 10} more"
                                                                           if len(rows) > 10 else ""),
            source=table.source, location=f"line {table.line_of(rows[0])}, column 'time/s'")
    shown = fmt.replace("%.f", ".fff").replace("%", "")
    return parsed, shown
