"""Run a scenario: sales → stock → batteries, revenue, CO₂, end-of-life metals and fast chargers, by year.

>>> from cellbench.scenarios.spec import Scenario
>>> s = Scenario.model_validate({"name": "demo", "years": {"first": 2030, "last": 2031},
...     "market": {2030: {"cars": 1_000_000}},
...     "segments": {"cars": {"adoption": {"model": "s_curve", "xev_share": 0.5, "ev_fraction": 1.0,
...                                         "assb_share": 0.1}}}})
>>> rows = run_scenario(s)
>>> rows[1]["assb_vehicle_sales"], rows[1]["assb_vehicle_stock"], rows[1]["assb_battery_GWh"]
(50000.0, 100000.0, 3.0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

from cellbench.scenarios.adoption import purchases
from cellbench.scenarios.fleet import recycling_feed_kWh, retirements, second_life_entries, stock, survival_curve
from cellbench.scenarios.impacts import (
    RecoveryRates, battery_revenue_billion_yen, co2_gross_and_net_t_per_vehicle_year, contained_metals_t,
    fast_chargers_needed, metal_content, packaged_recovery_rates, recoverable_metals_t,
)
from cellbench.scenarios.spec import CHEMISTRIES, Chemistry, Powertrain, Scenario, Segment

Row = dict[str, float | int | str]

# quantity -> (unit, what it is); the order is the column order of tables and the key order of JSON rows
QUANTITIES: dict[str, tuple[str, str]] = {
    "new_vehicle_sales": ("vehicles/yr", "all new vehicles sold in the segment(s)"),
    "xev_sales": ("vehicles/yr", "EVs and PHEVs sold (liquid and all-solid-state)"),
    "ev_sales": ("vehicles/yr", "EVs sold"),
    "phev_sales": ("vehicles/yr", "PHEVs sold"),
    "assb_vehicle_sales": ("vehicles/yr", "EVs and PHEVs sold with an all-solid-state battery"),
    "assb_ev_sales": ("vehicles/yr", "EVs sold with an all-solid-state battery"),
    "assb_phev_sales": ("vehicles/yr", "PHEVs sold with an all-solid-state battery"),
    "xev_share": ("fraction", "xev_sales / new_vehicle_sales"),
    "assb_share_of_xev": ("fraction", "assb_vehicle_sales / xev_sales"),
    "xev_stock": ("vehicles", "EVs and PHEVs on the road at year end"),
    "ev_stock": ("vehicles", "EVs on the road"),
    "assb_vehicle_stock": ("vehicles", "all-solid-state EVs and PHEVs on the road"),
    "battery_GWh": ("GWh/yr", "pack energy sold with new EVs and PHEVs"),
    "assb_battery_GWh": ("GWh/yr", "all-solid-state pack energy sold"),
    "battery_revenue_billion_yen": ("billion yen/yr", "battery_GWh × pack price"),
    "assb_battery_revenue_billion_yen": ("billion yen/yr", "assb_battery_GWh × ASSB pack price"),
    "co2_saved_Mt": ("Mt CO2/yr", "CO2 saved by the EV/PHEV stock against petrol cars, net of charging emissions"),
    "assb_co2_saved_Mt": ("Mt CO2/yr", "net CO2 saved by the all-solid-state stock"),
    "co2_saved_gross_Mt": ("Mt CO2/yr", "tailpipe CO2 avoided by the EV/PHEV stock (the report's basis, no charging)"),
    "assb_co2_saved_gross_Mt": ("Mt CO2/yr", "tailpipe CO2 avoided by the all-solid-state stock"),
    "eol_batteries": ("packs/yr", "packs leaving the road (vehicles retired)"),
    "assb_eol_batteries": ("packs/yr", "all-solid-state packs leaving the road"),
    "eol_battery_GWh": ("GWh/yr", "pack energy leaving the road"),
    "reuse_battery_GWh": ("GWh/yr", "collected pack energy entering a second life"),
    "recycling_feed_GWh": ("GWh/yr", "pack energy reaching recyclers (directly, or after its second life)"),
    "fast_chargers_needed": ("chargers", "fast chargers for the plug-in stock at the report's vehicles per charger"),
}
# t/yr contained in packs leaving the road, and recovered from the packs reaching recyclers that year
METAL_QUANTITIES = ("eol_{metal}_t", "recoverable_{metal}_t")

_KINDS: tuple[tuple[Powertrain, Chemistry], ...] = (("ev", "liquid"), ("phev", "liquid"), ("ev", "assb"),
                                                     ("phev", "assb"))


def run_scenario(scenario: Scenario, *, recovery_rates: RecoveryRates | None = None,
                 by_segment: bool = False) -> list[Row]:
    """One row per year (per segment with ``by_segment``), each with ``year``, ``scenario`` and :data:`QUANTITIES`.

    ``recovery_rates`` overrides the scenario's recycling rates: a mapping metal → fraction, or a function
    (chemistry, year) → mapping, so a recycling route can supply rates per chemistry and year.
    """
    years = list(range(scenario.years.first, scenario.years.last + 1))
    rates = _recovery_rate_function(scenario, recovery_rates)
    per_segment = {name: _segment_rows(scenario, name, segment, years, rates)
                   for name, segment in scenario.segments.items()}
    if by_segment:
        return [row for i in range(len(years)) for rows in per_segment.values() for row in [rows[i]]]
    return [_sum_rows([rows[i] for rows in per_segment.values()], scenario.name, years[i]) for i in range(len(years))]


def _recovery_rate_function(scenario: Scenario, override: RecoveryRates | None) -> Callable[[Chemistry, int], Mapping]:
    chosen = override if override is not None else scenario.recycling.recovery_rates
    if isinstance(chosen, str):
        fixed = packaged_recovery_rates(chosen)
        return lambda chemistry, year: fixed
    if callable(chosen):
        return chosen
    return lambda chemistry, year: chosen


def _segment_rows(scenario: Scenario, name: str, segment: Segment, years: list[int],
                  rates: Callable[[Chemistry, int], Mapping]) -> list[Row]:
    market = scenario.market_trajectory(name)
    vehicles: dict[tuple, list[float]] = defaultdict(lambda: [0.0] * len(years))
    energy_kWh: dict[tuple, list[float]] = defaultdict(lambda: [0.0] * len(years))
    new_sales = []
    for i, year in enumerate(years):
        sold = market.at(year)
        new_sales.append(sold)
        for purchase in purchases(segment, sold, year):
            kind = (purchase.powertrain, purchase.battery)
            vehicles[kind][i] += purchase.vehicles
            energy_kWh[kind][i] += purchase.vehicles * purchase.pack_kWh

    survival = survival_curve(segment.vehicle_life, len(years) + 1)
    on_road = {k: stock(vehicles[k], survival) for k in _KINDS}
    retired = {k: retirements(vehicles[k], survival) for k in _KINDS}
    retired_kWh = {k: retirements(energy_kWh[k], survival) for k in _KINDS}
    content = {c: metal_content(scenario.recycling.metal_content[c]) for c in CHEMISTRIES}
    retired_kWh_by_chemistry = {c: [sum(retired_kWh[k][i] for k in _KINDS if k[1] == c) for i in range(len(years))]
                                for c in CHEMISTRIES}
    reuse = {c: second_life_entries(retired_kWh_by_chemistry[c], scenario.recycling) for c in CHEMISTRIES}
    recycling_feed = {c: recycling_feed_kWh(retired_kWh_by_chemistry[c], scenario.recycling) for c in CHEMISTRIES}
    metals = sorted({m for c in CHEMISTRIES for m in content[c]})

    rows = []
    for i, year in enumerate(years):
        def total(series: dict, chemistry: str | None = None, powertrain: str | None = None) -> float:
            return sum(series[k][i] for k in _KINDS
                       if (chemistry is None or k[1] == chemistry) and (powertrain is None or k[0] == powertrain))

        row: Row = {"year": year, "scenario": scenario.name, "segment": name, "new_vehicle_sales": new_sales[i]}
        row["xev_sales"] = total(vehicles)
        row["ev_sales"] = total(vehicles, powertrain="ev")
        row["phev_sales"] = total(vehicles, powertrain="phev")
        row["assb_vehicle_sales"] = total(vehicles, "assb")
        row["assb_ev_sales"] = total(vehicles, "assb", "ev")
        row["assb_phev_sales"] = total(vehicles, "assb", "phev")
        row["xev_stock"] = total(on_road)
        row["ev_stock"] = total(on_road, powertrain="ev")
        row["assb_vehicle_stock"] = total(on_road, "assb")
        gwh = {c: total(energy_kWh, c) / 1e6 for c in CHEMISTRIES}
        row["battery_GWh"] = sum(gwh.values())
        row["assb_battery_GWh"] = gwh["assb"]
        revenue = {c: battery_revenue_billion_yen(gwh[c], segment.pack_price_yen_per_kWh[c].at(year))
                   for c in CHEMISTRIES}
        row["battery_revenue_billion_yen"] = sum(revenue.values())
        row["assb_battery_revenue_billion_yen"] = revenue["assb"]
        per_vehicle = {k: co2_gross_and_net_t_per_vehicle_year(
            segment.co2, k[0], k[1], _mean_pack_kWh(energy_kWh[k], vehicles[k], i, segment, k[0], year),
            segment.vehicle_life.mean_years, year) for k in _KINDS}
        for quantity, which in (("co2_saved_Mt", 1), ("co2_saved_gross_Mt", 0)):
            saved_t = {k: on_road[k][i] * per_vehicle[k][which] for k in _KINDS}
            row[quantity] = sum(saved_t.values()) / 1e6
            row[f"assb_{quantity}"] = sum(v for k, v in saved_t.items() if k[1] == "assb") / 1e6
        row["eol_batteries"] = total(retired)
        row["assb_eol_batteries"] = total(retired, "assb")
        eol_gwh = {c: total(retired_kWh, c) / 1e6 for c in CHEMISTRIES}
        row["eol_battery_GWh"] = sum(eol_gwh.values())
        feed_gwh = {c: recycling_feed[c][i] / 1e6 for c in CHEMISTRIES}
        row["reuse_battery_GWh"] = sum(reuse[c][i] for c in CHEMISTRIES) / 1e6
        row["recycling_feed_GWh"] = sum(feed_gwh.values())
        charging = scenario.charging
        row["fast_chargers_needed"] = fast_chargers_needed(
            row["ev_stock"] if charging.vehicles == "ev" else row["xev_stock"], charging.evs_per_fast_charger.at(year))
        contained = {m: 0.0 for m in metals}
        recovered = {m: 0.0 for m in metals}
        for c in CHEMISTRIES:
            for m, t in contained_metals_t(eol_gwh[c], content[c]).items():
                contained[m] += t
            for m, t in recoverable_metals_t(feed_gwh[c], content[c], rates(c, year)).items():
                recovered[m] += t
        for m in metals:
            row[f"eol_{m}_t"] = contained[m]
        for m in metals:
            row[f"recoverable_{m}_t"] = recovered[m]
        row["xev_share"] = _ratio(row["xev_sales"], row["new_vehicle_sales"])
        row["assb_share_of_xev"] = _ratio(row["assb_vehicle_sales"], row["xev_sales"])
        rows.append(_ordered(row))
    return rows


def _mean_pack_kWh(kWh: list[float], vehicles: list[float], i: int, segment: Segment, powertrain: Powertrain,
                   year: int) -> float:
    """Average pack of the vehicles sold up to year i (for spreading the battery footprint)."""
    sold = sum(vehicles[: i + 1])
    if sold > 0:
        return sum(kWh[: i + 1]) / sold
    return (segment.ev_pack_kWh if powertrain == "ev" else segment.phev_pack_kWh).at(year)


def _sum_rows(rows: list[Row], scenario: str, year: int) -> Row:
    summed: Row = {"year": year, "scenario": scenario}
    for key in rows[0]:
        if key in ("year", "scenario", "segment"):
            continue
        summed[key] = sum(float(r.get(key, 0.0)) for r in rows)
    summed["xev_share"] = _ratio(summed["xev_sales"], summed["new_vehicle_sales"])
    summed["assb_share_of_xev"] = _ratio(summed["assb_vehicle_sales"], summed["xev_sales"])
    return _ordered(summed)


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _ordered(row: Row) -> Row:
    keys = ["year", "scenario", "segment", *QUANTITIES]
    ordered = {k: row[k] for k in keys if k in row}
    ordered.update({k: v for k, v in row.items() if k not in ordered})
    return ordered
