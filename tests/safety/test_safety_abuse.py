"""The lumped thermal-abuse model: hand-checkable energy, the IEC heating test, and the ASSB exotherm window."""

from __future__ import annotations

import pytest

from cellbench.safety import (
    ThermalCell, analyse_arc, critical_oven_temperature_C, load_chemistry, simulate_oven, trace_from_columns,
)

CELL_18650 = ThermalCell(mass_g=44.0, cp_J_per_kgK=1000.0, surface_area_cm2=41.8)


def test_adiabatic_rise_is_the_sum_of_reaction_heats():
    # Kim et al. 2007 contents per kg of cell (kg/m3 ÷ 2580 kg/m3), heats in J/g, extents c0 or 1-α0:
    by_hand = (257e3 * 0.2366 * 0.15 + 1714e3 * 0.2366 * 0.75 + 314e3 * 0.4733 * 0.96 + 155e3 * 0.1577 * 1.0) / 1000
    assert load_chemistry("liquid_lco_graphite").adiabatic_temperature_rise_C(1000.0) == pytest.approx(by_hand)
    assert by_hand == pytest.approx(480.4, abs=0.1)


def test_liquid_cell_survives_the_130C_heating_test_but_not_170C():
    chem = load_chemistry("liquid_lco_graphite")
    at_130 = simulate_oven(chem, CELL_18650, oven_C=130.0)
    assert not at_130.runaway
    assert 0.5 < at_130.max_overshoot_C < 10.0  # the SEI exotherm shows as a small overshoot
    at_170 = simulate_oven(chem, CELL_18650, oven_C=170.0)
    assert at_170.runaway and at_170.max_temperature_C > 400.0
    assert at_170.time_to_runaway_min is not None and at_170.time_to_runaway_min > (170 - 25) / 5


def test_sulfide_assb_survives_far_hotter_ovens():
    chem = load_chemistry("sulfide_assb_ncm_graphite")
    assert not simulate_oven(chem, CELL_18650, oven_C=130.0).runaway
    assert not simulate_oven(chem, CELL_18650, oven_C=200.0).runaway


def test_critical_oven_temperature_orders_the_chemistries():
    liquid = critical_oven_temperature_C(load_chemistry("liquid_lco_graphite"), CELL_18650, tolerance_C=2.0)
    assb = critical_oven_temperature_C(load_chemistry("sulfide_assb_ncm_graphite"), CELL_18650, high_C=300.0,
                                       tolerance_C=2.0)
    assert 130.0 < liquid < 160.0
    assert assb is not None and assb > liquid + 50.0


def test_arc_analysis_recovers_the_model_onsets_of_both_chemistries(liquid_arc_run, assb_arc_run):
    results = {}
    for name, run in (("liquid", liquid_arc_run), ("assb", assb_arc_run)):
        trace = trace_from_columns(run.trace["time_s"], run.trace["temperature_C"])
        results[name] = analyse_arc(trace)
        assert results[name].self_heating_onset_C == pytest.approx(run.true_self_heating_onset_C, abs=1.0)
        assert results[name].runaway_onset_C == pytest.approx(run.true_runaway_onset_C, abs=1.0)
    # SOLiD-EV: the ASSB's onset and runaway temperatures are both higher than the liquid cell's,
    # and its runaway comes from the SE-cathode reaction near 230-260 °C.
    assert results["assb"].self_heating_onset_C > results["liquid"].self_heating_onset_C
    assert 230.0 <= results["assb"].runaway_onset_C <= 260.0
    assert results["liquid"].runaway_onset_C < 200.0


def test_thermal_cell_from_a_catalogue_design_takes_its_mass():
    from cellbench import cells

    design = cells.load("lg-m50")
    thermal = ThermalCell.from_design(design, cp_J_per_kgK=1100.0)
    assert thermal.mass_g == pytest.approx(cells.figures(design).mass_g)
    assert thermal.cp_J_per_kgK == 1100.0
    side_cm = cells.figures(design).outline_volume_cm3 ** (1 / 3)
    assert thermal.surface_area_cm2 == pytest.approx(6 * side_cm**2)
