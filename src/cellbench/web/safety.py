"""Safety test records on the platform: submit a record (YAML, optionally with its ARC run), list, read, share.

A record is judged against the built-in test definitions when it is submitted and kept with its verdict
(:mod:`cellbench.store.records.safety`); it is a record of kind ``safety`` under the same access tiers and audit as
every other, so its list, read and access routes are those of every kind (:mod:`cellbench.web.records`). Linked to
a sample, it appears in the reports of that sample's evaluations.

The API (``/api/v1/safety-records``) and the pages (``/safety-records``) share :func:`submit`, so a rule holds in
both or in neither.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Literal

import yaml
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench import safety
from cellbench.documents import parse_model
from cellbench.errors import InputError, NotFound
from cellbench.store.platform import Attachment, SafetyRecordRow
from cellbench.store.records.grants import grants
from cellbench.store.records.listing import listing, org_names
from cellbench.store.records.registry import OrganisationNamesLike, SafetyRecordView, safety_view
from cellbench.store.records.rule import fetch
from cellbench.store.records.safety import arc_of, record_of, sample_safety_records, store_record, verdict_of
from cellbench.web import uploads
from cellbench.web.deps import NO_SNIFF, FastJSON, RecordId, current_principal, db_session, render, see
from cellbench.web.identity import Principal

api_router = APIRouter(prefix="/api/v1", tags=["safety"])
page_router = APIRouter(include_in_schema=False)
RECORD_MAX_BYTES = 1_000_000  # a record is a page of YAML; its traces travel separately


def detail_view(row: Any, orgs: OrganisationNamesLike) -> dict[str, Any]:
    return safety_view(row, orgs) | {"record": record_of(row).model_dump(mode="json"),
                                     "verdict": verdict_of(row).model_dump(mode="json"), "arc": arc_of(row)}


def _read_record(source: BinaryIO, filename: str | None) -> safety.SafetyTestRecord:
    name = Path(filename or "record.yaml").name
    text = source.read(RECORD_MAX_BYTES + 1)
    if len(text) > RECORD_MAX_BYTES:
        raise InputError(f"the record is larger than {RECORD_MAX_BYTES / 1e6:g} MB; traces go in their own field",
                         source=name)
    try:
        data = yaml.safe_load(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("the record is not UTF-8 text", source=name) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(f"not valid YAML ({getattr(exc, 'problem', exc)})", source=name, location=where) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of record fields (test, sample, observations, ...)", source=name)
    return parse_model(safety.SafetyTestRecord, data, source=name)


def _analyse_arc_upload(source: BinaryIO, filename: str | None, max_bytes: int) -> tuple[dict, Path, str]:
    """Analyse an uploaded ARC CSV in a private folder; returns (figures, file, clean name). Errors name the upload."""
    name = uploads.check_attachment_name(filename)
    if Path(name).suffix.lower() not in (".csv", ".txt"):
        raise InputError(f"'{name}': an ARC run is uploaded as CSV (.csv or .txt)", location="arc")
    folder = Path(tempfile.mkdtemp(prefix="cellbench-arc-"))
    path = folder / name
    try:
        uploads.copy_limited(source, path, max_bytes)
        result = safety.analyse_arc(safety.read_arc_csv(path))
    except InputError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        # the reader names its (temporary) path; the user knows the file by its name
        raise InputError(str(exc).replace(str(path), name), location=None) from None
    return result.to_dict() | {"file": name}, path, name


def submit(request: Request, db: Session, principal: Principal, record_file: UploadFile,
           arc_file: UploadFile | None, sample_id: int | None) -> tuple[SafetyRecordRow, bool]:
    """Judge and keep an uploaded record (and its ARC run); nothing is kept if any part is refused."""
    record = _read_record(record_file.file, record_file.filename)
    arc_traces = [t.path for t in record.traces if t.quantity.strip().lower() == safety.ARC_QUANTITY]
    has_arc = arc_file is not None and bool(arc_file.filename)
    if arc_traces and not has_arc:
        raise InputError(f"the record names an ARC trace ('{arc_traces[0]}'); upload it in the arc field",
                         location="arc")
    if sample_id is not None:  # only a sample the submitter can see; the same 404 as a missing one otherwise
        fetch(db, "sample", sample_id, principal, via="api", action="link safety record")
    arc, arc_path, blob = None, None, None
    try:
        if has_arc:
            arc, arc_path, arc_name = _analyse_arc_upload(arc_file.file, arc_file.filename,
                                                          request.app.state.settings.max_upload_bytes)
            # the file first (kept by content hash, harmless if the record is then refused), the rows in one commit
            with open(arc_path, "rb") as stream:
                blob = uploads.save_attachment(request.app.state.store, stream, arc_name,
                                               max_bytes=request.app.state.settings.max_upload_bytes)
        row, created = store_record(db, record, owner_organisation_id=principal.organisation_id, arc=arc,
                                    catalogue=request.app.state.safety_catalogue,
                                    sample_id=sample_id, created_by_user_id=principal.user_id)
        if created and blob is not None:
            name, size, sha = blob
            db.add(Attachment(record_kind="safety", record_id=row.id, filename=name, size_bytes=size,
                              content_sha256=sha, media_type="text/csv"))
        db.commit()
    finally:
        if arc_path is not None:
            shutil.rmtree(arc_path.parent, ignore_errors=True)
    return row, created


# -- API ------------------------------------------------------------------------------------------------------------
@api_router.get("/safety/tests")
def safety_tests(request: Request, cell_kind: Literal["liquid", "all_solid_state"] | None = None,
                 principal: Principal = Depends(current_principal)):
    """The safety test definitions records are judged against (newest versions, the platform's own included),
    with pass criteria."""
    catalogue = request.app.state.safety_catalogue
    chosen = catalogue.applicable(cell_kind) if cell_kind else catalogue.latest()
    return {"items": [d.model_dump(mode="json") for d in chosen]}


@api_router.post("/safety-records", status_code=201)
def create_safety_record(request: Request, record: UploadFile = File(..., description="the record, YAML"),
                         arc: UploadFile | None = File(None, description="its heat-wait-search ARC run, CSV"),
                         sample_id: int | None = Form(None, ge=1, le=2_147_483_647),
                         principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    """Judge a safety test record against its definition and keep it (private to your organisation)."""
    row, created = submit(request, db, principal, record, arc, sample_id)
    return FastJSON(detail_view(row, org_names(db)) | {"created": created}, status_code=201)


@api_router.get("/safety-records/{record_id}/arc.csv", response_class=FileResponse)
def safety_record_arc_file(record_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                           db: Session = Depends(db_session)):
    """The ARC run uploaded with the record, as it was uploaded."""
    row = fetch(db, "safety", record_id, principal, via="api", action="download ARC run")
    attachment = _arc_attachment(db, row.id)
    return FileResponse(request.app.state.store.data_dir / "attachments" / attachment.content_sha256,
                        media_type="text/csv", filename=attachment.filename, headers=NO_SNIFF)


def _arc_attachment(db: Session, record_id: int) -> Attachment:
    attachment = db.scalar(select(Attachment).where(Attachment.record_kind == "safety",
                                                    Attachment.record_id == record_id))
    if attachment is None:
        raise NotFound(f"safety record {record_id} has no ARC run")
    return attachment


# -- pages ----------------------------------------------------------------------------------------------------------
@page_router.get("/safety-records", response_class=HTMLResponse)
def safety_records_page(request: Request, status: str = "", page: int = 0,
                        principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    filters = [SafetyRecordRow.status == status] if status in ("pass", "fail", "incomplete") else []
    records = listing(db, "safety", principal, filters=filters, limit=50, offset=max(page, 0) * 50, with_total=True)
    sample_rows = listing(db, "sample", principal, limit=200, offset=0)["items"]
    return render(request, "safety_records.html", principal, records=records, status_filter=status, page=max(page, 0),
                  samples=sample_rows, tests=request.app.state.safety_catalogue.latest())


@page_router.post("/safety-records")
def safety_records_submit(request: Request, record: UploadFile, arc: UploadFile | None = None,
                          sample_id: str = Form(""), principal: Principal = Depends(current_principal),
                          db: Session = Depends(db_session)):
    try:
        linked = int(sample_id) if sample_id.strip() else None
    except ValueError:
        raise InputError(f"'{sample_id}' is not a sample id", location="sample_id") from None
    row, _ = submit(request, db, principal, record, arc, linked)
    return see(f"/safety-records/{row.id}")


@page_router.get("/safety-records/{record_id}", response_class=HTMLResponse)
def safety_record_page(record_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                       db: Session = Depends(db_session)):
    row = fetch(db, "safety", record_id, principal, via="web")
    figure = None
    if row.arc_json:
        figure = _arc_figure(request, db, row.id)
    return render(request, "safety_record.html", principal, r=detail_view(row, org_names(db)), kind="safety",
                  record_id=row.id, grants=grants(db, "safety", row.id), access_path="/safety-records",
                  owner=row.owner_organisation_id == principal.organisation_id, figure=figure)


def _arc_figure(request: Request, db: Session, record_id: int) -> dict | None:
    """The ARC run's rate and temperature plot as Plotly JSON; /static/plots.js draws it (no inline script)."""
    from cellbench.safety.arc_plot import comparison_figure

    attachment = _arc_attachment(db, record_id)
    path = request.app.state.store.data_dir / "attachments" / attachment.content_sha256
    folder = Path(tempfile.mkdtemp(prefix="cellbench-arc-"))
    try:  # the reader goes by the file's name (its header and units); the blob is kept by hash
        named = folder / attachment.filename
        shutil.copyfile(path, named)
        result = safety.analyse_arc(safety.read_arc_csv(named))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return json.loads(comparison_figure([result]).to_json())


def sample_safety_rows(db: Session, sample_id: int, principal: Principal) -> list[SafetyRecordView]:
    """The safety records of a sample the principal may read (for the sample page)."""
    orgs = org_names(db)
    return [safety_view(r, orgs) for r in sample_safety_records(db, sample_id, principal)]
