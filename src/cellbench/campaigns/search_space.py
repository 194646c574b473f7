"""The parameters a campaign may vary, and how one set of values turns a base design into a variant.

Each parameter's literature range lives in ``campaigns/data/parameters.yaml``; a campaign's bounds must lie
inside it. Design parameters (thicknesses, porosities, fractions, contact ratio, path-resistance coefficient)
change the design document itself; material parameters (particle size, SE conductivity) change a copy of the
material record that the variant carries (``design._custom``), so the library stays untouched.

>>> from cellbench import cells
>>> variant = apply_parameters(cells.load("std-1"), {"separator_thickness_um": 30.0})
>>> variant.separator.thickness_um
30.0
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

from cellbench.cells import CellDesign, CompositeLayer, LithiumFoil
from cellbench.cells.figures import areal_capacity_mAh_cm2, thickness_for_areal_capacity_um
from cellbench.documents import read_yaml
from cellbench.errors import InputError

DATA_FILE = Path(__file__).resolve().parent / "data" / "parameters.yaml"


@dataclass(frozen=True)
class ParameterInfo:
    """One searchable parameter: its unit, literature range and where that range comes from."""

    name: str
    what: str
    unit: str
    literature_low: float | None
    literature_high: float | None
    source: str
    role: str | None = None  # material-choice parameters: the role every choice must have

    @property
    def is_choice(self) -> bool:
        return self.role is not None


@cache
def parameter_table() -> dict[str, ParameterInfo]:
    """Every searchable parameter by name (from the data file)."""
    raw = read_yaml(DATA_FILE)
    table = {}
    for name, row in raw.items():
        low, high = row.get("literature") or (None, None)
        table[name] = ParameterInfo(name, row["what"], row.get("unit", "-"), None if low is None else float(low),
                                    None if high is None else float(high), row["source"], row.get("role"))
    return table


def _layer(design: CellDesign, name: str) -> CompositeLayer:
    layer = getattr(design, name)
    if not isinstance(layer, CompositeLayer):
        raise InputError(f"cell '{design.id}' has a {type(layer).__name__} {name}; this parameter needs a composite layer")
    return layer


def _set_layer(design: CellDesign, name: str, **fields) -> CellDesign:
    layer = getattr(design, name)
    return design.model_copy(update={name: layer.model_copy(update=fields)})


def _set_solid_electrolyte_fraction(design: CellDesign, value: float) -> CellDesign:
    layer = _layer(design, "cathode")
    se = [c for c in layer.components if design.material(c.material).role == "solid_electrolyte"]
    if not se:
        raise InputError(f"cell '{design.id}' has no solid electrolyte in its cathode")
    old = se[0].fraction
    # the other components keep their proportions to one another
    scale = (1.0 - value) / (1.0 - old)
    components = [c.model_copy(update={"fraction": value if c is se[0] else c.fraction * scale})
                  for c in layer.components]
    return _set_layer(design, "cathode", components=components)


def _set_material(design: CellDesign, material_id: str, **fields) -> CellDesign:
    record = design.material(material_id).model_copy(update=fields)
    new = design.model_copy()
    new._custom = {**design._custom, material_id: record}
    return new


def _set_cathode_particle_size(design: CellDesign, value: float) -> CellDesign:
    return _set_material(design, design.active_material("cathode").id, particle_size_d50_um=value)


def _set_se_conductivity(design: CellDesign, value: float) -> CellDesign:
    if design.electrolyte_type != "solid":
        raise InputError(f"cell '{design.id}' has a liquid electrolyte; solid_electrolyte_conductivity_S_cm needs an ASSB")
    ids = {design.separator.material}
    for name in ("cathode", "anode"):
        layer = getattr(design, name)
        if isinstance(layer, CompositeLayer):
            ids |= {c.material for c in layer.components if design.material(c.material).role == "solid_electrolyte"}
    for material_id in sorted(ids):
        design = _set_material(design, material_id, ionic_conductivity_S_cm=value)
    return design


def _set_np_ratio(design: CellDesign, value: float) -> CellDesign:
    """Size the anode so that its areal capacity is `value` times the cathode's, by the catalogue's own rule
    (:func:`cells.figures.thickness_for_areal_capacity_um`, reversible half-cell capacities), so a campaign's N/P
    and the one ``cells.figures`` reports are the same number."""
    if isinstance(design.anode, LithiumFoil):
        raise InputError(f"cell '{design.id}' has a lithium-foil anode; np_ratio needs a composite anode")
    target = value * areal_capacity_mAh_cm2(design, "cathode")
    return _set_layer(design, "anode", thickness_um=thickness_for_areal_capacity_um(design, "anode", target))


def _substitute(role: str):
    """A material-choice parameter: substitute the library material (layer thicknesses kept) unless already there."""
    def apply(design: CellDesign, material_id: str) -> CellDesign:
        if role.endswith("_active"):
            current = design.active_material("cathode" if role.startswith("cathode") else "anode").id
        else:
            current = design.separator.material
        if current == material_id:
            return design
        custom = dict(design._custom)
        new = design.substitute(material_id, role=role, keep="thickness")
        new._custom = {**custom, **new._custom}
        return new
    return apply


# name -> how it changes a design; applied in this order (materials first, np_ratio last: it depends on the cathode)
APPLY: dict[str, Callable] = {
    "cathode_active_material": _substitute("cathode_active"),
    "anode_active_material": _substitute("anode_active"),
    "solid_electrolyte_material": _substitute("solid_electrolyte"),
    "cathode_thickness_um": lambda d, v: _set_layer(d, "cathode", thickness_um=v),
    "anode_thickness_um": lambda d, v: _set_layer(d, "anode", thickness_um=v),
    "separator_thickness_um": lambda d, v: d.model_copy(update={"separator": d.separator.model_copy(update={"thickness_um": v})}),
    "cathode_solid_electrolyte_fraction": _set_solid_electrolyte_fraction,
    "cathode_porosity": lambda d, v: _set_layer(d, "cathode", porosity=v),
    "anode_porosity": lambda d, v: _set_layer(d, "anode", porosity=v),
    "separator_porosity": lambda d, v: d.model_copy(update={"separator": d.separator.model_copy(update={"porosity": v})}),
    "cathode_particle_d50_um": _set_cathode_particle_size,
    "solid_electrolyte_conductivity_S_cm": _set_se_conductivity,
    "cathode_contact_ratio": lambda d, v: _set_layer(d, "cathode", contact_ratio=v),
    "cathode_path_resistance_coefficient": lambda d, v: _set_layer(d, "cathode", path_resistance_coefficient=v),
    "np_ratio": _set_np_ratio,
}
EXCLUSIVE = [("np_ratio", "anode_thickness_um")]
MATERIAL_PARAMETERS = ("cathode_particle_d50_um", "solid_electrolyte_conductivity_S_cm")


def _text(value) -> str:
    return value if isinstance(value, str) else f"{value:.4g}"


def apply_parameters(base: CellDesign, values: dict[str, float | str], *, variant_id: str | None = None) -> CellDesign:
    """A validated variant of `base` with each parameter set to its value (names from :func:`parameter_table`).

    The variant's nominal figures are dropped (its capacity is its own), and the whole document is validated
    again so a parameter set can never produce an inconsistent design.
    """
    unknown = sorted(set(values) - set(APPLY))
    if unknown:
        raise InputError(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(APPLY)}")
    design = base
    for name in APPLY:
        if name in values:
            value = values[name]
            design = APPLY[name](design, value if isinstance(value, str) else float(value))
    custom = dict(design._custom)
    changes = "; ".join(f"{k}={_text(values[k])}" for k in APPLY if k in values)
    new = design.model_copy(update={"id": variant_id or f"{base.id}-variant", "nominal": None,
                                    "name": f"{base.name} (campaign variant)",
                                    "notes": f"campaign variant of {base.id} {base.version}: {changes}"})
    try:
        checked = CellDesign.model_validate(new.model_dump())
    except ValueError as exc:
        raise InputError(f"parameters {changes} make an invalid design: {exc}") from None
    checked._custom = custom
    checked.check_materials()
    return checked
