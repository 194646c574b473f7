"""Cycle numbers, the per-cycle table and the summary, importable from here as before.

The code lives in :mod:`cellbench.measurements.cycles`, beside the
Measurement whose methods call it, so that the two packages import one way (analysis → measurements)."""

from cellbench.measurements.cycles import (  # noqa: F401 (re-exported)
    CYCLE_COLUMNS, cycle_numbers, cycle_table, cycle_gaps, Summary, summarize,
)

__all__ = ["CYCLE_COLUMNS", "cycle_numbers", "cycle_table", "cycle_gaps", "Summary", "summarize"]
