"""Battery Data Format Parquet: cellbench's own files, or any Parquet with BDF column names or labels.

A file written by :meth:`Measurement.to_parquet` carries its metadata in the Parquet key-value
metadata and is returned as written. Other BDF Parquet files get their human-style labels
(``Voltage / V``) renamed to machine names; units other than the canonical ones are refused rather
than silently mixed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import PARQUET_METADATA_KEY, Measurement, MeasurementMetadata

FORMAT = "bdf-parquet"


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    return head[:4] == b"PAR1"


def read(path: str | Path) -> Measurement:
    path = Path(path)
    measurement = Measurement.from_parquet(path)
    renames = {c: S.LABEL_TO_NAME[c] for c in measurement.data.columns if c in S.LABEL_TO_NAME}
    if not renames:
        return measurement
    import pyarrow.parquet as pq

    has_ours = PARQUET_METADATA_KEY in (pq.read_schema(path).metadata or {})
    data = measurement.data.rename(renames)
    missing = [c for c in S.REQUIRED if c not in data.columns]
    if missing:
        raise InputError(f"missing column {', '.join(missing)}", source=str(path))
    metadata = measurement.metadata if has_ours else MeasurementMetadata(
        file_format=FORMAT, source_file=str(path),
        units_as_recorded={name: label.rsplit(" / ", 1)[1] for label, name in renames.items()})
    return Measurement(data.with_columns(pl.col(c).cast(S.COLUMNS[c][0]) for c in data.columns if c in S.COLUMNS),
                       metadata)
