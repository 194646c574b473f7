"""Interphase ageing that depends on the cell's own materials.

The ageing laws' interphase terms (electrolyte reduced at the anode, oxidised at the cathode) are written for one
reference pair. This module scales them to the materials actually in a design:

- the **driving force** is how far the electrode's potential at full charge lies beyond the electrolyte's stability
  window (anode below the lower limit, cathode above the upper one). By Wagner's treatment of film growth the rate
  constant is proportional to the potential across the film, so a term's rate is multiplied by
  force / reference force; an electrode inside the window drives nothing;
- the **kind of interphase** the electrolyte forms when reduced: a passivating one grows parabolically (the law's
  own exponent), a mixed-conducting one keeps growing linearly in time (exponent 1, same amount after one day).

A term whose electrolyte lacks the data it needs (no stability window; a reduced electrolyte of unknown interphase
kind) is *not assessed*: :func:`material_laws` says so rather than applying the reference material's behaviour.

>>> from cellbench import cells
>>> from cellbench.durability.ageing import load_laws
>>> laws, found = material_laws(cells.load("std-2.1"), load_laws())
>>> [(a.term, a.assessed) for a in found]
[('lli-se-reduction', True), ('film-se-oxidation', True)]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from cellbench.cells.design import CellDesign, LithiumFoil
from cellbench.errors import CellbenchError

if TYPE_CHECKING:  # annotations only: ageing calls into this module (material_laws) when a test is planned
    from cellbench.durability.ageing import AgeingLaws

#: exponent of a non-passivating (mixed-conducting) interphase: growth linear in time or throughput
MIXED_CONDUCTING_EXPONENT = 1.0


class NotAssessed(CellbenchError):
    """An ageing mechanism cannot be assessed for this design's materials (their data do not cover it)."""


@dataclass(frozen=True)
class InterphaseAssessment:
    term: str
    reaction: str
    electrolyte: str | None
    electrode_potential_V: float
    limit_V: float | None
    driving_force_V: float | None
    factor: float | None
    exponent: float | None
    assessed: bool
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def electrode_potentials_at_full_charge(design: CellDesign) -> dict[str, float]:
    """Anode and cathode potentials vs Li/Li+ at 100 % SOC, on the design's own stoichiometry window."""
    from cellbench.cells.figures import stoichiometry_window

    window = stoichiometry_window(design)
    out = {}
    for electrode in ("anode", "cathode"):
        active = design.active_material(electrode)
        if isinstance(design.layer(electrode), LithiumFoil) or active.kind == "lithium_metal":
            out[electrode] = 0.0
        else:
            out[electrode] = float(active.ocp(window[electrode][1]))
    return out


def electrolyte_at(design: CellDesign, electrode: str):
    """The electrolyte an electrode's active material touches (for a lithium-foil anode, the separator's)."""
    if design.electrolyte_type == "liquid":
        return design.material(design.liquid_electrolyte)
    layer = design.layer(electrode)
    if not isinstance(layer, LithiumFoil):
        own = design.solid_electrolyte(electrode)
        if own is not None:
            return own
    return design.solid_electrolyte("separator")


def assess(design: CellDesign, laws: AgeingLaws) -> list[InterphaseAssessment]:
    """One assessment per law term that has a driver."""
    potentials = electrode_potentials_at_full_charge(design)
    found = []
    for term in laws.terms:
        if term.driver is None:
            continue
        reaction = term.driver.reaction
        electrode = "anode" if reaction == "reduction" else "cathode"
        electrolyte = electrolyte_at(design, electrode)
        potential = potentials[electrode]
        common = {"term": term.id, "reaction": reaction, "electrolyte": electrolyte.id if electrolyte else None,
                  "electrode_potential_V": potential}
        window = getattr(electrolyte, "stability_window_V", None) if electrolyte else None
        if window is None:
            found.append(InterphaseAssessment(**common, limit_V=None, driving_force_V=None, factor=None,
                                              exponent=None, assessed=False,
                                              reason=f"{common['electrolyte'] or 'the electrolyte'} gives no "
                                                     "stability window"))
            continue
        limit = window[0] if reaction == "reduction" else window[1]
        force = max(limit - potential if reaction == "reduction" else potential - limit, 0.0)
        factor = force / term.driver.reference_driving_force_V
        exponent = None
        if reaction == "reduction" and force > 0:
            kind = getattr(electrolyte, "reduction_interphase", None)
            if kind is None:
                found.append(InterphaseAssessment(**common, limit_V=limit, driving_force_V=force, factor=factor,
                                                  exponent=None, assessed=False,
                                                  reason=f"{electrolyte.id} is reduced at the {electrode} "
                                                         f"({potential:.2f} V < {limit:.2f} V) but gives no "
                                                         "reduction_interphase (passivating or mixed_conducting)"))
                continue
            exponent = MIXED_CONDUCTING_EXPONENT if kind == "mixed_conducting" else None
        reason = (f"{electrolyte.id} {'below' if reaction == 'reduction' else 'above'} its {limit:.2f} V limit by "
                  f"{force:.2f} V at the {electrode} (×{factor:.2f} of the law's reference)" if force > 0 else
                  f"the {electrode} ({potential:.2f} V) stays inside {electrolyte.id}'s window: no {reaction}")
        if exponent is not None:
            reason += "; mixed-conducting interphase: linear growth"
        found.append(InterphaseAssessment(**common, limit_V=limit, driving_force_V=force, factor=factor,
                                          exponent=exponent, assessed=True, reason=reason))
    return found


def material_laws(design: CellDesign, laws: AgeingLaws) -> tuple[AgeingLaws, list[InterphaseAssessment]]:
    """The laws scaled to the design's materials, and what was (or could not be) assessed.

    Terms without a driver (e.g. cracking) are returned unchanged; terms not assessed keep their reference values
    in the returned laws, so callers must check the assessments (:func:`require_assessed`)."""
    found = assess(design, laws)
    by_term = {a.term: a for a in found if a.assessed}
    terms = []
    for term in laws.terms:
        a = by_term.get(term.id)
        if a is None:
            terms.append(term)
            continue
        update = {}
        for kind in ("calendar", "cycle"):
            law = getattr(term, kind)
            if law is not None:
                changes = {"k_ref": law.k_ref * a.factor}
                if a.exponent is not None:
                    changes["exponent"] = a.exponent
                update[kind] = law.model_copy(update=changes)
        terms.append(term.model_copy(update=update))
    return laws.model_copy(update={"terms": terms}), found


def require_assessed(found: list[InterphaseAssessment]) -> None:
    missing = [a for a in found if not a.assessed]
    if missing:
        raise NotAssessed("not assessed for this material: " + "; ".join(f"{a.term}: {a.reason}" for a in missing))
