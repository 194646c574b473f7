"""Diagnosis recovers injected lithium and active-material losses and ranks the matching mechanism first."""

import numpy as np
import polars as pl
import pytest
from checkup import checkup, measurement

from cellbench import cells
from cellbench.durability import ElectrodeBalance, diagnose, fit_balance, load_map, rank
from cellbench.errors import InputError
from cellbench.measurements import Measurement

DESIGN = cells.load("std-2.1")
RATED_AH = 0.008


@pytest.fixture(scope="module")
def fresh():
    return ElectrodeBalance.from_design(DESIGN)


@pytest.mark.parametrize("cell_id", ["std-2.1", "liquid-ref"])
@pytest.mark.parametrize("lli, lam_c, lam_a", [(0.10, 0.0, 0.0), (0.05, 0.08, 0.0), (0.12, 0.03, 0.06)])
def test_fit_recovers_injected_losses_within_10_percent(cell_id, lli, lam_c, lam_a):
    fresh = ElectrodeBalance.from_design(cells.load(cell_id))
    aged = fresh.aged(lli=lli, lam_cathode=lam_c, lam_anode=lam_a)
    q, v = aged.curve(300)
    noisy = v - 0.01 + np.random.default_rng(3).normal(0.0, 0.002, len(v))  # 10 mV polarisation, 2 mV noise
    found = fit_balance(q, noisy, fresh).balance.losses_against(fresh)
    for name, injected in {"lli": lli, "lam_cathode": lam_c, "lam_anode": lam_a}.items():
        # within 10 % of the injected value, or 0.5 % absolute when none was injected
        assert abs(found[name] - injected) <= max(0.1 * injected, 0.005), (name, found[name], injected)


def test_aged_balance_keeps_the_top_voltage_and_loses_capacity(fresh):
    aged = fresh.aged(lli=0.10)
    assert aged.ocv(0.0) == pytest.approx(fresh.voltage_top_V, abs=1e-6)
    assert aged.capacity_Ah() < fresh.capacity_Ah()


def test_diagnose_against_reference_measurement(fresh):
    reference = measurement(checkup(fresh, resistance_ohm=5.0, rated_Ah=RATED_AH, noise_mV=0.2))
    aged = measurement(checkup(fresh.aged(lli=0.08), resistance_ohm=6.5, rated_Ah=RATED_AH, noise_mV=0.2, seed=1))
    d = diagnose(aged, DESIGN, reference=reference)
    assert d.losses["lli"] == pytest.approx(0.08, rel=0.1)
    assert d.resistance_growth == pytest.approx(0.30, abs=0.03)
    assert d.capacity_retention < 0.95
    assert d.ranked[0].mechanism.id == "se-reduction-anode"
    assert d.reference == "reference measurement"


def test_diagnose_uses_first_checkup_when_a_test_holds_several(fresh):
    both = measurement(checkup(fresh, resistance_ohm=5.0, rated_Ah=RATED_AH, noise_mV=0.2),
                       checkup(fresh.aged(lam_cathode=0.10), resistance_ohm=8.0, rated_Ah=RATED_AH, noise_mV=0.2,
                               seed=2, cycle=2, time_offset_s=5e6))
    d = diagnose(both, DESIGN)
    assert d.losses["lam_cathode"] == pytest.approx(0.10, rel=0.1)
    assert d.resistance_growth == pytest.approx(0.60, abs=0.05)
    assert d.ranked[0].mechanism.id == "cracking-contact-loss"


def test_missing_steps_are_named():
    # a 1C discharge and no pulse: neither step the diagnosis needs
    t = np.linspace(0, 3600, 100)
    m = Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": np.linspace(4.2, 3.0, 100),
                                  "current_ampere": np.full(100, -RATED_AH)}))
    with pytest.raises(InputError) as err:
        diagnose(m, DESIGN)
    assert "low-rate discharge" in str(err.value) and "C/10" in str(err.value)
    assert "current pulse" in str(err.value)


def test_only_resistance_growth_ranks_cathode_oxidation_first():
    ranked = rank(load_map(), {"lli": 0.0, "lam_cathode": 0.0, "lam_anode": 0.0, "resistance_growth": 0.5})
    assert ranked[0].mechanism.id == "se-oxidation-cathode"
    assert ranked[0].score == pytest.approx(1.0)


def test_user_map_with_unknown_indicator_is_an_input_error(tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("version: '0'\nmechanisms:\n  - {id: x, name: x, where: x, symptoms: {}, signatures: [],"
                   " indicators: {colour: 1}}\n")
    with pytest.raises(InputError, match="colour"):
        load_map(bad)


def test_a_curve_the_design_cannot_describe_is_flagged_not_ranked(fresh):
    # drop the low-rate curve by 0.4 V from mid-discharge on: a step no pair of the design's OCP tables can follow
    frame = checkup(fresh, resistance_ohm=5.0, rated_Ah=RATED_AH, noise_mV=0.2)
    bent = frame.with_columns(pl.when((pl.col("test_time_second") > 40000) & (pl.col("current_ampere") < 0)
                                      & (pl.col("current_ampere") > -0.001))
                              .then(pl.col("voltage_volt") - 0.4).otherwise(pl.col("voltage_volt")).alias("voltage_volt"))
    d = diagnose(Measurement(bent), DESIGN, require_pulses=False)
    assert not d.reliable and d.ranked == []
    assert d.notes[0].startswith("UNRELIABLE")
