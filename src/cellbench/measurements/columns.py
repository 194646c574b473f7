"""The cumulative columns of a canonical time series (charge/discharge capacity and energy, power), filled in
when a source lacks them. A function of a frame alone, below :class:`~cellbench.measurements.Measurement` and the
tables of steps and cycles that read them.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import polars as pl

from cellbench.measurements import schema as S

# a DataFrame in, a DataFrame out; a LazyFrame in, a LazyFrame out
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def add_cumulative_columns(data: Frame) -> Frame:
    """Fill in BDF's cumulative charge/discharge capacity and energy and power when a source lacks them.

    Integration is trapezoidal in time; charge counts positive current only, discharge negative only.
    A LazyFrame gets the columns as part of its query.
    """
    columns = data.collect_schema().names() if isinstance(data, pl.LazyFrame) else data.columns
    missing = [c for c in (S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY, S.CHARGE_ENERGY, S.DISCHARGE_ENERGY)
               if c not in columns]
    if isinstance(data, pl.DataFrame) and all(data[c].null_count() == 0 for c in S.REQUIRED) \
            and (missing or data[S.CURRENT].dtype == data[S.VOLTAGE].dtype == pl.Float64):
        # one compiled pass instead of a dozen column passes (the expressions below agree to rounding), over
        # the columns where they lie (no copies): only the new columns take new memory. Power alone, too, when
        # its product is the expression's own (64-bit factors)
        from cellbench.measurements.cumulative import column_chunks

        return data.hstack(derived_columns(column_chunks(data, (S.TIME, S.CURRENT, S.VOLTAGE)), columns))
    t, i, v = pl.col(S.TIME), pl.col(S.CURRENT), pl.col(S.VOLTAGE)
    dt = (t - t.shift(1)).fill_null(0.0)
    i_mid = ((i + i.shift(1)) / 2).fill_null(0.0)
    p_mid = ((i * v + (i * v).shift(1)) / 2).fill_null(0.0)
    add = []
    if S.POWER not in columns:
        add.append((i * v).alias(S.POWER))
    if S.CHARGE_CAPACITY not in columns:
        add.append((i_mid.clip(lower_bound=0.0) * dt).cum_sum().truediv(3600.0).alias(S.CHARGE_CAPACITY))
    if S.DISCHARGE_CAPACITY not in columns:
        add.append((-i_mid.clip(upper_bound=0.0) * dt).cum_sum().truediv(3600.0).alias(S.DISCHARGE_CAPACITY))
    if S.CHARGE_ENERGY not in columns:
        add.append((p_mid.clip(lower_bound=0.0) * dt).cum_sum().truediv(3600.0).alias(S.CHARGE_ENERGY))
    if S.DISCHARGE_ENERGY not in columns:
        add.append((-p_mid.clip(upper_bound=0.0) * dt).cum_sum().truediv(3600.0).alias(S.DISCHARGE_ENERGY))
    return data.with_columns(add) if add else data


def derived_columns(chunks: list[tuple[np.ndarray, ...]], present: list[str]) -> list[pl.Series]:
    """Power (I·V, the product Polars' ``i * v`` gives) and the cumulative columns not in ``present``, from the
    (time, current, voltage) columns of a frame without nulls given chunk by chunk (see
    :func:`~cellbench.measurements.cumulative.column_chunks`); new columns, each one chunk."""
    return [pl.Series(name, values) for name, values in derived_arrays(chunks, present)]


def derived_arrays(chunks: list[tuple[np.ndarray, ...]], present: list[str]) -> list[tuple[str, np.ndarray]]:
    """:func:`derived_columns` as (name, NumPy array) pairs, for a caller that builds its table from arrays."""
    from cellbench.measurements.cumulative import power_and_integrals, trapezoid_split_chunks

    if len(chunks) == 1:  # columns in one piece: one compiled call
        wanted = [name not in present for name in _INTEGRALS]
        power_W, integrals = power_and_integrals(*chunks[0], of_current=wanted[0] or wanted[1],
                                                 of_power=wanted[2] or wanted[3])
        return ([] if S.POWER in present else [(S.POWER, power_W)]) + \
            [(name, integrals[k]) for k, name in enumerate(_INTEGRALS) if wanted[k]]
    rows = sum(chunk[0].shape[0] for chunk in chunks)
    power = np.empty(rows)
    power_chunks, at = [], 0
    for _, current, voltage in chunks:
        end = at + current.shape[0]
        power_chunks.append(np.multiply(current.astype(np.float64, copy=False),
                                        voltage.astype(np.float64, copy=False), out=power[at:end]))
        at = end
    add = [] if S.POWER in present else [(S.POWER, power)]
    time_s = [chunk[0] for chunk in chunks]
    for names, rate in (((S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY), [chunk[1] for chunk in chunks]),
                        ((S.CHARGE_ENERGY, S.DISCHARGE_ENERGY), power_chunks)):
        wanted = [name not in present for name in names]
        if any(wanted):
            parts = trapezoid_split_chunks(time_s, rate)
            add += [(name, part) for name, part, want in zip(names, parts, wanted) if want]
    return add


_INTEGRALS = (S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY, S.CHARGE_ENERGY, S.DISCHARGE_ENERGY)
