"""Request authentication for the API and the pages: bearer API tokens or a session cookie with CSRF checks.

- ``Authorization: Bearer cbt_...`` (scripts): no cookie, so no CSRF risk and no CSRF token needed.
- The ``cellbench_session`` cookie (browsers; HttpOnly, SameSite=Lax): every state-changing request must carry
  the session's CSRF token, in the ``csrf_token`` form field or the ``X-CSRF-Token`` header (htmx sends it).

Anything else is refused: ``401`` on the API, a redirect to ``/login`` on pages.
"""

from __future__ import annotations

import secrets
import time

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from cellbench.errors import AccessDenied
from cellbench.web.identity import Principal, digest, principal_from_session, principal_from_token

SESSION_COOKIE = "cellbench_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

bearer = HTTPBearer(auto_error=False, description="An API token from `cellbench admin token`.")


class NotSignedIn(Exception):
    """No valid token or session: 401 for the API, a redirect to the login page for pages."""


#: how long a looked-up API token is trusted without asking the database again: a revoked token keeps working
#: for at most this long in each server process (and a user's new role or consortium reaches a token's requests
#: as late); sessions are always looked up, so logging out takes effect at once
TOKEN_CACHE_SECONDS = 5.0
_token_cache: dict[tuple[int, str], tuple[float, Principal]] = {}


def _cached_token(store, token: str) -> Principal | None:
    """The principal of a token looked up less than TOKEN_CACHE_SECONDS ago, else None."""
    cached = _token_cache.get((id(store), digest(token)))
    if cached is not None and time.monotonic() - cached[0] < TOKEN_CACHE_SECONDS:
        return cached[1]
    return None


def _lookup(store, token: str | None, cookie: str | None) -> Principal | None:
    with store.session() as db:
        if token is None:
            return principal_from_session(db, cookie) if cookie else None
        found = principal_from_token(db, token)
    if found is not None:
        if len(_token_cache) > 10_000:
            _token_cache.clear()
        _token_cache[(id(store), digest(token))] = (time.monotonic(), found)
    return found


async def current_principal(request: Request,
                            credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
    # The database lookup runs in the thread pool: blocking the event loop here would stall every request,
    # including the ones that must finish to give their pooled connection back.
    token = credentials.credentials if credentials is not None else None
    store = request.app.state.store
    # A token seen a moment ago is answered here on the event loop: a trip to the thread pool costs more than the
    # rest of a small request.
    found = _cached_token(store, token) if token is not None else None
    if found is None:
        found = await run_in_threadpool(_lookup, store, token, request.cookies.get(SESSION_COOKIE))
    if token is not None and found is None:
        raise NotSignedIn("the API token is not valid (revoked or mistyped)")
    if token is not None:
        return found
    if found is None:
        raise NotSignedIn("sign in first: an API token (Authorization: Bearer) or a browser session")
    if request.method not in SAFE_METHODS:
        await check_csrf(request, found)
    return found


async def check_csrf(request: Request, principal: Principal) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, principal.csrf_token or ""):
        raise AccessDenied("the form's CSRF token is missing or stale; reload the page and try again")
