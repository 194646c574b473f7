"""Neware's signed per-step counters are split into charge and discharge parts in one compiled pass; the numbers must
be those of the Polars expressions it replaced, bit for bit (signed zeros and NaN included), or a re-read file would
hash differently from the same file stored before."""

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
