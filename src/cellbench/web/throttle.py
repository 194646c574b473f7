"""Login throttling: failed sign-ins counted per account and per client address over a sliding window.

After ``per_account`` failures for one e-mail (whether or not such a user exists, so the answer reveals nothing) or
``per_address`` failures from one address within ``window_s``, further attempts are refused with 429 until the
oldest of those failures leaves the window, even with the right password: otherwise guessing would just go on.
A successful sign-in clears its account's count. The failures are rows of the store's ``login_failures`` table
(keyed by the SHA-256 of "account:<e-mail>" or "address:<ip>", never the text), so every server process and
machine on the store counts alike; rows older than the window are deleted as new ones come in.

>>> import tempfile; from datetime import datetime, timedelta, timezone
>>> from cellbench.store import Store
>>> folder = tempfile.mkdtemp()
>>> now = [datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)]
>>> with Store.open(f"sqlite:///{folder}/cb.db", data_dir=folder) as store:
...     throttle = LoginThrottle(store, per_account=3, per_address=10, window_s=60, clock=lambda: now[0])
...     for _ in range(3): throttle.failed("ada@acme.example", "10.0.0.7")
...     locked = throttle.retry_after("ADA@acme.example", "10.0.0.8")
...     now[0] += timedelta(seconds=61)
...     free = throttle.retry_after("ada@acme.example", "10.0.0.8")
>>> locked, free
(60.0, None)
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, select

from cellbench.store import Store
from cellbench.store.models import utc_now
from cellbench.store.platform import LoginFailure


class LoginThrottle:
    """Sliding-window counts of failed sign-ins in the store (see the module docstring)."""

    def __init__(self, store: Store, *, per_account: int = 5, per_address: int = 30, window_s: float = 900.0,
                 clock: Callable[[], datetime] = utc_now):
        self.store = store
        self.per_account, self.per_address, self.window_s = per_account, per_address, window_s
        self._clock = clock

    def retry_after(self, email: str, address: str | None) -> float | None:
        """Seconds until a sign-in for ``email`` from ``address`` may be tried again; None when it may now."""
        now = self._clock()
        since = now - timedelta(seconds=self.window_s)
        waits = []
        with self.store.session() as db:
            for key, limit in ((_account(email), self.per_account), (_address(address), self.per_address)):
                # the limit-th newest failure in the window: the lock lifts when it leaves the window
                oldest_counted = db.scalar(select(LoginFailure.at)
                                           .where(LoginFailure.key_sha256 == key, LoginFailure.at > since)
                                           .order_by(LoginFailure.at.desc()).offset(limit - 1).limit(1))
                if oldest_counted is not None:
                    waits.append((oldest_counted - since).total_seconds())
        return max(waits) if waits else None

    def failed(self, email: str, address: str | None) -> None:
        now = self._clock()
        with self.store.session() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.at <= now - timedelta(seconds=self.window_s)))
            db.add_all([LoginFailure(key_sha256=_account(email), at=now),
                        LoginFailure(key_sha256=_address(address), at=now)])
            db.commit()

    def succeeded(self, email: str) -> None:
        with self.store.session() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.key_sha256 == _account(email)))
            db.commit()


def _account(email: str) -> str:
    return hashlib.sha256(("account:" + email.strip().lower()).encode()).hexdigest()


def _address(address: str | None) -> str:
    return hashlib.sha256(("address:" + (address or "unknown")).encode()).hexdigest()
