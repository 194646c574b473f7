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
>>> from cellbench.measurements import Measurement, add_cumulative_columns
>>> m = Measurement(pl.DataFrame({"test_time_second": [0., 10., 20., 30., 40.],
...     "voltage_volt": [3.6, 3.6, 3.5, 3.45, 3.55], "current_ampere": [0., 0., -1., -1., 0.]}))
>>> step_table(m)["step_type"].to_list()
['rest', 'discharge', 'rest']
"""

from __future__ import annotations

import polars as pl

from cellbench.measurements import Measurement, add_cumulative_columns
from cellbench.measurements import schema as S

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
    data = measurement.data
    return data.select(_step_number_expr(data, rest_current_A, current_jump)).to_series()


def _step_number_expr(data: pl.DataFrame, rest_current_A: float | None, current_jump: float) -> pl.Expr:
    first = pl.int_range(pl.len()) == 0
    if S.STEP in data.columns:
        keys = [S.STEP] + ([S.CYCLE] if S.CYCLE in data.columns else [])
        new = first
        for key in keys:
            new = new | (pl.col(key) != pl.col(key).shift(1)).fill_null(True)
    else:
        threshold = rest_threshold_A(data, rest_current_A)
        i = pl.col(S.CURRENT)
        direction = _direction(i, threshold)
        jump = ((i - i.shift(1)).abs() > current_jump * i.shift(1).abs() + threshold) & (direction != 0)
        new = first | (direction != direction.shift(1)).fill_null(True) | jump.fill_null(False)
        steps = data.select(pl.col(S.VOLTAGE), pl.col(S.CURRENT), new.cast(pl.Int64).cum_sum().alias("_step"),
                            pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"))
        return pl.lit(steps.select(_split_cv_tails(pl.col("_step"))).to_series()).alias("step_number")
    return new.cast(pl.Int64).cum_sum().alias("step_number")


def _split_cv_tails(step: pl.Expr) -> pl.Expr:
    """A detected charge/discharge step whose tail holds the voltage within the CV band of its last
    value while the current falls by more than CV_CURRENT_DROP is a CC step followed by a CV hold:
    split it where the voltage enters the band for good."""
    row = pl.col("_row")  # a column, not int_range: inside .over() int_range would count within the group
    v, i = pl.col(S.VOLTAGE), pl.col(S.CURRENT)
    outside = (v - v.last().over(step)).abs() > CV_VOLTAGE_BAND_V / 2
    last_outside = pl.when(outside).then(row).otherwise(None).max().over(step)
    cc_current = pl.when(row == last_outside).then(i.abs()).otherwise(None).max().over(step)
    # the hold begins where the current first falls below the CC level inside the voltage band
    tapering = (row > last_outside) & (i.abs() < (1 - CV_TAPER_ONSET) * cc_current)
    hold_start = pl.when(tapering).then(row).otherwise(None).min().over(step)
    is_cv_tail = (i.last().over(step).abs() < (1 - CV_CURRENT_DROP) * cc_current) & (i.abs() > 0)
    split = (row == hold_start) & is_cv_tail.fill_null(False)
    return (step + split.cast(pl.Int64).cum_sum()).alias("step_number")


def step_table(measurement: Measurement, *, rest_current_A: float | None = None,
               current_jump: float = 0.05) -> pl.DataFrame:
    """One row per step; see the module docstring for the columns."""
    data = add_cumulative_columns(measurement.data)
    threshold = rest_threshold_A(data, rest_current_A)
    t = pl.col(S.TIME)
    cycle = pl.col(S.CYCLE) if S.CYCLE in data.columns else pl.lit(None, dtype=pl.Int64)
    step_index = pl.col(S.STEP) if S.STEP in data.columns else pl.lit(None, dtype=pl.Int64)
    temperature = (pl.col(S.CELL_TEMPERATURE) if S.CELL_TEMPERATURE in data.columns
                   else pl.lit(None, dtype=pl.Float64))
    dt = (t - t.shift(1)).fill_null(0.0)
    rows = data.select(
        _step_number_expr(data, rest_current_A, current_jump),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_row"),
        cycle.alias("cycle"), step_index.alias("step_index"), t.alias("_t"), dt.alias("_dt"),
        pl.col(S.VOLTAGE).alias("_v"), pl.col(S.CURRENT).alias("_i"),
        *[_increment(c).alias(f"_d_{c}") for c in (S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY,
                                                    S.CHARGE_ENERGY, S.DISCHARGE_ENERGY)],
        temperature.alias("_temp"),
    )
    steps = rows.group_by("step_number", maintain_order=True).agg(
        pl.col("cycle").first(), pl.col("step_index").first(),
        pl.col("_t").first().alias("first_time_s"), pl.col("_t").last().alias("end_time_s"),
        pl.col("_v").first().alias("first_voltage_V"), pl.col("_v").last().alias("end_voltage_V"),
        pl.col("_v").max().alias("_vmax"), pl.col("_v").min().alias("_vmin"),
        pl.col("_i").first().alias("_i_first"), pl.col("_i").last().alias("_i_last"),
        ((pl.col("_i") * pl.col("_dt")).sum() / pl.col("_dt").sum()).alias("_i_weighted"),
        pl.col("_i").mean().alias("_i_mean"),
        pl.col(f"_d_{S.CHARGE_CAPACITY}").sum().alias("charge_capacity_Ah"),
        pl.col(f"_d_{S.DISCHARGE_CAPACITY}").sum().alias("discharge_capacity_Ah"),
        pl.col(f"_d_{S.CHARGE_ENERGY}").sum().alias("charge_energy_Wh"),
        pl.col(f"_d_{S.DISCHARGE_ENERGY}").sum().alias("discharge_energy_Wh"),
        pl.col("_temp").max().alias("max_temperature_C"),
        pl.col("_row").first().alias("first_row"), pl.col("_row").last().alias("last_row"),
    )
    mean_current = pl.when(pl.col("_i_weighted").is_finite()).then(pl.col("_i_weighted")).otherwise(pl.col("_i_mean"))
    direction = _direction(mean_current, threshold)
    is_cv = ((pl.col("_vmax") - pl.col("_vmin") <= CV_VOLTAGE_BAND_V)
             & (pl.col("_i_last").abs() < (1 - CV_CURRENT_DROP) * pl.col("_i_first").abs()))
    steps = steps.with_columns(
        mean_current.alias("mean_current_A"),
        pl.when(direction == 0).then(pl.lit("rest")).when(is_cv).then(pl.lit("cv-hold"))
        .when(direction > 0).then(pl.lit("charge")).otherwise(pl.lit("discharge")).alias("step_type"),
        pl.col("end_time_s").shift(1).fill_null(pl.col("first_time_s")).alias("start_time_s"),
        pl.col("end_voltage_V").shift(1).fill_null(pl.col("first_voltage_V")).alias("start_voltage_V"),
        (pl.col("charge_capacity_Ah") - pl.col("discharge_capacity_Ah")).abs().alias("capacity_Ah"),
    ).with_columns((pl.col("end_time_s") - pl.col("start_time_s")).alias("duration_s"))
    return steps.select(
        "step_number", "cycle", "step_index", "step_type", "start_time_s", "end_time_s", "duration_s",
        "charge_capacity_Ah", "discharge_capacity_Ah", "capacity_Ah", "charge_energy_Wh", "discharge_energy_Wh",
        "start_voltage_V", "end_voltage_V", "first_voltage_V", "mean_current_A", "max_temperature_C",
        "first_row", "last_row",
    )


def _increment(column: str) -> pl.Expr:
    """Per-row increment of a cumulative counter; row 0 carries the counter's starting value."""
    c = pl.col(column)
    return (c - c.shift(1)).fill_null(c.first())
