"""schemathesis against the OpenAPI schema: no generated request, signed in or not, makes the server answer 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from cellbench.web import create_app, WebSettings
from web_helpers import PASSWORD, two_cycles


@pytest.fixture(scope="module")
def api_state(tmp_path_factory):
    from cellbench.web.identity import create_organisation, create_token, create_user

    folder = tmp_path_factory.mktemp("schemathesis")
    app = create_app(WebSettings(database_url=f"sqlite:///{folder / 'cb.db'}", data_dir=folder / "data",
                                 max_upload_mb=1.0))
    store = app.state.store
    with store.session() as db:
        create_organisation(db, "Fuzz Lab")
        create_user(db, "fuzz@lab.example", PASSWORD, "Fuzz Lab", role="org_admin")
        token = create_token(db, "fuzz@lab.example", "schemathesis")
    store.add_measurement(two_cycles(), organisation="Fuzz Lab")  # id 1 exists, so detail routes do real work
    yield app, {"Authorization": f"Bearer {token}"}, schemathesis.openapi.from_asgi("/openapi.json", app)
    store.close()


def operations():
    """Every operation of the schema (loaded from a throwaway app: the schema does not depend on the data)."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="cellbench-schema-")
    app = create_app(WebSettings(database_url=f"sqlite:///{folder}/cb.db", data_dir=folder))
    try:
        return [(r.ok().method.upper(), r.ok().path) for r in
                schemathesis.openapi.from_asgi("/openapi.json", app).get_all_operations()]
    finally:
        app.state.store.close()


@pytest.mark.parametrize("method, path", operations())
def test_no_request_makes_a_server_error(api_state, method, path):
    app, headers, schema = api_state
    operation = next(r.ok() for r in schema.get_all_operations()
                     if r.ok().method.upper() == method and r.ok().path == path)
    seen = []
    try:
        valid_or_not = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                                 operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # an operation with nothing to get wrong (no parameters) has no negative cases
        valid_or_not = operation.as_strategy(GenerationMode.POSITIVE)

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=valid_or_not)
    def check(case) -> None:
        signed_in = case.call(headers={**(case.headers or {}), **headers})
        assert signed_in.status_code < 500, (case.method, case.formatted_path, signed_in.text[:300])
        if not seen:  # once per operation: without a token it is refused (401, or 400/422 for a malformed body)
            anonymous = case.call()
            assert path == "/api/v1/health" or anonymous.status_code in (400, 401, 422), anonymous.status_code
        seen.append(signed_in.status_code)

    try:
        check()
    except Unsatisfiable:
        pytest.skip(f"schemathesis generates no case for {method} {path}")
    assert seen
