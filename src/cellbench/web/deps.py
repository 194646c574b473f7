"""What the API and the pages share: the database session, sign-in, paging parameters, JSON answers, page
rendering and the access-change body. Every web module takes these from here rather than from another route
module, so route modules import one another in one direction only (``tests/test_import_graph.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Path as PathParam, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from cellbench.store.records.tiers import ACCESS_TIERS, Tier, check_tier
from cellbench.web.auth import current_principal  # noqa: F401  (shared: who asks)
from cellbench.web.identity import Principal

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
TEMPLATES.env.globals["access_tiers"] = ACCESS_TIERS  # the access form offers the store's tiers
#: record ids are 32-bit integers in every database; larger numbers are refused as input, not sent to SQL
RecordId = Annotated[int, PathParam(ge=1, le=2_147_483_647)]
Limit = Query(50, ge=1, le=500)
NO_SNIFF = {"X-Content-Type-Options": "nosniff"}
WithTotal = Query(False, description="also count every record you may read (slower on large stores)")
Offset = Query(0, ge=0, le=10_000_000)
After = Query(None, ge=1, le=2_147_483_647,
              description="keyset paging: the previous page's next_after (the same cost at any depth, unlike offset)")


def db_session(request: Request):
    with request.app.state.store.session() as db:
        yield db


class FastJSON(JSONResponse):
    """JSON straight from plain data (dates as ISO strings) by orjson: FastAPI's generic encoder, or even the
    standard library's, costs more than the database query on a 50-row list."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_iso)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


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


def access_change_from_form(tier: str, organisations: str, consortia: str) -> AccessChange:
    """The access form's fields as the API's body: the tier checked, names split at commas."""
    check_tier(tier)
    names = lambda text: [n.strip() for n in text.split(",") if n.strip()]  # noqa: E731
    return AccessChange(tier=tier, organisations=names(organisations), consortia=names(consortia))  # type: ignore[arg-type]


# -- pages ------------------------------------------------------------------------------------------------------
def render(request: Request, template: str, principal: Principal | None, status: int = 200, **context: Any):
    return TEMPLATES.TemplateResponse(request, template, {"me": principal, **context}, status_code=status)


def error_page(request: Request, status: int, message: str):
    return TEMPLATES.TemplateResponse(request, "error.html", {"me": None, "status": status, "message": message},
                                      status_code=status)


def see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
