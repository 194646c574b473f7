"""A Python client generated from the OpenAPI document (openapi-python-client, committed in ``generated_client/``)
round-trips the main flows against a live server, and is regenerated whenever the document changes.

Only the generated client talks to the server here: a flow that needs a hand-written request, or a status the
document does not list (the client raises ``UnexpectedStatus``), means the document is not the contract.
Regenerate with ``scripts/generate_api_client.sh``.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import polars as pl
import pytest

from cellbench.web import WebSettings, create_app
from cellbench.web.identity import create_organisation, create_token, create_user
from generated_client import AuthenticatedClient, Client
from generated_client.api.evaluations import list_evaluations_api_v1_evaluations_get as list_evaluations
from generated_client.api.materials import add_attachment_api_v1_kind_s_record_id_attachments_post as add_attachment
from generated_client.api.materials import create_material_api_v1_materials_post as create_material
from generated_client.api.materials import create_sample_api_v1_samples_post as create_sample
from generated_client.api.materials import (
    get_attachment_api_v1_kind_s_record_id_attachments_attachment_id_get as get_attachment,
)
from generated_client.api.materials import get_material_api_v1_materials_material_id_get as get_material
from generated_client.api.materials import get_sample_api_v1_samples_sample_id_get as get_sample
from generated_client.api.materials import list_materials_api_v1_materials_get as list_materials
from generated_client.api.platform import health_api_v1_health_get as health
from generated_client.api.platform import me_api_v1_me_get as me
from generated_client.api.tests import change_test_access_api_v1_tests_test_id_access_put as change_test_access
from generated_client.api.tests import download_test_api_v1_tests_test_id_download_get as download_test
from generated_client.api.tests import get_test_api_v1_tests_test_id_get as get_test
from generated_client.api.tests import list_tests_api_v1_tests_get as list_tests
from generated_client.api.tests import upload_test_api_v1_tests_post as upload_test
from generated_client.errors import UnexpectedStatus
from generated_client.models import (
    AccessChange,
    AccessChangeTier,
    AddAttachmentApiV1KindSRecordIdAttachmentsPostKind,
    BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost,
    BodyUploadTestApiV1TestsPost,
    ErrorBody,
    GetAttachmentApiV1KindSRecordIdAttachmentsAttachmentIdGetKind,
    MaterialIn,
    MaterialInDatasheet,
    SampleIn,
)
from generated_client.types import File
from live_server import serving
from web_helpers import PASSWORD, backend_url

GENERATED = Path(__file__).resolve().parent / "generated_client"
REGENERATE = "the committed client is stale: run scripts/generate_api_client.sh and commit tests/web/generated_client"


def _comparable(document: dict) -> dict:
    """The document without the package version (a release changes it; the client does not depend on it)."""
    return {**document, "info": {k: v for k, v in document["info"].items() if k != "version"}}


def _operations(document: dict) -> dict[tuple[str, str], dict]:
    return {(method.upper(), path): operation for path, item in document["paths"].items()
            for method, operation in item.items()}


def _current_document(folder: Path) -> dict:
    app = create_app(WebSettings(database_url=f"sqlite:///{folder / 'cb.db'}", data_dir=folder / "data"))
    try:
        return json.loads(json.dumps(app.openapi()))  # as served: JSON, not Python objects
    finally:
        app.state.store.close()


def test_the_committed_client_was_generated_from_the_current_document(tmp_path):
    committed = json.loads((GENERATED / "openapi.json").read_text())
    current = _current_document(tmp_path)
    ours, theirs = _operations(current), _operations(committed)
    added, removed = sorted(ours.keys() - theirs.keys()), sorted(theirs.keys() - ours.keys())
    changed = sorted(key for key in ours.keys() & theirs.keys() if ours[key] != theirs[key])
    assert not (added or removed or changed), f"{REGENERATE}; added {added}, removed {removed}, changed {changed}"
    assert _comparable(current) == _comparable(committed), f"{REGENERATE}; the shared schemas or info differ"
    # and the committed code is the code of that document: one module per operation, each calling its own route
    in_code = set()
    for module in (GENERATED / "api").rglob("*.py"):
        found = re.search(r'"method": "(\w+)",\s*"url": "([^"]+)"', module.read_text())
        if found:
            in_code.add((found.group(1).upper(), found.group(2)))
    assert in_code == set(ours), f"{REGENERATE}; operations without code {set(ours) - in_code}"


@pytest.fixture
def server(backend, tmp_path):
    """A live server over a fresh store (SQLite, or PostgreSQL when given): Lab and Centre, one token each."""
    url, cleanup = backend_url(backend, tmp_path)
    app = create_app(WebSettings(database_url=url, data_dir=tmp_path / "data", max_upload_mb=1.0))
    tokens = {}
    with app.state.store.session() as db:
        for organisation, email in (("Lab", "ada@lab.example"), ("Centre", "eve@centre.example")):
            create_organisation(db, organisation)
            create_user(db, email, PASSWORD, organisation, role="member")
            tokens[organisation] = create_token(db, email, "generated client")
    with serving(app) as port:
        url = f"http://127.0.0.1:{port}"
        clients = {name: AuthenticatedClient(base_url=url, token=token, raise_on_unexpected_status=True, timeout=60)
                   for name, token in tokens.items()}
        clients["anonymous"] = Client(base_url=url, raise_on_unexpected_status=True, timeout=60)
        yield clients
        for client in clients.values():
            client.get_httpx_client().close()
    app.state.store.close()
    cleanup()


def _cycler_file(points: int = 40) -> bytes:
    """A cellbench canonical CSV: a 1 A charge from 3.0 V, one point a minute."""
    rows = "".join(f"{60 * k},{3.0 + 0.02 * k:.2f},1.0\n" for k in range(points))
    return ("test_time_second,voltage_volt,current_ampere\n" + rows).encode()


def _error(response, status: int) -> str:
    """The documented error body of a response with ``status``: parsed into ErrorBody by the client itself."""
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, ErrorBody), response.parsed
    assert response.parsed.detail and not response.parsed.additional_properties  # exactly {"detail": "..."}
    return response.parsed.detail


def test_the_generated_client_round_trips_the_main_flows(server):
    lab, centre, anonymous = server["Lab"], server["Centre"], server["anonymous"]

    assert health.sync(client=anonymous)["status"] == "ok"
    assert me.sync(client=lab)["organisation"] == "Lab"
    assert "sign in" in _error(list_tests.sync_detailed(client=anonymous), 401)

    # upload a cycler file, find it in the list, read it, download its series
    sent = _cycler_file()
    uploaded = upload_test.sync_detailed(client=lab, body=BodyUploadTestApiV1TestsPost(
        file=File(payload=io.BytesIO(sent), file_name="cell-017.csv", mime_type="text/csv")))
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.parsed["status"] == "stored" and uploaded.parsed["row_count"] == 40
    test_id = uploaded.parsed["test_id"]
    page = list_tests.sync(client=lab, limit=10, with_total=True)
    assert [item["id"] for item in page["items"]] == [test_id] and page["total"] == 1
    assert page["next_offset"] is None
    record = get_test.sync(test_id, client=lab)
    assert (record["source_file"], record["organisation"], record["access_tier"]) == ("cell-017.csv", "Lab", "private")
    parquet = download_test.sync_detailed(test_id, client=lab)
    assert parquet.status_code == 200
    series = pl.read_parquet(io.BytesIO(parquet.content))
    assert series.height == 40 and series["voltage_volt"].max() == pytest.approx(3.78)

    # a private record is missing for another organisation; shared with it by name, it can be read but not changed
    assert f"{test_id}" in _error(get_test.sync_detailed(test_id, client=centre), 404)
    assert list_tests.sync(client=centre)["items"] == []
    shared = change_test_access.sync_detailed(test_id, client=lab, body=AccessChange(
        tier=AccessChangeTier.NAMED, organisations=["Centre"]))
    assert shared.status_code == 200, shared.content
    assert get_test.sync(test_id, client=centre)["access_tier"] == "named"
    _error(change_test_access.sync_detailed(test_id, client=centre, body=AccessChange(tier=AccessChangeTier.PUBLIC)),
           403)
    # the access body's own rule (named needs an organisation) is a documented 422, not a crash or a 500
    assert "organisation" in _error(change_test_access.sync_detailed(
        test_id, client=lab, body=AccessChange(tier=AccessChangeTier.NAMED)), 422)
    # a file that is not a cycler export: 422 naming it, and nothing stored
    broken = upload_test.sync_detailed(client=lab, body=BodyUploadTestApiV1TestsPost(
        file=File(payload=io.BytesIO(b"hello,world\n1,2\n"), file_name="notes.csv")))
    assert "notes.csv" in _error(broken, 422)
    assert list_tests.sync(client=lab, with_total=True)["total"] == 1

    # a material with a datasheet, a file attached to it and read back byte for byte, a sample of it
    datasheet = MaterialInDatasheet.from_dict({"name": "PVDF binder", "role": "binder", "density_g_cm3": 1.77,
                                               "sources": {"default": "supplier sheet"}})
    created = create_material.sync_detailed(client=lab, body=MaterialIn(datasheet=datasheet, provider="Binders Ltd"))
    assert created.status_code == 201, created.content
    material_id = created.parsed["id"]
    assert [m["id"] for m in list_materials.sync(client=lab)["items"]] == [material_id]
    material = get_material.sync(material_id, client=lab)
    assert material["provider"] == "Binders Ltd" and material["datasheet"]["density_g_cm3"] == 1.77
    pdf = b"%PDF-1.4\n% a datasheet\n"
    attached = add_attachment.sync_detailed(
        AddAttachmentApiV1KindSRecordIdAttachmentsPostKind.MATERIAL, material_id, client=lab,
        body=BodyAddAttachmentApiV1KindSRecordIdAttachmentsPost(file=File(payload=io.BytesIO(pdf),
                                                                          file_name="sheet.pdf")))
    assert attached.status_code == 201, attached.content
    back = get_attachment.sync_detailed(GetAttachmentApiV1KindSRecordIdAttachmentsAttachmentIdGetKind.MATERIAL,
                                        material_id, attached.parsed["id"], client=lab)
    assert back.status_code == 200 and back.content == pdf
    sample = create_sample.sync_detailed(client=lab, body=SampleIn(material_id=material_id, lot="L-7",
                                                                    quantity_g=25.0))
    assert sample.status_code == 201, sample.content
    assert get_sample.sync(sample.parsed["id"], client=lab)["lot"] == "L-7"
    assert f"{material_id}" in _error(get_material.sync_detailed(material_id, client=centre), 404)

    # nothing evaluated yet: an empty first page, in the list shape every list has
    evaluations = list_evaluations.sync(client=lab, with_total=True)
    assert (evaluations["items"], evaluations["total"], evaluations["next_offset"]) == ([], 0, None)


def test_an_undocumented_status_is_an_error_of_the_client(server):
    """What the other test relies on: the generated client refuses a status its document does not list."""
    base_url = str(server["anonymous"].get_httpx_client().base_url).rstrip("/")
    elsewhere = Client(base_url=f"{base_url}/not-the-api", raise_on_unexpected_status=True)
    with pytest.raises(UnexpectedStatus) as raised:
        health.sync_detailed(client=elsewhere)  # /health has no 404 in the document: it never answers one
    assert raised.value.status_code == 404
    elsewhere.get_httpx_client().close()
