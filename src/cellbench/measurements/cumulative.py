"""Cumulative columns in one pass over the rows (numba): charge and energy integrated from current and voltage,
and vendor counters that restart made cumulative.

The same arithmetic, in the same order, as the Polars expressions they stand in for
(:func:`cellbench.measurements.add_cumulative_columns` on a LazyFrame, :func:`~cellbench.measurements.readers.
counters.cumulative_counter`); the two agree to rounding (a few 1e-17 Ah in tests). One loop instead of a
dozen column passes is what keeps ingest near the speed of parsing (``benchmarks/bench_ingest.py``). Inputs
must be free of nulls; callers use the Polars expressions otherwise.

The passes read a Polars column where it lies, chunk by chunk (:func:`column_chunks`): a CSV parser hands back
each column in many chunks, and one contiguous NumPy copy of each would cost more memory and time than the
passes themselves. Each kernel carries its running state (sums, the previous row) from one chunk to the next in
a small array, so the results are those of one pass over the whole column, bit for bit.

>>> import numpy as np
>>> q = trapezoid_totals(np.array([0.0, 3600.0]), np.array([1.0, 1.0]), np.array([3.0, 4.0]))
>>> [round(float(x), 6) for x in (q[0][-1], q[2][-1])]
[1.0, 3.5]
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np
import polars as pl

#: the chunks of several columns of one frame, row-aligned: for each chunk, one array per column
Chunks = list[tuple[np.ndarray, ...]]


def column_chunks(frame: pl.DataFrame, names: Sequence[str]) -> Chunks:
    """NumPy views of the named columns, chunk by chunk, without copying when the columns share their chunk
    boundaries (columns a parser produced together do); columns chunked differently are first made one chunk
    each. Columns must be free of nulls."""
    series = [frame.get_column(name) for name in names]
    if not series:
        return []
    if all(s.n_chunks() == 1 for s in series):  # the common case, a view of each column as it is
        return [tuple(s.to_numpy() for s in series)]
    if any(s.chunk_lengths() != series[0].chunk_lengths() for s in series[1:]):
        series = [s.rechunk() for s in series]
    per_column = [s.get_chunks() for s in series]
    chunks = [tuple(column[k].to_numpy() for column in per_column) for k in range(len(per_column[0]))]
    return [chunk for chunk in chunks if chunk[0].shape[0]] or [tuple(s.to_numpy() for s in series)]


def _float64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def _int64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


@numba.njit(cache=True)
def _trapezoid(t, x, positive, negative, state):  # pragma: no cover - compiled
    # state: running positive and negative sums, the previous row's time and rate, rows seen so far
    sum_pos, sum_neg, t_prev, x_prev = state[0], state[1], state[2], state[3]
    start = 0
    if state[4] == 0.0 and t.shape[0]:
        positive[0] = negative[0] = 0.0
        t_prev, x_prev = t[0], x[0]
        start = 1
    for k in range(start, t.shape[0]):
        gained, lost = _interval_parts(x[k], x_prev, t[k] - t_prev)
        sum_pos += gained
        sum_neg += lost
        positive[k] = sum_pos / 3600.0
        negative[k] = sum_neg / 3600.0
        t_prev, x_prev = t[k], x[k]
    state[0], state[1], state[2], state[3] = sum_pos, sum_neg, t_prev, x_prev
    state[4] += t.shape[0]


@numba.njit(cache=True)
def _interval_parts(x, x_before, dt):  # pragma: no cover - compiled
    # the trapezoid of one interval, split by the sign of its mean rate: (positive part, negative part)
    mid = (x + x_before) / 2
    return max(mid, 0.0) * dt, -min(mid, 0.0) * dt


def trapezoid_split_chunks(time_s: Sequence[np.ndarray], rate: Sequence[np.ndarray]
                           ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`trapezoid_split` over a column given in chunks (the same rows, in order, in each sequence)."""
    n = sum(t.shape[0] for t in time_s)
    positive, negative = np.empty(n), np.empty(n)
    state = np.zeros(5)
    at = 0
    for t, x in zip(time_s, rate):
        end = at + t.shape[0]
        _trapezoid(_float64(t), _float64(x), positive[at:end], negative[at:end], state)
        at = end
    return positive, negative


def trapezoid_split(time_s: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """∫ rate dt / 3600 from the start, trapezoidal, split by the sign of the rate: (positive, negative part),
    both counting up from 0. With the current in A: charge and discharge Ah; with the power in W: Wh."""
    return trapezoid_split_chunks([time_s], [rate])


@numba.njit(cache=True)
def _power_and_integrals(t, current, voltage, power, charge, discharge, charge_energy, discharge_energy
                         ):  # pragma: no cover - compiled
    for k in range(t.shape[0]):
        power[k] = current[k] * voltage[k]
    if charge.shape[0]:
        _trapezoid(t, current, charge, discharge, np.zeros(5))
    if charge_energy.shape[0]:
        _trapezoid(t, power, charge_energy, discharge_energy, np.zeros(5))


def power_and_integrals(time_s: np.ndarray, current_A: np.ndarray, voltage_V: np.ndarray, *, of_current: bool,
                        of_power: bool) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Power (I·V) and, where asked, :func:`trapezoid_split` of the current and of the power, for columns in one
    piece, in one compiled call: the power and the charge Ah, discharge Ah, charge Wh and discharge Wh (empty
    arrays where not asked for). The numbers of ``np.multiply`` and :func:`trapezoid_split`, bit for bit.

    >>> power, parts = power_and_integrals(np.array([0.0, 3600.0]), np.array([1.0, 1.0]), np.array([3.0, 4.0]),
    ...                                    of_current=True, of_power=True)
    >>> power.tolist(), parts[0].tolist(), parts[2].tolist()
    ([3.0, 4.0], [0.0, 1.0], [0.0, 3.5])
    """
    n = time_s.shape[0]
    none = np.empty(0)
    # separate arrays (one block of four would be big enough for the allocator to map fresh pages for each file)
    parts = tuple(np.empty(n) if wanted else none for wanted in (of_current, of_current, of_power, of_power))
    power = np.empty(n)
    _power_and_integrals(_float64(time_s), _float64(current_A), _float64(voltage_V), power, *parts)
    return power, parts


def trapezoid_totals(time_s: np.ndarray, current_A: np.ndarray, voltage_V: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative charge (Ah) and energy (Wh) passed on charge (I > 0) and on discharge, trapezoidal in time:
    (charge Ah, discharge Ah, charge Wh, discharge Wh), each starting at 0."""
    return trapezoid_split(time_s, current_A) + trapezoid_split(time_s, current_A * voltage_V)


@numba.njit(cache=True)
def _accumulate(counter, restart, mode, out, state):  # pragma: no cover - compiled
    # state: running total, the previous row's counter value, rows seen so far
    total, previous = state[0], state[1]
    start = 0
    if state[2] == 0.0 and counter.shape[0]:  # the column's first row: the counter counted up from 0
        total += counter[0]
        previous = counter[0]
        out[0] = total
        start = 1
    for k in range(start, counter.shape[0]):
        total = _counted_on(total, previous, counter[k], restart[k], mode)
        previous = counter[k]
        out[k] = total
    state[0], state[1] = total, previous
    state[2] += counter.shape[0]


@numba.njit(cache=True)
def _counted_on(total, previous, value, marked, mode):  # pragma: no cover - compiled
    # the running total after one more row of a restarting counter (the rule of cumulative_counter)
    if mode == 0:  # restart wherever the counter falls
        restarted = value < previous
    elif mode == 1:  # restart at the marked rows where the counter also falls
        restarted = marked and value < previous
    else:  # restart at every marked row
        restarted = marked
    return total + (value if restarted else value - previous)


def accumulate_counter_chunks(counter: Sequence[np.ndarray], restarts: np.ndarray | None, *,
                              certain: bool = False) -> np.ndarray:
    """A restarting counter, given in chunks, made cumulative (see ``cumulative_counter`` for the rule);
    ``restarts``: the marked rows of the whole column (one array), or None."""
    n = sum(c.shape[0] for c in counter)
    out = np.empty(n)
    mode = 0 if restarts is None else (2 if certain else 1)
    marks = np.zeros(n, dtype=np.bool_) if restarts is None else np.ascontiguousarray(restarts, dtype=np.bool_)
    state = np.zeros(3)
    at = 0
    for chunk in counter:
        end = at + chunk.shape[0]
        _accumulate(_float64(chunk), marks[at:end], mode, out[at:end], state)
        at = end
    return out


def accumulate_counter(counter: np.ndarray, restarts: np.ndarray | None, *, certain: bool = False) -> np.ndarray:
    """A restarting counter made cumulative (see ``cumulative_counter`` for the rule)."""
    return accumulate_counter_chunks([counter], restarts, certain=certain)


@numba.njit(cache=True)
def _split_signed(values, reciprocal, positive, negative):  # pragma: no cover - compiled
    for k in range(values.shape[0]):
        value = np.float64(values[k]) * reciprocal
        flipped = -value
        # Polars' clip(lower_bound=0): a value below the bound becomes the bound, any other (-0.0, NaN) stays
        positive[k] = 0.0 if value < 0.0 else value
        negative[k] = 0.0 if flipped < 0.0 else flipped


def split_signed(values: np.ndarray, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A signed counter (positive while charging, negative while discharging) divided by ``scale`` and split into
    its charge and discharge parts, in one pass: the same numbers, bit for bit, as the Polars expressions
    ``(x.cast(Float64) / scale).clip(lower_bound=0)`` and ``(-(x.cast(Float64) / scale)).clip(lower_bound=0)``
    (Polars divides a column by a number as a product with its reciprocal, and so does this).

    >>> [a.tolist() for a in split_signed(np.array([1500.0, -250.0], dtype=np.float32), 1000.0)]
    [[1.5, 0.0], [0.0, 0.25]]
    """
    positive, negative = np.empty(values.shape[0]), np.empty(values.shape[0])
    _split_signed(np.ascontiguousarray(values), 1.0 / scale, positive, negative)
    return positive, negative


def changes(chunks: Chunks) -> np.ndarray:
    """True on row 0 and wherever any of the columns (one tuple of arrays per chunk) differs from the row
    before, across chunk boundaries too: one array over all the rows."""
    if len(chunks) == 1 and len(chunks[0]) == 1:  # one column in one piece
        column = chunks[0][0]
        marks = np.empty(column.shape[0], dtype=np.bool_)
        marks[:1] = True
        np.not_equal(column[1:], column[:-1], out=marks[1:])
        return marks
    n = sum(chunk[0].shape[0] for chunk in chunks)
    marks = np.zeros(n, dtype=np.bool_)
    marks[:1] = True
    at, previous = 0, None
    for chunk in chunks:
        end = at + chunk[0].shape[0]
        for j, column in enumerate(chunk):
            marks[at + 1:end] |= column[1:] != column[:-1]
            if previous is not None:
                marks[at] |= bool(column[0] != previous[j][-1])
        previous, at = chunk, end
    return marks


def segment_maxima(values: Sequence[np.ndarray], starts: np.ndarray) -> np.ndarray:
    """The largest value of each segment of a column given in chunks; segments begin at the rows marked in
    ``starts`` (one array over all the rows; row 0 must be marked). The same as ``np.maximum.reduceat``, chunk
    by chunk: the segment a chunk ends in stays open until the next chunk's rows before its first mark."""
    closed: list[np.ndarray] = []
    open_segment = None  # the largest value so far of the segment the chunk before ended in
    at = 0
    for chunk in values:
        end = at + chunk.shape[0]
        if end == at:
            continue
        local = np.flatnonzero(starts[at:end])
        inside = local.shape[0] == 0 or local[0] != 0
        largest = np.maximum.reduceat(_float64(chunk), np.concatenate(([0], local)) if inside else local)
        if inside and open_segment is not None:
            largest[0] = np.maximum(open_segment, largest[0])
        elif open_segment is not None:
            closed.append(np.array([open_segment]))
        closed.append(largest[:-1])
        open_segment = largest[-1]
        at = end
    if open_segment is not None:
        closed.append(np.array([open_segment]))
    return np.concatenate(closed) if closed else np.empty(0)


@numba.njit(cache=True)
def _votes(counter, i, out_votes, at):  # pragma: no cover - compiled
    # the sign of the current summed over the rows (but the chunk's first) where the counter grows, and their number
    # with a current that is not zero
    total = count = 0
    for k in range(1, counter.shape[0]):
        grows = np.int64(counter[k] > counter[k - 1])
        sign = np.int64(i[k] > 0) - np.int64(i[k] < 0)
        total += sign * grows
        count += (sign != 0) * grows
    out_votes[at] += total
    out_votes[at + 1] += count


@numba.njit(cache=True)
def _scan(t, v, i, cycle, step, charge, discharge, offset, state, keys, out_rows, out_votes):  # pragma: no cover
    # state: the last row's time, charge and discharge counters and the rows seen so far; keys: its cycle and step
    n = t.shape[0]
    if n == 0:
        return
    if not (np.isfinite(t[0]) and np.isfinite(v[0]) and np.isfinite(i[0])) and out_rows[0] < 0:
        out_rows[0] = offset
    if state[3] > 0.0:  # the chunk's first row, against the last row of the chunk before
        if out_rows[1] < 0 and cycle[0] == keys[0] and step[0] == keys[1] and t[0] < state[0]:
            out_rows[1] = offset
        sign = 1.0 if i[0] > 0 else (-1.0 if i[0] < 0 else 0.0)
        if charge.shape[0] and charge[0] > state[1]:
            out_votes[0] += sign
            out_votes[1] += sign != 0.0
        if discharge.shape[0] and discharge[0] > state[2]:
            out_votes[2] += sign
            out_votes[3] += sign != 0.0
    # the same checks, each row against the one before it in the chunk: counted first, in loops without branches
    # that the compiler vectorises (whole numbers: the sums are exact in any order), and only where a count is not
    # zero the first such row looked for
    if out_rows[0] < 0:
        bad = 0
        for k in range(1, n):
            bad += (not np.isfinite(t[k])) | (not np.isfinite(v[k])) | (not np.isfinite(i[k]))
        if bad:
            for k in range(1, n):
                if not (np.isfinite(t[k]) and np.isfinite(v[k]) and np.isfinite(i[k])):
                    out_rows[0] = offset + k
                    break
    if out_rows[1] < 0:
        back = 0
        for k in range(1, n):
            back += (t[k] < t[k - 1]) & (cycle[k] == cycle[k - 1]) & (step[k] == step[k - 1])
        if back:
            for k in range(1, n):
                if t[k] < t[k - 1] and cycle[k] == cycle[k - 1] and step[k] == step[k - 1]:
                    out_rows[1] = offset + k
                    break
    if charge.shape[0]:
        _votes(charge, i, out_votes, 0)
    if discharge.shape[0]:
        _votes(discharge, i, out_votes, 2)
    state[0] = t[n - 1]
    state[1] = charge[n - 1] if charge.shape[0] else 0.0
    state[2] = discharge[n - 1] if discharge.shape[0] else 0.0
    keys[0], keys[1] = cycle[n - 1], step[n - 1]
    state[3] += n


def scan_rows_chunks(chunks: Chunks, charge: np.ndarray | None, discharge: np.ndarray | None
                     ) -> tuple[int, int, np.ndarray]:
    """:func:`scan_rows` over columns given in chunks: each chunk holds (time, voltage, current) and the
    cycle and step columns present (none, one or both); ``charge``/``discharge``: cumulative counters over all
    the rows (one array each), or None."""
    rows, votes = np.full(2, -1, dtype=np.int64), np.zeros(4)
    state, previous_keys = np.zeros(4), np.zeros(2, dtype=np.int64)
    at = 0
    for chunk in chunks:
        n = chunk[0].shape[0]
        end = at + n
        zeros = np.zeros(n, dtype=np.int64)
        keys = [_int64(a) for a in chunk[3:5]] + [zeros] * (2 - len(chunk[3:5]))
        counters = [c[at:end] if c is not None else np.empty(0) for c in (charge, discharge)]
        _scan(*(_float64(a) for a in chunk[:3]), *keys, *counters, at, state, previous_keys, rows, votes)
        at = end
    return int(rows[0]), int(rows[1]), votes


def scan_rows(time_s: np.ndarray, voltage: np.ndarray, current: np.ndarray, cycle: np.ndarray | None,
              step: np.ndarray | None, charge: np.ndarray | None, discharge: np.ndarray | None
              ) -> tuple[int, int, np.ndarray]:
    """One pass for the row policy and the sign check: (first row with a non-finite time, voltage or current,
    first row whose time goes backwards within its cycle and step — each -1 when none —, and the sums of the
    current's sign and of non-zero rows while the charge and the discharge counters grow)."""
    keys = tuple(a for a in (cycle, step) if a is not None)  # one absent key compares as equal everywhere
    return scan_rows_chunks([(time_s, voltage, current, *keys)], charge, discharge)


@numba.njit(cache=True)
def _one_piece(t, v, i, cycle, step, marks, mode, c0, c1, c2, c3, o0, o1, o2, o3, power, q_pos, q_neg, e_pos, e_neg,
               rows, votes):  # pragma: no cover - compiled
    # accumulate_counter for up to four counters (c0, c1: charge and discharge capacity, whose growth is voted on;
    # c2, c3: energies; empty where absent), scan_rows and power_and_integrals for columns in one piece, in one
    # loop: their rules row by row (_counted_on, _interval_parts), in the same order, so the same numbers. cycle,
    # step, marks: empty where absent (keys then equal everywhere, no marked rows); q_*, e_*: empty where not wanted
    n = t.shape[0]
    h0, h1, h2, h3 = c0.shape[0] > 0, c1.shape[0] > 0, c2.shape[0] > 0, c3.shape[0] > 0
    of_current, of_power = q_pos.shape[0] > 0, e_pos.shape[0] > 0
    keyed_cycle, keyed_step, marked_rows = cycle.shape[0] > 0, step.shape[0] > 0, marks.shape[0] > 0
    t0 = t1 = t2 = t3 = p0 = p1 = p2 = p3 = 0.0
    if h0:
        t0, p0 = 0.0 + c0[0], c0[0]
        o0[0] = t0
    if h1:
        t1, p1 = 0.0 + c1[0], c1[0]
        o1[0] = t1
    if h2:
        t2, p2 = 0.0 + c2[0], c2[0]
        o2[0] = t2
    if h3:
        t3, p3 = 0.0 + c3[0], c3[0]
        o3[0] = t3
    bad = -1 if np.isfinite(t[0]) and np.isfinite(v[0]) and np.isfinite(i[0]) else 0
    back = -1
    up = up_n = down = down_n = 0
    power[0] = i[0] * v[0]
    sq_pos = sq_neg = se_pos = se_neg = 0.0
    if of_current:
        q_pos[0] = q_neg[0] = 0.0
    if of_power:
        e_pos[0] = e_neg[0] = 0.0
    for k in range(1, n):
        marked = marks[k] if marked_rows else False
        if h0:
            t0 = _counted_on(t0, p0, c0[k], marked, mode)
            p0 = c0[k]
            o0[k] = t0
        if h1:
            t1 = _counted_on(t1, p1, c1[k], marked, mode)
            p1 = c1[k]
            o1[k] = t1
        if h2:
            t2 = _counted_on(t2, p2, c2[k], marked, mode)
            p2 = c2[k]
            o2[k] = t2
        if h3:
            t3 = _counted_on(t3, p3, c3[k], marked, mode)
            p3 = c3[k]
            o3[k] = t3
        if bad < 0 and not (np.isfinite(t[k]) and np.isfinite(v[k]) and np.isfinite(i[k])):
            bad = k
        if back < 0 and t[k] < t[k - 1] and (not keyed_cycle or cycle[k] == cycle[k - 1]) \
                and (not keyed_step or step[k] == step[k - 1]):
            back = k
        sign = np.int64(i[k] > 0) - np.int64(i[k] < 0)
        if h0:
            grows = np.int64(o0[k] > o0[k - 1])
            up += sign * grows
            up_n += (sign != 0) * grows
        if h1:
            grows = np.int64(o1[k] > o1[k - 1])
            down += sign * grows
            down_n += (sign != 0) * grows
        power[k] = i[k] * v[k]
        dt = t[k] - t[k - 1]
        if of_current:
            gained, lost = _interval_parts(i[k], i[k - 1], dt)
            sq_pos += gained
            sq_neg += lost
            q_pos[k] = sq_pos / 3600.0
            q_neg[k] = sq_neg / 3600.0
        if of_power:
            gained, lost = _interval_parts(power[k], power[k - 1], dt)
            se_pos += gained
            se_neg += lost
            e_pos[k] = se_pos / 3600.0
            e_neg[k] = se_neg / 3600.0
    rows[0], rows[1] = bad, back
    votes[0], votes[1], votes[2], votes[3] = up, up_n, down, down_n


def one_piece_passes(time_s: np.ndarray, voltage: np.ndarray, current: np.ndarray, cycle: np.ndarray | None,
                     step: np.ndarray | None, counters: Sequence[np.ndarray | None], marks: np.ndarray | None, *,
                     certain: bool, of_current: bool, of_power: bool
                     ) -> tuple[list[np.ndarray | None], np.ndarray, list[np.ndarray], int, int, np.ndarray]:
    """:func:`accumulate_counter` for up to four counters (charge and discharge capacity, charge and discharge
    energy, in that order; None where absent), :func:`scan_rows` and :func:`power_and_integrals`, for columns in
    one piece (at least one row), in one compiled loop: the same numbers, bit for bit
    (``tests/measurements/test_columns_route.py`` holds them side by side). Returns the cumulative counters, the
    power, the four integrals (of the current, then of the power; empty where not asked for), the first
    non-finite row, the first row whose time goes back, and the votes.

    >>> totals, power, integrals, bad, back, votes = one_piece_passes(
    ...     np.array([0.0, 3600.0]), np.array([3.0, 4.0]), np.array([1.0, 1.0]), None, None, [np.array([0.0, 1.0])],
    ...     None, certain=False, of_current=False, of_power=True)
    >>> totals[0].tolist(), power.tolist(), integrals[2].tolist(), bad, back, votes.tolist()
    ([0.0, 1.0], [3.0, 4.0], [0.0, 3.5], -1, -1, [1.0, 1.0, 0.0, 0.0])
    """
    n = time_s.shape[0]
    empty, no_keys = np.empty(0), np.empty(0, dtype=np.int64)
    given = [empty if c is None else _float64(c) for c in (*counters, None, None, None, None)[:4]]
    totals = [empty if c is None else np.empty(n) for c in (*counters, None, None, None, None)[:4]]
    power = np.empty(n)
    integrals = [np.empty(n) if wanted else empty for wanted in (of_current, of_current, of_power, of_power)]
    rows, votes = np.full(2, -1, dtype=np.int64), np.zeros(4)
    arguments: list = [_float64(time_s), _float64(voltage), _float64(current),
                       no_keys if cycle is None else _int64(cycle), no_keys if step is None else _int64(step),
                       np.empty(0, dtype=np.bool_) if marks is None else np.ascontiguousarray(marks, dtype=np.bool_),
                       0 if marks is None else (2 if certain else 1), *given, *totals, power, *integrals, rows, votes]
    _one_piece(*arguments)
    return ([None if c is None else totals[j] for j, c in enumerate((*counters, None, None, None, None)[:4])],
            power, integrals, int(rows[0]), int(rows[1]), votes)


@numba.njit(cache=True)
def _steps_before(step, step_time, size, total):  # pragma: no cover - compiled
    # each step's longest step time, then, in step order, the sum of those of the steps numbered below it
    longest = np.zeros(size)
    seen = np.zeros(size, dtype=np.bool_)
    for k in range(step.shape[0]):
        s = step[k]
        value = np.float64(step_time[k])
        if not seen[s] or value > longest[s]:
            longest[s] = value
            seen[s] = True
    before = np.zeros(size)
    running = 0.0
    for s in range(size):
        if seen[s]:
            before[s] = running
            running += longest[s]
    for k in range(step.shape[0]):
        total[k] = np.float64(step_time[k]) + before[step[k]]


def elapsed_from_step_time(step: np.ndarray, step_time_s: np.ndarray) -> np.ndarray | None:
    """The test time of a file that records only each step's own time: the step time plus the longest step time of
    every step numbered below this one (steps in number order, however the rows run). The rule of fastnda's
    ``_add_total_time`` (a group-by, a sort and a join), in two passes; the same numbers bit for bit, since the
    sums run in the same order. None where the rule needs more than this pass gives: a step number below 0 or far
    above the row count, or a time that is not finite (the caller uses the library's own rule then).

    >>> elapsed_from_step_time(np.array([1, 1, 2, 2, 1]), np.array([0.0, 5.0, 0.0, 2.0, 7.0])).tolist()
    [0.0, 5.0, 7.0, 9.0, 7.0]
    """
    n = step.shape[0]
    if n == 0 or not np.isfinite(step_time_s).all():
        return None
    low, high = int(step.min()), int(step.max())
    if low < 0 or high > n + 65536:
        return None
    total = np.empty(n)
    _steps_before(np.ascontiguousarray(step), np.ascontiguousarray(step_time_s), high + 1, total)
    return total


@numba.njit(cache=True)
def _run_sums(starts, values, out):  # pragma: no cover - compiled
    # Kahan's compensated sum of each run of rows, in row order, the way Polars sums floats in a group
    for g in range(starts.shape[0]):
        end = starts[g + 1] if g + 1 < starts.shape[0] else values.shape[0]
        if end - starts[g] == 1:  # a group of one row is its value (a lone -0.0 stays -0.0)
            out[g] = values[starts[g]]
            continue
        total, error = 0.0, 0.0
        for k in range(starts[g], end):
            y = values[k] - error
            t = total + y
            error = (t - total) - y
            total = t
        out[g] = total


def run_sums(starts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The sum of each run of rows beginning at ``starts`` (ascending row numbers, the first 0), compensated as
    Polars sums a group of floats (Kahan), so the numbers are those of ``group_by(...).agg(pl.col(...).sum())`` over
    groups that are runs, bit for bit.

    >>> run_sums(np.array([0, 2]), np.array([1.0, 2.0, 0.5])).tolist()
    [3.0, 0.5]
    """
    out = np.empty(starts.shape[0])
    _run_sums(np.ascontiguousarray(starts, dtype=np.int64), _float64(values), out)
    return out


@numba.njit(cache=True)
def signed_parts(value):  # pragma: no cover - compiled
    """A signed number's positive and negative parts as NumPy's ``clip(x, 0, None)`` and ``clip(-x, 0, None)`` give
    them: x where it is above 0 or NaN, else 0 (so -0.0 becomes 0.0). Compiled, for the passes that sum them."""
    flipped = -value
    return (value if (value > 0.0 or value != value) else 0.0,
            flipped if (flipped > 0.0 or flipped != flipped) else 0.0)


@numba.njit(cache=True)
def _running_parts(values, scale, positive, negative):  # pragma: no cover - compiled
    up = down = 0.0
    for k in range(values.shape[0]):
        gained, lost = signed_parts(np.float64(values[k]))
        if k == 0:
            up, down = gained, lost
        else:
            up += gained
            down += lost
        positive[k] = up / scale
        negative[k] = down / scale


def running_parts(values: np.ndarray, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Running sums of the positive and of the negative parts of a per-point quantity (a charge passed each point,
    positive on charge), divided by ``scale``, in one pass: the numbers of ``np.cumsum(np.clip(x, 0, None)) / scale``
    and ``np.cumsum(np.clip(-x, 0, None)) / scale``, bit for bit.

    >>> [a.tolist() for a in running_parts(np.array([0.5, -0.25, 1.0]), 1000.0)]
    [[0.0005, 0.0005, 0.0015], [0.0, 0.00025, 0.00025]]
    """
    values = values if values.dtype == np.float64 else values.astype(np.float64)  # (a strided view is read as it is)
    positive, negative = np.empty(values.shape[0]), np.empty(values.shape[0])
    _running_parts(values, float(scale), positive, negative)
    return positive, negative
