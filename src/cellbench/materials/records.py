"""Material records by role, with the fields a battery engineer writes on a datasheet.

Units are in the field names. Every value carries a source: `sources` maps a field name (or `default`)
to a DOI, a book or the PyBaMM parameter set it comes from. Records are YAML documents in
`materials/data/`; users can write their own and pass them by path.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from cellbench.errors import InputError
from cellbench.materials.informatics import FARADAY, composition, theoretical_capacity

Role = Literal[
    "cathode_active", "anode_active", "solid_electrolyte", "liquid_electrolyte", "binder",
    "conductive_additive", "coating", "separator", "current_collector", "packaging",
]

#: roles that may sit inside a composite electrode
COMPOSITE_ROLES = ("cathode_active", "anode_active", "solid_electrolyte", "binder", "conductive_additive")

# Fields that are bookkeeping, not datasheet values, so need no source.
_NO_SOURCE = {"id", "name", "role", "kind", "description", "sources", "version", "supplier", "formula", "ranges",
              "redox", "oxidation_states", "stoichiometry_at_0_soc", "stoichiometry_at_100_soc", "transference_number", "lithium_per_formula_unit"}


class OCPTable(BaseModel):
    """Open-circuit potential against lithium as a table over the lithium stoichiometry x in [0, 1]."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    stoichiometry: list[float]
    potential_V: list[float]

    @model_validator(mode="after")
    def _check(self) -> "OCPTable":
        x = self.stoichiometry
        if len(x) != len(self.potential_V):
            raise ValueError("stoichiometry and potential_V must have the same length")
        if len(x) < 3:
            raise ValueError("an OCP table needs at least 3 points")
        if any(b <= a for a, b in zip(x, x[1:])):
            raise ValueError("stoichiometry must increase strictly")
        if x[0] < 0 or x[-1] > 1:
            raise ValueError("stoichiometry must lie in [0, 1]")
        return self

    def __call__(self, x):
        return np.interp(x, self.stoichiometry, self.potential_V)


# fields that name or describe a record rather than measure it: not listed as properties in the notebook view
_NOT_PROPERTIES = frozenset({"id", "name", "role", "version", "description", "kind", "supplier", "sources", "ranges"})


class MaterialBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    name: str
    role: Role
    version: str = "1"
    description: str = ""
    supplier: str | None = None
    density_g_cm3: float = Field(gt=0)
    formula: str | None = Field(None, description="chemical formula as made (LiNi0.8Mn0.1Co0.1O2, Li6PS5Cl); "
                                "`cellbench materials check` derives molar mass, capacity and density from it")
    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict, description=(
        "stated range [low, high] of a numeric field (a supplier's specification, or the spread of the literature "
        "its source gives); the evaluation propagates it into each verdict's band"))
    sources: dict[str, str]

    @field_validator("formula")
    @classmethod
    def _formula_reads(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                composition(value)
            except InputError as exc:
                raise ValueError(str(exc).removeprefix("field 'formula': ")) from None
        return value

    @model_validator(mode="after")
    def _ranges_hold_their_values(self):
        for name, (low, high) in self.ranges.items():
            value = getattr(self, name, None)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValueError(f"ranges.{name}: the material has no numeric field '{name}'")
            if not low <= value <= high:
                raise ValueError(f"ranges.{name}: [{low:g}, {high:g}] must contain the value {value:g}")
        return self

    @model_validator(mode="after")
    def _every_value_has_a_source(self):
        if "default" in self.sources:
            return self
        unsourced = [
            name for name in type(self).model_fields
            if name not in _NO_SOURCE and getattr(self, name) is not None and name not in self.sources
        ]
        if unsourced:
            raise ValueError(f"no source for {', '.join(unsourced)}: add them to 'sources' (or a 'default' source)")
        return self

    def source_of(self, field: str) -> str:
        return self.sources.get(field) or self.sources.get("default", "")

    def _repr_html_(self) -> str:
        """Jupyter's view: each property with its stated range and its source (the `materials show` table)."""
        from html import escape

        rows = []
        for name, value in self.model_dump(mode="json").items():
            if name in _NOT_PROPERTIES or value is None or value == {}:
                continue
            if name == "ocp":
                value = f"table of {len(value['stoichiometry'])} points"
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            if name in self.ranges:
                low, high = self.ranges[name]
                shown += f" [{low:.4g}, {high:.4g}]"
            rows.append(f"<tr><td>{escape(name)}</td><td style='text-align:right'>{escape(shown)}</td>"
                        f"<td>{escape(self.source_of(name))}</td></tr>")
        return (f"<div><b>{escape(self.name)}</b> ({escape(self.id)} v{escape(self.version)}, {escape(self.role)})"
                "<table><thead><tr><th>property</th><th>value [stated range]</th><th>source</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table></div>")


class ActiveMaterial(MaterialBase):
    """Cathode or anode active material (intercalation, alloying or lithium metal)."""

    role: Literal["cathode_active", "anode_active"]
    kind: Literal["layered_oxide", "olivine", "spinel", "graphite", "silicon", "lithium_metal", "other"]
    specific_capacity_mAh_g: float = Field(gt=0, description="reversible half-cell capacity between voltage_min_V "
                                           "and voltage_max_V")
    voltage_min_V: float = Field(description="lower end of the half-cell window vs Li/Li+")
    voltage_max_V: float = Field(description="upper end of the half-cell window vs Li/Li+")
    molar_mass_g_mol: float | None = Field(None, gt=0, description="molar mass of the formula unit as made: "
                                           "lithiated for a cathode (LiMO2), the empty host for an anode (C6, Si)")
    lithium_per_formula_unit: float = Field(1.0, gt=0, description="lithium per formula unit at x = 1 (LiC6: 1; "
                                            "Li15Si4 per Si: 3.75)")
    ocp: OCPTable | None = None
    stoichiometry_at_0_soc: float | None = Field(None, ge=0, le=1, description="x (lithium per formula unit over "
                                                 "lithium_per_formula_unit) at the discharged end of the half-cell window")
    stoichiometry_at_100_soc: float | None = Field(None, ge=0, le=1, description="x at the charged end of the "
                                                   "half-cell window")
    particle_size_d50_um: float | None = Field(None, gt=0)
    diffusivity_cm2_s: float | None = Field(None, gt=0)
    diffusivity_activation_energy_kJ_mol: float | None = Field(None, ge=0)
    exchange_current_density_mA_cm2: float | None = Field(None, gt=0, description="at 25 °C and half lithiation, in 1 M-equivalent electrolyte")
    kinetics_activation_energy_kJ_mol: float | None = Field(None, ge=0)
    electronic_conductivity_S_cm: float | None = Field(None, gt=0)
    volume_change_pct: float | None = Field(None, description="volume change from empty to full lithiation")
    redox: dict[str, float] | None = Field(None, description="oxidation state each redox-active element reaches at "
                                           "the end of the half-cell window ({Co: 4} for LiCoO2); needs 'formula'")
    oxidation_states: dict[str, float] | None = Field(None, description="as-made oxidation states the maker states "
                                                      "(spectator ions, e.g. {Mn: 4, Co: 3} in NCM811)")

    @model_validator(mode="after")
    def _redox_balances(self) -> "ActiveMaterial":
        if (self.redox or self.oxidation_states) and not self.formula:
            raise ValueError("field 'formula': 'redox' and 'oxidation_states' need the formula")
        if self.redox:
            try:
                theoretical_capacity(self.formula, self.redox, oxidation_states_stated=self.oxidation_states)
            except InputError as exc:
                raise ValueError(str(exc)) from None
        return self

    @model_validator(mode="after")
    def _window(self) -> "ActiveMaterial":
        if self.voltage_max_V <= self.voltage_min_V:
            raise ValueError("voltage_max_V must be above voltage_min_V")
        if self.kind != "lithium_metal":
            if self.ocp is None or self.stoichiometry_at_0_soc is None or self.stoichiometry_at_100_soc is None:
                raise ValueError("an intercalation material needs 'ocp', 'stoichiometry_at_0_soc' and 'stoichiometry_at_100_soc'")
            if math.isclose(self.stoichiometry_at_0_soc, self.stoichiometry_at_100_soc):
                raise ValueError("stoichiometry_at_0_soc and stoichiometry_at_100_soc must differ")
        return self

    @property
    def volumetric_capacity_mAh_cm3(self) -> float:
        return self.specific_capacity_mAh_g * self.density_g_cm3

    @property
    def theoretical_capacity_mAh_g(self) -> float | None:
        """Capacity of the whole stoichiometry range x = 0..1: F · n / (3.6 · M), n lithium per formula unit.

        >>> round(FARADAY * 1.0 / (3.6 * 97.28), 1)  # LiNi0.8Mn0.1Co0.1O2, one Li
        275.5
        """
        if self.molar_mass_g_mol is None:
            return None
        return FARADAY * self.lithium_per_formula_unit / (3.6 * self.molar_mass_g_mol)

    @property
    def max_concentration_mol_m3(self) -> float:
        """Lithium site concentration implied by capacity, density and the stoichiometry window."""
        if self.kind == "lithium_metal":
            return self.density_g_cm3 * 1e6 / 6.94
        window = abs(self.stoichiometry_at_100_soc - self.stoichiometry_at_0_soc)
        return self.volumetric_capacity_mAh_cm3 * 3.6 * 1e6 / FARADAY / window

    def potential_at_fraction(self, f):
        """Half-cell potential when a fraction f in [0, 1] of the window's capacity is stored in the full-cell sense.

        f = 0 is the state at full-cell 0% SOC, f = 1 at 100% SOC.
        """
        if self.kind == "lithium_metal":
            return np.zeros_like(np.asarray(f, dtype=float))
        x = self.stoichiometry_at_0_soc + np.asarray(f) * (self.stoichiometry_at_100_soc - self.stoichiometry_at_0_soc)
        return self.ocp(x)


#: what an electrolyte forms where an anode reduces it: a passivating (electronically insulating) interphase that
#: slows its own growth, or a mixed-conducting one that keeps growing (e.g. Li-Ge alloy from LGPS)
InterphaseKind = Literal["passivating", "mixed_conducting"]
INTERPHASE_HELP = ("interphase formed below the stability window's lower limit: 'passivating' (self-limiting growth) "
                   "or 'mixed_conducting' (keeps growing); the ageing model needs it when the anode sits below the limit")


class SolidElectrolyte(MaterialBase):
    role: Literal["solid_electrolyte"]
    kind: Literal["sulfide", "oxide", "halide", "polymer", "other"]
    ionic_conductivity_S_cm: float = Field(gt=0, description="at 25 °C")
    conductivity_activation_energy_kJ_mol: float | None = Field(None, ge=0)
    electronic_conductivity_S_cm: float | None = Field(None, ge=0)
    transference_number: float = Field(1.0, gt=0, le=1)
    stability_window_V: tuple[float, float] | None = None
    reduction_interphase: InterphaseKind | None = Field(None, description=INTERPHASE_HELP)
    particle_size_d50_um: float | None = Field(None, gt=0)


class LiquidElectrolyte(MaterialBase):
    role: Literal["liquid_electrolyte"]
    ionic_conductivity_S_cm: float = Field(gt=0, description="at 25 °C and the nominal salt concentration")
    conductivity_activation_energy_kJ_mol: float | None = Field(None, ge=0)
    salt_concentration_mol_L: float = Field(gt=0)
    salt_diffusivity_cm2_s: float | None = Field(None, gt=0)
    transference_number: float = Field(0.38, gt=0, lt=1)
    stability_window_V: tuple[float, float] | None = None
    reduction_interphase: InterphaseKind | None = Field(None, description=INTERPHASE_HELP)


class Binder(MaterialBase):
    role: Literal["binder"]


class ConductiveAdditive(MaterialBase):
    role: Literal["conductive_additive"]
    electronic_conductivity_S_cm: float | None = Field(None, gt=0)
    specific_surface_area_m2_g: float | None = Field(None, gt=0)


class Coating(MaterialBase):
    """A thin surface layer on an active material (e.g. LiNbO3 on NCM against sulfide SE)."""

    role: Literal["coating"]
    thickness_nm: float = Field(gt=0)
    ionic_conductivity_S_cm: float = Field(gt=0)
    coverage_pct: float | None = Field(None, gt=0, le=100)

    @property
    def film_resistance_ohm_cm2(self) -> float:
        """Area-specific resistance of the film: thickness / conductivity."""
        return self.thickness_nm * 1e-7 / self.ionic_conductivity_S_cm


class Separator(MaterialBase):
    role: Literal["separator"]
    porosity: float = Field(gt=0, lt=1)


class CurrentCollector(MaterialBase):
    role: Literal["current_collector"]
    electronic_conductivity_S_cm: float = Field(gt=0)
    thickness_um: float = Field(gt=0, description="usual foil thickness")


class Packaging(MaterialBase):
    role: Literal["packaging"]
    thickness_um: float = Field(gt=0)

    @property
    def areal_mass_g_m2(self) -> float:
        return self.density_g_cm3 * self.thickness_um  # g/cm3 * um = g/m2


Material = Annotated[
    Union[ActiveMaterial, SolidElectrolyte, LiquidElectrolyte, Binder, ConductiveAdditive, Coating,
          Separator, CurrentCollector, Packaging],
    Field(discriminator="role"),
]
MATERIAL_ADAPTER: TypeAdapter = TypeAdapter(Material)
