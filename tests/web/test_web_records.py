"""The list, read and access routes of every record kind come from the store's registry, one set per kind."""

from __future__ import annotations

from cellbench.store.records import KINDS
from cellbench.web import WebSettings, create_app
from cellbench.web.records import ROUTES, api_router, page_router


def test_every_registered_kind_has_its_generated_routes(tmp_path):
    assert sorted(r.kind for r in ROUTES) == sorted(KINDS)
    api = {(method, route.path): route.name for route in api_router.routes for method in route.methods}
    pages = {(method, route.path) for route in page_router.routes for method in route.methods}
    app = create_app(WebSettings(database_url=f"sqlite:///{tmp_path / 'cb.db'}", data_dir=tmp_path / "data"))
    try:
        document = app.openapi()["paths"]
    finally:
        app.state.store.close()
    for r in ROUTES:
        listed, read = f"/api/v1/{r.path}", f"/api/v1/{r.path}/{{{r.id_name}}}"
        # each operation keeps the name (and so the OpenAPI operation id) it had when written by hand
        assert [api[("GET", listed)], api[("GET", read)], api[("PUT", f"{read}/access")]] == list(r.names), r.kind
        assert ("POST", f"/{r.path}/{{record_id}}/access") in pages, r.kind
        assert document[listed]["get"]["operationId"].startswith(r.names[0]), r.kind
        assert document[f"{read}/access"]["put"]["requestBody"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/AccessChange"}
    assert [p["name"] for p in document["/api/v1/tests"]["get"]["parameters"]] == [
        "cell_id", "outcome", "vendor", "limit", "offset", "after", "with_total"]
    assert [p["name"] for p in document["/api/v1/passports"]["get"]["parameters"]] == ["limit", "offset", "with_total"]
