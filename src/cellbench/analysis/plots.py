"""The Plotly figures of a test, importable from here as before.

The code lives in :mod:`cellbench.measurements.plots`, beside the
Measurement whose methods call it, so that the two packages import one way (analysis → measurements)."""

from cellbench.measurements.plots import (  # noqa: F401 (re-exported)
    MAX_POINTS_PER_CURVE, MAX_CYCLES_DRAWN, voltage_capacity, capacity_fade, dqdv_traces, test_figures,
)

__all__ = ["MAX_POINTS_PER_CURVE", "MAX_CYCLES_DRAWN", "voltage_capacity", "capacity_fade", "dqdv_traces",
           "test_figures"]
