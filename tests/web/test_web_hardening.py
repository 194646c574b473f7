"""Browser-facing hardening: security headers on every answer, no inline script on any page, user text escaped,
session cookies Secure over TLS (directly or through a proxy the operator names), login throttling."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient

from cellbench.web import WebSettings, create_app
from cellbench.web.identity import create_organisation, create_user
from live_server import serving
from web_helpers import PASSWORD, two_cycles

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
DATASHEET = {"name": "binder", "role": "binder", "density_g_cm3": 1.77, "sources": {"default": "sheet"}}


class _Scripts(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, on* handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.inline, self.handlers, self.js_urls, self._in_script = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") not in ("application/json",):
            self._in_script = True
            self.inline.append("")
        self.handlers += [f"{tag} {k}" for k in attrs if k.startswith("on")]
        self.js_urls += [v for k, v in attrs.items() if k in ("href", "src", "action") and v
                         and v.strip().lower().startswith("javascript:")]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline[-1] += data


@pytest.fixture
def world(platform_factory):
    """One organisation whose records carry hostile text in every field a user writes."""
    platform = platform_factory()
    platform.organisation("Lab")
    headers = platform.user("lab@lab.example", "Lab", role="org_admin")
    client = platform.client
    test_id = platform.store.add_measurement(two_cycles(cell_id=HOSTILE), source=f"/x/{HOSTILE}.csv",
                                             organisation="Lab").test_id
    material = client.post("/api/v1/materials", headers=headers,
                           json={"provider": HOSTILE, "datasheet": {**DATASHEET, "name": HOSTILE}})
    assert material.status_code == 201, material.text
    sample = client.post("/api/v1/samples", headers=headers,
                         json={"material_id": material.json()["id"], "lot": HOSTILE, "notes": HOSTILE})
    assert sample.status_code == 201, sample.text
    pages = ["/", "/tests", f"/tests/{test_id}", "/materials", f"/materials/{material.json()['id']}",
             f"/samples/{sample.json()['id']}", "/cells", "/cells/std-2.1", "/evaluations", "/safety-records",
             "/passports", "/audit", "/targets", "/tests/999999"]
    return platform, headers, pages


def _check_headers(response, path: str) -> None:
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], path
    assert "frame-ancestors 'none'" in csp, path
    assert response.headers.get("x-frame-options") == "DENY", path
    assert response.headers.get("referrer-policy") == "same-origin", path
    assert response.headers.get("x-content-type-options") == "nosniff", path


def test_every_page_has_security_headers_no_inline_script_and_escapes_user_text(world):
    platform, _, pages = world
    browser = platform.browser("lab@lab.example")
    for path in ["/login", *pages]:
        response = browser.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        _check_headers(response, path)
        found = _Scripts()
        found.feed(response.text)
        assert found.inline == [] and found.handlers == [] and found.js_urls == [], path
        assert "<script>alert" not in response.text and "<img src=x" not in response.text, path
    # the hostile text is there, escaped, on the pages that show it
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in browser.get(pages[4]).text


def test_api_answers_static_files_and_refusals_carry_the_headers_too(world):
    platform, headers, _ = world
    for path in ["/api/v1/health", "/api/v1/tests", "/static/htmx.min.js", "/static/plots.js", "/api/v1/tests/0"]:
        _check_headers(platform.client.get(path, headers=headers), path)
    _check_headers(platform.client.get("/api/v1/me"), "/api/v1/me (401)")
    too_big = platform.client.post("/api/v1/tests", headers={**headers, "content-length": str(10**12)})
    assert too_big.status_code == 413
    _check_headers(too_big, "413")


def test_the_api_documentation_allows_only_its_own_inline_script(world):
    platform, _, _ = world
    docs = platform.client.get("/docs")
    assert docs.status_code == 200
    csp = docs.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert re.search(r"'sha256-[A-Za-z0-9+/=]+'", csp) and "frame-ancestors 'none'" in csp
    assert docs.headers["x-frame-options"] == "DENY"


def _platform_over_socket(tmp_path, **settings):
    app = create_app(WebSettings(database_url=f"sqlite:///{tmp_path / 'cb.db'}", data_dir=tmp_path / "data",
                                 **settings))
    with app.state.store.session() as db:
        create_organisation(db, "Lab")
        create_user(db, "lab@lab.example", PASSWORD, "Lab")
    return app


def _login(port: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"http://127.0.0.1:{port}/login", data={"email": "lab@lab.example", "password": PASSWORD},
                      headers=headers or {}, follow_redirects=False, timeout=10)


@pytest.mark.parametrize("trusted", [False, True])
def test_session_cookie_is_secure_behind_a_named_tls_proxy_only(tmp_path, trusted):
    app = _platform_over_socket(tmp_path, trusted_proxies=("127.0.0.1",) if trusted else ())
    with serving(app) as port:
        plain = _login(port)
        forwarded = _login(port, {"X-Forwarded-Proto": "https"})
    app.state.store.close()
    assert plain.status_code == forwarded.status_code == 303
    assert "secure" not in plain.headers["set-cookie"].lower()  # plain http from the client itself
    cookie = forwarded.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    # believed from the proxy the operator named; from anyone else the header is just a header
    assert ("; secure" in cookie) is trusted
    assert ("strict-transport-security" in forwarded.headers) is trusted


def test_session_cookie_is_secure_over_tls_and_when_asked_for(platform_factory, tmp_path):
    app = _platform_over_socket(tmp_path)
    with TestClient(app, base_url="https://cellbench.example") as client:  # the server itself sees https
        over_tls = client.post("/login", data={"email": "lab@lab.example", "password": PASSWORD},
                               follow_redirects=False)
    app.state.store.close()
    assert "; secure" in over_tls.headers["set-cookie"].lower()
    asked = _platform_over_socket(tmp_path / "b", secure_cookies=True)
    with TestClient(asked) as client:
        forced = client.post("/login", data={"email": "lab@lab.example", "password": PASSWORD},
                             follow_redirects=False)
    asked.state.store.close()
    assert "; secure" in forced.headers["set-cookie"].lower()


def test_login_is_throttled_per_account_even_for_the_right_password(platform_factory):
    platform = platform_factory()
    platform.organisation("Lab")
    platform.user("lab@lab.example", "Lab")
    platform.user("other@lab.example", "Lab")
    client = TestClient(platform.app)
    limit = platform.app.state.login_throttle.per_account
    for _ in range(limit):
        wrong = client.post("/login", data={"email": "lab@lab.example", "password": "guess"}, follow_redirects=False)
        assert wrong.status_code == 401
    locked = client.post("/login", data={"email": "LAB@lab.example", "password": PASSWORD}, follow_redirects=False)
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert 0 < int(locked.headers["retry-after"]) <= 900
    assert "cellbench_session" not in locked.headers.get("set-cookie", "")
    # another account from the same address is not locked by these few failures
    other = client.post("/login", data={"email": "other@lab.example", "password": PASSWORD}, follow_redirects=False)
    assert other.status_code == 303


def test_login_is_throttled_per_address_across_accounts(platform_factory):
    platform = platform_factory()
    platform.organisation("Lab")
    platform.user("lab@lab.example", "Lab")
    client = TestClient(platform.app)
    throttle = platform.app.state.login_throttle
    for k in range(throttle.per_address):  # a spray of one guess each at many accounts
        answer = client.post("/login", data={"email": f"user{k}@lab.example", "password": "guess"},
                             follow_redirects=False)
        assert answer.status_code == 401
    spray = client.post("/login", data={"email": "lab@lab.example", "password": PASSWORD}, follow_redirects=False)
    assert spray.status_code == 429


def test_a_successful_login_clears_its_account_s_failures(platform_factory):
    platform = platform_factory()
    platform.organisation("Lab")
    platform.user("lab@lab.example", "Lab")
    client = TestClient(platform.app)
    limit = platform.app.state.login_throttle.per_account
    for _ in range(3):
        for _ in range(limit - 1):
            client.post("/login", data={"email": "lab@lab.example", "password": "typo"}, follow_redirects=False)
        ok = client.post("/login", data={"email": "lab@lab.example", "password": PASSWORD}, follow_redirects=False)
        assert ok.status_code == 303  # a user who mistypes now and then is never locked out


def test_login_throttling_counts_alike_in_every_server_process(platform_factory):
    """Two apps over one store (two `serve --workers` processes): failures in one lock the account in the other."""
    platform = platform_factory()
    platform.organisation("Lab")
    platform.user("lab@lab.example", "Lab")
    other_process = create_app(platform.app.state.settings, store=platform.store)
    first, second = TestClient(platform.app), TestClient(other_process)
    limit = platform.app.state.login_throttle.per_account
    for k in range(limit):
        client = (first, second)[k % 2]
        assert client.post("/login", data={"email": "lab@lab.example", "password": "guess"},
                           follow_redirects=False).status_code == 401
    for client in (first, second):
        assert client.post("/login", data={"email": "lab@lab.example", "password": PASSWORD},
                           follow_redirects=False).status_code == 429
