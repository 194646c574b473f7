"""Plotly figures of a test, for the web test page and `Measurement.plot`: voltage–capacity per cycle, capacity
fade, dQ/dV.

Figures go to the browser as JSON (``fig.to_plotly_json()``); plotly.js is served from the installed plotly
package, so the pages work offline. Long tests are thinned to at most ``MAX_POINTS_PER_CURVE`` points a curve
(the browser draws thousands of points per cycle no better than hundreds). Traces are SVG ``scatter``, not WebGL:
at these sizes SVG is quick, and WebGL traces compile code at run time, which the pages' CSP (no ``eval``) forbids.

>>> import polars as pl
>>> from cellbench.measurements import Measurement
>>> m = Measurement(pl.DataFrame({"test_time_second": [0., 1800., 3600., 3601., 5400., 7201.],
...     "voltage_volt": [3.0, 3.8, 4.2, 4.2, 3.6, 3.0], "current_ampere": [1.0, 1.0, 1.0, -1.0, -1.0, -1.0]}))
>>> [round(q, 3) for q in capacity_fade(m)["y"]]
[1.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from cellbench.measurements import schema as S
from cellbench.measurements.columns import add_cumulative_columns
from cellbench.measurements.cycles import cycle_numbers, cycle_table
from cellbench.measurements.differential import dqdv

if TYPE_CHECKING:  # Measurement's methods call these functions: measurement.py imports this module, not the reverse
    from cellbench.measurements.measurement import Measurement

MAX_POINTS_PER_CURVE = 400
MAX_CYCLES_DRAWN = 30


def _thin(frame: pl.DataFrame, limit: int = MAX_POINTS_PER_CURVE) -> pl.DataFrame:
    step = max(1, frame.height // limit)
    return frame.gather_every(step)


def _drawn_cycles(cycles: list[int]) -> list[int]:
    """Every cycle of a short test; an even spread (first and last included) of a long one."""
    if len(cycles) <= MAX_CYCLES_DRAWN:
        return cycles
    picks = {cycles[round(k * (len(cycles) - 1) / (MAX_CYCLES_DRAWN - 1))] for k in range(MAX_CYCLES_DRAWN)}
    return sorted(picks)


def voltage_capacity(measurement: Measurement) -> list[dict[str, Any]]:
    """One trace per cycle: voltage against the capacity moved within that cycle's charge or discharge."""
    data = add_cumulative_columns(measurement.data).with_columns(cycle_numbers(measurement).alias("_cycle"))
    traces = []
    for cycle in _drawn_cycles(sorted(data["_cycle"].drop_nulls().unique().to_list())):
        rows = data.filter(pl.col("_cycle") == cycle)
        for counter, label in ((S.CHARGE_CAPACITY, "charge"), (S.DISCHARGE_CAPACITY, "discharge")):
            moving = rows.filter(pl.col(counter).diff().fill_null(0) > 0)
            if moving.height < 2:
                continue
            moving = _thin(moving)
            q = moving[counter] - moving[counter].min()
            traces.append({"type": "scatter", "mode": "lines", "name": f"cycle {cycle} {label}",
                           "x": q.to_list(), "y": moving[S.VOLTAGE].to_list()})
    return traces


def capacity_fade(measurement: Measurement) -> dict[str, Any]:
    """Discharge capacity per cycle (cycles that discharged at all)."""
    table = cycle_table(measurement).filter(pl.col("discharge_capacity_Ah") > 0)
    return {"type": "scatter", "mode": "lines+markers", "name": "discharge capacity",
            "x": table["cycle"].to_list(), "y": table["discharge_capacity_Ah"].to_list()}


def dqdv_traces(measurement: Measurement) -> list[dict[str, Any]]:
    try:
        curves = dqdv(measurement)
    except Exception:  # a test without clean charge/discharge steps has no dQ/dV; the page says so
        return []
    traces = []
    keys = curves.select("cycle", "step_number", "step_type").unique(maintain_order=True).rows()
    for cycle, step, step_type in keys[:2 * MAX_CYCLES_DRAWN]:
        part = _thin(curves.filter(pl.col("cycle").eq_missing(cycle) & pl.col("step_number").eq_missing(step)))
        traces.append({"type": "scatter", "mode": "lines", "name": f"cycle {cycle} {step_type} (step {step})",
                       "x": part["voltage_V"].to_list(), "y": part["dqdv_Ah_per_V"].to_list()})
    return traces


def _layout(title: str, x: str, y: str) -> dict[str, Any]:
    # plotly.js 3 takes titles as {"text": ...} objects only
    return {"title": {"text": title}, "xaxis": {"title": {"text": x}}, "yaxis": {"title": {"text": y}}}


def test_figures(measurement: Measurement) -> dict[str, dict[str, Any]]:
    """The three figures of the test page, as Plotly JSON (data + layout)."""
    return {
        "voltage_capacity": {"data": voltage_capacity(measurement),
                             "layout": _layout("Voltage against capacity, per cycle", "capacity in the step (Ah)",
                                               "voltage (V)")},
        "capacity_fade": {"data": [capacity_fade(measurement)],
                          "layout": _layout("Capacity fade", "cycle", "discharge capacity (Ah)")},
        "dqdv": {"data": dqdv_traces(measurement),
                 "layout": _layout("Differential capacity dQ/dV", "voltage (V)", "dQ/dV (Ah/V)")},
    }


test_figures.__test__ = False  # not a pytest test
