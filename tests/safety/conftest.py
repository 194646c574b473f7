"""Shared fixtures: simulated ARC runs are computed once per session (about a second each)."""

from __future__ import annotations

import pytest

from cellbench.safety import load_chemistry, simulate_heat_wait_search


@pytest.fixture(scope="session")
def liquid_arc_run():
    return simulate_heat_wait_search(load_chemistry("liquid_lco_graphite"), start_C=60.0)


@pytest.fixture(scope="session")
def assb_arc_run():
    return simulate_heat_wait_search(load_chemistry("sulfide_assb_ncm_graphite"), start_C=110.0)
