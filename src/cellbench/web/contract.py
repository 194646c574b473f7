"""The API's contract: one error body everywhere, every status an operation can answer in its OpenAPI document,
and ``405`` answers whose ``Allow`` lists every method of the path.

The statuses come from what the layers in front of every endpoint do, so they are added to the document by rule
rather than endpoint by endpoint (where one would be forgotten):

- ``401`` every operation but ``/health`` (no token, a revoked one, or no session);
- ``403`` every state-changing operation (a session without its CSRF token; not the owner) and the audit log;
- ``404`` every operation that names a record, in its path or its body (a record you may not read is missing);
- ``422`` every operation with parameters or a body (the field, file, line or column is named);
- ``400``, ``408``, ``413`` every operation with a body (unreadable body, stalled body, body past the limit);
- ``503`` every operation but ``/health`` (the server process is at its bound of requests in progress:
  :mod:`cellbench.web.overload`).

>>> document = {"paths": {"/api/v1/x/{x_id}": {"put": {"parameters": [{"name": "x_id"}], "requestBody": {},
...             "responses": {"200": {"description": "OK"}}}}}, "components": {"schemas": {}}}
>>> sorted(truthful(document)["paths"]["/api/v1/x/{x_id}"]["put"]["responses"])
['200', '400', '401', '403', '404', '408', '413', '422', '503']
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

PUBLIC_PATHS = ("/api/v1/health",)
READS_WITH_403 = ("/api/v1/audit",)
SAFE = ("get", "head", "options")
MEANINGS = {
    400: "The body could not be read (malformed JSON or form, a wrong Content-Length).",
    401: "Not signed in: no API token (Authorization: Bearer), a revoked one, or no session.",
    403: "Not allowed: a browser session without its CSRF token, or a record you may read but not change.",
    404: "No such record, or one you may not read (the same answer, so nothing leaks).",
    408: "The request body stalled (nothing received for the server's body timeout).",
    413: "The request body, or the uploaded file, is larger than the server's limit.",
    422: "Bad input: the message names the field, file, line or column and what was expected.",
    503: "The server is busy (at its bound of requests in progress): try again after Retry-After seconds.",
}


class ErrorBody(BaseModel):
    """Every error the API answers has this shape."""

    detail: str = Field(description="what went wrong and what to do, naming the field, file, line or column")


def truthful(document: dict[str, Any]) -> dict[str, Any]:
    """Add the statuses every operation can answer (see the module docstring), all with :class:`ErrorBody`."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorBody"] = ErrorBody.model_json_schema()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            has_body = "requestBody" in operation
            has_parameters = bool(operation.get("parameters"))
            statuses = set()
            if path not in PUBLIC_PATHS:
                statuses |= {401, 503}
                if method not in SAFE or path in READS_WITH_403:
                    statuses.add(403)
                if "{" in path or has_body:
                    statuses.add(404)
            if has_parameters or has_body:
                statuses.add(422)
            if has_body:
                statuses |= {400, 408, 413}
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses[str(status)] = {"description": MEANINGS[status], "content": error}
            _form_fields_are_absent_not_null(operation, schemas)
    # FastAPI's own validation-error shapes are never answered (errors are ErrorBody): drop them
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document


def _form_fields_are_absent_not_null(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    """An optional form field is left out, never sent as null (a form has no null): say so in the schema.

    FastAPI documents ``arc: UploadFile | None = File(None)`` as "a file or null", and a client that sends the
    text ``null`` in that part is refused; the field is optional (not required), which is the whole truth.
    A file part is also marked ``format: binary``, so that generated clients send it as a file.
    """
    for media, content in operation.get("requestBody", {}).get("content", {}).items():
        if media not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            continue
        ref = content.get("schema", {}).get("$ref", "")
        body = schemas.get(ref.rsplit("/", 1)[-1], content.get("schema", {}))
        for name, field in body.get("properties", {}).items():
            options = [o for o in field.get("anyOf", ()) if o.get("type") != "null"]
            if "anyOf" in field and len(options) == 1:
                rest = {k: v for k, v in field.items() if k != "anyOf"}
                body["properties"][name] = field = {**options[0], **rest}
            # A file part: OpenAPI 3.1 says so with contentMediaType, which generated clients (openapi-python-client
            # 0.29, among others) do not read yet; without the 3.0 spelling they send the file as a text field
            if field.get("type") == "string" and field.get("contentMediaType") == "application/octet-stream":
                field.setdefault("format", "binary")


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` the truthful document, and answer 405 with every method of the path."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful(plain())
        return app.openapi_schema

    app.openapi = openapi

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request.scope))
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code, headers=headers)


def allowed_methods(app: FastAPI, scope) -> list[str]:
    """Every method some route of the app answers on this path (Starlette's own 405 names only the first route's)."""
    probe = {**scope, "method": "\0"}  # a method no route has: routes whose path matches come out PARTIAL
    return sorted(_methods(app.router.routes, probe))


def _methods(routes, probe) -> set[str]:
    methods: set[str] = set()
    for route in routes:
        if route.matches(probe)[0] == Match.NONE:
            continue
        inner = getattr(route, "original_router", None)  # FastAPI keeps included routers nested
        methods |= _methods(inner.routes, probe) if inner is not None else set(getattr(route, "methods", ()) or ())
    return methods
