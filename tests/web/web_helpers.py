"""Shared helpers of the web tests (not a test module)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import polars as pl
import pytest
from fastapi.routing import APIRoute
from real_data import real_file  # noqa: F401  (the web tests take real files from here)

from cellbench.measurements import Measurement, MeasurementMetadata
from cellbench.store.config import normalise_database_url


POSTGRES_URL_ENV = "CELLBENCH_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = f"web on PostgreSQL skipped: no server ({POSTGRES_URL_ENV} is not set; .ci/run starts one)"
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



_PARAM = re.compile(r"\{(\w+)\}")
PARAM_VALUES = {"kind": "material"}


def route_samples(app, values: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(method, concrete path) for every route of the app, path parameters filled in (ids: 1)."""
    values = {**PARAM_VALUES, **(values or {})}
    out = []
    for route in _api_routes(app.routes):
        path = _PARAM.sub(lambda m: values.get(m.group(1), "1"), route.path)
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, path))
    return out


def _api_routes(routes) -> list[APIRoute]:
    """APIRoutes, looking inside included routers (FastAPI keeps them nested)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(_api_routes(route.original_router.routes))
    return found


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




def csrf_of(client) -> str:
    """The CSRF token a signed-in page carries (as a browser would read it from the form)."""
    import re

    page = client.get("/tests").text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
