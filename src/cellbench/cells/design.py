"""CellDesign: the layers, geometry and bill of materials of a cell, as a validated document.

A design refers to materials by library id (or carries custom records after a substitution). Derived figures
(capacity, N/P, energy density, mass) are pure functions in :mod:`cellbench.cells.figures`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Literal, TypeVar, Union, overload

from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, model_validator

from cellbench import materials as mat
from cellbench.cells.parts import (  # the parts, importable from here too
    FRACTION_TOLERANCE, Collector, Component, CompositeLayer, CylindricalPackaging, DesignBasis, Discrepancy, Figure,
    LithiumFoil, Lineage, Nominal, PouchPackaging, SeparatorLayer, SolvedValue, Stack, Substitution, _kind_or,
)
from cellbench.errors import InputError, NotFound
from cellbench.materials.library import of_kind

Record = TypeVar("Record", bound=mat.MaterialBase)


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
