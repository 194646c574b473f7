"""Feed a microstructure result into a cell design: τ and contact ratio replace the Bruggeman default.

A composite electrode layer takes the path-resistance coefficient (τ) and the contact ratio; the
separator / solid-electrolyte layer takes τ only (it holds no active material). The design is not changed
in place: a new design is returned.

>>> from cellbench import cells
>>> from cellbench.microstructure import random_blocks, tortuosity
>>> v = random_blocks((24, 24, 24), voxel_size_um=1.0, seed=1,
...                   fractions={"active_material": 0.4, "solid_electrolyte": 0.5, "void": 0.1})
>>> result = tortuosity(v, axis="x")
>>> design = apply_to_design(cells.load("std-2.1"), "cathode", result)
>>> design.cathode.path_resistance_coefficient == result.tau
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from cellbench.errors import InputError

if TYPE_CHECKING:
    from cellbench.cells import CellDesign
    from cellbench.microstructure.transport import TortuosityResult

LAYERS = ("cathode", "anode", "separator")
_ACTIVE_ROLES = ("cathode_active", "anode_active")


def layer_phase_fractions(design: "CellDesign", layer: str) -> dict[str, float]:
    """Volume fractions of a layer as the three phases a generated volume has.

    Active materials → ``active_material``, solid electrolytes → ``solid_electrolyte``; pores and the other
    solids (binder, conductive additive) → ``void``: they block ions just as pores do, and an active
    surface they cover is not in contact with the electrolyte.

    >>> from cellbench import cells
    >>> f = layer_phase_fractions(cells.load("std-2.1"), "cathode")
    >>> round(sum(f.values()), 9), round(f["void"], 3)
    (1.0, 0.146)
    """
    from cellbench.cells import CompositeLayer, SeparatorLayer

    if layer not in LAYERS:
        raise InputError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}", location="layer")
    part = getattr(design, layer)
    if isinstance(part, SeparatorLayer):
        role = design.material(part.material).role
        solid = "solid_electrolyte" if role == "solid_electrolyte" else "active_material"
        return {solid: 1 - part.porosity, "void": part.porosity}
    if not isinstance(part, CompositeLayer):
        raise InputError(f"the {layer} of {design.id} is a {type(part).__name__}, not a composite layer",
                         location=layer)
    fractions = {"active_material": 0.0, "solid_electrolyte": 0.0, "void": part.porosity}
    for material, fraction in design.volume_fractions(layer).items():
        role = design.material(material).role
        phase = ("active_material" if role in _ACTIVE_ROLES
                 else "solid_electrolyte" if role == "solid_electrolyte" else "void")
        fractions[phase] += fraction
    return fractions


def apply_to_design(design: "CellDesign", layer: str, result: "TortuosityResult") -> "CellDesign":
    """A copy of ``design`` whose ``layer`` ("cathode", "anode" or "separator") carries ``result``'s τ
    (and, for an electrode, its contact ratio when the volume had both active material and electrolyte)."""
    from cellbench.cells import CompositeLayer, SeparatorLayer

    if layer not in LAYERS:
        raise InputError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}", location="layer")
    current = getattr(design, layer)
    if not isinstance(current, (CompositeLayer, SeparatorLayer)):
        raise InputError(f"the {layer} of {design.id} is a {type(current).__name__}, which has no pore network "
                         "to take a path-resistance coefficient", location=layer)
    if not result.percolates or not math.isfinite(result.tau):
        raise InputError(f"the {result.phase} of this volume does not connect the two {result.axis} faces "
                         f"(τ = inf): a {layer} without an ion path cannot be simulated", location=layer)
    # A lattice walk cannot spread faster than free space, so τ < 1 is statistical noise around 1.
    update: dict[str, float] = {"path_resistance_coefficient": max(1.0, float(result.tau))}
    if isinstance(current, CompositeLayer) and layer != "separator" and result.contact_ratio is not None:
        if result.contact_ratio <= 0:
            raise InputError("contact ratio is 0: no active material touches the electrolyte, so the "
                             f"{layer} cannot work", location=f"{layer}.contact_ratio")
        update["contact_ratio"] = float(result.contact_ratio)
    new_layer = type(current).model_validate({**current.model_dump(), **update})
    return design.model_copy(update={layer: new_layer})
