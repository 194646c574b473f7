"""Canonical time series (Battery Data Format columns) for simulated and measured tests."""

from cellbench.measurements import schema
from cellbench.measurements.measurement import Measurement, MeasurementMetadata, add_cumulative_columns
from cellbench.measurements.readers import read

__all__ = ["Measurement", "MeasurementMetadata", "add_cumulative_columns", "schema", "read"]
