"""Bounded request bodies: an ASGI layer in front of everything else, including sign-in.

A request whose declared ``Content-Length`` passes the limit is answered ``413`` before a byte of its body is read
(and before its token or session is looked at, so a client cannot hold a connection by declaring a huge body); a
body without a declared length (chunked) is counted as it arrives and refused as soon as the count passes the
limit. A body that stalls (no bytes for ``idle_timeout_s``) is answered ``408``. Refusals close the connection.

Multipart uploads are parsed by Starlette into temporary files (in memory up to 1 MB, then on disk), never into
memory whole; :mod:`cellbench.web.uploads` then copies them under a cleaned name into a fresh temporary folder.

>>> limit = BodyLimit(None, max_bytes=1000, idle_timeout_s=30)
>>> limit.refusal({"type": "http", "headers": [(b"content-length", b"5000")]})
(413, 'the request body (5000 bytes) is larger than the limit of 1000 bytes')
>>> limit.refusal({"type": "http", "headers": [(b"content-length", b"12")]}) is None
True
"""

from __future__ import annotations

import json
import math
from typing import Any

import anyio

#: room for a multipart envelope and the other form fields around a file of the largest size accepted
ENVELOPE_BYTES = 1 << 20
DEFAULT_IDLE_TIMEOUT_S = 30.0


class _Refused(Exception):
    """Raised inside ``receive`` to stop the application reading a body that is refused."""


class BodyLimit:
    """ASGI middleware: refuse bodies larger than ``max_bytes`` (413) and bodies that stall (408)."""

    def __init__(self, app, *, max_bytes: int, idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S):
        self.app = app
        self.max_bytes = max_bytes
        self.idle_timeout_s = idle_timeout_s

    def refusal(self, scope: dict[str, Any]) -> tuple[int, str] | None:
        """(status, message) when the headers alone decide that the request is refused."""
        lengths = [v for k, v in scope["headers"] if k == b"content-length"]
        if not lengths:
            return None
        text = lengths[0].decode("latin-1").strip()
        if len(set(lengths)) > 1 or not text.isdigit():
            return 400, f"Content-Length must be one whole number of bytes, not '{text}'"
        if int(text) > self.max_bytes:
            return 413, f"the request body ({int(text)} bytes) is larger than the limit of {self.max_bytes} bytes"
        return None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        early = self.refusal(scope)
        if early is not None:
            await _answer(scope, send, *early)
            return
        state: dict[str, Any] = {"received": 0, "body_done": False, "refused": None, "started": False}

        async def bounded_receive():
            if state["refused"] is not None:
                raise _Refused
            if state["body_done"]:
                return await receive()  # waiting for a disconnect after the body: no time limit
            with anyio.move_on_after(self.idle_timeout_s if self.idle_timeout_s > 0 else math.inf) as wait:
                message = await receive()
            if wait.cancelled_caught:
                state["refused"] = (408, f"the request body stalled (nothing received for "
                                         f"{self.idle_timeout_s:g} s)")
                raise _Refused
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.max_bytes:
                    state["refused"] = (413, f"the request body is larger than the limit of {self.max_bytes} bytes")
                    raise _Refused
                state["body_done"] = not message.get("more_body", False)
            return message

        async def guarded_send(message) -> None:
            if state["refused"] is not None and not state["started"]:
                return  # whatever the application made of the interrupted body, the refusal is the answer
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except _Refused:
            pass
        except Exception:
            if state["refused"] is None:
                raise
        if state["refused"] is not None and not state["started"]:
            await _answer(scope, send, *state["refused"])


async def _answer(scope, send, status: int, message: str) -> None:
    """The refusal, in the API's error shape; the connection is closed (the rest of the body is never read)."""
    if scope["path"].startswith("/api/"):
        body, media = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        from html import escape

        body = (f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>"
                f"<p><a href=\"/\">Back</a></p>").encode()
        media = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
