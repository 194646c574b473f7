"""BaSyTec battery test systems (CTS, XCTS, GSM): the text export of a result file.

Every line above the data starts with ``~``: the header block, then the column line::

    ~Resultfile from Basytec Battery Test System
    ~Name of Test: test
    ~Testchannel: 1814 CH14 XCTS_40
    ~Start of Test: 19.06.2023 17:56:53
    ~
    ~Time[s]<TAB>DataSet<TAB>t-Step[s]<TAB>...<TAB>Line<TAB>Command<TAB>U[V]<TAB>I[A]<TAB>...<TAB>Ah-Cyc-Charge<TAB>
     Ah-Cyc-Discharge<TAB>...<TAB>T1[°C]<TAB>...<TAB>Cyc-Count<TAB>Count<TAB>State

Units are in brackets (``Time[s]`` or ``Time[h]``). Current is positive on charge. ``Line`` is the test
plan's line (the step being run) and ``Command`` what it does (``Pause``, ``Charge``, ``Discharge``);
``Cyc-Count`` is the cycle. ``Ah-Cyc-Charge``/``Ah-Cyc-Discharge`` (and the ``Wh-`` ones) count the
charge and discharge of the running cycle and restart with it. ``Start of Test`` is the tester's local
time (day.month.year). The file is written in the Windows code page (``°C`` as one byte).
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
from cellbench.measurements.readers.columns import Field, extract, text_column
from cellbench.measurements.readers.counters import segment_starts
from cellbench.measurements.readers.tabular import (column_separator, head_lines, note_unread_readings,
                                                    parse_delimited_file, read_head)

FORMAT = "basytec"

FIELDS = [
    Field(S.TIME, ("Time",), "time", "s", required=True),
    Field(S.VOLTAGE, ("U",), "voltage", "V", required=True),
    Field(S.CURRENT, ("I",), "current", "A", required=True),
    Field(S.CYCLE, ("Cyc-Count",), "dimensionless"),
    Field("line", ("Line",), "dimensionless"),
    Field(C.VENDOR_CHARGE_CAPACITY, ("Ah-Cyc-Charge",), "capacity", "Ah"),
    Field(C.VENDOR_DISCHARGE_CAPACITY, ("Ah-Cyc-Discharge",), "capacity", "Ah"),
    Field(C.VENDOR_CHARGE_ENERGY, ("Wh-Cyc-Charge",), "energy", "Wh"),
    Field(C.VENDOR_DISCHARGE_ENERGY, ("Wh-Cyc-Discharge",), "energy", "Wh"),
    Field(S.CELL_TEMPERATURE, ("T1",), "temperature", "degC"),
]
_COUNTERS = (C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY, C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)
_COMMANDS = {"pause": "rest", "charge": "charge", "discharge": "discharge"}


def _column_line(lines: list[str]) -> tuple[int, str] | None:
    """(0-based index, separator) of the ``~Time[…]…U[V]…I[A]`` line: tabs as BaSyTec writes them, or ';' and ','
    as an export set to another list separator or a spreadsheet's re-save writes them."""
    for i, line in enumerate(lines):
        if not line.startswith("~"):
            return None
        separator = column_separator(line[1:])
        cells = [c.strip() for c in line[1:].split(separator)]
        if cells and cells[0].startswith("Time[") and any(c.startswith("U[") for c in cells) \
                and any(c.startswith("I[") for c in cells):
            return i, separator
    return None


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    lines = head_lines(head, 80)
    return bool(lines) and lines[0].startswith("~") and _column_line(lines) is not None


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    lines = head_lines(read_head(path), 80)
    found = _column_line(lines)
    if found is None:
        raise InputError("no BaSyTec column line ('~Time[s]<TAB>…U[V]<TAB>I[A]…') among the '~' lines at the top",
                         source=source)
    index, separator = found
    table = parse_delimited_file(path, separator=separator, source=source, header_line=index + 1)
    table.names[0] = table.names[0].lstrip("~")
    values, units = extract(table, FIELDS, allow_missing=(S.CELL_TEMPERATURE,))
    values = values.with_columns(pl.col(c).abs() for c in _COUNTERS if c in values.columns)
    command = text_column(table, ("Command",))
    if command is not None:
        lowered = command.str.to_lowercase()
        values = values.with_columns(lowered.replace_strict(_COMMANDS, default=lowered).alias(S.STEP_TYPE))
    if "line" in values.columns:
        # the test plan's line repeats in every cycle: a step is each run of one line
        values = values.with_columns(segment_starts("line").cum_sum().cast(pl.Int64).alias(S.STEP)).drop("line")
    info = {k.strip(): v.strip() for k, _, v in (line[1:].partition(":") for line in lines[:index]) if v.strip()}
    start = None
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}", info.get("Start of Test", "")):
        start = datetime.strptime(info["Start of Test"], "%d.%m.%Y %H:%M:%S")
    metadata = MeasurementMetadata(
        vendor="BaSyTec", file_format=FORMAT, source_file=source, start_time=start,
        channel=info.get("Testchannel"), procedure=info.get("Testplan"), cell_id=info.get("Battery"),
        units_as_recorded={k: v for k, v in units.items() if k != "line"},
        extra={"header": info, "assumptions": ["Start of Test has no time zone: the tester's local time"]})
    keys = [k for k in (S.CYCLE,) if k in values.columns]
    note_unread_readings(metadata.extra, table)
    return C.to_measurement(values, metadata, C.CounterRestarts.changes_of(*keys) if keys else None, rows=table)


__all__ = ["FORMAT", "sniff", "read"]
