"""Battery passports on the platform: read at the reader's access level, pages.

A passport (:mod:`cellbench.sustainability.passport`) is a record of kind ``passport`` under the same tiers and
audit as every other (:mod:`cellbench.store.records.passports`): its list, read and access routes are those of
every kind (:mod:`cellbench.web.records`), with :func:`passport_detail` as what a read answers. Who may open it
goes by the store's tier and grants; what they then see goes by the EU regulation's access levels:

- members of the owner organisation read everything (``authorities``);
- readers through a named or consortium grant read the ``legitimate_interest`` attributes;
- anyone else who may open it (the ``public`` tier) reads the ``public`` attributes.

An access change writes the document's ``access_tier`` and ``shared_with`` in the same commit as the grants
(:func:`cellbench.store.records.passports.set_passport_access`), in the API and on the pages alike.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cellbench.store.records.grants import grants
from cellbench.store.records.listing import listing, org_names
from cellbench.store.records.passports import audience_of
from cellbench.store.records.registry import passport_view
from cellbench.store.records.rule import fetch
from cellbench.sustainability.batterypass import export_batterypass
from cellbench.sustainability.passport import passport_from_json, view
from cellbench.web.deps import RecordId, current_principal, db_session, render
from cellbench.web.identity import Principal

page_router = APIRouter(include_in_schema=False)


def passport_detail(db: Session, row: Any, principal: Principal) -> dict[str, Any]:
    """The list fields, who it is shared with, and the BatteryPass export as far as the reader's level allows."""
    audience = audience_of(db, row, principal)
    passport = passport_from_json(row.document, f"passport {row.id}")
    return {**passport_view(row, org_names(db)), **grants(db, "passport", row.id),
            "audience": audience, "document": view(export_batterypass(passport), audience)}


@page_router.get("/passports", response_class=HTMLResponse)
def passports_page(request: Request, page: int = 0, principal: Principal = Depends(current_principal),
                   db: Session = Depends(db_session)):
    passports = listing(db, "passport", principal, limit=50, offset=max(page, 0) * 50, with_total=True)
    return render(request, "passports.html", principal, passports=passports, page=max(page, 0))


@page_router.get("/passports/{passport_id}", response_class=HTMLResponse)
def passport_page(passport_id: RecordId, request: Request, principal: Principal = Depends(current_principal),
                  db: Session = Depends(db_session)):
    row = fetch(db, "passport", passport_id, principal, via="web")
    detail = passport_detail(db, row, principal)
    return render(request, "passport.html", principal, p=detail, kind="passport", record_id=row.id,
                  grants={"organisations": detail["organisations"], "consortia": detail["consortia"]},
                  access_path="/passports", owner=row.owner_organisation_id == principal.organisation_id)
