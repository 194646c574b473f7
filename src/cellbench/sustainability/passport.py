"""Battery passports: specification and individual identification, state-of-health history, due diligence.

A passport follows the Japanese battery passport's split (seeds/004): **specification identification** (model
number, dimensions, chemistry, rated capacity and voltage, derived from the pack's cell design) and **individual
identification** (battery ID, manufacturing date and place, status, state of health with its history). Each record
carries the store's ``access_tier`` (private, named, consortium, public) for the record as a whole; attribute groups
carry the EU regulation's access levels (public, legitimate_interest, authorities) in ``passport_access.yaml``.

Passports are kept in the store (``cellbench.store.records.passports``: the document as JSON, owner and tier as
columns, the organisations and consortia of ``shared_with`` as read grants); this module holds the document and
what is computed from it. The ``demo`` passport ships with cellbench (:func:`packaged_passport`).

>>> p = packaged_passport("demo")
>>> p.specification.model_number
'CB-DEMO-55-NMC811'
>>> round(latest_soh(p)["soh_capacity_pct"], 1) < 100
True
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cellbench import cells

from cellbench.documents import parse_model, read_yaml
from cellbench.errors import AccessDenied, CellbenchError, InputError, NotFound
from cellbench.sustainability.bill_of_materials import pack_layout
from cellbench.sustainability.data_files import DATA_DIR, packaged

AccessLevel = Literal["public", "legitimate_interest", "authorities"]
PACKAGED_PASSPORTS = DATA_DIR / "passports"
CONDITION_PATH = "performanceAndDurability.batteryCondition"


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")
    addressCountry: str
    postalCode: str
    streetAddress: str


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contactName: str
    identifier: str
    postalAddress: Address
    webAddress: str | None = None


class Performance(BaseModel):
    """Rated performance a maker declares (BatteryPass batteryTechicalProperties)."""

    model_config = ConfigDict(extra="forbid")
    rated_maximum_power_kW: float = Field(gt=0)
    power_capability_kW_at_soc: dict[int, float]
    expected_number_of_cycles: int = Field(gt=0)
    expected_lifetime_years: int = Field(gt=0)
    initial_self_discharge_pct_per_month: float = Field(ge=0)
    roundtrip_efficiency_pct: float = Field(gt=0, le=100)
    initial_internal_resistance_mohm: dict[Literal["pack", "module", "cell"], float]
    capacity_threshold_for_exhaustion_pct: float = Field(gt=0, le=100)
    c_rate_life_cycle_test: float = Field(gt=0)
    temperature_range_idle_C: dict[Literal["min", "max"], float]
    lifetime_reference_test: str


class Specification(BaseModel):
    """Specification identification: what every battery of this model shares."""

    model_config = ConfigDict(extra="forbid")
    model_number: str
    category: Literal["lmt", "ev", "industrial", "stationary"]
    chemistry_short_name: str
    chemistry_clear_name: str
    dimensions_mm: dict[Literal["length", "width", "height"], float]
    warranty_years: int = Field(ge=0)
    performance: Performance


class SohRecord(BaseModel):
    """One state-of-health reading of the whole battery: capacity (and resistance) at a date, with where it came from."""

    model_config = ConfigDict(extra="forbid")
    date: datetime
    capacity_Ah: float = Field(gt=0)
    resistance_mohm: float | None = Field(None, gt=0)
    source: str


class Condition(BaseModel):
    """Counters of use the battery management system reports (BatteryPass batteryCondition)."""

    model_config = ConfigDict(extra="forbid")
    energy_throughput_kWh: float = Field(ge=0)
    capacity_throughput_Ah: float = Field(ge=0)
    number_of_full_cycles: float = Field(ge=0)
    state_of_charge_pct: float = Field(ge=0, le=100)
    negative_events: list[dict] = Field(default_factory=list)
    time_extreme_high_temp_h: float = Field(ge=0)
    time_extreme_low_temp_h: float = Field(ge=0)
    time_extreme_high_temp_charging_h: float = Field(ge=0)
    time_extreme_low_temp_charging_h: float = Field(ge=0)
    current_self_discharge_pct_per_month: float = Field(ge=0)
    roundtrip_efficiency_pct: float = Field(gt=0, le=100)
    last_update: datetime


class Individual(BaseModel):
    """Individual identification: this one battery."""

    model_config = ConfigDict(extra="forbid")
    battery_id: str
    passport_urn: str = Field(pattern=r"^urn:[a-z0-9]+:[a-z0-9]+$")
    status: Literal["Original", "Repurposed", "Reused", "Remanufactured", "Waste"]
    manufacturing_date: datetime
    putting_into_service: datetime
    manufacturing_place: Address
    manufacturer: Contact
    operator: Contact
    condition: Condition
    soh_history: list[SohRecord] = Field(min_length=1)


class Circularity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    recycled_content_pct: dict[Literal["Co", "Ni", "Li", "Pb"], dict[Literal["pre_consumer", "post_consumer"], float]]
    renewable_content_pct: float = Field(ge=0, le=100)
    documents: dict[str, str]
    extinguishing_agents: list[str]
    spare_part_supplier: dict


class DueDiligenceRecord(BaseModel):
    """A questionnaire answer on one material: where it was mined, who smelted or refined it, and risk flags.

    Visible to the ``legitimate_interest`` level and above (``passport_access.yaml``), never in public views.
    """

    model_config = ConfigDict(extra="forbid")
    material: str
    mineral_origin: str = Field(description="ISO 3166 country of the mine")
    smelter_or_refiner: str
    risk_flags: list[str] = Field(default_factory=list)
    assessment: str = ""


class CarbonFootprintSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grid: str = "JP"
    end_of_life_route: str = "hydro"


class Passport(BaseModel):
    """A battery passport record (pack or cell), stored as JSON; export with :mod:`cellbench.sustainability.batterypass`."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    # one of the store's tiers (cellbench.store.records.tiers), checked when the passport is kept
    access_tier: str = "private"
    owner: str | None = Field(None, description="organisation that owns the record (store access control)")
    shared_with: dict[Literal["organisations", "consortia"], list[str]] = Field(
        default_factory=dict, description="who may read it on the 'named' (organisations) or 'consortium' tier")
    pack: str | None = Field(None, description="pack file or packaged pack id")
    cell: str | None = Field(None, description="catalogue cell id, for a single-cell passport")
    specification: Specification
    individual: Individual
    circularity: Circularity
    documents: dict
    carbon_footprint: CarbonFootprintSettings = CarbonFootprintSettings()
    due_diligence: list[DueDiligenceRecord] = Field(default_factory=list)

    @field_validator("cell")
    @classmethod
    def _one_of_pack_or_cell(cls, value, info):
        if value and info.data.get("pack"):
            raise ValueError("give 'pack' or 'cell', not both")
        return value

    def bill(self):
        """The bill of materials behind this passport (pack or cell)."""
        from cellbench.sustainability.bill_of_materials import bill_of_materials_for_pack, cell_bill

        if self.pack:
            return bill_of_materials_for_pack(self.pack)
        if self.cell:
            return cell_bill(cells.load(self.cell))
        raise InputError(f"passport '{self.id}' names neither a pack nor a cell", location="field 'pack'")

    def rated(self) -> dict:
        """Rated capacity, energy and voltages from the design (series × parallel for packs)."""
        if self.pack:
            design, series, parallel = pack_layout(self.pack)
        else:
            design, series, parallel = cells.load(self.cell), 1, 1
        f = cells.figures(design)
        return {"capacity_Ah": f.capacity_mAh / 1000.0 * parallel, "energy_kWh": f.energy_Wh * series * parallel / 1000.0,
                "nominal_voltage_V": f.mean_voltage_V * series, "minimum_voltage_V": design.voltage_min_V * series,
                "maximum_voltage_V": design.voltage_max_V * series, "series": series, "parallel": parallel,
                "cell_id": design.id}


# -- state of health ------------------------------------------------------------------------------------------

def soh_of(record: SohRecord, rated_capacity_Ah: float, initial_resistance_mohm: float | None) -> dict:
    """Capacity against rated and resistance against initial, in percent."""
    out = {"date": record.date.isoformat(), "capacity_Ah": record.capacity_Ah,
           "soh_capacity_pct": 100.0 * record.capacity_Ah / rated_capacity_Ah,
           "resistance_mohm": record.resistance_mohm, "resistance_increase_pct": None, "source": record.source}
    if record.resistance_mohm and initial_resistance_mohm:
        out["resistance_increase_pct"] = 100.0 * (record.resistance_mohm / initial_resistance_mohm - 1.0)
    return out


def soh_history(p: Passport) -> list[dict]:
    rated = p.rated()["capacity_Ah"]
    initial = next((r.resistance_mohm for r in p.individual.soh_history if r.resistance_mohm), None)
    return [soh_of(r, rated, initial) for r in sorted(p.individual.soh_history, key=lambda r: r.date)]


def latest_soh(p: Passport) -> dict:
    return soh_history(p)[-1]


def soh_from_measurement(measurement, *, rated_capacity_Ah: float, initial_resistance_ohm: float | None = None,
                         max_pulse_s: float = 60.0) -> dict:
    """State of health of a measured cell: last full cycle's discharge capacity ÷ rated; median DC-IR ÷ initial.

    A full cycle is one whose discharge capacity is at least half the largest in the test (a cut-off last cycle
    does not count). Resistance is the median 10 s DC-IR of the test's discharge pulses (steps of at most
    ``max_pulse_s`` from a preceding step), if it has any.
    """
    from cellbench.measurements.cycles import cycle_table
    from cellbench.analysis.resistance import pulse_resistance

    table = cycle_table(measurement)
    q = [x for x in table["discharge_capacity_Ah"].to_list() if x is not None]
    if not q or max(q) <= 0:
        raise InputError("the measurement has no discharge capacity; state of health needs at least one discharge")
    full = [x for x in q if x >= 0.5 * max(q)]
    capacity = full[-1]
    resistance = None
    pulses = pulse_resistance(measurement, max_pulse_s=max_pulse_s)
    values = [r for r, d in zip(pulses["resistance_ohm"].to_list(), pulses["direction"].to_list())
              if d == "discharge" and r is not None and r > 0]
    if values:
        resistance = float(sorted(values)[len(values) // 2])
    return {
        "capacity_Ah": capacity,
        "soh_capacity_pct": 100.0 * capacity / rated_capacity_Ah,
        "resistance_ohm": resistance,
        "resistance_increase_pct": (100.0 * (resistance / initial_resistance_ohm - 1.0)
                                    if resistance and initial_resistance_ohm else None),
        "cycles": len(q),
    }


def add_soh(p: Passport, *, soh_capacity_pct: float, resistance_increase_pct: float | None = None,
            date: datetime | None = None, source: str) -> Passport:
    """A copy of the passport with a new SoH reading, given as percentages (so a cell test can stand for the pack)."""
    if not 0 < soh_capacity_pct <= 120:
        raise InputError(f"state of health {soh_capacity_pct:.1f}% is outside 0-120%")
    rated = p.rated()["capacity_Ah"]
    initial = next((r.resistance_mohm for r in sorted(p.individual.soh_history, key=lambda r: r.date)
                    if r.resistance_mohm), None)
    resistance = initial * (1 + resistance_increase_pct / 100.0) if initial and resistance_increase_pct is not None else None
    when = date or datetime.now(timezone.utc)
    record = SohRecord(date=when, capacity_Ah=rated * soh_capacity_pct / 100.0, resistance_mohm=resistance, source=source)
    individual = p.individual.model_copy(update={"soh_history": [*p.individual.soh_history, record]})
    return p.model_copy(update={"individual": individual})


# -- access -------------------------------------------------------------------------------------------------------

def access_levels() -> tuple[list[str], dict[str, str]]:
    data = packaged("passport_access.yaml")
    return list(data["order"]), dict(data["levels"])


def level_of(path: str) -> str:
    """The access level of ``section`` or ``section.attribute``: the most specific key in the table wins."""
    order, levels = access_levels()
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in levels:
            return levels[key]
    return order[-1]  # unlisted attributes are the most restricted


def may_read(audience: str, path: str) -> bool:
    order, _ = access_levels()
    if audience not in order:
        raise InputError(f"unknown audience '{audience}'; one of {', '.join(order)}", location="option '--as'")
    return order.index(audience) >= order.index(level_of(path))


def view(document: dict, audience: str) -> dict:
    """The part of an exported passport (section → attributes) an audience may read."""
    out = {}
    for section, body in document.items():
        if section == "cellbench" and isinstance(body, dict):
            # cellbench's own SoH history repeats batteryCondition, so it takes that attribute's level
            hidden = () if may_read(audience, CONDITION_PATH) else ("soh_history",)
            out[section] = {k: v for k, v in body.items() if k not in hidden}
            continue
        if not isinstance(body, dict) or section == "accessLevels":
            out[section] = body
            continue
        if not may_read(audience, section) and not any(may_read(audience, f"{section}.{k}") for k in body):
            continue
        out[section] = {k: v for k, v in body.items() if may_read(audience, f"{section}.{k}")}
    return out


def due_diligence(p: Passport, audience: str) -> list[DueDiligenceRecord]:
    """The due-diligence questionnaire records, only for audiences the access table allows. (Whether an organisation
    may open the passport at all goes by the store's tiers: ``cellbench.store.records.passports.due_diligence``.)"""
    if not may_read(audience, "dueDiligenceQuestionnaire"):
        raise AccessDenied(f"due-diligence records of passport '{p.id}' are visible to "
                           f"{level_of('dueDiligenceQuestionnaire')} and above, not to {audience}")
    return list(p.due_diligence)


# -- documents ----------------------------------------------------------------------------------------------------

def _parse(data, source: str) -> Passport:
    return parse_model(Passport, data, source=source)


def packaged_passport(battery_id: str) -> Passport:
    """A passport that ships with cellbench (``demo``); the store keeps changed copies
    (``cellbench.store.records.passports.load_passport`` looks there first).

    >>> packaged_passport("demo").id
    'demo'
    """
    packaged_file = PACKAGED_PASSPORTS / f"{battery_id}.yaml"
    if not packaged_file.exists():
        known = ", ".join(packaged_ids()) or "none"
        raise NotFound(f"no packaged passport for battery '{battery_id}' (packaged: {known})")
    return _parse(read_yaml(packaged_file), str(packaged_file))


def packaged_ids() -> list[str]:
    """The battery ids of the passports that ship with cellbench."""
    return sorted(f.stem for f in PACKAGED_PASSPORTS.glob("*.yaml"))


def passport_from_json(document: str, source: str) -> Passport:
    """A passport from its stored JSON (the store's ``document`` column); errors name ``source``."""
    return _parse(json.loads(document), source)


def public_summary(document: str) -> dict:
    """The public-level figures of a stored passport that a list shows: model number, chemistry, rated capacity and
    energy (from the design it names; None when that design cannot be found here).

    >>> public_summary(packaged_passport("demo").model_dump_json())["chemistry"]
    'NMC811/graphite'
    """
    p = passport_from_json(document, "stored passport")
    try:
        rated = p.rated()
    except CellbenchError:  # a pack file on the saver's machine: the list still shows the passport
        rated = {"capacity_Ah": None, "energy_kWh": None}
    return {"model_number": p.specification.model_number, "chemistry": p.specification.chemistry_short_name,
            "rated_capacity_Ah": rated["capacity_Ah"], "rated_energy_kWh": rated["energy_kWh"]}


def load_passport_file(path: str | Path) -> Passport:
    """A passport from a YAML or JSON file a user wrote."""
    return _parse(read_yaml(path), str(path))


def update_soh_from_measurement(p: Passport, measurement, *, source: str, date: datetime | None = None) -> tuple[Passport, dict]:
    """Add a SoH reading from a measured cell of this battery: capacity against the cell's rated capacity and
    10 s DC-IR against the passport's initial cell resistance; the pack record takes the same percentages."""
    rated = p.rated()
    cell_rated_Ah = rated["capacity_Ah"] / rated["parallel"]
    initial_cell_mohm = p.specification.performance.initial_internal_resistance_mohm.get("cell")
    soh = soh_from_measurement(measurement, rated_capacity_Ah=cell_rated_Ah,
                               initial_resistance_ohm=initial_cell_mohm / 1000.0 if initial_cell_mohm else None)
    updated = add_soh(p, soh_capacity_pct=soh["soh_capacity_pct"], resistance_increase_pct=soh["resistance_increase_pct"],
                      date=date, source=source)
    return updated, soh
