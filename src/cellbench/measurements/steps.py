"""Step table: one row per step of a test (a stretch of constant mode: charge, discharge, rest, CV hold).

Stable interface (IEC metrics build on it)::

    step_table(measurement, *, rest_current_A=None, current_jump=0.05) -> polars.DataFrame
    step_numbers(measurement, *, rest_current_A=None, current_jump=0.05) -> polars.Series

Steps come from the vendor's step index when the file has one (a new step wherever the cycle or step
index changes); otherwise they are detected from the current: a new step where the current changes
sign class (charge > +threshold, discharge < -threshold, rest in between) or jumps by more than
``current_jump`` (relative) between two samples within one class. A CV taper changes current slowly
from sample to sample and stays one step.

Columns of the table (one row per step, in test order):

====================== =========================================================================
step_number            1, 2, … in test order
cycle                  cycle number (vendor's, or detected, see ``cycles.cycle_numbers``)
step_index             the vendor's step index (null when detected)
step_type              charge | discharge | rest | cv-hold
start_time_s           end of the previous step (the first step: its first sample)
end_time_s, duration_s time of the last sample; end − start
charge_capacity_Ah     charge passed during the step (from the BDF cumulative counters)
discharge_capacity_Ah  idem, discharge
capacity_Ah            |net charge| of the step
charge_energy_Wh, discharge_energy_Wh
start_voltage_V        voltage at the end of the previous step (the step's own first sample for
                       the first step): the "before" value for a pulse
end_voltage_V          last sample's voltage
first_voltage_V        first sample of the step
mean_current_A         time-weighted mean current
max_temperature_C      maximum surface temperature (null when not recorded)
first_row, last_row    row positions in ``measurement.data``
====================== =========================================================================

A charge or discharge step is a ``cv-hold`` when its voltage stays within ``CV_VOLTAGE_BAND_V`` while
its current magnitude falls by more than ``CV_CURRENT_DROP``.

>>> import polars as pl
>>> from cellbench.measurements import Measurement
>>> m = Measurement(pl.DataFrame({"test_time_second": [0., 10., 20., 30., 40.],
...     "voltage_volt": [3.6, 3.6, 3.5, 3.45, 3.55], "current_ampere": [0., 0., -1., -1., 0.]}))
>>> step_table(m)["step_type"].to_list()
['rest', 'discharge', 'rest']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from cellbench.measurements import schema as S
from cellbench.measurements.columns import add_cumulative_columns

if TYPE_CHECKING:  # Measurement's methods call these functions: measurement.py imports this module, not the reverse
    from cellbench.measurements.measurement import Measurement

#: rest threshold relative to the largest |current| in the test, when none is given
REST_FRACTION_OF_MAX = 0.002
CV_VOLTAGE_BAND_V = 0.010
CV_CURRENT_DROP = 0.2
#: relative fall of current, inside the voltage band, that marks the start of a detected CV hold
CV_TAPER_ONSET = 0.003


def rest_threshold_A(data: pl.DataFrame, rest_current_A: float | None = None) -> float:
    if rest_current_A is not None:
        return rest_current_A
    peak = data.select(pl.col(S.CURRENT).abs().max()).item() or 0.0
    return max(peak * REST_FRACTION_OF_MAX, 1e-12)


def _direction(current: pl.Expr, threshold: float) -> pl.Expr:
    return pl.when(current > threshold).then(1).when(current < -threshold).then(-1).otherwise(0)


def step_numbers(measurement: Measurement, *, rest_current_A: float | None = None,
                 current_jump: float = 0.05) -> pl.Series:
    """1-based step number of every row (see module doc for how steps are found)."""
    return _step_numbers(measurement.data, rest_current_A, current_jump)


def _step_numbers(data: pl.DataFrame, rest_current_A: float | None, current_jump: float) -> pl.Series:
    first = pl.int_range(pl.len()) == 0
    if S.STEP in data.columns:
        new = first
        for key in [S.STEP] + ([S.CYCLE] if S.CYCLE in data.columns else []):
            new = new | (pl.col(key) != pl.col(key).shift(1)).fill_null(True)
        return data.select(new.cast(pl.Int64).cum_sum().alias("step_number")).to_series()
    threshold = rest_threshold_A(data, rest_current_A)
    i = pl.col(S.CURRENT)
    direction = _direction(i, threshold)
    jump = ((i - i.shift(1)).abs() > current_jump * i.shift(1).abs() + threshold) & (direction != 0)
    new = first | (direction != direction.shift(1)).fill_null(True) | jump.fill_null(False)
    provisional = data.select(new.cast(pl.Int64).cum_sum()).to_series().to_numpy()
    split = _cv_tail_starts(provisional, data[S.VOLTAGE].to_numpy(), data[S.CURRENT].to_numpy())
    return pl.Series("step_number", provisional + np.cumsum(split))


def _cv_tail_starts(step: np.ndarray, v: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Rows where a CV hold begins inside a detected step (boolean mask).

    A detected charge/discharge step whose tail holds the voltage within the CV band of its last value
    while the current falls by more than CV_CURRENT_DROP is a CC step followed by a CV hold; the hold
    begins at the first row, after the voltage has entered the band for good, where the current has
    fallen below the CC level. Vectorised over all steps at once (steps are numbered 1..K in order).
    """
    n = len(step)
    split = np.zeros(n, dtype=np.int64)
    if n == 0:
        return split
    starts = np.r_[0, np.flatnonzero(step[1:] != step[:-1]) + 1]
    ends = np.r_[starts[1:] - 1, n - 1]
    index = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))   # step position of each row
    outside = np.flatnonzero(np.abs(v - v[ends][index]) > CV_VOLTAGE_BAND_V / 2)
    # last row of each step still outside the band (sorted indices: search instead of a per-row scan)
    last_outside = outside[np.maximum(np.searchsorted(outside, ends, side="right") - 1, 0)] if len(outside) \
        else np.full(len(starts), -1)
    has_cc = (last_outside >= starts) & (last_outside <= ends)
    cc_current = np.where(has_cc, np.abs(i[np.clip(last_outside, 0, n - 1)]), np.nan)
    with np.errstate(invalid="ignore"):
        below = np.flatnonzero(np.abs(i) < (1 - CV_TAPER_ONSET) * cc_current[index])
    if len(below) == 0:
        return split
    # first row after the last outside row where the current has left the CC level
    candidate = below[np.minimum(np.searchsorted(below, last_outside + 1, side="left"), len(below) - 1)]
    with np.errstate(invalid="ignore"):
        is_cv_tail = (has_cc & (candidate > last_outside) & (candidate <= ends)
                      & (np.abs(i[ends]) < (1 - CV_CURRENT_DROP) * cc_current))
    holds = candidate[is_cv_tail]
    split[holds[np.abs(i[holds]) > 0]] = 1
    return split


def step_table(measurement: Measurement, *, rest_current_A: float | None = None,
               current_jump: float = 0.05) -> pl.DataFrame:
    """One row per step; see the module docstring for the columns."""
    data = add_cumulative_columns(measurement.data)
    threshold = rest_threshold_A(data, rest_current_A)
    cycle = pl.col(S.CYCLE) if S.CYCLE in data.columns else pl.lit(None, dtype=pl.Int64)
    step_index = pl.col(S.STEP) if S.STEP in data.columns else pl.lit(None, dtype=pl.Int64)
    temperature = (pl.col(S.CELL_TEMPERATURE) if S.CELL_TEMPERATURE in data.columns
                   else pl.lit(None, dtype=pl.Float64))
    counters = {S.CHARGE_CAPACITY: "charge_capacity_Ah", S.DISCHARGE_CAPACITY: "discharge_capacity_Ah",
                S.CHARGE_ENERGY: "charge_energy_Wh", S.DISCHARGE_ENERGY: "discharge_energy_Wh"}
    # Aggregate runs directly: a step's share of a cumulative counter is its last value minus the
    # previous step's last value (the first step counts from zero), so no per-row increments are built.
    rows = data.select(
        _step_numbers(data, rest_current_A, current_jump),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"),
        cycle.alias("cycle"), step_index.alias("step_index"), pl.col(S.TIME).alias("_t"),
        pl.col(S.VOLTAGE).alias("_v"), pl.col(S.CURRENT).alias("_i"), *[pl.col(c) for c in counters],
        # current × the time since the previous sample: its sum over a step is the step's charge as the
        # samples themselves say (a rest after a pulse gets none of the pulse's last interval)
        (pl.col(S.CURRENT) * (pl.col(S.TIME) - pl.col(S.TIME).shift(1)).fill_null(0.0)).alias("_i_dt"),
        temperature.alias("_temp"),
    )
    steps = rows.group_by("step_number", maintain_order=True).agg(
        pl.col("cycle").first(), pl.col("step_index").first(),
        pl.col("_t").first().alias("first_time_s"), pl.col("_t").last().alias("end_time_s"),
        pl.col("_v").first().alias("first_voltage_V"), pl.col("_v").last().alias("end_voltage_V"),
        pl.col("_v").max().alias("_vmax"), pl.col("_v").min().alias("_vmin"),
        pl.col("_i").first().alias("_i_first"), pl.col("_i").last().alias("_i_last"),
        pl.col("_i").mean().alias("_i_mean"), pl.col("_i_dt").sum().alias("_i_dt"),
        *[pl.col(c).last() for c in counters],
        pl.col("_temp").max().alias("max_temperature_C"),
        pl.col("_row").first().alias("first_row"), pl.col("_row").last().alias("last_row"),
    )
    steps = steps.with_columns(
        *[(pl.col(c) - pl.col(c).shift(1).fill_null(0.0)).alias(out) for c, out in counters.items()],
        pl.col("end_time_s").shift(1).fill_null(pl.col("first_time_s")).alias("start_time_s"),
        pl.col("end_voltage_V").shift(1).fill_null(pl.col("first_voltage_V")).alias("start_voltage_V"),
    ).with_columns((pl.col("end_time_s") - pl.col("start_time_s")).alias("duration_s"))
    # time-weighted mean current (a one-sample step: its current)
    mean_current = (pl.when(pl.col("duration_s") > 0).then(pl.col("_i_dt") / pl.col("duration_s"))
                    .otherwise(pl.col("_i_mean")))
    direction = _direction(pl.col("mean_current_A"), threshold)
    is_cv = ((pl.col("_vmax") - pl.col("_vmin") <= CV_VOLTAGE_BAND_V)
             & (pl.col("_i_last").abs() < (1 - CV_CURRENT_DROP) * pl.col("_i_first").abs()))
    steps = steps.with_columns(mean_current.alias("mean_current_A")).with_columns(
        pl.when(direction == 0).then(pl.lit("rest")).when(is_cv).then(pl.lit("cv-hold"))
        .when(direction > 0).then(pl.lit("charge")).otherwise(pl.lit("discharge")).alias("step_type"),
        (pl.col("charge_capacity_Ah") - pl.col("discharge_capacity_Ah")).abs().alias("capacity_Ah"),
    )
    return steps.select(
        "step_number", "cycle", "step_index", "step_type", "start_time_s", "end_time_s", "duration_s",
        "charge_capacity_Ah", "discharge_capacity_Ah", "capacity_Ah", "charge_energy_Wh", "discharge_energy_Wh",
        "start_voltage_V", "end_voltage_V", "first_voltage_V", "mean_current_A", "max_temperature_C",
        "first_row", "last_row",
    )
