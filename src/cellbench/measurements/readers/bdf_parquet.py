"""Battery Data Format Parquet: cellbench's own files, or any Parquet with BDF column names or labels.

A file written by :meth:`Measurement.to_parquet` carries its metadata in the Parquet key-value
metadata and is returned as written. Other BDF Parquet files (navani writes ``.bdf.parquet``) are read
like a BDF CSV (``bdf.read_frame``): human-style labels (``Voltage / V``) or machine names, in any unit
of ``units.yaml``, capacities as counters, the current's sign checked against them.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements.measurement import PARQUET_METADATA_KEY, Measurement

FORMAT = "bdf-parquet"


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    return head[:4] == b"PAR1"


def read(path: str | Path) -> Measurement:
    path = Path(path)
    import pyarrow.parquet as pq

    try:
        has_ours = PARQUET_METADATA_KEY in (pq.read_schema(path).metadata or {})
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputError(f"not a readable Parquet file ({exc})", source=str(path)) from exc
    if has_ours:
        return Measurement.from_parquet(path)
    # another tool's BDF Parquet (navani's .bdf.parquet): labels or machine names, any unit, counters as written
    from cellbench.measurements.readers import bdf

    return bdf.read_frame(pl.read_parquet(path), str(path), FORMAT)
