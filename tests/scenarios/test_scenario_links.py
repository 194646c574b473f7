"""Scenario numbers taken from cellbench result files (JSON) through `from:` blocks."""

import json
import textwrap

import pytest

from cellbench.errors import InputError
from cellbench.scenarios import load_scenario, run_scenario

SCENARIO = """
name: linked
years: {first: 2030, last: 2030}
market: {2030: {cars: 1000000}}
segments:
  cars:
    adoption:
      model: conjoint
      part_worths: japan-passenger-2021
      fast_chargers_thousand: 30
      alternatives:
        petrol: {powertrain: petrol, running_cost_10k_yen_per_year: 12, resale_value_percent: 50}
        ev_assb:
          powertrain: ev
          battery: assb
          price_gap_10k_yen: 60
          pack_volume_L: 100
          pack_Wh_per_L: {from: {file: results/pack.json, key: pack.energy_density_Wh_L}}
          consumption_Wh_per_km: 150
          running_cost_10k_yen_per_year: 4
          resale_value_percent: 55
          fast_charge_time_min: 10
    pack_price_yen_per_kWh:
      liquid: 10000
      assb: {from: {file: results/cost.json, key: pack_cost_yen_per_Wh, scale: 1000}}
    co2:
      method: energy
      km_per_year: 10000
      petrol_gCO2_per_km: 150
      ev_Wh_per_km: 150
      grid_gCO2_per_kWh: 370
      battery_cfp_kgCO2_per_kWh:
        assb: {from: {file: results/cfp.json, key: stages.-1.kgCO2e_per_kWh}}
recycling:
  recovery_rates: {from: {file: results/recycling.json, key: route.recovery}}
"""


def write_results(tmp_path, Wh_per_L=600.0):
    results = tmp_path / "results"
    results.mkdir(exist_ok=True)
    (results / "pack.json").write_text(json.dumps({"pack": {"energy_density_Wh_L": Wh_per_L}}))
    (results / "cost.json").write_text(json.dumps({"pack_cost_yen_per_Wh": 12.0}))
    (results / "cfp.json").write_text(json.dumps({"stages": [{"kgCO2e_per_kWh": 20}, {"kgCO2e_per_kWh": 60}]}))
    (results / "recycling.json").write_text(json.dumps({"route": {"recovery": {"Li": 0.8, "Ni": 0.95}}}))


def run(tmp_path, text=SCENARIO):
    path = tmp_path / "linked.yaml"
    path.write_text(textwrap.dedent(text))
    return run_scenario(load_scenario(path))[0]


def test_linked_values_drive_the_results(tmp_path):
    write_results(tmp_path)
    row = run(tmp_path)
    # pack: 100 L × 600 Wh/L = 60 kWh; price 12 yen/Wh × 1000 = 12,000 yen/kWh
    assert row["assb_battery_GWh"] == pytest.approx(row["assb_vehicle_sales"] * 60 / 1e6)
    assert row["assb_battery_revenue_billion_yen"] == pytest.approx(row["assb_battery_GWh"] * 12_000 / 1e3)
    # CFP: last stage 60 kg/kWh → per vehicle 0.945 - 60 × 60 / 10 / 1000 = 0.585 t/yr
    assert row["assb_co2_saved_Mt"] == pytest.approx(row["assb_vehicle_stock"] * 0.585 / 1e6)


def test_a_better_pack_Wh_per_L_sells_more_assb_cars(tmp_path):
    # more Wh/L in the same 100 L → more range → higher utility → more sales: item ① feeding item ②
    write_results(tmp_path, Wh_per_L=400.0)
    low = run(tmp_path)["assb_vehicle_sales"]
    write_results(tmp_path, Wh_per_L=800.0)
    high = run(tmp_path)["assb_vehicle_sales"]
    assert high > low


def test_missing_result_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"field 'segments.cars.adoption.alternatives.ev_assb.pack_Wh_per_L.from'"
                                         r".*result file not found"):
        run(tmp_path)


def test_missing_key_is_named(tmp_path):
    write_results(tmp_path)
    (tmp_path / "results" / "pack.json").write_text(json.dumps({"pack": {"energy_Wh": 5}}))
    with pytest.raises(InputError, match=r"has no key 'pack.energy_density_Wh_L'"):
        run(tmp_path)


def test_non_numeric_value_is_refused(tmp_path):
    write_results(tmp_path)
    (tmp_path / "results" / "cost.json").write_text(json.dumps({"pack_cost_yen_per_Wh": "cheap"}))
    with pytest.raises(InputError, match=r"pack_price_yen_per_kWh.assb.from.*expected a number"):
        run(tmp_path)


def test_only_json_result_files(tmp_path):
    write_results(tmp_path)
    with pytest.raises(InputError, match="links read JSON result files"):
        run(tmp_path, SCENARIO.replace("results/pack.json", "results/pack.csv"))


def test_invalid_json_names_line_and_column(tmp_path):
    write_results(tmp_path)
    (tmp_path / "results" / "pack.json").write_text('{"pack": {"energy_density_Wh_L": }}')
    with pytest.raises(InputError, match=r"pack.json, line 1, column 34: not valid JSON"):
        run(tmp_path)


def test_linked_example_takes_the_pack_from_the_result_file():
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
    scenario = load_scenario(examples / "s2_linked.yaml")
    ev_assb = scenario.segments["passenger"].adoption.alternatives["ev_assb"]
    assert ev_assb.pack_Wh_per_L.at(2030) == 700 and ev_assb.electric_range_km is None
    assert scenario.segments["passenger"].pack_price_yen_per_kWh["assb"].at(2030) == 10_000
    assert scenario.segments["passenger"].co2.method == "energy"      # switched method replaces, not merges
    assert scenario.recycling.recovery_rates == {"Li": 0.8, "Ni": 0.95, "Co": 0.95}
    passenger = next(r for r in run_scenario(scenario, by_segment=True)
                     if r["year"] == 2030 and r["segment"] == "passenger")
    # ASSB PHEVs carry the 15 kWh default, ASSB EVs 100 L × 700 Wh/L = 70 kWh
    assert passenger["assb_battery_GWh"] == pytest.approx(
        (passenger["assb_ev_sales"] * 70 + passenger["assb_phev_sales"] * 15) / 1e6)
