"""What keeps the API fast under load, checked for behaviour (never for time): keyset paging returns exactly the
readable records, organisation names stay right as organisations are added, and past its bound of requests in
progress a server process answers 503 with Retry-After instead of queueing."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert

from cellbench.errors import InputError
from cellbench.store.models import Organisation, Test
from cellbench.store.platform import RecordGrant
from cellbench.web.overload import LoadShedding, max_in_flight_from_environment

TIERS = ["private", "public", "named", "private", "public", "named", "private"]


def _seed(platform, count: int) -> dict[str, set[int]]:
    """``count`` tests owned by Alpha and Beta in turn on mixed tiers, named ones granted to Gamma; returns the ids
    each organisation may read."""
    for name in ("Alpha", "Beta", "Gamma"):
        platform.organisation(name)
    now = datetime.now(timezone.utc)
    with platform.store.session() as db:
        orgs = {o.name: o.id for o in db.query(Organisation)}
        owners = ["Alpha", "Beta"]
        db.execute(insert(Test), [{"content_hash": f"{k:064x}", "source_file": f"t{k}.csv", "vendor": "Arbin",
                                   "file_format": "arbin-csv", "cell_id": f"c{k % 3}", "start_time": now,
                                   "row_count": 10, "duration_s": 1.0, "outcome": "ok",
                                   "access_tier": TIERS[k % len(TIERS)], "owner_organisation_id":
                                   orgs[owners[k % 2]], "created_at": now} for k in range(count)])
        db.commit()
        rows = db.query(Test).all()
        db.execute(insert(RecordGrant), [{"record_kind": "test", "record_id": t.id, "organisation_id": orgs["Gamma"]}
                                         for t in rows if t.access_tier == "named"])
        db.commit()
        readable = {name: {t.id for t in rows if t.owner_organisation_id == orgs[name] or t.access_tier == "public"
                           or (name == "Gamma" and t.access_tier == "named")} for name in orgs}
    return readable


def _walk(client, headers, **params) -> list[int]:
    ids, after = [], None
    for _ in range(100):
        page = client.get("/api/v1/tests", headers=headers,
                          params={"limit": 7, **params, **({"after": after} if after else {})}).json()
        ids += [item["id"] for item in page["items"]]
        after = page["next_after"]
        if after is None:
            return ids
        assert after == ids[-1]
    raise AssertionError("keyset paging did not end")


def test_keyset_pages_hold_exactly_the_readable_tests_newest_first(platform_factory):
    platform = platform_factory()
    readable = _seed(platform, 60)
    for email, org in (("a@alpha.example", "Alpha"), ("g@gamma.example", "Gamma")):
        headers = platform.user(email, org)
        ids = _walk(platform.client, headers)
        assert ids == sorted(readable[org], reverse=True)  # each once, in order, nothing unreadable
        offset_page = platform.client.get("/api/v1/tests", headers=headers, params={"limit": 7, "offset": 7}).json()
        assert [i["id"] for i in offset_page["items"]] == ids[7:14]  # the two ways of paging agree
        # filters hold on every page
        assert _walk(platform.client, headers, cell_id="c1") == [
            i for i in ids if platform.client.get(f"/api/v1/tests/{i}", headers=headers).json()["cell_id"] == "c1"]
    # an id to start below that the caller may not read reveals nothing: the page is the same as below any id
    headers = platform.auth("g@gamma.example")
    hidden = max(readable["Alpha"] - readable["Gamma"])
    page = platform.client.get("/api/v1/tests", headers=headers, params={"after": hidden, "limit": 500}).json()
    assert [i["id"] for i in page["items"]] == sorted((i for i in readable["Gamma"] if i < hidden), reverse=True)
    assert platform.client.get("/api/v1/tests", headers=headers, params={"after": 0}).status_code == 422


def test_an_organisation_added_after_a_list_is_named_in_the_next(platform_factory):
    platform = platform_factory()
    _seed(platform, 3)
    headers = platform.user("a@alpha.example", "Alpha")
    assert {i["organisation"] for i in platform.client.get("/api/v1/tests", headers=headers).json()["items"]} \
        <= {"Alpha", "Beta"}
    platform.organisation("Delta")
    delta = platform.user("d@delta.example", "Delta")
    with platform.store.session() as db:
        delta_id = db.query(Organisation).filter_by(name="Delta").one().id
        db.execute(insert(Test), [{"content_hash": "f" * 64, "source_file": "d.csv", "vendor": "Arbin",
                                   "file_format": "arbin-csv", "start_time": datetime.now(timezone.utc),
                                   "row_count": 1, "duration_s": 1.0, "outcome": "ok", "access_tier": "private",
                                   "owner_organisation_id": delta_id, "created_at": datetime.now(timezone.utc)}])
        db.commit()
    items = platform.client.get("/api/v1/tests", headers=delta).json()["items"]
    assert [i["organisation"] for i in items if i["source_file"] == "d.csv"] == ["Delta"]
    read = platform.client.get(f"/api/v1/tests/{items[0]['id']}", headers=delta).json()
    assert read["organisation"] == "Delta" and read["source_file"] == "d.csv"


def test_a_listed_test_is_the_read_one_field_for_field_in_the_same_order(platform_factory):
    """Lists build their items from plain value rows, reads from the record's row by name: the two must agree,
    key order included (a column selected out of place would shift every value after it)."""
    platform = platform_factory()
    platform.organisation("Alpha")
    headers = platform.user("a@alpha.example", "Alpha")
    started = datetime(2026, 3, 1, 9, 30, 15, 250_000, tzinfo=timezone.utc)
    with platform.store.session() as db:
        alpha = db.query(Organisation).filter_by(name="Alpha").one().id
        db.execute(insert(Test), [
            {"content_hash": "a" * 64, "source_file": "full.csv", "vendor": "Arbin", "file_format": "arbin-csv",
             "cell_id": "c7", "channel": "3", "start_time": started, "row_count": 12_345, "duration_s": 7.5,
             "outcome": "failed", "outcome_reason": "no discharge step", "access_tier": "private",
             "owner_organisation_id": alpha, "created_at": started},
            {"content_hash": "b" * 64, "source_file": None, "vendor": None, "file_format": None, "cell_id": None,
             "channel": None, "start_time": None, "row_count": 0, "duration_s": None, "outcome": "ok",
             "access_tier": "public", "owner_organisation_id": alpha, "created_at": started}])
        db.commit()
    items = platform.client.get("/api/v1/tests", headers=headers).json()["items"]
    assert len(items) == 2
    for item in items:
        read = platform.client.get(f"/api/v1/tests/{item['id']}", headers=headers).json()
        shared = {key: read.pop(key) for key in ("organisations", "consortia")}
        assert shared == {"organisations": [], "consortia": []}
        assert list(item.items()) == list(read.items())
    full = next(i for i in items if i["source_file"] == "full.csv")
    assert (full["start_time"], full["organisation"], full["outcome_reason"], full["channel"]) == (
        "2026-03-01T09:30:15.250000+00:00", "Alpha", "no discharge step", "3")


def test_past_its_bound_a_process_answers_503_with_retry_after_and_recovers():
    release = asyncio.Event()
    started: list[str] = []

    async def app(scope, receive, send):
        started.append(scope["path"])
        if scope["path"] == "/api/v1/slow":
            await release.wait()
        if scope["path"] == "/api/v1/fails":
            raise RuntimeError("an endpoint crashed")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    shedding = LoadShedding(app, max_in_flight=2, retry_after_s=3)

    async def call(path: str) -> tuple[int, dict, bytes]:
        messages = []

        async def send(message):
            messages.append(message)

        await shedding({"type": "http", "path": path}, None, send)
        return messages[0]["status"], dict(messages[0].get("headers", [])), messages[1]["body"]

    async def scenario():
        slow = [asyncio.create_task(call("/api/v1/slow")) for _ in range(2)]
        await asyncio.sleep(0)
        status, headers, body = await call("/api/v1/tests")  # the third while two are in progress
        health = await call("/api/v1/health")  # liveness is never shed
        release.set()
        finished = await asyncio.gather(*slow)
        with pytest.raises(RuntimeError):
            await call("/api/v1/fails")  # a crash gives its place back too
        after = await call("/api/v1/tests")
        return status, headers, body, health[0], [f[0] for f in finished], after[0]

    status, headers, body, health, finished, after = asyncio.run(scenario())
    assert (status, headers[b"retry-after"], headers[b"content-type"]) == (503, b"3", b"application/json")
    assert "busy" in json.loads(body)["detail"]
    assert "/api/v1/tests" not in started[:3]  # refused before it reached the app
    assert (health, finished, after) == (200, [200, 200], 200)
    assert (shedding.in_flight, shedding.shed) == (0, 1)


def test_the_bound_comes_from_the_environment_and_a_wrong_one_is_named(monkeypatch):
    monkeypatch.setenv("CELLBENCH_MAX_IN_FLIGHT", "7")
    assert max_in_flight_from_environment() == 7
    monkeypatch.setenv("CELLBENCH_MAX_IN_FLIGHT", "lots")
    with pytest.raises(InputError, match="CELLBENCH_MAX_IN_FLIGHT.*'lots'"):
        max_in_flight_from_environment()


def test_every_operation_but_health_documents_503(platform_factory):
    document = platform_factory().client.get("/openapi.json").json()
    assert "503" in document["paths"]["/api/v1/tests"]["get"]["responses"]
    assert "503" in document["paths"]["/api/v1/tests/{test_id}"]["get"]["responses"]
    assert "503" not in document["paths"]["/api/v1/health"]["get"]["responses"]
