"""Battery Data Format (BDF) CSV in both header styles.

Machine style uses cellbench's canonical names (``test_time_second,voltage_volt,current_ampere,...``);
human style uses ``Quantity / unit`` labels (``Test Time / h,Current / A,Voltage / V,...``), in any of
the units in ``units.yaml``. BDF says current is positive on charge and capacities are cumulative; files
in the wild sometimes restart capacities at each step or count discharge current as positive (the
batmo test file does both), so counters are converted like any vendor's and the current's sign is
checked against them (see ``canonical``). Either style may come gzip-compressed (``.bdf.gz``), as BDF
allows; :func:`read_frame` reads the same columns from a Parquet file that cellbench did not write.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract, text_column
from cellbench.measurements.readers.tabular import (DelimitedTable, column_separator, head_lines, parse_delimited,
                                                    parse_delimited_file, read_bytes, read_head)

FORMAT = "bdf-csv"

FIELDS = [
    Field(S.TIME, (S.TIME, "Test Time", "Time"), "time", "s", required=True),
    Field(S.VOLTAGE, (S.VOLTAGE, "Voltage"), "voltage", "V", required=True),
    Field(S.CURRENT, (S.CURRENT, "Current"), "current", "A", required=True),
    Field(S.UNIX_TIME, (S.UNIX_TIME, "Unix Time"), "time", "s"),
    Field(S.CYCLE, (S.CYCLE, "cycle_count_dimensionless", "Cycle Count", "Cycle Index", "Cycle Number"), "dimensionless"),
    Field(S.STEP, (S.STEP, "step_index_dimensionless", "Step Index", "Step Count"), "dimensionless"),
    Field(C.VENDOR_CHARGE_CAPACITY, (S.CHARGE_CAPACITY, "Charging Capacity", "Charge Capacity"), "capacity", "Ah"),
    Field(C.VENDOR_DISCHARGE_CAPACITY, (S.DISCHARGE_CAPACITY, "Discharging Capacity", "Discharge Capacity"),
          "capacity", "Ah"),
    Field(C.VENDOR_CHARGE_ENERGY, (S.CHARGE_ENERGY, "Charging Energy", "Charge Energy"), "energy", "Wh"),
    Field(C.VENDOR_DISCHARGE_ENERGY, (S.DISCHARGE_ENERGY, "Discharging Energy", "Discharge Energy"), "energy", "Wh"),
    Field(S.AMBIENT_TEMPERATURE, (S.AMBIENT_TEMPERATURE, "Ambient Temperature"), "temperature", "degC"),
    Field(S.CELL_TEMPERATURE, (S.CELL_TEMPERATURE, "Surface Temperature", "Temperature"), "temperature", "degC"),
    Field(S.INTERNAL_RESISTANCE, (S.INTERNAL_RESISTANCE, "Internal Resistance"), "resistance", "Ohm"),
]
_MACHINE = (S.TIME, S.VOLTAGE, S.CURRENT)


GZIP_MAGIC = b"\x1f\x8b"


def _gunzip_head(head: bytes) -> bytes:
    """The first bytes of a gzip-compressed file's text (a ``.bdf.gz``); b"" when it is not gzip."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, len(head) * 4)
    except zlib.error:
        return b""


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    if head[:2] == GZIP_MAGIC:
        head = _gunzip_head(head)
    lines = head_lines(head, 1)
    if not lines:
        return False
    first = lines[0]
    if all(name in first for name in _MACHINE):
        return True
    labels = [cell.strip() for cell in first.split(column_separator(first))]
    human = [lab for lab in labels if " / " in lab]
    return len(human) >= 3 and any(lab.startswith(("Test Time /", "Time /")) for lab in labels) \
        and any(lab.startswith("Voltage /") for lab in labels)


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = read_head(path)
    compressed = raw[:2] == GZIP_MAGIC
    if compressed:  # BDF allows gzip-compressed text (.bdf.gz, .csv.gz)
        try:
            raw = gzip.decompress(read_bytes(path))
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"damaged gzip file ({exc})", source=source) from exc
    lines = head_lines(raw[:4096], 1)
    if not lines:
        raise InputError("empty file", source=source)
    first = lines[0]
    table = parse_delimited(raw, separator=column_separator(first), source=source) if compressed else \
        parse_delimited_file(path, separator=column_separator(first), source=source)
    return _measurement(table, FORMAT, extra={"compression": "gzip"} if compressed else None)


def read_frame(frame: pl.DataFrame, source: str, file_format: str) -> Measurement:
    """A table already in columns (a BDF Parquet file not written by cellbench) read as the CSV is: labels in
    any unit of ``units.yaml``, counters converted, the current's sign checked; messages number its rows from 1."""
    table = DelimitedTable(frame.select(pl.all().cast(pl.Utf8)), source, 1)
    return _measurement(table, file_format)


def _measurement(table: DelimitedTable, file_format: str, extra: dict | None = None) -> Measurement:
    source = table.source
    values, units = extract(table, FIELDS, allow_missing=(S.AMBIENT_TEMPERATURE, S.CELL_TEMPERATURE,
                                                          S.INTERNAL_RESISTANCE))
    values = values.with_columns(pl.col(c).cast(pl.Int64) for c in (S.CYCLE, S.STEP) if c in values.columns)
    step_type = text_column(table, (S.STEP_TYPE, "Step Type"))
    if step_type is not None:
        values = values.with_columns(step_type.str.to_lowercase().alias(S.STEP_TYPE))
    style = "machine" if all(n in table.names for n in _MACHINE) else "human"
    metadata = MeasurementMetadata(vendor=None, file_format=f"{file_format}-{style}" if file_format == FORMAT
                                   else file_format, source_file=source, units_as_recorded=units, extra=extra or {})
    keys = [k for k in (S.CYCLE, S.STEP) if k in values.columns]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    return C.to_measurement(values, metadata, restarts, rows=table)
