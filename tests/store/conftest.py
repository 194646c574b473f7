"""Every store test runs twice: on SQLite (always) and on PostgreSQL (when CELLBENCH_TEST_POSTGRES_URL is set).

On PostgreSQL each test gets its own schema (dropped afterwards), so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import polars as pl
import pytest

from cellbench.measurements import Measurement, MeasurementMetadata
from cellbench.store import Store
from cellbench.store.config import normalise_database_url

POSTGRES_URL_ENV = "CELLBENCH_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = (f"PostgreSQL half skipped: no server ({POSTGRES_URL_ENV} is not set; "
                        ".ci/run starts one)")


def _postgres_schema_url(base_url: str, schema: str) -> str:
    sep = "&" if "?" in base_url else "?"
    return f"{normalise_database_url(base_url)}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cellbench.db'}"
        return
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(POSTGRES_SKIP_REASON)
    import psycopg

    schema = f"cb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _postgres_schema_url(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(database_url, data_dir):
    with Store.open(database_url, data_dir=data_dir) as opened:
        yield opened


@pytest.fixture(scope="session")
def discharge():
    """Factory of synthetic constant-current discharges (see :func:`make_discharge`). A fixture, because another
    folder's conftest may own the module name `conftest` when the whole suite runs."""
    return make_discharge


def make_discharge(capacity_Ah: float = 1.0, rows: int = 61, *, cell_id: str | None = "cell-A",
              current_A: float = -1.0) -> Measurement:
    """A constant-current discharge lasting capacity/|I| hours, sampled at `rows` evenly spaced points."""
    duration_s = capacity_Ah / abs(current_A) * 3600.0
    time_s = [duration_s * k / (rows - 1) for k in range(rows)]
    data = pl.DataFrame({"test_time_second": time_s,
                         "voltage_volt": [4.2 - 1.2 * k / (rows - 1) for k in range(rows)],
                         "current_ampere": [current_A] * rows})
    return Measurement(data, MeasurementMetadata(vendor="synthetic", file_format="constructed", cell_id=cell_id,
                                                 channel="7"))


def pytest_terminal_summary(terminalreporter):
    """Say it once, plainly, at the end of every run that had no PostgreSQL server."""
    if not os.environ.get(POSTGRES_URL_ENV):
        skipped = [r for r in terminalreporter.stats.get("skipped", []) if POSTGRES_SKIP_REASON in str(r.longrepr)]
        if skipped:
            terminalreporter.write_line(f"store: {POSTGRES_SKIP_REASON} ({len(skipped)} tests ran on SQLite only)")
