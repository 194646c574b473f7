"""The routes every record kind has, generated from the store's registry (:mod:`cellbench.store.records`): list,
read and change who may read (API), the access form (pages), and the audit log of reads.

Each kind declares here only what is its own on the web: its URL segment, the name of its id, its OpenAPI tag and
operation names, the equality filters of its list, and what its read adds to the listed view (grants,
attachments, the judged record, the passport at the reader's level). Reads and lists run in the thread pool in one
hop, with the access rule in their SQL and statements built once (:func:`cellbench.store.records.fetch_row`,
:func:`cellbench.store.records.listing`), answered by orjson.

Operation names and parameters are the API's contract (``tests/web/generated_client``): a kind's routes are the
same operations as when they were written out by hand.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from cellbench.store.records.audit import audit_log
from cellbench.store.records.grants import grants, set_access
from cellbench.store.records.listing import listing, org_names
from cellbench.store.records.passports import set_passport_access
from cellbench.store.records.registry import KINDS
from cellbench.store.records.rule import fetch_row
from cellbench.web import passports, safety, samples
from cellbench.web.deps import (After, AccessChange, FastJSON, Limit, Offset, RecordId, WithTotal,
                                access_change_from_form, current_principal, db_session, render, see)
from cellbench.web.identity import Principal

api_router = APIRouter(prefix="/api/v1")
page_router = APIRouter(include_in_schema=False)

#: what a read answers: (session, kind, row, reader) → the record's JSON
Detail = Callable[[Session, str, Any, Principal], dict[str, Any]]
#: an access change: (session, kind, id, reader, body) → None, committed
Change = Callable[[Session, str, int, Principal, AccessChange], None]


def listed(db: Session, kind: str, row: Any, principal: Principal) -> dict[str, Any]:
    """The record as listed, and who it is shared with."""
    return {**KINDS[kind].view(row, org_names(db)), **grants(db, kind, row.id)}


def with_attachments(db: Session, kind: str, row: Any, principal: Principal) -> dict[str, Any]:
    """As :func:`listed`, with the files attached to it."""
    return {**listed(db, kind, row, principal),
            "attachments": [samples.attachment_view(a) for a in samples.attachments(db, kind, row.id)]}


def set_tier_and_grants(db: Session, kind: str, record_id: int, principal: Principal, change: AccessChange) -> None:
    set_access(db, kind, record_id, principal, change.tier, organisations=change.organisations,
               consortia=change.consortia)


def set_passport_sharing(db: Session, kind: str, record_id: int, principal: Principal, change: AccessChange) -> None:
    set_passport_access(db, record_id, principal, change.tier, organisations=change.organisations,
                        consortia=change.consortia)


def _filter(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


@dataclass(frozen=True)
class KindRoutes:
    """The web side of one record kind (see the module docstring)."""

    kind: str
    path: str                       # /api/v1/<path>, /<path>/{id}/access
    id_name: str                    # the read route's path parameter
    tag: str
    names: tuple[str, str, str]     # list, read, change access: the routes' (and operations') names
    detail: Detail = listed
    change: Change = set_tier_and_grants
    #: query parameters of the list, each an equality condition on the column of its name ("" and None: no filter)
    filters: tuple[inspect.Parameter, ...] = ()
    keyset: bool = True             # the list takes `after`
    docs: tuple[str | None, str | None, str | None] = (None, None, None)


ROUTES: tuple[KindRoutes, ...] = (
    KindRoutes("test", "tests", "test_id", "tests", ("list_tests", "get_test", "change_test_access"),
               filters=(_filter("cell_id", str | None, Query(None, max_length=200)),
                        _filter("outcome", Literal["ok", "failed", "negative"] | None, None),
                        _filter("vendor", str | None, Query(None, max_length=100)))),
    KindRoutes("material", "materials", "material_id", "materials",
               ("list_materials", "get_material", "change_material_access"), detail=with_attachments),
    KindRoutes("sample", "samples", "sample_id", "materials", ("list_samples", "get_sample", "change_sample_access"),
               detail=with_attachments),
    KindRoutes("evaluation", "evaluations", "evaluation_id", "evaluations",
               ("list_evaluations", "get_evaluation", "change_evaluation_access")),
    KindRoutes("safety", "safety-records", "record_id", "safety",
               ("list_safety_records", "get_safety_record", "change_safety_record_access"),
               detail=lambda db, kind, row, principal: safety.detail_view(row, org_names(db)),
               filters=(_filter("status", Literal["pass", "fail", "incomplete"] | None, None),
                        _filter("sample_id", int | None, Query(None, ge=1, le=2_147_483_647))),
               keyset=False),
    KindRoutes("passport", "passports", "passport_id", "passports",
               ("list_passports", "get_passport", "change_passport_access_api"),
               detail=lambda db, kind, row, principal: passports.passport_detail(db, row, principal),
               change=set_passport_sharing, keyset=False,
               docs=("The battery passports you may open, newest first (public specification figures only).",
                     "The passport as a BatteryPass document filtered to your access level, named in ``audience``.",
                     "Change who may open the passport (owners only); its document's access_tier and shared_with "
                     "follow.")),
)


def _signature(*parameters: inspect.Parameter) -> inspect.Signature:
    ordered = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in parameters]
    return inspect.Signature(ordered)


def _param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def _page(store, kind: str, principal: Principal, equal: dict[str, Any], limit: int, offset: int, after: int | None,
          with_total: bool) -> FastJSON:
    with store.session() as db:
        return FastJSON(listing(db, kind, principal, equal=equal, limit=limit, offset=offset, after=after,
                                with_total=with_total))


def _read(store, routes: KindRoutes, principal: Principal, record_id: int) -> FastJSON:
    with store.session() as db:
        row = fetch_row(db, routes.kind, record_id, principal, via="api")
        return FastJSON(routes.detail(db, routes.kind, row, principal))


def _add_routes(routes: KindRoutes) -> None:
    kind = routes.kind
    list_name, read_name, change_name = routes.names
    list_doc, read_doc, change_doc = routes.docs

    # async, with one trip to the thread pool for the database work and the JSON: a sync endpoint with a session
    # dependency makes three (sign-in, session, endpoint), each a hand-over between the event loop and a thread
    async def list_records(request: Request, principal: Principal, limit: int, offset: int, with_total: bool,
                           after: int | None = None, **filters: Any):
        equal = {name: value for name, value in filters.items() if value not in ("", None)}
        return await run_in_threadpool(_page, request.app.state.store, kind, principal, equal, limit, offset, after,
                                       with_total)

    list_records.__signature__ = _signature(  # type: ignore[attr-defined]
        _param("request", Request), *routes.filters, _param("limit", int, Limit), _param("offset", int, Offset),
        *([_param("after", int | None, After)] if routes.keyset else []), _param("with_total", bool, WithTotal),
        _param("principal", Principal, Depends(current_principal)))

    async def read_record(request: Request, principal: Principal, **path: int):
        return await run_in_threadpool(_read, request.app.state.store, routes, principal, path[routes.id_name])

    read_record.__signature__ = _signature(  # type: ignore[attr-defined]
        _param(routes.id_name, RecordId), _param("request", Request),
        _param("principal", Principal, Depends(current_principal)))

    def change_access(change: AccessChange, principal: Principal, db: Session, **path: int) -> dict[str, Any]:
        record_id = path[routes.id_name]
        routes.change(db, kind, record_id, principal, change)
        return {"id": record_id, "tier": change.tier, **grants(db, kind, record_id)}

    change_access.__signature__ = _signature(  # type: ignore[attr-defined]
        _param(routes.id_name, RecordId), _param("change", AccessChange),
        _param("principal", Principal, Depends(current_principal)), _param("db", Session, Depends(db_session)))

    def access_form(record_id: int, tier: str, organisations: str, consortia: str, principal: Principal,
                    db: Session):
        """The access form's fields (comma-separated names) applied to the record; back to its page."""
        routes.change(db, kind, record_id, principal, access_change_from_form(tier, organisations, consortia))
        return see(f"/{routes.path}/{record_id}")

    access_form.__signature__ = _signature(  # type: ignore[attr-defined]
        _param("record_id", RecordId), _param("tier", str, Form(...)), _param("organisations", str, Form("")),
        _param("consortia", str, Form("")), _param("principal", Principal, Depends(current_principal)),
        _param("db", Session, Depends(db_session)))

    for endpoint, name, doc in ((list_records, list_name, list_doc), (read_record, read_name, read_doc),
                                (change_access, change_name, change_doc)):
        endpoint.__name__ = endpoint.__qualname__ = name
        endpoint.__doc__ = doc
    api_router.add_api_route(f"/{routes.path}", list_records, methods=["GET"], tags=[routes.tag], name=list_name)
    api_router.add_api_route(f"/{routes.path}/{{{routes.id_name}}}", read_record, methods=["GET"], tags=[routes.tag],
                             name=read_name)
    api_router.add_api_route(f"/{routes.path}/{{{routes.id_name}}}/access", change_access, methods=["PUT"],
                             tags=[routes.tag], name=change_name)
    page_router.add_api_route(f"/{routes.path}/{{record_id}}/access", access_form, methods=["POST"],
                              name=f"{kind}_access_form")


for _routes in ROUTES:
    _add_routes(_routes)


@api_router.get("/audit", tags=["platform"])
def audit(limit: int = Limit, principal: Principal = Depends(current_principal),
          db: Session = Depends(db_session)) -> dict[str, Any]:
    """Reads of your organisation's non-public records (organisation admins)."""
    return {"entries": audit_log(db, principal, limit=limit)}


@page_router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, principal: Principal = Depends(current_principal),
               db: Session = Depends(db_session)):
    return render(request, "audit.html", principal, entries=audit_log(db, principal, limit=500))
