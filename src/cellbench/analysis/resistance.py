"""DC internal resistance and pulse power from current steps (HPPC-style pulses).

Stable interface (IEC 62660-1 metrics build on it)::

    pulse_resistance(measurement, *, after_s=10.0, max_pulse_s=None, min_current_change_A=None,
                     step_numbers=None) -> polars.DataFrame
    pulse_power(measurement, *, voltage_min_V, voltage_max_V, after_s=10.0, ...) -> polars.DataFrame

A pulse is a charge or discharge step whose current differs from the step before by at least
``min_current_change_A`` (default: 10 % of the test's largest |current|) and that lasts at least
``after_s`` (and at most ``max_pulse_s`` when given). For each pulse::

    R_DC = (V(t0 + after_s) − V_before) / (I(t0 + after_s) − I_before)

with t0 the step's start (the previous step's last sample), V_before and I_before the previous
step's last sample, and V, I at t0 + after_s linearly interpolated between samples. With BDF signs
(discharge current negative) R_DC is positive for both directions.

Columns: ``step_number, cycle, direction, start_time_s, after_s, current_before_A, current_A,
voltage_before_V, voltage_V, delta_current_A, delta_voltage_V, resistance_ohm``.

>>> import polars as pl
>>> from cellbench.measurements import Measurement
>>> m = Measurement(pl.DataFrame({"test_time_second": [0., 10., 11., 20., 21.],
...     "voltage_volt": [3.70, 3.70, 3.60, 3.58, 3.68], "current_ampere": [0., 0., -2., -2., 0.]}))
>>> round(pulse_resistance(m, after_s=10.0)["resistance_ohm"][0], 3)
0.06
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cellbench.analysis.steps import step_table
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S

RESISTANCE_COLUMNS = ["step_number", "cycle", "direction", "start_time_s", "after_s", "current_before_A",
                      "current_A", "voltage_before_V", "voltage_V", "delta_current_A", "delta_voltage_V",
                      "resistance_ohm"]


def pulse_resistance(measurement: Measurement, *, after_s: float = 10.0, max_pulse_s: float | None = None,
                     min_current_change_A: float | None = None, step_numbers: list[int] | None = None
                     ) -> pl.DataFrame:
    """DC-IR of every current pulse (see module docstring)."""
    data = measurement.data
    steps = step_table(measurement)
    if min_current_change_A is None:
        peak = data.select(pl.col(S.CURRENT).abs().max()).item() or 0.0
        min_current_change_A = 0.1 * peak
    t = data[S.TIME].to_numpy()
    v = data[S.VOLTAGE].to_numpy()
    i = data[S.CURRENT].to_numpy()
    rows = []
    previous = None
    for step in steps.iter_rows(named=True):
        before, previous = previous, step
        if before is None or step["step_type"] == "rest":
            continue
        if step_numbers is not None and step["step_number"] not in step_numbers:
            continue
        last_before = before["last_row"]
        i_before, v_before = float(i[last_before]), float(v[last_before])
        first, last = step["first_row"], step["last_row"]
        t0 = float(t[last_before])
        if abs(float(i[first]) - i_before) < min_current_change_A:
            continue
        if t[last] - t0 < after_s - 1e-9 or (max_pulse_s is not None and t[last] - t0 > max_pulse_s):
            continue
        window = slice(last_before, last + 1)
        target = t0 + after_s
        v_at = float(np.interp(target, t[window], v[window]))
        i_at = float(np.interp(target, t[window], i[window]))
        # the interpolation between the step's boundary and its first sample must use the step's current
        if target < t[first]:
            i_at = float(i[first])
        delta_i = i_at - i_before
        delta_v = v_at - v_before
        rows.append({"step_number": step["step_number"], "cycle": step["cycle"],
                     "direction": "charge" if i_at > i_before else "discharge", "start_time_s": t0,
                     "after_s": after_s, "current_before_A": i_before, "current_A": i_at,
                     "voltage_before_V": v_before, "voltage_V": v_at, "delta_current_A": delta_i,
                     "delta_voltage_V": delta_v, "resistance_ohm": delta_v / delta_i if delta_i else None})
    schema = {"step_number": pl.Int64, "cycle": pl.Int64, "direction": pl.Utf8, "start_time_s": pl.Float64,
              "after_s": pl.Float64, "current_before_A": pl.Float64, "current_A": pl.Float64,
              "voltage_before_V": pl.Float64, "voltage_V": pl.Float64, "delta_current_A": pl.Float64,
              "delta_voltage_V": pl.Float64, "resistance_ohm": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def pulse_power(measurement: Measurement, *, voltage_min_V: float, voltage_max_V: float, after_s: float = 10.0,
                **pulse_options) -> pl.DataFrame:
    """Pulse power capability from each pulse's DC-IR (the HPPC method, USABC/FreedomCAR manual):

    discharge: P = V_min · (V_before − V_min) / R ;   charge: P = V_max · (V_max − V_before) / R

    V_before (the voltage before the pulse) stands in for the open-circuit voltage. Also reports the
    power actually drawn at ``after_s`` (V · |I|). Columns: those of :func:`pulse_resistance` plus
    ``power_capability_W`` and ``measured_power_W``.
    """
    table = pulse_resistance(measurement, after_s=after_s, **pulse_options)
    r = pl.col("resistance_ohm")
    ocv = pl.col("voltage_before_V")
    capability = (pl.when(pl.col("direction") == "discharge")
                  .then(voltage_min_V * (ocv - voltage_min_V) / r)
                  .otherwise(voltage_max_V * (voltage_max_V - ocv) / r))
    return table.with_columns(capability.alias("power_capability_W"),
                              (pl.col("voltage_V") * pl.col("current_A").abs()).alias("measured_power_W"))


__all__ = ["pulse_resistance", "pulse_power", "RESISTANCE_COLUMNS"]
