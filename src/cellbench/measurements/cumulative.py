"""Cumulative columns in one pass over the rows (numba): charge and energy integrated from current and voltage,
and vendor counters that restart made cumulative.

The same arithmetic, in the same order, as the Polars expressions they stand in for
(:func:`cellbench.measurements.add_cumulative_columns` on a LazyFrame, :func:`~cellbench.measurements.readers.
counters.cumulative_counter`); the two agree to rounding (a few 1e-17 Ah in tests). One loop instead of a
dozen column passes is what keeps ingest near the speed of parsing (``benchmarks/bench_ingest.py``). Inputs
must be free of nulls; callers use the Polars expressions otherwise.

>>> import numpy as np
>>> q = trapezoid_totals(np.array([0.0, 3600.0]), np.array([1.0, 1.0]), np.array([3.0, 4.0]))
>>> [round(float(x), 6) for x in (q[0][-1], q[2][-1])]
[1.0, 3.5]
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _trapezoid(t, x, positive, negative):  # pragma: no cover - compiled
    sum_pos = sum_neg = 0.0
    positive[0] = negative[0] = 0.0
    for k in range(1, t.shape[0]):
        dt = t[k] - t[k - 1]
        mid = (x[k] + x[k - 1]) / 2
        sum_pos += max(mid, 0.0) * dt
        sum_neg += -min(mid, 0.0) * dt
        positive[k] = sum_pos / 3600.0
        negative[k] = sum_neg / 3600.0


def trapezoid_split(time_s: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """∫ rate dt / 3600 from the start, trapezoidal, split by the sign of the rate: (positive, negative part),
    both counting up from 0. With the current in A: charge and discharge Ah; with the power in W: Wh."""
    n = time_s.shape[0]
    positive, negative = np.empty(n), np.empty(n)
    if n:
        _trapezoid(np.ascontiguousarray(time_s, dtype=np.float64), np.ascontiguousarray(rate, dtype=np.float64),
                   positive, negative)
    return positive, negative


def trapezoid_totals(time_s: np.ndarray, current_A: np.ndarray, voltage_V: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative charge (Ah) and energy (Wh) passed on charge (I > 0) and on discharge, trapezoidal in time:
    (charge Ah, discharge Ah, charge Wh, discharge Wh), each starting at 0."""
    return trapezoid_split(time_s, current_A) + trapezoid_split(time_s, current_A * voltage_V)


@numba.njit(cache=True)
def _accumulate(counter, restart, mode, out):  # pragma: no cover - compiled
    total = 0.0
    for k in range(counter.shape[0]):
        if k == 0:
            restarted = True
        elif mode == 0:  # restart wherever the counter falls
            restarted = counter[k] < counter[k - 1]
        elif mode == 1:  # restart at the marked rows where the counter also falls
            restarted = restart[k] and counter[k] < counter[k - 1]
        else:  # restart at every marked row
            restarted = restart[k]
        total += counter[k] if restarted else counter[k] - counter[k - 1]
        out[k] = total


def accumulate_counter(counter: np.ndarray, restarts: np.ndarray | None, *, certain: bool = False) -> np.ndarray:
    """A restarting counter made cumulative (see ``cumulative_counter`` for the rule)."""
    out = np.empty(counter.shape[0])
    mode = 0 if restarts is None else (2 if certain else 1)
    marks = np.zeros(counter.shape[0], dtype=np.bool_) if restarts is None else np.ascontiguousarray(restarts)
    _accumulate(np.ascontiguousarray(counter, dtype=np.float64), marks, mode, out)
    return out
