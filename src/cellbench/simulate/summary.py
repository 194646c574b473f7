"""Per-step summary of a simulated run: what a cycler's step report shows.

>>> rows = step_summary(measurement)                     # needs a simulated Measurement  # doctest: +SKIP
>>> rows[0]["discharge_capacity_Ah"], rows[0]["ended_by"]  # doctest: +SKIP
(0.00797, 'lower voltage cut-off')
"""

from __future__ import annotations

from typing import Any

import polars as pl

from cellbench.measurements import Measurement
from cellbench.measurements import schema as S


def step_summary(measurement: Measurement) -> list[dict[str, Any]]:
    """One row per step as it ran (repeats give one row each): duration, capacity and energy moved,
    end voltage, maximum cell temperature, and what ended it (from the run's metadata)."""
    data = measurement.data
    changed = (pl.col(S.STEP) != pl.col(S.STEP).shift(1)) | (pl.col(S.CYCLE) != pl.col(S.CYCLE).shift(1))
    blocks = (data.with_columns(changed.fill_null(True).cum_sum().alias("_block"))
              .group_by("_block", maintain_order=True)
              .agg(pl.col(S.CYCLE).first(), pl.col(S.STEP).first(), pl.col(S.STEP_TYPE).first(),
                   (pl.col(S.TIME).last() - pl.col(S.TIME).first()).alias("duration_s"),
                   (pl.col(S.CHARGE_CAPACITY).last() - pl.col(S.CHARGE_CAPACITY).first()).alias("charge_capacity_Ah"),
                   (pl.col(S.DISCHARGE_CAPACITY).last() - pl.col(S.DISCHARGE_CAPACITY).first()).alias("discharge_capacity_Ah"),
                   (pl.col(S.CHARGE_ENERGY).last() - pl.col(S.CHARGE_ENERGY).first()).alias("charge_energy_Wh"),
                   (pl.col(S.DISCHARGE_ENERGY).last() - pl.col(S.DISCHARGE_ENERGY).first()).alias("discharge_energy_Wh"),
                   pl.col(S.VOLTAGE).last().alias("end_voltage_V"),
                   pl.col(S.CELL_TEMPERATURE).max().alias("max_temperature_C"),
                   pl.col(S.AMBIENT_TEMPERATURE).first().alias("ambient_temperature_C")))
    records = [r for r in measurement.metadata.extra.get("steps", []) if r.get("ended_by") != "state set"]
    block_rows = blocks.drop("_block").to_dicts()
    rows: list[dict[str, Any]] = []
    for record in records:
        if str(record.get("ended_by", "")).endswith(" at start"):
            # ended at once (runner): no rows of its own; it leaves the cell where the step before left it
            rows.append(_at_start_row(record, rows[-1] if rows else None))
            continue
        if not block_rows:
            continue
        rows.append(_row(block_rows.pop(0), record))
    rows.extend(_row(row, {}) for row in block_rows)
    return rows


def _row(row: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    return {"cycle": row[S.CYCLE], "step_index": row[S.STEP], "step": record.get("text", ""),
            "step_type": row[S.STEP_TYPE], **{k: v for k, v in row.items() if k not in (S.CYCLE, S.STEP, S.STEP_TYPE)},
            "ended_by": record.get("ended_by", ""), "min_anode_potential_V": record.get("min_anode_potential_V")}


def _at_start_row(record: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    """A step that ended at once: nothing moved; its voltage and temperature are where the step before left them
    (None right after a set state, which has no rows)."""
    return {"cycle": record["cycle"], "step_index": record["step_index"], "step": record.get("text", ""),
            "step_type": record.get("step_type") or "", "duration_s": 0.0, "charge_capacity_Ah": 0.0,
            "discharge_capacity_Ah": 0.0, "charge_energy_Wh": 0.0, "discharge_energy_Wh": 0.0,
            "end_voltage_V": before["end_voltage_V"] if before else None,
            "max_temperature_C": before["max_temperature_C"] if before else None,
            "ambient_temperature_C": before["ambient_temperature_C"] if before else None,
            "ended_by": record["ended_by"], "min_anode_potential_V": None}
