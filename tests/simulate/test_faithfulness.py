"""Faithfulness: published capacities, PyBaMM's own Chen2020 curve, and the all-solid-state physics."""

import numpy as np
import pybamm
import pytest

from cellbench import cells
from cellbench.measurements import schema as S
from cellbench.protocols import Protocol
from cellbench.simulate import run_protocol, simulate_many, to_pybamm


@pytest.mark.slow
def test_c10_capacity_of_every_catalogue_cell_is_within_3_percent_of_design():
    designs = cells.list_cells()
    jobs = [(d, "capacity-c10", {"thermal": "isothermal"}) for d in designs]
    results = simulate_many(jobs, workers=2, timeout_s=120)
    for design, result in zip(designs, results):
        assert not isinstance(result, Exception), f"{design.id}: {result}"
        capacity_mAh = result.data[S.DISCHARGE_CAPACITY][-1] * 1000
        assert capacity_mAh == pytest.approx(cells.figures(design).capacity_mAh, rel=0.03), design.id


def chen2020_materials(design):
    """The LG M50's two active materials as Chen2020 parameterises them (c/c_max axes with its own c_max, the
    cathode's 229 mAh/g): the library's records describe the materials per formula unit instead (issue 22, item 1),
    so the translation is checked with Chen2020's own values put back."""
    ncm, graphite = design.active_material("cathode"), design.active_material("anode")
    a, b = -0.084996, 1.130204  # x = a + b x_Chen2020 (scripts/ocp_tables_from_pybamm.py)
    chen_ncm = ncm.model_copy(update={
        "specific_capacity_mAh_g": 63104 * (0.9084 - 0.2661) * 96485.33212 / (3.6 * 4.75e6),
        "stoichiometry_at_0_soc": 0.9084, "stoichiometry_at_100_soc": 0.2661,
        "ocp": ncm.ocp.model_copy(update={"stoichiometry": [(x - a) / b for x in ncm.ocp.stoichiometry]})})
    scale = 1.056532
    chen_graphite = graphite.model_copy(update={
        "stoichiometry_at_0_soc": 0.0279, "stoichiometry_at_100_soc": 0.9014,
        "ocp": graphite.ocp.model_copy(update={"stoichiometry": [x / scale for x in graphite.ocp.stoichiometry]})})
    return design.model_copy().with_materials({ncm.id: chen_ncm, graphite.id: chen_graphite})


@pytest.mark.slow
def test_lg_m50_design_path_reproduces_pybamm_chen2020_dfn_at_1c():
    """Same initial state, isothermal 25 °C: cellbench's design path with Chen2020's own material values (and its
    fitted electrode conductivities, no calibration) against PyBaMM's own parameter set."""
    design = chen2020_materials(cells.load("lg-m50"))
    cell = to_pybamm(design, {"cathode_electronic_conductivity_S_cm": 0.0018, "anode_electronic_conductivity_S_cm": 2.15},
                     calibrated=False)
    assert cell.parameter_values["Maximum concentration in positive electrode [mol.m-3]"] == pytest.approx(63104, rel=1e-3)
    ours = run_protocol(cell, Protocol.parse("Discharge at 1C until 2.5 V"), thermal="isothermal")
    reference_values = pybamm.ParameterValues("Chen2020")
    reference_values.update(cell.initial_concentrations(1.0))
    reference = pybamm.Simulation(pybamm.lithium_ion.DFN(), parameter_values=reference_values,
                                  experiment=pybamm.Experiment(["Discharge at 1C until 2.5 V"])).solve()
    t_ref, v_ref = reference["Time [s]"].entries, reference["Voltage [V]"].entries
    t, v = ours.data[S.TIME].to_numpy(), ours.data[S.VOLTAGE].to_numpy()
    grid = np.linspace(0, min(t[-1], t_ref[-1]), 500)
    rms_mV = 1000 * np.sqrt(np.mean((np.interp(grid, t, v) - np.interp(grid, t_ref, v_ref)) ** 2))
    assert rms_mV < 5.0
    assert t[-1] == pytest.approx(t_ref[-1], rel=0.01)


def test_solid_electrolyte_concentration_stays_uniform(std21, lgm50):
    solid = run_protocol(std21, Protocol.parse("Discharge at 3C for 300 s"), extra_columns=True)
    liquid = run_protocol(lgm50, Protocol.parse("Discharge at 3C for 300 s"), extra_columns=True)
    assert solid.data["electrolyte_concentration_spread_mol_m3"].max() < 1e-6
    assert liquid.data["electrolyte_concentration_spread_mol_m3"].max() > 50.0  # a salt gradient does form


def test_raising_se_conductivity_never_lowers_6c_capacity(std21):
    capacities = []
    for sigma_S_cm in (0.0005, 0.001, 0.0025, 0.005, 0.01):
        m = run_protocol(std21, Protocol.parse("Set SOC to 100%; Discharge at 6C until Vmin"), thermal="isothermal",
                         overrides={"solid_electrolyte_conductivity_S_cm": sigma_S_cm})
        capacities.append(m.data[S.DISCHARGE_CAPACITY][-1])
    assert all(b >= a - 1e-9 for a, b in zip(capacities, capacities[1:])), capacities
    assert capacities[-1] > 1.02 * capacities[0]  # at 6C std-2.1 is mostly diffusion-limited; SE still matters


def test_lowering_contact_ratio_raises_the_10_s_pulse_resistance(std21):
    resistances = []
    for contact in (1.0, 0.5, 0.2):
        m = run_protocol(std21, Protocol.parse("Set SOC to 50%; Rest for 1 s; Discharge at 3C for 10 s"),
                         thermal="isothermal", overrides={"cathode_contact_ratio": contact})
        v_rest = m.data.filter(m.data[S.STEP] == 2)[S.VOLTAGE][-1]
        pulse = m.data.filter(m.data[S.STEP] == 3)
        resistances.append((v_rest - pulse[S.VOLTAGE][-1]) / -pulse[S.CURRENT][-1])
    assert resistances[0] < resistances[1] < resistances[2], resistances


def test_colder_cell_gives_less_capacity_at_3c(std21):
    caps = {}
    for temperature in (0.0, 25.0):
        m = run_protocol(std21, Protocol.parse("Set SOC to 100%; Discharge at 3C until Vmin"), thermal="isothermal",
                         temperature_C=temperature)
        caps[temperature] = m.data[S.DISCHARGE_CAPACITY][-1]
    assert caps[0.0] < 0.95 * caps[25.0]  # Arrhenius: SE conductivity, kinetics and diffusion all slow down


@pytest.mark.slow
def test_gen1_demo_6c_charge_rests_on_its_calibration_and_plates():
    """Issue 22, item 4. The programme demonstrated a 6C charge on this cell. In the model it rests on a calibration
    (NCM diffusivity and graphite j0 raised tenfold, simulate/data/calibration/gen1-demo.yaml), the result says so,
    and even then the anode goes below 0 V vs Li (plating-limited) and the cell reaches about 75 % SOC in
    10 minutes, short of the programme's 80 % (docs/simulation.md reports this; it is not tuned away)."""
    design = cells.load("gen1-demo")

    def soc_after_10_min(cell):
        m = run_protocol(cell, Protocol.load("fast-charge-6c"))
        t, q = m.data[S.TIME].to_numpy(), m.data[S.CHARGE_CAPACITY].to_numpy()
        return np.interp(600.0, t, q) / cell.nominal_capacity_Ah, m.metadata.extra

    calibrated, extra = soc_after_10_min(to_pybamm(design))
    assert extra["calibrated"] is True
    assert extra["calibration_overrides"]["cathode_diffusivity_cm2_s"] == pytest.approx(10 * 4e-11)
    assert extra["plating_limited"] is True and extra["min_anode_potential_V"] < -0.05
    assert 0.65 < calibrated < 0.80
    plain, plain_extra = soc_after_10_min(to_pybamm(design, calibrated=False))
    assert plain_extra["calibrated"] is False
    assert plain < calibrated - 0.15  # the calibration carries most of the rate


def test_cathode_film_adds_its_resistance_over_the_contacting_surface(std21):
    """Hand calculation: a film R_f on the contacting part θ of the cathode's particle surface S = a·L·A adds
    R_f / (θ S) to the cell's 10-s pulse resistance (uniform reaction; the film dominates the spread)."""
    pv = std21.parameter_values
    surface_m2 = (3 * pv["Positive electrode active material volume fraction"] / pv["Positive particle radius [m]"]
                  * pv["Positive electrode thickness [m]"] * pv["Electrode width [m]"] * pv["Electrode height [m]"])

    # Bruggeman τ in the cathode keeps the reaction near uniform, the premise of the hand calculation (with the
    # ASSB default τ = 6 the spread of the reaction adds a few percent)
    bruggeman = pv["Positive electrode porosity"] ** -0.5

    def pulse_resistance(film_ohm_cm2, contact):
        m = run_protocol(std21, Protocol.parse("Set SOC to 50%; Rest for 1 s; Discharge at 1C for 10 s"),
                         thermal="isothermal",
                         overrides={"cathode_film_resistance_ohm_cm2": film_ohm_cm2, "cathode_contact_ratio": contact,
                                    "cathode_path_resistance_coefficient": bruggeman})
        v_rest = m.data.filter(m.data[S.STEP] == 2)[S.VOLTAGE][-1]
        pulse = m.data.filter(m.data[S.STEP] == 3)
        return (v_rest - pulse[S.VOLTAGE][-1]) / -pulse[S.CURRENT][-1]

    for contact in (1.0, 0.5):
        added = pulse_resistance(21.0, contact) - pulse_resistance(0.0, contact)
        assert added == pytest.approx(21e-4 / contact / surface_m2, rel=0.02)


def test_assb_transport_moves_rate_capability_as_measured_composites_do():
    """Issue 22, item 3: SE conductivity, path-resistance coefficient τ and contact ratio θ each move the 3C capacity
    of an ASSB cell monotonically and by a visible amount (composite-cathode studies: Minnmann et al. 2021;
    Bielefeld et al. 2020). gen1-demo: a 67 µm composite cathode whose calibrated NCM diffusivity does not mask
    ion transport (in std-2.1 Chen2020's NCM811 diffusion limits 2-3C whatever the electrolyte does)."""
    design = cells.load("gen1-demo")
    cell = to_pybamm(design)
    capacity_mAh = cells.figures(design).capacity_mAh

    def at_3c(**overrides):
        m = run_protocol(cell, Protocol.parse("Set SOC to 100%; Discharge at 3C until Vmin"), thermal="isothermal",
                         overrides=overrides)
        return 1000 * m.data[S.DISCHARGE_CAPACITY][-1] / capacity_mAh

    sigma = [at_3c(solid_electrolyte_conductivity_S_cm=s) for s in (0.0005, 0.001, 0.0025, 0.005)]
    assert all(b > a for a, b in zip(sigma, sigma[1:])), sigma
    assert sigma[-1] > sigma[0] + 0.3

    taus = [at_3c(cathode_path_resistance_coefficient=t, anode_path_resistance_coefficient=t) for t in (1.7, 3, 6, 13)]
    assert all(b < a for a, b in zip(taus, taus[1:])), taus
    assert taus[0] - taus[-1] > 0.05  # the measured range of τ costs several percent of 3C capacity
    # the reviewer's case: τ 1.5 -> 10 in the cathode changed 3C capacity by < 0.05 %; now by > 1 %
    assert at_3c(cathode_path_resistance_coefficient=1.5) - at_3c(cathode_path_resistance_coefficient=10.0) > 0.01

    contact = [at_3c(cathode_contact_ratio=c, anode_contact_ratio=c) for c in (1.0, 0.6, 0.3, 0.1)]
    assert all(b < a for a, b in zip(contact, contact[1:])), contact
    assert contact[0] - contact[-1] > 0.02
