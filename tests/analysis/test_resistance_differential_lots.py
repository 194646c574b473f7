"""DC-IR, dQ/dV and lot statistics against hand calculations."""

import numpy as np
import polars as pl
import pytest

from cellbench.analysis import dqdv, dvdq, lot_statistics, pulse_power, pulse_resistance, rest_voltage_decay_mV_per_h
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S


def hppc(r_ohm=0.05, ocv=3.7, pulse_A=-10.0, charge_A=7.5):
    """Rest 60 s; discharge pulse 30 s; rest 60 s; charge pulse 30 s; rest — a cell with ohmic R and a
    slow polarisation of 1 mV/s during each pulse (so the 10 s value differs from the instant one)."""
    t = np.arange(0, 241, 1.0)
    i = np.zeros_like(t)
    i[(t > 60) & (t <= 90)] = pulse_A
    i[(t > 150) & (t <= 180)] = charge_A
    v = np.full_like(t, ocv) + i * r_ohm
    in_dis = (t > 60) & (t <= 90)
    in_chg = (t > 150) & (t <= 180)
    v[in_dis] -= 0.001 * (t[in_dis] - 60)
    v[in_chg] += 0.001 * (t[in_chg] - 150)
    return Measurement(pl.DataFrame({S.TIME: t, S.VOLTAGE: v, S.CURRENT: i}))


def test_pulse_resistance_at_10_s():
    table = pulse_resistance(hppc(), after_s=10.0)
    assert table["direction"].to_list() == ["discharge", "charge"]
    # discharge: ΔV = −0.5 V ohmic − 0.010 V polarisation over ΔI = −10 A → 0.051 Ω
    assert table["resistance_ohm"][0] == pytest.approx(0.051, rel=1e-9)
    # charge: ΔV = 0.375 + 0.010 over 7.5 A
    assert table["resistance_ohm"][1] == pytest.approx(0.385 / 7.5, rel=1e-9)
    assert table["voltage_before_V"].to_list() == pytest.approx([3.7, 3.7])


def test_pulse_power_hppc_formula():
    table = pulse_power(hppc(), voltage_min_V=2.5, voltage_max_V=4.2, after_s=10.0)
    assert table["power_capability_W"][0] == pytest.approx(2.5 * (3.7 - 2.5) / 0.051)
    assert table["power_capability_W"][1] == pytest.approx(4.2 * (4.2 - 3.7) / (0.385 / 7.5))


def test_pulse_shorter_than_after_s_is_skipped():
    assert pulse_resistance(hppc(), after_s=45.0).height == 0


def test_dqdv_peak_position_and_flank():
    # Q(V) = 1.25·(V − 3.4) + 0.25·(1 + tanh((V − 3.6)/0.01)): dQ/dV = 1.25 + 25·sech²(…), peak 26.25 Ah/V at 3.6 V
    v = np.linspace(3.4, 3.8, 4001)
    q = 1.25 * (v - 3.4) + 0.25 * (1 + np.tanh((v - 3.6) / 0.01))
    q -= q[0]
    m = Measurement(pl.DataFrame({S.TIME: q * 3600.0, S.VOLTAGE: v, S.CURRENT: np.ones_like(v)}))
    curve = dqdv(m, voltage_step_V=0.002)
    peak = curve.sort("dqdv_Ah_per_V", descending=True).row(0, named=True)
    assert peak["voltage_V"] == pytest.approx(3.6, abs=0.003)
    flank = curve.filter((pl.col("voltage_V") - 3.48).abs() < 0.003)["dqdv_Ah_per_V"].mean()
    assert flank == pytest.approx(1.25, rel=0.02)
    # dV/dQ on the flank is the inverse: 0.8 V/Ah
    dv = dvdq(m, capacity_points=400)
    assert dv.filter((pl.col("capacity_Ah") - 0.05).abs() < 0.01)["dvdq_V_per_Ah"].mean() == pytest.approx(0.8, rel=0.02)


def test_lot_yield_spread_and_micro_short():
    lot = pl.DataFrame({"cell_id": [f"c{k}" for k in range(8)],
                        "capacity_Ah": [5.00, 5.05, 4.95, 5.10, 4.80, 5.02, 4.98, 5.00],
                        "decay_mV_per_h": [0.20, 0.25, 0.22, 0.18, 0.21, 6.0, 0.19, 0.23]})
    report = lot_statistics(lot)
    table = report.table
    assert report.median_capacity_Ah == pytest.approx(5.0)
    assert report.spread_percent == pytest.approx((5.10 - 4.80) / 5.0 * 100)
    assert table.filter(~pl.col("within_spec"))["cell_id"].to_list() == ["c4"]          # −4 %
    assert table.filter(pl.col("micro_short_suspected"))["cell_id"].to_list() == ["c5"]
    assert report.yield_fraction == pytest.approx(6 / 8)


def test_rest_voltage_decay_rate():
    t = np.arange(0, 7201, 60.0)
    v = 4.0 - 0.005 * t / 3600 - 0.01 * np.exp(-t / 300)       # 5 mV/h after relaxation
    m = Measurement(pl.DataFrame({S.TIME: t, S.VOLTAGE: v, S.CURRENT: np.zeros_like(t)}))
    assert rest_voltage_decay_mV_per_h(m) == pytest.approx(5.0, rel=0.02)
