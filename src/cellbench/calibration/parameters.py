"""The model parameters a calibration can fit: design-level names, their PyBaMM inputs, scales and bounds.

Every parameter here is a PyBaMM input of the built model (see :mod:`cellbench.simulate.model_build`), so
a fit evaluates the same discretised model many times and never rebuilds it. Scale parameters
(diffusivities, exchange currents, conductivities, resistances) are fitted in log10: they span decades and
must stay positive. Activation energies and fractions are fitted as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from cellbench.errors import InputError


@dataclass(frozen=True)
class FitParameter:
    """One fittable parameter. `factor` converts the design unit to PyBaMM's SI unit."""

    name: str
    pybamm_name: str
    unit: str
    factor: float
    log: bool
    lower: float | None = None  # absolute bounds in the design unit; None: relative to the start (log: ÷100, ×100)
    upper: float | None = None
    description: str = ""

    def to_pybamm(self, value: float) -> float:
        return value * self.factor

    def from_pybamm(self, value: float) -> float:
        return value / self.factor

    def to_search(self, value: float) -> float:
        """The coordinate the optimiser moves in (log10 for scale parameters)."""
        return math.log10(value) if self.log else value

    def from_search(self, z: float) -> float:
        return 10.0**z if self.log else z

    def search_bounds(self, start: float) -> tuple[float, float]:
        if self.log:
            low = self.lower if self.lower is not None else start / 100.0
            high = self.upper if self.upper is not None else start * 100.0
            return math.log10(low), math.log10(high)
        return (self.lower if self.lower is not None else -math.inf, self.upper if self.upper is not None else math.inf)


def _p(name, pybamm_name, unit, factor, log, lower=None, upper=None, description=""):
    return FitParameter(name, pybamm_name, unit, factor, log, lower, upper, description)


_SIDES = {"cathode": "Positive", "anode": "Negative"}
_PARAMETERS: list[FitParameter] = []
for _electrode, _side in _SIDES.items():
    _PARAMETERS += [
        _p(f"{_electrode}_diffusivity_cm2_s", f"{_side} particle diffusivity at 25 C [m2.s-1]", "cm2/s", 1e-4, True,
           description=f"{_electrode} solid diffusivity at 25 °C"),
        _p(f"{_electrode}_exchange_current_density_mA_cm2",
           f"{_side} electrode exchange-current density at 25 C [A.m-2]", "mA/cm2", 10.0, True,
           description=f"{_electrode} exchange-current density at half lithiation, 1 M, 25 °C"),
        _p(f"{_electrode}_contact_ratio", f"{_side} electrode contact ratio", "", 1.0, False, 0.01, 1.0,
           description=f"fraction of the {_electrode} active surface in ionic contact"),
        _p(f"{_electrode}_film_resistance_ohm_cm2", f"{_side} electrode film resistance [Ohm.m2]", "ohm cm2", 1e-4, True,
           1e-4, 1e3, description=f"{_electrode} interfacial film resistance"),
        _p(f"{_electrode}_electronic_conductivity_S_cm", f"{_side} electrode conductivity [S.m-1]", "S/cm", 100.0, True,
           description=f"{_electrode} effective electronic conductivity"),
        _p(f"{_electrode}_active_fraction", f"{_side} electrode active material volume fraction", "", 1.0, False,
           0.3, 0.95, description=f"{_electrode} active material volume fraction (its capacity)"),
        _p(f"{_electrode}_diffusivity_activation_energy_kJ_mol",
           f"{_side} particle diffusivity activation energy [J.mol-1]", "kJ/mol", 1000.0, False, 0.0, 150.0,
           description=f"Arrhenius activation energy of the {_electrode} solid diffusivity"),
        _p(f"{_electrode}_kinetics_activation_energy_kJ_mol",
           f"{_side} electrode exchange-current activation energy [J.mol-1]", "kJ/mol", 1000.0, False, 0.0, 150.0,
           description=f"Arrhenius activation energy of the {_electrode} exchange current"),
    ]
_PARAMETERS += [
    _p("liquid_electrolyte_conductivity_S_cm", "Liquid electrolyte conductivity at 25 C [S.m-1]", "S/cm", 100.0, True,
       description="liquid electrolyte conductivity at the salt concentration, 25 °C"),
    _p("liquid_electrolyte_diffusivity_cm2_s", "Liquid electrolyte diffusivity at 25 C [m2.s-1]", "cm2/s", 1e-4, True,
       description="liquid electrolyte salt diffusivity, 25 °C"),
    _p("solid_electrolyte_conductivity_S_cm", "Solid electrolyte conductivity at 25 C [S.m-1]", "S/cm", 100.0, True,
       description="solid electrolyte ionic conductivity, 25 °C"),
    _p("electrolyte_conductivity_activation_energy_kJ_mol", "Electrolyte conductivity activation energy [J.mol-1]",
       "kJ/mol", 1000.0, False, 0.0, 150.0, description="Arrhenius activation energy of the electrolyte conductivity"),
    _p("electrolyte_diffusivity_activation_energy_kJ_mol", "Electrolyte diffusivity activation energy [J.mol-1]",
       "kJ/mol", 1000.0, False, 0.0, 150.0, description="Arrhenius activation energy of the electrolyte diffusivity"),
    _p("contact_resistance_mohm", "Contact resistance at 25 C [Ohm]", "mOhm", 1e-3, True, 0.01, 1000.0,
       description="lumped series resistance (tabs, welds, can) at 25 °C, with its Joule heat"),
    _p("contact_resistance_activation_energy_kJ_mol", "Contact resistance activation energy [J.mol-1]", "kJ/mol",
       1000.0, False, 0.0, 150.0, description="Arrhenius activation energy of the series resistance (0: constant)"),
    _p("heat_transfer_W_m2K", "Total heat transfer coefficient [W.m-2.K-1]", "W/(m2 K)", 1.0, True, 0.1, 1000.0,
       description="heat transfer coefficient from the cell surface to the ambient"),
]

#: fittable parameters by name
PARAMETERS: dict[str, FitParameter] = {p.name: p for p in _PARAMETERS}


def parameter(name: str, option: str = "--parameters") -> FitParameter:
    if name not in PARAMETERS:
        raise InputError(f"unknown parameter '{name}': expected one of {', '.join(PARAMETERS)}", location=option)
    return PARAMETERS[name]


def pybamm_values(values: dict[str, float]) -> dict[str, float]:
    """Design-level names and values (a calibration's) → the PyBaMM inputs they set."""
    return {parameter(name).pybamm_name: parameter(name).to_pybamm(value) for name, value in values.items()}


def parse_parameters(text: str | list[str], option: str = "--parameters") -> list[FitParameter]:
    """'a,b,c' (or a list) → FitParameters, in order, each once; errors name `option`."""
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    if not names:
        raise InputError("no parameter named: give at least one name", location=option)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"parameter named twice: {', '.join(duplicates)}", location=option)
    return [parameter(n, option) for n in names]


def open_parameters(fitted: Sequence[FitParameter], spread: str | Sequence[str]) -> list[FitParameter]:
    """The parameters `calibrate --spread` leaves open (none for an empty `spread`); none may also be fitted."""
    if not spread:
        return []
    out = parse_parameters(spread if isinstance(spread, str) else list(spread), "--spread")
    twice = sorted({p.name for p in fitted} & {p.name for p in out})
    if twice:
        raise InputError(f"{', '.join(twice)}: both fitted and left open; name each in one of --parameters and "
                         "--spread", location="--spread")
    return out
