"""Web platform tests: the app over a fresh store on SQLite (always) and PostgreSQL (when a server is given).

On PostgreSQL each store gets its own schema, dropped afterwards. The ``platform`` factory builds an app with
organisations, users and tokens; requests go through FastAPI's TestClient (no network).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from cellbench.measurements import Measurement, MeasurementMetadata
from cellbench.store import Store
from cellbench.store.config import normalise_database_url
from cellbench.web import EvaluationOptions, WebSettings, create_app
from cellbench.web.evaluations import EvaluationWorker
from cellbench.web.identity import create_organisation, create_token, create_user

POSTGRES_URL_ENV = "CELLBENCH_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = f"web on PostgreSQL skipped: no server ({POSTGRES_URL_ENV} is not set; .ci/run starts one)"
REAL_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"
PASSWORD = "correct horse battery staple"


def _new_postgres_schema(base: str) -> tuple[str, str]:
    import psycopg

    schema = f"cb_web_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    return f"{normalise_database_url(base)}{sep}options=-csearch_path%3D{schema}", schema


def _drop_postgres_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def backend_url(backend: str, folder: Path):
    """(url, cleanup) for a fresh database on ``backend``; skips PostgreSQL without a server."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'cellbench.db'}", lambda: None
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(POSTGRES_SKIP_REASON)
    url, schema = _new_postgres_schema(base)
    return url, lambda: _drop_postgres_schema(base, schema)


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


def csrf_of(client: TestClient) -> str:
    """The CSRF token a signed-in page carries (as a browser would read it from the form)."""
    import re

    page = client.get("/tests").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


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


def two_cycles(capacity_Ah: float = 1.0, *, cell_id: str = "cell-A") -> Measurement:
    """Charge then discharge twice at 1 A, 13 points a half-cycle: capacity_Ah in each direction."""
    seconds = capacity_Ah * 3600.0
    time, voltage, current = [], [], []
    t0 = 0.0
    for _ in range(2):
        for sign, v_from, v_to in ((1.0, 3.0, 4.2), (-1.0, 4.2, 3.0)):
            for k in range(13):
                time.append(t0 + seconds * k / 12)
                voltage.append(v_from + (v_to - v_from) * k / 12)
                current.append(sign)
            t0 += seconds + 1.0
    data = pl.DataFrame({"test_time_second": time, "voltage_volt": voltage, "current_ampere": current})
    return Measurement(data, MeasurementMetadata(vendor="synthetic", file_format="constructed", cell_id=cell_id))


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
