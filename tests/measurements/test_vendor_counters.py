"""Vendor counters taken apart by compiled or NumPy passes instead of Polars expressions: the numbers must be the
expressions' own, bit for bit (signed zeros and NaN included), or a re-read file would hash differently from the same
file stored before."""

import numpy as np
import polars as pl

from cellbench.measurements.cumulative import split_signed


def test_split_signed_is_the_polars_expressions_bit_for_bit():
    rng = np.random.default_rng(23)
    values = np.concatenate([(rng.standard_normal(20_000) * 3000).astype(np.float32),
                             np.array([0.0, -0.0, 1e-30, -1e-30, 1000.0, -1000.0, np.nan, 3.4e38, -3.4e38],
                                      dtype=np.float32)])
    value = pl.col("x").cast(pl.Float64) / 1000.0
    expected = pl.DataFrame({"x": values}).select(value.clip(lower_bound=0.0).alias("charge"),
                                                   (-value).clip(lower_bound=0.0).alias("discharge"))
    charge, discharge = split_signed(values, 1000.0)
    assert charge.tobytes() == expected["charge"].to_numpy().tobytes()
    assert discharge.tobytes() == expected["discharge"].to_numpy().tobytes()
    # and what they mean: 1000 mAh charged is 1 Ah of charge and none of discharge, and the other way round
    assert (charge[-5], discharge[-5], charge[-4], discharge[-4]) == (1.0, 0.0, 0.0, 1.0)


def test_biologic_cycle_totals_in_order_and_out_of_order():
    """EC-Lab's own per-cycle count: the signed Q charge/discharge at the end of each half cycle, summed per cycle
    (half cycles 0, 1 are cycle 1; 2, 3 cycle 2). Half cycles in order take a NumPy route, others Polars'."""
    from cellbench.measurements.readers.biologic import _cycle_totals

    half = np.array([0, 0, 0, 1, 1, 2, 2, 3, 4])
    q = np.array([100.0, 600.0, 1200.0, -300.0, -1100.0, 900.0, 1000.0, -0.0, 50.0])  # mA.h
    totals = _cycle_totals(half, q)
    assert totals == {"cycle": [1, 2, 3], "charge_capacity_Ah": [1.2, 1.0, 0.05],
                      "discharge_capacity_Ah": [1.1, 0.0, 0.0]}
    # a file whose half cycles restart (two runs appended): the same rule, grouped by number, first seen first
    again = _cycle_totals(np.concatenate([half, half[:3]]), np.concatenate([q, q[:3]]))
    assert again["cycle"] == [1, 2, 3] and again["charge_capacity_Ah"] == [1.2, 1.0, 0.05]


def kahan(values) -> float:
    """Kahan's compensated sum, written out: what Polars computes for a group of floats (a lone value is itself)."""
    if len(values) == 1:
        return float(values[0])
    total = error = 0.0
    for value in values:
        y = value - error
        t = total + y
        error = (t - total) - y
        total = t
    return total


def test_per_cycle_totals_are_compensated_sums_as_polars_groups_sum():
    """The vendor's per-cycle totals sum each cycle's segment maxima; cycles in order take a compiled pass, others
    Polars' group_by. The compiled sums are Kahan's, bit for bit (signed zeros included); Polars' group sums are
    the same to the last bit or a step or two from it (they vary by that much from one run to the next)."""
    from cellbench.measurements.cumulative import run_sums
    from cellbench.measurements.readers.canonical import segment_totals

    rng = np.random.default_rng(7)
    for size in (1, 2, 3, 5, 9, 40, None):
        cycle = np.repeat(np.arange(1, 301), size) if size else np.sort(rng.integers(1, 300, 3000))
        values = rng.standard_normal(cycle.shape[0]) * 10.0 ** rng.integers(-9, 9, cycle.shape[0])
        values[rng.random(values.shape[0]) < 0.3] = -0.0
        values[rng.random(values.shape[0]) < 0.1] = 0.0
        ours = segment_totals(cycle, {"x": values})
        numbers, first = np.unique(cycle, return_index=True)
        expected = [kahan(values[a:b]) for a, b in zip(first, [*first[1:], cycle.shape[0]])]
        assert ours["cycle"].tolist() == numbers.tolist()
        assert ours["x"].tobytes() == np.array(expected).tobytes(), size
        polars = pl.DataFrame({"cycle": cycle, "x": values}).group_by("cycle", maintain_order=True) \
            .agg(pl.col("x").sum())["x"].to_numpy()
        magnitude = np.array([np.abs(values[a:b]).sum() for a, b in zip(first, [*first[1:], cycle.shape[0]])])
        assert (np.abs(ours["x"] - polars) <= 4e-16 * magnitude).all(), size
    # by hand, and cycles that go back (a file of two runs appended) grouped by number, first seen first
    assert run_sums(np.array([0, 2]), np.array([0.5, 0.25, 1.0, 1e-20])).tolist() == [0.75, 1.0]
    back = segment_totals(np.array([1, 2, 1]), {"x": np.array([1.0, 2.0, 4.0])})
    infinite = segment_totals(np.array([1, 1, 2]), {"x": np.array([1.0, np.inf, 4.0])})
    assert infinite["x"].tolist() == [np.inf, 4.0]
    assert back["cycle"].tolist() == [1, 2] and back["x"].tolist() == [5.0, 2.0]


def test_running_parts_of_a_per_point_charge_are_numpy_s_bit_for_bit():
    """EC-Lab's dq/mA.h made into running charge and discharge counters in one compiled pass: NumPy's clip and
    cumsum, the same bits (signed zeros, NaN, infinities)."""
    from cellbench.measurements.cumulative import running_parts

    rng = np.random.default_rng(11)
    dq = rng.standard_normal(50_000) * 10.0 ** rng.integers(-6, 3, 50_000)
    dq[rng.random(dq.shape[0]) < 0.1] = -0.0
    dq[rng.random(dq.shape[0]) < 0.1] = 0.0
    for case in (dq, np.concatenate([[-0.0, np.nan], dq]), np.array([1.0, -np.inf, 2.0, np.inf]), np.empty(0)):
        charge, discharge = running_parts(case, 1000.0)
        assert charge.tobytes() == (np.cumsum(np.clip(case, 0, None)) / 1000.0).tobytes()
        assert discharge.tobytes() == (np.cumsum(np.clip(-case, 0, None)) / 1000.0).tobytes()
    # by hand: 0.5 mAh charged, 0.25 discharged, 1 charged
    assert running_parts(np.array([0.5, -0.25, 1.0]), 1000.0)[0].tolist() == [0.0005, 0.0005, 0.0015]
