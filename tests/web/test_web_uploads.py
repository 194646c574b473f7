"""Uploads go through the store's ingest; limits on size and type; a broken upload stores nothing."""

from __future__ import annotations

import io

import polars as pl
import pytest
from sqlalchemy import func, select

from cellbench.measurements import Measurement
from cellbench.store.models import Test
from web_helpers import csrf_of, real_file


@pytest.fixture
def lab(platform_factory):
    platform = platform_factory(max_upload_mb=3.0)
    platform.organisation("Lab")
    headers = platform.user("lab@lab.example", "Lab")
    return platform, headers


def _test_count(platform) -> int:
    with platform.store.session() as db:
        return db.scalar(select(func.count()).select_from(Test))


def test_a_real_cycler_file_is_stored_as_the_cli_would_store_it(lab, tmp_path):
    platform, headers = lab
    path = real_file("neware_uio.csv")
    with path.open("rb") as f:
        response = platform.client.post("/api/v1/tests", files={"file": (path.name, f)}, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "stored"
    # The same file through Store.ingest (what `cellbench ingest` calls) gives the same content and rows.
    from cellbench.store import Store

    with Store.open(f"sqlite:///{tmp_path / 'cli.db'}", data_dir=tmp_path / "cli") as cli_store:
        cli = cli_store.ingest(path)
    assert (body["content_hash"], body["row_count"]) == (cli.content_hash, cli.row_count)
    record = platform.client.get(f"/api/v1/tests/{body['test_id']}", headers=headers).json()
    assert record["source_file"] == "neware_uio.csv" and record["organisation"] == "Lab"
    assert record["access_tier"] == "private"
    again = platform.client.post("/api/v1/tests", files={"file": (path.name, path.read_bytes())}, headers=headers)
    assert again.json()["status"] == "already stored" and again.json()["test_id"] == body["test_id"]


def test_downloads_give_back_the_stored_series(lab, tmp_path):
    platform, headers = lab
    path = real_file("neware_uio.csv")
    stored = platform.client.post("/api/v1/tests", files={"file": (path.name, path.read_bytes())},
                                  headers=headers).json()
    parquet = platform.client.get(f"/api/v1/tests/{stored['test_id']}/download?format=parquet", headers=headers)
    assert parquet.status_code == 200
    (tmp_path / "back.parquet").write_bytes(parquet.content)
    assert Measurement.from_parquet(tmp_path / "back.parquet").content_hash() == stored["content_hash"]
    csv = platform.client.get(f"/api/v1/tests/{stored['test_id']}/download?format=bdf-csv", headers=headers)
    table = pl.read_csv(io.BytesIO(csv.content))
    assert table.height == stored["row_count"]
    assert any(c.startswith("Voltage") for c in table.columns)  # BDF human-readable headers


def test_a_broken_file_stores_no_test_and_says_why(lab):
    platform, headers = lab
    path = real_file("bad_custom_truncated.csv")
    response = platform.client.post("/api/v1/tests", files={"file": (path.name, path.read_bytes())}, headers=headers)
    assert response.status_code == 422
    assert "bad_custom_truncated.csv" in response.json()["detail"]
    assert _test_count(platform) == 0
    assert not list((platform.store.data_dir).rglob("*.parquet"))


def test_size_and_type_limits_have_clear_messages_and_store_nothing(lab):
    platform, headers = lab
    big = b"test_time_second,voltage_volt,current_ampere\n" + b"0,3.7,1\n" * 400_000  # 3.2 MB > 3 MB
    response = platform.client.post("/api/v1/tests", files={"file": ("big.csv", big)}, headers=headers)
    assert response.status_code == 413  # Payload Too Large: within the body limit's envelope, refused while copied
    assert "larger than the upload limit of 3 MB" in response.json()["detail"]
    exe = platform.client.post("/api/v1/tests", files={"file": ("tool.exe", b"MZ...")}, headers=headers)
    assert exe.status_code == 422 and "not a cycler export" in exe.json()["detail"]
    assert ".csv" in exe.json()["detail"] and "Maccor numbered" in exe.json()["detail"]
    empty = platform.client.post("/api/v1/tests", files={"file": ("empty.csv", b"")}, headers=headers)
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]
    assert _test_count(platform) == 0


def test_the_upload_form_leads_to_the_test_page_with_its_figures(lab):
    platform, _ = lab
    browser = platform.browser("lab@lab.example")
    path = real_file("neware_uio.csv")
    response = browser.post("/tests/upload", data={"csrf_token": csrf_of(browser)},
                            files={"file": (path.name, path.read_bytes())}, follow_redirects=False)
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert page.status_code == 200 and "neware_uio.csv" in page.text and "/static-vendor/plotly.min.js" in page.text
    test_id = response.headers["location"].rsplit("/", 1)[1]
    figures = browser.get(f"/api/v1/tests/{test_id}/figures").json()
    cycles = browser.get(f"/api/v1/tests/{test_id}/cycles").json()["cycles"]
    fade = figures["capacity_fade"]["data"][0]
    discharged = [c for c in cycles if c["discharge_capacity_Ah"] > 0]
    assert fade["x"] == [c["cycle"] for c in discharged]
    assert fade["y"] == pytest.approx([c["discharge_capacity_Ah"] for c in discharged])
    assert len(figures["voltage_capacity"]["data"]) >= len(discharged)
    assert browser.get("/static-vendor/plotly.min.js").status_code == 200


def test_a_broken_upload_through_the_form_shows_the_message(lab):
    platform, _ = lab
    browser = platform.browser("lab@lab.example")
    path = real_file("bad_custom_nan_inf.csv")
    response = browser.post("/tests/upload", data={"csrf_token": csrf_of(browser)},
                            files={"file": (path.name, path.read_bytes())}, follow_redirects=False)
    assert response.status_code == 422 and "bad_custom_nan_inf.csv" in response.text
    assert _test_count(platform) == 0


@pytest.mark.parametrize("sent_name, kept_name", [("../../escape.csv", "escape.csv"),
                                                  ("/etc/cron.d/x.csv", "x.csv"),
                                                  ("..\\..\\win dows.csv", "win_dows.csv")])
def test_file_names_never_reach_the_filesystem_as_paths(lab, tmp_path, monkeypatch, sent_name, kept_name):
    """Only the cleaned last part of an uploaded name is used; nothing is written beside or above the upload."""
    import tempfile
    from pathlib import Path

    platform, headers = lab
    (tmp_path / "tmp" / "a" / "b").mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp" / "a" / "b"))  # ours alone, not the shared /tmp
    csv = b"test_time_second,voltage_volt,current_ampere\n" + b"".join(
        f"{t * 60},{3.0 + t / 100:.2f},1\n".encode() for t in range(50))
    before = set(Path(tempfile.gettempdir()).iterdir())
    response = platform.client.post("/api/v1/tests", files={"file": (sent_name, csv)}, headers=headers)
    assert response.status_code == 201, response.text
    record = platform.client.get(f"/api/v1/tests/{response.json()['test_id']}", headers=headers).json()
    assert record["source_file"] == kept_name
    assert set(Path(tempfile.gettempdir()).iterdir()) == before  # no leftover upload folder
    assert [p.name for p in (tmp_path / "tmp").rglob("*")] == ["a", "b"]  # no escape.csv two levels up
    attached = platform.client.post("/api/v1/materials", json={"datasheet": {
        "name": "binder", "role": "binder", "density_g_cm3": 1.77, "sources": {"default": "sheet"}}}, headers=headers)
    material_id = attached.json()["id"]
    doc = platform.client.post(f"/api/v1/materials/{material_id}/attachments",
                               files={"file": ("../../../sheet.pdf", b"%PDF-1.4")}, headers=headers)
    assert doc.status_code == 201 and doc.json()["filename"] == "sheet.pdf"
    assert sorted(p.name for p in (platform.store.data_dir / "attachments").iterdir()) == [doc.json()["sha256"]]
