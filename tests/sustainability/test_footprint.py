"""Carbon footprint: stage arithmetic by hand, grid effect, recycled content, literature cross-check, bad input."""

import pytest

from cellbench import cells
from cellbench.errors import InputError
from cellbench.sustainability import Bill, bill_of_materials_for_pack, cell_bill
from cellbench.sustainability.factors import load_factors, recycled_content_preset
from cellbench.sustainability.footprint import STAGES, carbon_footprint

F = load_factors()


def test_every_factor_has_a_source_and_a_range():
    values = list(F.materials_kg_co2e_per_kg.values()) + list(F.grid_kg_co2e_per_kWh.values()) \
        + list(F.end_of_life_kg_co2e_per_kg.values())
    values += [b.primary for b in F.elements_kg_co2e_per_kg.values()] + [b.recycled for b in F.elements_kg_co2e_per_kg.values()]
    values += [getattr(F.main_production, n) for n in type(F.main_production).model_fields]
    values += [getattr(F.distribution, n) for n in type(F.distribution).model_fields]
    for v in values:
        assert v.low <= v.value <= v.high and len(v.source) > 10


def test_stages_by_hand_for_a_one_material_bill():
    bill = Bill(label="1 kg Cu foil", materials_kg={"cu-foil": 1.0}, energy_kWh=0.5, electrolyte_type="liquid")
    r = carbon_footprint(bill, grid="FR", samples=0)
    mp = F.main_production
    assert r.stages["raw_material_acquisition"] == pytest.approx(5.0 / 0.5)
    electricity = mp.process_electricity_kWh_per_kWh.value + mp.dry_room_electricity_kWh_per_kWh.value
    heat = mp.natural_gas_MJ_per_kWh.value * mp.natural_gas_kg_co2e_per_MJ.value
    assert r.stages["main_production"] == pytest.approx(electricity * 0.056 + heat)
    assert r.stages["distribution"] == pytest.approx(1e-3 * (800 * 0.08 + 5000 * 0.012) / 0.5)
    assert r.stages["end_of_life"] == pytest.approx(0.9 / 0.5)
    assert r.total_kg_co2e_per_kwh == pytest.approx(sum(r.stages[s] for s in STAGES))


def test_solid_cells_pay_for_a_drier_dry_room():
    liquid = Bill(label="l", materials_kg={"cu-foil": 1.0}, energy_kWh=1.0, electrolyte_type="liquid")
    solid = Bill(label="s", materials_kg={"cu-foil": 1.0}, energy_kWh=1.0, electrolyte_type="solid")
    a = carbon_footprint(liquid, grid="JP", samples=0).stages["main_production"]
    b = carbon_footprint(solid, grid="JP", samples=0).stages["main_production"]
    assert b - a == pytest.approx(9.0 * 0.5 * 0.48)


def test_grid_effect_shown_apart_and_only_main_production_moves():
    bill = cell_bill(cells.load("lg-m50"))
    jp = carbon_footprint(bill, grid="JP", samples=0)
    se = carbon_footprint(bill, grid="SE", samples=0)
    assert jp.stages["raw_material_acquisition"] == se.stages["raw_material_acquisition"]
    delta = jp.grid["electricity_kWh_per_kwh"] * (0.48 - 0.041)
    assert jp.total_kg_co2e_per_kwh - se.total_kg_co2e_per_kwh == pytest.approx(delta)
    assert jp.grid["by_country"]["SE"]["total_kg_co2e_per_kwh"] == pytest.approx(se.total_kg_co2e_per_kwh)


def test_uncertainty_band_is_seeded_and_brackets_the_median():
    bill = cell_bill(cells.load("liquid-ref"))
    a = carbon_footprint(bill, samples=500, seed=3).uncertainty
    b = carbon_footprint(bill, samples=500, seed=3).uncertainty
    assert a == b
    assert a["p05"] < a["p50"] < a["p95"]


def test_recycled_content_lowers_raw_materials_by_the_burden_swap():
    bill = cell_bill(cells.load("lg-m50"))
    base = carbon_footprint(bill, samples=0)
    shares = recycled_content_preset("eu-2031")
    rec = carbon_footprint(bill, samples=0, recycled_content=shares)
    from cellbench.sustainability import element_masses_kg
    el = element_masses_kg(bill.materials_kg)
    by_hand = (0.16 * el["Co"] * (30 - 6) + 0.06 * el["Li"] * (60 - 20) + 0.06 * el["Ni"] * (20 - 5)) / bill.energy_kWh
    saving = base.stages["raw_material_acquisition"] - rec.stages["raw_material_acquisition"]
    assert saving == pytest.approx(by_hand)
    assert rec.recycled_content["saving_kg_co2e_per_kwh"] == pytest.approx(by_hand)


def test_nmc811_graphite_cells_inside_the_published_range():
    # Clemente et al. 2025 meta-analysis: 17.63 +- 7.34 kg CO2e per kg of battery (cradle to gate)
    for cell_id in ("lg-m50", "liquid-ref"):
        cc = carbon_footprint(cell_bill(cells.load(cell_id)), samples=0).cross_check
        assert 10.29 <= cc["cradle_to_gate_kg_co2e_per_kg"] <= 24.97
    # IVL C444 (Emilsson & Dahllöf 2019): 61-106 kg CO2e/kWh for NMC packs
    pack = carbon_footprint(bill_of_materials_for_pack("demo-55kwh"), samples=0).cross_check
    assert 61.0 <= pack["cradle_to_gate_kg_co2e_per_kwh"] <= 106.0
    assert pack["nmc_pack_cradle_to_gate_kg_co2e_per_kwh"]["inside"]


def test_material_without_factor_is_named():
    bill = Bill(label="cell x", materials_kg={"cu-foil": 1.0, "unobtainium": 0.1, "kryptonite": 0.1},
                energy_kWh=1.0, electrolyte_type="liquid")
    with pytest.raises(InputError, match="'kryptonite', 'unobtainium'"):
        carbon_footprint(bill)


def test_unknown_grid_and_bad_share_are_input_errors():
    bill = cell_bill(cells.load("lg-m50"))
    with pytest.raises(InputError, match="no grid intensity for 'XX'"):
        carbon_footprint(bill, grid="XX")
    with pytest.raises(InputError, match="between 0 and 1"):
        carbon_footprint(bill, recycled_content={"Ni": 1.5})


def test_every_library_material_has_a_factor_and_a_composition():
    from cellbench import materials
    from cellbench.sustainability import element_fractions

    for record in materials.list_materials():
        assert record.id in F.materials_kg_co2e_per_kg, record.id
        assert sum(element_fractions(record.id).values()) == pytest.approx(1.0, abs=1e-6), record.id


@pytest.mark.parametrize("cell_id", [c.id for c in cells.list_cells()])
def test_every_catalogue_cell_has_a_footprint_and_a_recovery(cell_id):
    from cellbench.sustainability.recycling import recover

    bill = cell_bill(cells.load(cell_id))
    r = carbon_footprint(bill, samples=0)
    assert r.total_kg_co2e_per_kwh > 0 and r.stages["raw_material_acquisition"] > r.stages["distribution"]
    assert recover(bill, "hydro").elements["Co"]["feed_kg"] >= 0
