"""Export a passport to the BatteryPass Data Model v1.2.0 (DIN DKE SPEC 99100) and validate it against its schemas.

The export is one JSON document with the model's seven aspects as sections — ``generalProductInformation``,
``carbonFootprint``, ``circularity``, ``materialComposition``, ``performanceAndDurability``,
``supplyChainDueDiligence``, ``labels`` — each validated against the published aspect schema shipped in
``data/batterypass/1.2.0`` (CC BY 4.0, see SOURCE.yaml), plus ``accessLevels`` (each section's and attribute's EU access
level) and ``cellbench`` (provenance and what the schema could not hold).

Conventions where the v1.2.0 schemas leave a choice (docs/sustainability.md):
- carbon footprint per kWh of *total energy over the service life* (the regulation's functional unit) = rated energy
  × expected cycles × mean remaining capacity ((100 % + exhaustion threshold) / 2);
- ``warrentyPeriod`` is typed as an XML gMonth ("--MM"); cellbench writes the ISO 8601 duration and the month the
  warranty ends, e.g. ``"P8Y --05"``;
- ``temperatureRangeIdleState`` holds one number: the upper idle temperature;
- resistances in ohm, capacities in Ah, energies in kWh, power in kW, shares in percent.

>>> doc = export_batterypass(packaged_passport("demo"), samples=0)
>>> validate_batterypass(doc)
>>> doc["generalProductInformation"]["batteryCategory"]
'ev'
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache

from jsonschema import Draft4Validator

from cellbench.version import version
from cellbench.errors import InputError
from cellbench.sustainability.data_files import DATA_DIR, packaged
from cellbench.sustainability.footprint import BATTERYPASS_STAGES, carbon_footprint
from cellbench.sustainability.passport import Passport, level_of, packaged_passport, soh_history  # noqa: F401

VERSION = "1.2.0"
SCHEMA_DIR = DATA_DIR / "batterypass" / VERSION
SECTIONS = {
    "generalProductInformation": "GeneralProductInformation-schema.json",
    "carbonFootprint": "CarbonFootprintForBatteries-schema.json",
    "circularity": "Circularity-schema.json",
    "materialComposition": "MaterialComposition-schema.json",
    "performanceAndDurability": "PerformanceAndDurability-schema.json",
    "supplyChainDueDiligence": "SupplyChainDueDiligence-schema.json",
    "labels": "Labeling-schema.json",
}
RECYCLED_MATERIAL = {"Co": "Cobalt", "Ni": "Nickel", "Li": "Lithium", "Pb": "Lead"}


@lru_cache(maxsize=None)
def schema(section: str) -> dict:
    return json.loads((SCHEMA_DIR / SECTIONS[section]).read_text(encoding="utf-8"))


def _ts(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_batterypass(document: dict) -> None:
    """Raise :class:`InputError` naming every attribute that breaks the BatteryPass v1.2.0 schemas."""
    problems = []
    for section in SECTIONS:
        if section not in document:
            problems.append(f"{section}: the section is missing")
            continue
        validator = Draft4Validator(schema(section))
        for err in sorted(validator.iter_errors(document[section]), key=lambda e: list(e.absolute_path)):
            where = ".".join([section, *(str(p) for p in err.absolute_path)])
            problems.append(f"{where}: {err.message}")
    if problems:
        raise InputError("not a valid BatteryPass v1.2.0 passport: " + "; ".join(problems))


def _general(p: Passport, mass_kg: float) -> dict:
    ind = p.individual
    end_month = ind.putting_into_service.month
    return {
        "productIdentifier": ind.battery_id,
        "batteryPassportIdentifier": ind.passport_urn,
        "batteryCategory": p.specification.category,
        "manufacturerInformation": ind.manufacturer.model_dump(exclude_none=True),
        "manufacturingDate": _ts(ind.manufacturing_date),
        "batteryStatus": ind.status,
        "batteryMass": round(mass_kg, 3),
        "manufacturingPlace": ind.manufacturing_place.model_dump(),
        "operatorInformation": ind.operator.model_dump(exclude_none=True),
        "puttingIntoService": _ts(ind.putting_into_service),
        "warrentyPeriod": f"P{p.specification.warranty_years}Y --{end_month:02d}",
    }


def lifetime_energy_kWh(p: Passport, energy_kWh: float) -> float:
    """Energy the battery delivers over its service life (the EU CFP functional unit), see the module docstring."""
    perf = p.specification.performance
    mean_capacity = (1.0 + perf.capacity_threshold_for_exhaustion_pct / 100.0) / 2.0
    return energy_kWh * perf.expected_number_of_cycles * mean_capacity


def _carbon(p: Passport, cfp, energy_kWh: float) -> dict:
    per_life = energy_kWh / lifetime_energy_kWh(p, energy_kWh)  # kg/kWh rated → kg/kWh delivered
    return {
        "batteryCarbonFootprint": round(cfp.total_kg_co2e_per_kwh * per_life, 4),
        "carbonFootprintPerLifecycleStage": [
            {"lifecycleStage": BATTERYPASS_STAGES[s], "carbonFootprint": round(v * per_life, 4)}
            for s, v in cfp.stages.items()],
        "carbonFootprintPerformanceClass": "not assigned (classes await the delegated act under Regulation (EU) 2023/1542 Art. 7(2))",
        "carbonFootprintStudy": p.documents["carbon_footprint_study"],
        "absoluteCarbonFootprint": round(cfp.total_kg_co2e, 1),
    }


def _circularity(p: Passport) -> dict:
    c = p.circularity
    docs = c.documents
    supplier = c.spare_part_supplier
    return {
        "dismantlingAndRemovalInformation": [
            {"documentType": "DismantlingManual", "mimeType": "application/pdf", "documentURL": docs["dismantling_manual"]},
            {"documentType": "BillOfMaterial", "mimeType": "application/pdf", "documentURL": docs["bill_of_material"]},
        ],
        "sparePartSources": [{
            "nameOfSupplier": supplier["name"], "addressOfSupplier": supplier["address"],
            "emailAddressOfSupplier": supplier["email"], "supplierWebAddress": supplier["web"],
            "components": supplier["parts"]}],
        "recycledContent": [
            {"recycledMaterial": RECYCLED_MATERIAL[el], "preConsumerShare": shares["pre_consumer"],
             "postConsumerShare": shares["post_consumer"]} for el, shares in c.recycled_content_pct.items()],
        "safetyMeasures": {"safetyInstructions": docs["safety_instructions"], "extinguishingAgent": c.extinguishing_agents},
        "endOfLifeInformation": {"wastePrevention": docs["waste_prevention"],
                                 "separateCollection": docs["separate_collection"],
                                 "informationOnCollection": docs["information_on_collection"]},
        "renewableContent": c.renewable_content_pct,
    }


def _materials(p: Passport, bill) -> tuple[dict, list[str]]:
    ids = packaged("material_identifiers.yaml")
    listed, unlisted = [], []
    for material, kg in sorted(bill.materials_kg.items(), key=lambda kv: -kv[1]):
        rec = ids["materials"].get(material)
        if rec is None:
            unlisted.append(material)
            continue
        listed.append({"batteryMaterialLocation": {"componentName": rec["component"]},
                       "batteryMaterialIdentifier": rec["cas"], "batteryMaterialName": rec["name"],
                       "batteryMaterialMass": round(kg, 4), "isCriticalRawMaterial": rec["critical_raw_material"]})
    hazardous = []
    for material, h in ids["hazardous"].items():
        kg = bill.materials_kg.get(material, 0.0) * h["share_of_material"]
        if kg > 0:
            hazardous.append({"hazardousSubstanceClass": h["class"], "hazardousSubstanceName": h["name"],
                              "hazardousSubstanceConcentration": round(100.0 * kg / bill.mass_kg, 4),
                              "hazardousSubstanceImpact": h["impacts"],
                              "hazardousSubstanceLocation": {"componentName": h["component"]},
                              "hazardousSubstanceIdentifier": h["cas"]})
    section = {"batteryChemistry": {"shortName": p.specification.chemistry_short_name,
                                    "clearName": p.specification.chemistry_clear_name},
               "batteryMaterials": listed, "hazardousSubstances": hazardous}
    return section, unlisted


def _performance(p: Passport, rated: dict) -> dict:
    perf = p.specification.performance
    cond = p.individual.condition
    history = soh_history(p)
    now = history[-1]
    updated = _ts(cond.last_update)
    soh = now["soh_capacity_pct"]
    r_increase = now["resistance_increase_pct"] or 0.0
    power_ratio = 1.0 / (1.0 + r_increase / 100.0)  # power at fixed voltage limits scales with 1/R
    cycles_done_share = cond.number_of_full_cycles / perf.expected_number_of_cycles
    eff_drop = perf.roundtrip_efficiency_pct - cond.roundtrip_efficiency_pct
    eff_at_half_life = perf.roundtrip_efficiency_pct - (eff_drop * 0.5 / cycles_done_share if cycles_done_share else 0.0)
    technical = {
        "originalPowerCapability": [{"atSoC": float(s), "powerCapabilityAt": kw}
                                    for s, kw in sorted(perf.power_capability_kW_at_soc.items())],
        "ratedMaximumPower": perf.rated_maximum_power_kW,
        "powerCapabilityRatio": round(perf.rated_maximum_power_kW / rated["energy_kWh"], 4),
        "ratedEnergy": round(rated["energy_kWh"], 3),
        "expectedNumberOfCycles": perf.expected_number_of_cycles,
        "initialSelfDischarge": perf.initial_self_discharge_pct_per_month,
        "roundtripEfficiency": perf.roundtrip_efficiency_pct,
        "ratedCapacity": round(rated["capacity_Ah"], 3),
        "initialInternalResistance": [{"ohmicResistance": mohm / 1000.0, "batteryComponent": part}
                                      for part, mohm in perf.initial_internal_resistance_mohm.items()],
        "expectedLifetime": perf.expected_lifetime_years,
        "nominalVoltage": round(rated["nominal_voltage_V"], 2),
        "minimumVoltage": round(rated["minimum_voltage_V"], 2),
        "maximumVoltage": round(rated["maximum_voltage_V"], 2),
        "capacityThresholdForExhaustion": perf.capacity_threshold_for_exhaustion_pct,
        "lifetimeReferenceTest": perf.lifetime_reference_test,
        "cRateLifeCycleTest": perf.c_rate_life_cycle_test,
        "temperatureRangeIdleState": perf.temperature_range_idle_C["max"],
    }
    condition = {
        "energyThroughput": cond.energy_throughput_kWh,
        "capacityThroughput": {"capacityThroughputValue": cond.capacity_throughput_Ah, "lastUpdate": updated},
        "numberOfFullCycles": {"numberOfFullCyclesValue": cond.number_of_full_cycles, "lastUpdate": updated},
        "stateOfCertifiedEnergy": {"stateOfCertifiedEnergyValue": round(soh, 2), "lastUpdate": _ts(datetime.fromisoformat(now["date"]))},
        "capacityFade": {"capacityFadeValue": round(100.0 - soh, 2), "lastUpdate": _ts(datetime.fromisoformat(now["date"]))},
        "remainingEnergy": {"remainingEnergyalue": round(rated["energy_kWh"] * soh / 100.0, 3), "lastUpdate": updated},
        "remainingCapacity": {"remainingCapacityValue": round(now["capacity_Ah"], 3), "lastUpdate": updated},
        "negativeEvents": [{"negativeEvent": e["event"], "lastUpdate": _ts(datetime.fromisoformat(str(e["date"])))}
                           for e in cond.negative_events],
        "temperatureInformation": {"timeExtremeHighTemp": cond.time_extreme_high_temp_h,
                                   "timeExtremeLowTemp": cond.time_extreme_low_temp_h,
                                   "timeExtremeHighTempCharging": cond.time_extreme_high_temp_charging_h,
                                   "timeExtremeLowTempCharging": cond.time_extreme_low_temp_charging_h,
                                   "lastUpdate": updated},
        "remainingPowerCapability": [
            {"remainingPowerCapabilityValue": {"rPCLastUpdated": updated, "atSoC": float(s),
                                               "powerCapabilityAt": round(kw * power_ratio, 2)},
             "lastUpdate": updated} for s, kw in sorted(perf.power_capability_kW_at_soc.items())],
        "powerFade": round(100.0 * (1.0 - power_ratio), 2),
        "roundTripEfficiencyFade": round(100.0 * eff_drop / perf.roundtrip_efficiency_pct, 2),
        "evolutionOfSelfDischarge": {"evolutionOfSelfDischargeEntityValue": round(
            cond.current_self_discharge_pct_per_month - perf.initial_self_discharge_pct_per_month, 3)},
        "currentSelfDischargingRate": {"currentSelfDischargingRateEntity": cond.current_self_discharge_pct_per_month,
                                       "lastUpdate": updated},
        "internalResistanceIncrease": [{"internalResistanceIncreaseValue": round(r_increase, 2), "lastUpdate": updated,
                                        "batteryComponent": "pack" if p.pack else "cell"}],
        "roundTripEfficiencyat50PerCentCycleLife": round(eff_at_half_life, 2),
        "remainingRoundTripEnergyEfficiency": {"remainingRoundTripEnergyEfficiencyValue": cond.roundtrip_efficiency_pct,
                                               "lastUpdate": updated},
        "stateOfCharge": {"stateOfChargeValue": cond.state_of_charge_pct, "lastUpdate": updated},
    }
    return {"batteryTechicalProperties": technical, "batteryCondition": condition}


def export_batterypass(p: Passport, *, samples: int = 0, seed: int = 0) -> dict:
    """The passport as a BatteryPass v1.2.0 document (not yet validated: call :func:`validate_batterypass`)."""
    bill = p.bill()
    rated = p.rated()
    cfp = carbon_footprint(bill, grid=p.carbon_footprint.grid, end_of_life_route=p.carbon_footprint.end_of_life_route,
                           samples=samples, seed=seed)
    materials, unlisted = _materials(p, bill)
    docs = p.documents
    document = {
        "generalProductInformation": _general(p, bill.mass_kg),
        "carbonFootprint": _carbon(p, cfp, rated["energy_kWh"]),
        "circularity": _circularity(p),
        "materialComposition": materials,
        "performanceAndDurability": _performance(p, rated),
        "supplyChainDueDiligence": {"supplyChainDueDiligenceReport": docs["due_diligence_report"]},
        "labels": {"declarationOfConformity": docs["declaration_of_conformity"],
                   "resultOfTestReport": docs["result_of_test_report"],
                   "labels": [{"labelingSymbol": lab["symbol"], "labelingMeaning": {"en": lab["meaning"]},
                               "labelingSubject": lab["subject"]} for lab in docs["labels"]]},
    }
    document["accessLevels"] = {
        path: level_of(path) for section, body in document.items() for path in
        [section, *(f"{section}.{k}" for k in body)]}
    document["cellbench"] = {
        "batteryPassVersion": VERSION, "cellbench_version": version(), "passport_id": p.id,
        "access_tier": p.access_tier, "cfp_factors_version": cfp.provenance["factors_version"],
        "cfp_kg_co2e_per_kwh_rated": cfp.total_kg_co2e_per_kwh,
        "lifetime_energy_kWh": lifetime_energy_kWh(p, rated["energy_kWh"]),
        "materials_without_cas_number": unlisted,
        "soh_history": soh_history(p),
    }
    return document
