"""Derived figures against hand calculations."""

import math

import pytest

from cellbench import cells
from cellbench.cells.design import CellDesign


def make(d):
    design = CellDesign.model_validate(d)
    design.check_materials()
    return design


def test_areal_capacity_and_capacity_by_hand(hand_design_dict):
    f = cells.figures(make(hand_design_dict))
    # cathode: 50 um x (1-0.2) x 0.5 NCM by volume x 4.75 g/cm3 x 200 mAh/g (half-cell capacity to 4.3 V)
    cathode = 50e-4 * 0.8 * 0.5 * 4.75 * 200.0
    assert f.cathode_areal_capacity_mAh_cm2 == pytest.approx(cathode, rel=1e-9)
    # anode, mass basis: graphite volume share = (0.6/2.26) / (0.6/2.26 + 0.4/1.86), times (1-0.1)
    share = (0.6 / 2.26) / (0.6 / 2.26 + 0.4 / 1.86) * 0.9
    anode = 60e-4 * share * 2.26 * 343.2
    assert f.anode_areal_capacity_mAh_cm2 == pytest.approx(anode, rel=1e-9)
    assert f.np_ratio == pytest.approx(anode / cathode, rel=1e-9)
    # 1 cm2 electrode, limiting electrode
    assert f.capacity_mAh == pytest.approx(min(anode, cathode) * 1.0, rel=1e-9)


def test_volumes_mass_and_energy_density_by_hand(hand_design_dict):
    design = make(hand_design_dict)
    f = cells.figures(design)
    assert f.stack_thickness_um == pytest.approx(50 + 30 + 60 + 15 + 10)
    assert f.stack_volume_cm3 == pytest.approx(1.0 * 165e-4)
    film_um = 113.0
    assert f.outline_volume_cm3 == pytest.approx(3.0 * 2.0 * (165 + 2 * film_um) * 1e-4)
    masses = cells.mass_breakdown_g(design)
    # cathode solids: 0.4 NCM + 0.4 SE by volume; ASSB voids weigh nothing
    assert masses["cathode"] == pytest.approx(50e-4 * (0.4 * 4.75 + 0.4 * 1.86))
    assert masses["separator"] == pytest.approx(30e-4 * 1.86)
    assert masses["cathode_collector"] == pytest.approx(15e-4 * 2.70)
    assert masses["anode_collector"] == pytest.approx(10e-4 * 8.96)
    assert masses["packaging"] == pytest.approx(2 * 6e-4 * 1.6 * 113.0)  # two films of 6 cm2 at 180.8 g/m2
    assert f.energy_Wh == pytest.approx(f.capacity_mAh / 1000 * f.mean_voltage_V)
    assert f.wh_per_l_stack == pytest.approx(f.energy_Wh / (f.stack_volume_cm3 / 1000))
    assert f.wh_per_kg == pytest.approx(f.energy_Wh / (sum(masses.values()) / 1000))


def test_mean_voltage_is_average_of_electrode_potentials(hand_design_dict):
    design = make(hand_design_dict)
    soc, ocv = cells.ocv_curve(design)
    # cathode-limited (N/P > 1): at 100% SOC the cathode sits at its charged stoichiometry
    nmc = design.active_material("cathode")
    graphite = design.active_material("anode")
    f = cells.figures(design)
    assert f.np_ratio > 1
    top = nmc.ocp(nmc.stoichiometry_at_100_soc) - graphite.potential_at_fraction(1 / f.np_ratio)
    assert ocv[-1] == pytest.approx(float(top), abs=1e-9)
    bottom = nmc.ocp(nmc.stoichiometry_at_0_soc) - graphite.ocp(graphite.stoichiometry_at_0_soc)
    assert ocv[0] == pytest.approx(float(bottom), abs=1e-9)
    assert 3.4 < f.mean_voltage_V < 3.9  # NCM811 / graphite
    assert f.mean_voltage_V == pytest.approx(sum((ocv[1:] + ocv[:-1]) / 2) / (len(ocv) - 1), rel=1e-9)


def test_stacked_double_sided_collector_count(hand_design_dict):
    hand_design_dict["stack"] = {"unit_cells": 10, "double_sided": True}
    f = cells.figures(make(hand_design_dict))
    assert f.stack_thickness_um == pytest.approx(10 * (50 + 30 + 60) + 5 * 15 + 6 * 10)


def test_lithium_foil_anode(hand_design_dict):
    hand_design_dict["anode"] = {"kind": "lithium_foil", "thickness_um": 20.0}
    f = cells.figures(make(hand_design_dict))
    assert f.anode_areal_capacity_mAh_cm2 == pytest.approx(20e-4 * 0.534 * 3860.0)
    # Li metal at 0 V: the full-cell OCV is the cathode OCP itself
    assert f.mean_voltage_V > 3.7


def test_anode_limited_balance_keeps_the_spare_cathode_at_its_discharged_end(hand_design_dict):
    hand_design_dict["anode"]["thickness_um"] = 30.0  # N/P below 1
    design = make(hand_design_dict)
    f = cells.figures(design)
    assert f.np_ratio < 1
    nmc, graphite = design.active_material("cathode"), design.active_material("anode")
    soc, ocv = cells.ocv_curve(design)
    # at 100% SOC both electrodes are at their charged ends; at 0% the anode is empty, the cathode is not full
    top = nmc.ocp(nmc.stoichiometry_at_100_soc) - graphite.ocp(graphite.stoichiometry_at_100_soc)
    assert ocv[-1] == pytest.approx(float(top), abs=1e-9)
    spare = 1 - f.np_ratio
    x0 = nmc.stoichiometry_at_0_soc + spare * (nmc.stoichiometry_at_100_soc - nmc.stoichiometry_at_0_soc)
    assert ocv[0] == pytest.approx(float(nmc.ocp(x0) - graphite.ocp(graphite.stoichiometry_at_0_soc)), abs=1e-9)


def test_charged_state_thickness_follows_the_lithium_taken_up(hand_design_dict):
    """Issue 22, item 10: a silicon anode's swelling shows in the charged-state Wh/L. Hand calculation for the
    anode: V(x) ∝ 1 + ΔV·x between its stoichiometries at 0 and 100 % SOC, applied to its volume fraction."""
    hand_design_dict["anode"] = {"thickness_um": 10.0, "porosity": 0.25, "fraction_basis": "volume", "components": [
        {"material": "silicon-nano", "fraction": 0.4}, {"material": "argyrodite-li6ps5cl", "fraction": 0.6}]}
    design = make(hand_design_dict)
    f = cells.figures(design)
    si = design.active_material("anode")
    x0 = si.stoichiometry_at_0_soc
    x100 = x0 + (si.stoichiometry_at_100_soc - x0) / f.np_ratio if f.np_ratio > 1 else si.stoichiometry_at_100_soc
    growth = (1 + 2.8 * x100) / (1 + 2.8 * x0) - 1
    anode_charged = 10.0 * (1 + 0.4 * 0.75 * growth)
    assert 1.0 < f.np_ratio < 1.3
    assert cells.figures(design).stack_thickness_charged_um == pytest.approx(
        f.stack_thickness_um - 10.0 + anode_charged - 50.0 + _cathode_charged(design), rel=1e-9)
    assert anode_charged > 1.3 * 10.0  # silicon swells by tens of percent...
    assert f.wh_per_l_stack_charged == pytest.approx(f.energy_Wh / (f.stack_thickness_charged_um * 1e-4 * 1.0) * 1000)
    assert f.wh_per_l_stack_charged < 0.97 * f.wh_per_l_stack  # ...and the charged-state Wh/L falls with it


def _cathode_charged(design):
    nmc = design.active_material("cathode")
    x0, x100 = nmc.stoichiometry_at_0_soc, nmc.stoichiometry_at_100_soc  # cathode-limited: the whole window
    return 50.0 * (1 + 0.4 * ((1 + 0.05 * x100) / (1 + 0.05 * x0) - 1))


def test_thickness_for_an_areal_capacity_by_hand(hand_design_dict):
    from cellbench.cells.figures import thickness_for_areal_capacity_um

    design = make(hand_design_dict)
    # cathode: NCM811 at 0.4 by volume (0.5 of the 80 % solids), 4.75 g/cm3, 200 mAh/g
    assert thickness_for_areal_capacity_um(design, "cathode", 2.0) == pytest.approx(2.0 / (1e-4 * 0.4 * 4.75 * 200.0))
    # and it is the inverse of the areal capacity
    f = cells.figures(design)
    assert thickness_for_areal_capacity_um(design, "anode", f.anode_areal_capacity_mAh_cm2) == pytest.approx(60.0)
