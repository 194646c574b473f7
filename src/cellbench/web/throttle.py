"""Login throttling: failed sign-ins counted per account and per client address over a sliding window.

After ``per_account`` failures for one e-mail (whether or not such a user exists, so the answer reveals nothing) or
``per_address`` failures from one address within ``window_s``, further attempts are refused with 429 until the
oldest failure leaves the window, even with the right password: otherwise guessing would just continue. A
successful sign-in clears its account's count. Counts live in each server process (``serve --workers N`` lets
an attacker N times the attempts, still a few per minute instead of thousands).

>>> now = [0.0]
>>> throttle = LoginThrottle(per_account=3, per_address=10, window_s=60, clock=lambda: now[0])
>>> for _ in range(3): throttle.failed("ada@acme.example", "10.0.0.7")
>>> throttle.retry_after("ADA@acme.example", "10.0.0.8")
60.0
>>> now[0] = 61.0; throttle.retry_after("ada@acme.example", "10.0.0.8") is None
True
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable

MAX_KEYS = 100_000  # beyond this many accounts and addresses, the oldest are forgotten (memory stays bounded)


class LoginThrottle:
    """Sliding-window counts of failed sign-ins (see the module docstring)."""

    def __init__(self, *, per_account: int = 5, per_address: int = 30, window_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic):
        self.per_account, self.per_address, self.window_s = per_account, per_address, window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, email: str, address: str | None) -> float | None:
        """Seconds until a sign-in for ``email`` from ``address`` may be tried again; None when it may now."""
        now = self._clock()
        waits = []
        with self._lock:
            for key, limit in ((_account(email), self.per_account), (_address(address), self.per_address)):
                times = self._recent(key, now)
                if times is not None and len(times) >= limit:
                    waits.append(times[-limit] + self.window_s - now)
        return max(waits) if waits else None

    def failed(self, email: str, address: str | None) -> None:
        now = self._clock()
        with self._lock:
            for key in (_account(email), _address(address)):
                times = self._recent(key, now)
                if times is None:
                    if len(self._failures) >= MAX_KEYS:
                        self._failures.pop(next(iter(self._failures)))
                    times = self._failures[key] = deque()
                times.append(now)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(_account(email), None)

    def _recent(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times


def _account(email: str) -> str:
    return "account:" + email.strip().lower()


def _address(address: str | None) -> str:
    return "address:" + (address or "unknown")
