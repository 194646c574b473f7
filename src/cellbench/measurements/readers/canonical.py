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
from cellbench.measurements.cumulative import accumulate_counter
from cellbench.measurements.measurement import Measurement, MeasurementMetadata, add_cumulative_columns
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
    extra = dict(metadata.extra)
    if rows.skipped:
        extra["skipped_rows"] = rows.skipped.report()
    assumptions = list(extra.get("assumptions", []))
    counters = [c for c in _COUNTER_TARGETS if c in frame.columns]
    marks = frame.select(restarts.at.fill_null(True)).to_series().to_numpy() \
        if restarts.at is not None and counters else None
    cumulative = []
    for c in counters:
        if frame[c].null_count() == 0:  # one compiled pass (cellbench.measurements.cumulative)
            cumulative.append(pl.Series(_COUNTER_TARGETS[c], accumulate_counter(
                frame[c].cast(pl.Float64).to_numpy(), marks, certain=restarts.certain)))
        else:
            cumulative.append(cumulative_counter(pl.col(c), restarts=restarts.at, certain=restarts.certain)
                              .alias(_COUNTER_TARGETS[c]))
    counted = frame.with_columns(cumulative) if cumulative else frame
    kept = [c for c in counted.columns if c not in counters]
    ordered = [c for c in S.COLUMNS if c in kept] + [c for c in kept if c not in S.COLUMNS]
    # the checks and the sign vote in one query (polars shares the common work)
    lazy = counted.lazy()
    queries = {"checks": _check_flags(lazy, frame.columns)}
    vote = _sign_votes(lazy, counted.columns)
    if vote is not None:
        queries["vote"] = vote
    done = dict(zip(queries, pl.collect_all(list(queries.values()))))
    vendor_counters = [c for c in _VENDOR_KEYS if c in frame.columns]
    if S.CYCLE in frame.columns and vendor_counters:
        segment = restarts.at if restarts.at is not None else pl.lit(False)
        done["vendor"] = per_segment_totals(counted, vendor_counters, cycle=S.CYCLE, segment=_cycle_or(segment))
    if not all(done["checks"].row(0)):
        check_measurements(frame, rows, metadata.source_file)  # names the lines; raises
    data = counted.select(ordered)
    if "vote" in done and _opposes([v for v in done["vote"].row(0) if v is not None]):
        data = data.with_columns((0.0 - pl.col(S.CURRENT)).alias(S.CURRENT))
        assumptions.append("the file records discharge current as positive (its discharge counter grows "
                           "while current > 0); current was negated to BDF's positive-on-charge convention")
    data = add_cumulative_columns(data)
    if "vendor" in done:
        table = done["vendor"]
        extra["vendor_cycle_counters"] = {"cycle": table[S.CYCLE].to_list(),
                                          **{_VENDOR_KEYS[c]: table[c].to_list() for c in vendor_counters}}
    if assumptions:
        extra["assumptions"] = assumptions
    units = {_COUNTER_TARGETS.get(k, k): v for k, v in metadata.units_as_recorded.items()
             if k in S.COLUMNS or k in _COUNTER_TARGETS}
    metadata = metadata.model_copy(update={"extra": extra, "units_as_recorded": units})
    return Measurement(data, metadata, derive=False)


def _check_flags(lazy: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """One row of booleans, all true when every row passes :func:`check_measurements`."""
    keys = [k for k in (S.CYCLE, S.STEP) if k in columns]
    new_segment = segment_starts(*keys) if keys else pl.int_range(pl.len()) == 0
    finite = [(pl.col(c).is_finite().sum() == pl.len()).alias(c) for c in (S.TIME, S.VOLTAGE, S.CURRENT)]
    forwards = (~((pl.col(S.TIME).diff() < 0) & ~new_segment).fill_null(False).any()).alias("forwards")
    return lazy.select(*finite, forwards)


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


def _sign_votes(lazy: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame | None:
    """Per cumulative counter: the mean sign of the current while it grows, times the sign it should have."""
    votes = []
    for cumulative, expected_sign in ((S.DISCHARGE_CAPACITY, -1.0), (S.CHARGE_CAPACITY, 1.0)):
        if cumulative in columns:
            growing = (pl.col(cumulative).diff() > 0).fill_null(False)
            sign = pl.col(S.CURRENT).sign()
            # mean sign of the non-zero current over the rows where the counter grows (no row filter: cheaper)
            votes.append(((sign * growing).sum() / ((sign != 0) & growing).sum() * expected_sign).alias(cumulative))
    return lazy.select(votes) if votes else None


def _opposes(signs: list[float]) -> bool:
    """True when the current is mostly positive while the discharge counter grows (or vice versa)."""
    return bool(signs) and sum(signs) / len(signs) < -0.5


_VENDOR_KEYS = {VENDOR_CHARGE_CAPACITY: "charge_capacity_Ah", VENDOR_DISCHARGE_CAPACITY: "discharge_capacity_Ah",
                VENDOR_CHARGE_ENERGY: "charge_energy_Wh", VENDOR_DISCHARGE_ENERGY: "discharge_energy_Wh"}


def _cycle_or(segment: pl.Expr) -> pl.Expr:
    first = pl.int_range(pl.len()) == 0
    return (segment.fill_null(True) | (pl.col(S.CYCLE) != pl.col(S.CYCLE).shift(1)).fill_null(True) | first)
