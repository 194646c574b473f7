"""Social-system scenarios: xEV adoption, all-solid-state share, battery revenue, CO₂, recycling, chargers.

The SOLiD-EV programme's item ② as a calculator (``docs/scenarios.md``):

>>> from cellbench import scenarios
>>> rows = scenarios.run_file("examples/scenarios/outcome.yaml")        # from the repository's root
>>> [round(r["assb_battery_revenue_billion_yen"]) for r in rows if r["year"] == 2035]
[272]
"""

from cellbench.scenarios.calculator import QUANTITIES, run_scenario
from cellbench.scenarios.impacts import RecoveryRates
from cellbench.scenarios.loading import load_scenario
from cellbench.scenarios.spec import Scenario


def run_file(path, **options):
    """Load a scenario file and run it (see :func:`run_scenario` for the options)."""
    return run_scenario(load_scenario(path), **options)


__all__ = ["Scenario", "load_scenario", "run_scenario", "run_file", "QUANTITIES", "RecoveryRates"]
