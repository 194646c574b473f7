"""IEC metrics on hand-made Measurements (hand calculations) and on a real cycler file."""

import polars as pl
import pytest
from real_data import real_file

from cellbench.analysis import metrics
from cellbench.measurements import Measurement


def cc_cycle():
    # rest 60 s at 3.7 V; charge 1 A for 3600 s from 3.5 to 4.1 V; rest; discharge 2 A for 1800 s from 4.0 to 3.2 V
    t = [0.0, 60.0, 60.001, 3660.0, 3660.001, 3720.0, 3720.001, 5520.0]
    v = [3.7, 3.7, 3.5, 4.1, 4.05, 4.05, 4.0, 3.2]
    i = [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, -2.0, -2.0]
    step = [1, 1, 2, 2, 3, 3, 4, 4]
    return Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": v, "current_ampere": i, "step_index": step}))


def test_capacity_energy_and_mean_voltage_by_hand():
    m = cc_cycle()
    assert metrics.discharge_capacity(m).value == pytest.approx(2 * 1800 / 3600, rel=1e-3)
    assert metrics.charge_capacity(m).value == pytest.approx(1.0, rel=1e-3)
    # linear voltage 4.0 -> 3.2 V at 2 A for 0.5 h: energy = 1 Ah x 3.6 V
    assert metrics.discharge_energy(m).value == pytest.approx(3.6, rel=1e-3)
    assert metrics.mean_discharge_voltage(m).value == pytest.approx(3.6, rel=1e-3)
    # charge energy 1 Ah x 3.8 V; efficiency 3.6 / 3.8
    assert metrics.energy_efficiency(m).value == pytest.approx(100 * 3.6 / 3.8, rel=2e-3)


def test_pulse_resistance_and_power_by_hand():
    # rest at 3.70 V, then a 2 A discharge pulse: 3.60 V at 10 s
    m = Measurement(pl.DataFrame({"test_time_second": [0.0, 10.0, 10.001, 20.001, 30.0],
                                  "voltage_volt": [3.70, 3.70, 3.62, 3.60, 3.59],
                                  "current_ampere": [0.0, 0.0, -2.0, -2.0, -2.0]}))
    r = metrics.pulse_resistance(m, pulse_s=10.0)
    assert r.value == pytest.approx(0.10 / 2.0, rel=1e-3)
    assert r.unit == "Ohm"
    assert metrics.pulse_power(m, pulse_s=10.0).value == pytest.approx(3.60 * 2.0, rel=1e-3)
    with pytest.raises(Exception, match="pulse number 3"):
        metrics.pulse_resistance(m, occurrence=3)


def test_charge_time_and_charged_fraction_by_hand():
    m = cc_cycle()
    # 1 A into a 1.25 Ah cell: 80% is 1.0 Ah, reached at the end of the 3600 s charge
    assert metrics.charge_time_to(m, capacity_Ah=1.25, fraction=0.8).value == pytest.approx(3600, rel=1e-3)
    assert metrics.charge_time_to(m, capacity_Ah=1.0, fraction=0.5).value == pytest.approx(1800, rel=1e-3)
    assert metrics.charged_fraction(m, capacity_Ah=2.0, within_s=1800).value == pytest.approx(25.0, rel=1e-3)


def test_capacity_of_a_real_maccor_file_matches_its_counter():
    from cellbench.measurements import read

    m = read(real_file("maccor_002.txt"))
    value = metrics.discharge_capacity(m).value
    steps = metrics.step_segments(m)
    last = steps.filter(pl.col("kind") == "discharge").row(-1, named=True)
    assert value == pytest.approx(last["discharge_capacity_Ah"], rel=1e-9)
    assert value > 0
