"""The REST API, ``/api/v1`` (OpenAPI at ``/docs``). Every route but ``/health`` needs a token or a session.

Records the caller may not see answer ``404`` exactly like ids that do not exist.
"""

from __future__ import annotations

import json
import mimetypes
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Annotated, Any, Callable, Literal
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Depends, File, Path as PathParam, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from cellbench.errors import InputError, NotFound
from cellbench.store.models import Organisation, Test
from cellbench.store.platform import (Attachment, EvaluationRun, PassportRecord, PlatformMaterial, SafetyRecordRow,
                                      Sample)
from cellbench.web import access, evaluations, samples, uploads
from cellbench.web.auth import current_principal
from cellbench.web.identity import Principal

router = APIRouter(prefix="/api/v1")
Tier = Literal["private", "named", "consortium", "public"]
#: record ids are 32-bit integers in every database; larger numbers are refused as input, not sent to SQL
RecordId = Annotated[int, PathParam(ge=1, le=2_147_483_647)]


# -- bodies --------------------------------------------------------------------------------------------------
class AccessChange(BaseModel):
    """Who may read a record: the named tier names at least one organisation, the consortium tier a consortium."""

    # what set_access checks, stated in the schema so that a generated client knows it
    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"if": {"properties": {"tier": {"const": "named"}}, "required": ["tier"]},
         "then": {"required": ["organisations"], "properties": {"organisations": {"minItems": 1}}}},
        {"if": {"properties": {"tier": {"const": "consortium"}}, "required": ["tier"]},
         "then": {"required": ["consortia"], "properties": {"consortia": {"minItems": 1}}}},
    ]})

    tier: Tier
    organisations: list[str] = Field(default_factory=list, description="for the named tier (at least one)")
    consortia: list[str] = Field(default_factory=list, description="for the consortium tier (at least one)")


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


# -- shared views ----------------------------------------------------------------------------------------------
def db_session(request: Request):
    with request.app.state.store.session() as db:
        yield db


class OrganisationNames:
    """Organisation names by id, read from the database once per process and again only when an id is new to it.

    Organisations are created, never renamed or removed, so a name once read stays right; asking the database on
    every request would cost a query per page."""

    def __init__(self, db: Session, names: dict[int, str]):
        self._db, self._names = db, names

    def get(self, organisation_id: int | None, default: str | None = None) -> str | None:
        if organisation_id is None:
            return default
        if organisation_id not in self._names:  # created since the last read (by this or another process)
            self._names.clear()
            self._names.update(_read_names(self._db))
        return self._names.get(organisation_id, default)

    def __getitem__(self, organisation_id: int) -> str:
        name = self.get(organisation_id)
        if name is None:
            raise KeyError(organisation_id)
        return name


_NAMES: "weakref.WeakKeyDictionary[Any, dict[int, str]]" = weakref.WeakKeyDictionary()


def _read_names(db: Session) -> dict[int, str]:
    return dict(db.execute(select(Organisation.id, Organisation.name)).all())


def org_names(db: Session) -> OrganisationNames:
    """Organisation names by id (``.get(id)``), cached per database engine (see :class:`OrganisationNames`)."""
    names = _NAMES.get(db.get_bind())
    if names is None:
        names = _NAMES[db.get_bind()] = {}
    return OrganisationNames(db, names)


def test_view(row: Test, orgs: dict[int, str]) -> dict[str, Any]:
    return {"id": row.id, "content_hash": row.content_hash, "source_file": row.source_file, "vendor": row.vendor,
            "file_format": row.file_format, "cell_id": row.cell_id, "channel": row.channel,
            "start_time": row.start_time, "row_count": row.row_count, "duration_s": row.duration_s,
            "outcome": row.outcome, "outcome_reason": row.outcome_reason, "access_tier": row.access_tier,
            "organisation": orgs.get(row.owner_organisation_id), "created_at": row.created_at}


test_view.__test__ = False


def material_view(row: PlatformMaterial, orgs: dict[int, str]) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "role": row.role, "provider": row.provider,
            "datasheet": json.loads(row.datasheet_json), "access_tier": row.access_tier,
            "organisation": orgs.get(row.owner_organisation_id), "created_at": row.created_at}


def sample_view(row: Sample, orgs: dict[int, str]) -> dict[str, Any]:
    return {"id": row.id, "material_id": row.material_id, "lot": row.lot, "quantity_g": row.quantity_g,
            "notes": row.notes, "submitted_to": orgs.get(row.submitted_to_organisation_id),
            "access_tier": row.access_tier, "organisation": orgs.get(row.owner_organisation_id),
            "created_at": row.created_at}


def evaluation_view(row: EvaluationRun, orgs: dict[int, str]) -> dict[str, Any]:
    return {"id": row.id, "sample_id": row.sample_id, "cell_id": row.cell_id, "suite": row.suite,
            "status": row.status, "progress_done": row.progress_done, "progress_total": row.progress_total,
            "error": row.error, "has_report": row.status == "done" and bool(row.report_path),
            "access_tier": row.access_tier, "organisation": orgs.get(row.owner_organisation_id),
            "created_at": row.created_at, "finished_at": row.finished_at}


def safety_view(row: SafetyRecordRow, orgs: dict[int, str]) -> dict[str, Any]:
    """A stored safety test record as listed: what was tested, on what, the result, who owns it."""
    return {"id": row.id, "test": row.test, "test_version": row.test_version, "sample": row.sample_label,
            "sample_id": row.sample_id, "cell_kind": row.cell_kind, "status": row.status,
            "has_arc": row.arc_json is not None, "access_tier": row.access_tier,
            "organisation": orgs.get(row.owner_organisation_id), "created_at": row.created_at}


def passport_view(row: PassportRecord, orgs: dict[int, str]) -> dict[str, Any]:
    """A stored battery passport as listed: what battery, its public specification figures, who owns it. The same
    for every reader, so nothing above the public access level (state of health is battery condition)."""
    from cellbench.sustainability.passport import public_summary

    return {"id": row.id, "battery_id": row.battery_id, **public_summary(row.document),
            "access_tier": row.access_tier, "organisation": orgs.get(row.owner_organisation_id),
            "updated_at": row.updated_at}


VIEWS = {"test": test_view, "material": material_view, "sample": sample_view, "evaluation": evaluation_view,
         "safety": safety_view, "passport": passport_view}


class FastJSON(JSONResponse):
    """JSON straight from plain data (dates as ISO strings) by orjson: FastAPI's generic encoder, or even the
    standard library's, costs more than the database query on a 50-row list."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_iso)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def listing(db: Session, kind: str, principal: Principal, *, filters=(), equal: dict[str, Any] | None = None,
            limit: int, offset: int = 0, after: int | None = None, with_total: bool = False) -> dict[str, Any]:
    """A page of the records the principal may read, newest first, in one query with the access rule in its WHERE.

    Keyset paging: ``after`` (the previous page's ``next_after``) starts below that id, at the cost of one page
    whatever the depth; ``offset`` skips rows and costs the rows skipped. ``next_after``/``next_offset`` are None on
    the last page; ``total`` (a count over every readable record, the costliest part of a list) only when asked for.
    ``equal``: column name → value conditions, which (unlike ``filters``, any SQL conditions) keep to the statement
    built once per shape (:func:`_page_statement`).
    """
    model = access.MODELS[kind]
    equal = {name: value for name, value in (equal or {}).items() if value is not None}
    # plain column rows, not ORM objects, read through the Core connection: the views read attributes only, and
    # the ORM's result handling would cost as much as the query itself
    if filters:
        where = [access.visible(kind, principal), *filters,
                 *(model.__table__.c[name] == value for name, value in equal.items())]
        page_where = where + ([model.id < after] if after is not None else [])
        rows = db.connection().execute(select(*model.__table__.columns).where(*page_where).order_by(model.id.desc())
                                       .limit(limit + 1).offset(offset)).all()
    else:
        statement = _page_statement(kind, bool(principal.consortium_ids), tuple(sorted(equal)), after is not None)
        rows = db.connection().execute(statement, {**access.rule_parameters(principal), "limit": limit + 1,
                                                   "offset": offset, "after": after,
                                                   **{f"equal_{name}": value for name, value in equal.items()}}).all()
        where = [access.visible(kind, principal), *(model.__table__.c[name] == value for name, value in equal.items())]
    orgs = org_names(db)
    more = len(rows) > limit
    page = {"limit": limit, "offset": offset, "next_offset": offset + limit if more else None,
            "next_after": rows[limit - 1].id if more else None,
            "items": [VIEWS[kind](r, orgs) for r in rows[:limit]]}
    if with_total:
        page["total"] = db.scalar(select(func.count()).select_from(model).where(*where))
    return page


def change_access(db: Session, kind: str, record_id: int, principal: Principal, change: "AccessChange") -> dict[str, Any]:
    """Set a record's tier and grants (owners only) and answer with who may now read it."""
    access.set_access(db, kind, record_id, principal, change.tier, organisations=change.organisations,
                      consortia=change.consortia)
    return {"id": record_id, "tier": change.tier, **access.grants(db, kind, record_id)}


_PAGE_STATEMENTS: dict[tuple, Any] = {}


def _page_statement(kind: str, with_consortia: bool, equal: tuple[str, ...], keyset: bool):
    """A page query of ``kind`` with the access rule, equality conditions on the named columns and optionally a
    keyset start, built once per shape with bound parameters: building the expression and its cache key on every
    request cost about as much as SQLite's answer."""
    key = (kind, with_consortia, equal, keyset)
    if key not in _PAGE_STATEMENTS:
        model = access.MODELS[kind]
        conditions = [access.visible_rule(kind, with_consortia),
                      *(model.__table__.c[name] == bindparam(f"equal_{name}") for name in equal)]
        if keyset:
            conditions.append(model.id < bindparam("after"))
        _PAGE_STATEMENTS[key] = (select(*model.__table__.columns).where(*conditions).order_by(model.id.desc())
                                 .limit(bindparam("limit")).offset(bindparam("offset")))
    return _PAGE_STATEMENTS[key]


Limit = Query(50, ge=1, le=500)
NO_SNIFF = {"X-Content-Type-Options": "nosniff"}
WithTotal = Query(False, description="also count every record you may read (slower on large stores)")
Offset = Query(0, ge=0, le=10_000_000)
After = Query(None, ge=1, le=2_147_483_647,
              description="keyset paging: the previous page's next_after (the same cost at any depth, unlike offset)")


# -- health and identity ---------------------------------------------------------------------------------------
@router.get("/health", tags=["platform"])
def health() -> dict[str, str]:
    """Liveness check (no sign-in needed)."""
    return {"status": "ok"}


@router.get("/me", tags=["platform"])
def me(principal: Principal = Depends(current_principal)) -> dict[str, Any]:
    return {"email": principal.email, "name": principal.name, "role": principal.role,
            "organisation": principal.organisation}


@router.get("/audit", tags=["platform"])
def audit(limit: int = Limit, principal: Principal = Depends(current_principal),
          db: Session = Depends(db_session)) -> dict[str, Any]:
    """Reads of your organisation's non-public records (organisation admins)."""
    return {"entries": access.audit_log(db, principal, limit=limit)}


# -- tests ---------------------------------------------------------------------------------------------------------
@router.get("/tests", tags=["tests"])
async def list_tests(request: Request, cell_id: str | None = Query(None, max_length=200),
                     outcome: Literal["ok", "failed", "negative"] | None = None,
                     vendor: str | None = Query(None, max_length=100), limit: int = Limit, offset: int = Offset,
                     after: int | None = After, with_total: bool = WithTotal,
                     principal: Principal = Depends(current_principal)):
    filters = {"cell_id": cell_id or None, "outcome": outcome, "vendor": vendor or None}
    # async, with one trip to the thread pool for the database work and the JSON: a sync endpoint with a session
    # dependency makes three (sign-in, session, endpoint), each a hand-over between the event loop and a thread
    return await run_in_threadpool(_test_page, request.app.state.store, principal, filters, limit, offset, after,
                                   with_total)


def _test_page(store, principal: Principal, filters, limit: int, offset: int, after: int | None,
               with_total: bool) -> FastJSON:
    with store.session() as db:
        return FastJSON(listing(db, "test", principal, equal=filters, limit=limit, offset=offset, after=after,
                                with_total=with_total))


@router.get("/tests/{test_id}", tags=["tests"])
async def get_test(test_id: RecordId, request: Request, principal: Principal = Depends(current_principal)):
    return await run_in_threadpool(_test_detail, request.app.state.store, principal, test_id)


def _test_detail(store, principal: Principal, test_id: int) -> FastJSON:
    with store.session() as db:
        row = access.fetch_row(db, "test", test_id, principal, via="api")
        return FastJSON({**test_view(row, org_names(db)), **access.grants(db, "test", test_id)})


@router.get("/tests/{test_id}/cycles", tags=["tests"])
def test_cycles(test_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                db: Session = Depends(db_session)):
    """Per-cycle summary (capacities, energies, efficiency) of a stored test."""
    from cellbench.analysis.cycles import summarize

    row = access.fetch(db, "test", test_id, principal, via="api", action="read cycles")
    return summarize(request.app.state.store.load(row.id)).to_json()


@router.get("/tests/{test_id}/figures", tags=["tests"])
def test_figures(test_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                 db: Session = Depends(db_session)):
    """Plotly figures: voltage–capacity per cycle, capacity fade, dQ/dV."""
    from cellbench.analysis.plots import test_figures as figures

    row = access.fetch(db, "test", test_id, principal, via="api", action="read figures")
    return figures(request.app.state.store.load(row.id))


@router.get("/tests/{test_id}/download", tags=["tests"], response_class=StreamingResponse,
            responses={200: {"content": {"application/vnd.apache.parquet": {}, "text/csv": {}}}})
def download_test(test_id: RecordId, request: Request, format: Literal["parquet", "bdf-csv"] = "parquet",  # noqa: A002
                  principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    """The time series as Parquet (metadata in the key-value metadata) or Battery Data Format CSV."""
    row = access.fetch(db, "test", test_id, principal, via="api", action=f"download {format}")
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


@router.put("/tests/{test_id}/access", tags=["tests"])
def change_test_access(test_id: RecordId, change: AccessChange, principal: Principal = Depends(current_principal),
                       db: Session = Depends(db_session)):
    return change_access(db, "test", test_id, principal, change)


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
@router.get("/materials", tags=["materials"])
def list_materials(limit: int = Limit, offset: int = Offset, after: int | None = After, with_total: bool = WithTotal,
                   principal: Principal = Depends(current_principal),
                   db: Session = Depends(db_session)):
    return FastJSON(listing(db, "material", principal, limit=limit, offset=offset, after=after,
                            with_total=with_total))


@router.post("/materials", tags=["materials"], status_code=201)
def create_material(body: MaterialIn, principal: Principal = Depends(current_principal),
                    db: Session = Depends(db_session)):
    row = samples.create_material(db, principal, provider=body.provider, datasheet=body.datasheet)
    return material_view(row, org_names(db))


@router.get("/materials/{material_id}", tags=["materials"])
def get_material(material_id: RecordId, principal: Principal = Depends(current_principal),
                 db: Session = Depends(db_session)):
    row = access.fetch(db, "material", material_id, principal, via="api")
    return {**material_view(row, org_names(db)), **access.grants(db, "material", material_id),
            "attachments": [attachment_view(a) for a in samples.attachments(db, "material", material_id)]}


@router.put("/materials/{material_id}/access", tags=["materials"])
def change_material_access(material_id: RecordId, change: AccessChange, principal: Principal = Depends(current_principal),
                           db: Session = Depends(db_session)):
    return change_access(db, "material", material_id, principal, change)


@router.get("/samples", tags=["materials"])
def list_samples(limit: int = Limit, offset: int = Offset, after: int | None = After, with_total: bool = WithTotal,
                 principal: Principal = Depends(current_principal),
                 db: Session = Depends(db_session)):
    return FastJSON(listing(db, "sample", principal, limit=limit, offset=offset, after=after,
                            with_total=with_total))


@router.post("/samples", tags=["materials"], status_code=201)
def create_sample(body: SampleIn, principal: Principal = Depends(current_principal),
                  db: Session = Depends(db_session)):
    row = samples.create_sample(db, principal, material_id=body.material_id, lot=body.lot,
                                quantity_g=body.quantity_g, notes=body.notes, submit_to=body.submit_to)
    return sample_view(row, org_names(db))


@router.get("/samples/{sample_id}", tags=["materials"])
def get_sample(sample_id: RecordId, principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    row = access.fetch(db, "sample", sample_id, principal, via="api")
    return {**sample_view(row, org_names(db)), **access.grants(db, "sample", sample_id),
            "attachments": [attachment_view(a) for a in samples.attachments(db, "sample", sample_id)]}


@router.put("/samples/{sample_id}/access", tags=["materials"])
def change_sample_access(sample_id: RecordId, change: AccessChange, principal: Principal = Depends(current_principal),
                         db: Session = Depends(db_session)):
    return change_access(db, "sample", sample_id, principal, change)


def attachment_view(row: Attachment) -> dict[str, Any]:
    return {"id": row.id, "filename": row.filename, "size_bytes": row.size_bytes, "media_type": row.media_type,
            "sha256": row.content_sha256}


@router.post("/{kind}s/{record_id}/attachments", tags=["materials"], status_code=201)
def add_attachment(kind: Literal["material", "sample"], record_id: RecordId, request: Request,
                   file: UploadFile = File(...), principal: Principal = Depends(current_principal),
                   db: Session = Depends(db_session)):
    """Attach a file (datasheet PDF, XRD pattern...) to your material or sample."""
    row = access.fetch(db, kind, record_id, principal, via="api", action="attach")
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
    access.fetch(db, kind, record_id, principal, via="api", action="download attachment")
    row = db.get(Attachment, attachment_id)
    if row is None or row.record_kind != kind or row.record_id != record_id:
        raise NotFound(f"no attachment {attachment_id} on {kind} {record_id}")
    return FileResponse(request.app.state.store.data_dir / "attachments" / row.content_sha256,
                        filename=row.filename, media_type=row.media_type, headers=NO_SNIFF)


# -- evaluations -------------------------------------------------------------------------------------------------
@router.get("/evaluations", tags=["evaluations"])
def list_evaluations(limit: int = Limit, offset: int = Offset, after: int | None = After, with_total: bool = WithTotal,
                     principal: Principal = Depends(current_principal),
                     db: Session = Depends(db_session)):
    return FastJSON(listing(db, "evaluation", principal, limit=limit, offset=offset, after=after,
                            with_total=with_total))


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


@router.get("/evaluations/{evaluation_id}", tags=["evaluations"])
def get_evaluation(evaluation_id: RecordId, principal: Principal = Depends(current_principal),
                   db: Session = Depends(db_session)):
    row = access.fetch(db, "evaluation", evaluation_id, principal, via="api")
    return {**evaluation_view(row, org_names(db)), **access.grants(db, "evaluation", evaluation_id)}


@router.get("/evaluations/{evaluation_id}/results", tags=["evaluations"])
def evaluation_results(evaluation_id: RecordId, principal: Principal = Depends(current_principal),
                       db: Session = Depends(db_session)):
    """results.json of a finished evaluation."""
    row = access.fetch(db, "evaluation", evaluation_id, principal, via="api", action="read results")
    if not row.results_json:
        raise InputError(f"evaluation {evaluation_id} has no results yet (status: {row.status})")
    return json.loads(row.results_json)


@router.get("/evaluations/{evaluation_id}/report", tags=["evaluations"], response_class=HTMLResponse)
def evaluation_report(evaluation_id: RecordId, principal: Principal = Depends(current_principal),
                      db: Session = Depends(db_session)):
    """The HTML report of a finished evaluation."""
    row = access.fetch(db, "evaluation", evaluation_id, principal, via="api", action="read report")
    # The report carries its own scripts (Plotly); sandboxed, they run without this site's origin.
    return FileResponse(evaluations.report_file(row), media_type="text/html",
                        headers={**NO_SNIFF, "Content-Security-Policy": "sandbox allow-scripts"})


@router.put("/evaluations/{evaluation_id}/access", tags=["evaluations"])
def change_evaluation_access(evaluation_id: RecordId, change: AccessChange,
                             principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    return change_access(db, "evaluation", evaluation_id, principal, change)
