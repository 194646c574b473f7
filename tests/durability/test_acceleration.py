"""Accelerated tests: Arrhenius fit, prediction at use conditions within the stated band, test planning."""

import math

import numpy as np
import pytest

from cellbench import cells
from cellbench.durability.acceleration import AgeingData, fit_acceleration, plan_tests
from cellbench.durability.ageing import Cycling, Storage, age, load_laws, storage_test
from cellbench.errors import InputError

DESIGN = cells.load("std-2.1")
LAWS = load_laws()
CHECKUPS = [0, 7, 14, 21, 28]


def simulated_storage(temperatures, soc=1.0, noise=0.002, seed=0):
    rng = np.random.default_rng(seed)
    rows = [r for T in temperatures for r in storage_test(DESIGN, LAWS, temperature_C=T, soc=soc, checkups_days=CHECKUPS)]
    retention = np.array([r["retention"] for r in rows]) + rng.normal(0.0, noise, len(rows))
    return AgeingData(np.array([r["temperature_C"] for r in rows]), np.array([r["time_days"] for r in rows]),
                      retention, np.array([r["soc"] for r in rows]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_28_day_tests_at_two_temperatures_predict_10_years_at_25C_within_band(seed):
    fit = fit_acceleration(simulated_storage([45.0, 60.0], seed=seed))
    prediction = fit.predict(25.0, 3650.0, soc=1.0)
    truth = storage_test(DESIGN, LAWS, temperature_C=25.0, soc=1.0, checkups_days=[3650])[0]["retention"]
    assert prediction.retention_low <= truth <= prediction.retention_high
    # the band is informative, not a shrug: narrower than ±10 points of retention
    assert prediction.retention_high - prediction.retention_low < 0.2


def test_activation_energy_recovered_from_noise_free_film_law():
    # one term alone, noise-free: the fit must return its activation energy and rate constant
    law = next(t for t in LAWS.terms if t.id == "film-se-oxidation").calendar
    days = np.array(CHECKUPS[1:] * 3, float)
    temps = np.repeat([40.0, 50.0, 60.0], 4)
    loss = np.array([law.rate(T, 25.0, soc=0.5) * d ** 0.5 for T, d in zip(temps, days)]) * 1e-3
    fit = fit_acceleration(AgeingData(temps, days, 1 - loss))
    assert fit.activation_energy_kJ_mol == pytest.approx(law.activation_energy_kJ_mol, rel=1e-4)
    assert math.exp(fit.values[0]) == pytest.approx(law.k_ref * 1e-3, rel=1e-4)
    # hand calculation: AF(60 °C vs 25 °C) at 55 kJ/mol = exp(55000/8.314 (1/298.15 − 1/333.15)) ≈ 10.3
    assert fit.acceleration_factor(60.0, 25.0) == pytest.approx(10.3, rel=0.01)


def test_soc_stress_fitted_when_two_soc_levels_are_tested():
    data = [simulated_storage([45.0, 60.0], soc=s, noise=0.0) for s in (0.5, 1.0)]
    joined = AgeingData(np.concatenate([d.temperature_C for d in data]), np.concatenate([d.time for d in data]),
                        np.concatenate([d.retention for d in data]), np.concatenate([d.soc for d in data]))
    fit = fit_acceleration(joined)
    assert "soc_stress" in fit.names
    assert fit._get("soc_stress") > 0.5  # high SOC ages faster (the law's LLI stress is 1.2)


def test_one_temperature_is_refused():
    with pytest.raises(InputError, match="two or more temperatures"):
        fit_acceleration(simulated_storage([45.0]))


def test_equivalent_exposure_continues_the_power_law():
    split = age(LAWS, [Storage(20, 45, 1.0), Storage(22, 45, 1.0)])
    whole = age(LAWS, [Storage(42, 45, 1.0)])
    assert split.lli == pytest.approx(whole.lli, rel=1e-12)
    hot_then_cool = age(LAWS, [Storage(42, 60, 1.0), Storage(42, 25, 1.0)])
    assert whole.lli < hot_then_cool.lli < age(LAWS, [Storage(84, 60, 1.0)]).lli
    assert age(LAWS, [Cycling(300, 45, 2.0)]).cathode_contact_loss > age(LAWS, [Cycling(300, 45, 1.0)]).cathode_contact_loss


def test_plan_prefers_short_tests_and_longer_ones_narrow_the_band():
    plans = plan_tests(max_test_temperature_C=60.0, target_half_width=0.03)
    assert plans[0].meets_target and plans[0].duration_days == 28.0
    two = [p for p in plans if len(p.temperatures_C) == 2]
    widths = [p.expected_band_half_width for p in sorted(two, key=lambda p: p.duration_days)]
    assert widths == sorted(widths, reverse=True)
    # equivalent use time at 60 °C for 28 days with Ea 50 kJ/mol: 28 × exp(50000/8.314 (1/298.15 − 1/333.15))
    assert plans[0].equivalent_use_days["60C"] == pytest.approx(28 * math.exp(50000 / 8.314462618
                                                                              * (1 / 298.15 - 1 / 333.15)), rel=1e-6)
    with pytest.raises(InputError, match="above the use"):
        plan_tests(max_test_temperature_C=20.0)
