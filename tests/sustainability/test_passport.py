"""Battery passport: demo record, SoH from measured data, access levels, BatteryPass v1.2.0 export and validation."""

import copy
import json
from datetime import datetime, timezone

import polars as pl
import pytest

from cellbench.errors import AccessDenied, InputError, NotFound
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S
from cellbench.sustainability.batterypass import SECTIONS, export_batterypass, validate_batterypass
from cellbench.store.records.passports import due_diligence, list_passports, load_passport, save_passport
from cellbench.sustainability.passport import add_soh, latest_soh, soh_from_measurement, soh_history, view


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def demo_export():
    return export_batterypass(load_passport("demo"))


def test_demo_exists_out_of_the_box_as_a_55_kWh_pack():
    p = load_passport("demo")
    rated = p.rated()
    assert "demo" in list_passports()
    assert 55.0 <= rated["energy_kWh"] <= 57.0  # design (open-circuit) energy of 96s32p LG M50 cells
    # rated capacity = 32 parallel LG M50 cells; SoH = latest capacity / rated, and the end-of-line record is a
    # fresh pack (within 1 % of rated)
    assert latest_soh(p)["soh_capacity_pct"] == pytest.approx(100 * 146.3 / rated["capacity_Ah"])
    assert soh_history(p)[0]["soh_capacity_pct"] == pytest.approx(100.0, abs=1.0)
    assert latest_soh(p)["resistance_increase_pct"] == pytest.approx(100 * (105.9 / 95.0 - 1))


def test_demo_export_validates_against_every_batterypass_schema(demo_export):
    validate_batterypass(demo_export)
    assert set(SECTIONS) <= set(demo_export)
    stages = {s["lifecycleStage"] for s in demo_export["carbonFootprint"]["carbonFootprintPerLifecycleStage"]}
    assert stages == {"RawMaterialExtraction", "MainProduction", "Distribution", "Recycling"}


def test_carbon_footprint_is_per_kwh_delivered_over_life(demo_export):
    cb = demo_export["cellbench"]
    cf = demo_export["carbonFootprint"]
    # 1500 cycles at a mean of (100% + 70%)/2 of rated energy
    rated = demo_export["performanceAndDurability"]["batteryTechicalProperties"]["ratedEnergy"]
    assert cb["lifetime_energy_kWh"] == pytest.approx(rated * 1500 * 0.85, rel=1e-4)
    assert cf["batteryCarbonFootprint"] == pytest.approx(cb["cfp_kg_co2e_per_kwh_rated"] * rated / cb["lifetime_energy_kWh"],
                                                         rel=1e-3)
    assert cf["absoluteCarbonFootprint"] == pytest.approx(cb["cfp_kg_co2e_per_kwh_rated"] * rated, rel=1e-3)


def test_missing_mandatory_attribute_is_named(demo_export):
    broken = copy.deepcopy(demo_export)
    del broken["generalProductInformation"]["manufacturingPlace"]
    broken["performanceAndDurability"]["batteryCondition"]["stateOfCharge"].pop("lastUpdate")
    with pytest.raises(InputError) as err:
        validate_batterypass(broken)
    assert "generalProductInformation: 'manufacturingPlace' is a required property" in str(err.value)
    assert "batteryCondition.stateOfCharge: 'lastUpdate' is a required property" in str(err.value)


def test_bad_enum_and_pattern_are_named(demo_export):
    broken = copy.deepcopy(demo_export)
    broken["generalProductInformation"]["batteryCategory"] = "car"
    broken["generalProductInformation"]["batteryPassportIdentifier"] = "demo-1"
    with pytest.raises(InputError, match="batteryCategory: 'car' is not one of") as err:
        validate_batterypass(broken)
    assert "batteryPassportIdentifier: 'demo-1' does not match" in str(err.value)


def test_passport_record_missing_a_field_fails_with_its_name(tmp_path):
    import yaml

    from cellbench.sustainability.passport import PACKAGED_PASSPORTS, load_passport_file

    body = yaml.safe_load((PACKAGED_PASSPORTS / "demo.yaml").read_text())
    del body["individual"]["manufacturing_date"]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(body))
    with pytest.raises(InputError, match="individual.manufacturing_date"):
        load_passport_file(path)


def test_public_view_hides_state_of_health_and_materials(demo_export):
    public = view(demo_export, "public")
    assert "batteryCondition" not in public["performanceAndDurability"]
    assert "batteryMaterials" not in public["materialComposition"]
    assert "resultOfTestReport" not in public["labels"]
    interested = view(demo_export, "legitimate_interest")
    assert "batteryCondition" in interested["performanceAndDurability"]
    assert "resultOfTestReport" not in interested["labels"]
    assert "resultOfTestReport" in view(demo_export, "authorities")["labels"]


def test_due_diligence_only_for_legitimate_interest():
    p = load_passport("demo")
    with pytest.raises(AccessDenied):
        due_diligence(p, "public")
    records = due_diligence(p, "legitimate_interest")
    assert {r.material for r in records} == {"Co", "Ni", "Li", "graphite"}
    assert "conflict-affected and high-risk area" in next(r for r in records if r.material == "Co").risk_flags


def _measured_cell() -> Measurement:
    """Two cycles: 1.0 Ah discharge, then a 30 s 2 A pulse (0.1 V drop) and a 0.9 Ah discharge."""
    t, i, v, c = [], [], [], []
    clock = [0.0]

    def seg(n, current, volt, cycle):
        for k in range(n):
            clock[0] += 1.0
            t.append(clock[0]), i.append(current), v.append(volt(k) if callable(volt) else volt), c.append(cycle)

    seg(60, 0.0, 3.7, 1), seg(3600, -1.0, lambda k: 4.1 - 0.5 * k / 3600, 1), seg(60, 0.0, 3.6, 1)
    seg(3600, 1.0, 3.9, 1), seg(60, 0.0, 3.7, 2), seg(30, -2.0, 3.6, 2), seg(60, 0.0, 3.7, 2)
    seg(3240, -1.0, lambda k: 4.1 - 0.5 * k / 3240, 2)
    return Measurement(pl.DataFrame({S.TIME: t, S.CURRENT: i, S.VOLTAGE: v, S.CYCLE: c}))


def test_soh_from_measured_capacity_and_pulse_resistance():
    soh = soh_from_measurement(_measured_cell(), rated_capacity_Ah=1.0, initial_resistance_ohm=0.04)
    # last cycle: 0.9 Ah + the 2 A x 30 s pulse (1/60 Ah) discharged
    assert soh["capacity_Ah"] == pytest.approx(0.9 + 1 / 60, rel=1e-3)
    assert soh["soh_capacity_pct"] == pytest.approx(100 * (0.9 + 1 / 60), rel=1e-3)
    assert soh["resistance_ohm"] == pytest.approx(0.1 / 2)
    assert soh["resistance_increase_pct"] == pytest.approx(25.0)


def test_soh_update_is_saved_and_reloaded(data_dir):
    p = load_passport("demo")
    when = datetime(2026, 11, 20, tzinfo=timezone.utc)
    updated = add_soh(p, soh_capacity_pct=90.0, resistance_increase_pct=12.0, date=when, source="test")
    where = save_passport(updated)
    assert str(data_dir) in where  # the default store lives in the data folder
    again = load_passport("demo")
    assert latest_soh(again)["soh_capacity_pct"] == pytest.approx(90.0)
    assert latest_soh(again)["resistance_increase_pct"] == pytest.approx(12.0)
    assert len(again.individual.soh_history) == len(p.individual.soh_history) + 1
    validate_batterypass(export_batterypass(again))
    from sqlalchemy import select

    from cellbench.store import Store
    from cellbench.store.platform import PassportRecord

    with Store.open() as store, store.session() as session:
        row = session.scalar(select(PassportRecord).where(PassportRecord.battery_id == "demo"))
    assert json.loads(row.document)["id"] == "demo"
    assert row.access_tier == again.access_tier


def test_unknown_battery_and_impossible_soh():
    with pytest.raises(NotFound, match="no passport for battery 'nope'"):
        load_passport("nope")
    with pytest.raises(InputError, match="outside 0-120%"):
        add_soh(load_passport("demo"), soh_capacity_pct=250.0, source="typo")


def test_store_tiers_decide_who_reads_the_record():
    from cellbench.store.records.passports import readable_by

    p = load_passport("demo").model_copy(update={"owner": "maker", "access_tier": "private"})
    assert readable_by(p, "maker") and not readable_by(p, "recycler")
    named = p.model_copy(update={"access_tier": "named", "shared_with": {"organisations": ["recycler"]}})
    assert readable_by(named, "recycler") and not readable_by(named, "rival")
    club = p.model_copy(update={"access_tier": "consortium", "shared_with": {"consortia": ["abtc"]}})
    assert readable_by(club, "oem", consortia=("abtc",)) and not readable_by(club, "oem")
    with pytest.raises(AccessDenied, match="private"):
        due_diligence(p, "legitimate_interest", organisation="recycler")
    assert due_diligence(named, "legitimate_interest", organisation="recycler")


def test_passport_of_a_pack_design_file(tmp_path):
    from cellbench import cells
    from cellbench.pack.design import design_pack

    spec = design_pack("lg-m50", energy_kWh=55, voltage_V=400)
    path = spec.save(tmp_path / "pack.yaml")
    p = load_passport("demo").model_copy(update={"pack": str(path)})
    rated = p.rated()
    cell = spec.cell_design()
    assert rated["capacity_Ah"] == pytest.approx(cells.figures(cell).capacity_mAh / 1000 * spec.parallel)
    assert rated["nominal_voltage_V"] == pytest.approx(cells.figures(cell).mean_voltage_V * spec.series)
    validate_batterypass(export_batterypass(p))


def test_shipped_schemas_carry_their_licence_and_source():
    from cellbench.documents import read_yaml
    from cellbench.sustainability.batterypass import SCHEMA_DIR

    source = read_yaml(SCHEMA_DIR / "SOURCE.yaml")
    assert "CC BY 4.0" in source["licence"] and "Battery Pass Consortium" in source["attribution"]
    assert set(source["files"]) == set(SECTIONS.values())
