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


@pytest.mark.slow
def test_lg_m50_reproduces_pybamm_chen2020_dfn_at_1c(lgm50):
    """Same initial state, isothermal 25 °C: cellbench's design path against PyBaMM's own parameter set."""
    ours = run_protocol(lgm50, Protocol.parse("Discharge at 1C until 2.5 V"), thermal="isothermal")
    reference_values = pybamm.ParameterValues("Chen2020")
    reference_values.update(lgm50.initial_concentrations(1.0))
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
def test_gen1_demo_charges_at_6c_to_80_percent_in_10_minutes():
    design = cells.load("gen1-demo")
    cell = to_pybamm(design)
    m = run_protocol(cell, Protocol.load("fast-charge-6c"))
    t, q = m.data[S.TIME].to_numpy(), m.data[S.CHARGE_CAPACITY].to_numpy()
    soc_after_10_min = np.interp(600.0, t, q) / cell.nominal_capacity_Ah
    assert soc_after_10_min >= 0.80
    # the calibration matters: with the library's LG M50 values the cell falls short
    plain = run_protocol(to_pybamm(design, calibrated=False), Protocol.load("fast-charge-6c"))
    t, q = plain.data[S.TIME].to_numpy(), plain.data[S.CHARGE_CAPACITY].to_numpy()
    assert np.interp(600.0, t, q) / cell.nominal_capacity_Ah < 0.80


def test_cathode_film_adds_its_resistance_over_the_contacting_surface(std21):
    """Hand calculation: a film R_f on the contacting part θ of the cathode's particle surface S = a·L·A adds
    R_f / (θ S) to the cell's 10-s pulse resistance (uniform reaction; the film dominates the spread)."""
    pv = std21.parameter_values
    surface_m2 = (3 * pv["Positive electrode active material volume fraction"] / pv["Positive particle radius [m]"]
                  * pv["Positive electrode thickness [m]"] * pv["Electrode width [m]"] * pv["Electrode height [m]"])

    def pulse_resistance(film_ohm_cm2, contact):
        m = run_protocol(std21, Protocol.parse("Set SOC to 50%; Rest for 1 s; Discharge at 1C for 10 s"),
                         thermal="isothermal",
                         overrides={"cathode_film_resistance_ohm_cm2": film_ohm_cm2, "cathode_contact_ratio": contact})
        v_rest = m.data.filter(m.data[S.STEP] == 2)[S.VOLTAGE][-1]
        pulse = m.data.filter(m.data[S.STEP] == 3)
        return (v_rest - pulse[S.VOLTAGE][-1]) / -pulse[S.CURRENT][-1]

    for contact in (1.0, 0.5):
        added = pulse_resistance(21.0, contact) - pulse_resistance(0.0, contact)
        assert added == pytest.approx(21e-4 / contact / surface_m2, rel=0.02)
