"""How many of a segment's new vehicles are EVs and PHEVs, with liquid or all-solid-state batteries.

Two models, one answer (a list of :class:`Purchase`):

* **conjoint** — a multinomial logit over the eight attributes of the SOLiD-EV conjoint survey (power type,
  price gap to petrol, PHEV and EV electric range, running cost, resale value, fast-charge time, number of fast
  chargers); each respondent group chooses with its own part-worths and the shares are weighted by group.
  An alternative offered by only part of the market (``availability`` < 1) gets ``ln(availability)`` added
  to its utility, so a new technology's supply can ramp up after launch.
* **s_curve** — shares by year written directly (tables or logistic curves).

>>> logit_shares({"petrol": 0.0, "ev": 0.0})
{'petrol': 0.5, 'ev': 0.5}
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from cellbench.documents import parse_model
from cellbench.errors import InputError
from cellbench.scenarios.spec import (
    Alternative, Chemistry, ConjointAdoption, PartWorths, Powertrain, RespondentGroup, Segment, ShareAdoption,
)

_PART_WORTHS = resources.files("cellbench.scenarios") / "data" / "part_worths"


@dataclass(frozen=True)
class Purchase:
    """New vehicles of one kind sold in one year, and the pack energy each carries."""

    powertrain: Powertrain
    battery: Chemistry
    vehicles: float
    pack_kWh: float


@dataclass(frozen=True)
class AttributeLevels:
    """The eight conjoint attributes of one alternative in one year (power type is ``powertrain``)."""

    powertrain: Powertrain
    price_gap_10k_yen: float
    electric_range_km: float
    running_cost_10k_yen_per_year: float
    resale_value_percent: float
    fast_charge_time_min: float
    fast_chargers_thousand: float


def utility(levels: AttributeLevels, part_worths: PartWorths) -> float:
    """Systematic utility of one alternative for one respondent group.

    Range, fast-charge time and chargers only count for cars that plug in; the PHEV and EV electric
    ranges are separate attributes with separate part-worths, as in the survey.

    >>> pw = PartWorths(power_type={"petrol": 0, "phev": -1, "ev": -2}, price_gap_per_10k_yen=-0.01,
    ...     phev_range_per_km=0.01, ev_range_per_km=0.005, running_cost_per_10k_yen_year=-0.02,
    ...     resale_value_per_percent=0.02, fast_charge_time_per_min=-0.02, fast_chargers_per_10k=0.1)
    >>> round(utility(AttributeLevels("ev", 50, 400, 5, 40, 30, 30), pw), 6)  # -2 -0.5 +2 -0.1 +0.8 -0.6 +0.3
    -0.1
    """
    u = part_worths.power_type.get(levels.powertrain, 0.0)
    u += part_worths.price_gap_per_10k_yen * levels.price_gap_10k_yen
    u += part_worths.running_cost_per_10k_yen_year * levels.running_cost_10k_yen_per_year
    u += part_worths.resale_value_per_percent * levels.resale_value_percent
    if levels.powertrain == "ev":
        u += part_worths.ev_range_per_km * levels.electric_range_km
    elif levels.powertrain == "phev":
        u += part_worths.phev_range_per_km * levels.electric_range_km
    if levels.powertrain != "petrol":
        u += part_worths.fast_charge_time_per_min * levels.fast_charge_time_min
        u += part_worths.fast_chargers_per_10k * levels.fast_chargers_thousand / 10.0
    return u


def logit_shares(utilities: dict[str, float]) -> dict[str, float]:
    """Multinomial-logit choice shares ``exp(U_i) / Σ exp(U_j)`` (shifted by the largest U for stability)."""
    top = max(utilities.values())
    weights = {name: math.exp(u - top) for name, u in utilities.items()}
    total = sum(weights.values())
    return {name: w / total for name, w in weights.items()}


def pack_kWh(alternative: Alternative | None, powertrain: Powertrain, segment: Segment, year: int) -> float:
    """Pack energy: volume × Wh/L when both are given (so a pack Wh/L result changes it), else the
    alternative's own figure, else the segment default (EV 60 kWh, PHEV 15 kWh)."""
    if alternative is not None:
        if alternative.pack_volume_L is not None and alternative.pack_Wh_per_L is not None:
            return alternative.pack_volume_L.at(year) * alternative.pack_Wh_per_L.at(year) / 1000.0
        if alternative.pack_kWh is not None:
            return alternative.pack_kWh.at(year)
    return (segment.ev_pack_kWh if powertrain == "ev" else segment.phev_pack_kWh).at(year)


def electric_range_km(alternative: Alternative, segment: Segment, year: int) -> float:
    """Electric range as written, or pack kWh × 1000 / consumption Wh/km."""
    if alternative.electric_range_km is not None:
        return alternative.electric_range_km.at(year)
    energy = pack_kWh(alternative, alternative.powertrain, segment, year)
    consumption = alternative.consumption_Wh_per_km.at(year)
    if consumption <= 0:
        raise InputError(f"field 'consumption_Wh_per_km' is {consumption:g} in {year}; expected above zero")
    return energy * 1000.0 / consumption


def attribute_levels(alternative: Alternative, segment: Segment, model: ConjointAdoption, year: int) -> AttributeLevels:
    plug_in = alternative.powertrain != "petrol"
    return AttributeLevels(
        powertrain=alternative.powertrain,
        price_gap_10k_yen=alternative.price_gap_10k_yen.at(year) - alternative.subsidy_10k_yen.at(year),
        electric_range_km=electric_range_km(alternative, segment, year) if plug_in else 0.0,
        running_cost_10k_yen_per_year=alternative.running_cost_10k_yen_per_year.at(year),
        resale_value_percent=alternative.resale_value_percent.at(year),
        fast_charge_time_min=(alternative.fast_charge_time_min.at(year)
                              if plug_in and alternative.fast_charge_time_min is not None else 0.0),
        fast_chargers_thousand=model.fast_chargers_thousand.at(year) if plug_in else 0.0,
    )


def conjoint_shares(model: ConjointAdoption, segment: Segment, year: int) -> dict[str, float]:
    """Share of the segment's new-vehicle sales taken by each alternative on sale in ``year``."""
    on_sale = {name: alt for name, alt in model.alternatives.items()
               if alt.available_from is None or year >= alt.available_from}
    on_sale = {name: alt for name, alt in on_sale.items() if alt.availability.at(year) > 0}
    if not on_sale:
        return {}
    levels = {name: attribute_levels(alt, segment, model, year) for name, alt in on_sale.items()}
    log_availability = {name: math.log(alt.availability.at(year)) for name, alt in on_sale.items()}
    plug_ins = {name for name, alt in on_sale.items() if alt.powertrain != "petrol"}
    shares = {name: 0.0 for name in on_sale}
    for group in respondent_groups(model.part_worths):
        group_shares = nested_logit_shares({name: utility(lv, group.part_worths) + log_availability[name]
                                            for name, lv in levels.items()}, plug_ins, model.plug_in_nest_lambda)
        for name, share in group_shares.items():
            shares[name] += group.weight * share
    return shares


def nested_logit_shares(utilities: dict[str, float], nest: set[str], nest_lambda: float) -> dict[str, float]:
    """Two-level nested logit: the alternatives in ``nest`` (the plug-ins) share a nest with dissimilarity
    ``nest_lambda`` (0 < λ ≤ 1); the others stand alone. λ = 1 is the plain multinomial logit; a smaller λ makes
    plug-ins closer substitutes for each other than for petrol cars, so an improved plug-in draws more of its
    buyers from other plug-ins.

    ``P(i) = P(nest) · exp(U_i/λ) / Σ_nest exp(U_j/λ)`` with the nest's utility ``λ · ln Σ_nest exp(U_j/λ)``.

    >>> shares = nested_logit_shares({"petrol": 0.0, "ev_a": 0.0, "ev_b": 0.0}, {"ev_a", "ev_b"}, 0.5)
    >>> round(shares["petrol"], 4)   # nest utility 0.5·ln 2 = 0.3466 → petrol 1/(1 + √2)
    0.4142
    """
    members = [n for n in utilities if n in nest]
    if nest_lambda == 1.0 or len(members) < 2:
        return logit_shares(utilities)
    top = max(utilities[n] for n in members)
    inside = {n: math.exp((utilities[n] - top) / nest_lambda) for n in members}
    total_inside = sum(inside.values())
    nest_utility = top + nest_lambda * math.log(total_inside)
    upper = logit_shares({**{n: u for n, u in utilities.items() if n not in nest}, "__nest__": nest_utility})
    shares = {n: upper[n] for n in utilities if n not in nest}
    shares.update({n: upper["__nest__"] * inside[n] / total_inside for n in members})
    return shares


def purchases(segment: Segment, market_vehicles: float, year: int) -> list[Purchase]:
    """Plug-in vehicles sold in one segment and year, by powertrain and chemistry."""
    model = segment.adoption
    if isinstance(model, ConjointAdoption):
        shares = conjoint_shares(model, segment, year)
        return [Purchase(alt.powertrain, alt.battery, market_vehicles * shares[name],
                         pack_kWh(alt, alt.powertrain, segment, year))
                for name, alt in model.alternatives.items() if name in shares and alt.powertrain != "petrol"]
    return _share_purchases(model, segment, market_vehicles, year)


def _share_purchases(model: ShareAdoption, segment: Segment, market_vehicles: float, year: int) -> list[Purchase]:
    xev = market_vehicles * model.xev_share.at(year)
    assb = xev * model.assb_share.at(year)
    liquid = xev - assb
    ev_fraction = model.ev_fraction.at(year)
    assb_ev_fraction = (model.assb_ev_fraction or model.ev_fraction).at(year)
    return [
        Purchase("ev", "liquid", liquid * ev_fraction, pack_kWh(None, "ev", segment, year)),
        Purchase("phev", "liquid", liquid * (1 - ev_fraction), pack_kWh(None, "phev", segment, year)),
        Purchase("ev", "assb", assb * assb_ev_fraction, pack_kWh(None, "ev", segment, year)),
        Purchase("phev", "assb", assb * (1 - assb_ev_fraction), pack_kWh(None, "phev", segment, year)),
    ]


def respondent_groups(part_worths: str | list[RespondentGroup]) -> list[RespondentGroup]:
    """Inline groups, or a packaged part-worth set by name (``data/part_worths/<name>.yaml``)."""
    if isinstance(part_worths, list):
        return part_worths
    return list(_packaged_part_worths(part_worths))


@cache
def _packaged_part_worths(name: str) -> tuple[RespondentGroup, ...]:
    resource = _PART_WORTHS / f"{name}.yaml"
    if not resource.is_file():
        known = sorted(p.name.removesuffix(".yaml") for p in _PART_WORTHS.iterdir() if p.name.endswith(".yaml"))
        raise InputError(f"field 'part_worths': no packaged part-worth set '{name}' (known: {', '.join(known)})")
    data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    groups = [parse_model(RespondentGroup, g, source=str(resource)) for g in data["groups"]]
    total = sum(g.weight for g in groups)
    if abs(total - 1.0) > 1e-6:
        raise InputError(f"respondent group weights sum to {total * 100:.4g}%, expected 100%", source=str(resource))
    return tuple(groups)
