"""Finish a reader's work: a frame with canonical columns and vendor counters → :class:`Measurement`.

Each reader renames and scales the vendor's columns into BDF names (see ``schema``) and leaves the
vendor's own capacity/energy counters in columns named ``vendor_*``. :func:`to_measurement` then

1. checks the current's sign against the counters (BDF: positive = charge) and flips it when the file
   uses the opposite convention, saying so in ``metadata.extra["assumptions"]``;
2. records the vendor's per-cycle totals in ``metadata.extra["vendor_cycle_counters"]`` so the
   conversion can be checked against the instrument's own numbers;
3. turns the counters into BDF cumulative columns, and integrates whatever the vendor did not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers.counters import cumulative_counter, per_segment_totals

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


def to_measurement(frame: pl.DataFrame, metadata: MeasurementMetadata,
                   restarts: CounterRestarts | None = None) -> Measurement:
    restarts = restarts or CounterRestarts()
    extra = dict(metadata.extra)
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
