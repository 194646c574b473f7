"""Accuracy against the reference implementation: cellbench's one-model-per-structure path (inputs, unified
control) gives what plain PyBaMM gives with the same parameter values, and its fluxes cross an interface where
the effective conductivity jumps as two resistances in series."""

import pybamm
import pytest

from cellbench.measurements import schema as S
from cellbench.protocols import Protocol
from cellbench.simulate import run_protocol
from cellbench.simulate.model_build import FluxFiniteVolume

KELVIN = 273.15


def plain_pybamm_1c_capacity_Ah(cell, temperature_C: float) -> float:
    """A constant-current 1C discharge to the cell's Vmin in a DFN built the ordinary way: every parameter a
    number, PyBaMM's own current control, voltage event and spatial methods, tight tolerances."""
    values = cell.parameter_values.copy()
    values.update(cell.initial_concentrations(1.0))
    values.update({"Ambient temperature [K]": temperature_C + KELVIN, "Initial temperature [K]": temperature_C + KELVIN,
                   "Current function [A]": cell.nominal_capacity_Ah, "Lower voltage cut-off [V]": cell.voltage_min_V})
    model = pybamm.lithium_ion.DFN({"thermal": "isothermal", **cell.model_options})
    solution = pybamm.Simulation(model, parameter_values=values,
                                 solver=pybamm.IDAKLUSolver(rtol=1e-7, atol=1e-9)).solve([0, 1.5 * 3600])
    assert solution.termination == "event: Minimum voltage [V]"
    return float(solution["Discharge capacity [A.h]"].entries[-1])


@pytest.mark.slow
@pytest.mark.parametrize("temperature_C", [-20.0, 25.0])
def test_std21_1c_capacity_matches_plain_pybamm(std21, temperature_C):
    """At −20 °C std-2.1's electrolyte resistance sits mostly at the composite|separator interfaces; cellbench
    averaged the conductivity there arithmetically and gave 3.4 % more capacity (4.129 against 3.994 mAh)."""
    ours = run_protocol(std21, Protocol.parse("Set SOC to 100%; Discharge at 1C until Vmin"),
                        temperature_C=temperature_C, thermal="isothermal")
    assert ours.metadata.extra["steps"][-1]["ended_by"] == "lower voltage cut-off"
    reference = plain_pybamm_1c_capacity_Ah(std21, temperature_C)
    assert ours.data[S.DISCHARGE_CAPACITY][-1] == pytest.approx(reference, rel=1e-3)


def two_layer_flux(k_left: float, k_right: float, method=FluxFiniteVolume) -> float:
    """Steady flux q = k·(−∇u) through two layers (0–0.3 and 0.3–1) with u = 1 and 0 at the ends; k of each
    layer an input parameter, as cellbench's conductivities are."""
    x_left = pybamm.SpatialVariable("x_left", domain="left", coord_sys="cartesian")
    x_right = pybamm.SpatialVariable("x_right", domain="right", coord_sys="cartesian")
    u = pybamm.Variable("u", domain=["left", "right"])
    k = pybamm.concatenation(pybamm.PrimaryBroadcast(pybamm.InputParameter("k left"), "left"),
                             pybamm.PrimaryBroadcast(pybamm.InputParameter("k right"), "right"))
    flux = k * (-pybamm.grad(u))
    model = pybamm.BaseModel()
    model.algebraic = {u: pybamm.div(flux)}
    model.initial_conditions = {u: pybamm.Scalar(0.5)}
    model.boundary_conditions = {u: {"left": (pybamm.Scalar(1.0), "Dirichlet"),
                                     "right": (pybamm.Scalar(0.0), "Dirichlet")}}
    model.variables = {"flux": flux}
    geometry = {"left": {x_left: {"min": pybamm.Scalar(0.0), "max": pybamm.Scalar(0.3)}},
                "right": {x_right: {"min": pybamm.Scalar(0.3), "max": pybamm.Scalar(1.0)}}}
    mesh = pybamm.Mesh(geometry, {"left": pybamm.Uniform1DSubMesh, "right": pybamm.Uniform1DSubMesh},
                       {x_left: 3, x_right: 7})
    pybamm.Discretisation(mesh, {"left": method(), "right": method()}).process_model(model)
    solution = pybamm.NonlinearSolver().solve(model, [0], inputs={"k left": k_left, "k right": k_right})
    return solution["flux"].entries[:, 0]


def test_flux_through_two_layers_is_their_series_conductance():
    # a composite electrode's ε^b beside a separator's: the exact answer is ΔU / (L1/k1 + L2/k2)
    flux = two_layer_flux(0.07, 0.9)
    assert flux == pytest.approx([1.0 / (0.3 / 0.07 + 0.7 / 0.9)] * len(flux), rel=1e-9)
    # equal conductivities: nothing to average, the same as PyBaMM's own finite volumes
    assert two_layer_flux(0.5, 0.5) == pytest.approx(two_layer_flux(0.5, 0.5, method=pybamm.FiniteVolume), rel=1e-12)
