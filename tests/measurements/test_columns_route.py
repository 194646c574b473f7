"""A binary reader hands ``to_measurement`` its columns as NumPy arrays (no frame of their own first; the table is
built once at the end, through Polars' own constructors). The result must be the Measurement of
``pl.DataFrame`` of the same columns, bit for bit: table, metadata and error messages. BioLogic's compiled passes
(the current from ``dq``, the per-cycle totals from ``Q charge/discharge``) must give the numbers of the NumPy and
Polars rules they replace."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cellbench.errors import InputError
from cellbench.measurements import MeasurementMetadata
from cellbench.measurements import schema as S
from cellbench.measurements.readers import biologic as B
from cellbench.measurements.readers import canonical as C


def cycler_columns(flip: bool = False, rows: int = 450) -> dict[str, np.ndarray]:
    """Cycles of charge (step 1), discharge (step 2) and rest (step 3), 50 rows a step, with counters that restart
    each cycle; ``flip``: current positive on discharge."""
    k = np.arange(rows)
    step = (k // 50) % 3 + 1
    cycle = k // 150 + 1
    current = np.select([step == 1, step == 2], [1.0, -1.0], 0.0)
    within = (k % 150) % 50 + 1
    charged = np.where(step == 1, within, np.where(step == 1, 0, 50)) * 10.0 / 3600
    discharged = np.where(step == 2, within, np.where(step == 3, 50, 0)) * 10.0 / 3600
    return {S.TIME: 10.0 * (k + 1), S.VOLTAGE: 3.7 + 0.2 * current + 1e-4 * cycle,
            S.CURRENT: -current if flip else current, S.CYCLE: cycle.astype(np.int64),
            S.STEP: step.astype(np.int64), C.VENDOR_CHARGE_CAPACITY: charged,
            C.VENDOR_DISCHARGE_CAPACITY: discharged}


def both_ways(columns, **kwargs):
    metadata = MeasurementMetadata(source_file="arrays.mpr", extra={"assumptions": ["given"]})
    restarts = C.CounterRestarts.changes_of(S.CYCLE)
    frame = pl.DataFrame([pl.Series(name, values) for name, values in columns.items()])
    return (C.to_measurement(columns, metadata, restarts, **kwargs),
            C.to_measurement(frame, metadata, restarts, **kwargs))


def same_measurement(ours, theirs) -> None:
    assert ours.data.schema == theirs.data.schema
    for name in theirs.data.columns:
        if theirs.data[name].dtype == pl.Utf8:
            assert ours.data[name].to_list() == theirs.data[name].to_list(), name
        else:
            assert ours.data[name].to_numpy().tobytes() == theirs.data[name].to_numpy().tobytes(), name
    assert ours.content_hash() == theirs.content_hash()
    assert ours.metadata == theirs.metadata


@pytest.mark.parametrize("flip", [False, True], ids=["as recorded", "current positive on discharge"])
@pytest.mark.parametrize("vendor_totals", [True, False])
def test_columns_give_the_measurement_of_their_frame(flip, vendor_totals):
    ours, theirs = both_ways(cycler_columns(flip), vendor_totals=vendor_totals)
    same_measurement(ours, theirs)
    assert ("assumptions" in ours.metadata.extra and len(ours.metadata.extra["assumptions"]) == 2) is flip
    assert ours.data[S.CHARGE_CAPACITY][-1] == pytest.approx(3 * 50 * 10 / 3600)
    if vendor_totals:
        assert ours.metadata.extra["vendor_cycle_counters"]["cycle"] == [1, 2, 3]


def test_columns_of_other_types_and_series_take_the_frame_s_way():
    columns: dict = cycler_columns()
    columns[S.VOLTAGE] = columns[S.VOLTAGE].astype(np.float32)  # no compiled power: Polars' expressions
    columns[S.CELL_TEMPERATURE] = pl.Series("anything", np.full(450, 25.0))  # a Series, renamed
    columns[S.STEP_TYPE] = pl.Series(S.STEP_TYPE, ["charge", "discharge", "rest"] * 150)
    columns[S.TIME] = np.repeat(columns[S.TIME], 2)[::2]  # a strided view, as a field of a record array is
    ours, theirs = both_ways({k: v.alias(k) if isinstance(v, pl.Series) else v for k, v in columns.items()})
    same_measurement(ours, theirs)
    assert ours.data[S.VOLTAGE].dtype == pl.Float64 and ours.data[S.CELL_TEMPERATURE][0] == 25.0


def test_a_column_with_nulls_goes_through_the_frame_and_is_named():
    columns: dict = cycler_columns()
    columns[S.VOLTAGE] = pl.Series(S.VOLTAGE, [None, *columns[S.VOLTAGE][1:]], dtype=pl.Float64)
    with pytest.raises(InputError) as ours:
        both_ways(columns)[0]
    frame = pl.DataFrame([pl.Series(n, v) for n, v in columns.items()])
    with pytest.raises(InputError) as theirs:
        C.to_measurement(frame, MeasurementMetadata(source_file="arrays.mpr"), C.CounterRestarts.changes_of(S.CYCLE))
    assert str(ours.value) == str(theirs.value) and "record 1" in str(ours.value)


@pytest.mark.parametrize("bad", ["nan voltage", "time backwards"])
def test_a_bad_row_in_columns_is_named_as_in_the_frame(bad):
    columns = cycler_columns()
    if bad == "nan voltage":
        columns[S.VOLTAGE][76] = np.nan
    else:
        columns[S.TIME][20] = 5.0
    messages = []
    for given in (columns, pl.DataFrame([pl.Series(n, v) for n, v in columns.items()])):
        with pytest.raises(InputError) as error:
            C.to_measurement(given, MeasurementMetadata(source_file="arrays.mpr"), C.CounterRestarts.changes_of(S.CYCLE))
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert ("record 77" if bad == "nan voltage" else "record 21") in messages[0]


@pytest.mark.parametrize("values", [np.linspace(-1, 1, 7), np.arange(7, dtype=np.int64), np.arange(7, dtype=np.int32),
                                    np.linspace(0, 1, 14)[::2], np.linspace(0, 1, 7).astype(">f8"),
                                    np.array([np.nan, -0.0, np.inf, 1e-300, -np.inf])],
                         ids=["float64", "int64", "int32", "strided", "big-endian", "special"])
@pytest.mark.parametrize("constructors", ["Polars' own", "public"])
def test_the_table_is_that_of_the_public_constructors(values, constructors, monkeypatch):
    if constructors == "public":
        monkeypatch.setattr(C, "_POLARS_RUST", None)
    ours = C._frame([("x", values), ("y", pl.Series("y", values))])
    theirs = pl.DataFrame([pl.Series("x", values), pl.Series("y", values)])
    assert ours.schema == theirs.schema
    assert ours["x"].to_numpy().tobytes() == theirs["x"].to_numpy().tobytes()
    assert ours["x"].null_count() == 0  # NaN stays NaN
    with pytest.raises(pl.exceptions.ShapeError):
        C._frame([("x", values), ("y", values[:2])])
    with pytest.raises(pl.exceptions.DuplicateError):
        C._frame([("x", values), ("x", values)])


def test_the_current_from_dq_is_numpy_s():
    rng = np.random.default_rng(23)
    time = np.cumsum(rng.choice([0.0, 0.5, 1.0, 7.25], 5000))  # repeated times: an interval of 0
    time[[100, 2000]] = np.nan
    time[3000] = time[2999] - 1.0  # backwards: a negative interval
    dq = rng.normal(0, 1e-3, 5000)
    dq[17] = -0.0
    interval_h = np.diff(time, prepend=time[:1]) / 3600.0
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(interval_h > 0, dq / np.where(interval_h > 0, interval_h, 1.0), 0.0) / 1000.0
    records = np.zeros(5000, dtype=[("flags", "u1"), ("time/s", "<f8"), ("dq/mA.h", "<f8")])  # galvani's layout
    records["time/s"], records["dq/mA.h"] = time, dq
    ours, counted = np.empty(5000), (np.empty(5000), np.empty(5000))
    times = np.empty(5000)
    B._from_charge(records["time/s"], records["dq/mA.h"], times, ours, *counted)  # strided views, read in one pass
    assert ours.tobytes() == expected.tobytes()
    assert ours[0] == 0.0 and ours[101] == 0.0 and ours[3000] == 0.0
    assert times.tobytes() == time.tobytes()
    from cellbench.measurements.cumulative import running_parts

    assert all(a.tobytes() == b.tobytes() for a, b in zip(counted, running_parts(dq, 1000.0)))


def polars_cycle_totals(half: np.ndarray, q: np.ndarray) -> dict[str, list]:
    return B.grouped_cycle_totals(half, q)  # the group-by route, the reader's own for half cycles out of order


@pytest.mark.parametrize("seed", range(4))
def test_the_per_cycle_totals_are_those_of_the_group_by(seed):
    rng = np.random.default_rng(seed)
    half = np.repeat(np.arange(-3, 60), rng.integers(1, 40, 63)).astype(np.float64)  # half cycles that only go up
    q = rng.normal(0, 2.0, half.shape[0])
    q[rng.integers(0, half.shape[0], 10)] = -0.0
    q[5] = np.nan
    ours, theirs = B._cycle_totals(half, q), polars_cycle_totals(half, q)
    assert ours["cycle"] == theirs["cycle"]
    for name in ("charge_capacity_Ah", "discharge_capacity_Ah"):
        assert np.array(ours[name]).tobytes() == np.array(theirs[name]).tobytes(), name
    assert ours["cycle"][0] == -1 and len(ours["cycle"]) == 32


def test_half_cycles_that_go_back_are_grouped_by_polars():
    half = np.array([0, 0, 1, 1, 0, 2, 3], dtype=np.float64)
    q = np.array([0.5, 1.0, -0.5, -2.0, 3.0, 1.0, -1.0])
    assert B._cycle_totals(half, q) == polars_cycle_totals(half, q)
    assert B._cycle_totals(np.empty(0), np.empty(0)) == {"cycle": [], "charge_capacity_Ah": [],
                                                         "discharge_capacity_Ah": []}


def scan_the_obvious_way(t, v, i, cycle, step, charge, discharge):
    """The row policy and the sign vote of ``scan_rows`` in NumPy: first non-finite row, first row whose time goes
    back within its cycle and step, and the current's sign summed where each counter grows (and those rows counted
    where the current is not zero)."""
    finite = np.isfinite(t) & np.isfinite(v) & np.isfinite(i)
    back = np.concatenate([[False], (t[1:] < t[:-1]) & (cycle[1:] == cycle[:-1]) & (step[1:] == step[:-1])])
    sign = np.sign(np.nan_to_num(i, nan=0.0))
    votes = []
    for counter in (charge, discharge):
        grows = np.concatenate([[False], counter[1:] > counter[:-1]])
        votes += [float(sign[grows].sum()), float(np.count_nonzero(sign[grows]))]
    first = lambda mask: int(np.flatnonzero(mask)[0]) if mask.any() else -1  # noqa: E731
    return first(~finite), first(back), votes


@pytest.mark.parametrize("cuts", [[], [1], [3, 500, 5000, 5001], list(range(17, 6000, 997))])
@pytest.mark.parametrize("bad", [False, True])
def test_the_row_scan_finds_the_first_bad_rows_and_counts_the_votes(cuts, bad):
    from cellbench.measurements.cumulative import scan_rows_chunks

    rng = np.random.default_rng(len(cuts))
    n = 6000
    t = np.cumsum(rng.random(n))
    v = rng.random(n)
    i = np.where((np.arange(n) // 300) % 2, 1.0, -1.0) * rng.random(n)
    i[::97] = 0.0
    cycle = (np.arange(n) // 1000).astype(np.int64)
    step = (np.arange(n) // 37).astype(np.int64)
    if bad:
        t[4010] = t[4000]  # back within step 108 of cycle 4
        t[2220] = t[2219] - 1.0  # back, but a new step begins at row 2220 (37 * 60): allowed
        v[4500] = np.nan
        i[1234] = np.nan
        i[5000] = -np.inf
    charge, discharge = np.cumsum(np.clip(i, 0, None)), np.cumsum(np.clip(-i, 0, None))
    bounds = [0, *cuts, n]
    chunks = [(t[a:b], v[a:b], i[a:b], cycle[a:b], step[a:b]) for a, b in zip(bounds, bounds[1:])]
    not_finite, backwards, votes = scan_rows_chunks(chunks, charge, discharge)
    expected = scan_the_obvious_way(t, v, i, cycle, step, charge, discharge)
    assert (not_finite, backwards, votes.tolist()) == expected
    assert (not_finite, backwards) == ((1234, 4010) if bad else (-1, -1))


@pytest.mark.parametrize("present", [[], [S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY], [S.POWER, S.CHARGE_ENERGY]])
def test_power_and_integrals_in_one_call_are_those_of_the_chunked_passes(present):
    from cellbench.measurements.columns import derived_arrays

    rng = np.random.default_rng(4)
    t = np.cumsum(rng.random(3000) * 10)
    i = np.where((np.arange(3000) // 200) % 2, 1.0, -1.0) * rng.random(3000)
    v = 3.0 + rng.random(3000)
    whole = derived_arrays([(t, i, v)], present)  # one piece: one compiled call
    pieces = derived_arrays([(t[:1000], i[:1000], v[:1000]), (t[1000:], i[1000:], v[1000:])], present)
    assert [name for name, _ in whole] == [name for name, _ in pieces]
    assert len(whole) == 5 - len(present)
    for (name, ours), (_, theirs) in zip(whole, pieces):
        assert ours.tobytes() == theirs.tobytes(), name
    power = dict(whole).get(S.POWER)
    assert power is None or power.tobytes() == (i * v).tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_one_loop_over_columns_in_one_piece_gives_the_numbers_of_the_separate_passes(seed):
    from cellbench.measurements import cumulative as K

    rng = np.random.default_rng(seed)
    n = 3000
    t = np.cumsum(rng.random(n) * 10)
    v = 3.0 + rng.random(n)
    i = np.where((np.arange(n) // 250) % 2, 1.0, -1.0) * rng.random(n)
    i[::61] = 0.0
    cycle = (np.arange(n) // 500).astype(np.int64)
    step = (np.arange(n) // 125).astype(np.int64)
    # counters that restart each step (some falling to a non-zero value), one that never restarts, signed zeros
    counters = [np.cumsum(np.abs(rng.normal(0, 1, n))) % 7.0 for _ in range(4)]
    counters[2][::200] = -0.0
    if seed % 2:
        t[1700] = t[1650]  # back within step 13
        v[2100] = np.nan
    present = [[0, 1, 2, 3], [0, 1], [1], [2, 3], [], [0, 3]][seed]
    given = [counters[j] if j in present else None for j in range(4)]
    marks = None if seed == 4 else K.changes([(cycle, step)] if seed < 3 else [(step,)])
    keys = [(cycle, step), (cycle, None), (None, step), (None, None), (cycle, step), (cycle, step)][seed]
    certain = seed == 5
    of_current, of_power = seed % 3 != 0, seed != 2
    totals, power, integrals, bad, back, votes = K.one_piece_passes(
        t, v, i, *keys, given, marks, certain=certain, of_current=of_current, of_power=of_power)
    separate = [None if c is None else K.accumulate_counter(c, marks, certain=certain) for c in given]
    for ours, theirs in zip(totals, separate):
        assert (ours is None and theirs is None) or ours.tobytes() == theirs.tobytes()
    expected = K.scan_rows(t, v, i, *keys, separate[0], separate[1])
    assert (bad, back, votes.tolist()) == (expected[0], expected[1], expected[2].tolist())
    assert (bad, back) == ((2100, 1700) if seed % 2 else (-1, -1))
    power_W, parts = K.power_and_integrals(t, i, v, of_current=of_current, of_power=of_power)
    assert power.tobytes() == power_W.tobytes()
    for ours, theirs in zip(integrals, parts):
        assert ours.tobytes() == theirs.tobytes()
