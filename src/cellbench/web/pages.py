"""Server-rendered pages (Jinja2 + htmx): log in, dashboard, materials and samples, cells, tests, evaluations, audit.

Pages call the same functions as the API (the store's read rule :mod:`cellbench.store.records`, ``samples``,
``uploads``, ``evaluations``), so a rule holds in both or in neither; the access form and the audit page of every
record kind are in :mod:`cellbench.web.records`. Forms carry the session's CSRF token.
"""

from __future__ import annotations

import json
import math
import mimetypes
from pathlib import Path

import yaml
from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench.errors import InputError
from cellbench.store.models import Organisation, Test
from cellbench.store.platform import EvaluationRun, PlatformMaterial, Sample
from cellbench.store.records.grants import grants
from cellbench.store.records.listing import listing, org_names
from cellbench.store.records.registry import evaluation_view, material_view, sample_view, stored_test_view
from cellbench.store.records.rule import fetch, visible
from cellbench.web import api, samples, uploads
from cellbench.web.auth import SESSION_COOKIE
from cellbench.web.deps import RecordId, current_principal, db_session, render, see
from cellbench.web.identity import Principal, check_password, close_session, open_session
from cellbench.web.safety import sample_safety_rows
from cellbench.web.targets import intake_view

router = APIRouter(include_in_schema=False)
EXAMPLE_DATASHEET = (Path(__file__).resolve().parent / "example_datasheet.yaml")


# -- sign in ---------------------------------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/"):  # noqa: A002
    return render(request, "login.html", None, next=next if next.startswith("/") else "/")


@router.post("/login")
def login(request: Request, email: str = Form(...), password: str = Form(...), next: str = Form("/")):  # noqa: A002
    store, throttle = request.app.state.store, request.app.state.login_throttle
    address = request.client.host if request.client else None  # the proxy's word for it only from a trusted proxy
    wait = throttle.retry_after(email, address)
    if wait is not None:  # refused before the password is looked at, right or wrong
        minutes = max(1, math.ceil(wait / 60))
        response = render(request, "login.html", None, status=429, next=next, email=email,
                          error=f"Too many failed sign-ins. Try again in {minutes} minute{'s' * (minutes > 1)}.")
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    with store.session() as db:
        user = check_password(db, email, password)
        cookie = open_session(db, user)[0] if user is not None else None
    if cookie is None:
        throttle.failed(email, address)
        return render(request, "login.html", None, status=401, next=next, email=email,
                      error="Wrong e-mail or password.")
    throttle.succeeded(email)
    response = see(next if next.startswith("/") and not next.startswith("//") else "/")
    # Secure when asked for, and always on a request that came over TLS (directly or through a trusted proxy)
    secure = request.app.state.settings.secure_cookies or request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="lax", secure=secure, max_age=12 * 3600)
    return response


@router.post("/logout")
def logout(request: Request, principal: Principal = Depends(current_principal)):
    with request.app.state.store.session() as db:
        close_session(db, request.cookies.get(SESSION_COOKIE, ""))
    response = see("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- dashboard -------------------------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, principal: Principal = Depends(current_principal),
              db: Session = Depends(db_session)):
    tests = listing(db, "test", principal, limit=10, offset=0, with_total=True)
    runs = listing(db, "evaluation", principal, limit=10, offset=0)
    return render(request, "dashboard.html", principal, tests=tests, runs=runs)


# -- materials and samples -----------------------------------------------------------------------------------
@router.get("/materials", response_class=HTMLResponse)
def materials_page(request: Request, principal: Principal = Depends(current_principal),
                   db: Session = Depends(db_session)):
    return render(request, "materials.html", principal,
                  materials=listing(db, "material", principal, limit=200, offset=0),
                  samples=listing(db, "sample", principal, limit=200, offset=0),
                  example=EXAMPLE_DATASHEET.read_text())


@router.post("/materials")
def materials_submit(request: Request, provider: str = Form(""), datasheet: str = Form(...),
                     files: list[UploadFile] | None = None, principal: Principal = Depends(current_principal),
                     db: Session = Depends(db_session)):
    try:
        fields = yaml.safe_load(datasheet)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(f"the datasheet is not valid YAML ({getattr(exc, 'problem', exc)})", source="datasheet",
                         location=where) from None
    row = samples.create_material(db, principal, provider=provider, datasheet=fields)
    _attach_all(request, db, "material", row.id, files)
    return see(f"/materials/{row.id}")


def _attach_all(request: Request, db: Session, kind: str, record_id: int, files: list[UploadFile] | None) -> None:
    for upload in files or []:
        if not upload.filename:
            continue  # an empty file input in the form
        name, size, sha = uploads.save_attachment(request.app.state.store, upload.file, upload.filename,
                                                  max_bytes=request.app.state.settings.max_upload_bytes)
        samples.attach(db, kind, record_id, name, size, sha, mimetypes.guess_type(name)[0] or "application/octet-stream")


@router.get("/materials/{material_id}", response_class=HTMLResponse)
def material_page(material_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                  db: Session = Depends(db_session)):
    row = fetch(db, "material", material_id, principal, via="web")
    orgs = org_names(db)
    own_samples = db.scalars(select(Sample).where(Sample.material_id == row.id, visible("sample", principal))
                             .order_by(Sample.id)).all()
    return render(request, "material.html", principal, material=material_view(row, orgs),
                  datasheet_yaml=yaml.safe_dump(json.loads(row.datasheet_json), sort_keys=False, allow_unicode=True),
                  samples=[sample_view(s, orgs) for s in own_samples], kind="material", record_id=row.id,
                  grants=grants(db, "material", row.id), owner=row.owner_organisation_id == principal.organisation_id,
                  attachments=samples.attachments(db, "material", row.id),
                  centres=_other_organisations(db, principal),
                  intake=intake_view(samples.material_record(row), samples.attachments(db, "material", row.id),
                                     request.app.state.store.data_dir))


def _other_organisations(db: Session, principal: Principal) -> list[str]:
    return [n for n in db.scalars(select(Organisation.name).order_by(Organisation.name)) if n != principal.organisation]


@router.post("/samples")
def samples_submit(request: Request, material_id: int = Form(..., ge=1, le=2_147_483_647), lot: str = Form(...), quantity_g: str = Form(""),
                   notes: str = Form(""), submit_to: str = Form(""), files: list[UploadFile] | None = None,
                   principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    try:
        quantity = float(quantity_g) if quantity_g.strip() else None
    except ValueError:
        raise InputError(f"'{quantity_g}' is not a number of grams", location="quantity_g") from None
    row = samples.create_sample(db, principal, material_id=material_id, lot=lot, quantity_g=quantity, notes=notes,
                                submit_to=submit_to or None)
    _attach_all(request, db, "sample", row.id, files)
    return see(f"/samples/{row.id}")


@router.get("/samples/{sample_id}", response_class=HTMLResponse)
def sample_page(sample_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                db: Session = Depends(db_session)):
    from cellbench import cells

    row = fetch(db, "sample", sample_id, principal, via="web")
    orgs = org_names(db)
    material = db.get(PlatformMaterial, row.material_id)
    runs = db.scalars(select(EvaluationRun).where(EvaluationRun.sample_id == row.id,
                                                  visible("evaluation", principal))
                      .order_by(EvaluationRun.id.desc())).all()
    return render(request, "sample.html", principal, sample=sample_view(row, orgs), material=material,
                  runs=[evaluation_view(r, orgs) for r in runs], cells=cells.list_cells(), kind="sample",
                  record_id=row.id, grants=grants(db, "sample", row.id),
                  owner=row.owner_organisation_id == principal.organisation_id,
                  attachments=samples.attachments(db, "sample", row.id),
                  safety_records=sample_safety_rows(db, row.id, principal))


# -- cells -----------------------------------------------------------------------------------------------------------
@router.get("/cells", response_class=HTMLResponse)
def cells_page(request: Request, principal: Principal = Depends(current_principal)):
    return render(request, "cells.html", principal, cells=api.list_cells(principal)["items"])


@router.get("/cells/{cell_id}", response_class=HTMLResponse)
def cell_page(cell_id: str, request: Request, principal: Principal = Depends(current_principal)):
    return render(request, "cell.html", principal, cell=api.get_cell(cell_id, principal))


# -- tests ---------------------------------------------------------------------------------------------------------
@router.get("/tests", response_class=HTMLResponse)
def tests_page(request: Request, cell_id: str = "", vendor: str = "", outcome: str = "", page: int = 0,
               principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    filters = [c for c in (Test.cell_id == cell_id if cell_id else None, Test.vendor == vendor if vendor else None,
                           Test.outcome == outcome if outcome else None) if c is not None]
    page_of_tests = listing(db, "test", principal, filters=filters, limit=50, offset=max(page, 0) * 50,
                            with_total=True)
    return render(request, "tests.html", principal, tests=page_of_tests, cell_id=cell_id, vendor=vendor, outcome=outcome,
                  page=max(page, 0), max_upload_mb=request.app.state.settings.max_upload_mb,
                  accepted=", ".join(uploads.CYCLER_SUFFIXES) + ", Maccor .001…")


@router.post("/tests/upload")
def tests_upload(request: Request, file: UploadFile, principal: Principal = Depends(current_principal)):
    result = uploads.ingest_upload(request.app.state.store, file.file, file.filename, principal.organisation,
                                   max_bytes=request.app.state.settings.max_upload_bytes)
    if result.status == "failed":
        raise InputError(result.error or "the file could not be read", location="file")
    return see(f"/tests/{result.test_id}")


@router.get("/tests/{test_id}", response_class=HTMLResponse)
def test_page(test_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
              db: Session = Depends(db_session)):
    from cellbench.measurements.cycles import summarize

    row = fetch(db, "test", test_id, principal, via="web")
    summary = summarize(request.app.state.store.load(row.id))
    return render(request, "test.html", principal, test=stored_test_view(row, org_names(db)),
                  cycles=summary.cycles.head(200).to_dicts(), cycle_count=summary.cycles.height,
                  warnings=summary.warnings, kind="test", record_id=row.id, grants=grants(db, "test", row.id),
                  owner=row.owner_organisation_id == principal.organisation_id)


# -- evaluations -------------------------------------------------------------------------------------------------
@router.get("/evaluations", response_class=HTMLResponse)
def evaluations_page(request: Request, principal: Principal = Depends(current_principal),
                     db: Session = Depends(db_session)):
    return render(request, "evaluations.html", principal,
                  runs=listing(db, "evaluation", principal, limit=200, offset=0))


@router.post("/evaluations")
def evaluations_start(request: Request, sample_id: int = Form(..., ge=1, le=2_147_483_647), cell_id: str = Form(...),
                      principal: Principal = Depends(current_principal), db: Session = Depends(db_session)):
    run = api.request_evaluation(db, principal, sample_id, cell_id, request)
    return see(f"/evaluations/{run.id}")


@router.get("/evaluations/{evaluation_id}", response_class=HTMLResponse)
def evaluation_page(evaluation_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                    db: Session = Depends(db_session)):
    row = fetch(db, "evaluation", evaluation_id, principal, via="web")
    return render(request, "evaluation.html", principal, run=evaluation_view(row, org_names(db)),
                  kind="evaluation", record_id=row.id, grants=grants(db, "evaluation", row.id),
                  owner=row.owner_organisation_id == principal.organisation_id,
                  results=json.loads(row.results_json) if row.results_json else None)


@router.get("/evaluations/{evaluation_id}/progress", response_class=HTMLResponse)
def evaluation_progress(evaluation_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                        db: Session = Depends(db_session)):
    """The progress fragment htmx polls; it stops polling once the run has finished."""
    row = fetch(db, "evaluation", evaluation_id, principal, via="web", action="read progress")
    return render(request, "_progress.html", principal, run=evaluation_view(row, org_names(db)))
