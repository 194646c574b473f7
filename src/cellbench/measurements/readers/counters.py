"""Vendor capacity/energy counters → Battery Data Format cumulative columns.

Cyclers count charge and energy in counters that restart: Maccor and Neware at every step, Arbin at
every cycle, BioLogic at every half cycle. BDF wants counters cumulative from the start of the test.
A counter's increment on each row is its change since the row before, or, where the counter restarted,
its whole value (it counted up from zero since the restart).

>>> import polars as pl
>>> df = pl.DataFrame({"q": [0.0, 1.0, 2.0, 0.5, 1.5], "step": [1, 1, 1, 2, 2]})
>>> df.select(cumulative_counter(pl.col("q"), restarts=pl.col("step") != pl.col("step").shift(1)))["q"].to_list()
[0.0, 1.0, 2.0, 2.5, 3.5]
"""

from __future__ import annotations

import polars as pl


def segment_starts(*keys: str) -> pl.Expr:
    """True on each row where any of ``keys`` differs from the row before (and on row 0)."""
    changed = pl.lit(False)
    for key in keys:
        changed = changed | (pl.col(key) != pl.col(key).shift(1)).fill_null(True)
    return changed | (pl.int_range(pl.len()) == 0)


def cumulative_counter(counter: pl.Expr, *, restarts: pl.Expr | None = None, certain: bool = False) -> pl.Expr:
    """Cumulative sum of a restarting counter.

    ``restarts`` marks rows where the vendor may restart the counter (a new step or cycle); a restart is
    taken where the counter also falls there, or always when ``certain``. Without ``restarts``, any fall
    of the counter is a restart, which suits counters that restart at undocumented points.
    """
    previous = counter.shift(1)
    first_row = pl.int_range(pl.len()) == 0
    if restarts is None:
        restarted = (counter < previous).fill_null(True)
    elif certain:
        restarted = restarts.fill_null(True) | first_row
    else:
        restarted = (restarts & (counter < previous)).fill_null(True) | first_row
    increment = pl.when(restarted).then(counter).otherwise(counter - previous)
    return increment.cum_sum()


def per_segment_totals(frame: pl.DataFrame, counters: list[str], *, cycle: str, segment: pl.Expr) -> pl.DataFrame:
    """Per-cycle total of restarting counters computed the vendor's way: the largest value each segment
    (step or cycle run) reached, summed over the segments of the cycle. Used to check conversions; frames
    without nulls take the same sums from NumPy arrays (``canonical.segment_totals``)."""
    runs = frame.select(pl.col(cycle), segment.cum_sum().alias("_segment"), *[pl.col(c) for c in counters])
    return (runs.group_by("_segment", maintain_order=True)
            .agg(pl.col(cycle).first(), *[pl.col(c).max() for c in counters])
            .group_by(cycle, maintain_order=True).agg(*[pl.col(c).sum() for c in counters])
            .sort(cycle))

