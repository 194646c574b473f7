"""The FastAPI application: ``/api/v1`` (OpenAPI at ``/docs``), server-rendered pages, static files.

>>> from cellbench.web import create_app, WebSettings
>>> import tempfile; folder = tempfile.mkdtemp()
>>> app = create_app(WebSettings(database_url=f"sqlite:///{folder}/cb.db", data_dir=folder))
>>> [path for path in app.openapi()["paths"] if "health" in path]
['/api/v1/health']
"""

from __future__ import annotations

import base64
import gc
import hashlib
import os
import re

from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cellbench.version import version
from cellbench.errors import AccessDenied, CellbenchError, InputError, NotFound
from cellbench.safety import load_catalogue
from cellbench.store import Store
from cellbench.store.records.audit import close_writer
from cellbench.web import api, contract, pages, passports, records, safety, targets
from cellbench.web.deps import error_page
from cellbench.web.auth import NotSignedIn
from cellbench.web.evaluations import EvaluationOptions, EvaluationWorker
from cellbench.web.headers import SecurityHeaders
from cellbench.web.limits import DEFAULT_IDLE_TIMEOUT_S, ENVELOPE_BYTES, BodyLimit
from cellbench.web.overload import LoadShedding
from cellbench.web.throttle import LoginThrottle
from cellbench.web.uploads import DEFAULT_MAX_UPLOAD_MB, UploadTooLarge

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_UPLOAD_MB_ENV = "CELLBENCH_MAX_UPLOAD_MB"
SECURE_COOKIES_ENV = "CELLBENCH_SECURE_COOKIES"
BODY_TIMEOUT_ENV = "CELLBENCH_BODY_TIMEOUT_S"
TRUSTED_PROXIES_ENV = "CELLBENCH_TRUSTED_PROXIES"  # addresses separated by commas
SAFETY_DEFINITIONS_ENV = "CELLBENCH_SAFETY_DEFINITIONS"  # files or folders, separated by os.pathsep
SWAGGER_CDN = "https://cdn.jsdelivr.net"  # where FastAPI's /docs page takes Swagger UI from
REQUEST_THREADS = 12  # the store's pool holds 5 + 10 connections; the audit writer keeps one


@dataclass(frozen=True)
class WebSettings:
    """Where the store is and how the server behaves; ``None`` means the store's own defaults (environment)."""

    database_url: str | None = None
    data_dir: str | Path | None = None
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    # a request body that sends nothing for this long is answered 408 (a stalled or deliberately slow client)
    body_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S
    evaluation: EvaluationOptions = field(default_factory=EvaluationOptions)
    secure_cookies: bool = False  # always mark the session cookie Secure (it is, anyway, on requests over TLS)
    # proxies whose X-Forwarded-Proto/-For are believed (addresses or networks; "*" for any): a request they say
    # came over https gets a Secure cookie and HSTS, and login throttling counts the client's address they give
    trusted_proxies: tuple[str, ...] = ()
    # the platform's own safety test definitions (files or folders), judged against beside the built-in ones
    safety_definitions: tuple[str, ...] = ()

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1e6)

    @property
    def max_body_bytes(self) -> int:
        """The largest request body: the largest upload and room for its multipart envelope and form fields."""
        return self.max_upload_bytes + ENVELOPE_BYTES

    @classmethod
    def from_environment(cls) -> "WebSettings":
        """The settings of a server process started from an import string (``cellbench serve --workers N`` starts
        each worker so): ``$CELLBENCH_MAX_UPLOAD_MB`` and ``$CELLBENCH_SECURE_COOKIES`` (``1``/``true``); the store
        reads ``$CELLBENCH_DATABASE_URL`` and ``$CELLBENCH_DATA_DIR`` itself; ``$CELLBENCH_BODY_TIMEOUT_S`` bounds
        a stalled request body; ``$CELLBENCH_SAFETY_DEFINITIONS`` names
        the platform's own safety test definitions (paths separated by ``os.pathsep``).

        >>> import os; os.environ[MAX_UPLOAD_MB_ENV] = "20"
        >>> WebSettings.from_environment().max_upload_mb
        20.0
        >>> del os.environ[MAX_UPLOAD_MB_ENV]
        """
        max_upload_mb = _number_from(MAX_UPLOAD_MB_ENV, DEFAULT_MAX_UPLOAD_MB, "megabytes")
        body_timeout_s = _number_from(BODY_TIMEOUT_ENV, DEFAULT_IDLE_TIMEOUT_S, "seconds")
        secure = os.environ.get(SECURE_COOKIES_ENV, "").strip().lower()
        if secure not in ("", "0", "1", "false", "true"):
            raise InputError(f"expected 1, 0, true or false, not '{secure}'", source=SECURE_COOKIES_ENV)
        definitions = tuple(p for p in os.environ.get(SAFETY_DEFINITIONS_ENV, "").split(os.pathsep) if p.strip())
        proxies = tuple(p.strip() for p in os.environ.get(TRUSTED_PROXIES_ENV, "").split(",") if p.strip())
        return cls(max_upload_mb=max_upload_mb, body_timeout_s=body_timeout_s, secure_cookies=secure in ("1", "true"),
                   safety_definitions=definitions, trusted_proxies=proxies)


def _number_from(variable: str, default: float, unit: str) -> float:
    text = os.environ.get(variable, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        raise InputError(f"expected a number of {unit}, not '{text}'", source=variable) from None
    if not value > 0:
        raise InputError(f"expected a positive number of {unit}, not '{text}'", source=variable)
    return value


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def create_app(settings: WebSettings | None = None, *, store: Store | None = None,
               worker: EvaluationWorker | None = None) -> FastAPI:
    """The app over a store (opened from ``settings`` unless given); evaluations run in ``worker``.
    Without ``settings``, they come from the environment (:meth:`WebSettings.from_environment`)."""
    settings = settings or WebSettings.from_environment()
    store = store or Store.open(settings.database_url, data_dir=settings.data_dir)
    worker = worker or EvaluationWorker(store, settings.evaluation)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Fewer request threads than pooled database connections: a request never waits for a connection that
        # only another waiting request could give back.
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        worker.resume()
        # partial files and orphan blobs that a killed ingest or upload left (under the store's lock)
        await anyio.to_thread.run_sync(store.sweep)
        # Everything imported so far (PyBaMM, Pydantic models, SQLAlchemy) lives as long as the server: move it out
        # of the garbage collector's sight so full collections stop pausing requests for tens of milliseconds.
        gc.collect()
        gc.freeze()
        # a request allocates thousands of short-lived objects (rows, dicts): collect young objects less often
        gc.set_threshold(20_000, 20, 20)
        yield
        worker.shutdown()
        close_writer(store.engine)

    app = FastAPI(title="cellbench", version=version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Open evaluation bench for battery materials and cells: stored tests, materials, "
                              "samples and evaluations, with access tiers per record.")
    app.state.store, app.state.settings, app.state.worker = store, settings, worker
    app.state.login_throttle = LoginThrottle(store)
    # refused at start-up, not at the first submission, when a definition file is wrong
    app.state.safety_catalogue = load_catalogue(list(settings.safety_definitions))
    # list, read and access of every record kind, from the registry: first, as the routes most requested (a request
    # is matched against the routes in order)
    app.include_router(records.api_router)
    app.include_router(api.router)
    app.include_router(safety.api_router)
    app.include_router(safety.page_router)
    app.include_router(passports.page_router)
    app.include_router(records.page_router)
    app.include_router(targets.page_router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_js():
        return FileResponse(_plotly_js(), media_type="text/javascript")

    @app.get("/docs", include_in_schema=False)
    def api_documentation():
        return _swagger_page()

    _error_handlers(app)
    contract.install(app)
    # outermost last: the proxy's word on scheme and client first, then headers on every answer (refusals too)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, idle_timeout_s=settings.body_timeout_s)
    app.add_middleware(LoadShedding)  # past its bound of requests in progress, 503 + Retry-After at once
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app


def _swagger_page() -> HTMLResponse:
    """FastAPI's Swagger UI page, with a policy that allows its CDN files and its one inline script by hash."""
    page = get_swagger_ui_html(openapi_url="/openapi.json", title="cellbench API")
    inline = re.findall(rb"<script>(.*?)</script>", page.body, flags=re.DOTALL)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'" for s in inline)
    policy = (f"default-src 'self'; script-src 'self' {SWAGGER_CDN} {hashes}; style-src 'self' {SWAGGER_CDN}; "
              "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; "
              "base-uri 'none'; frame-ancestors 'none'")
    return HTMLResponse(page.body, headers={"Content-Security-Policy": policy})


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _error_handlers(app: FastAPI) -> None:
    def answer(request: Request, status: int, message: str):
        if _wants_html(request):
            return error_page(request, status, message)
        return JSONResponse({"detail": message}, status_code=status)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn):
        if _wants_html(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return answer(request, 404, str(exc))

    @app.exception_handler(AccessDenied)
    async def denied(request: Request, exc: AccessDenied):
        return answer(request, 403, str(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError):
        return answer(request, 422, str(exc))

    @app.exception_handler(UploadTooLarge)
    async def too_large(request: Request, exc: UploadTooLarge):
        return answer(request, 413, str(exc))

    @app.exception_handler(CellbenchError)
    async def failed(request: Request, exc: CellbenchError):
        return answer(request, 500, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return answer(request, 422, problems or "invalid request")
