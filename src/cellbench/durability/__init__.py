"""Durability: the degradation-factor map, diagnosis of aged cells, accelerated-test design, ageing, EIS.

>>> from cellbench.durability import load_map, diagnose
>>> load_map().version
'1.0'

- :func:`load_map` / :func:`rank` the degradation-factor map (data) and mechanisms ranked by symptoms;
- :class:`ElectrodeBalance` / :func:`fit_balance` electrode capacities and lithium inventory from a low-rate curve;
- :func:`diagnose` LLI, LAM per electrode, resistance growth and ranked mechanisms from check-up data.
"""

from cellbench.durability.degradation_map import DegradationMap, Mechanism, load_map, rank
from cellbench.durability.diagnosis import Diagnosis, diagnose, missing_steps
from cellbench.durability.electrode_balance import ElectrodeBalance, fit_balance

__all__ = ["DegradationMap", "Mechanism", "load_map", "rank", "Diagnosis", "diagnose", "missing_steps",
           "ElectrodeBalance", "fit_balance"]
