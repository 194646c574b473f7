"""The calculator's arithmetic against hand calculations on the outcome-model example."""

from pathlib import Path

import pytest

from cellbench.scenarios import load_scenario, run_scenario
from cellbench.scenarios.spec import Scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


@pytest.fixture(scope="module")
def outcome():
    scenario = load_scenario(EXAMPLES / "outcome.yaml")
    return scenario, {r["year"]: r for r in run_scenario(scenario)}


def test_assb_sales_are_share_times_output(outcome):
    _, rows = outcome
    # 2035: 7.5 M EV+PHEV × 7.47% = 560,250; EV 5.6/7.5 of them
    assert rows[2035]["assb_vehicle_sales"] == pytest.approx(7.5e6 * 0.0747)
    assert rows[2035]["assb_ev_sales"] == pytest.approx(7.5e6 * 0.0747 * 0.7467)


def test_battery_GWh_and_revenue_by_hand(outcome):
    _, rows = outcome
    sold = 7.5e6 * 0.0747
    gwh = (sold * 0.7467 * 60 + sold * (1 - 0.7467) * 15) / 1e6
    assert rows[2035]["assb_battery_GWh"] == pytest.approx(gwh)
    assert rows[2035]["assb_battery_revenue_billion_yen"] == pytest.approx(gwh * 1e6 * 10_000 / 1e9)


def test_stock_is_ten_years_of_sales_and_co2_is_stock_times_1_5_t_gross_less_charging(outcome):
    _, rows = outcome
    assert rows[2035]["assb_vehicle_stock"] == pytest.approx(sum(rows[y]["assb_vehicle_sales"]
                                                                 for y in range(2028, 2036)))
    assert rows[2040]["assb_vehicle_stock"] == pytest.approx(sum(rows[y]["assb_vehicle_sales"]
                                                                 for y in range(2031, 2041)))
    assert rows[2035]["assb_co2_saved_gross_Mt"] == pytest.approx(rows[2035]["assb_vehicle_stock"] * 1.5 / 1e6)
    # net of charging: 10,000 km × 155 Wh/km × 480 g/kWh (JP, cellbench.sustainability) = 0.744 t per vehicle-year
    assert rows[2035]["assb_co2_saved_Mt"] == pytest.approx(rows[2035]["assb_vehicle_stock"] * (1.5 - 0.744) / 1e6)


def test_packs_reach_end_of_life_after_ten_years(outcome):
    _, rows = outcome
    # with a fixed 10-year life, the packs leaving in 2038 are those sold in 2028
    assert rows[2038]["assb_eol_batteries"] == pytest.approx(rows[2028]["assb_vehicle_sales"])
    assert rows[2037]["assb_eol_batteries"] == 0.0
    # EOL GWh in 2040 = GWh sold in 2030 (all chemistries); Ni contained = GWh × 1e6 × 0.669 kg / 1000
    assert rows[2040]["eol_battery_GWh"] == pytest.approx(rows[2030]["battery_GWh"])
    eol_assb_gwh = rows[2030]["assb_battery_GWh"]
    eol_liquid_gwh = rows[2030]["battery_GWh"] - eol_assb_gwh
    assert rows[2040]["eol_Li_t"] == pytest.approx((eol_liquid_gwh * 0.0989 + eol_assb_gwh * 0.2539) * 1e3)
    assert rows[2040]["recoverable_Ni_t"] == pytest.approx(rows[2040]["eol_Ni_t"] * 0.95)


def test_recovery_rates_hook_takes_a_mapping_or_a_function(outcome):
    scenario, rows = outcome
    flat = {r["year"]: r for r in run_scenario(scenario, recovery_rates={"Li": 0.9, "Ni": 0.5})}
    assert flat[2040]["recoverable_Li_t"] == pytest.approx(rows[2040]["eol_Li_t"] * 0.9)
    assert flat[2040]["recoverable_Co_t"] == 0.0

    def route(chemistry, year):        # e.g. a recycling route that recovers lithium only from ASSB packs
        return {"Li": 1.0} if chemistry == "assb" else {}

    by_route = {r["year"]: r for r in run_scenario(scenario, recovery_rates=route)}
    assert by_route[2040]["recoverable_Li_t"] == pytest.approx(rows[2030]["assb_battery_GWh"] * 0.2539 * 1e3)


def test_rows_carry_year_scenario_and_named_quantities(outcome):
    scenario, rows = outcome
    first = rows[2026]
    assert list(first)[:3] == ["year", "scenario", "new_vehicle_sales"]
    assert first["scenario"] == "outcome" and len(rows) == 2040 - 2026 + 1
    segments = run_scenario(scenario, by_segment=True)
    assert {r["segment"] for r in segments} == {"xev_output"}


def test_segments_add_up_to_the_total():
    data = {"name": "two", "years": {"first": 2030, "last": 2032},
            "market": {2030: {"cars": 1000, "vans": 100}},
            "segments": {"cars": {"adoption": {"model": "s_curve", "xev_share": 0.5, "ev_fraction": 1,
                                               "assb_share": 0.2}},
                         "vans": {"adoption": {"model": "s_curve", "xev_share": 1.0, "ev_fraction": 1,
                                               "assb_share": 1.0}, "ev_pack_kWh": 80}}}
    rows = run_scenario(Scenario.model_validate(data))
    # ASSB: 100 cars (60 kWh) + 100 vans (80 kWh) per year
    assert rows[0]["assb_vehicle_sales"] == 200 and rows[0]["assb_battery_GWh"] == pytest.approx(0.014)
    assert rows[2]["assb_vehicle_stock"] == 600
    assert rows[0]["xev_share"] == pytest.approx(600 / 1100)
    # year 3: 1800 plug-ins on the road (1500 cars, 300 vans) at 24.94 M per 267 k chargers
    assert rows[2]["fast_chargers_needed"] == pytest.approx(1800 / (24.94e6 / 267e3))
    data["charging"] = {"vehicles": "ev", "evs_per_fast_charger": 100}
    assert run_scenario(Scenario.model_validate(data))[2]["fast_chargers_needed"] == pytest.approx(18.0)


def test_collection_and_second_life_delay_the_recycling_feed(outcome):
    scenario, rows = outcome
    reused = scenario.model_copy(update={"recycling": scenario.recycling.model_copy(
        update={"collection_rate": 0.9, "reuse_fraction": 0.4, "second_life_years": 2})})
    got = {r["year"]: r for r in run_scenario(reused)}
    # packs first leave the road in 2036 (bought in 2026); 2037: no reused packs come back yet
    assert got[2037]["reuse_battery_GWh"] == pytest.approx(0.9 * 0.4 * rows[2037]["eol_battery_GWh"])
    assert got[2037]["recycling_feed_GWh"] == pytest.approx(0.9 * 0.6 * rows[2037]["eol_battery_GWh"])
    # 2040: the packs reused in 2038 arrive as well
    assert got[2040]["recycling_feed_GWh"] == pytest.approx(
        0.9 * 0.6 * rows[2040]["eol_battery_GWh"] + 0.9 * 0.4 * rows[2038]["eol_battery_GWh"])
    # metals leaving the road are unchanged; those recovered follow the feed
    assert got[2040]["eol_Ni_t"] == pytest.approx(rows[2040]["eol_Ni_t"])
    assert got[2037]["recoverable_Ni_t"] == pytest.approx(0.54 * rows[2037]["recoverable_Ni_t"])
    # with the defaults everything retired is recycled at once
    assert rows[2040]["recycling_feed_GWh"] == pytest.approx(rows[2040]["eol_battery_GWh"])
