"""A measured discharge starts from the state its rested voltage shows (runs without the real data)."""

from __future__ import annotations

import numpy as np
import pytest

from cellbench.calibration.discharges import MeasuredDischarge
from cellbench.calibration.fit import DischargeModel, start_cell
from cellbench.errors import InputError


@pytest.fixture(scope="module")
def cell():
    return start_cell("lg-m50")[0]


def _test(rested_V: float | None, capacity_Ah: float, current_A: float = 0.5) -> MeasuredDischarge:
    seconds = capacity_Ah / current_A * 3600.0
    return MeasuredDischarge("t.csv", "", current_A, 25.0, np.array([0.0, seconds]), np.array([3.6, 2.5]),
                             np.array([0.0, current_A]), None, 2.5, rested_V)


def test_open_circuit_voltage_and_soc_are_inverse(cell):
    soc = np.array([0.1, 0.5, 0.9, 0.99])
    ocv = cell.open_circuit_voltage(soc)
    assert np.all(np.diff(ocv) > 0) and 2.5 < ocv[0] < ocv[-1] < 4.25
    assert [cell.soc_at_voltage(v) for v in ocv] == pytest.approx(soc, abs=1e-3)
    # beyond the window: clipped to the defined full and empty states
    assert cell.soc_at_voltage(5.0) == 1.0 and cell.soc_at_voltage(1.0) == 0.0


def test_initial_soc_from_the_rested_voltage(cell):
    model = DischargeModel(cell)
    at_90 = float(cell.open_circuit_voltage(0.9)[0])
    assert model.initial_soc(_test(at_90, 3.0)) == pytest.approx(0.9, abs=1e-3)
    # no rested sample, or --start full: from 100 %
    assert model.initial_soc(_test(None, 3.0)) == 1.0
    assert DischargeModel(cell, initial_state="full").initial_soc(_test(at_90, 3.0)) == 1.0
    # a "rested" voltage that could not hold the charge the test delivered was logged under load: from 100 %
    delivered = 0.9 * cell.nominal_capacity_Ah * 1.06
    assert model.initial_soc(_test(at_90, delivered)) == 1.0


def test_unknown_start_is_named(cell):
    with pytest.raises(InputError, match="--start.*rested or full"):
        DischargeModel(cell, initial_state="half")


@pytest.mark.slow
def test_a_cell_resting_at_80_percent_delivers_what_lies_above_empty(cell):
    """From the rested voltage of 80 % SOC a discharge delivers 0.2 x the cell's 0-100 % charge less than from full
    (by hand: the positive electrode's lithium between its 80 % and 100 % stoichiometries; the end-of-discharge
    losses are the same from both starts)."""
    pv = cell.parameter_values
    y0, y100 = cell.stoichiometry_0_100["positive"]
    area_m2 = (pv["Electrode width [m]"] * pv["Electrode height [m]"]
               * pv["Number of electrodes connected in parallel to make a cell"])
    q100_Ah = ((y0 - y100) * pv["Maximum concentration in positive electrode [mol.m-3]"]
               * pv["Positive electrode active material volume fraction"] * pv["Positive electrode thickness [m]"]
               * area_m2 * 96485.33212 / 3600.0)
    model = DischargeModel(cell)
    full = model.run(_test(None, 4.0), {})
    part = model.run(_test(float(cell.open_circuit_voltage(0.8)[0]), 3.5), {})
    assert part.initial_soc == pytest.approx(0.8, abs=1e-3) and full.initial_soc == 1.0
    assert full.capacity_Ah - part.capacity_Ah == pytest.approx(0.2 * q100_Ah, rel=0.005)
