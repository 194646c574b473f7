"""PyBaMM parameter functions used by every translated cell: Arrhenius-scaled transport and kinetics.

Each function reads its reference values as named PyBaMM parameters (never captured in a closure), so
the values can be PyBaMM ``[input]`` parameters: a new diffusivity, conductivity, contact ratio or film
resistance reuses the built model. Reference temperature 25 °C.
"""

from __future__ import annotations

import pybamm

GAS_CONSTANT = 8.314462618  # J/(mol K)
FARADAY = 96485.33212  # C/mol
T_REF_K = 298.15

# Nyman et al. (2008) LiPF6 in EC:EMC, c in mol/L: the shape of κ(c) and D(c) for liquid electrolytes;
# a record's own value at its salt concentration scales it (docs/simulation.md).
NYMAN_KAPPA = (0.1297, -2.51, 3.329)  # κ = a c³ + b c^1.5 + c' c  [S/m]
NYMAN_DIFFUSIVITY = (8.794e-11, -3.972e-10, 4.862e-10)  # D = a c² + b c + c'  [m²/s]


def arrhenius(activation_energy_J_mol, temperature_K):
    return pybamm.exp(activation_energy_J_mol / GAS_CONSTANT * (1.0 / T_REF_K - 1.0 / temperature_K))


def nyman_conductivity_shape(c_mol_L):
    a, b, c = NYMAN_KAPPA
    return a * c_mol_L**3 + b * c_mol_L**1.5 + c * c_mol_L


def nyman_diffusivity_shape(c_mol_L):
    a, b, c = NYMAN_DIFFUSIVITY
    return a * c_mol_L**2 + b * c_mol_L + c


# -- particles ------------------------------------------------------------------------------------------
def _diffusivity(side, sto, T):
    reference = pybamm.Parameter(f"{side} particle diffusivity at 25 C [m2.s-1]")
    energy = pybamm.Parameter(f"{side} particle diffusivity activation energy [J.mol-1]")
    return reference * arrhenius(energy, T)


def positive_particle_diffusivity(sto, T):
    return _diffusivity("Positive", sto, T)


def negative_particle_diffusivity(sto, T):
    return _diffusivity("Negative", sto, T)


def _exchange_current_density(side, c_e, c_s_surf, c_s_max, T):
    """Butler–Volmer j0 of the contacting area, per apparent particle area.

    j0 = j0_ref · (c_e/c_e,ref)^½ · (x(1−x))^½ / ½ · Arrhenius, with x the surface stoichiometry, so j0_ref is
    the value at half lithiation. Only the contact ratio θ of the surface reacts. Where the film is not
    solved exactly (see design_to_pybamm), a film of area resistance R_f adds in series with the
    charge-transfer resistance RT/(F j0), linearised: j0_eff = θ / (1/j0 + F R_f/(R T)).
    """
    reference = pybamm.Parameter(f"{side} electrode exchange-current density at 25 C [A.m-2]")
    energy = pybamm.Parameter(f"{side} electrode exchange-current activation energy [J.mol-1]")
    c_e_ref = pybamm.Parameter("Reference electrolyte concentration [mol.m-3]")
    contact = pybamm.Parameter(f"{side} electrode contact ratio")
    film = pybamm.Parameter(f"{side} electrode film resistance in kinetics [Ohm.m2]")
    x = c_s_surf / c_s_max
    j0 = reference * (c_e / c_e_ref) ** 0.5 * (x * (1 - x)) ** 0.5 / 0.5 * arrhenius(energy, T)
    return contact * j0 / (1 + j0 * film * FARADAY / (GAS_CONSTANT * T))


def positive_exchange_current_density(c_e, c_s_surf, c_s_max, T):
    return _exchange_current_density("Positive", c_e, c_s_surf, c_s_max, T)


def negative_exchange_current_density(c_e, c_s_surf, c_s_max, T):
    return _exchange_current_density("Negative", c_e, c_s_surf, c_s_max, T)


def lithium_metal_exchange_current_density(c_e, c_Li, T):
    reference = pybamm.Parameter("Lithium metal exchange-current density at 25 C [A.m-2]")
    energy = pybamm.Parameter("Lithium metal exchange-current activation energy [J.mol-1]")
    c_e_ref = pybamm.Parameter("Reference electrolyte concentration [mol.m-3]")
    return reference * (c_e / c_e_ref) ** 0.5 * arrhenius(energy, T)


# -- series resistance -------------------------------------------------------------------------------
def contact_resistance(T):
    """The lumped series resistance (PyBaMM's contact-resistance option) at cell temperature T:
    R(T) = R_25 · exp(E/R · (1/T − 1/T_ref)), rising in the cold. E = 0 (the default) keeps it constant, as
    metal tabs and welds nearly are; a fitted resistance that stands for more (films, contact between
    particles) carries that part's activation energy."""
    reference = pybamm.Parameter("Contact resistance at 25 C [Ohm]")
    energy = pybamm.Parameter("Contact resistance activation energy [J.mol-1]")
    return reference / arrhenius(energy, T)


# -- electrolytes -------------------------------------------------------------------------------------
def solid_electrolyte_conductivity(c_e, T):
    """Single-ion conductor: σ(T) = σ_25 · Arrhenius; no dependence on concentration (which stays uniform)."""
    reference = pybamm.Parameter("Solid electrolyte conductivity at 25 C [S.m-1]")
    energy = pybamm.Parameter("Electrolyte conductivity activation energy [J.mol-1]")
    return reference * arrhenius(energy, T)


def solid_electrolyte_diffusivity(c_e, T):
    # With a transference number of 1 no salt gradient forms; the value only keeps the equation well posed.
    return pybamm.Parameter("Solid electrolyte nominal diffusivity [m2.s-1]") + 0 * c_e


def liquid_electrolyte_conductivity(c_e, T):
    reference = pybamm.Parameter("Liquid electrolyte conductivity at 25 C [S.m-1]")
    energy = pybamm.Parameter("Electrolyte conductivity activation energy [J.mol-1]")
    c_ref = pybamm.Parameter("Reference electrolyte concentration [mol.m-3]") / 1000
    shape = nyman_conductivity_shape(c_e / 1000) / nyman_conductivity_shape(c_ref)
    return reference * shape * arrhenius(energy, T)


def liquid_electrolyte_diffusivity(c_e, T):
    reference = pybamm.Parameter("Liquid electrolyte diffusivity at 25 C [m2.s-1]")
    energy = pybamm.Parameter("Electrolyte diffusivity activation energy [J.mol-1]")
    c_ref = pybamm.Parameter("Reference electrolyte concentration [mol.m-3]") / 1000
    shape = nyman_diffusivity_shape(c_e / 1000) / nyman_diffusivity_shape(c_ref)
    return reference * shape * arrhenius(energy, T)


class OcpCurve:
    """An OCP table as a smooth (cubic-spline) PyBaMM function of stoichiometry.

    Linear interpolation has a kink at every table point, and the solver has to step carefully over each
    one (thousands of steps per discharge); a cubic spline through the same points is smooth.
    Picklable, and its repr names its content, so the model cache can tell two tables apart.
    """

    def __init__(self, name: str, stoichiometry, potential_V):
        import numpy as np

        self.name = name
        self.stoichiometry = np.asarray(stoichiometry, dtype=float)
        self.potential_V = np.asarray(potential_V, dtype=float)

    def __call__(self, sto):
        return pybamm.Interpolant(self.stoichiometry, self.potential_V, sto, name=self.name, interpolator="pchip")

    def __repr__(self) -> str:
        import hashlib

        digest = hashlib.sha256(self.stoichiometry.tobytes() + self.potential_V.tobytes()).hexdigest()[:16]
        return f"OcpCurve({self.name}, {digest})"
