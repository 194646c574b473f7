"""Step detection and the per-step table, importable from here as before.

The code lives in :mod:`cellbench.measurements.steps`, beside the
Measurement whose methods call it, so that the two packages import one way (analysis → measurements)."""

from cellbench.measurements.steps import (  # noqa: F401 (re-exported)
    REST_FRACTION_OF_MAX, CV_VOLTAGE_BAND_V, CV_CURRENT_DROP, CV_TAPER_ONSET, rest_threshold_A, step_numbers,
    step_table,
)

__all__ = ["REST_FRACTION_OF_MAX", "CV_VOLTAGE_BAND_V", "CV_CURRENT_DROP", "CV_TAPER_ONSET", "rest_threshold_A",
           "step_numbers", "step_table"]
