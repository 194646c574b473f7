"""Analysis of Measurements, simulated or measured alike: steps, cycles, dQ/dV, DC-IR, lot statistics.

>>> from cellbench.measurements import read
>>> from cellbench.analysis import summarize
>>> summarize(read("neware_uio.csv")).cycles["discharge_capacity_Ah"]     # doctest: +SKIP
"""

from cellbench.analysis.cycles import Summary, cycle_numbers, cycle_table, summarize
from cellbench.analysis.steps import step_numbers, step_table

__all__ = ["Summary", "cycle_numbers", "cycle_table", "summarize", "step_numbers", "step_table"]
