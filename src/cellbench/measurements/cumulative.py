"""Cumulative columns in one pass over the rows (numba): charge and energy integrated from current and voltage,
and vendor counters that restart made cumulative.

The same arithmetic, in the same order, as the Polars expressions they stand in for
(:func:`cellbench.measurements.add_cumulative_columns` on a LazyFrame, :func:`~cellbench.measurements.readers.
counters.cumulative_counter`); the two agree to rounding (a few 1e-17 Ah in tests). One loop instead of a
dozen column passes is what keeps ingest near the speed of parsing (``benchmarks/bench_ingest.py``). Inputs
must be free of nulls; callers use the Polars expressions otherwise.

>>> import numpy as np
>>> q = trapezoid_totals(np.array([0.0, 3600.0]), np.array([1.0, 1.0]), np.array([3.0, 4.0]))
>>> [round(x, 6) for x in (q[0][-1], q[2][-1])]
[1.0, 3.5]
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _trapezoid(t, i, v, qc, qd, ec, ed):  # pragma: no cover - compiled
    sum_qc = sum_qd = sum_ec = sum_ed = 0.0
    for k in range(1, t.shape[0]):
        dt = t[k] - t[k - 1]
        i_mid = (i[k] + i[k - 1]) / 2
        p_mid = (i[k] * v[k] + i[k - 1] * v[k - 1]) / 2
        sum_qc += max(i_mid, 0.0) * dt
        sum_qd += -min(i_mid, 0.0) * dt
        sum_ec += max(p_mid, 0.0) * dt
        sum_ed += -min(p_mid, 0.0) * dt
        qc[k] = sum_qc / 3600.0
        qd[k] = sum_qd / 3600.0
        ec[k] = sum_ec / 3600.0
        ed[k] = sum_ed / 3600.0


def trapezoid_totals(time_s: np.ndarray, current_A: np.ndarray, voltage_V: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative charge (Ah) and energy (Wh) passed on charge (I > 0) and on discharge, trapezoidal in time:
    (charge Ah, discharge Ah, charge Wh, discharge Wh), each starting at 0."""
    n = time_s.shape[0]
    out = tuple(np.zeros(n) for _ in range(4))
    if n:
        _trapezoid(np.ascontiguousarray(time_s, dtype=np.float64), np.ascontiguousarray(current_A, dtype=np.float64),
                   np.ascontiguousarray(voltage_V, dtype=np.float64), *out)
    return out


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
