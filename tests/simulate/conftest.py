"""Shared, session-scoped cells: each model structure is built once for the whole test session."""

import pytest

from cellbench import cells
from cellbench.simulate import to_pybamm


@pytest.fixture(scope="session")
def std21_design():
    return cells.load("std-2.1")


@pytest.fixture(scope="session")
def std21(std21_design):
    return to_pybamm(std21_design)


@pytest.fixture(scope="session")
def lgm50():
    return to_pybamm(cells.load("lg-m50"))
