"""Carbon footprint (CFP) of a cell or pack by life-cycle stage, with a Monte Carlo uncertainty band.

Stages follow the EU Battery Regulation (2023/1542, Annex II) and Japan's automotive battery CFP method (METI,
draft ver. 1.0, April 2023); the use phase is excluded in both:

- ``raw_material_acquisition``: kg of each material × its cradle-to-gate factor, minus the recycled-content swap
  (each kg of Ni, Co, Li from recycling carries the recycled burden instead of the primary one);
- ``main_production``: cell-production electricity (process + dry room; the dry room × a multiplier for
  solid-state cells) × the factory country's grid intensity, plus natural-gas heat;
- ``distribution``: battery mass × distance × freight factor, by truck and by ship;
- ``end_of_life``: recycling-route process emissions per kg treated (no credit: cut-off approach).

Results are kg CO2e per kWh of rated energy. The central figure uses every factor's central value; the band
comes from sampling each factor independently from a triangular distribution (low, value, high), seeded.

>>> from cellbench import cells
>>> from cellbench.sustainability import cell_bill
>>> r = carbon_footprint(cell_bill(cells.load("lg-m50")), grid="SE", samples=200)
>>> r.stages["main_production"] < carbon_footprint(cell_bill(cells.load("lg-m50")), grid="CN", samples=200).stages["main_production"]
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np

from cellbench.version import version
from cellbench.errors import InputError
from cellbench.sustainability.bill_of_materials import Bill
from cellbench.sustainability.composition import element_masses_kg
from cellbench.sustainability.data_files import SourcedValue
from cellbench.sustainability.factors import CfpFactors, load_factors

STAGES = ("raw_material_acquisition", "main_production", "distribution", "end_of_life")
#: BatteryPass v1.2.0 lifecycleStage names for each stage
BATTERYPASS_STAGES = {
    "raw_material_acquisition": "RawMaterialExtraction",
    "main_production": "MainProduction",
    "distribution": "Distribution",
    "end_of_life": "Recycling",
}
DEFAULT_SAMPLES = 2000


@dataclass(frozen=True)
class CarbonFootprint:
    """A footprint result; ``to_dict()`` is the JSON ``cellbench cfp --json`` prints."""

    basis: dict
    total_kg_co2e_per_kwh: float
    stages: dict[str, float]
    uncertainty: dict
    grid: dict
    recycled_content: dict
    materials_kg_co2e_per_kwh: dict[str, float]
    cross_check: dict
    provenance: dict = field(default_factory=dict)

    @property
    def total_kg_co2e(self) -> float:
        return self.total_kg_co2e_per_kwh * self.basis["energy_kWh"]

    def to_dict(self) -> dict:
        return asdict(self)


class _Draw:
    """Central values (samples=0) or seeded triangular samples of every factor, drawn on first use."""

    def __init__(self, samples: int, seed: int):
        self.samples = samples
        self.rng = np.random.default_rng(seed)
        self.cache: dict[int, object] = {}

    def __call__(self, v: SourcedValue):
        if self.samples == 0:
            return v.value
        key = id(v)
        if key not in self.cache:
            low, high = v.range
            self.cache[key] = (np.full(self.samples, v.value) if high <= low
                               else self.rng.triangular(low, v.value, high, self.samples))
        return self.cache[key]


def _check_factors(bill: Bill, factors: CfpFactors) -> None:
    missing = sorted(m for m in bill.materials_kg if m not in factors.materials_kg_co2e_per_kg)
    if missing:
        raise InputError(f"no emission factor for {', '.join(repr(m) for m in missing)} in {bill.label}'s bill of "
                         f"materials (add them to materials_kg_co2e_per_kg in the factor file, version {factors.version})")


def _stages_kg(bill: Bill, factors: CfpFactors, draw: _Draw, *, grid: SourcedValue, route: str,
               recycled: Mapping[str, float]) -> tuple[dict, dict]:
    """kg CO2e of each stage (numbers or sample arrays) and of each material in the raw-material stage."""
    per_material = {m: kg * draw(factors.materials_kg_co2e_per_kg[m]) for m, kg in bill.materials_kg.items()}
    elements = element_masses_kg(bill.materials_kg)
    swap = 0.0
    for el, share in recycled.items():
        burden = factors.elements_kg_co2e_per_kg[el]
        swap = swap + share * elements.get(el, 0.0) * (draw(burden.primary) - draw(burden.recycled))
    mp = factors.main_production
    dry_room = draw(mp.dry_room_electricity_kWh_per_kWh)
    if bill.electrolyte_type == "solid":
        dry_room = dry_room * draw(mp.dry_room_multiplier_solid)
    electricity_kWh = (draw(mp.process_electricity_kWh_per_kWh) + dry_room) * bill.energy_kWh
    heat = draw(mp.natural_gas_MJ_per_kWh) * bill.energy_kWh * draw(mp.natural_gas_kg_co2e_per_MJ)
    d = factors.distribution
    stages = {
        "raw_material_acquisition": sum(per_material.values()) - swap,
        "main_production": electricity_kWh * draw(grid) + heat,
        "distribution": bill.mass_kg / 1000.0 * (draw(d.truck_distance_km) * draw(d.truck_kg_co2e_per_tonne_km)
                                                 + draw(d.ship_distance_km) * draw(d.ship_kg_co2e_per_tonne_km)),
        "end_of_life": bill.mass_kg * draw(factors.end_of_life(route)),
    }
    return stages, per_material


def _recycled_shares(recycled: Mapping[str, float] | None, factors: CfpFactors) -> dict[str, float]:
    shares = dict(recycled or {})
    for el, share in shares.items():
        if el not in factors.elements_kg_co2e_per_kg:
            raise InputError(f"no primary/recycled burden for element '{el}'; recycled content can be given for "
                             f"{', '.join(sorted(factors.elements_kg_co2e_per_kg))}")
        if not 0.0 <= share <= 1.0:
            raise InputError(f"recycled content of {el} is {share}; expected a share between 0 and 1")
    return shares


def carbon_footprint(bill: Bill, *, grid: str | None = None, factors: CfpFactors | None = None,
                     recycled_content: Mapping[str, float] | None = None, end_of_life_route: str | None = None,
                     samples: int = DEFAULT_SAMPLES, seed: int = 0) -> CarbonFootprint:
    """Footprint of a bill (``cell_bill(design)`` or ``bill_of_materials_for_pack(...)``) in kg CO2e/kWh."""
    factors = factors or load_factors()
    _check_factors(bill, factors)
    if bill.energy_kWh <= 0:
        raise InputError(f"{bill.label} has no energy; a footprint per kWh needs a positive rated energy")
    country = (grid or factors.default_grid).upper()
    grid_value = factors.grid(country)
    route = end_of_life_route or factors.default_end_of_life_route
    shares = _recycled_shares(recycled_content, factors)
    per_kwh = 1.0 / bill.energy_kWh

    central, per_material = _stages_kg(bill, factors, _Draw(0, seed), grid=grid_value, route=route, recycled=shares)
    stages = {s: central[s] * per_kwh for s in STAGES}
    total = sum(stages.values())

    uncertainty: dict = {"method": "monte_carlo_triangular", "samples": samples, "seed": seed}
    if samples > 0:
        sampled, _ = _stages_kg(bill, factors, _Draw(samples, seed), grid=grid_value, route=route, recycled=shares)
        totals = sum(np.asarray(sampled[s]) for s in STAGES) * per_kwh
        p05, p50, p95 = np.percentile(totals, [5, 50, 95])
        uncertainty.update(p05=float(p05), p50=float(p50), p95=float(p95), mean=float(totals.mean()),
                           stages={s: {"p05": float(np.percentile(np.asarray(sampled[s]) * per_kwh, 5)),
                                       "p95": float(np.percentile(np.asarray(sampled[s]) * per_kwh, 95))}
                                   for s in STAGES})

    grid_block = _grid_effect(bill, factors, country, route, shares, stages)
    elements = element_masses_kg(bill.materials_kg)
    swap_block = {
        "shares": shares,
        "saving_kg_co2e_per_kwh": sum(
            share * elements.get(el, 0.0) * (factors.elements_kg_co2e_per_kg[el].primary.value
                                              - factors.elements_kg_co2e_per_kg[el].recycled.value)
            for el, share in shares.items()) * per_kwh,
    }
    return CarbonFootprint(
        basis={"label": bill.label, "energy_kWh": bill.energy_kWh, "mass_kg": bill.mass_kg,
               "cell_count": bill.cell_count, "end_of_life_route": route,
               "functional_unit": factors.functional_unit},
        total_kg_co2e_per_kwh=total,
        stages=stages,
        uncertainty=uncertainty,
        grid=grid_block,
        recycled_content=swap_block,
        materials_kg_co2e_per_kwh=dict(sorted(((m, v * per_kwh) for m, v in per_material.items()),
                                              key=lambda kv: -kv[1])),
        cross_check=cross_check(stages, bill, factors),
        provenance={"cellbench_version": version(), "factors_version": factors.version},
    )


def _grid_effect(bill: Bill, factors: CfpFactors, country: str, route: str, shares: Mapping[str, float],
                 stages: Mapping[str, float]) -> dict:
    """The grid mix apart: main production and total at every country's grid, other stages unchanged."""
    draw = _Draw(0, 0)
    mp = factors.main_production
    dry = mp.dry_room_electricity_kWh_per_kWh.value * (mp.dry_room_multiplier_solid.value
                                                      if bill.electrolyte_type == "solid" else 1.0)
    electricity = mp.process_electricity_kWh_per_kWh.value + dry
    others = sum(v for s, v in stages.items() if s != "main_production")
    heat = mp.natural_gas_MJ_per_kWh.value * mp.natural_gas_kg_co2e_per_MJ.value
    by_country = {}
    for code, g in sorted(factors.grid_kg_co2e_per_kWh.items(), key=lambda kv: kv[1].value):
        main = electricity * draw(g) + heat
        by_country[code] = {"grid_kg_co2e_per_kWh": g.value, "main_production_kg_co2e_per_kwh": main,
                            "total_kg_co2e_per_kwh": others + main}
    chosen = factors.grid(country)
    return {
        "country": country,
        "kg_co2e_per_kWh": chosen.value,
        "source": chosen.source,
        "electricity_kWh_per_kwh": electricity,
        "dry_room_kWh_per_kwh": dry,
        "electricity_kg_co2e_per_kwh": electricity * chosen.value,
        "by_country": by_country,
    }


def cross_check(stages: Mapping[str, float], bill: Bill, factors: CfpFactors) -> dict:
    """Cradle-to-gate (raw materials + main production) against the published NMC range and kg-basis meta-analysis."""
    gate = stages["raw_material_acquisition"] + stages["main_production"]
    out = {"cradle_to_gate_kg_co2e_per_kwh": gate,
           "cradle_to_gate_kg_co2e_per_kg": gate * bill.energy_kWh / bill.mass_kg}
    for key, lit in factors.literature.items():
        value = out["cradle_to_gate_kg_co2e_per_kg"] if key.endswith("per_kg") else gate
        out[key] = {"range": list(lit.range), "inside": lit.range[0] <= value <= lit.range[1], "source": lit.source}
    return out
