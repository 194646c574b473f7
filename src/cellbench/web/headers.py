"""Security headers on every answer, and whether a request came over TLS (directly or through a named proxy).

Pages load scripts only from this site (``script-src 'self'``: no inline script, no ``eval``; the plots are drawn by
``/static/plots.js`` from JSON in data attributes or from the API), are never framed by another site, send no
full URL to other sites and are never sniffed into another type. An answer that sets its own
Content-Security-Policy (the sandboxed evaluation report, the API documentation) keeps it.

Styles allow ``'unsafe-inline'``: plotly.js and htmx set element styles from script; no user text reaches a style.

>>> headers = dict(security_headers(secure=True))
>>> "frame-ancestors 'none'" in headers["content-security-policy"], headers["x-frame-options"]
(True, 'DENY')
>>> "strict-transport-security" in dict(security_headers(secure=False))
False
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
BASE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000"


def security_headers(*, secure: bool) -> list[tuple[str, str]]:
    """The headers every answer carries (HSTS only on answers that went over TLS)."""
    headers = list(BASE_HEADERS.items())
    if secure:
        headers.append(("strict-transport-security", HSTS))
    return headers


def came_over_tls(scope) -> bool:
    """True when the request reached the server over TLS, or through a trusted proxy that says so.

    The proxy's ``X-Forwarded-Proto`` is believed only from the addresses the operator names
    (``cellbench serve --trusted-proxy``): :class:`uvicorn.middleware.proxy_headers.ProxyHeadersMiddleware`
    rewrites the scheme for those, in front of this check.
    """
    return scope.get("scheme") in ("https", "wss")


class SecurityHeaders:
    """ASGI middleware adding :func:`security_headers` to every HTTP answer that does not set them itself."""

    def __init__(self, app):
        self.app = app
        # encoded once: the headers of an answer over TLS and of one without
        self._extra = {secure: [(k.encode(), v.encode()) for k, v in security_headers(secure=secure)]
                       for secure in (True, False)}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._extra[came_over_tls(scope)]

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                present = {k.lower() for k, _ in headers}
                message = {**message, "headers": [*headers, *((k, v) for k, v in extra if k not in present)]}
            await send(message)

        await self.app(scope, receive, with_headers)
