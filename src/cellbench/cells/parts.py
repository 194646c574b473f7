"""The parts a :class:`~cellbench.cells.design.CellDesign` is built of: layers, stack, packaging, nominal figures,
and the records of where a design came from (basis, substitution, lineage).

They sit below the design and below the functions of a design (:mod:`cellbench.cells.figures`,
:mod:`cellbench.cells.substitution`), which build and inspect them without importing the design itself; every name
is also importable from :mod:`cellbench.cells.design` and :mod:`cellbench.cells`.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FRACTION_TOLERANCE = 1e-3


def _kind_or(default: str):
    """Discriminate on an optional `kind` field, so plain documents need not spell out the common case."""
    def pick(value):
        return value.get("kind", default) if isinstance(value, dict) else getattr(value, "kind", default)
    return pick


class Component(BaseModel):
    """One material in a composite layer with its share (mass or volume, as the layer says)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    material: str
    fraction: float = Field(gt=0, le=1)


class CompositeLayer(BaseModel):
    """A composite electrode (or a solid-electrolyte separator layer): solids plus void or liquid-filled pores.

    ASSB fields: `path_resistance_coefficient` (経路抵抗係数, τ in σ_eff = σ·ε/τ; None means Bruggeman ε^-0.5),
    `contact_ratio` (fraction of active-material surface touching electrolyte) and `film_resistance_ohm_cm2`
    (interfacial film at the active surface; None means the coating's own value, or none without coating).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["composite"] = "composite"
    thickness_um: float = Field(gt=0)
    porosity: float = Field(ge=0, lt=1)
    fraction_basis: Literal["mass", "volume"] = "mass"
    components: list[Component] = Field(min_length=1)
    coating: str | None = None
    path_resistance_coefficient: float | None = Field(None, ge=1)
    contact_ratio: float = Field(1.0, gt=0, le=1)
    film_resistance_ohm_cm2: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _fractions_sum_to_one(self) -> "CompositeLayer":
        total = sum(c.fraction for c in self.components)
        if abs(total - 1.0) > FRACTION_TOLERANCE:
            raise ValueError(f"component fractions sum to {total:.4f}; they must sum to 1")
        ids = [c.material for c in self.components]
        if len(set(ids)) != len(ids):
            raise ValueError("a material appears twice in one layer")
        return self


class LithiumFoil(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["lithium_foil"] = "lithium_foil"
    material: str = "lithium-metal"
    thickness_um: float = Field(gt=0)


class SeparatorLayer(BaseModel):
    """A porous polymer separator (liquid cells) or a solid-electrolyte layer (ASSB)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    material: str
    thickness_um: float = Field(gt=0)
    porosity: float = Field(0.0, ge=0, lt=1)
    path_resistance_coefficient: float | None = Field(None, ge=1)


class Collector(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    material: str
    thickness_um: float = Field(gt=0)


class Stack(BaseModel):
    """How many cathode|separator|anode unit cells, and how many collector foils serve them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    unit_cells: int = Field(1, ge=1)
    double_sided: bool = False
    cathode_collectors: int | None = Field(None, ge=1)
    anode_collectors: int | None = Field(None, ge=1)

    @property
    def cathode_collector_count(self) -> int:
        if self.cathode_collectors:
            return self.cathode_collectors
        return math.ceil(self.unit_cells / 2) if self.double_sided else self.unit_cells

    @property
    def anode_collector_count(self) -> int:
        if self.anode_collectors:
            return self.anode_collectors
        return self.unit_cells // 2 + 1 if self.double_sided else self.unit_cells


class PouchPackaging(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["pouch"] = "pouch"
    material: str
    outline_width_mm: float = Field(gt=0)
    outline_length_mm: float = Field(gt=0)
    outline_thickness_mm: float | None = Field(None, gt=0, description="default: stack plus two films")
    tabs_mass_g: float = Field(0.0, ge=0)


class CylindricalPackaging(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["cylindrical"] = "cylindrical"
    diameter_mm: float = Field(gt=0)
    height_mm: float = Field(gt=0)
    mass_g: float = Field(gt=0, description="can, header, tabs and insulators")


class Nominal(BaseModel):
    """The published figures a catalogue cell must reproduce, and on which basis its Wh/L is stated."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    capacity_mAh: float | None = Field(None, gt=0)
    wh_per_l: float | None = Field(None, gt=0)
    wh_per_l_basis: Literal["stack", "outline"] = "stack"
    wh_per_kg: float | None = Field(None, gt=0)
    voltage_V: float | None = Field(None, gt=0)
    rated_discharge_C: float | None = Field(None, gt=0, description="set when the published energy was measured in a "
                                            "discharge at this rate (a datasheet's rated energy), not from open-circuit "
                                            "voltages: compare it with a simulated discharge, not with the design's OCV energy")
    source: str


Figure = Literal["capacity_mAh", "np_ratio", "wh_per_l_stack", "wh_per_l_outline", "wh_per_kg", "mass_g",
                 "cathode_areal_capacity_mAh_cm2"]


class SolvedValue(BaseModel):
    """A design value that was solved so that a figure takes a given value (not read from a publication)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    figure: Figure
    value: float = Field(gt=0)
    why: str = Field(min_length=1, description="where the target comes from (a published figure, a chosen N/P...)")


class Discrepancy(BaseModel):
    """A prediction that misses its published figure, stated in the document: the miss the document reports and
    why (tests hold the stated miss to the computed one, so a change of design or physics shows)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    deviation: float = Field(description="(predicted − published) / published, as the document reports it")
    why: str = Field(min_length=1, description="which volume or value the published figure counts that the design does not")


class DesignBasis(BaseModel):
    """What a design document says about its own values: solved ones, and published lower bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    solved_for: dict[str, SolvedValue] = Field(default_factory=dict)
    published_lower_bounds: list[Literal["capacity_mAh", "wh_per_l", "wh_per_kg"]] = Field(default_factory=list)


class Substitution(BaseModel):
    """What a substitution changed, and on which basis the layers were rebuilt (see :func:`cells.substitute`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: str
    replaced: list[str]
    by: str
    keep: Literal["thickness", "capacity"]
    basis: Literal["volume", "mass"] = Field("volume", description="'volume': each layer's volume fractions, "
                                             "porosity and thickness kept; 'mass': its weight fractions kept")


class Lineage(BaseModel):
    """The catalogue design a derived design was made from. A derived design keeps its base's calibration and the
    basis of its C-rates (the base's rated capacity, scaled by the ratio of design capacities), so a baseline and a
    candidate are simulated on one footing."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    base: str
    base_version: str
    rated_capacity_mAh: float = Field(gt=0, description="capacity that defines 1C for this design")
