"""Durability: the degradation-factor map, diagnosis of aged cells, accelerated-test design, ageing, EIS.

>>> from cellbench.durability import load_map, diagnose
>>> load_map().version
'1.0'

- :func:`load_map` / :func:`rank` the degradation-factor map (data) and mechanisms ranked by symptoms;
- :class:`ElectrodeBalance` / :func:`fit_balance` electrode capacities and lithium inventory from a low-rate curve;
- :func:`diagnose` LLI, LAM per electrode, resistance growth and ranked mechanisms from check-up data;
- :func:`fit_acceleration` / :func:`plan_tests` Arrhenius (+ SOC, C-rate) stress fits, predictions with a band, plans;
- :func:`load_laws` / :func:`age` empirical ageing laws per mechanism; :func:`aged_cell` / :func:`ageing_test` on the
  virtual cycler;
- :func:`read_spectrum` / :func:`fit_spectrum` / :func:`track_resistances` impedance spectra and their arcs;
- :func:`delta_q_features` / :class:`EarlyLifeModel` / :func:`simulated_cohort` early-life prediction (ΔQ(V)).
"""

from cellbench.durability.acceleration import AgeingData, fit_acceleration, plan_tests
from cellbench.durability.ageing import AgeingState, Cycling, Storage, age, aged_cell, ageing_test, load_laws
from cellbench.durability.degradation_map import DegradationMap, Mechanism, load_map, rank
from cellbench.durability.diagnosis import Diagnosis, diagnose, missing_steps
from cellbench.durability.early_life import EarlyLifeModel, delta_q_features, simulated_cohort
from cellbench.durability.eis import Spectrum, fit_spectrum, read_spectrum, track_resistances
from cellbench.durability.electrode_balance import ElectrodeBalance, fit_balance

__all__ = ["DegradationMap", "Mechanism", "load_map", "rank", "Diagnosis", "diagnose", "missing_steps",
           "ElectrodeBalance", "fit_balance", "AgeingData", "fit_acceleration", "plan_tests", "AgeingState",
           "Cycling", "Storage", "age", "aged_cell", "ageing_test", "load_laws", "Spectrum", "fit_spectrum", "read_spectrum", "track_resistances",
           "EarlyLifeModel", "delta_q_features", "simulated_cohort"]
