"""Lot statistics for a batch of standard cells: capacity spread against the ±3 % criterion, yield,
and cells flagged for micro-shorts from how fast their voltage decays at rest.

Stable interface::

    rest_voltage_decay_mV_per_h(measurement, *, min_rest_s=3600.0) -> float | None
    lot_statistics(cells, *, capacity_tolerance=0.03, decay_limit_mV_per_h=None) -> LotReport

``cells`` is a table with ``cell_id`` and ``capacity_Ah`` (and optionally ``decay_mV_per_h``), or a
mapping cell id → Measurement (capacity = last cycle's discharge capacity; decay from the longest
rest). A cell is within spec when its capacity lies within ±``capacity_tolerance`` of the lot median.
A cell is flagged as a possible micro-short when its rest-voltage decay exceeds
``decay_limit_mV_per_h``, or, when none is given, the lot median + 5 × the median absolute deviation
(a robust outlier rule: one shorted cell cannot hide itself by raising the mean) and at least 1 mV/h.
Yield = cells within spec and not flagged / all cells.

>>> import polars as pl
>>> lot = pl.DataFrame({"cell_id": ["a", "b", "c", "d"], "capacity_Ah": [1.00, 1.01, 0.99, 0.90]})
>>> report = lot_statistics(lot)
>>> report.yield_fraction, report.table.filter(~pl.col("within_spec"))["cell_id"].to_list()
(0.75, ['d'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, cast

import numpy as np
import polars as pl

from cellbench.analysis.cycles import cycle_table
from cellbench.analysis.steps import step_table
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S

#: a flagged decay must also exceed this absolute rate, so a lot of near-identical cells flags none
MIN_FLAG_DECAY_MV_PER_H = 1.0
MAD_FACTOR = 5.0


def rest_voltage_decay_mV_per_h(measurement: Measurement, *, min_rest_s: float = 3600.0) -> float | None:
    """Voltage fall rate over the second half of the longest rest (least-squares slope), in mV/h.

    The first half is skipped because relaxation after the last current step dominates it.
    Positive = voltage falling. None when no rest lasts ``min_rest_s``.
    """
    steps = step_table(measurement).filter((pl.col("step_type") == "rest") & (pl.col("duration_s") >= min_rest_s))
    if steps.height == 0:
        return None
    longest = steps.sort("duration_s", descending=True).row(0, named=True)
    rows = measurement.data.slice(longest["first_row"], longest["last_row"] - longest["first_row"] + 1)
    t = rows[S.TIME].to_numpy()
    v = rows[S.VOLTAGE].to_numpy()
    half = t >= t[0] + (t[-1] - t[0]) / 2
    if half.sum() < 2:
        return None
    slope_V_per_s = np.polyfit(t[half], v[half], 1)[0]
    return float(-slope_V_per_s * 3600.0 * 1000.0)


@dataclass
class LotReport:
    table: pl.DataFrame
    median_capacity_Ah: float
    spread_percent: float
    yield_fraction: float
    capacity_tolerance: float
    decay_limit_mV_per_h: float | None

    def to_json(self) -> dict[str, Any]:
        return {"median_capacity_Ah": self.median_capacity_Ah, "spread_percent": self.spread_percent,
                "yield_fraction": self.yield_fraction, "capacity_tolerance": self.capacity_tolerance,
                "decay_limit_mV_per_h": self.decay_limit_mV_per_h, "cells": self.table.to_dicts()}


def _table_from_measurements(cells: Mapping[str, Measurement]) -> pl.DataFrame:
    rows = []
    for cell_id, measurement in cells.items():
        cycles = cycle_table(measurement)
        capacity = cycles["discharge_capacity_Ah"][-1] if cycles.height else None
        rows.append({"cell_id": cell_id, "capacity_Ah": capacity,
                     "decay_mV_per_h": rest_voltage_decay_mV_per_h(measurement)})
    return pl.DataFrame(rows, schema={"cell_id": pl.Utf8, "capacity_Ah": pl.Float64, "decay_mV_per_h": pl.Float64})


def lot_statistics(cells: pl.DataFrame | Mapping[str, Measurement], *, capacity_tolerance: float = 0.03,
                   decay_limit_mV_per_h: float | None = None) -> LotReport:
    table = cells if isinstance(cells, pl.DataFrame) else _table_from_measurements(cells)
    if "decay_mV_per_h" not in table.columns:
        table = table.with_columns(pl.lit(None, dtype=pl.Float64).alias("decay_mV_per_h"))
    median = float(table["capacity_Ah"].median())
    decays = table["decay_mV_per_h"].drop_nulls()
    limit = decay_limit_mV_per_h
    if limit is None and decays.len() >= 3:
        mad = float((decays - decays.median()).abs().median())
        limit = max(float(decays.median()) + MAD_FACTOR * mad, MIN_FLAG_DECAY_MV_PER_H)
    deviation = (pl.col("capacity_Ah") / median - 1.0)
    flagged = (pl.col("decay_mV_per_h") > limit).fill_null(False) if limit is not None else pl.lit(False)
    table = table.with_columns(
        (deviation * 100).alias("capacity_deviation_percent"),
        (deviation.abs() <= capacity_tolerance + 1e-12).alias("within_spec"),
        flagged.alias("micro_short_suspected"),
    ).with_columns((pl.col("within_spec") & ~pl.col("micro_short_suspected")).alias("accepted"))
    capacities = table["capacity_Ah"]
    # capacities are floats; polars types a Series' max() as any Python value
    spread = float((cast(float, capacities.max()) - cast(float, capacities.min())) / median * 100) if median else float("nan")
    return LotReport(table=table, median_capacity_Ah=median, spread_percent=spread,
                     yield_fraction=float(table["accepted"].mean()), capacity_tolerance=capacity_tolerance,
                     decay_limit_mV_per_h=limit)
