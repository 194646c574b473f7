"""CellDesign: the layers, geometry and bill of materials of a cell, as a validated document.

A design refers to materials by library id (or carries custom records after a substitution). Derived figures
(capacity, N/P, energy density, mass) are pure functions in :mod:`cellbench.cells.figures`.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Annotated, Literal, TypeVar, Union, overload

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, model_validator

from cellbench import materials as mat
from cellbench.errors import InputError, NotFound
from cellbench.materials.library import of_kind

FRACTION_TOLERANCE = 1e-3
Record = TypeVar("Record", bound=mat.MaterialBase)


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


class CellDesign(BaseModel):
    """A cell as layers, geometry and materials. Load catalogue cells with :func:`cellbench.cells.load`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.+\-]*$")
    version: str
    name: str
    description: str = ""
    electrolyte_type: Literal["solid", "liquid"]
    electrode_width_mm: float = Field(gt=0)
    electrode_length_mm: float = Field(gt=0)
    stack: Stack = Stack()
    cathode: CompositeLayer
    separator: SeparatorLayer
    anode: Annotated[Union[Annotated[CompositeLayer, Tag("composite")], Annotated[LithiumFoil, Tag("lithium_foil")]],
                     Discriminator(_kind_or("composite"))]
    liquid_electrolyte: str | None = None
    cathode_collector: Collector
    anode_collector: Collector
    packaging: Annotated[Union[Annotated[PouchPackaging, Tag("pouch")], Annotated[CylindricalPackaging, Tag("cylindrical")]],
                         Discriminator(_kind_or("pouch"))]
    voltage_min_V: float = Field(gt=0)
    voltage_max_V: float = Field(gt=0)
    thermal: dict[str, float] = Field(default_factory=dict, description="lumped thermal data: heat_transfer_W_m2K, specific_heat_J_kgK")
    nominal: Nominal | None = None
    solved_for: dict[str, SolvedValue] = Field(default_factory=dict, description=(
        "design fields solved to give a figure (field -> figure, value, why): inputs, not predictions"))
    published_lower_bounds: list[Literal["capacity_mAh", "wh_per_l", "wh_per_kg"]] = Field(
        default_factory=list, description="published figures stated as 'at least'")
    discrepancies: dict[Figure, Discrepancy] = Field(default_factory=dict, description=(
        "predictions that miss the published figure: the miss the document reports, and why"))
    substitution: Substitution | None = None
    lineage: Lineage | None = None
    sources: list[str] = Field(default_factory=list)
    notes: str = ""

    _custom: dict[str, mat.MaterialBase] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "CellDesign":
        if self.voltage_max_V <= self.voltage_min_V:
            raise ValueError("voltage_max_V must be above voltage_min_V")
        if self.electrolyte_type == "liquid" and not self.liquid_electrolyte:
            raise ValueError("a liquid cell needs 'liquid_electrolyte'")
        if self.electrolyte_type == "solid" and self.liquid_electrolyte:
            raise ValueError("an all-solid-state cell has no 'liquid_electrolyte'")
        return self

    # -- materials -------------------------------------------------------------------------------------
    @overload
    def material(self, ref: str) -> mat.MaterialBase: ...
    @overload
    def material(self, ref: str, kind: type[Record]) -> Record: ...
    def material(self, ref: str, kind: type[mat.MaterialBase] = mat.MaterialBase) -> mat.MaterialBase:
        """The record behind an id used in this design (library or a substituted custom material); ``kind``: the
        record class the caller needs (``mat.LiquidElectrolyte``…), another role is an InputError."""
        if ref in self._custom:
            return of_kind(self._custom[ref], kind)
        return mat.load(ref, kind)

    def check_materials(self) -> None:
        """Resolve every material id and check each sits in a layer that fits its role."""
        def expect(ref: str, roles: tuple[str, ...], where: str) -> None:
            try:
                record = self.material(ref)
            except NotFound as exc:
                raise InputError(str(exc), location=f"field '{where}'") from None
            if record.role not in roles:
                raise InputError(f"material '{ref}' is a {record.role}; expected {' or '.join(roles)}",
                                 location=f"field '{where}'")

        allowed = {
            "cathode": ("cathode_active", "solid_electrolyte", "binder", "conductive_additive"),
            "anode": ("anode_active", "solid_electrolyte", "binder", "conductive_additive"),
        }
        for name in ("cathode", "anode"):
            layer = getattr(self, name)
            if isinstance(layer, LithiumFoil):
                expect(layer.material, ("anode_active",), "anode.material")
                continue
            actives = 0
            for i, c in enumerate(layer.components):
                expect(c.material, allowed[name], f"{name}.components.{i}.material")
                actives += self.material(c.material).role.endswith("_active")
            if actives != 1:
                raise InputError(f"the {name} needs exactly one active material, found {actives}", location=f"field '{name}.components'")
            if layer.coating:
                expect(layer.coating, ("coating",), f"{name}.coating")
            if self.electrolyte_type == "solid" and not any(
                self.material(c.material).role == "solid_electrolyte" for c in layer.components
            ) and name == "cathode":
                raise InputError("an all-solid-state cathode needs a solid electrolyte component", location="field 'cathode.components'")
        sep_roles = ("solid_electrolyte",) if self.electrolyte_type == "solid" else ("separator",)
        expect(self.separator.material, sep_roles, "separator.material")
        if self.liquid_electrolyte:
            expect(self.liquid_electrolyte, ("liquid_electrolyte",), "liquid_electrolyte")
        expect(self.cathode_collector.material, ("current_collector",), "cathode_collector.material")
        expect(self.anode_collector.material, ("current_collector",), "anode_collector.material")
        if isinstance(self.packaging, PouchPackaging):
            expect(self.packaging.material, ("packaging",), "packaging.material")

    def layer(self, name: Literal["cathode", "anode"]) -> CompositeLayer | LithiumFoil:
        return getattr(self, name)

    def active_material(self, electrode: Literal["cathode", "anode"]) -> mat.ActiveMaterial:
        layer = self.layer(electrode)
        refs = [layer.material] if isinstance(layer, LithiumFoil) else [c.material for c in layer.components]
        for ref in refs:
            record = self.material(ref)
            # the record classes are discriminated by role: an *_active role is always an ActiveMaterial
            if isinstance(record, mat.ActiveMaterial):
                return record
        raise InputError(f"the {electrode} has no active material")

    def solid_electrolyte(self, layer: Literal["cathode", "anode", "separator"] = "separator") -> mat.SolidElectrolyte | None:
        part = getattr(self, layer)
        ids = [part.material] if isinstance(part, (SeparatorLayer, LithiumFoil)) else [c.material for c in part.components]
        for ref in ids:
            record = self.material(ref)
            if isinstance(record, mat.SolidElectrolyte):
                return record
        return None

    def volume_fractions(self, electrode: Literal["cathode", "anode"]) -> dict[str, float]:
        """Volume fraction of each solid material in the layer (the rest is porosity)."""
        layer = self.layer(electrode)
        if isinstance(layer, LithiumFoil):
            return {layer.material: 1.0}
        if layer.fraction_basis == "volume":
            return {c.material: c.fraction * (1 - layer.porosity) for c in layer.components}
        specific_volumes = {c.material: c.fraction / self.material(c.material).density_g_cm3 for c in layer.components}
        total = sum(specific_volumes.values())
        return {k: v / total * (1 - layer.porosity) for k, v in specific_volumes.items()}

    def volume_fraction_of_role(self, electrode: Literal["cathode", "anode"], role: str) -> float:
        return sum(v for k, v in self.volume_fractions(electrode).items() if self.material(k).role == role)

    def film_resistance_ohm_cm2(self, electrode: Literal["cathode", "anode"]) -> float:
        layer = self.layer(electrode)
        if isinstance(layer, LithiumFoil):
            return 0.0
        if layer.film_resistance_ohm_cm2 is not None:
            return layer.film_resistance_ohm_cm2
        if layer.coating:
            return self.material(layer.coating, mat.Coating).film_resistance_ohm_cm2
        return 0.0

    @property
    def calibration_id(self) -> str:
        """Whose calibration applies: the base of the lineage (a substituted design keeps its base's)."""
        return self.lineage.base if self.lineage else self.id

    def rated_capacity_mAh(self) -> float:
        """The capacity that defines 1C: the published (rated) capacity, else the lineage's scaled one, else the
        design capacity. Simulator and metrics both take C-rates from here."""
        if self.nominal and self.nominal.capacity_mAh:
            return self.nominal.capacity_mAh
        if self.lineage:
            return self.lineage.rated_capacity_mAh
        from cellbench.cells.figures import figures

        return figures(self).capacity_mAh

    @property
    def area_cm2(self) -> float:
        """Area of one electrode face (the cathode footprint)."""
        return self.electrode_width_mm * self.electrode_length_mm / 100.0

    def content_hash(self) -> str:
        """Hash of the design and every material it uses, for provenance and caching."""
        payload = self.model_dump(mode="json")
        ids = sorted({c for c in _material_ids(self)})
        payload["_materials"] = {i: self.material(i).model_dump(mode="json") for i in ids}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def with_materials(self, custom: dict[str, mat.MaterialBase]) -> "CellDesign":
        self._custom.update(custom)
        return self

    def model_copy(self, *, update=None, deep: bool = False) -> "CellDesign":  # keep custom materials
        new = super().model_copy(update=update, deep=deep)
        new._custom = dict(self._custom)
        return new

    def substitute(self, material, *, role: str = "auto", keep: Literal["thickness", "capacity"] = "thickness",
                   basis: Literal["volume", "mass"] = "volume") -> "CellDesign":
        from cellbench.cells.substitution import substitute

        return substitute(self, material, role=role, keep=keep, basis=basis)

    def _repr_html_(self) -> str:
        from cellbench.cells.figures import figures

        f = figures(self)
        rows = "".join(f"<tr><td>{k}</td><td>{v:.4g}</td></tr>" for k, v in f.as_dict().items() if isinstance(v, float))
        return f"<b>{self.name}</b> ({self.id} v{self.version})<table>{rows}</table>"


def _material_ids(design: CellDesign) -> list[str]:
    ids = [design.separator.material, design.cathode_collector.material, design.anode_collector.material]
    for layer in (design.cathode, design.anode):
        if isinstance(layer, LithiumFoil):
            ids.append(layer.material)
        else:
            ids += [c.material for c in layer.components] + ([layer.coating] if layer.coating else [])
    if design.liquid_electrolyte:
        ids.append(design.liquid_electrolyte)
    if isinstance(design.packaging, PouchPackaging):
        ids.append(design.packaging.material)
    return ids
