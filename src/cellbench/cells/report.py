"""Plain-data views of a catalogue cell for the CLI, the API and reports."""

from __future__ import annotations

from typing import Any

from cellbench.cells.catalogue import Prediction, predictions, solved_for
from cellbench.cells.design import CellDesign
from cellbench.cells.figures import DesignFigures, figures, mass_breakdown_g
from cellbench.cells.reconciliation import reconcile


def cell_summary(design: CellDesign) -> dict[str, Any]:
    """The cell's identity, derived figures and published figures (what `cells show --json` prints)."""
    f = figures(design)
    predicted = predictions(design)
    reconciled = reconcile(design) if any(p.figure.startswith("wh_per_l") for p in predicted) else None
    return {
        "id": design.id,
        "version": design.version,
        "name": design.name,
        "electrolyte_type": design.electrolyte_type,
        "capacity_mAh": f.capacity_mAh,
        "energy_Wh": f.energy_Wh,
        "mean_voltage_V": f.mean_voltage_V,
        "wh_per_l_stack": f.wh_per_l_stack,
        "wh_per_l_outline": f.wh_per_l_outline,
        "wh_per_kg": f.wh_per_kg,
        "np_ratio": f.np_ratio,
        "cathode_areal_capacity_mAh_cm2": f.cathode_areal_capacity_mAh_cm2,
        "stack_thickness_um": f.stack_thickness_um,
        "stack_thickness_charged_um": f.stack_thickness_charged_um,
        "wh_per_l_stack_charged": f.wh_per_l_stack_charged,
        "mass_g": f.mass_g,
        "mass_breakdown_g": mass_breakdown_g(design),
        "nominal": design.nominal.model_dump() if design.nominal else None,
        # design values solved to give a figure (not read from a publication), and the published figures that
        # nothing was solved for: predictions, with their deviation from the published value
        "solved_for": {k: v.model_dump() for k, v in solved_for(design).items()},
        "predictions": [{"figure": p.figure, "predicted": p.predicted, "published": p.published,
                         "deviation": p.deviation, "lower_bound": p.lower_bound, "reproduced": p.reproduced,
                         "documented_deviation": p.documented.deviation if p.documented else None,
                         "why": p.documented.why if p.documented else None}
                        for p in predicted],
        # each derived figure: "solved" (a design value was solved to give it), "predicted" (compared with a
        # published figure nothing was solved for) or "derived" (no published figure to compare with)
        "figure_roles": figure_roles(design, f, predicted),
        # a Wh/L prediction beside the volume bases and the single changes that would close the gap (a diagnosis)
        "reconciliation": reconciled.as_dict() if reconciled else None,
        "materials": {
            "cathode_active": design.active_material("cathode").id,
            "anode_active": design.active_material("anode").id,
            "electrolyte": (design.solid_electrolyte().id if design.electrolyte_type == "solid" else design.liquid_electrolyte),
        },
        "sources": design.sources,
        "notes": design.notes,
    }


def figure_roles(design: CellDesign, f: DesignFigures | None = None,
                 predicted: list[Prediction] | None = None) -> dict[str, str]:
    """Whether each derived figure is an input (solved for), a prediction of a published figure, or only derived.

    >>> from cellbench import cells
    >>> roles = figure_roles(cells.load("std-2.1"))
    >>> roles["capacity_mAh"], roles["np_ratio"], roles["wh_per_l_stack"], roles["wh_per_kg"]
    ('solved', 'solved', 'predicted', 'derived')
    """
    f = f or figures(design)
    predicted = predictions(design) if predicted is None else predicted
    solved = {s.figure for s in solved_for(design).values()}
    compared = {p.figure for p in predicted}
    return {name: "solved" if name in solved else "predicted" if name in compared else "derived"
            for name in f.as_dict()}
