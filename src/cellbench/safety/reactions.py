"""Arrhenius decomposition reactions of a charged cell, as data, and the heat they release.

Three rate laws cover the lumped abuse models of Hatchard et al. (2001) and Kim et al. (2007):

- ``nth_order``: ``dc/dt = -A exp(-Ea/RT) c^n`` (SEI decomposition, electrolyte decomposition)
- ``sei_inhibited``: ``dc/dt = -A exp(-z/z_ref) c^n exp(-Ea/RT)`` with the passivating layer growing as
  ``dz/dt = -dc/dt`` (lithiated anode reacting with electrolyte through its SEI)
- ``autocatalytic``: ``dα/dt = A α (1-α) exp(-Ea/RT)`` (charged cathode reacting with electrolyte)

Each reaction releases ``heat_J_per_g × reactant_kg_per_kg_cell`` per unit of conversion, so the self-heating
rate of the cell is ``Σ q_i / cp`` in K/s. Reaction sets live in ``safety/data/reactions/*.yaml`` with sources.

>>> chem = load_chemistry("liquid_lco_graphite")
>>> round(chem.adiabatic_temperature_rise_C(cp_J_per_kgK=1000.0))
480
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.documents import load_model
from cellbench.errors import NotFound

GAS_CONSTANT = 8.314462618  # J/(mol K)
REACTIONS_DIR = Path(__file__).parent / "data" / "reactions"


class Reaction(BaseModel):
    """One exothermic decomposition reaction with Arrhenius kinetics."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    rate_law: Literal["nth_order", "sei_inhibited", "autocatalytic"]
    frequency_factor_per_s: float = Field(gt=0)
    activation_energy_J_per_mol: float = Field(gt=0)
    heat_J_per_g: float = Field(ge=0)
    reactant_kg_per_kg_cell: float = Field(gt=0, le=1)
    initial_fraction: float = Field(ge=0, le=1, description="c0 (remaining) or α0 (conversion, autocatalytic)")
    order: float = Field(default=1.0, gt=0)
    initial_sei_thickness: float | None = Field(default=None, ge=0)
    reference_sei_thickness: float | None = Field(default=None, gt=0)
    source: str

    @model_validator(mode="after")
    def _sei_fields(self) -> "Reaction":
        if self.rate_law == "sei_inhibited" and (self.initial_sei_thickness is None
                                                 or self.reference_sei_thickness is None):
            raise ValueError("an sei_inhibited reaction needs initial_sei_thickness and reference_sei_thickness")
        return self

    @property
    def specific_heat_J_per_kg_cell(self) -> float:
        """Heat released per kg of cell per unit change of the reaction variable."""
        return self.heat_J_per_g * 1000.0 * self.reactant_kg_per_kg_cell

    def initial_state(self) -> list[float]:
        if self.rate_law == "sei_inhibited":
            return [self.initial_fraction, self.initial_sei_thickness]
        return [self.initial_fraction]

    def available_extent(self) -> float:
        """How far the reaction variable can still move (c0 for consumption, 1-α0 for conversion)."""
        return 1.0 - self.initial_fraction if self.rate_law == "autocatalytic" else self.initial_fraction

    def rate_per_s(self, temperature_K: float, state: np.ndarray) -> float:
        """Rate of change of the reaction variable's extent (≥ 0), 1/s."""
        k = self.frequency_factor_per_s * np.exp(-self.activation_energy_J_per_mol / (GAS_CONSTANT * temperature_K))
        if self.rate_law == "autocatalytic":
            alpha = min(max(state[0], 0.0), 1.0)
            return k * alpha * (1.0 - alpha)
        c = max(state[0], 0.0)
        rate = k * c**self.order
        if self.rate_law == "sei_inhibited":
            rate *= np.exp(-state[1] / self.reference_sei_thickness)
        return rate

    def derivative(self, rate: float) -> list[float]:
        """d(state)/dt given the rate."""
        if self.rate_law == "autocatalytic":
            return [rate]
        if self.rate_law == "sei_inhibited":
            return [-rate, rate]
        return [-rate]


class Chemistry(BaseModel):
    """A named set of decomposition reactions for one cell chemistry."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    version: int = Field(ge=1)
    name: str
    cell_kind: Literal["liquid", "all_solid_state"]
    reactions: list[Reaction] = Field(min_length=1)

    def initial_state(self) -> np.ndarray:
        return np.array([v for r in self.reactions for v in r.initial_state()], dtype=float)

    def slices(self) -> list[slice]:
        out, start = [], 0
        for r in self.reactions:
            n = len(r.initial_state())
            out.append(slice(start, start + n))
            start += n
        return out

    def heat_and_derivative(self, temperature_K: float, state: np.ndarray) -> tuple[float, np.ndarray]:
        """Reaction heat (W per kg of cell) and d(state)/dt at one instant."""
        heat = 0.0
        dstate = np.empty_like(state)
        for reaction, part in zip(self.reactions, self.slices()):
            rate = reaction.rate_per_s(temperature_K, state[part])
            heat += reaction.specific_heat_J_per_kg_cell * rate
            dstate[part] = reaction.derivative(rate)
        return heat, dstate

    def heat_by_reaction_W_per_kg(self, temperature_K: float, state: np.ndarray) -> dict[str, float]:
        return {r.name: r.specific_heat_J_per_kg_cell * r.rate_per_s(temperature_K, state[part])
                for r, part in zip(self.reactions, self.slices())}

    def adiabatic_temperature_rise_C(self, cp_J_per_kgK: float) -> float:
        """Temperature rise if every reaction ran to completion with no heat loss (a hand-checkable bound)."""
        return sum(r.specific_heat_J_per_kg_cell * r.available_extent() for r in self.reactions) / cp_J_per_kgK


def list_chemistries() -> list[str]:
    return sorted(p.stem for p in REACTIONS_DIR.glob("*.yaml"))


def load_chemistry(name_or_path: str | Path) -> Chemistry:
    """A built-in reaction set by id (``liquid_lco_graphite``, ``sulfide_assb_ncm_graphite``) or a YAML path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        return load_model(Chemistry, path)
    builtin = REACTIONS_DIR / f"{name_or_path}.yaml"
    if not builtin.exists():
        raise NotFound(f"no reaction set '{name_or_path}'; built-in: {', '.join(list_chemistries())}, "
                       "or give a path to a YAML file")
    return load_model(Chemistry, builtin)
