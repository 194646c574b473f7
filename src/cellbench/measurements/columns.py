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
    if isinstance(data, pl.DataFrame) and missing and all(data[c].null_count() == 0 for c in S.REQUIRED):
        # one compiled pass instead of a dozen column passes (the expressions below agree to rounding), over
        # the columns where they lie (no copies): only the new columns take new memory
        from cellbench.measurements.cumulative import column_chunks, trapezoid_split_chunks

        chunks = column_chunks(data, (S.TIME, S.CURRENT, S.VOLTAGE))
        time_s = [chunk[0] for chunk in chunks]
        power = np.empty(data.height)
        power_chunks, at = [], 0
        for _, current, voltage in chunks:
            end = at + current.shape[0]
            power_chunks.append(np.multiply(current.astype(np.float64, copy=False),
                                            voltage.astype(np.float64, copy=False), out=power[at:end]))
            at = end
        add = [] if S.POWER in columns else [pl.Series(S.POWER, power)]
        if S.CHARGE_CAPACITY in missing or S.DISCHARGE_CAPACITY in missing:
            charge = trapezoid_split_chunks(time_s, [chunk[1] for chunk in chunks])
            add += [pl.Series(name, part) for name, part in zip((S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY), charge)
                    if name in missing]
        if S.CHARGE_ENERGY in missing or S.DISCHARGE_ENERGY in missing:
            add += [pl.Series(name, part) for name, part in zip((S.CHARGE_ENERGY, S.DISCHARGE_ENERGY),
                                                                 trapezoid_split_chunks(time_s, power_chunks))
                    if name in missing]
        return data.with_columns(add)
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
