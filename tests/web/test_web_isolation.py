"""Isolation: for generated (reader organisation, record) pairs and every endpoint, a record the reader may not see answers 404, exactly
as an id that does not exist, on every endpoint; lists never contain it. At least 1,000 requests per backend.

The expected answer comes from a plain re-statement of the access rules (``may_read`` below), written apart from
the SQL in ``cellbench.web.access``, over a world of six organisations whose records sit on every tier.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cellbench.store import Store
from cellbench.store.models import utc_now
from cellbench.store.platform import EvaluationRun, PassportRecord
from cellbench.store.records.passports import load_passport, save_passport
from cellbench.web import EvaluationOptions, WebSettings, create_app
from cellbench.web.evaluations import EvaluationWorker
from cellbench.web.identity import create_consortium, create_organisation, create_token, create_user
from web_helpers import PASSWORD, backend_url, two_cycles

ORGS = ["Anode Works", "Binder Co", "Cathode Ltd", "Dry Room Inc", "Electrolyte AG", "Evaluation Centre"]
CENTRE = "Evaluation Centre"
CONSORTIA = {"SOLiD-next": ["Anode Works", "Binder Co", "Cathode Ltd"], "Recycle-JP": ["Dry Room Inc", "Electrolyte AG"]}
DATASHEET = {"name": "binder", "role": "binder", "density_g_cm3": 1.77, "sources": {"default": "supplier sheet"}}

ENDPOINTS = {
    "test": ["/api/v1/tests/{id}", "/api/v1/tests/{id}/cycles", "/api/v1/tests/{id}/figures",
             "/api/v1/tests/{id}/download?format=parquet", "/api/v1/tests/{id}/download?format=bdf-csv",
             "page:/tests/{id}"],
    "material": ["/api/v1/materials/{id}", "/api/v1/materials/{id}/attachments/{attachment}", "page:/materials/{id}"],
    "sample": ["/api/v1/samples/{id}", "/api/v1/samples/{id}/attachments/{attachment}", "page:/samples/{id}"],
    "evaluation": ["/api/v1/evaluations/{id}", "/api/v1/evaluations/{id}/results", "/api/v1/evaluations/{id}/report",
                   "page:/evaluations/{id}", "page:/evaluations/{id}/progress"],
    "safety": ["/api/v1/safety-records/{id}", "/api/v1/safety-records/{id}/arc.csv", "page:/safety-records/{id}"],
    "passport": ["/api/v1/passports/{id}", "page:/passports/{id}"],
}
#: where each kind lives under /api/v1 (the plural of its name, except safety test records)
COLLECTION = {"test": "tests", "material": "materials", "sample": "samples", "evaluation": "evaluations",
              "safety": "safety-records", "passport": "passports"}
#: a safety record with a small heat-wait-search log: 40 °C plus 0.5 °C/min
ARC_CSV = ("time_min,temperature_C\n" + "".join(f"{t},{40 + 0.5 * t:.3f}\n" for t in range(120))).encode()


@dataclass
class Record:
    kind: str
    id: int
    owner: str
    tier: str = "private"
    named: list[str] = field(default_factory=list)
    consortium: str | None = None
    submitted_to: str | None = None          # samples
    submitted_samples_to: set = field(default_factory=set)  # materials: centres its samples went to
    attachment: int | None = None


def may_read(reader: str, r: Record) -> bool:
    """The access rules, restated for the test."""
    return (reader == r.owner or r.tier == "public"
            or (r.tier == "named" and reader in r.named)
            or (r.tier == "consortium" and reader in CONSORTIA.get(r.consortium, []))
            or reader == r.submitted_to or reader in r.submitted_samples_to)


def stub_evaluation(store: Store, run_id: int, options) -> None:
    """Finish an evaluation at once with a one-line report (the real run is tested in the browser test)."""
    folder = store.data_dir / "evaluations" / str(run_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(f"<html><body>report {run_id}</body></html>")
    with store.session() as db:
        row = db.get(EvaluationRun, run_id)
        row.status, row.progress_done, row.progress_total = "done", 1, 1
        row.results_json, row.report_path = json.dumps({"metrics": []}), str(folder / "report.html")
        row.finished_at = utc_now()
        db.commit()


@dataclass
class World:
    app: object
    store: Store
    api: TestClient
    tokens: dict[str, dict]
    browsers: dict[str, TestClient]
    records: list[Record]
    requests: int = 0


def build_world(url: str, folder) -> World:
    store = Store.open(url, data_dir=folder / "data")
    worker = EvaluationWorker(store, EvaluationOptions(), stub_evaluation)
    app = create_app(WebSettings(), store=store, worker=worker)
    tokens = {}
    with store.session() as db:
        for org in ORGS:
            create_organisation(db, org)
            email = f"user@{org.split()[0].lower()}.example"
            create_user(db, email, PASSWORD, org, role="evaluator" if org == CENTRE else "member")
            tokens[org] = {"Authorization": f"Bearer {create_token(db, email, 'isolation')}"}
        for name, members in CONSORTIA.items():
            create_consortium(db, name, members)
    api = TestClient(app)
    api.__enter__()
    records: list[Record] = []
    demo = load_passport("demo")

    def share(r: Record, tier: str, *, named=(), consortium=None):
        body = {"tier": tier, "organisations": list(named), "consortia": [consortium] if consortium else []}
        response = api.put(f"/api/v1/{COLLECTION[r.kind]}/{r.id}/access", json=body, headers=tokens[r.owner])
        assert response.status_code == 200, response.text
        r.tier, r.named, r.consortium = tier, list(named), consortium

    for i, org in enumerate(ORGS[:5]):
        neighbour = ORGS[(i + 1) % 5]
        consortium = next(name for name, members in CONSORTIA.items() if org in members)
        for k, tier in enumerate(["private", "named", "consortium", "public"]):
            stored = store.add_measurement(two_cycles(1.0 + 0.1 * i + 0.01 * k, cell_id=f"{org}-{k}"),
                                           organisation=org)
            r = Record("test", stored.test_id, org)
            records.append(r)
            if tier != "private":
                share(r, tier, named=[neighbour] if tier == "named" else (),
                      consortium=consortium if tier == "consortium" else None)
        for k, tier in enumerate(["private", "named", "consortium", "public"]):
            record = {"test": "heating", "sample": f"{org}-cell-{k}", "observations": {"fire": False, "explosion": k == 1},
                      "traces": [{"path": "arc.csv", "quantity": "arc"}]}
            made = api.post("/api/v1/safety-records", headers=tokens[org],
                            files={"record": ("record.yaml", json.dumps(record).encode(), "application/yaml"),
                                   "arc": ("arc.csv", ARC_CSV, "text/csv")})
            assert made.status_code == 201, made.text
            r = Record("safety", made.json()["id"], org)
            records.append(r)
            if tier != "private":
                share(r, tier, named=[neighbour] if tier == "named" else (),
                      consortium=consortium if tier == "consortium" else None)
        for k, tier in enumerate(["private", "named", "consortium", "public"]):
            # half stored with their sharing in the document (as `cellbench passport` does), half shared on the web
            battery_id = f"{org.split()[0].lower()}-{k}"
            by_document = i % 2 == 0
            shared_with = ({"organisations": [neighbour]} if tier == "named" else
                           {"consortia": [consortium]} if tier == "consortium" else {})
            save_passport(demo.model_copy(update={"id": battery_id, "owner": org,
                                                  "access_tier": tier if by_document else "private",
                                                  "shared_with": shared_with if by_document else {}}), store=store)
            with store.session() as db:
                row_id = db.scalar(select(PassportRecord.id).where(PassportRecord.battery_id == battery_id))
            r = Record("passport", row_id, org)
            records.append(r)
            if by_document:
                r.tier, r.named = tier, shared_with.get("organisations", [])
                r.consortium = consortium if tier == "consortium" else None
            elif tier != "private":
                share(r, tier, named=[neighbour] if tier == "named" else (),
                      consortium=consortium if tier == "consortium" else None)
        for submitted in (False, True):
            m = api.post("/api/v1/materials", json={"provider": org, "datasheet": {**DATASHEET, "name": f"b{i}"}},
                         headers=tokens[org])
            material = Record("material", m.json()["id"], org)
            s = api.post("/api/v1/samples", json={"material_id": material.id, "lot": f"lot-{i}",
                                                 "submit_to": CENTRE if submitted else None}, headers=tokens[org])
            sample = Record("sample", s.json()["id"], org, submitted_to=CENTRE if submitted else None)
            if submitted:
                material.submitted_samples_to.add(CENTRE)
            for r in (material, sample):
                attached = api.post(f"/api/v1/{r.kind}s/{r.id}/attachments",
                                    files={"file": (f"sheet-{r.id}.txt", b"datasheet text")}, headers=tokens[org])
                assert attached.status_code == 201, attached.text
                r.attachment = attached.json()["id"]
            run = api.post("/api/v1/evaluations", json={"sample_id": sample.id, "cell_id": "std-2.1"},
                           headers=tokens[org])
            assert run.status_code == 202, run.text
            evaluation = Record("evaluation", run.json()["id"], org,
                                tier="named" if submitted else "private", named=[CENTRE] if submitted else [])
            worker.futures[evaluation.id].result(timeout=30)
            if not submitted:  # the in-house material goes to the consortium, its sample to the neighbour
                share(material, "consortium", consortium=consortium)
                share(sample, "named", named=[neighbour])
            records += [material, sample, evaluation]
    browsers = {}
    for org in ORGS:
        browser = TestClient(app)
        email = f"user@{org.split()[0].lower()}.example"
        assert browser.post("/login", data={"email": email, "password": PASSWORD},
                            follow_redirects=False).status_code == 303
        browsers[org] = browser
    return World(app, store, api, tokens, browsers, records)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    url, cleanup = backend_url(request.param, tmp_path_factory.mktemp(f"world-{request.param}"))
    built = build_world(url, tmp_path_factory.mktemp("data"))
    yield built
    built.api.__exit__(None, None, None)
    built.store.close()
    cleanup()


def get(world: World, reader: str, template: str, record: Record, record_id: int | None = None):
    page = template.startswith("page:")
    path = template.removeprefix("page:").format(id=record.id if record_id is None else record_id,
                                                 attachment=record.attachment or 1)
    world.requests += 1
    if page:
        return world.browsers[reader].get(path, follow_redirects=False)
    return world.api.get(path, headers=world.tokens[reader])


def _without_ids(text: str) -> str:
    return re.sub(r"\d+", "N", text)


def test_private_records_answer_404_like_missing_ones_on_every_endpoint(world):
    records = world.records
    start = world.requests

    # passports have two endpoints, fewer than most kinds: more examples keep the 1,000 requests
    @settings(max_examples=175, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(reader=st.sampled_from(ORGS), index=st.integers(0, len(records) - 1))
    def check(reader: str, index: int) -> None:
        record = records[index]
        allowed = may_read(reader, record)
        for template in ENDPOINTS[record.kind]:
            response = get(world, reader, template, record)
            if allowed:
                assert response.status_code == 200, (reader, record, template, response.text[:300])
                continue
            assert response.status_code == 404, (reader, record, template, response.status_code)
            # No hint: the answer is the one for an id that was never used.
            missing = get(world, reader, template, record, record_id=987654)
            assert missing.status_code == 404
            assert _without_ids(response.text) == _without_ids(missing.text)
            assert record.owner not in response.text
        if reader != record.owner:
            check_writes(world, reader, record, allowed)

    check()
    print(f"isolation: {world.requests - start} requests")
    assert world.requests - start >= 1000, world.requests - start


@pytest.mark.parametrize("kind", ["test", "material", "sample", "evaluation", "safety", "passport"])
def test_lists_hold_exactly_the_records_each_organisation_may_read(world, kind):
    for reader in ORGS:
        response = world.api.get(f"/api/v1/{COLLECTION[kind]}?limit=500&with_total=true", headers=world.tokens[reader])
        world.requests += 1
        listed = {item["id"] for item in response.json()["items"]}
        expected = {r.id for r in world.records if r.kind == kind and may_read(reader, r)}
        assert listed == expected, (reader, kind)
        assert response.json()["total"] == len(expected) and response.json()["next_offset"] is None


def check_writes(world: World, reader: str, record: Record, allowed: bool) -> None:
    """Someone else's record: changing its tier is 404 when hidden, 403 when only shared; attaching is 404."""
    response = world.api.put(f"/api/v1/{COLLECTION[record.kind]}/{record.id}/access", json={"tier": "public"},
                             headers=world.tokens[reader])
    world.requests += 1
    assert response.status_code == (403 if allowed else 404), (reader, record, response.status_code)
    if record.kind in ("material", "sample"):
        attach = world.api.post(f"/api/v1/{record.kind}s/{record.id}/attachments",
                                files={"file": ("x.txt", b"x")}, headers=world.tokens[reader])
        world.requests += 1
        assert attach.status_code == 404, (reader, record, attach.status_code)
    if record.kind == "sample" and not allowed:
        start = world.api.post("/api/v1/evaluations", json={"sample_id": record.id}, headers=world.tokens[reader])
        world.requests += 1
        assert start.status_code == 404


def test_the_evaluation_centre_sees_submitted_samples_and_their_reports_only(world):
    centre = world.tokens[CENTRE]
    submitted = [r for r in world.records if r.kind == "evaluation" and CENTRE in r.named]
    in_house = [r for r in world.records if r.kind == "evaluation" and not r.named]
    assert submitted and in_house
    for r in submitted:
        assert world.api.get(f"/api/v1/evaluations/{r.id}/report", headers=centre).status_code == 200
        assert world.api.get(f"/api/v1/evaluations/{r.id}/report", headers=world.tokens[r.owner]).status_code == 200
        outsider = next(o for o in ORGS if o not in (CENTRE, r.owner))
        assert world.api.get(f"/api/v1/evaluations/{r.id}/report",
                             headers=world.tokens[outsider]).status_code == 404
    for r in in_house:
        assert world.api.get(f"/api/v1/evaluations/{r.id}", headers=centre).status_code == 404


def test_reads_of_non_public_records_reach_the_owners_audit_log_only(world):
    from cellbench.web.identity import create_user, create_token

    record = next(r for r in world.records if r.kind == "test" and r.tier == "named")
    reader = record.named[0]
    assert world.api.get(f"/api/v1/tests/{record.id}", headers=world.tokens[reader]).status_code == 200
    with world.store.session() as db:
        slug = record.owner.split()[0].lower()
        create_user(db, f"admin@{slug}.example", PASSWORD, record.owner, role="org_admin")
        admin = {"Authorization": f"Bearer {create_token(db, f'admin@{slug}.example', 'audit')}"}
    entries = world.api.get("/api/v1/audit?limit=500", headers=admin).json()["entries"]
    assert any(e["record_kind"] == "test" and e["record_id"] == record.id and e["organisation"] == reader
               for e in entries)
    # Only this organisation's records; a member (not admin) may not read the log at all.
    owned = {(r.kind, r.id) for r in world.records if r.owner == record.owner}
    assert all((e["record_kind"], e["record_id"]) in owned for e in entries)
    assert world.api.get("/api/v1/audit", headers=world.tokens[reader]).status_code == 403
