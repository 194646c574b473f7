"""Analysis of Measurements, simulated or measured alike: steps, cycles, dQ/dV, DC-IR, lot statistics.

>>> from cellbench.measurements import read
>>> from cellbench.analysis import summarize
>>> summarize(read("neware_uio.csv")).cycles["discharge_capacity_Ah"]  # needs a cycler file of yours  # doctest: +SKIP
"""

from cellbench.analysis.cycles import Summary, cycle_gaps, cycle_numbers, cycle_table, summarize
from cellbench.analysis.differential import dqdv, dvdq
from cellbench.analysis.lots import LotReport, lot_statistics, rest_voltage_decay_mV_per_h
from cellbench.analysis.resistance import pulse_power, pulse_resistance
from cellbench.analysis.steps import step_numbers, step_table

__all__ = ["Summary", "cycle_gaps", "cycle_numbers", "cycle_table", "summarize", "dqdv", "dvdq", "LotReport",
           "lot_statistics", "rest_voltage_decay_mV_per_h", "pulse_power", "pulse_resistance", "step_numbers",
           "step_table"]
