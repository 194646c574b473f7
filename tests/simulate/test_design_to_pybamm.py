"""The translation CellDesign -> PyBaMM parameters, checked against hand calculations."""

import math

import pytest

from cellbench import cells
from cellbench.errors import InputError
from cellbench.simulate import to_pybamm
from cellbench.simulate.design_to_pybamm import bruggeman_exponent, stoichiometry_window


def test_bruggeman_exponent_reproduces_sigma_eps_over_tau():
    assert bruggeman_exponent(0.3, None) == 1.5
    b = bruggeman_exponent(0.4, 5.0)
    assert 0.4**b == pytest.approx(0.4 / 5.0)
    with pytest.raises(InputError):
        bruggeman_exponent(1.0, 2.0)


def test_solid_cell_uses_the_se_fraction_as_porosity_and_a_single_ion_conductor(std21_design, std21):
    pv = std21.parameter_values
    assert pv["Positive electrode porosity"] == pytest.approx(
        std21_design.volume_fraction_of_role("cathode", "solid_electrolyte"))
    assert pv["Separator porosity"] == pytest.approx(0.95)  # SE layer with 5 % voids
    assert pv["Cation transference number"] == 1.0
    # argyrodite 2.5 mS/cm = 0.25 S/m
    assert pv["Solid electrolyte conductivity at 25 C [S.m-1]"] == pytest.approx(0.25)
    # LiNbO3 coating: 7 nm / 1e-6 S/cm = 0.7 ohm cm2 = 7e-5 ohm m2
    assert pv["Positive electrode film resistance [Ohm.m2]"] == pytest.approx(7e-5)
    assert pv["Positive electrode thickness [m]"] == pytest.approx(std21_design.cathode.thickness_um * 1e-6)
    # 20 x 20 mm electrode
    assert pv["Electrode width [m]"] * pv["Electrode height [m]"] == pytest.approx(4e-4)


def test_assb_composites_default_to_measured_tortuosity_not_bruggeman(std21, lgm50):
    """Issue 22, item 3: NCM/argyrodite composites have measured tortuosity factors of about 3-13 (Minnmann 2021,
    Bielefeld 2020); Bruggeman's ε^-½ gives about 1.7. A solid cell's composites without a measured τ get 6."""
    pv = std21.parameter_values
    for side in ("Positive", "Negative"):
        eps = pv[f"{side} electrode porosity"]
        b = pv[f"{side} electrode Bruggeman coefficient (electrolyte)"]
        assert eps**b == pytest.approx(eps / 6.0)
        assert eps ** -0.5 < 2.0  # what Bruggeman would have given
    # the dense SE layer keeps Bruggeman (5 % voids: τ ≈ 1.03), and a liquid cell keeps Bruggeman everywhere
    assert pv["Separator Bruggeman coefficient (electrolyte)"] == pytest.approx(1.5)
    assert lgm50.parameter_values["Positive electrode Bruggeman coefficient (electrolyte)"] == pytest.approx(1.5)


def test_design_capacity_is_carried_by_the_soc_window(std21_design, std21):
    """Capacity between the 0 % and 100 % states equals the design capacity (hand: c_max Δx ε L A F)."""
    pv = std21.parameter_values
    y0, y100 = std21.stoichiometry_0_100["positive"]
    charge_C = (abs(y0 - y100) * pv["Maximum concentration in positive electrode [mol.m-3]"]
                * pv["Positive electrode active material volume fraction"] * pv["Positive electrode thickness [m]"]
                * pv["Electrode width [m]"] * pv["Electrode height [m]"] * 96485.33212)
    assert charge_C / 3.6 == pytest.approx(cells.figures(std21_design).capacity_mAh, rel=1e-6)


def test_the_limiting_electrode_swings_through_its_whole_window(std21_design):
    window = stoichiometry_window(std21_design)  # N/P 1.15: the cathode limits
    ncm = std21_design.active_material("cathode")
    assert window["positive"] == pytest.approx((ncm.stoichiometry_at_0_soc, ncm.stoichiometry_at_100_soc))
    graphite = std21_design.active_material("anode")
    swing = window["negative"][1] - window["negative"][0]
    assert swing == pytest.approx((graphite.stoichiometry_at_100_soc - graphite.stoichiometry_at_0_soc) / 1.15, rel=0.01)


def test_path_resistance_coefficient_and_overrides_change_only_inputs(std21_design, std21):
    measured = std21_design.model_copy(update={"cathode": std21_design.cathode.model_copy(
        update={"path_resistance_coefficient": 4.0})})
    cell = to_pybamm(measured)
    eps = cell.parameter_values["Positive electrode porosity"]
    b = cell.parameter_values["Positive electrode Bruggeman coefficient (electrolyte)"]
    assert eps**b == pytest.approx(eps / 4.0)
    # a tunable change keeps the model structure (no rebuild)
    assert cell.structure_key("dfn", "lumped") == std21.structure_key("dfn", "lumped")
    thicker = to_pybamm(std21_design.model_copy(update={"cathode": std21_design.cathode.model_copy(
        update={"thickness_um": 60.0})}))
    assert thicker.structure_key("dfn", "lumped") != std21.structure_key("dfn", "lumped")


def test_unknown_override_is_refused():
    with pytest.raises(InputError, match="unknown override 'cathode_colour'"):
        to_pybamm(cells.load("std-2.1"), overrides={"cathode_colour": 1.0})


def test_calibration_applies_to_its_cell_only(lgm50):
    # Chen2020's fitted electrode conductivity (0.18 S/m), not the particle value of the material record
    assert lgm50.parameter_values["Positive electrode conductivity [S.m-1]"] == pytest.approx(0.18)
    assert "calibration" in lgm50.notes
    assert not math.isclose(to_pybamm(cells.load("std-2.1")).parameter_values[
        "Positive electrode conductivity [S.m-1]"], 0.18)
