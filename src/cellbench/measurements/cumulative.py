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


def trapezoid_split(time_s: np.ndarray, rate: np.ndarray, out: tuple[np.ndarray, np.ndarray] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """∫ rate dt / 3600 from the start, trapezoidal, split by the sign of the rate: (positive, negative part),
    both counting up from 0. With the current in A: charge and discharge Ah; with the power in W: Wh.
    ``out``: two float64 arrays to write into (never ``time_s`` or ``rate`` themselves)."""
    n = time_s.shape[0]
    positive, negative = out if out is not None else (np.empty(n), np.empty(n))
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
    total = previous = 0.0
    for k in range(counter.shape[0]):
        value = counter[k]  # read before out[k] is written: out may be counter itself
        if k == 0:
            restarted = True
        elif mode == 0:  # restart wherever the counter falls
            restarted = value < previous
        elif mode == 1:  # restart at the marked rows where the counter also falls
            restarted = restart[k] and value < previous
        else:  # restart at every marked row
            restarted = restart[k]
        total += value if restarted else value - previous
        previous = value
        out[k] = total


def accumulate_counter(counter: np.ndarray, restarts: np.ndarray | None, *, certain: bool = False,
                       out: np.ndarray | None = None) -> np.ndarray:
    """A restarting counter made cumulative (see ``cumulative_counter`` for the rule). ``out`` may be the
    counter itself: each row is read before it is overwritten."""
    out = np.empty(counter.shape[0]) if out is None else out
    mode = 0 if restarts is None else (2 if certain else 1)
    marks = np.zeros(counter.shape[0], dtype=np.bool_) if restarts is None else np.ascontiguousarray(restarts)
    _accumulate(np.ascontiguousarray(counter, dtype=np.float64), marks, mode, out)
    return out


@numba.njit(cache=True)
def _scan(t, v, i, cycle, step, charge, discharge, out_rows, out_votes):  # pragma: no cover - compiled
    out_rows[0] = out_rows[1] = -1
    for k in range(t.shape[0]):
        if out_rows[0] < 0 and not (np.isfinite(t[k]) and np.isfinite(v[k]) and np.isfinite(i[k])):
            out_rows[0] = k
        if k == 0:
            continue
        same_step = cycle[k] == cycle[k - 1] and step[k] == step[k - 1]
        if out_rows[1] < 0 and same_step and t[k] < t[k - 1]:
            out_rows[1] = k
        sign = 1.0 if i[k] > 0 else (-1.0 if i[k] < 0 else 0.0)
        if charge.shape[0] and charge[k] > charge[k - 1]:
            out_votes[0] += sign
            out_votes[1] += sign != 0.0
        if discharge.shape[0] and discharge[k] > discharge[k - 1]:
            out_votes[2] += sign
            out_votes[3] += sign != 0.0


def scan_rows(time_s: np.ndarray, voltage: np.ndarray, current: np.ndarray, cycle: np.ndarray | None,
              step: np.ndarray | None, charge: np.ndarray | None, discharge: np.ndarray | None
              ) -> tuple[int, int, np.ndarray]:
    """One pass for the row policy and the sign check: (first row with a non-finite time, voltage or current,
    first row whose time goes backwards within its cycle and step — each -1 when none —, and the sums of the
    current's sign and of non-zero rows while the charge and the discharge counters grow)."""
    n = time_s.shape[0]
    zeros = np.zeros(n, dtype=np.int64)
    rows, votes = np.empty(2, dtype=np.int64), np.zeros(4)
    as_float = [np.ascontiguousarray(a, dtype=np.float64) for a in (time_s, voltage, current)]
    counters = [np.ascontiguousarray(a, dtype=np.float64) if a is not None else np.empty(0) for a in (charge, discharge)]
    keys = [np.ascontiguousarray(a, dtype=np.int64) if a is not None else zeros for a in (cycle, step)]
    _scan(*as_float, *keys, *counters, rows, votes)
    return int(rows[0]), int(rows[1]), votes
