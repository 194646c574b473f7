"""Programme targets on the platform: the target sets (read-only), a stage-gate view of a cell and a material
against them, and the intake informatics of a submitted material (derived beside submitted values).

Pages only; the same functions answer the CLI (``cellbench targets``, ``cellbench materials check``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cellbench import targets
from cellbench.errors import CellbenchError, InputError, NotFound
from cellbench.store.records.rule import fetch
from cellbench.web.deps import current_principal, db_session, render
from cellbench.web.identity import Principal
from cellbench.web.samples import material_record

page_router = APIRouter(include_in_schema=False)


def intake_view(datasheet: Any, attachments: list = (), data_dir: Path | None = None) -> dict[str, Any] | None:
    """The informatics check of a stored datasheet record, with the first attached CIF as its crystal structure;
    None when the datasheet has no formula."""
    if not getattr(datasheet, "formula", None):
        return None
    cif = next((a for a in attachments if a.filename.lower().endswith(".cif")), None)
    blob = str(data_dir / "attachments" / cif.content_sha256) if cif is not None and data_dir is not None else None
    return _intake(datasheet.model_dump_json(), blob, cif.filename if cif is not None else None)


@lru_cache(maxsize=256)
def _intake(datasheet_json: str, cif_blob: str | None, cif_name: str | None) -> dict[str, Any]:
    # a datasheet and a blob (named by its hash) never change once stored: derive once, not on every page view
    from cellbench.materials.informatics import check_record, read_structure
    from cellbench.materials.records import MATERIAL_ADAPTER

    try:
        structure = read_structure(cif_blob, field=f"attachment {cif_name}") if cif_blob else None
        report = check_record(MATERIAL_ADAPTER.validate_json(datasheet_json), structure).model_dump(mode="json")
        return report | {"cif": cif_name}
    except CellbenchError as exc:  # records are validated at intake; a malformed CIF must not break the page
        return {"error": str(exc).replace(str(cif_blob), str(cif_name)) if cif_blob else str(exc)}


@page_router.get("/targets", response_class=HTMLResponse)
def targets_page(request: Request, principal: Principal = Depends(current_principal)):
    return render(request, "targets.html", principal, sets=[s.model_dump(mode="json") for s in targets.list_sets()],
                  quantities={k: q.model_dump() for k, q in targets.QUANTITIES.items()})


@page_router.get("/targets/gate", response_class=HTMLResponse)
def gate_page(request: Request, cell: str = Query("", max_length=100), material: str = Query("", max_length=12),
              set_ids: list[str] = Query([], alias="set"),
              principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    """A candidate's stage gate: a catalogue cell's figures and a platform material's, against the chosen sets."""
    from cellbench import cells
    from cellbench.cells.report import cell_summary

    figures: dict[str, float] = {}
    origins: dict[str, str] = {}
    electrolyte = None
    subject = []
    if cell:
        if cell not in {c.id for c in cells.list_cells()}:  # catalogue ids only: a path would read the server's files
            raise NotFound(f"no catalogue cell '{cell}'", location="cell")
        summary = cell_summary(cells.load(cell))
        for k, v in targets.cell_figures(summary).items():
            figures[k], origins[k] = v, f"cell {summary['id']}"
        electrolyte = summary["electrolyte_type"]
        subject.append(f"cell {summary['id']} v{summary['version']}")
    if material.strip():
        if not material.strip().isdigit() or not 0 < int(material) < 2**31:
            raise InputError(f"'{material}' is not a material id (a whole number)", location="material")
        row = fetch(db, "material", int(material), principal, via="web")
        record = material_record(row)
        for k, v in targets.material_figures(record).items():
            figures[k], origins[k] = v, f"material {row.id} ({record.name})"
        subject.append(f"material {row.id} ({record.name})")
    if len(set_ids) > 20:
        raise InputError("choose at most 20 target sets", location="set")
    # only built-in sets by id here: a path would read the server's files
    chosen = [targets.load_set(s) for s in set_ids if s and s in {x.id for x in targets.list_sets()}] or None
    unknown = [s for s in set_ids if s and s not in {x.id for x in targets.list_sets()}]
    if unknown:
        raise NotFound(f"no target set {', '.join(unknown)}", location="set")
    checks = targets.assess(figures, chosen, electrolyte_type=electrolyte, origins=origins) if subject else []
    return render(request, "targets_gate.html", principal, subject=", ".join(subject), cell=cell, material=material,
                  chosen=set_ids, sets=[s.id for s in targets.list_sets()],
                  checks=[c.model_dump(mode="json") for c in checks], gate=targets.stage_gate(checks),
                  cells=[c.id for c in cells.list_cells()])
