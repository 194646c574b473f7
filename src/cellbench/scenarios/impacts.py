"""Per-year impacts of a fleet: battery revenue, CO₂ saved, metals recoverable at end of life, fast chargers.

Pure arithmetic on numbers; the calculator feeds it the fleet series.

>>> battery_revenue_billion_yen(27.2, 10_000)    # 27.2 GWh at 10,000 yen/kWh
272.0
>>> recoverable_metals_t(1.0, {"Ni": 0.669}, {"Ni": 0.95})   # 1 GWh of packs
{'Ni': 635.55}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources

import yaml

from cellbench.errors import InputError
from cellbench.scenarios.spec import CO2FromEnergy, CO2PerVehicle, Chemistry, Powertrain

_DATA = resources.files("cellbench.scenarios") / "data"

RecoveryRates = Mapping[str, float] | Callable[[Chemistry, int], Mapping[str, float]]
"""Recovery rate (0–1) per metal, or a function of (chemistry, year) giving them — the hook through which a
recycling route (pyro-, hydrometallurgy, direct recycling) supplies its own rates."""


def battery_revenue_billion_yen(battery_GWh: float, pack_price_yen_per_kWh: float) -> float:
    """Pack sales revenue: GWh × 1e6 kWh/GWh × yen/kWh ÷ 1e9 yen per billion."""
    return battery_GWh * 1e6 * pack_price_yen_per_kWh / 1e9


@cache
def grid_gCO2_per_kWh(country: str) -> float:
    """The project's grid intensity for an ISO country code (cellbench.sustainability's CFP factors), g/kWh."""
    from cellbench.sustainability.factors import load_factors

    factors = load_factors()
    code = country.upper()
    if code not in factors.grid_kg_co2e_per_kWh:
        raise InputError(f"field 'co2.grid': no grid intensity for '{country}'; known: "
                         f"{', '.join(sorted(factors.grid_kg_co2e_per_kWh))} (or give co2.grid_gCO2_per_kWh)")
    return factors.grid_kg_co2e_per_kWh[code].value * 1000.0


def charging_t_per_year(co2: CO2PerVehicle | CO2FromEnergy, electric_share: float, year: int) -> float:
    """CO₂ the grid emits to charge one plug-in vehicle for a year: km × share × Wh/km × g/kWh ÷ 1e9 (t)."""
    grid = (co2.grid_gCO2_per_kWh.at(year) if co2.grid_gCO2_per_kWh is not None
            else grid_gCO2_per_kWh(co2.grid))
    return co2.km_per_year.at(year) * electric_share * co2.ev_Wh_per_km.at(year) * grid / 1e9


def co2_gross_and_net_t_per_vehicle_year(co2: CO2PerVehicle | CO2FromEnergy, powertrain: Powertrain,
                                         chemistry: Chemistry, pack_kWh: float, life_years: float,
                                         year: int) -> tuple[float, float]:
    """(gross, net) tonnes of CO₂ one plug-in vehicle on the road saves in a year against a petrol car.

    Gross: the tailpipe CO₂ avoided (``per_vehicle``: as stated; ``energy``: km × f × petrol g/km ÷ 1e6, ``f`` = 1
    for an EV and the electric share of distance for a PHEV). Net: gross less the grid's CO₂ for charging
    (:func:`charging_t_per_year`) and, with ``energy``, less the battery's manufacturing footprint spread over the
    vehicle life (``pack kWh × CFP kg/kWh / life / 1000``).

    >>> from cellbench.scenarios.trajectory import constant as c
    >>> gross, net = co2_gross_and_net_t_per_vehicle_year(CO2PerVehicle(ev_saved_t_per_year=c(1.5)), "ev",
    ...                                                   "assb", 60, 10, 2035)
    >>> gross, round(net, 3)        # 1.5 − 10,000 km × 155 Wh/km × 480 g/kWh = 1.5 − 0.744
    (1.5, 0.756)
    """
    if isinstance(co2, CO2PerVehicle):
        ev = co2.ev_saved_t_per_year.at(year)
        per_vehicle = co2.phev_saved_t_per_year if powertrain == "phev" and co2.phev_saved_t_per_year else None
        gross = per_vehicle.at(year) if per_vehicle is not None else ev
        share = gross / ev if ev > 0 else 0.0
        return gross, gross - charging_t_per_year(co2, share, year)
    electric = 1.0 if powertrain == "ev" else co2.phev_electric_fraction.at(year)
    gross = co2.km_per_year.at(year) * electric * co2.petrol_gCO2_per_km.at(year) / 1e6
    cfp = co2.battery_cfp_kgCO2_per_kWh.get(chemistry)
    manufacturing_t = pack_kWh * cfp.at(year) / life_years / 1000.0 if cfp is not None else 0.0
    return gross, gross - charging_t_per_year(co2, electric, year) - manufacturing_t


def co2_saved_t_per_vehicle_year(co2: CO2PerVehicle | CO2FromEnergy, powertrain: Powertrain, chemistry: Chemistry,
                                 pack_kWh: float, life_years: float, year: int) -> float:
    """Net CO₂ one plug-in vehicle on the road saves in a year, in tonnes (see
    :func:`co2_gross_and_net_t_per_vehicle_year`).

    >>> from cellbench.scenarios.trajectory import constant as c
    >>> energy = CO2FromEnergy(method="energy", km_per_year=c(10_000), petrol_gCO2_per_km=c(150),
    ...     ev_Wh_per_km=c(150), grid_gCO2_per_kWh=c(370), battery_cfp_kgCO2_per_kWh={"assb": c(60)})
    >>> round(co2_saved_t_per_vehicle_year(energy, "ev", "assb", 60, 10, 2030), 4)  # 1.5 - 0.555 - 0.36
    0.585
    """
    return co2_gross_and_net_t_per_vehicle_year(co2, powertrain, chemistry, pack_kWh, life_years, year)[1]


def recoverable_metals_t(eol_battery_GWh: float, content_kg_per_kWh: Mapping[str, float],
                         recovery_rates: Mapping[str, float]) -> dict[str, float]:
    """Tonnes of each metal recovered from end-of-life packs: GWh × 1e6 × kg/kWh × rate ÷ 1000."""
    return {metal: eol_battery_GWh * 1e3 * kg * recovery_rates.get(metal, 0.0)
            for metal, kg in content_kg_per_kWh.items()}


def contained_metals_t(eol_battery_GWh: float, content_kg_per_kWh: Mapping[str, float]) -> dict[str, float]:
    """Tonnes of each metal in end-of-life packs (before recovery losses)."""
    return {metal: eol_battery_GWh * 1e3 * kg for metal, kg in content_kg_per_kWh.items()}


def fast_chargers_needed(ev_stock: float, evs_per_fast_charger: float) -> float:
    """Fast chargers for a given EV stock at the report's ratio (267 thousand for 24.94 million EVs)."""
    if evs_per_fast_charger <= 0:
        raise InputError(f"field 'charging.evs_per_fast_charger' is {evs_per_fast_charger:g}; expected above zero")
    return ev_stock / evs_per_fast_charger


@cache
def metal_content(name: str) -> dict[str, float]:
    """Packaged metal contents per kWh (``data/metal_content/<name>.yaml``)."""
    return dict(_packaged("metal_content", name, "recycling.metal_content")["kg_per_kWh"])


@cache
def packaged_recovery_rates(name: str) -> dict[str, float]:
    """Packaged recovery-rate set (``data/recovery_rates/<name>.yaml``), e.g. ``gi-fund-targets``."""
    return dict(_packaged("recovery_rates", name, "recycling.recovery_rates")["rates"])


def _packaged(folder: str, name: str, field: str) -> dict:
    resource = _DATA / folder / f"{name}.yaml"
    if not resource.is_file():
        known = sorted(p.name.removesuffix(".yaml") for p in (_DATA / folder).iterdir() if p.name.endswith(".yaml"))
        raise InputError(f"field '{field}': no packaged data set '{name}' (known: {', '.join(known)})")
    return yaml.safe_load(resource.read_text(encoding="utf-8"))
