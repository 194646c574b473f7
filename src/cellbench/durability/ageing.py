"""Ageing of a cell design: empirical rate laws per degradation mechanism, applied between check-up simulations.

Each term of ``data/ageing-laws.yaml`` grows one quantity of the degradation-factor map (lithium inventory lost
to SE reduction, cathode film resistance from SE oxidation, contact lost to cracking, cathode active material
isolated) as a power law of storage time or charge throughput, with Arrhenius, SOC and C-rate stress factors.
An :class:`AgeingState` is the sum of those quantities; :func:`aged_cell` turns it into a PyBaMM cell with less
lithium, less active material, a thicker cathode film and a lower contact ratio, on which the virtual cycler
runs the 1/3C capacity check and the pulse like on any other cell.

>>> laws = load_laws()
>>> state = age(laws, [Storage(days=42, temperature_C=45, soc=1.0)])
>>> round(state.lli, 4)
0.0336
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cellbench.documents import load_model

BUNDLED_LAWS = Path(__file__).parent / "data" / "ageing-laws.yaml"
GAS_CONSTANT = 8.314462618
KELVIN = 273.15
Quantity = Literal["lli", "lam_cathode", "lam_anode", "cathode_film_resistance_ohm_cm2", "cathode_contact_loss"]


class RateLaw(BaseModel):
    """amount = k_ref · exp(−Ea/R (1/T − 1/T_ref)) · exp(soc_stress (SOC − 0.5)) · exp(c_rate_stress (C − 1)) · x^exponent"""

    model_config = ConfigDict(extra="forbid")
    k_ref: float = Field(ge=0)
    activation_energy_kJ_mol: float
    soc_stress: float = 0.0
    c_rate_stress: float = 0.0
    exponent: float = Field(gt=0, le=1.5)

    def rate(self, temperature_C: float, reference_C: float, *, soc: float = 0.5, c_rate: float = 1.0) -> float:
        arrhenius = math.exp(-self.activation_energy_kJ_mol * 1000.0 / GAS_CONSTANT
                             * (1.0 / (temperature_C + KELVIN) - 1.0 / (reference_C + KELVIN)))
        return (self.k_ref * arrhenius * math.exp(self.soc_stress * (soc - 0.5))
                * math.exp(self.c_rate_stress * (c_rate - 1.0)))


class AgeingTerm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    mechanism: str
    quantity: Quantity
    calendar: RateLaw | None = None
    cycle: RateLaw | None = None
    sources: list[str] = Field(default_factory=list)


class AgeingLaws(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    reference_temperature_C: float = 25.0
    sources: dict[str, str] = Field(default_factory=dict)
    terms: list[AgeingTerm]


def load_laws(path: str | Path | None = None) -> AgeingLaws:
    """The bundled (illustrative) laws or a user's fitted laws file of the same shape."""
    return load_model(AgeingLaws, path or BUNDLED_LAWS)


@dataclass(frozen=True)
class Storage:
    """Open-circuit storage for `days` at `temperature_C` and `soc` (0..1)."""

    days: float
    temperature_C: float
    soc: float


@dataclass(frozen=True)
class Cycling:
    """Cycling for `equivalent_full_cycles` at `temperature_C` and `c_rate`."""

    equivalent_full_cycles: float
    temperature_C: float
    c_rate: float = 1.0


@dataclass
class AgeingState:
    """Accumulated damage: fractions lost (lli, lam_*, cathode_contact_loss) and film resistance added."""

    lli: float = 0.0
    lam_cathode: float = 0.0
    lam_anode: float = 0.0
    cathode_film_resistance_ohm_cm2: float = 0.0
    cathode_contact_loss: float = 0.0
    # the "equivalent exposure" of each term and kind, so that later periods continue the same power law
    exposure: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("lli", "lam_cathode", "lam_anode", "cathode_film_resistance_ohm_cm2",
                                               "cathode_contact_loss")}


def age(laws: AgeingLaws, periods: list[Storage | Cycling], state: AgeingState | None = None) -> AgeingState:
    """Apply storage and cycling periods in order. A power law is continued across changing conditions by the
    equivalent-exposure rule: the damage a term already has is converted into the time (or throughput) that
    the new condition would need to reach it, and the period adds to that."""
    state = replace(state or AgeingState(), exposure=dict((state or AgeingState()).exposure))
    for period in periods:
        kind = "calendar" if isinstance(period, Storage) else "cycle"
        x_new = period.days if kind == "calendar" else period.equivalent_full_cycles
        for term in laws.terms:
            law = getattr(term, kind)
            if law is None or x_new <= 0:
                continue
            if kind == "calendar":
                k = law.rate(period.temperature_C, laws.reference_temperature_C, soc=period.soc)
            else:
                k = law.rate(period.temperature_C, laws.reference_temperature_C, c_rate=period.c_rate)
            key = f"{term.id}:{kind}"
            done = state.exposure.get(key, 0.0)  # damage from this term and kind so far
            x_equivalent = (done / k) ** (1.0 / law.exponent) if k > 0 else 0.0
            added = k * (x_equivalent + x_new) ** law.exponent - done
            state.exposure[key] = done + added
            setattr(state, term.quantity, getattr(state, term.quantity) + added)
    return state


def low_rate_retention(design, state: AgeingState) -> float:
    """Capacity retention at low rate implied by the state's lithium and active-material losses (the electrode
    balance charged to the same top voltage and discharged to the fresh cell's bottom voltage)."""
    from cellbench.durability.electrode_balance import ElectrodeBalance

    fresh = ElectrodeBalance.from_design(design)
    aged = fresh.aged(lli=state.lli, lam_cathode=state.lam_cathode, lam_anode=state.lam_anode)
    return aged.capacity_Ah() / fresh.capacity_Ah()


def storage_test(design, laws: AgeingLaws, *, temperature_C: float, soc: float, checkups_days: list[float]
                 ) -> list[dict[str, float]]:
    """Retention (low-rate, from the electrode balance) and state at each check-up of a storage test.

    >>> from cellbench import cells
    >>> rows = storage_test(cells.load("std-2.1"), load_laws(), temperature_C=45, soc=1.0, checkups_days=[0, 42])
    >>> rows[0]["retention"], rows[1]["retention"] < 0.99
    (1.0, True)
    """
    rows, state, previous = [], AgeingState(), 0.0
    for day in checkups_days:
        state = age(laws, [Storage(day - previous, temperature_C, soc)], state)
        previous = day
        rows.append({"time_days": day, "temperature_C": temperature_C, "soc": soc,
                     "retention": low_rate_retention(design, state), **state.as_dict()})
    return rows
