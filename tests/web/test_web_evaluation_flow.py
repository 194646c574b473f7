"""The evaluation-centre flow through the pages: a provider registers a material and submits a sample, the centre's
evaluator starts the evaluation, progress is kept in the database, and the report reaches provider and centre only.

The worker here runs a stand-in that reports progress in two steps and writes a report, so the flow is tested in
a second; the real evaluation (PyBaMM) runs in the browser test.
"""

from __future__ import annotations

import json
import threading

import pytest
import yaml

from cellbench.store.models import utc_now
from cellbench.store.platform import EvaluationRun
from web_helpers import csrf_of

DATASHEET = """\
name: Cl-rich argyrodite lot 7
role: solid_electrolyte
kind: sulfide
density_g_cm3: 1.68
ionic_conductivity_S_cm: 0.0098
sources:
  default: supplier datasheet 2026-10
"""


class SteppedRunner:
    """Stops half-way until released, so the test can see the stored progress of a running evaluation."""

    def __init__(self):
        self.half_way, self.release = threading.Event(), threading.Event()

    def __call__(self, store, run_id, options):
        with store.session() as db:
            row = db.get(EvaluationRun, run_id)
            row.status, row.progress_done, row.progress_total = "running", 1, 2
            db.commit()
        self.half_way.set()
        self.release.wait(timeout=30)
        folder = store.data_dir / "evaluations" / str(run_id)
        folder.mkdir(parents=True)
        (folder / "report.html").write_text("<html><body><h1>Evaluation report</h1></body></html>")
        with store.session() as db:
            row = db.get(EvaluationRun, run_id)
            row.status, row.progress_done, row.finished_at = "done", 2, utc_now()
            row.report_path = str(folder / "report.html")
            row.results_json = json.dumps({"metrics": [{"name": "discharge capacity", "item": "capacity-1C-25C",
                                                        "baseline": 1.0, "candidate": 1.1, "unit": "Ah",
                                                        "change_pct": 10.0, "verdict": "better"}],
                                           "improvement_directions": []})
            db.commit()


def test_provider_submits_centre_evaluates_report_reaches_both_only(platform_factory):
    runner = SteppedRunner()
    platform = platform_factory(runner=runner)
    for org in ("Provider", "Centre", "Rival"):
        platform.organisation(org)
    platform.user("pat@provider.example", "Provider")
    platform.user("eva@centre.example", "Centre", role="evaluator")
    rival = platform.user("rex@rival.example", "Rival")

    provider = platform.browser("pat@provider.example")
    made = provider.post("/materials", data={"csrf_token": csrf_of(provider), "provider": "Provider",
                                             "datasheet": DATASHEET},
                         files=[("files", ("datasheet.pdf", b"%PDF-1.4 sheet", "application/pdf"))],
                         follow_redirects=False)
    assert made.status_code == 303, made.text
    material_page = provider.get(made.headers["location"]).text
    assert "Cl-rich argyrodite lot 7" in material_page and "datasheet.pdf" in material_page
    material_id = int(made.headers["location"].rsplit("/", 1)[1])
    sample = provider.post("/samples", data={"csrf_token": csrf_of(provider), "material_id": material_id,
                                             "lot": "L-0007", "quantity_g": "25", "submit_to": "Centre"},
                           follow_redirects=False)
    assert sample.status_code == 303, sample.text
    sample_id = int(sample.headers["location"].rsplit("/", 1)[1])

    centre = platform.browser("eva@centre.example")
    assert "L-0007" in centre.get(f"/samples/{sample_id}").text
    started = centre.post("/evaluations", data={"csrf_token": csrf_of(centre), "sample_id": sample_id,
                                                "cell_id": "std-2.1"}, follow_redirects=False)
    assert started.status_code == 303, started.text
    evaluation_url = started.headers["location"]
    run_id = int(evaluation_url.rsplit("/", 1)[1])

    assert runner.half_way.wait(timeout=10)
    progress = centre.get(f"{evaluation_url}/progress").text
    assert "running" in progress and 'hx-trigger="every 2s"' in progress and "1/2 simulations" in progress
    runner.release.set()
    platform.app.state.worker.futures[run_id].result(timeout=10)
    done = centre.get(f"{evaluation_url}/progress").text
    assert "done" in done and "hx-trigger" not in done and 'id="report-link"' in done

    for client in (provider, centre):
        report = client.get(f"/api/v1/evaluations/{run_id}/report")
        assert report.status_code == 200 and "Evaluation report" in report.text
        assert "discharge capacity" in client.get(evaluation_url).text
    assert platform.client.get(f"/api/v1/evaluations/{run_id}/report", headers=rival).status_code == 404
    assert platform.client.get(f"/api/v1/samples/{sample_id}", headers=rival).status_code == 404
    assert platform.client.get(f"/api/v1/materials/{material_id}", headers=rival).status_code == 404
    shown = platform.client.get(f"/api/v1/evaluations/{run_id}", headers=platform.auth("pat@provider.example"))
    assert shown.json()["access_tier"] == "named" and shown.json()["organisations"] == ["Centre"]


def test_intake_errors_name_the_field(platform_factory):
    platform = platform_factory()
    platform.organisation("Provider")
    headers = platform.user("pat@provider.example", "Provider")
    browser = platform.browser("pat@provider.example")
    bad_yaml = browser.post("/materials", data={"csrf_token": csrf_of(browser), "datasheet": "name: [unclosed"})
    assert bad_yaml.status_code == 422 and "not valid YAML" in bad_yaml.text and "line 1" in bad_yaml.text
    no_source = DATASHEET.replace("sources:\n  default: supplier datasheet 2026-10\n", "sources: {}\n")
    response = platform.client.post("/api/v1/materials", json={"datasheet": yaml.safe_load(no_source)},
                                    headers=headers)
    assert response.status_code == 422 and "no source for" in response.json()["detail"]
    unknown_cell = platform.client.post("/api/v1/evaluations", json={"sample_id": 1, "cell_id": "/etc/passwd.yaml"},
                                        headers=headers)
    assert unknown_cell.status_code == 404


@pytest.mark.parametrize("status", ["running", "queued"])
def test_a_restart_requeues_cut_off_runs_and_resumes_queued_ones(platform_factory, status):
    from cellbench.web.evaluations import EvaluationOptions, EvaluationWorker

    ran = []
    platform = platform_factory(runner=lambda store, run_id, options: ran.append(run_id))
    platform.organisation("Provider")
    headers = platform.user("pat@provider.example", "Provider")
    material = platform.client.post("/api/v1/materials", json={"datasheet": yaml.safe_load(DATASHEET)},
                                    headers=headers).json()
    sample = platform.client.post("/api/v1/samples", json={"material_id": material["id"], "lot": "A"},
                                  headers=headers).json()
    with platform.store.session() as db:
        db.add(EvaluationRun(sample_id=sample["id"], cell_id="std-2.1", suite="s", status=status,
                             owner_organisation_id=1))
        db.commit()
    restarted = EvaluationWorker(platform.store, EvaluationOptions(), lambda store, run_id, options: ran.append(run_id))
    restarted.resume()
    for future in restarted.futures.values():
        future.result(timeout=10)
    with platform.store.session() as db:
        row = db.get(EvaluationRun, 1)
    # a run cut off by the restart (its process gone, no heartbeat) is run again, like a queued one
    assert ran == [1]
    assert row.attempts == 1 and row.claimed_by == restarted.name
    restarted.shutdown()
