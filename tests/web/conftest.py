"""Web platform tests: the app over a fresh store on SQLite (always) and PostgreSQL (when a server is given).

On PostgreSQL each store gets its own schema, dropped afterwards. The ``platform`` factory builds an app with
organisations, users and tokens; requests go through FastAPI's TestClient (no network).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from cellbench.store import Store
from cellbench.web import EvaluationOptions, WebSettings, create_app
from cellbench.web.evaluations import EvaluationWorker
from cellbench.web.identity import create_organisation, create_token, create_user

from web_helpers import PASSWORD, POSTGRES_SKIP_REASON, backend_url


@dataclass
class Platform:
    """An app with its store and a TestClient; helpers to add organisations and signed-in users."""

    app: object
    store: Store
    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)   # e-mail -> API token

    def organisation(self, name: str) -> None:
        with self.store.session() as db:
            create_organisation(db, name)

    def user(self, email: str, organisation: str, role: str = "member") -> dict[str, str]:
        """Create a user and an API token; returns the Authorization header."""
        with self.store.session() as db:
            create_user(db, email, PASSWORD, organisation, role=role)
            self.tokens[email] = create_token(db, email, "tests")
        return self.auth(email)

    def auth(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[email]}"}

    def browser(self, email: str) -> TestClient:
        """A separate client signed in through the login form (session cookie)."""
        client = TestClient(self.app)
        response = client.post("/login", data={"email": email, "password": PASSWORD, "next": "/"},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        return client


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2's cheapest parameters: the tests check who may log in, not how slow guessing is."""
    from argon2 import PasswordHasher, profiles

    from cellbench.web import identity

    saved = identity._hasher, identity._DUMMY_HASH
    identity._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    identity._DUMMY_HASH = identity._hasher.hash("no such user")
    yield
    identity._hasher, identity._DUMMY_HASH = saved


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture
def platform_factory(backend, tmp_path):
    """Build Platform objects on the current backend (closed and dropped afterwards)."""
    made: list[tuple[Platform, object]] = []

    def make(*, max_upload_mb: float = 50.0, runner=None, options: EvaluationOptions | None = None) -> Platform:
        folder = tmp_path / f"platform{len(made)}"
        url, cleanup = backend_url(backend, folder)
        store = Store.open(url, data_dir=folder / "data")
        options = options or EvaluationOptions()
        worker = EvaluationWorker(store, options, runner) if runner else EvaluationWorker(store, options)
        app = create_app(WebSettings(max_upload_mb=max_upload_mb, evaluation=options), store=store, worker=worker)
        client = TestClient(app)
        client.__enter__()
        platform = Platform(app=app, store=store, client=client)
        made.append((platform, cleanup))
        return platform

    yield make
    for platform, cleanup in made:
        platform.client.__exit__(None, None, None)
        platform.store.close()
        cleanup()


def pytest_terminal_summary(terminalreporter):
    """Say once which web tests were skipped for want of PostgreSQL or chromium."""
    reasons = {}
    for report in terminalreporter.stats.get("skipped", []):
        text = str(report.longrepr)
        for key in (POSTGRES_SKIP_REASON, "chromium"):
            if key in text and "tests/web" in text:
                reasons[key] = reasons.get(key, 0) + 1
    for key, count in reasons.items():
        terminalreporter.write_line(f"web: {count} tests skipped: "
                                    f"{key if key != 'chromium' else 'no chromium (apt-get install chromium)'}")
