"""Differential capacity (dQ/dV) and differential voltage (dV/dQ) of charge or discharge steps.

Smoothing, the same for measured and simulated curves:

1. Take each selected step's capacity Q (charge passed since the step began, Ah) and voltage V.
2. Resample onto a uniform grid — for dQ/dV a voltage grid of ``voltage_step_V`` (default 5 mV),
   for dV/dQ a capacity grid of ``capacity_points`` points — by linear interpolation. Before
   resampling against voltage, V is made monotonic (running max on charge, running min on
   discharge), which removes sample-to-sample noise reversals that would make dQ/dV infinite.
3. Differentiate with second-order central differences (``numpy.gradient``).
4. Smooth with a Savitzky–Golay filter (``window`` points, default 9, polynomial order 2), which keeps
   peak positions and heights better than a moving average of the same width.

dQ/dV is reported as a positive number (Ah/V) for charge and discharge alike; dV/dQ in V/Ah.

>>> import numpy as np, polars as pl
>>> from cellbench.measurements import Measurement
>>> t = np.linspace(0, 3600, 721)
>>> m = Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": 3.0 + 1.0 * t / 3600,
...                               "current_ampere": np.full_like(t, 2.0)}))
>>> round(float(dqdv(m)["dqdv_Ah_per_V"].median()), 2)   # 2 Ah over 1 V
2.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from scipy.signal import savgol_filter

from cellbench.measurements import schema as S
from cellbench.measurements.columns import add_cumulative_columns
from cellbench.measurements.steps import step_table

if TYPE_CHECKING:  # Measurement's methods call these functions: measurement.py imports this module, not the reverse
    from cellbench.measurements.measurement import Measurement


def _selected_steps(measurement: Measurement, step_type: str | None, cycle: int | None,
                    step_number: int | None) -> pl.DataFrame:
    steps = step_table(measurement).filter(pl.col("step_type").is_in(["charge", "discharge"]))
    if step_type is not None:
        steps = steps.filter(pl.col("step_type") == step_type)
    if cycle is not None:
        steps = steps.filter(pl.col("cycle") == cycle)
    if step_number is not None:
        steps = steps.filter(pl.col("step_number") == step_number)
    return steps


def _step_curve(data: pl.DataFrame, step: dict) -> tuple[np.ndarray, np.ndarray]:
    rows = data.slice(step["first_row"], step["last_row"] - step["first_row"] + 1)
    counter = S.CHARGE_CAPACITY if step["step_type"] == "charge" else S.DISCHARGE_CAPACITY
    q = rows[counter].to_numpy()
    return q - q[0], rows[S.VOLTAGE].to_numpy()


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    if len(values) < 5:
        return values
    window = min(window, len(values) - (1 - len(values) % 2))
    window = window if window % 2 else window - 1
    return savgol_filter(values, window, 2) if window >= 3 else values


def dqdv(measurement: Measurement, *, step_type: str | None = None, cycle: int | None = None,
         step_number: int | None = None, voltage_step_V: float = 0.005, window: int = 9) -> pl.DataFrame:
    """dQ/dV per charge/discharge step. Columns: cycle, step_number, step_type, voltage_V, dqdv_Ah_per_V."""
    data = add_cumulative_columns(measurement.data)
    out = []
    for step in _selected_steps(measurement, step_type, cycle, step_number).iter_rows(named=True):
        q, v = _step_curve(data, step)
        charge = step["step_type"] == "charge"
        v = np.maximum.accumulate(v) if charge else np.minimum.accumulate(v)
        order = np.argsort(v, kind="stable")
        v_sorted, q_sorted = v[order], q[order]
        v_unique, idx = np.unique(v_sorted, return_index=True)
        if len(v_unique) < 3:
            continue
        grid = np.arange(v_unique[0], v_unique[-1], voltage_step_V)
        if len(grid) < 3:
            continue
        q_grid = np.interp(grid, v_unique, q_sorted[idx])
        derivative = np.abs(_smooth(np.gradient(q_grid, grid), window))
        out.append(pl.DataFrame({"cycle": step["cycle"], "step_number": step["step_number"],
                                 "step_type": step["step_type"], "voltage_V": grid, "dqdv_Ah_per_V": derivative}))
    return pl.concat(out) if out else pl.DataFrame(schema={"cycle": pl.Int64, "step_number": pl.Int64,
                                                           "step_type": pl.Utf8, "voltage_V": pl.Float64,
                                                           "dqdv_Ah_per_V": pl.Float64})


def dvdq(measurement: Measurement, *, step_type: str | None = None, cycle: int | None = None,
         step_number: int | None = None, capacity_points: int = 200, window: int = 9) -> pl.DataFrame:
    """dV/dQ per charge/discharge step. Columns: cycle, step_number, step_type, capacity_Ah, dvdq_V_per_Ah."""
    data = add_cumulative_columns(measurement.data)
    out = []
    for step in _selected_steps(measurement, step_type, cycle, step_number).iter_rows(named=True):
        q, v = _step_curve(data, step)
        q_unique, idx = np.unique(q, return_index=True)
        if len(q_unique) < 3:
            continue
        grid = np.linspace(q_unique[0], q_unique[-1], capacity_points)
        v_grid = np.interp(grid, q_unique, v[idx])
        derivative = _smooth(np.gradient(v_grid, grid), window)
        out.append(pl.DataFrame({"cycle": step["cycle"], "step_number": step["step_number"],
                                 "step_type": step["step_type"], "capacity_Ah": grid, "dvdq_V_per_Ah": derivative}))
    return pl.concat(out) if out else pl.DataFrame(schema={"cycle": pl.Int64, "step_number": pl.Int64,
                                                           "step_type": pl.Utf8, "capacity_Ah": pl.Float64,
                                                           "dvdq_V_per_Ah": pl.Float64})
