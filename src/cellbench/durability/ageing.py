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
from typing import Callable, Literal

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


class Driver(BaseModel):
    """What drives an interphase term: the electrolyte's reduction at the anode or oxidation at the cathode.

    The term's rate scales with the driving force, the electrode potential at full charge beyond the electrolyte's
    stability limit (Wagner: a film's growth constant is proportional to the potential across it), relative to
    the force the law was written for; no force, no reaction. See :mod:`cellbench.durability.interphase`."""

    model_config = ConfigDict(extra="forbid")
    reaction: Literal["reduction", "oxidation"]
    reference_driving_force_V: float = Field(gt=0)


class AgeingTerm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    mechanism: str
    quantity: Quantity
    calendar: RateLaw | None = None
    cycle: RateLaw | None = None
    driver: Driver | None = None
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
    >>> round(rows[0]["retention"], 6), rows[1]["retention"] < 0.99
    (1.0, True)
    """
    from cellbench.durability.interphase import material_laws, require_assessed

    laws, found = material_laws(design, laws)
    require_assessed(found)
    rows, state, previous = [], AgeingState(), 0.0
    for day in checkups_days:
        state = age(laws, [Storage(day - previous, temperature_C, soc)], state)
        previous = day
        rows.append({"time_days": day, "temperature_C": temperature_C, "soc": soc,
                     "retention": low_rate_retention(design, state), **state.as_dict()})
    return rows


FARADAY = 96485.33212
#: mean state of charge of a cell in full charge-discharge cycles (for the calendar ageing during cycling)
CYCLING_MEAN_SOC = 0.5


def _electrode_Ah_per_stoichiometry(pv, side: str) -> float:
    """Ah stored per unit stoichiometry of one electrode: ε_active · c_max · thickness · area · F / 3600."""
    area = pv["Electrode width [m]"] * pv["Electrode height [m]"] * pv[
        "Number of electrodes connected in parallel to make a cell"]
    return (pv[f"{side} electrode active material volume fraction"] * pv[f"Maximum concentration in {side.lower()} "
            "electrode [mol.m-3]"] * pv[f"{side} electrode thickness [m]"] * area * FARADAY / 3600.0)


def aged_cell(design, state: AgeingState, overrides: dict[str, float] | None = None):
    """The design's PyBaMM cell after ageing: less cyclable lithium (the electrodes' stoichiometries at the full and
    empty states slide, found on the design's OCP tables with the same charge cut-off voltage), less active
    material (the active volume fractions shrink), a cathode film grown by `cathode_film_resistance_ohm_cm2`
    and a contact ratio lowered by `cathode_contact_loss`.

    The rated capacity that defines C-rates stays the fresh one, as on a real cycler.
    """
    from cellbench.durability.electrode_balance import ElectrodeBalance, Electrodes
    from cellbench.simulate import to_pybamm
    from cellbench.simulate.design_to_pybamm import with_overrides

    fresh = to_pybamm(design, overrides)
    pv = fresh.parameter_values
    film = design.film_resistance_ohm_cm2("cathode") + state.cathode_film_resistance_ohm_cm2
    contact = float(pv["Positive electrode contact ratio"]) if "Positive electrode contact ratio" in pv.keys() else 1.0
    cell = with_overrides(fresh, {"cathode_film_resistance_ohm_cm2": film,
                                  "cathode_contact_ratio": contact * (1.0 - state.cathode_contact_loss)})
    if "negative" not in fresh.stoichiometry_0_100:
        # lithium-metal anode: the metal's excess supplies the lithium lost, so only cathode material is lost
        pv = cell.parameter_values
        pv.update({"Positive electrode active material volume fraction":
                   pv["Positive electrode active material volume fraction"] * (1.0 - state.lam_cathode)})
        return cell
    (_, x100), (y0, y100) = fresh.stoichiometry_0_100["negative"], fresh.stoichiometry_0_100["positive"]
    balance = ElectrodeBalance(Electrodes.of(design), _electrode_Ah_per_stoichiometry(pv, "Positive"), y100,
                               _electrode_Ah_per_stoichiometry(pv, "Negative"), x100, 0.0, 0.0)
    balance = replace(balance, voltage_top_V=float(balance.ocv(0.0)),
                      voltage_bottom_V=float(balance.ocv((y0 - y100) * balance.cathode_Ah)))
    aged = balance.aged(lli=state.lli, lam_cathode=state.lam_cathode, lam_anode=state.lam_anode)
    q = aged.capacity_Ah()
    pv = cell.parameter_values
    for side, lost in (("Positive", state.lam_cathode), ("Negative", state.lam_anode)):
        name = f"{side} electrode active material volume fraction"
        pv.update({name: pv[name] * (1.0 - lost)})
    return replace(cell, name=f"{fresh.name} (aged)", stoichiometry_0_100={
        "negative": (aged.anode_full - q / aged.anode_Ah, aged.anode_full),
        "positive": (aged.cathode_full + q / aged.cathode_Ah, aged.cathode_full)})


#: The check-up the diagnosis reads: a C/20 discharge from full charge, logged in 30-minute segments (the
#: simulator writes its adaptive steps only, sparse on a smooth curve; segments keep the dV/dQ features
#: sampled), then a 10 s 1C pulse at 50 % SOC after a rest.
DIAGNOSTIC_CHECKUP = "; ".join(["Discharge at C/20 for 30 minutes"] * 28) + (
    "; Discharge at C/20 until Vmin; Set SOC to 50%; Rest for 10 minutes; Discharge at 1C for 10 seconds")
#: The programme's retention check (1/3C at 25 °C) and a 10 s 1C pulse at 50 % SOC for DC-IR.
CAPACITY_CHECKUP = ("Discharge at C/3 until Vmin; Set SOC to 50%; Rest for 10 minutes; "
                    "Discharge at 1C for 10 seconds")


def simulate_checkup(design, state: AgeingState, *, protocol: str = CAPACITY_CHECKUP, model: str = "spm",
                     temperature_C: float = 25.0):
    """Run a check-up protocol on the aged cell (virtual cycler); returns the Measurement."""
    from cellbench.simulate import simulate

    return simulate(aged_cell(design, state), protocol, model=model, thermal="isothermal", temperature_C=temperature_C)


def checkup_figures(measurement) -> dict[str, float]:
    """Capacity of the first discharge and mean DC-IR of the 10 s discharge pulses of a check-up."""
    import polars as pl

    from cellbench.analysis import pulse_resistance, step_table

    steps = step_table(measurement).filter(pl.col("step_type") == "discharge")
    pulses = pulse_resistance(measurement, after_s=10.0).filter(pl.col("direction") == "discharge")
    return {"capacity_Ah": float(steps["discharge_capacity_Ah"][0]),
            "resistance_ohm": float(pulses["resistance_ohm"].mean()) if pulses.height else float("nan")}


@dataclass
class CheckupPlan:
    """The check-ups of an ageing test before they are simulated: one aged cell per check-up, the protocol they
    all run, and the rows (time or throughput, the ageing state) their figures complete. Planning is analytic (the
    laws); the simulations can then run anywhere, e.g. in the evaluation's worker pool with everything else."""

    kind: str
    rows: list[dict[str, float]]
    cells: list
    protocol: str = CAPACITY_CHECKUP
    options: dict = field(default_factory=lambda: {"model": "spm", "thermal": "isothermal", "temperature_C": 25.0})

    def jobs(self) -> list[tuple]:
        """(cell, protocol, options) per check-up, as :func:`cellbench.simulate.simulate_many` takes them."""
        return [(cell, self.protocol, dict(self.options)) for cell in self.cells]

    def finish(self, measurements: list) -> list[dict[str, float]]:
        """The rows with each check-up's figures, capacity retention and resistance growth against the first."""
        rows = [{**row, **checkup_figures(m)} for row, m in zip(self.rows, measurements)]
        for row in rows:
            row["capacity_retention"] = row["capacity_Ah"] / rows[0]["capacity_Ah"]
            row["resistance_growth"] = row["resistance_ohm"] / rows[0]["resistance_ohm"] - 1.0
        return rows


def plan_ageing_test(design, laws: AgeingLaws, *, kind: Literal["storage", "cycle"], temperature_C: float,
                     checkpoints: list[float], soc: float = 1.0, c_rate: float = 1.0,
                     cycles_per_day: float | None = None, model: str = "spm") -> CheckupPlan:
    """The check-ups of :func:`ageing_test`, not yet simulated (same arguments)."""
    from cellbench.durability.interphase import material_laws, require_assessed

    laws, found = material_laws(design, laws)
    require_assessed(found)
    rows, cells, state, previous = [], [], AgeingState(), 0.0
    for point in checkpoints:
        step = point - previous
        if kind == "storage":
            periods = [Storage(step, temperature_C, soc)]
        else:
            periods = [Cycling(step, temperature_C, c_rate)]
            if cycles_per_day:   # the cell also ages with time while it cycles
                periods.append(Storage(step / cycles_per_day, temperature_C, CYCLING_MEAN_SOC))
        state = age(laws, periods, state)
        previous = point
        row = {"days" if kind == "storage" else "equivalent_full_cycles": point, **state.as_dict()}
        if kind == "cycle" and cycles_per_day:
            row["days"] = point / cycles_per_day
        rows.append(row)
        cells.append(aged_cell(design, state))
    return CheckupPlan(kind, rows, cells, options={"model": model, "thermal": "isothermal", "temperature_C": 25.0})


def ageing_test(design, laws: AgeingLaws, *, kind: Literal["storage", "cycle"], temperature_C: float,
                checkpoints: list[float], soc: float = 1.0, c_rate: float = 1.0, cycles_per_day: float | None = None,
                model: str = "spm", progress: Callable[[int, int], None] | None = None) -> list[dict[str, float]]:
    """A storage or cycle-ageing test on the virtual cycler: the laws age the cell between check-ups, and each
    check-up (1/3C capacity and 10 s pulse at 25 °C) is simulated on the aged cell.

    checkpoints: days of storage, or equivalent full cycles for a cycle test (with `cycles_per_day` to also
    report days, and to add the calendar ageing of that time at the cycling's mean SOC of 50 %). Returns one row
    per check-up with capacity retention and resistance growth against the first. `progress(done, total)` is
    called as each check-up simulation ends (for a progress bar).

    The laws' interphase terms are first scaled to the design's materials
    (:func:`cellbench.durability.interphase.material_laws`); a design whose materials lack the data a term needs
    raises :class:`~cellbench.durability.interphase.NotAssessed` before any simulation.

    >>> from cellbench import cells
    >>> rows = ageing_test(cells.load("std-2.1"), load_laws(), kind="storage", temperature_C=45,
    ...                    checkpoints=[0, 42])                      # PyBaMM ageing runs, minutes  # doctest: +SKIP
    >>> round(rows[-1]["capacity_retention"], 3)                                       # doctest: +SKIP
    0.95
    """
    from cellbench.simulate import simulate

    plan = plan_ageing_test(design, laws, kind=kind, temperature_C=temperature_C, checkpoints=checkpoints, soc=soc,
                            c_rate=c_rate, cycles_per_day=cycles_per_day, model=model)
    jobs = plan.jobs()
    runs = []
    for cell, protocol, options in jobs:
        runs.append(simulate(cell, protocol, **options))
        if progress is not None:
            progress(len(runs), len(jobs))
    return plan.finish(runs)
