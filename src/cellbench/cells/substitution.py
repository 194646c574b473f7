"""Substitution: put a new material into a design in place of the standard one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from cellbench import materials as mat
from cellbench.cells.figures import areal_capacity_mAh_cm2, figures
from cellbench.cells.parts import Component, Lineage, LithiumFoil, Substitution
from cellbench.errors import InputError

if TYPE_CHECKING:  # CellDesign.substitute() calls this function: the design module imports this one, not the reverse
    from cellbench.cells.design import CellDesign

_ELECTRODE_OF = {"cathode_active": "cathode", "anode_active": "anode"}


def substitute(design: CellDesign, material, *, role: str = "auto",
               keep: Literal["thickness", "capacity"] = "thickness",
               basis: Literal["volume", "mass"] = "volume") -> CellDesign:
    """A new design with `material` in place of the design's material of the same role.

    basis="volume" (the default) keeps each layer's volume fractions, porosity and thickness, so a denser or
    lighter material changes the cell's mass and nothing else of its geometry: what the simulator then sees is
    the material's own properties. basis="mass" keeps the weight fractions as written, so a density difference
    also moves the volume fractions (a design effect the evaluation report states separately).
    keep="thickness" keeps layer thicknesses (capacity follows the material); keep="capacity" rescales the
    electrode holding the new active material so its areal capacity is unchanged (only for active materials).
    The new design's lineage names the catalogue design it came from: it keeps that design's calibration and
    takes its C-rates from the base's rated capacity scaled by the ratio of design capacities.

    >>> from cellbench import cells
    >>> d = cells.load("std-2.1").substitute("lgps")
    >>> d.solid_electrolyte().id, d.lineage.base
    ('lgps', 'std-2.1')
    """
    record = mat.load(material)
    if role == "auto":
        role = record.role
    if record.role != role:
        raise InputError(f"material '{record.id}' is a {record.role} and cannot take the role {role}")
    if keep not in ("thickness", "capacity"):
        raise InputError(f"keep must be 'thickness' or 'capacity', not '{keep}'")
    if basis not in ("volume", "mass"):
        raise InputError(f"basis must be 'volume' or 'mass', not '{basis}'")
    replaced: list[str] = []
    update: dict = {}

    def swap_components(layer_name: str) -> None:
        layer = getattr(design, layer_name)
        if isinstance(layer, LithiumFoil):
            return
        if not any(design.material(c.material).role == role for c in layer.components):
            return
        if basis == "volume":
            # the layer's solid volume shares, written on a volume basis so they survive the new density
            solids = 1.0 - layer.porosity
            shares = {k: v / solids for k, v in design.volume_fractions(layer_name).items()} if solids > 0 else {}
            layer = layer.model_copy(update={"fraction_basis": "volume", "components": [
                Component(material=c.material, fraction=shares[c.material]) for c in layer.components]})
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
        "substitution": Substitution(role=role, replaced=replaced, by=record.id, keep=keep, basis=basis),
        "nominal": None,   # published figures belong to the base; the candidate's are predictions
        "solved_for": {}, "published_lower_bounds": [], "discrepancies": {},
        "lineage": None,
    })
    new._custom[record.id] = record

    if keep == "capacity" and role in _ELECTRODE_OF:
        electrode = _ELECTRODE_OF[role]
        scale = areal_capacity_mAh_cm2(design, electrode) / areal_capacity_mAh_cm2(new, electrode)
        layer = getattr(new, electrode)
        new = new.model_copy(update={electrode: layer.model_copy(update={"thickness_um": layer.thickness_um * scale})})
    lineage = design.lineage or Lineage(base=design.id, base_version=design.version, rated_capacity_mAh=1.0)
    rated = design.rated_capacity_mAh() * figures(new).capacity_mAh / figures(design).capacity_mAh
    new = new.model_copy(update={"lineage": lineage.model_copy(update={"rated_capacity_mAh": rated})})
    # re-validate the whole document so a substitution can never produce an invalid design
    checked = type(design).model_validate(new.model_dump())
    checked._custom = dict(new._custom)
    checked.check_materials()
    return checked
