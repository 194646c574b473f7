"""Measurement: one canonical time series (simulated or measured) with its metadata."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pyarrow.parquet as pq
from pydantic import BaseModel, Field

from cellbench.errors import CellbenchError, InputError
from cellbench.measurements import schema as S
from cellbench.measurements.columns import add_cumulative_columns  # importable from here too

PARQUET_METADATA_KEY = b"cellbench.measurement"
MAX_CYCLES_SHOWN = 20  # rows of the cycle table in the notebook view


class MeasurementMetadata(BaseModel):
    """Who and what produced a time series. Units are those recorded by the source, before conversion."""

    origin: Literal["simulation", "cycler"] = "cycler"
    vendor: str | None = None
    file_format: str | None = None
    source_file: str | None = None
    channel: str | None = None
    start_time: datetime | None = None
    procedure: str | None = None
    cell_id: str | None = None
    units_as_recorded: dict[str, str] = Field(default_factory=dict)
    provenance: dict[str, Any] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)


class Measurement:
    """A battery test as a table with canonical BDF columns (see :mod:`cellbench.measurements.schema`).

    >>> import polars as pl
    >>> m = Measurement(pl.DataFrame({"test_time_second": [0.0, 3600.0], "voltage_volt": [4.0, 3.0],
    ...                                "current_ampere": [-1.0, -1.0]}))
    >>> round(m.data["discharging_capacity_ampere_hour"][-1], 6)
    1.0
    """

    def __init__(self, data: pl.DataFrame, metadata: MeasurementMetadata | None = None, *, derive: bool = True):
        self.metadata = metadata or MeasurementMetadata()
        names = data.columns
        missing = [c for c in S.REQUIRED if c not in names]
        if missing:
            raise InputError(f"missing canonical column(s) {', '.join(missing)}", source=self.metadata.source_file)
        casts = [pl.col(c).cast(S.COLUMNS[c][0]) for c, dtype in zip(names, data.dtypes)
                 if c in S.COLUMNS and dtype != S.COLUMNS[c][0]]
        data = data.with_columns(casts) if casts else data
        self.data = add_cumulative_columns(data) if derive else data

    # -- views -----------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.data.height

    def __repr__(self) -> str:
        return f"Measurement({self.metadata.origin}, {self.data.height} rows, columns={self.data.columns})"

    def _repr_html_(self) -> str:
        """Jupyter's view: where the test came from and its cycle table (the first rows when it has no cycles)."""
        from html import escape

        md = self.metadata
        what = ", ".join(escape(str(x)) for x in (md.origin, md.cell_id, md.vendor, md.source_file) if x)
        head = f"<b>Measurement</b> ({what}; {self.data.height} rows)"
        try:
            table = self.cycles()
        except CellbenchError:  # too little data to tell cycles apart: show the time series itself
            return head + self.data.head(10)._repr_html_()
        shown = table.head(MAX_CYCLES_SHOWN)
        more = f"<p>first {MAX_CYCLES_SHOWN} of {table.height} cycles: .cycles() has all</p>" \
            if table.height > MAX_CYCLES_SHOWN else ""
        return head + shown._repr_html_() + more

    # -- analysis, for the notebook: the same tables and figures as `cellbench summarize` and the web test page
    def cycles(self) -> pl.DataFrame:
        """One row per cycle: capacities, energies, coulombic efficiency, mean voltages, max temperature, duration
        (:func:`cellbench.analysis.cycle_table`; ``.to_pandas()`` on the frame for pandas)."""
        from cellbench.measurements.cycles import cycle_table  # the tables name Measurement: imported on use

        return cycle_table(self)

    def steps(self) -> pl.DataFrame:
        """One row per step (:func:`cellbench.analysis.step_table`)."""
        from cellbench.measurements.steps import step_table

        return step_table(self)

    def plot(self, kind: Literal["voltage_capacity", "capacity_fade", "dqdv"] = "voltage_capacity"):
        """A Plotly figure of this test, the one the web test page draws: voltage against capacity per cycle,
        capacity fade, or dQ/dV. Overlay another test with ``fig.add_traces(other.plot().data)``."""
        import plotly.graph_objects as go

        from cellbench.measurements.plots import test_figures

        figures = test_figures(self)
        if kind not in figures:
            raise InputError(f"unknown plot {kind!r}: expected one of {', '.join(figures)}", location="kind")
        return go.Figure(figures[kind])

    def to_pandas(self):
        return self.data.to_pandas()

    def content_hash(self) -> str:
        """SHA-256 of the canonical table: column names, types and values (nulls marked), independent of how
        Arrow happens to lay the buffers out, so the same data always gives the same hash."""
        h = hashlib.sha256()
        for name in self.data.columns:
            col = self.data[name]
            h.update(f"{name}:{col.dtype}:".encode())
            h.update(col.is_null().to_numpy().tobytes())
            if col.dtype == pl.Utf8:
                h.update("\x00".join(col.fill_null("").to_list()).encode())
            else:
                h.update(col.fill_null(0).to_numpy().tobytes())
        return h.hexdigest()

    # -- files -----------------------------------------------------------------------------------------
    def to_parquet(self, path: str | Path) -> Path:
        """Write atomically: a temporary file renamed into place, so a reader never sees half a file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        table = self.data.to_arrow()
        meta = dict(table.schema.metadata or {})
        meta[PARQUET_METADATA_KEY] = self.metadata.model_dump_json().encode()
        table = table.replace_schema_metadata(meta)
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(table, tmp)
        tmp.replace(path)
        return path

    @classmethod
    def from_parquet(cls, path: str | Path) -> "Measurement":
        path = Path(path)
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise InputError(f"not a readable Parquet file ({exc})", source=str(path)) from exc
        raw = (table.schema.metadata or {}).get(PARQUET_METADATA_KEY)
        metadata = MeasurementMetadata.model_validate_json(raw) if raw else MeasurementMetadata(source_file=str(path))
        return cls(pl.from_arrow(table), metadata, derive=False)

    def to_csv(self, path: str | Path, *, header_style: Literal["machine", "human"] = "machine") -> Path:
        path = Path(path)
        df = self.data
        if header_style == "human":
            df = df.rename({c: S.COLUMNS[c][1] for c in df.columns if c in S.COLUMNS})
        tmp = path.with_name(path.name + ".tmp")
        df.write_csv(tmp)
        tmp.replace(path)
        return path

    def to_json_summary(self) -> dict[str, Any]:
        return {"rows": self.data.height, "columns": self.data.columns, "metadata": json.loads(self.metadata.model_dump_json())}
