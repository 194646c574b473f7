"""Load shedding: past a bound on requests in progress, a server process answers ``503`` with ``Retry-After``.

A process that takes more work than its cores can do queues it, and every request then waits behind the queue: at
twice the sustainable rate, answers took tens of seconds (issue 25). Counting the requests in progress and refusing
the ones past ``max_in_flight`` at once keeps the wait of those it accepts to about ``max_in_flight`` times the
time of one request, and tells clients when to come back instead of letting them time out. The liveness check is
never refused (an overloaded server is alive). The count is per process: with ``cellbench serve --workers N`` the
server as a whole holds at most N times as many.

>>> import asyncio
>>> async def slow(scope, receive, send):
...     await asyncio.sleep(0.01)
...     await send({"type": "http.response.start", "status": 200, "headers": []})
...     await send({"type": "http.response.body", "body": b"ok"})
>>> shedding = LoadShedding(slow, max_in_flight=1)
>>> statuses = []
>>> async def send(message):
...     if message["type"] == "http.response.start":
...         statuses.append(message["status"])
>>> async def two_at_once():
...     scope = {"type": "http", "path": "/api/v1/tests"}
...     await asyncio.gather(shedding(scope, None, send), shedding(scope, None, send))
>>> asyncio.run(two_at_once()); sorted(statuses)
[200, 503]
"""

from __future__ import annotations

import json
import os

from cellbench.errors import InputError

MAX_IN_FLIGHT_ENV = "CELLBENCH_MAX_IN_FLIGHT"
#: per process: the request threads (12) busy and three times as many waiting; at about 2-4 ms of CPU a request,
#: an accepted request waits at most some 0.1-0.2 s
DEFAULT_MAX_IN_FLIGHT = 48
RETRY_AFTER_S = 1
NEVER_SHED = ("/api/v1/health",)


def max_in_flight_from_environment() -> int:
    """``$CELLBENCH_MAX_IN_FLIGHT`` (a whole number ≥ 1), else :data:`DEFAULT_MAX_IN_FLIGHT`."""
    text = os.environ.get(MAX_IN_FLIGHT_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_IN_FLIGHT
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"expected a whole number of requests of at least 1, not '{text}'", source=MAX_IN_FLIGHT_ENV)
    return int(text)


class LoadShedding:
    """ASGI middleware: at most ``max_in_flight`` HTTP requests in progress; the rest get 503 and Retry-After."""

    def __init__(self, app, *, max_in_flight: int | None = None, retry_after_s: int = RETRY_AFTER_S):
        self.app = app
        self.max_in_flight = max_in_flight if max_in_flight is not None else max_in_flight_from_environment()
        self.retry_after_s = retry_after_s
        self.in_flight = 0  # one event loop per process: no lock needed
        self.shed = 0
        self._body = json.dumps({"detail": f"the server is busy; try again in {retry_after_s} s "
                                           "(Retry-After)"}).encode()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in NEVER_SHED:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            self.shed += 1
            await send({"type": "http.response.start", "status": 503,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(self._body)).encode()),
                                    (b"retry-after", str(self.retry_after_s).encode())]})
            await send({"type": "http.response.body", "body": self._body})
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
