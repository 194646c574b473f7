"""Arbin MITS Pro ``.res`` result files: Microsoft Access (Jet) databases, read with ``mdb-export`` from
mdbtools — the tool galvani's ``res2sqlite`` and cellpy also use.

The records are the table ``Channel_Normal_Table`` (``Data_Point``, ``Test_Time``, ``Step_Index``,
``Cycle_Index``, ``Current`` in A, ``Voltage`` in V, ``Charge/Discharge_Capacity`` in Ah and
``…_Energy`` in Wh counting from the start of each cycle, ``DateTime`` in days since 1899-12-30, the
tester PC's local time, ``Internal_Resistance`` in Ohm); ``Global_Table`` gives the channel, schedule,
start time and item id. The table is exported as CSV and read by the same code as the CSV export
(``arbin``), so units, counters and the row policy are those of ``arbin-csv``. ``mdb-export`` is
called directly rather than through galvani's SQLite conversion: the same bytes, without building a
database first (``benchmarks/bench_ingest.py`` compares the two).

mdbtools is a system package (Debian/Ubuntu ``apt-get install mdbtools``, macOS ``brew install
mdbtools``); without it reading a ``.res`` file is an :class:`InputError` that says so.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.arbin import FIELDS as CSV_FIELDS
from cellbench.measurements.readers.columns import Field, extract
from cellbench.measurements.readers.tabular import DelimitedTable, parse_delimited

FORMAT = "arbin-res"
#: Jet 3/4 (Access 97-2003) and ACE (Access 2007+) database signatures, after 4 bytes of page header
SIGNATURES = (b"Standard Jet DB", b"Standard ACE DB")
RECORDS_TABLE = "Channel_Normal_Table"
#: OLE Automation dates count days from 1899-12-30
OLE_EPOCH = datetime(1899, 12, 30)

FIELDS = [f for f in CSV_FIELDS if f.out != S.UNIX_TIME] + [Field("_ole_days", ("DateTime",), "time", "s")]


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    return head[4:19] in SIGNATURES


def mdb_export(path: Path, table: str) -> bytes:
    """One table of an Access file as CSV bytes (header line first)."""
    tool = shutil.which("mdb-export")
    if tool is None:
        raise InputError("reading an Arbin .res file needs 'mdb-export' from mdbtools, which is not installed "
                         "(Debian/Ubuntu: apt-get install mdbtools; macOS: brew install mdbtools)", source=str(path))
    done = subprocess.run([tool, str(path), table], capture_output=True)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"mdb-export could not read table {table!r} ({message[-1] if message else 'no message'})"
                         "; is this an Arbin .res file?", source=str(path))
    return done.stdout


class _ExportedTable(DelimitedTable):
    """Rows of the exported table, named in messages by their Data_Point row (1-based)."""

    def location(self, row: int) -> str:
        return f"{RECORDS_TABLE} row {self.line_of(row) - 1}"


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = mdb_export(path, RECORDS_TABLE)
    parsed = parse_delimited(raw, separator=",", source=f"{source} [{RECORDS_TABLE}]")
    table = _ExportedTable(None, parsed.source, parsed.first_data_line, body=parsed.body, names=parsed.names)
    values, units = extract(table, FIELDS, allow_missing=(S.INTERNAL_RESISTANCE, S.CELL_TEMPERATURE))
    if "Data_Point" in table.names:
        order = pl.Series(table.text("Data_Point")).cast(pl.Int64, strict=False)
        if not order.is_sorted():
            values = values.with_columns(order.alias("_order")).sort("_order").drop("_order")
    values = values.with_columns(pl.col(c).cast(pl.Int64) for c in (S.CYCLE, S.STEP) if c in values.columns)
    if "_ole_days" in values.columns:
        # local wall-clock seconds since 1970 (no zone: the .res file does not record one)
        values = values.with_columns(((pl.col("_ole_days") - 25569.0) * 86400.0).alias(S.UNIX_TIME)).drop("_ole_days")
        units.pop("_ole_days", None)
    info = _global_info(path)
    start = _ole_datetime(info.get("Start_DateTime"))
    metadata = MeasurementMetadata(
        vendor="Arbin", file_format=FORMAT, source_file=source, channel=info.get("Channel_Index") or None,
        procedure=info.get("Schedule_File_Name") or None, cell_id=info.get("Item_ID") or None, start_time=start,
        units_as_recorded=units,
        extra={"arbin_global": info, "assumptions": ["the .res times are the tester PC's local time (no zone)"]})
    restarts = C.CounterRestarts.changes_of(S.CYCLE) if S.CYCLE in values.columns else None
    return C.to_measurement(values, metadata, restarts, rows=table)


def _global_info(path: Path) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(mdb_export(path, "Global_Table").decode("utf-8", "replace"))))
    return {k: v for k, v in rows[0].items() if k and v} if rows else {}


def _ole_datetime(value: str | None) -> datetime | None:
    try:
        return OLE_EPOCH + timedelta(days=float(value)) if value else None
    except (ValueError, OverflowError):
        return None


__all__ = ["FORMAT", "sniff", "read", "mdb_export"]
