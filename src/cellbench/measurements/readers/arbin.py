"""Arbin MITS Pro CSV and XLSX exports, with the ``<name>_Metadata.csv`` side file when present.

Layout (MITS Pro "Export to CSV"; BEEP test files): one header row, then one row per data point::

    Data_Point,Test_Time,DateTime,Step_Time,Step_Index,Cycle_Index,Current,Voltage,Charge_Capacity,...

Newer exports put units in the header (``Test_Time(s)``, ``Current(A)``, ``Charge_Capacity(Ah)``,
``Date_Time``, ``Aux_Temperature_1(C)``), and MITS Pro 8 spaces for underscores (``Data Point,Date Time,
Test Time (s),Step Time (s),Cycle Index,Step Index,...``); without units, Arbin's are s, A, V, Ah, Wh,
Ohm, degC. Blank rows and header rows repeated inside the data are skipped (the row policy, ``tabular``).
Current is positive on charge. ``Charge_Capacity``/``Discharge_Capacity`` and the energies count from
the start of each cycle. The side file gives channel, start time (Unix seconds, UTC), schedule and
item (cell) id. The XLSX export holds the same columns on sheets named ``Channel_<unit>-<channel>``
(long tests continue on ``…_2``, ``…_3``); the channel is taken from the sheet name.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract, text_column
from cellbench.measurements.readers.tabular import (column_separator, decode, note_unread_readings, parse_delimited_file,
                                                    read_head)
from cellbench.measurements.readers.workbook import SheetRows, another_record, continued_tables, sheet_names

FORMAT = "arbin-csv"

FIELDS = [
    Field(S.TIME, ("Test_Time",), "time", "s", required=True),
    Field(S.VOLTAGE, ("Voltage",), "voltage", "V", required=True),
    Field(S.CURRENT, ("Current",), "current", "A", required=True),
    Field(S.CYCLE, ("Cycle_Index",), "dimensionless"),
    Field(S.STEP, ("Step_Index",), "dimensionless"),
    Field(S.UNIX_TIME, ("DateTime",), "time", "s"),
    Field(C.VENDOR_CHARGE_CAPACITY, ("Charge_Capacity",), "capacity", "Ah"),
    Field(C.VENDOR_DISCHARGE_CAPACITY, ("Discharge_Capacity",), "capacity", "Ah"),
    Field(C.VENDOR_CHARGE_ENERGY, ("Charge_Energy",), "energy", "Wh"),
    Field(C.VENDOR_DISCHARGE_ENERGY, ("Discharge_Energy",), "energy", "Wh"),
    Field(S.INTERNAL_RESISTANCE, ("Internal_Resistance",), "resistance", "Ohm"),
    Field(S.CELL_TEMPERATURE, ("Temperature", "Aux_Temperature_1", "Cell_Temperature"), "temperature", "degC"),
    Field(S.AMBIENT_TEMPERATURE, ("Environment_Temperature", "Ambient_Temperature"), "temperature", "degC"),
]

#: what a reader does for each Arbin column a user may leave out of an export (MITS Pro and Data Watcher let
#: the user pick the columns): how the measurement is completed without it
_WITHOUT = {
    S.CYCLE: "no Cycle_Index column: a cycle starts at each return to the test's first direction of current",
    S.STEP: "no Step_Index column: a step is a run of one direction of current (and a jump in it starts another)",
    C.VENDOR_CHARGE_CAPACITY: "no Charge_Capacity column: charge capacity integrated from the current",
    C.VENDOR_DISCHARGE_CAPACITY: "no Discharge_Capacity column: discharge capacity integrated from the current",
    C.VENDOR_CHARGE_ENERGY: "no Charge_Energy column: charge energy integrated from current × voltage",
    C.VENDOR_DISCHARGE_ENERGY: "no Discharge_Energy column: discharge energy integrated from current × voltage",
}

#: names (lower case, no unit, '_' as ' ') only Arbin's data table writes beside Test_Time, Current and Voltage
_ARBIN_NAMES = {"data point", "cycle index", "step index", "step time"}
#: Arbin's other names, which some other tables use too
_ARBIN_ALSO = {"date time", "datetime", "charge capacity", "discharge capacity", "charge energy", "discharge energy",
               "internal resistance", "dv/dt", "aux temperature 1"}
#: names of Arbin's per-cycle statistics ("StatisticByCycle"), which is not a record of the test
_STATISTICS_NAMES = {"charge time", "discharge time", "v max on cycle", "coulombic efficiency"}


def _channel_sheets(names: list[str]) -> list[str]:
    return [n for n in names if n.startswith("Channel") and n != "Channel_Chart"]


def _channel_of(sheet: str) -> str:
    """The channel a data sheet holds: ``Channel_1-006`` and its continuation ``Channel_1-006_2`` → ``1-006``."""
    return sheet.removeprefix("Channel_").split("_")[0]


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    sheets = sheet_names(head, path)
    if sheets is not None:
        return bool(_channel_sheets(sheets))
    # MITS Pro writes Data_Point,Test_Time(s),...,Cycle_Index; MITS Pro 8 "Data Point,Date Time,Test Time (s)"; an
    # export of chosen columns may lack any of them but Test_Time, Current and Voltage, and keeps Arbin's names
    first = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").replace(b'"', b"").decode("latin-1")
    names = {re.sub(r"\s*\(.*\)$", "", cell.strip()).replace("_", " ").lower()
             for cell in first.split(column_separator(first))}
    # two of Arbin's names, one its own: a lab script's "Test_Time (s),Voltage (V),Current (mA),Cycle_Index" is no
    # Arbin export
    return {"test time", "current", "voltage"} <= names and bool(names & _ARBIN_NAMES) \
        and len(names & (_ARBIN_NAMES | _ARBIN_ALSO)) >= 2 and not names & _STATISTICS_NAMES


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = read_head(path)
    sheets = sheet_names(raw[:8], path)
    if sheets is not None:
        # MITS Pro splits long tests over several "Channel_<unit>-<channel>[_n]" sheets, in order; in a workbook of
        # several channels each has its own sheets, and one Measurement is one channel: the first
        data_sheets = _channel_sheets(sheets)
        if not data_sheets:
            raise InputError("workbook without a 'Channel_…' data sheet", source=source)
        channels = list(dict.fromkeys(_channel_of(name) for name in data_sheets))
        first_channel = [name for name in data_sheets if _channel_of(name) == channels[0]]
        tables, left_out = continued_tables(path, first_channel)
        parts = [extract(t, FIELDS, allow_missing=(S.INTERNAL_RESISTANCE, S.CELL_TEMPERATURE)) for t in tables]
        values, units = pl.concat([p[0] for p in parts], how="diagonal_relaxed"), parts[0][1]
        rows = SheetRows(tables, [p[0].height for p in parts])
        file_format = "arbin-xlsx"
        channel = channels[0]
    else:
        # MITS Pro writes commas; a re-save may write ';' (and decimal commas, which tabular reads) or tabs
        separator = column_separator(raw.split(b"\n", 1)[0])
        rows = table = parse_delimited_file(path, separator=separator, source=source)
        values, units = extract(table, FIELDS, allow_missing=(S.INTERNAL_RESISTANCE, S.CELL_TEMPERATURE))
        file_format, channel = FORMAT, None
    for key in (S.CYCLE, S.STEP):
        if key in values.columns:
            values = values.with_columns(pl.col(key).cast(pl.Int64))
    # MITS Pro "DateTime" is Unix seconds; a text Date_Time is not a number and is dropped by extract
    without = [said for column, said in _WITHOUT.items() if column not in values.columns]
    extra: dict = {"assumptions": without} if without else {}
    if sheets is not None and len(channels) > 1:
        extra["warnings"] = [f"the workbook holds {len(channels)} channels ({', '.join(channels)}); channel "
                             f"{channels[0]} was read, the others not: export each channel to its own file"]
    if sheets is not None and left_out:
        extra["warnings"] = [*extra.get("warnings", []), another_record(first_channel[:len(tables)], left_out)]
    metadata = MeasurementMetadata(vendor="Arbin", file_format=file_format, source_file=source, channel=channel,
                                   units_as_recorded=units, extra=extra)
    metadata = _with_side_file(path, metadata, values)
    if metadata.start_time is None:
        metadata = _with_date_time(metadata, tables[0] if sheets is not None else table, values)
    restarts = C.CounterRestarts.changes_of(S.CYCLE) if S.CYCLE in values.columns else None
    note_unread_readings(metadata.extra, rows)
    return C.to_measurement(values, metadata, restarts, rows=rows)


#: how MITS Pro writes "Date Time" (US order; the Excel export as the workbook stores it)
_DATE_TIME_FORMATS = ("%m/%d/%Y %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%d/%m/%Y %H:%M:%S%.f")


def _with_date_time(metadata: MeasurementMetadata, table, values: pl.DataFrame) -> MeasurementMetadata:
    """The start from the first row's "Date Time" text (MITS Pro 8 writes it quoted after a tab, to keep
    spreadsheets from reformatting it): the tester's local time, no zone."""
    text = text_column(table, ("Date Time", "Date_Time"))
    if text is None or not values.height:
        return metadata
    first = text.head(1).str.strip_chars(" \t\"")
    for fmt in _DATE_TIME_FORMATS:
        stamp = first.str.strptime(pl.Datetime("us"), fmt, strict=False)[0]
        if stamp is not None:
            start = stamp - timedelta(seconds=float(values[S.TIME][0]))
            extra = dict(metadata.extra)
            extra["assumptions"] = [*extra.get("assumptions", []),
                                    "Date Time has no time zone; start_time is the tester's local time"]
            return metadata.model_copy(update={"start_time": start, "extra": extra})
    return metadata


def _with_side_file(path: Path, metadata: MeasurementMetadata, values: pl.DataFrame) -> MeasurementMetadata:
    side = path.with_name(path.stem + "_Metadata.csv")
    update: dict = {}
    extra = dict(metadata.extra)
    if side.is_file():
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(decode(side.read_bytes()))))
        if not rows:
            raise InputError("Arbin metadata side file has no data row", source=str(side))
        row = rows[0]
        extra["arbin_metadata"] = {k: v for k, v in row.items() if k}
        if row.get("iv_ch_id"):
            update["channel"] = row["iv_ch_id"]
        if row.get("schedule_file_name"):
            update["procedure"] = row["schedule_file_name"]
        if row.get("item_id"):
            update["cell_id"] = row["item_id"]
        start = row.get("first_start_datetime", "")
        if start.strip().lstrip("-").isdigit():
            update["start_time"] = datetime.fromtimestamp(int(start), tz=timezone.utc)
    if "start_time" not in update and S.UNIX_TIME in values.columns and values.height:
        first = values[S.UNIX_TIME][0]
        if first is not None and 1e8 < first < 1e10:
            update["start_time"] = datetime.fromtimestamp(first - values[S.TIME][0], tz=timezone.utc)
    update["extra"] = extra
    return metadata.model_copy(update=update)
