"""Step and cycle tables against hand calculations on synthetic tests, and on real files."""

import numpy as np
import polars as pl
import pytest
from real_data import real_file

from cellbench.analysis import cycle_table, step_table, summarize
from cellbench.measurements import Measurement, read
from cellbench.measurements import schema as S


def profile(segments, dt=10.0):
    """Build a test from (duration_s, current_A, v_start, v_end) segments, sampled every dt."""
    t, v, i = [], [], []
    now = 0.0
    for duration, current, v0, v1 in segments:
        n = int(round(duration / dt))
        for k in range(1, n + 1):
            t.append(now + k * dt)
            i.append(current)
            v.append(v0 + (v1 - v0) * k / n)
        now += duration
    return Measurement(pl.DataFrame({S.TIME: [0.0] + t, S.VOLTAGE: [segments[0][2]] + v,
                                     S.CURRENT: [0.0] + i}))


def cc_cv_test():
    """Rest 10 min; CC charge 1 A for 1 h 3.5→4.2 V; CV at 4.2 V, current 1 A → 0.1 A over 30 min;
    rest 10 min; CC discharge 2 A for 30 min 4.1→3.0 V; rest."""
    t = np.arange(0, 600, 10.0)
    rows = [(x, 3.5, 0.0) for x in t]
    for k in range(1, 361):
        rows.append((600 + 10 * k, 3.5 + 0.7 * k / 360, 1.0))
    for k in range(1, 181):
        rows.append((4200 + 10 * k, 4.2, 1.0 - 0.9 * k / 180))
    for k in range(1, 61):
        rows.append((6000 + 10 * k, 4.1, 0.0))
    for k in range(1, 181):
        rows.append((6600 + 10 * k, 4.1 - 1.1 * k / 180, -2.0))
    for k in range(1, 61):
        rows.append((8400 + 10 * k, 3.2, 0.0))
    frame = pl.DataFrame(rows, schema=[S.TIME, S.VOLTAGE, S.CURRENT], orient="row")
    return Measurement(frame)


def test_detected_steps_types_and_capacities():
    steps = step_table(cc_cv_test())
    assert steps["step_type"].to_list() == ["rest", "charge", "cv-hold", "rest", "discharge", "rest"]
    charge = steps.row(1, named=True)
    # 1 A for 3600 s; the first sample's trapezoid (0 → 1 A over 10 s) counts half
    # 1 A from t = 610 s to 4200 s, plus the trapezoid 0 → 1 A over the 20 s gap from the last rest sample
    assert charge["charge_capacity_Ah"] == pytest.approx((3590 + 10) / 3600, rel=1e-9)
    assert charge["start_time_s"] == pytest.approx(590.0)
    assert charge["end_voltage_V"] == pytest.approx(4.2)
    cv = steps.row(2, named=True)
    # CV taper 1 → 0.1 A linear over 1800 s: mean 0.55 A → 0.275 Ah
    assert cv["charge_capacity_Ah"] == pytest.approx(0.275, rel=2e-3)
    discharge = steps.row(4, named=True)
    assert discharge["discharge_capacity_Ah"] == pytest.approx((1790 + 5) * 2 / 3600, rel=1e-9)
    assert discharge["mean_current_A"] == pytest.approx(-2.0, rel=1e-2)
    assert steps["duration_s"].sum() == pytest.approx(9000.0 - 0.0)


def test_vendor_steps_used_when_recorded():
    m = Measurement(pl.DataFrame({S.TIME: [0., 1., 2., 3.], S.VOLTAGE: [3.0] * 4, S.CURRENT: [1., 1., 1., 1.],
                                  S.STEP: [1, 1, 2, 2]}))
    assert step_table(m)["step_index"].to_list() == [1, 2]


def test_detected_cycles_and_coulombic_efficiency():
    one_cycle = [(3600, 1.0, 3.5, 4.2), (600, 0.0, 4.2, 4.1), (3240, -1.0, 4.1, 3.0), (600, 0.0, 3.0, 3.1)]
    m = profile(one_cycle * 3)
    table = cycle_table(m)
    assert table["cycle"].to_list() == [1, 2, 3]
    # cycle 2: charge 1 Ah (3600 s × 1 A), discharge 0.9 Ah; the half-sample ramps between steps cancel out
    row = table.row(1, named=True)
    assert row["charge_capacity_Ah"] == pytest.approx(1.0, rel=2e-3)
    assert row["discharge_capacity_Ah"] == pytest.approx(0.9, rel=2e-3)
    assert row["coulombic_efficiency"] == pytest.approx(0.9, rel=3e-3)
    # linear 3.5→4.2 V at constant current: mean charge voltage 3.85 V
    assert row["mean_charge_voltage_V"] == pytest.approx(3.85, abs=2e-3)
    assert row["mean_discharge_voltage_V"] == pytest.approx(3.55, abs=2e-3)
    assert table["duration_s"].sum() == pytest.approx(m.data[S.TIME][-1])


def test_per_cycle_totals_add_up_to_test_totals():
    m = read(real_file("neware_uio.csv"))
    table = cycle_table(m)
    assert table["charge_capacity_Ah"].sum() == pytest.approx(m.data[S.CHARGE_CAPACITY][-1], rel=1e-12)
    assert table["discharge_energy_Wh"].sum() == pytest.approx(m.data[S.DISCHARGE_ENERGY][-1], rel=1e-12)


def test_summary_json_shape():
    summary = summarize(read(real_file("maccor_002.txt")), steps=True)
    out = summary.to_json()
    assert set(out) == {"cycles", "warnings", "steps"}
    first = out["cycles"][0]
    for key in ("cycle", "charge_capacity_Ah", "discharge_capacity_Ah", "charge_energy_Wh", "discharge_energy_Wh",
                "coulombic_efficiency", "mean_charge_voltage_V", "mean_discharge_voltage_V", "max_temperature_C",
                "duration_s"):
        assert key in first
    assert [s["step_type"] for s in out["steps"]] == ["rest", "charge", "discharge", "charge", "discharge"]
