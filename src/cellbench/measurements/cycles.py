"""Per-cycle summary of a test, and the ``summarize`` result shared by the CLI and the store.

Stable interface::

    cycle_numbers(measurement, *, rest_current_A=None) -> polars.Series
    cycle_table(measurement) -> polars.DataFrame
    summarize(measurement, *, steps=False) -> Summary      # .cycles, .steps, .warnings, .to_json()

Cycles are the vendor's cycle numbers when the file has them. Otherwise a new cycle starts each time
the current returns to the direction the test began with (charge or discharge) after having gone the
other way, so "charge, discharge, charge, discharge" is two cycles whichever comes first.

Per-cycle columns: ``cycle, start_time_s, end_time_s, duration_s, charge_capacity_Ah,
discharge_capacity_Ah, charge_energy_Wh, discharge_energy_Wh, coulombic_efficiency (discharge/charge),
mean_charge_voltage_V, mean_discharge_voltage_V (energy/capacity: the charge-weighted mean voltage),
max_temperature_C``. Each row's increment of the BDF cumulative counters belongs to that row's cycle,
so the per-cycle capacities add up to the test totals. Vectorised: one pass and one group-by.

>>> import polars as pl
>>> from cellbench.measurements import Measurement
>>> m = Measurement(pl.DataFrame({"test_time_second": [0., 3600., 3601., 7201.],
...     "voltage_volt": [3.0, 4.2, 4.2, 3.0], "current_ampere": [1.0, 1.0, -1.0, -1.0]}))
>>> round(cycle_table(m)["discharge_capacity_Ah"][0], 3)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from cellbench.measurements import schema as S
from cellbench.measurements.columns import add_cumulative_columns
from cellbench.measurements.steps import _direction, rest_threshold_A, step_table

if TYPE_CHECKING:  # Measurement's methods call these functions: measurement.py imports this module, not the reverse
    from cellbench.measurements.measurement import Measurement

CYCLE_COLUMNS = ["cycle", "start_time_s", "end_time_s", "duration_s", "charge_capacity_Ah", "discharge_capacity_Ah",
                 "charge_energy_Wh", "discharge_energy_Wh", "coulombic_efficiency", "mean_charge_voltage_V",
                 "mean_discharge_voltage_V", "max_temperature_C"]


def cycle_numbers(measurement: Measurement, *, rest_current_A: float | None = None) -> pl.Series:
    """The vendor's cycle column, or cycles detected from current direction (1-based)."""
    data = measurement.data
    if S.CYCLE in data.columns:
        return data[S.CYCLE]
    return data.select(_detected_cycle(data, rest_current_A)).to_series()


def _detected_cycle(data: pl.DataFrame, rest_current_A: float | None) -> pl.Expr:
    threshold = rest_threshold_A(data, rest_current_A)
    direction = _direction(pl.col(S.CURRENT), threshold).replace(0, None).forward_fill()
    first = direction.drop_nulls().first()
    previous = direction.shift(1)
    starts = ((direction == first) & (previous == -first)).fill_null(False)
    return (starts.cast(pl.Int64).cum_sum() + 1).alias(S.CYCLE)


def cycle_table(measurement: Measurement, *, rest_current_A: float | None = None) -> pl.DataFrame:
    """One row per cycle (see the module docstring for the columns)."""
    data = add_cumulative_columns(measurement.data)
    cycle = pl.col(S.CYCLE) if S.CYCLE in data.columns else _detected_cycle(data, rest_current_A)
    temperature = pl.col(S.CELL_TEMPERATURE) if S.CELL_TEMPERATURE in data.columns else pl.lit(None, pl.Float64)
    counters = {S.TIME: "duration_s", S.CHARGE_CAPACITY: "charge_capacity_Ah",
                S.DISCHARGE_CAPACITY: "discharge_capacity_Ah", S.CHARGE_ENERGY: "charge_energy_Wh",
                S.DISCHARGE_ENERGY: "discharge_energy_Wh"}
    # Runs of consecutive rows with one cycle number: the only full-length work is the run id; each
    # run's share of a cumulative counter is its last value minus the previous run's last value (the
    # first run starts from the counter's first value, time from the first sample).
    run = (cycle != cycle.shift(1)).fill_null(True).cast(pl.UInt32).cum_sum().alias("_run")
    runs = (data.select(cycle.alias("cycle"), run, *[pl.col(c) for c in counters], temperature.alias("_temp"))
            .group_by("_run", maintain_order=True)
            .agg(pl.col("cycle").first(), pl.col(S.TIME).first().alias("_t0"),
                 *[pl.col(c).last() for c in counters], pl.col("_temp").max()))
    first_values = data.select(pl.col(S.TIME).first(), *[pl.lit(0.0).alias(c) for c in counters if c != S.TIME])
    runs = runs.with_columns(
        (pl.col(c) - pl.col(c).shift(1).fill_null(first_values[c][0])).alias(out) for c, out in counters.items())
    table = runs.group_by("cycle").agg(
        pl.col("_t0").min().alias("first_time_s"), pl.col(S.TIME).max().alias("end_time_s"),
        *[pl.col(out).sum() for out in counters.values()], pl.col("_temp").max().alias("max_temperature_C"),
    ).sort("cycle")
    qc, qd = pl.col("charge_capacity_Ah"), pl.col("discharge_capacity_Ah")
    table = table.with_columns(
        (pl.col("end_time_s") - pl.col("duration_s")).alias("start_time_s"),
        pl.when(qc > 0).then(qd / qc).otherwise(None).alias("coulombic_efficiency"),
        pl.when(qc > 0).then(pl.col("charge_energy_Wh") / qc).otherwise(None).alias("mean_charge_voltage_V"),
        pl.when(qd > 0).then(pl.col("discharge_energy_Wh") / qd).otherwise(None).alias("mean_discharge_voltage_V"),
    )
    return table.select(CYCLE_COLUMNS)


def cycle_gaps(cycles: pl.Series) -> list[str]:
    """Warnings for cycle numbers that jump (a cycle missing from the file)."""
    values = cycles.unique().sort().to_list()
    warnings = []
    for before, after in zip(values, values[1:]):
        if after - before > 1:
            missing = f"cycle {before + 1}" if after - before == 2 else f"cycles {before + 1}–{after - 1}"
            warnings.append(f"cycle numbers jump from {before} to {after} ({missing} missing from the file)")
    return warnings


@dataclass
class Summary:
    """What ``cellbench summarize`` prints: the cycle table, optionally the step table, and warnings."""

    cycles: pl.DataFrame
    warnings: list[str] = field(default_factory=list)
    steps: pl.DataFrame | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cycles": self.cycles.to_dicts(), "warnings": self.warnings}
        if self.steps is not None:
            out["steps"] = self.steps.to_dicts()
        return out


def summarize(measurement: Measurement, *, steps: bool = False) -> Summary:
    """Cycle table, warnings (cycle gaps, pauses, the reader's assumptions) and, if asked, the step table."""
    cycles = cycle_table(measurement)
    warnings = cycle_gaps(cycles["cycle"])
    extra = measurement.metadata.extra
    for pause in extra.get("pauses", []):
        warnings.append(f"channel paused for {pause['paused_s']} s at test time {pause['at_test_time_s']} s")
    warnings.extend(extra.get("warnings", []))
    return Summary(cycles=cycles, warnings=warnings, steps=step_table(measurement) if steps else None)
