"""The virtual cycler: a cell design and a protocol in, a canonical Measurement out (PyBaMM inside)."""

from cellbench.simulate.pybamm_cell import PybammCell
from cellbench.simulate.runner import run_protocol

__all__ = ["PybammCell", "run_protocol"]
