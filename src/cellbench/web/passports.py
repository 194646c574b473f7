"""Battery passports on the platform: list, read at the reader's access level, share.

A passport (:mod:`cellbench.sustainability.passport`) is a record of kind ``passport`` under the same tiers and
audit as every other; its row is written by ``save_passport`` (``cellbench passport ...``). Who may open it goes
by the store's tier and grants; what they then see goes by the EU regulation's access levels:

- members of the owner organisation read everything (``authorities``);
- readers through a named or consortium grant read the ``legitimate_interest`` attributes;
- anyone else who may open it (the ``public`` tier) reads the ``public`` attributes.

The document and the grants say the same thing about sharing: ``save_passport`` writes the grants from the
document's ``shared_with``, and an access change here writes the document's ``access_tier`` and ``shared_with``
in the same commit as the grants. The API (``/api/v1/passports``) and the pages (``/passports``) share these
functions, so a rule holds in both or in neither.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench.store.models import utc_now
from cellbench.store.platform import PassportRecord, RecordGrant
from cellbench.sustainability.batterypass import export_batterypass
from cellbench.sustainability.passport import passport_from_json, set_sharing, view
from cellbench.web import access, api
from cellbench.web.auth import current_principal
from cellbench.web.identity import Principal

api_router = APIRouter(prefix="/api/v1", tags=["passports"])
page_router = APIRouter(include_in_schema=False)


def audience_of(db: Session, row: PassportRecord, principal: Principal) -> str:
    """The EU access level a reader of a passport they may open reads at (owner, grantee or public reader)."""
    if row.owner_organisation_id == principal.organisation_id:
        return "authorities"
    granted = (RecordGrant.organisation_id == principal.organisation_id if row.access_tier == "named" else
               RecordGrant.consortium_id.in_(sorted(principal.consortium_ids)) if row.access_tier == "consortium"
               else None)
    if granted is not None and db.scalar(select(RecordGrant.id).where(
            RecordGrant.record_kind == "passport", RecordGrant.record_id == row.id, granted).limit(1)) is not None:
        return "legitimate_interest"
    return "public"


def passport_detail(db: Session, row: PassportRecord, principal: Principal) -> dict[str, Any]:
    """The list fields, who it is shared with, and the BatteryPass export as far as the reader's level allows."""
    audience = audience_of(db, row, principal)
    passport = passport_from_json(row.document, f"passport {row.id}")
    return {**api.passport_view(row, api.org_names(db)), **access.grants(db, "passport", row.id),
            "audience": audience, "document": view(export_batterypass(passport), audience)}


def change_passport_access(db: Session, record_id: int, principal: Principal, change: api.AccessChange) -> dict[str, Any]:
    """Set a passport's tier and grants (owners only: 404 if hidden, 403 if only shared) and write the same
    sharing into its document, in one commit."""
    row = db.get(PassportRecord, record_id)
    if row is not None:
        # Staged in the session only: set_access checks who asks before it commits, and a refusal rolls it back.
        shared = set_sharing(passport_from_json(row.document, f"passport {row.id}"), change.tier,
                             organisations=change.organisations, consortia=change.consortia)
        row.document = shared.model_dump_json()
        row.updated_at = utc_now()
    # Not flushed before set_access has read (and audited) the record: on SQLite a pending write would hold the
    # database lock the audit writer's own connection waits for.
    with db.no_autoflush:
        return api.change_access(db, "passport", record_id, principal, change)


# -- API ------------------------------------------------------------------------------------------------------------
@api_router.get("/passports")
def list_passports(limit: int = api.Limit, offset: int = api.Offset, with_total: bool = api.WithTotal,
                   principal: Principal = Depends(current_principal), db: Session = Depends(api.db_session)):
    """The battery passports you may open, newest first (public specification figures only)."""
    return api.FastJSON(api.listing(db, "passport", principal, limit=limit, offset=offset, with_total=with_total))


@api_router.get("/passports/{passport_id}")
def get_passport(passport_id: api.RecordId, principal: Principal = Depends(current_principal),
                 db: Session = Depends(api.db_session)):
    """The passport as a BatteryPass document filtered to your access level, named in ``audience``."""
    row = access.fetch(db, "passport", passport_id, principal, via="api")
    return api.FastJSON(passport_detail(db, row, principal))


@api_router.put("/passports/{passport_id}/access")
def change_passport_access_api(passport_id: api.RecordId, change: api.AccessChange,
                               principal: Principal = Depends(current_principal), db: Session = Depends(api.db_session)):
    """Change who may open the passport (owners only); its document's access_tier and shared_with follow."""
    return change_passport_access(db, passport_id, principal, change)


# -- pages ----------------------------------------------------------------------------------------------------------
@page_router.get("/passports", response_class=HTMLResponse)
def passports_page(request: Request, page: int = 0, principal: Principal = Depends(current_principal),
                   db: Session = Depends(api.db_session)):
    from cellbench.web.pages import render

    listing = api.listing(db, "passport", principal, limit=50, offset=max(page, 0) * 50, with_total=True)
    return render(request, "passports.html", principal, passports=listing, page=max(page, 0))


@page_router.get("/passports/{passport_id}", response_class=HTMLResponse)
def passport_page(passport_id: api.RecordId, request: Request, principal: Principal = Depends(current_principal),
                  db: Session = Depends(api.db_session)):
    from cellbench.web.pages import render

    row = access.fetch(db, "passport", passport_id, principal, via="web")
    detail = passport_detail(db, row, principal)
    return render(request, "passport.html", principal, p=detail, kind="passport", record_id=row.id,
                  grants={"organisations": detail["organisations"], "consortia": detail["consortia"]},
                  access_path="/passports", owner=row.owner_organisation_id == principal.organisation_id)


@page_router.post("/passports/{passport_id}/access")
def passport_access_submit(passport_id: api.RecordId, tier: str = Form(...), organisations: str = Form(""),
                           consortia: str = Form(""), principal: Principal = Depends(current_principal),
                           db: Session = Depends(api.db_session)):
    from cellbench.web.pages import access_change_from_form, see

    change_passport_access(db, passport_id, principal, access_change_from_form(tier, organisations, consortia))
    return see(f"/passports/{passport_id}")
