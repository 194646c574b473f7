"""The REST API, ``/api/v1`` (OpenAPI at ``/docs``). Every route but ``/health`` needs a token or a session.

Records the caller may not see answer ``404`` exactly like ids that do not exist. The list, read and access routes
of every record kind are generated from the store's registry (:mod:`cellbench.web.records`); this module has the
routes that are a kind's own (uploads, downloads, analyses, creating materials, samples and evaluations) and the
standard-cell catalogue.
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cellbench.errors import InputError, NotFound
from cellbench.store.platform import Attachment
from cellbench.store.records.listing import org_names
from cellbench.store.records.registry import evaluation_view, material_view, sample_view
from cellbench.store.records.rule import fetch
from cellbench.web import evaluations, samples, uploads
from cellbench.web.deps import NO_SNIFF, RecordId, current_principal, db_session
from cellbench.web.identity import Principal
from cellbench.web.samples import attachment_view

router = APIRouter(prefix="/api/v1")


# -- bodies --------------------------------------------------------------------------------------------------
class MaterialIn(BaseModel):
    provider: str = Field("", max_length=200)
    datasheet: dict[str, Any] = Field(description="a cellbench material record (fields of a material YAML file)")


class SampleIn(BaseModel):
    material_id: int = Field(ge=1, le=2_147_483_647)
    lot: str = Field(max_length=200)
    quantity_g: float | None = Field(None, ge=0)
    notes: str = Field("", max_length=10000)
    submit_to: str | None = Field(None, description="evaluation-centre organisation to submit the sample to")


class EvaluationIn(BaseModel):
    sample_id: int = Field(ge=1, le=2_147_483_647)
    cell_id: str = Field("std-2.1", max_length=200)


# -- health and identity ---------------------------------------------------------------------------------------
@router.get("/health", tags=["platform"])
def health() -> dict[str, str]:
    """Liveness check (no sign-in needed)."""
    return {"status": "ok"}


@router.get("/me", tags=["platform"])
def me(principal: Principal = Depends(current_principal)) -> dict[str, Any]:
    return {"email": principal.email, "name": principal.name, "role": principal.role,
            "organisation": principal.organisation}


# -- tests ---------------------------------------------------------------------------------------------------------
@router.get("/tests/{test_id}/cycles", tags=["tests"])
def test_cycles(test_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                db: Session = Depends(db_session)):
    """Per-cycle summary (capacities, energies, efficiency) of a stored test."""
    from cellbench.measurements.cycles import summarize

    row = fetch(db, "test", test_id, principal, via="api", action="read cycles")
    return summarize(request.app.state.store.load(row.id)).to_json()


@router.get("/tests/{test_id}/figures", tags=["tests"])
def test_figures(test_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                 db: Session = Depends(db_session)):
    """Plotly figures: voltage–capacity per cycle, capacity fade, dQ/dV."""
    from cellbench.measurements.plots import test_figures as figures

    row = fetch(db, "test", test_id, principal, via="api", action="read figures")
    return figures(request.app.state.store.load(row.id))


@router.get("/tests/{test_id}/download", tags=["tests"], response_class=StreamingResponse,
            responses={200: {"content": {"application/vnd.apache.parquet": {}, "text/csv": {}}}})
def download_test(test_id: RecordId, request: Request, format: Literal["parquet", "bdf-csv"] = "parquet",  # noqa: A002
                  principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    """The time series as Parquet (metadata in the key-value metadata) or Battery Data Format CSV."""
    row = fetch(db, "test", test_id, principal, via="api", action=f"download {format}")
    measurement = request.app.state.store.load(row.id)
    stem = Path(row.source_file or f"test-{row.id}").stem
    if format == "parquet":
        return send_written(lambda folder: measurement.to_parquet(folder / f"{stem}.parquet"),
                            "application/vnd.apache.parquet")
    return send_written(lambda folder: measurement.to_csv(folder / f"{stem}.bdf.csv", header_style="human"),
                        "text/csv")


def send_written(write: Callable[[Path], Path], media_type: str) -> StreamingResponse:
    """Answer with a file that ``write`` makes in a fresh temporary folder, leaving no folder behind.

    The file is opened and its folder removed before the answer starts (on POSIX an open file outlives its name),
    so neither a finished download nor an interrupted one leaves anything in the temporary directory.
    """
    folder = Path(tempfile.mkdtemp(prefix="cellbench-download-"))
    try:
        path = write(folder)
        handle = open(path, "rb")
        size = os.fstat(handle.fileno()).st_size
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    def chunks():
        with handle:
            while chunk := handle.read(1 << 20):
                yield chunk

    return StreamingResponse(chunks(), media_type=media_type,
                             headers={"Content-Length": str(size), **NO_SNIFF,
                                      "Content-Disposition": _attachment_disposition(path.name)})


def _attachment_disposition(filename: str) -> str:
    quoted = quote(filename)
    if quoted == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename*=utf-8''{quoted}"


@router.post("/tests", tags=["tests"], status_code=201)
def upload_test(request: Request, file: UploadFile = File(...), principal: Principal = Depends(current_principal)):
    """Upload a cycler file; it goes through the same ingest as `cellbench ingest`."""
    result = uploads.ingest_upload(request.app.state.store, file.file, file.filename, principal.organisation,
                                   max_bytes=request.app.state.settings.max_upload_bytes)
    if result.status == "failed":
        raise InputError(result.error or "the file could not be read", location="file")
    return result.model_dump(exclude={"source"})


# -- cells (the public standard-cell catalogue) ------------------------------------------------------------------
@router.get("/cells", tags=["cells"])
def list_cells(principal: Principal = Depends(current_principal)):
    from cellbench import cells

    return {"items": [{"id": c.id, "version": c.version, "name": c.name, "electrolyte_type": c.electrolyte_type,
                       "versions": cells.versions(c.id)} for c in cells.list_cells()]}


@router.get("/cells/{cell_id}", tags=["cells"])
def get_cell(cell_id: str, principal: Principal = Depends(current_principal)):
    from cellbench import cells
    from cellbench.cells.report import cell_summary

    known = {c.id for c in cells.list_cells()}
    base = cell_id.split("@")[0]
    if base not in known:
        raise NotFound(f"no standard cell '{cell_id}'; known: {', '.join(sorted(known))}")
    return {**cell_summary(cells.load(cell_id)), "versions": cells.versions(base)}


@router.get("/cells/{cell_id}/bpx", tags=["cells"], response_class=StreamingResponse,
            responses={200: {"content": {"application/json": {}}}})
def cell_bpx(cell_id: str, principal: Principal = Depends(current_principal)):
    """The standard cell as a Battery Parameter eXchange (BPX) JSON file, as `cellbench export-bpx` writes it."""
    from cellbench.simulate.bpx_io import write_bpx
    from cellbench.simulate.virtual_cycler import as_pybamm_cell

    get_cell(cell_id, principal)  # catalogue ids only: refuses file paths and unknown cells
    cell = as_pybamm_cell(cell_id)
    return send_written(lambda folder: write_bpx(cell, folder / f"{cell_id.replace('@', '-')}.bpx.json"),
                        "application/json")


# -- materials and samples -------------------------------------------------------------------------------------
@router.post("/materials", tags=["materials"], status_code=201)
def create_material(body: MaterialIn, principal: Principal = Depends(current_principal),
                    db: Session = Depends(db_session)):
    row = samples.create_material(db, principal, provider=body.provider, datasheet=body.datasheet)
    return material_view(row, org_names(db))


@router.post("/samples", tags=["materials"], status_code=201)
def create_sample(body: SampleIn, principal: Principal = Depends(current_principal),
                  db: Session = Depends(db_session)):
    row = samples.create_sample(db, principal, material_id=body.material_id, lot=body.lot,
                                quantity_g=body.quantity_g, notes=body.notes, submit_to=body.submit_to)
    return sample_view(row, org_names(db))


@router.post("/{kind}s/{record_id}/attachments", tags=["materials"], status_code=201)
def add_attachment(kind: Literal["material", "sample"], record_id: RecordId, request: Request,
                   file: UploadFile = File(...), principal: Principal = Depends(current_principal),
                   db: Session = Depends(db_session)):
    """Attach a file (datasheet PDF, XRD pattern...) to your material or sample."""
    row = fetch(db, kind, record_id, principal, via="api", action="attach")
    if row.owner_organisation_id != principal.organisation_id:
        raise NotFound(f"no {kind} with id {record_id} of yours")
    name, size, sha = uploads.save_attachment(request.app.state.store, file.file, file.filename,
                                              max_bytes=request.app.state.settings.max_upload_bytes)
    # The type comes from the (checked) name, never from the uploader: a .txt declared as text/html must not
    # be served back as a page on this site.
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return attachment_view(samples.attach(db, kind, record_id, name, size, sha, media_type))


@router.get("/{kind}s/{record_id}/attachments/{attachment_id}", tags=["materials"], response_class=FileResponse)
def get_attachment(kind: Literal["material", "sample"], record_id: RecordId, attachment_id: RecordId, request: Request,
                   principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    fetch(db, kind, record_id, principal, via="api", action="download attachment")
    row = db.get(Attachment, attachment_id)
    if row is None or row.record_kind != kind or row.record_id != record_id:
        raise NotFound(f"no attachment {attachment_id} on {kind} {record_id}")
    return FileResponse(request.app.state.store.data_dir / "attachments" / row.content_sha256,
                        filename=row.filename, media_type=row.media_type, headers=NO_SNIFF)


# -- evaluations -------------------------------------------------------------------------------------------------
@router.post("/evaluations", tags=["evaluations"], status_code=202)
def start_evaluation(body: EvaluationIn, request: Request, principal: Principal = Depends(current_principal),
                     db: Session = Depends(db_session)):
    """Queue a standard evaluation of a sample in a standard cell; poll GET /evaluations/{id} for progress."""
    run = request_evaluation(db, principal, body.sample_id, body.cell_id, request)
    return evaluation_view(run, org_names(db))


def request_evaluation(db: Session, principal: Principal, sample_id: RecordId, cell_id: str, request: Request):
    worker = request.app.state.worker
    run = evaluations.request_evaluation(db, principal, sample_id=sample_id, cell_id=cell_id,
                                         suite=worker.options.suite)
    worker.submit(run.id)
    return run


@router.get("/evaluations/{evaluation_id}/results", tags=["evaluations"])
def evaluation_results(evaluation_id: RecordId, principal: Principal = Depends(current_principal),
                       db: Session = Depends(db_session)):
    """results.json of a finished evaluation."""
    row = fetch(db, "evaluation", evaluation_id, principal, via="api", action="read results")
    if not row.results_json:
        raise InputError(f"evaluation {evaluation_id} has no results yet (status: {row.status})")
    return json.loads(row.results_json)


@router.get("/evaluations/{evaluation_id}/report", tags=["evaluations"], response_class=HTMLResponse)
def evaluation_report(evaluation_id: RecordId, principal: Principal = Depends(current_principal),
                      db: Session = Depends(db_session)):
    """The HTML report of a finished evaluation."""
    row = fetch(db, "evaluation", evaluation_id, principal, via="api", action="read report")
    # The report carries its own scripts (Plotly); sandboxed, they run without this site's origin.
    return FileResponse(evaluations.report_file(row), media_type="text/html",
                        headers={**NO_SNIFF, "Content-Security-Policy": "sandbox allow-scripts"})
