"""Ageing on the virtual cycler: aged cells simulated with PyBaMM, then diagnosed like measured data."""

import pytest

from cellbench import cells
from cellbench.durability import diagnose
from cellbench.durability.ageing import DIAGNOSTIC_CHECKUP, AgeingState, ageing_test, load_laws, simulate_checkup

DESIGN = cells.load("std-2.1")


@pytest.mark.slow
def test_diagnosis_recovers_losses_injected_into_a_simulated_cell():
    fresh = simulate_checkup(DESIGN, AgeingState(), protocol=DIAGNOSTIC_CHECKUP)
    injected = AgeingState(lli=0.08, lam_cathode=0.05, cathode_film_resistance_ohm_cm2=20.0)
    aged = simulate_checkup(DESIGN, injected, protocol=DIAGNOSTIC_CHECKUP)
    d = diagnose(aged, DESIGN, reference=fresh)
    assert d.losses["lli"] == pytest.approx(0.08, rel=0.10)
    assert d.losses["lam_cathode"] == pytest.approx(0.05, rel=0.10)
    assert abs(d.losses["lam_anode"]) < 0.01
    assert d.resistance_growth > 0.05  # the thicker cathode film shows in the pulse
    assert d.aged_fit.rms_error_mV < 5.0


@pytest.mark.slow
def test_storage_at_45C_loses_capacity_and_gains_resistance_on_the_virtual_cycler():
    rows = ageing_test(DESIGN, load_laws(), kind="storage", temperature_C=45.0, soc=1.0, checkpoints=[0, 42])
    assert rows[0]["capacity_retention"] == 1.0
    # 42 days at 45 °C, SOC 100 %: the laws give 3.4 % lithium lost, which the 1/3C check-up sees as 3-7 %
    assert 0.93 < rows[-1]["capacity_retention"] < 0.97
    assert rows[-1]["resistance_growth"] > 0.0


@pytest.mark.slow
def test_storage_item_ages_faster_at_full_charge_and_cycle_item_reports_cycles():
    from cellbench.durability.evaluation_items import cycle_item, storage_item

    storage = storage_item(DESIGN, {"temperature_C": 45, "soc_pct": [50, 100], "days": 14})
    m = storage["metrics"]
    assert m["capacity_retention_soc100"] < m["capacity_retention_soc50"] < 1.0
    assert m["resistance_growth_soc100"] > m["resistance_growth_soc50"] > 0.0
    cycle = cycle_item(DESIGN, {"temperature_C": 45, "days": 14})
    assert cycle["metrics"]["equivalent_full_cycles"] == pytest.approx(14 * 11.0)
    assert cycle["metrics"]["capacity_retention"] < 1.0


@pytest.mark.slow
def test_28_day_virtual_cycler_storage_at_45_and_60C_predicts_10_years_at_25C_within_its_band():
    import numpy as np

    from cellbench.durability.acceleration import AgeingData, fit_acceleration

    laws = load_laws()
    rows = [(T, r["days"], r["capacity_retention"]) for T in (45.0, 60.0)
            for r in ageing_test(DESIGN, laws, kind="storage", temperature_C=T, soc=1.0, checkpoints=[0, 7, 14, 21, 28])]
    truth = ageing_test(DESIGN, laws, kind="storage", temperature_C=25.0, soc=1.0, checkpoints=[0, 3650])[-1]
    T, days, retention = (np.array(c, float) for c in zip(*rows))
    # noise-free: the fit lands on the simulated 10-year retention to 0.1 points
    assert fit_acceleration(AgeingData(T, days, retention)).predict(25.0, 3650.0, soc=1.0).retention == pytest.approx(
        truth["capacity_retention"], abs=1e-3)
    # with 0.2 % check-up noise the 95 % band must hold the truth in most repeats (40 repeats: at least 34)
    inside = 0
    for seed in range(40):
        noisy = retention + np.random.default_rng(seed).normal(0.0, 0.002, len(retention))
        p = fit_acceleration(AgeingData(T, days, noisy)).predict(25.0, 3650.0, soc=1.0)
        inside += p.retention_low <= truth["capacity_retention"] <= p.retention_high
    assert inside >= 34
