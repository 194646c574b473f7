"""PEC SBT cycler CSV export with its header block.

Layout (PEC LifeTest "Export to CSV"; field names as cellpy's PEC loader expects them)::

    #RESULTS CHECK
    #Test:,PEC-1234
    #Start Time:,2021-03-01 10:00:00
    ...
    #END RESULTS CHECK
    Test,Cell ID,Rack,Shelf,Position,Load On time,Step,Cycle,Total Time (Seconds),Step Time (Seconds),
    Real Time,Voltage (mV),Current (mA),Charge Capacity (mAh),Discharge Capacity (mAh),
    Charge Energy (mWh),Discharge Energy (mWh),Cell Temperature (C)

LifeTest exports may instead start with a ``Key:,value`` block (``Request Year:,2026``, ``Test:,25205``,
``TestRegime Name:,…``, ``Start Time:,01/08/2026 17:40:39``) above a column line such as::

    Test,Cell,Rack,Shelf,Position,Cell ID,Step,Instruction Name,Cycle,Total Time (Hours in hh:mm:ss.xxx),
    Load On Time (Hours in hh:mm:ss.xxx),Step Time (Seconds),...,Real Time,Position Start Time,Voltage (V),
    Current (A),Charge Capacity (mAh),Discharge Capacity (mAh),Charge Energy (mWh),Discharge Energy (mWh),...,
    Temp (°C),Station Temperature (°C),

Units come from the headers (V or mV, A or mA, Ah or mAh …); a total time "in hh:mm:ss.xxx" is text whose
hours go past 24. Current is negative on discharge (checked against the counters, see ``canonical``).
Capacity counters are treated as restarting at step or cycle boundaries where they fall. Verified on
constructed files in both layouts (the second as cellpy's public PEC test file has it).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, duration_seconds, extract, split_unit
from cellbench.measurements.readers.tabular import (head_lines, note_unread_readings, parse_delimited_file, read_head,
                                                    refuse_a_second_test)

FORMAT = "pec"

FIELDS = [
    Field(S.VOLTAGE, ("Voltage",), "voltage", "mV", required=True),
    Field(S.CURRENT, ("Current",), "current", "mA", required=True),
    Field(S.CYCLE, ("Cycle",), "dimensionless"),
    Field(S.STEP, ("Step",), "dimensionless"),
    Field(C.VENDOR_CHARGE_CAPACITY, ("Charge Capacity",), "capacity", "mAh"),
    Field(C.VENDOR_DISCHARGE_CAPACITY, ("Discharge Capacity",), "capacity", "mAh"),
    Field(C.VENDOR_CHARGE_ENERGY, ("Charge Energy",), "energy", "mWh"),
    Field(C.VENDOR_DISCHARGE_ENERGY, ("Discharge Energy",), "energy", "mWh"),
    Field(S.CELL_TEMPERATURE, ("Cell Temperature", "Temperature", "Temp"), "temperature", "degC"),
    Field(S.AMBIENT_TEMPERATURE, ("Station Temperature",), "temperature", "degC"),
]


def _header_index(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        if not line.startswith("#") and "Total Time" in line and "Cycle" in line and "Step" in line:
            return i
    return None


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    lines = head_lines(head, 80)
    index = _header_index(lines)
    if not lines or index is None:
        return False
    # the "#RESULTS CHECK" block, or LifeTest's "Key:,value" block ("Test:,25205", "TestRegime Name:,…") above a
    # column line that starts with the test and names PEC's own columns
    columns = lines[index]
    return lines[0].startswith(("#RESULTS CHECK", "#Test")) or (
        columns.startswith("Test,") and any(n in columns for n in ("Cell ID", "Load On", "Instruction Name", "Real Time")))


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = read_head(path)
    lines = head_lines(raw[:65536], 80)
    index = _header_index(lines)
    if index is None:
        raise InputError("no PEC column header (a line with 'Total Time', 'Cycle' and 'Step')", source=source)
    info = {}
    for line in lines[:index]:
        key, _, value = line.lstrip("#").partition(",")
        if value.strip():
            info[key.strip().rstrip(":")] = value.strip().strip(",")
    table = parse_delimited_file(path, separator=",", source=source, header_line=index + 1)
    total = next((h for h in table.names if split_unit(h)[0] == "Total Time"), None)
    if total is None:
        raise InputError("missing column 'Total Time (Seconds)' (or 'Total Time (Hours in hh:mm:ss.xxx)')",
                         source=source, location="header")
    values, units = extract(table, FIELDS, allow_missing=(S.CELL_TEMPERATURE, S.AMBIENT_TEMPERATURE))
    # seconds, or "Hours in hh:mm:ss.xxx" text (hours beyond 24), as the export was set up
    seconds, units[S.TIME] = duration_seconds(table, total)
    refuse_a_second_test(table, seconds)
    values = values.with_columns(seconds.alias(S.TIME))
    values = values.with_columns(pl.col(c).cast(pl.Int64) for c in (S.CYCLE, S.STEP) if c in values.columns)
    cell = table.text("Cell ID").drop_nulls().head(1).to_list() if "Cell ID" in table.names else []
    start = None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"):
        try:
            start = datetime.strptime(info.get("Start Time", ""), fmt)
            break
        except ValueError:
            continue
    metadata = MeasurementMetadata(
        vendor="PEC", file_format=FORMAT, source_file=source, start_time=start,
        cell_id=(cell[0].strip() if cell else None) or info.get("Cell ID"), procedure=info.get("Test Regime")
        or info.get("TestRegime Name") or info.get("Test"), channel=info.get("Position") or info.get("Channel"), units_as_recorded=units,
        extra={"header": info, "assumptions": ["PEC 'Start Time' has no time zone: the tester's local time"]})
    keys = [k for k in (S.CYCLE, S.STEP) if k in values.columns]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    note_unread_readings(metadata.extra, table)
    return C.to_measurement(values, metadata, restarts, rows=table)
