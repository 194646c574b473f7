"""Shared helpers of the web tests (not a test module)."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

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
