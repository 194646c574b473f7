"""Finish a reader's work: a frame with canonical columns and vendor counters → :class:`Measurement`.

Each reader renames and scales the vendor's columns into BDF names (see ``schema``) and leaves the
vendor's own capacity/energy counters in columns named ``vendor_*``. :func:`to_measurement` then

1. checks the current's sign against the counters (BDF: positive = charge) and flips it when the file
   uses the opposite convention, saying so in ``metadata.extra["assumptions"]``;
2. records the vendor's per-cycle totals in ``metadata.extra["vendor_cycle_counters"]`` so the
   conversion can be checked against the instrument's own numbers;
3. turns the counters into BDF cumulative columns, and integrates whatever the vendor did not count.

Before that it applies the second half of the row policy (the first half, rows without a measurement,
is :func:`cellbench.measurements.readers.tabular.numbers`): a non-finite time, voltage or current, or a
time that goes backwards within a step, is an :class:`InputError` naming the file, the line (or record)
and the column; rows dropped as carrying no measurement are counted in ``extra["skipped_rows"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from cellbench.errors import InputError

from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers.counters import cumulative_counter, per_segment_totals, segment_starts
from cellbench.measurements.readers.tabular import MAX_LINES_LISTED, SkippedRows

VENDOR_CHARGE_CAPACITY = "vendor_charge_capacity_ampere_hour"
VENDOR_DISCHARGE_CAPACITY = "vendor_discharge_capacity_ampere_hour"
VENDOR_CHARGE_ENERGY = "vendor_charge_energy_watt_hour"
VENDOR_DISCHARGE_ENERGY = "vendor_discharge_energy_watt_hour"

_COUNTER_TARGETS = {
    VENDOR_CHARGE_CAPACITY: S.CHARGE_CAPACITY,
    VENDOR_DISCHARGE_CAPACITY: S.DISCHARGE_CAPACITY,
    VENDOR_CHARGE_ENERGY: S.CHARGE_ENERGY,
    VENDOR_DISCHARGE_ENERGY: S.DISCHARGE_ENERGY,
}


@dataclass(frozen=True)
class CounterRestarts:
    """Where the vendor restarts its counters: rows marked by ``at`` (e.g. a new step), always when
    ``certain``, else only where the counter also falls there."""

    at: pl.Expr | None = None
    certain: bool = False


class SourceRows(Protocol):
    """Where a reader's rows came from: a text table (lines) or a binary file's records."""

    skipped: SkippedRows
    column_of: dict[str, str]

    def location(self, row: int) -> str: ...


@dataclass
class Records:
    """The rows of a binary file, named by record number (1-based) in messages."""

    skipped: SkippedRows = field(default_factory=SkippedRows)
    column_of: dict[str, str] = field(default_factory=dict)

    def location(self, row: int) -> str:
        return f"record {row + 1}"


def to_measurement(frame: pl.DataFrame, metadata: MeasurementMetadata,
                   restarts: CounterRestarts | None = None, *, rows: SourceRows | None = None) -> Measurement:
    restarts = restarts or CounterRestarts()
    rows = rows if rows is not None else Records()
    check_measurements(frame, rows, metadata.source_file)
    extra = dict(metadata.extra)
    if rows.skipped:
        extra["skipped_rows"] = rows.skipped.report()
    assumptions = list(extra.get("assumptions", []))
    counters = [c for c in _COUNTER_TARGETS if c in frame.columns]
    frame = frame.with_columns(
        cumulative_counter(pl.col(c), restarts=restarts.at, certain=restarts.certain).alias(_COUNTER_TARGETS[c])
        for c in counters
    )
    if _current_opposes_counters(frame):
        frame = frame.with_columns((0.0 - pl.col(S.CURRENT)).alias(S.CURRENT))
        assumptions.append("the file records discharge current as positive (its discharge counter grows "
                           "while current > 0); current was negated to BDF's positive-on-charge convention")
    if S.CYCLE in frame.columns:
        vendor = _vendor_cycle_counters(frame, restarts)
        if vendor:
            extra["vendor_cycle_counters"] = vendor
    if assumptions:
        extra["assumptions"] = assumptions
    units = {_COUNTER_TARGETS.get(k, k): v for k, v in metadata.units_as_recorded.items()
             if k in S.COLUMNS or k in _COUNTER_TARGETS}
    metadata = metadata.model_copy(update={"extra": extra, "units_as_recorded": units})
    kept = [c for c in frame.columns if c not in counters]
    ordered = [c for c in S.COLUMNS if c in kept] + [c for c in kept if c not in S.COLUMNS]
    return Measurement(frame.select(ordered), metadata)


def check_measurements(frame: pl.DataFrame, rows: SourceRows, source: str | None) -> None:
    """Every row measures something real: finite time, voltage and current, and time that never goes
    backwards within a step (a vendor's step, or its cycle when it records no steps)."""
    for column in (S.TIME, S.VOLTAGE, S.CURRENT):
        bad = ~frame[column].is_finite().fill_null(False)
        if bad.any():
            raise _row_error(frame, bad, column, rows, source, "expected a finite number",
                             lambda r: f"{frame[column][r]}")
    keys = [k for k in (S.CYCLE, S.STEP) if k in frame.columns]
    new_segment = segment_starts(*keys) if keys else pl.int_range(pl.len()) == 0
    backwards = frame.select((pl.col(S.TIME).diff() < 0) & ~new_segment).to_series().fill_null(False)
    if backwards.any():
        time = frame[S.TIME]
        raise _row_error(frame, backwards, S.TIME, rows, source, "time goes backwards within a step",
                         lambda r: f"{time[r]:g} s after {time[r - 1]:g} s")


def _row_error(frame: pl.DataFrame, bad: pl.Series, column: str, rows: SourceRows, source: str | None, what: str,
               describe) -> InputError:
    positions = bad.arg_true().to_list()
    name = rows.column_of.get(column, column)
    shown = ", ".join(f"{rows.location(r)} ({describe(r)})" for r in positions[:MAX_LINES_LISTED])
    more = f" and {len(positions) - MAX_LINES_LISTED} more" if len(positions) > MAX_LINES_LISTED else ""
    return InputError(f"column {name!r}: {what} at {shown}{more}; nothing was read",
                      source=source, location=f"{rows.location(positions[0])}, column {name!r}")


def _current_opposes_counters(frame: pl.DataFrame) -> bool:
    """True when the current is mostly positive while the discharge counter grows (or vice versa)."""
    votes = []
    for cumulative, expected_sign in ((S.DISCHARGE_CAPACITY, -1.0), (S.CHARGE_CAPACITY, 1.0)):
        if cumulative in frame.columns:
            growing = pl.col(cumulative).diff().fill_null(0.0) > 0
            votes.append((pl.col(S.CURRENT).filter(growing & (pl.col(S.CURRENT) != 0)).sign().mean()
                          * expected_sign).alias(cumulative))
    if not votes:
        return False
    signs = [v for v in frame.select(votes).row(0) if v is not None]
    return bool(signs) and sum(signs) / len(signs) < -0.5


_VENDOR_KEYS = {VENDOR_CHARGE_CAPACITY: "charge_capacity_Ah", VENDOR_DISCHARGE_CAPACITY: "discharge_capacity_Ah",
                VENDOR_CHARGE_ENERGY: "charge_energy_Wh", VENDOR_DISCHARGE_ENERGY: "discharge_energy_Wh"}


def _vendor_cycle_counters(frame: pl.DataFrame, restarts: CounterRestarts) -> dict[str, list] | None:
    """Per-cycle totals the vendor's way: the largest value each counter reached in each segment (step
    or cycle run, where the vendor restarts it), summed over the cycle's segments."""
    counters = [c for c in _VENDOR_KEYS if c in frame.columns]
    if not counters:
        return None
    segment = restarts.at if restarts.at is not None else pl.lit(False)
    table = per_segment_totals(frame, counters, cycle=S.CYCLE, segment=_cycle_or(segment, frame))
    out: dict[str, list] = {"cycle": table[S.CYCLE].to_list()}
    for counter in counters:
        out[_VENDOR_KEYS[counter]] = table[counter].to_list()
    return out


def _cycle_or(segment: pl.Expr, frame: pl.DataFrame) -> pl.Expr:
    first = pl.int_range(pl.len()) == 0
    return (segment.fill_null(True) | (pl.col(S.CYCLE) != pl.col(S.CYCLE).shift(1)).fill_null(True) | first)
