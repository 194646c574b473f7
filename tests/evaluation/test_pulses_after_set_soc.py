"""Time runs on across 'Set SOC' steps, so the IEC power item finds all three pulses (regression)."""

import pytest

from cellbench import cells
from cellbench.analysis import metrics
from cellbench.simulate import simulate

PULSES = ("Set SOC to 80%; Rest for 10 s; Discharge at 2C for 10 s; Set SOC to 50%; Rest for 10 s; "
          "Discharge at 2C for 10 s; Set SOC to 20%; Rest for 10 s; Discharge at 2C for 10 s")


@pytest.mark.slow
def test_three_pulses_at_three_socs():
    m = simulate(cells.load("std-2.1"), PULSES, thermal="isothermal")
    t = m.data["test_time_second"].to_numpy()
    assert (t[1:] >= t[:-1]).all()
    r = [metrics.pulse_resistance(m, occurrence=k).value for k in range(3)]
    assert all(x > 0 for x in r)
    # OCV is lower at low SOC, so the voltage under the same current is too
    power = [metrics.pulse_power(m, occurrence=k).value for k in range(3)]
    assert power[0] > power[1] > power[2]
