"""Target sets: a programme's numeric targets as a versioned, sourced YAML document.

A target names one *quantity* from :data:`QUANTITIES` (the figures cellbench computes, each with its unit and the
stage it belongs to: material, cell, pack, vehicle or end of life), a comparison (``>=``, ``<=``, or ``reported``
when the programme asks only that the figure be calculated and reported), a value, the year it is due and its
source (document and section). Built-in sets live in ``targets/data/``; users pass their own YAML by path.

>>> from cellbench import targets
>>> [t.value for t in targets.load_set("gi-fund").targets if t.quantity == "recovery_li_pct"]
[70.0]
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.documents import parse_model, read_yaml
from cellbench.errors import InputError, NotFound, closest_name

DATA_DIR = Path(__file__).parent / "data"

Stage = Literal["material", "cell", "pack", "vehicle", "end_of_life"]
STAGES: tuple[str, ...] = ("material", "cell", "pack", "vehicle", "end_of_life")


class Quantity(BaseModel):
    model_config = ConfigDict(frozen=True)
    unit: str
    stage: Stage
    title: str


def _q(unit: str, stage: str, title: str) -> Quantity:
    return Quantity(unit=unit, stage=stage, title=title)


#: every quantity a target may name: what cellbench computes (or a user supplies with --figure), in one unit each
QUANTITIES: dict[str, Quantity] = {
    "ionic_conductivity_mS_cm": _q("mS/cm", "material", "ionic conductivity at 25 °C"),
    "specific_capacity_mAh_g": _q("mAh/g", "material", "specific capacity"),
    "cell_wh_per_l": _q("Wh/L", "cell", "cell energy density (whole cell, outline volume)"),
    "stack_wh_per_l": _q("Wh/L", "cell", "cell energy density (electrode stack volume)"),
    "cell_wh_per_kg": _q("Wh/kg", "cell", "cell specific energy"),
    "charge_time_to_80pct_min": _q("min", "cell", "fast-charge time to 80 % SOC"),
    "cycle_life_cycles": _q("cycles", "cell", "cycles to the end-of-life retention"),
    "capacity_retention_pct": _q("%", "cell", "capacity retention after the cycle test"),
    "pack_wh_per_l": _q("Wh/L", "pack", "pack energy density"),
    "pack_wh_per_kg": _q("Wh/kg", "pack", "pack specific energy"),
    "pack_w_per_kg": _q("W/kg", "pack", "pack specific power"),
    "packing_efficiency_pct": _q("%", "pack", "packing efficiency (pack Wh/L ÷ cell Wh/L)"),
    "pack_cost_yen_per_kwh": _q("yen/kWh", "pack", "pack cost"),
    "cfp_kg_co2e_per_kwh": _q("kg CO2e/kWh", "pack", "carbon footprint"),
    "manufacturing_co2_reduction_pct": _q("%", "pack", "manufacturing CO2 reduction against the programme's reference"),
    "vehicle_range_km": _q("km", "vehicle", "driving range on one charge"),
    "recovery_li_pct": _q("%", "end_of_life", "lithium recovery"),
    "recovery_ni_pct": _q("%", "end_of_life", "nickel recovery"),
    "recovery_co_pct": _q("%", "end_of_life", "cobalt recovery"),
    "recovery_cu_pct": _q("%", "end_of_life", "copper recovery"),
}


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    document: str = Field(min_length=1, description="the document that sets the target")
    section: str = Field(min_length=1, description="where in it: section, table or heading")

    def __str__(self) -> str:
        return f"{self.document}, {self.section}"


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    quantity: str
    comparison: Literal[">=", "<=", "reported"]
    value: float | None = Field(None, description="the threshold in the quantity's unit (none for 'reported')")
    year: int | None = Field(None, description="the (fiscal) year the target is due")
    statement: str = Field(min_length=1, description="the target as the programme states it")
    applies_to: Literal["any", "solid", "liquid"] = Field("any", description="electrolyte type of the cell it is "
                                                          "set for")
    interpretation: str = Field("", description="how cellbench reads a statement that is not a plain number")
    quote: str = Field("", description="the words of the source, as printed there (checked against the seed texts)")
    source: Source

    @model_validator(mode="after")
    def _check(self) -> "Target":
        if self.quantity not in QUANTITIES:
            raise ValueError(f"unknown quantity '{self.quantity}'; known: {', '.join(QUANTITIES)}")
        if (self.value is None) != (self.comparison == "reported"):
            raise ValueError("give a value for '>=' and '<=' targets, and none for 'reported'")
        return self

    @property
    def unit(self) -> str:
        return QUANTITIES[self.quantity].unit

    @property
    def stage(self) -> str:
        return QUANTITIES[self.quantity].stage

    def text(self) -> str:
        """``cell_wh_per_l >= 955 Wh/L (2026)``"""
        if self.comparison == "reported":
            what = f"{self.quantity} reported"
        else:
            what = f"{self.quantity} {self.comparison} {self.value:g} {self.unit}"
        return what + (f" ({self.year})" if self.year else "")


class TargetSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    version: str
    name: str
    programme: str = Field(description="the programme or body that sets these targets")
    description: str = ""
    targets: list[Target] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "TargetSet":
        seen: set[str] = set()
        for t in self.targets:
            if t.id in seen:
                raise ValueError(f"target id '{t.id}' appears twice")
            seen.add(t.id)
        return self


def load_set_file(path: str | Path) -> TargetSet:
    """A target set from a YAML file (a user's own, for example)."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("a target set must be a mapping with id, version, name, programme and targets", source=str(path))
    return parse_model(TargetSet, data, source=str(path))


@lru_cache(maxsize=None)
def _builtin() -> dict[str, TargetSet]:
    out = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        s = load_set_file(path)
        if s.id != path.stem:
            raise InputError(f"id '{s.id}' must match the file name '{path.stem}'", source=str(path))
        out[s.id] = s
    return out


def list_sets() -> list[TargetSet]:
    """The built-in target sets."""
    return list(_builtin().values())


def load_set(ref: str | Path | TargetSet) -> TargetSet:
    """A target set by built-in id (``"gi-fund"``) or by path to a YAML file."""
    if isinstance(ref, TargetSet):
        return ref
    text = str(ref)
    if text.endswith((".yaml", ".yml")) or Path(text).is_file():
        return load_set_file(text)
    try:
        return _builtin()[text]
    except KeyError:
        near = closest_name(text, _builtin())
        raise NotFound(f"unknown target set '{text}'; built-in sets: {', '.join(_builtin())} (or give a YAML path)"
                       + (f"; did you mean '{near}'?" if near else "")) from None
