"""Safety test records on the platform: submitted as YAML (with an ARC run when the record names one), judged,
kept private to the submitter's organisation until shared, shown on pages, and carried into the reports of the
evaluated sample only as far as every reader of the report may see them. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from cellbench.store.platform import Attachment, EvaluationRun, SafetyRecordRow
from web_helpers import csrf_of

NI_NAIL = {"test": "ni_nail", "sample": "ASSB-std-2.1-007", "cell_kind": "all_solid_state",
           "observations": {"fire": False, "explosion": False, "venting": False}}
HEATING_WITH_ARC = {"test": "heating", "sample": "ASSB-12", "cell_kind": "all_solid_state",
                    "observations": {"fire": False, "explosion": False},
                    "traces": [{"path": "arc-assb.csv", "quantity": "arc"}]}


def as_file(record: dict, name: str = "record.yaml"):
    return (name, yaml.safe_dump(record).encode(), "application/yaml")


def leave_queued(store, run_id, options) -> None:
    """No simulation here: the report's safety section is taken from the store, tested directly."""


@pytest.fixture
def labs(platform_factory):
    platform = platform_factory(runner=leave_queued)
    for org in ("Maker", "Centre", "Rival"):
        platform.organisation(org)
    headers = {"maker": platform.user("m@maker.example", "Maker"),
               "centre": platform.user("e@centre.example", "Centre", role="evaluator"),
               "rival": platform.user("r@rival.example", "Rival")}
    return platform, headers


@pytest.fixture(scope="module")
def arc_csv(tmp_path_factory, assb_arc_run_web):
    path = tmp_path_factory.mktemp("arc") / "arc-assb.csv"
    assb_arc_run_web.to_csv(path)
    return path


@pytest.fixture(scope="module")
def assb_arc_run_web():
    from cellbench.safety import load_chemistry, simulate_heat_wait_search

    return simulate_heat_wait_search(load_chemistry("sulfide_assb_ncm_graphite"), start_C=110.0)


def rows(platform) -> int:
    with platform.store.session() as db:
        return db.scalar(select(func.count()).select_from(SafetyRecordRow))


def test_a_record_is_judged_kept_once_and_hidden_from_other_organisations(labs):
    platform, h = labs
    client = platform.client
    made = client.post("/api/v1/safety-records", files={"record": as_file(NI_NAIL)}, headers=h["maker"])
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["status"], body["test"], body["access_tier"], body["created"]) == ("pass", "ni_nail", "private", True)
    assert body["verdict"]["criteria"][0]["holds"] is True and body["arc"] is None
    again = client.post("/api/v1/safety-records", files={"record": as_file(NI_NAIL)}, headers=h["maker"]).json()
    assert (again["id"], again["created"]) == (body["id"], False) and rows(platform) == 1

    url = f"/api/v1/safety-records/{body['id']}"
    assert client.get(url, headers=h["rival"]).status_code == 404
    assert client.get("/api/v1/safety-records", headers=h["rival"]).json()["items"] == []
    shared = client.put(f"{url}/access", json={"tier": "named", "organisations": ["Centre"]}, headers=h["maker"])
    assert shared.status_code == 200, shared.text
    assert client.get(url, headers=h["centre"]).json()["sample"] == "ASSB-std-2.1-007"
    assert client.get(url, headers=h["rival"]).status_code == 404
    # the maker's admins see the centre's read in the audit log
    with platform.store.session() as db:
        from cellbench.store.platform import AuditEntry

        kinds = db.scalars(select(AuditEntry.record_kind).where(AuditEntry.record_id == body["id"])).all()
    assert "safety" in kinds


def test_a_record_missing_an_observation_is_incomplete(labs):
    platform, h = labs
    record = {**NI_NAIL, "observations": {"fire": False}}
    body = platform.client.post("/api/v1/safety-records", files={"record": as_file(record)}, headers=h["maker"]).json()
    assert body["status"] == "incomplete"
    listed = platform.client.get("/api/v1/safety-records?status=incomplete", headers=h["maker"]).json()["items"]
    assert [r["id"] for r in listed] == [body["id"]]
    assert platform.client.get("/api/v1/safety-records?status=pass", headers=h["maker"]).json()["items"] == []


def test_arc_run_is_analysed_kept_and_given_back(labs, arc_csv, assb_arc_run_web):
    platform, h = labs
    client = platform.client
    missing = client.post("/api/v1/safety-records", files={"record": as_file(HEATING_WITH_ARC)}, headers=h["maker"])
    assert missing.status_code == 422 and "upload it in the arc field" in missing.json()["detail"]
    content = arc_csv.read_bytes()
    made = client.post("/api/v1/safety-records", headers=h["maker"],
                       files={"record": as_file(HEATING_WITH_ARC), "arc": ("arc-assb.csv", content, "text/csv")})
    assert made.status_code == 201, made.text
    arc = made.json()["arc"]
    assert arc["file"] == "arc-assb.csv"
    assert arc["runaway_onset_C"] == pytest.approx(assb_arc_run_web.true_runaway_onset_C, abs=1.0)
    download = client.get(f"/api/v1/safety-records/{made.json()['id']}/arc.csv", headers=h["maker"])
    assert download.status_code == 200 and download.content == content
    assert client.get(f"/api/v1/safety-records/{made.json()['id']}/arc.csv", headers=h["rival"]).status_code == 404
    page = platform.browser("m@maker.example").get(f"/safety-records/{made.json()['id']}").text
    assert 'id="arc-figure"' in page and "Self-heating rate" in page and "/static-vendor/plotly.min.js" in page


def test_a_broken_arc_run_or_record_stores_nothing_and_says_where(labs):
    platform, h = labs
    backwards = b"time_min,temperature_C\n0,40\n1,41\n0.5,42\n2,43\n"
    response = platform.client.post("/api/v1/safety-records", headers=h["maker"],
                                    files={"record": as_file(HEATING_WITH_ARC),
                                           "arc": ("arc-assb.csv", backwards, "text/csv")})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "arc-assb.csv" in detail and "line 4" in detail and "cellbench-arc-" not in detail
    bad_yaml = platform.client.post("/api/v1/safety-records", headers=h["maker"],
                                    files={"record": ("r.yaml", b"test: ni_nail\nsample: [unclosed\n", "text/yaml")})
    assert bad_yaml.status_code == 422 and "r.yaml" in bad_yaml.json()["detail"]
    no_sample = platform.client.post("/api/v1/safety-records", headers=h["maker"],
                                     files={"record": ("r.yaml", b"test: ni_nail\n", "text/yaml")})
    assert no_sample.status_code == 422 and "field 'sample'" in no_sample.json()["detail"]
    unknown_test = platform.client.post("/api/v1/safety-records", headers=h["maker"],
                                        files={"record": as_file({**NI_NAIL, "test": "no_such_test"})})
    assert unknown_test.status_code in (404, 422) and "no_such_test" in unknown_test.json()["detail"]
    assert rows(platform) == 0
    with platform.store.session() as db:
        assert db.scalar(select(func.count()).select_from(Attachment)) == 0


def _sample(platform, headers, submit_to=None) -> int:
    material = platform.client.post("/api/v1/materials", headers=headers, json={
        "provider": "Maker", "datasheet": {"name": "binder", "role": "binder", "density_g_cm3": 1.77,
                                           "sources": {"default": "supplier sheet"}}}).json()
    sample = platform.client.post("/api/v1/samples", headers=headers,
                                  json={"material_id": material["id"], "lot": "L-1", "submit_to": submit_to})
    return sample.json()["id"]


def test_pages_submit_show_and_list_the_record_on_its_sample(labs):
    platform, h = labs
    sample_id = _sample(platform, h["maker"])
    browser = platform.browser("m@maker.example")
    posted = browser.post("/safety-records", data={"csrf_token": csrf_of(browser), "sample_id": str(sample_id)},
                          files={"record": as_file(NI_NAIL)}, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    page = browser.get(posted.headers["location"]).text
    assert 'id="verdict"' in page and "PASS" in page and "meets" in page
    assert f'href="/samples/{sample_id}"' in page
    assert "ni_nail v1" in browser.get(f"/samples/{sample_id}").text
    listing = browser.get("/safety-records").text
    assert "ni_nail v1" in listing and "1 records visible" in listing
    # without the CSRF token the form is refused and nothing is kept
    refused = browser.post("/safety-records", files={"record": as_file({**NI_NAIL, "sample": "other"})},
                           follow_redirects=False)
    assert refused.status_code in (403, 422) and rows(platform) == 1
    # the owner changes the tier through the page's form
    record_id = int(posted.headers["location"].rsplit("/", 1)[1])
    changed = browser.post(f"/safety-records/{record_id}/access", follow_redirects=False,
                           data={"csrf_token": csrf_of(browser), "tier": "public"})
    assert changed.status_code == 303
    assert platform.client.get(f"/api/v1/safety-records/{record_id}", headers=h["rival"]).json()["access_tier"] == "public"


def test_a_record_can_link_only_to_a_sample_its_submitter_sees(labs):
    platform, h = labs
    rival_sample = _sample(platform, h["rival"])
    response = platform.client.post("/api/v1/safety-records", headers=h["maker"], data={"sample_id": str(rival_sample)},
                                    files={"record": as_file(NI_NAIL)})
    assert response.status_code == 404 and rows(platform) == 0


def test_evaluation_report_takes_the_records_every_reader_may_see(labs):
    from cellbench.store.records.safety import evaluation_safety_section

    platform, h = labs
    client = platform.client
    sample_id = _sample(platform, h["maker"], submit_to="Centre")

    def keep(record, headers):
        made = client.post("/api/v1/safety-records", headers=headers, data={"sample_id": str(sample_id)},
                           files={"record": as_file(record)})
        assert made.status_code == 201, made.text
        return made.json()["id"]

    private = keep(NI_NAIL, h["maker"])
    shared = keep({**NI_NAIL, "sample": "ASSB-std-2.1-008"}, h["maker"])
    client.put(f"/api/v1/safety-records/{shared}/access", json={"tier": "named", "organisations": ["Centre"]},
               headers=h["maker"])
    by_centre = keep({**NI_NAIL, "sample": "ASSB-std-2.1-009", "observations": {"fire": True}}, h["centre"])
    client.put(f"/api/v1/safety-records/{by_centre}/access", json={"tier": "named", "organisations": ["Maker"]},
               headers=h["centre"])
    # the evaluation of a sample submitted to the centre is shared with the centre: both read the report
    run = client.post("/api/v1/evaluations", json={"sample_id": sample_id, "cell_id": "std-2.1"}, headers=h["centre"])
    assert run.status_code == 202, run.text
    with platform.store.session() as db:
        section = evaluation_safety_section(db, db.get(EvaluationRun, run.json()["id"]))
    ids = [r["record_id"] for r in section["records"]]
    assert ids == [shared, by_centre] and private not in ids
    assert [r["status"] for r in section["records"]] == ["pass", "fail"]


def test_the_platform_judges_against_its_own_definitions_too(tmp_path):
    from fastapi.testclient import TestClient

    from cellbench.errors import InputError
    from cellbench.safety import EXAMPLES_DIR
    from cellbench.store import Store
    from cellbench.web import WebSettings, create_app
    from cellbench.web.evaluations import EvaluationOptions, EvaluationWorker
    from cellbench.web.identity import create_organisation, create_token, create_user
    from web_helpers import PASSWORD

    store = Store.open(f"sqlite:///{tmp_path / 'cb.db'}", data_dir=tmp_path)
    settings = WebSettings(safety_definitions=(str(EXAMPLES_DIR / "unr100_laser_internal_short.yaml"),))
    app = create_app(settings, store=store, worker=EvaluationWorker(store, EvaluationOptions(), leave_queued))
    with store.session() as db:
        create_organisation(db, "Carmaker")
        create_user(db, "c@car.example", PASSWORD, "Carmaker")
        headers = {"Authorization": f"Bearer {create_token(db, 'c@car.example', 't')}"}
    record = {"test": "unr100_laser_internal_short", "sample": "EV-7 pack",
              "observations": {"abnormal_heat": True, "warning_issued": True,
                               "minutes_from_warning_to_cabin_hazard": 3.5}}
    with TestClient(app) as client:
        tests = [d["id"] for d in client.get("/api/v1/safety/tests", headers=headers).json()["items"]]
        assert "unr100_laser_internal_short" in tests and "ni_nail" in tests
        made = client.post("/api/v1/safety-records", files={"record": as_file(record)}, headers=headers).json()
        # heat, and the warning came only 3.5 minutes before the hazard reached the cabin: both criteria violated
        assert made["status"] == "fail" and len(made["verdict"]["criteria"]) == 2
    store.close()

    bad = tmp_path / "bad-test.yaml"
    bad.write_text("id: x\nversion: 1\n")
    with Store.open(f"sqlite:///{tmp_path / 'b.db'}", data_dir=tmp_path) as other:
        with pytest.raises(InputError, match="bad-test.yaml"):
            create_app(WebSettings(safety_definitions=(str(bad),)), store=other)
