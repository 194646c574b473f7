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
and the column; rows dropped as carrying no measurement are counted in ``extra["skipped_rows"]``; an auxiliary
reading (temperature, internal resistance) that is NaN or Inf is left empty and counted in ``extra["warnings"]``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Union

import numpy as np
import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.cumulative import (accumulate_counter_chunks, changes, column_chunks, one_piece_passes,
                                               run_sums, scan_rows_chunks, segment_maxima)
from cellbench.measurements.columns import derived_arrays
from cellbench.measurements.measurement import Measurement, MeasurementMetadata, add_cumulative_columns
from cellbench.measurements.readers.counters import cumulative_counter, per_segment_totals, segment_starts
from cellbench.measurements.readers.tabular import AUXILIARY, MAX_LINES_LISTED, SkippedRows

def _polars_constructors() -> Any:
    """Polars' own constructors, what pl.Series and pl.DataFrame call once they have checked their arguments;
    None (the public constructors) for a Polars that keeps them elsewhere or calls them differently: they are
    tried once, here, on a two-row table, so a changed private API costs speed, never a read."""
    try:
        rust = importlib.import_module("polars._plr")
        floats, ints = np.array([1.5, 2.5]), np.array([1, 2], dtype=np.int64)
        probe = pl.DataFrame._from_pydf(rust.PyDataFrame([
            pl.Series._from_pyseries(rust.PySeries.new_f64("f", floats, False))._s,
            pl.Series._from_pyseries(rust.PySeries.new_i64("i", ints, True))._s]))
        return rust if probe.equals(pl.DataFrame({"f": floats, "i": ints})) else None
    except Exception:
        return None


_POLARS_RUST: Any = _polars_constructors()

#: a reader's columns by name: NumPy arrays or Polars Series, one value per row
Columns = Mapping[str, Union[np.ndarray, pl.Series]]

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
    """Where the vendor restarts its counters: at marked rows (e.g. a new step), always when ``certain``, else
    only where the counter also falls there. The rows are marked by changes of the ``keys`` columns (marked from
    NumPy arrays; the Polars expression ``at`` is built only for a frame with nulls), or by the expression
    ``marks``."""

    marks: pl.Expr | None = None
    certain: bool = False
    keys: tuple[str, ...] = ()

    @classmethod
    def changes_of(cls, *keys: str, certain: bool = False) -> "CounterRestarts":
        """Restarts where any of ``keys`` (cycle, step, half cycle…) changes from the row before."""
        return cls(certain=certain, keys=keys)

    @property
    def at(self) -> pl.Expr | None:
        """The marked rows as a Polars expression (None: no marks, any fall of a counter is a restart)."""
        return segment_starts(*self.keys) if self.keys and self.marks is None else self.marks


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


def to_measurement(frame: pl.DataFrame | Columns, metadata: MeasurementMetadata,
                   restarts: CounterRestarts | None = None, *, rows: SourceRows | None = None,
                   vendor_totals: bool = True) -> Measurement:
    """The reader's frame as a canonical Measurement (see the module's docstring). ``vendor_totals=False``:
    the reader records the vendor's per-cycle totals itself, from other columns (none are worked out here).

    ``frame`` may also be the columns by name (NumPy arrays or Series; what the frame would hold): the table is
    then built once, at the end, from them and the new columns (a binary reader's arrays need no frame of their
    own first; for a small file, building frames and their columns is most of the work). The same Measurement
    as from ``pl.DataFrame`` of those columns, bit for bit."""
    restarts = restarts or CounterRestarts()
    if not isinstance(frame, pl.DataFrame) and not _plain(frame, restarts):
        frame = _frame(list(frame.items()))  # nulls, or marks that are an expression: the frame's way
    rows = rows if rows is not None else Records()
    extra = dict(metadata.extra)
    if rows.skipped:
        extra["skipped_rows"] = rows.skipped.report()
    assumptions = list(extra.get("assumptions", []))
    names = frame.columns if isinstance(frame, pl.DataFrame) else frame
    counters = [c for c in _COUNTER_TARGETS if c in names]
    keys = [k for k in (S.CYCLE, S.STEP) if k in names]
    if isinstance(frame, pl.DataFrame) and any(frame.get_column(c).null_count()
                                               for c in (S.TIME, S.VOLTAGE, S.CURRENT, *keys, *counters)):
        # nulls (a reader's optional columns): the Polars expressions, which name the lines
        check_measurements(frame, rows, metadata.source_file)
        data, vendor, flipped = _derive_with_expressions(frame, counters, restarts, vendor_totals)
    else:
        data, vendor, flipped = _derive_compiled(frame, counters, keys, restarts, rows, metadata.source_file,
                                                 vendor_totals)
    if flipped:
        assumptions.append("the file records discharge current as positive (its discharge counter grows "
                           "while current > 0); current was negated to BDF's positive-on-charge convention")
    if vendor is not None:
        extra["vendor_cycle_counters"] = vendor
    if assumptions:
        extra["assumptions"] = assumptions
    data, without_reading = _auxiliary_without_readings(data, rows)
    if without_reading:
        extra["warnings"] = [*extra.get("warnings", []), *without_reading]
    units = {_COUNTER_TARGETS.get(k, k): v for k, v in metadata.units_as_recorded.items()
             if k in S.COLUMNS or k in _COUNTER_TARGETS}
    metadata = metadata.model_copy(update={"extra": extra, "units_as_recorded": units})
    return Measurement(data, metadata, derive=False)


def _auxiliary_without_readings(data: pl.DataFrame, rows: SourceRows) -> tuple[pl.DataFrame, list[str]]:
    """The row policy for auxiliary readings (``tabular.AUXILIARY``: temperatures, internal resistance), for every
    reader: a NaN or Inf there (or text, which the text readers hand over as NaN) is a reading the instrument did
    not make, not a bad measurement of the cell. The row stays; the cell is left empty (null) and the rows are
    counted, per column with the first of them, in the warnings ``summarize`` prints."""
    present = [c for c in AUXILIARY if c in data.columns]
    sums = data.select(pl.col(c).sum() for c in present).row(0) if present else ()
    warnings = []
    for column, total in zip(present, sums):
        if total is not None and np.isfinite(total):
            continue  # NaN and Inf carry into the sum: none here
        unread = ~data[column].is_finite().fill_null(True)
        positions = unread.arg_true().to_list()
        if not positions:
            continue
        shown = ", ".join(rows.location(r) for r in positions[:MAX_LINES_LISTED])
        more = f" and {len(positions) - MAX_LINES_LISTED} more" if len(positions) > MAX_LINES_LISTED else ""
        what = column.rsplit("_", 1)[0].replace("_", " ")
        warnings.append(f"column {rows.column_of.get(column, column)!r}: {len(positions)} row(s) without a reading "
                        f"(NaN, Inf or text), kept with the {what} empty: {shown}{more}")
        data = data.with_columns(pl.when(unread).then(None).otherwise(pl.col(column)).alias(column))
    return data, warnings


def _ordered(columns: list[str]) -> list[str]:
    return [c for c in S.COLUMNS if c in columns] + [c for c in columns if c not in S.COLUMNS]


def _plain(columns: Columns, restarts: CounterRestarts) -> bool:
    """Columns the compiled passes take as they are: time, voltage and current present, every column
    one-dimensional, of one length, and without nulls; restarts marked by key columns, not an expression."""
    if restarts.marks is not None or not all(c in columns for c in S.REQUIRED):
        return False
    lengths = set()
    for values in columns.values():
        if isinstance(values, pl.Series):
            if values.null_count():
                return False
            lengths.add(values.len())
        elif isinstance(values, np.ndarray) and values.ndim == 1:
            lengths.add(values.shape[0])
        else:
            return False
    return len(lengths) == 1


def _series(name: str, values: np.ndarray | pl.Series) -> pl.Series:
    """``pl.Series(name, values)``; contiguous 64-bit arrays through Polars' own constructor (the same Series,
    without the argument checks that take most of the time for a short column)."""
    if isinstance(values, pl.Series):
        return values if values.name == name else values.alias(name)
    if _POLARS_RUST is not None and values.ndim == 1 and values.flags.c_contiguous and values.flags.aligned:
        if values.dtype == _FLOAT64:
            return pl.Series._from_pyseries(_POLARS_RUST.PySeries.new_f64(name, values, False))
        if values.dtype == _INT64:
            return pl.Series._from_pyseries(_POLARS_RUST.PySeries.new_i64(name, values, True))
    return pl.Series(name, values)


_FLOAT64, _INT64 = np.dtype("=f8"), np.dtype("=i8")


def _frame(columns: Sequence[tuple[str, np.ndarray | pl.Series]]) -> pl.DataFrame:
    """``pl.DataFrame`` of the columns (names unique, lengths equal: Polars checks both either way)."""
    series = [_series(name, values) for name, values in columns]
    if _POLARS_RUST is not None:
        return pl.DataFrame._from_pydf(_POLARS_RUST.PyDataFrame([s._s for s in series]))
    return pl.DataFrame(series)


def _values(values: np.ndarray | pl.Series) -> np.ndarray:
    return values.to_numpy() if isinstance(values, pl.Series) else values


def _is_float64(values: np.ndarray | pl.Series) -> bool:
    return values.dtype == pl.Float64 if isinstance(values, pl.Series) else values.dtype == _FLOAT64


def _derive_compiled(frame: pl.DataFrame | Columns, counters: list[str], keys: list[str], restarts: CounterRestarts,
                     rows: SourceRows, source: str | None, vendor_totals: bool = True
                     ) -> tuple[pl.DataFrame, dict | None, bool]:
    """Counters made cumulative, the row checks, the sign vote, the vendor's per-cycle totals and the derived
    columns, each in one compiled pass over the columns where Polars holds them, chunk by chunk (no nulls
    here, and no copies of the columns: only the new columns take new memory). ``frame``: a frame, or columns
    that pass :func:`_plain` (one chunk each, the table built once at the end)."""
    names = list(dict.fromkeys((S.TIME, S.VOLTAGE, S.CURRENT, *keys, *restarts.keys, *counters)))
    given: dict[str, np.ndarray | pl.Series]
    if isinstance(frame, pl.DataFrame):
        chunks = column_chunks(frame, names)
        given = {s.name: s for s in frame.get_columns()}
    else:
        given = dict(frame)
        chunks = [tuple(_values(given[name]) for name in names)]
    column = {name: [chunk[j] for chunk in chunks] for j, name in enumerate(names)}
    marks = None
    if restarts.keys and counters:
        marks = changes([tuple(chunk[names.index(k)] for k in restarts.keys) for chunk in chunks])
    elif restarts.marks is not None and counters and isinstance(frame, pl.DataFrame):  # (columns: see _plain)
        marks = frame.select(restarts.marks.fill_null(True)).to_series().to_numpy()
    vendor_counters = [c for c in _VENDOR_KEYS if c in counters]
    vendor = _vendor_totals(column, vendor_counters, marks, S.CYCLE in restarts.keys) \
        if vendor_totals and S.CYCLE in column and vendor_counters else None
    # the columns after the counters are made cumulative, and so the integrals still wanted
    after = [name for name in given if name not in counters] + [_COUNTER_TARGETS[c] for c in counters]
    wanted = [name not in after for name in _COUNTER_TARGETS.values()]
    one_piece = None
    if len(chunks) == 1 and chunks[0][0].shape[0] and _is_float64(given[S.CURRENT]) and _is_float64(given[S.VOLTAGE]):
        # columns in one piece: the counters, the row checks, the votes and the derived columns in one compiled loop
        (chunk,) = chunks
        cycle, step = (chunk[names.index(k)] if k in keys else None for k in (S.CYCLE, S.STEP))
        totals, power, integrals, not_finite, backwards, votes = one_piece_passes(
            chunk[0], chunk[1], chunk[2], cycle, step,
            [chunk[names.index(c)] if c in counters else None for c in _COUNTER_TARGETS], marks,
            certain=restarts.certain, of_current=wanted[0] or wanted[1], of_power=wanted[2] or wanted[3])
        cumulative = {target: total for total, target in zip(totals, _COUNTER_TARGETS.values()) if total is not None}
        one_piece = ([] if S.POWER in after else [(S.POWER, power)]) + \
            [(name, integrals[j]) for j, name in enumerate(_COUNTER_TARGETS.values()) if wanted[j]]
    else:
        cumulative = {_COUNTER_TARGETS[c]: accumulate_counter_chunks(column[c], marks, certain=restarts.certain)
                      for c in counters}
        not_finite, backwards, votes = scan_rows_chunks([chunk[:3 + len(keys)] for chunk in chunks],
                                                        cumulative.get(S.CHARGE_CAPACITY),
                                                        cumulative.get(S.DISCHARGE_CAPACITY))
    if not_finite >= 0 or backwards >= 0:  # names every bad line; raises
        check_measurements(frame if isinstance(frame, pl.DataFrame) else _frame(list(given.items())), rows, source)
    signs = [votes[2 * k] / votes[2 * k + 1] * expected for k, (name, expected) in
             enumerate(((S.CHARGE_CAPACITY, 1.0), (S.DISCHARGE_CAPACITY, -1.0)))
             if name in cumulative and votes[2 * k + 1]]
    flipped = _opposes(signs)
    columns: dict[str, np.ndarray | pl.Series] = {name: values for name, values in given.items()
                                                 if name not in counters}
    columns.update(cumulative)
    ordered = _ordered(list(columns))
    if flipped:
        columns[S.CURRENT] = 0.0 - _values(given[S.CURRENT])
        return add_cumulative_columns(_frame([(c, columns[c]) for c in ordered])), vendor, flipped
    # power and the cumulative columns the counters did not give, from the columns already in hand; a frame built
    # from its columns keeps each column's chunks as they are (``select`` on a frame mixing the parser's many
    # chunks with these one-chunk columns would copy every column into one chunk)
    derived = one_piece if one_piece is not None else \
        derived_arrays([(chunk[0], chunk[2], chunk[1]) for chunk in chunks], ordered) \
        if _is_float64(given[S.CURRENT]) and _is_float64(given[S.VOLTAGE]) else None
    if derived is None:
        return add_cumulative_columns(_frame([(c, columns[c]) for c in ordered])), vendor, flipped
    return _frame([*((c, columns[c]) for c in ordered), *derived]), vendor, flipped


def _vendor_totals(column: dict[str, list[np.ndarray]], counters: list[str], marks: np.ndarray | None,
                   marks_cycles: bool) -> dict:
    """The vendor's per-cycle totals (see ``per_segment_totals``): each segment's largest counter value (a
    segment ends where the cycle changes or the counters restart), summed per cycle. ``marks_cycles``: the
    restart marks already include every change of cycle."""
    cycle = column[S.CYCLE]
    if marks is None or not marks_cycles:
        starts = changes([(c,) for c in cycle])
        starts = starts | marks if marks is not None else starts
    else:
        starts = marks
    positions = np.flatnonzero(starts)
    if len(cycle) == 1:  # one chunk: each segment's largest value in one reduction per counter
        table = segment_totals(cycle[0][positions],
                               {c: np.maximum.reduceat(column[c][0].astype(np.float64, copy=False), positions)
                                for c in counters})
        return {"cycle": table["cycle"].tolist(), **{_VENDOR_KEYS[c]: table[c].tolist() for c in counters}}
    bounds = np.cumsum([0] + [c.shape[0] for c in cycle])
    cut = np.searchsorted(positions, bounds)
    cycle_at_starts = np.concatenate([c[positions[cut[k]:cut[k + 1]] - bounds[k]] for k, c in enumerate(cycle)])
    table = segment_totals(cycle_at_starts, {c: segment_maxima(column[c], starts) for c in counters})
    return {"cycle": table["cycle"].tolist(), **{_VENDOR_KEYS[c]: table[c].tolist() for c in counters}}


def _derive_with_expressions(frame: pl.DataFrame, counters: list[str], restarts: CounterRestarts,
                             vendor_totals: bool = True) -> tuple[pl.DataFrame, dict | None, bool]:
    """The same as :func:`_derive_compiled` with Polars expressions, for frames with nulls."""
    counted = frame.with_columns(
        cumulative_counter(pl.col(c), restarts=restarts.at, certain=restarts.certain).alias(_COUNTER_TARGETS[c])
        for c in counters)
    votes = []
    for cumulative, expected in ((S.DISCHARGE_CAPACITY, -1.0), (S.CHARGE_CAPACITY, 1.0)):
        if cumulative in counted.columns:
            growing = (pl.col(cumulative).diff() > 0).fill_null(False)
            sign = pl.col(S.CURRENT).sign()
            votes.append(((sign * growing).sum() / ((sign != 0) & growing).sum() * expected).alias(cumulative))
    signs = [v for v in counted.select(votes).row(0) if v is not None and v == v] if votes else []
    flipped = _opposes(signs)
    vendor = None
    vendor_counters = [c for c in _VENDOR_KEYS if c in counters]
    if vendor_totals and S.CYCLE in frame.columns and vendor_counters:
        at = restarts.at
        segment = at if at is not None else pl.lit(False)
        table = per_segment_totals(counted, vendor_counters, cycle=S.CYCLE, segment=_cycle_or(segment))
        vendor = {"cycle": table[S.CYCLE].to_list(), **{_VENDOR_KEYS[c]: table[c].to_list() for c in vendor_counters}}
    data = counted.drop(counters)
    if flipped:
        data = data.with_columns((0.0 - pl.col(S.CURRENT)).alias(S.CURRENT))
    return add_cumulative_columns(data.select(_ordered(data.columns))), vendor, flipped


def segment_totals(cycle: np.ndarray, maxima: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-cycle totals of restarting counters the vendor's way (see ``per_segment_totals``) from each segment's
    cycle and largest counter values: summed per cycle, in cycle order (``"cycle"`` and one array per counter)."""
    if cycle.shape[0] and bool((cycle[1:] >= cycle[:-1]).all()) \
            and all(np.isfinite(v).all() for v in maxima.values()):
        # cycles that never go back: each cycle's segments are a run, summed as Polars sums a group (run_sums;
        # finite numbers: Polars keeps an infinite sum infinite where the compensation would make it NaN)
        first = np.flatnonzero(np.concatenate(([True], cycle[1:] != cycle[:-1])))
        return {"cycle": cycle[first], **{c: run_sums(first, v) for c, v in maxima.items()}}
    runs = pl.DataFrame([pl.Series("cycle", cycle), *(pl.Series(c, v) for c, v in maxima.items())])
    table = runs.group_by("cycle", maintain_order=True).agg(pl.col(c).sum() for c in maxima).sort("cycle")
    return {c: table[c].to_numpy() for c in table.columns}


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
    return InputError(f"{what} at {shown}{more}; nothing was read",
                      source=source, location=f"{rows.location(positions[0])}, column {name!r}")


def _opposes(signs: list[float]) -> bool:
    """True when the current is mostly positive while the discharge counter grows (or vice versa)."""
    return bool(signs) and sum(signs) / len(signs) < -0.5


_VENDOR_KEYS = {VENDOR_CHARGE_CAPACITY: "charge_capacity_Ah", VENDOR_DISCHARGE_CAPACITY: "discharge_capacity_Ah",
                VENDOR_CHARGE_ENERGY: "charge_energy_Wh", VENDOR_DISCHARGE_ENERGY: "discharge_energy_Wh"}


def _cycle_or(segment: pl.Expr) -> pl.Expr:
    first = pl.int_range(pl.len()) == 0
    return (segment.fill_null(True) | (pl.col(S.CYCLE) != pl.col(S.CYCLE).shift(1)).fill_null(True) | first)
