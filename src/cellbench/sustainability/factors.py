"""The carbon-footprint factor file (versioned YAML, a source and a range for every value), as a typed model.

>>> f = load_factors()
>>> f.grid("JP").value
0.48
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from cellbench.documents import load_model, parse_model
from cellbench.errors import InputError
from cellbench.sustainability.data_files import DATA_DIR, SourcedValue, packaged

FACTORS_FILE = DATA_DIR / "cfp_factors.yaml"


class ElementBurden(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    primary: SourcedValue
    recycled: SourcedValue


class MainProduction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    process_electricity_kWh_per_kWh: SourcedValue
    dry_room_electricity_kWh_per_kWh: SourcedValue
    dry_room_multiplier_solid: SourcedValue
    natural_gas_MJ_per_kWh: SourcedValue
    natural_gas_kg_co2e_per_MJ: SourcedValue


class Distribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    truck_distance_km: SourcedValue
    truck_kg_co2e_per_tonne_km: SourcedValue
    ship_distance_km: SourcedValue
    ship_kg_co2e_per_tonne_km: SourcedValue


class LiteratureRange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float | None = None
    range: tuple[float, float]
    source: str


class CfpFactors(BaseModel):
    """Every number the footprint uses; results record ``version``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    functional_unit: str
    materials_kg_co2e_per_kg: dict[str, SourcedValue]
    elements_kg_co2e_per_kg: dict[str, ElementBurden]
    main_production: MainProduction
    grid_kg_co2e_per_kWh: dict[str, SourcedValue]
    default_grid: str
    distribution: Distribution
    end_of_life_kg_co2e_per_kg: dict[str, SourcedValue]
    default_end_of_life_route: str
    literature: dict[str, LiteratureRange] = {}

    def grid(self, country: str) -> SourcedValue:
        code = country.upper()
        if code not in self.grid_kg_co2e_per_kWh:
            raise InputError(f"no grid intensity for '{country}'; known: {', '.join(sorted(self.grid_kg_co2e_per_kWh))}",
                             location="option '--grid'")
        return self.grid_kg_co2e_per_kWh[code]

    def end_of_life(self, route: str) -> SourcedValue:
        if route not in self.end_of_life_kg_co2e_per_kg:
            raise InputError(f"no end-of-life factor for route '{route}'; known: "
                             f"{', '.join(sorted(self.end_of_life_kg_co2e_per_kg))}")
        return self.end_of_life_kg_co2e_per_kg[route]


def load_factors(path: str | Path | None = None) -> CfpFactors:
    """The packaged factor file, or a user's own file of the same shape."""
    if path is None:
        return parse_model(CfpFactors, packaged(FACTORS_FILE.name), source=str(FACTORS_FILE))
    return load_model(CfpFactors, path)


def recycled_content_preset(name: str) -> dict[str, float]:
    """Element → recycled share for a named preset (``eu-2031``, ``eu-2036``, ``none``)."""
    presets = packaged("recycled_content.yaml")["presets"]
    if name not in presets:
        raise InputError(f"no recycled-content preset '{name}'; known: {', '.join(presets)}")
    return dict(presets[name]["shares"])


def parse_recycled_content(text: str) -> dict[str, float]:
    """``eu-2031`` (a preset) or ``Ni=0.2,Co=0.16,Li=0.06`` (shares 0..1) → element → share.

    >>> parse_recycled_content("Ni=0.2,Co=0.16")
    {'Ni': 0.2, 'Co': 0.16}
    """
    if "=" not in text:
        return recycled_content_preset(text)
    shares: dict[str, float] = {}
    for part in text.split(","):
        element, _, value = part.partition("=")
        try:
            shares[element.strip()] = float(value)
        except ValueError:
            raise InputError(f"recycled content '{part}' is not ELEMENT=SHARE (e.g. Ni=0.2)",
                             location="option '--recycled'") from None
    return shares
