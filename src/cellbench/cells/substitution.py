"""Substitution: put a new material into a design in place of the standard one."""

from __future__ import annotations

from typing import Literal

from cellbench import materials as mat
from cellbench.cells.design import CellDesign, Component, LithiumFoil, Substitution
from cellbench.errors import InputError

_ELECTRODE_OF = {"cathode_active": "cathode", "anode_active": "anode"}


def substitute(design: CellDesign, material, *, role: str = "auto",
               keep: Literal["thickness", "capacity"] = "thickness") -> CellDesign:
    """A new design with `material` in place of the design's material of the same role.

    keep="thickness" keeps layer thicknesses (capacity follows the material); keep="capacity" rescales the
    electrode holding the new active material so its areal capacity is unchanged (only for active materials).

    >>> from cellbench import cells
    >>> d = cells.load("std-2.1").substitute("lgps")      # doctest: +SKIP
    """
    record = mat.load(material)
    if role == "auto":
        role = record.role
    if record.role != role:
        raise InputError(f"material '{record.id}' is a {record.role} and cannot take the role {role}")
    if keep not in ("thickness", "capacity"):
        raise InputError(f"keep must be 'thickness' or 'capacity', not '{keep}'")
    replaced: list[str] = []
    update: dict = {}

    def swap_components(layer_name: str) -> None:
        layer = getattr(design, layer_name)
        if isinstance(layer, LithiumFoil):
            return
        comps = []
        for c in layer.components:
            if design.material(c.material).role == role:
                replaced.append(c.material)
                comps.append(Component(material=record.id, fraction=c.fraction))
            else:
                comps.append(c)
        update[layer_name] = layer.model_copy(update={"components": comps})

    if role in _ELECTRODE_OF:
        electrode = _ELECTRODE_OF[role]
        layer = getattr(design, electrode)
        if isinstance(layer, LithiumFoil) or record.kind == "lithium_metal":
            raise InputError("substituting a lithium-metal anode is a design change, not a material substitution; "
                             "write a new design with a 'lithium_foil' anode")
        swap_components(electrode)
    elif role == "solid_electrolyte":
        if design.electrolyte_type != "solid":
            raise InputError(f"cell '{design.id}' has a liquid electrolyte; a solid electrolyte has no place in it")
        for name in ("cathode", "anode"):
            swap_components(name)
        if design.material(design.separator.material).role == "solid_electrolyte":
            replaced.append(design.separator.material)
            update["separator"] = design.separator.model_copy(update={"material": record.id})
    elif role in ("binder", "conductive_additive"):
        for name in ("cathode", "anode"):
            swap_components(name)
    elif role == "coating":
        replaced.append(design.cathode.coating or "(none)")
        update["cathode"] = design.cathode.model_copy(update={"coating": record.id, "film_resistance_ohm_cm2": None})
    elif role == "liquid_electrolyte":
        if design.electrolyte_type != "liquid":
            raise InputError(f"cell '{design.id}' is all-solid-state; a liquid electrolyte has no place in it")
        replaced.append(design.liquid_electrolyte)
        update["liquid_electrolyte"] = record.id
    else:
        raise InputError(f"substitution of a {role} is not supported; substitutable roles: cathode_active, anode_active, "
                         "solid_electrolyte, liquid_electrolyte, binder, conductive_additive, coating")
    replaced = sorted(set(replaced))
    if not replaced:
        raise InputError(f"cell '{design.id}' has no {role} to replace")

    new = design.model_copy(update={
        **update,
        "id": f"{design.id}+{record.id}",
        "name": f"{design.name} with {record.name}",
        "substitution": Substitution(role=role, replaced=replaced, by=record.id, keep=keep),
        "nominal": None,
    })
    new._custom[record.id] = record

    if keep == "capacity" and role in _ELECTRODE_OF:
        from cellbench.cells.figures import areal_capacity_mAh_cm2

        electrode = _ELECTRODE_OF[role]
        scale = areal_capacity_mAh_cm2(design, electrode) / areal_capacity_mAh_cm2(new, electrode)
        layer = getattr(new, electrode)
        new = new.model_copy(update={electrode: layer.model_copy(update={"thickness_um": layer.thickness_um * scale})})
    # re-validate the whole document so a substitution can never produce an invalid design
    checked = CellDesign.model_validate(new.model_dump())
    checked._custom = dict(new._custom)
    checked.check_materials()
    return checked
