"""The virtual cycler: a cell design and a protocol in, a canonical Measurement out (PyBaMM inside).

>>> from cellbench.simulate import simulate
>>> m = simulate("std-2.1", "Set SOC to 100%; Discharge at 1C until Vmin", thermal="isothermal")  # PyBaMM, seconds  # doctest: +SKIP

- :func:`simulate` one run; :func:`simulate_many` parallel runs with time limits;
- :func:`to_pybamm` a CellDesign as PyBaMM parameters (liquid and all-solid-state);
- :func:`step_summary` per-step capacity, energy, end voltage, max temperature;
- :func:`read_bpx` / :func:`write_bpx` Battery Parameter eXchange files.
"""

from cellbench.simulate.batch import simulate_many
from cellbench.simulate.design_to_pybamm import OVERRIDES, to_pybamm
from cellbench.simulate.pybamm_cell import PybammCell
from cellbench.simulate.runner import run_protocol
from cellbench.simulate.virtual_cycler import simulate

__all__ = ["OVERRIDES", "PybammCell", "run_protocol", "simulate", "simulate_many", "to_pybamm"]
