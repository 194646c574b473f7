"""A real browser (Debian's chromium driven by Playwright) against a real server on loopback: log in, upload a real
cycler file, see its capacity plot, register a material and a sample, submit a safety test record with its ARC run
for that sample, start an evaluation (PyBaMM, one-item suite), watch its progress and open its report, which lists
the safety record. Screenshots go to build/test-artifacts/web/ (or $CELLBENCH_TEST_ARTIFACTS).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from web_helpers import PASSWORD, real_file

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SUITE = Path(__file__).resolve().parent / "data" / "web-smoke-suite.yaml"
ARTIFACTS = Path(os.environ.get("CELLBENCH_TEST_ARTIFACTS")
                 or Path(__file__).resolve().parents[2] / "build" / "test-artifacts") / "web"


def _needs() -> str | None:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        return "chromium is not installed (/usr/bin/chromium; .ci/run runs apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "chromium test skipped: the playwright package is not installed (pip install playwright)"
    return None


pytestmark = pytest.mark.skipif(_needs() is not None, reason=_needs() or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`cellbench serve` in a thread: a fresh SQLite store with one organisation and one admin."""
    import uvicorn

    from cellbench.web import EvaluationOptions, WebSettings, create_app
    from cellbench.web.identity import create_organisation, create_user

    app = create_app(WebSettings(database_url=f"sqlite:///{tmp_path / 'cb.db'}", data_dir=tmp_path / "data",
                                 evaluation=EvaluationOptions(suite=str(SUITE), sensitivity=False)))
    with app.state.store.session() as db:
        create_organisation(db, "Materials Maker")
        create_user(db, "maker@example.com", PASSWORD, "Materials Maker", role="org_admin")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.store.close()


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


@pytest.mark.slow
def test_log_in_upload_plot_evaluate_and_read_the_report(server, page, tmp_path):
    # every page runs under its Content-Security-Policy: a blocked script or style would show here
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{server}/tests")
    assert page.url.startswith(f"{server}/login")  # signed out: sent to the login page
    page.fill("input[name=email]", "maker@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/tests")

    page.set_input_files("#upload input[name=file]", str(real_file("neware_uio.csv")))
    page.click("#upload button[type=submit]")
    page.wait_for_url(f"{server}/tests/*")
    page.wait_for_selector("#capacity_fade[data-ready='1']")
    page.wait_for_selector("#voltage_capacity[data-ready='1']")
    assert page.locator("#capacity_fade .scatterlayer .trace").count() == 1  # Plotly drew the fade curve
    assert "neware_uio.csv" in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "1-test-capacity-plot.png"), full_page=True)

    page.goto(f"{server}/materials")
    page.click("#material-intake button[type=submit]")  # the form comes with an example datasheet
    page.wait_for_url(f"{server}/materials/*")
    assert "argyrodite" in page.inner_text("h1").lower()
    page.fill("#sample-intake input[name=lot]", "L-0007")
    page.click("#sample-intake button[type=submit]")
    page.wait_for_url(f"{server}/samples/*")
    sample_url = page.url
    sample_id = sample_url.rsplit("/", 1)[1]

    # a heating test on a cell of this sample, with its ARC run (simulated sulfide cell: runaway near 253 °C)
    from cellbench.safety import load_chemistry, simulate_heat_wait_search

    simulate_heat_wait_search(load_chemistry("sulfide_assb_ncm_graphite"), start_C=110.0).to_csv(tmp_path / "arc.csv")
    (tmp_path / "heating.yaml").write_text(
        "test: heating\nsample: L-0007 cell 3\ncell_kind: all_solid_state\n"
        "observations: {fire: false, explosion: false}\ntraces:\n  - {path: arc.csv, quantity: arc}\n")
    page.goto(f"{server}/safety-records")
    page.set_input_files("#submit-safety input[name=record]", str(tmp_path / "heating.yaml"))
    page.set_input_files("#submit-safety input[name=arc]", str(tmp_path / "arc.csv"))
    page.select_option("#submit-safety select[name=sample_id]", sample_id)
    page.click("#submit-safety button[type=submit]")
    page.wait_for_url(f"{server}/safety-records/*")
    assert page.inner_text("#verdict").startswith("PASS")
    page.wait_for_selector("#arc-figure .scatterlayer .trace")  # Plotly drew the self-heating rate
    page.screenshot(path=str(ARTIFACTS / "2-safety-record.png"), full_page=True)

    page.goto(sample_url)
    assert "heating v1" in page.inner_text("#sample-safety")
    page.select_option("#start-evaluation select[name=cell_id]", "std-2.1")
    page.click("#start-evaluation button[type=submit]")
    page.wait_for_url(f"{server}/evaluations/*")
    page.screenshot(path=str(ARTIFACTS / "3-evaluation-progress.png"), full_page=True)

    page.wait_for_selector("#report-link", timeout=240_000)  # htmx polls the progress until the run is done
    assert page.inner_text("#progress .status") == "done"
    page.click("#report-link")
    page.wait_for_load_state()
    assert "std-2.1" in page.content()
    safety = page.inner_text("#safety")
    assert "heating v1" in safety and "L-0007 cell 3" in safety and "pass" in safety
    page.screenshot(path=str(ARTIFACTS / "4-evaluation-report.png"), full_page=True)
    assert violations == []
