"""Novonix HPC (high-precision charger) CSV: ``[Summary]`` and ``[Protocol]`` blocks, then ``[Data]``.

::

    [Summary]
    Novonix HPC data file
    Channel: 01
    Cell: Test_Form-CH01-01.csv
    Protocol: XC_Formation_Entree_Test.pro1
    Started: 2022-04-11 10:58:07 AM
    [End Summary]
    [Protocol] ... [End Protocol]
    [Data]
    "Date and Time,Cycle Number,Step Type,Run Time (h),Step Time (h),Current (A),Potential (V),Capacity (Ah),
     Temperature (°C),Circuit Temperature (°C),Energy (Wh),...,Step Number,Step position"

The software wraps each data row in quotes. Current is positive on charge. ``Capacity (Ah)`` and
``Energy (Wh)`` count from the start of each charge or discharge (they carry on through a CC→CV change
and through rests), so the direction of the last non-zero current says which counter they are.
Step type codes (HPC manual): 0 open circuit, 1 CC charge, 2 CC discharge, 7 CC part of CC-CV charge,
8 CV part of CC-CV charge, 9 CC part of CC-CV discharge, 10 CV part of CC-CV discharge.
``Started`` is the PC's local time, no zone.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract
from cellbench.measurements.readers.tabular import decode, note_unread_readings, parse_delimited, read_bytes

FORMAT = "novonix"

FIELDS = [
    Field(S.TIME, ("Run Time",), "time", "h", required=True),
    Field(S.VOLTAGE, ("Potential", "Voltage"), "voltage", "V", required=True),
    Field(S.CURRENT, ("Current",), "current", "A", required=True),
    Field(S.CYCLE, ("Cycle Number",), "dimensionless"),
    Field(S.STEP, ("Step Number",), "dimensionless"),
    Field("step_type_code", ("Step Type",), "dimensionless"),
    Field("capacity", ("Capacity",), "capacity", "Ah"),
    Field("energy", ("Energy",), "energy", "Wh"),
    Field(S.CELL_TEMPERATURE, ("Temperature",), "temperature", "degC"),
    Field(S.AMBIENT_TEMPERATURE, ("Circuit Temperature",), "temperature", "degC"),
]
STEP_TYPES = {0: "rest", 1: "charge", 2: "discharge", 7: "charge", 8: "cv-hold", 9: "discharge", 10: "cv-hold"}


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    start = head[:400].lstrip(b"\xef\xbb\xbf \r\n")
    return start.startswith(b"[Summary]") and b"Novonix" in head[:400] or b"\n[Data]" in head and b"Novonix" in head


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = read_bytes(path)
    marker = raw.find(b"[Data]")
    if marker < 0:
        raise InputError("no [Data] block", source=source)
    header_line = raw.count(b"\n", 0, marker) + 2
    summary = _summary(decode(raw[:marker]))
    table = parse_delimited(raw, separator=",", source=source, header_line=header_line, strip_quotes=True)
    values, units = extract(table, FIELDS, allow_missing=(S.CELL_TEMPERATURE, S.AMBIENT_TEMPERATURE))
    values = values.with_columns(pl.col(c).cast(pl.Int64)
                                 for c in (S.CYCLE, S.STEP, "step_type_code") if c in values.columns)
    direction = pl.col(S.CURRENT).sign().replace(0.0, None).forward_fill().fill_null(0.0)
    counters = []
    for counter, charge, discharge in (("capacity", C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
                                       ("energy", C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)):
        if counter in values.columns:
            counters += [pl.when(direction > 0).then(pl.col(counter).abs()).otherwise(0.0).alias(charge),
                         pl.when(direction < 0).then(pl.col(counter).abs()).otherwise(0.0).alias(discharge)]
    values = values.with_columns(counters)
    if "step_type_code" in values.columns:
        values = values.with_columns(pl.col("step_type_code").replace_strict(STEP_TYPES, default="other",
                                                                              return_dtype=pl.Utf8).alias(S.STEP_TYPE))
    values = values.drop("capacity", "energy", "step_type_code", strict=False)
    values = values.with_columns(direction.alias("_direction"))
    start = _started(summary.get("Started"))
    metadata = MeasurementMetadata(
        vendor="Novonix", file_format=FORMAT, source_file=source, channel=summary.get("Channel"),
        cell_id=summary.get("Cell") or summary.get("Serial Number") or None, procedure=summary.get("Protocol"),
        start_time=start, units_as_recorded=units,
        extra={"summary": summary,
               "assumptions": ["Novonix 'Started' has no time zone; start_time is the PC's local time"]})
    keys = [k for k in (S.CYCLE,) if k in values.columns] + ["_direction"]
    note_unread_readings(metadata.extra, table)
    measurement = C.to_measurement(values, metadata, C.CounterRestarts.changes_of(*keys), rows=table)
    measurement.data = measurement.data.drop("_direction")
    return measurement


def _summary(text: str) -> dict[str, str]:
    info: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("[Protocol]"):
            break
        key, sep, value = line.partition(":")
        if sep and not line.startswith("["):
            info[key.strip().strip('"')] = value.strip().strip('"')
    return info


def _started(text: str | None) -> datetime | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None
