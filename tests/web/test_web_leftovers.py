"""Nothing left behind by the server: downloads leave no temporary folders; a server start sweeps the store."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cellbench.measurements import Measurement
from web_helpers import two_cycles


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """The temporary directory of this test alone (the machine's /tmp is shared with other processes)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_downloads_leave_no_temporary_folders(platform_factory, private_tmp, tmp_path):
    platform = platform_factory()
    platform.organisation("Lab")
    headers = platform.user("lab@lab.example", "Lab")
    stored = platform.store.add_measurement(two_cycles(), source="/lab/cell-017.csv", organisation="Lab")
    before = sorted(private_tmp.iterdir())
    for _ in range(3):
        parquet = platform.client.get(f"/api/v1/tests/{stored.test_id}/download?format=parquet", headers=headers)
        assert parquet.status_code == 200
        assert parquet.headers["content-disposition"] == 'attachment; filename="cell-017.parquet"'
        assert int(parquet.headers["content-length"]) == len(parquet.content)
        csv = platform.client.get(f"/api/v1/tests/{stored.test_id}/download?format=bdf-csv", headers=headers)
        assert csv.status_code == 200 and csv.text.startswith("Test Time")
    bpx = platform.client.get("/api/v1/cells/std-2.1/bpx", headers=headers)
    assert bpx.status_code == 200 and bpx.json()["Header"]
    assert sorted(private_tmp.iterdir()) == before == []
    (tmp_path / "back.parquet").write_bytes(parquet.content)
    assert Measurement.from_parquet(tmp_path / "back.parquet").content_hash() == stored.content_hash


def test_an_interrupted_download_leaves_no_temporary_folder(platform_factory, private_tmp):
    platform = platform_factory()
    platform.organisation("Lab")
    headers = platform.user("lab@lab.example", "Lab")
    stored = platform.store.add_measurement(two_cycles(), organisation="Lab")
    with platform.client.stream("GET", f"/api/v1/tests/{stored.test_id}/download?format=bdf-csv",
                                headers=headers) as response:
        assert response.status_code == 200
        assert list(private_tmp.iterdir()) == []  # gone before the first byte was read, not after the last
        next(response.iter_bytes())


def test_a_server_start_sweeps_partial_files_and_orphan_blobs(platform_factory):
    platform = platform_factory()
    store = platform.store
    kept = store.add_measurement(two_cycles(cell_id="kept"))
    orphan = store.blobs.path_for(store.blobs.put(two_cycles(2.0, cell_id="orphan")))
    partial = store.blobs.root / ".incoming-k1ll3d.partial"
    partial.write_bytes(b"PAR1")
    attachment_partial = store.data_dir / "attachments" / "tmpk1ll3d.partial"
    attachment_partial.parent.mkdir(parents=True, exist_ok=True)
    attachment_partial.write_bytes(b"%PDF")
    with TestClient(platform.app):  # a second start of the same app: its lifespan sweeps
        pass
    assert not orphan.exists() and not partial.exists() and not attachment_partial.exists()
    assert store.blobs.all_hashes() == {kept.content_hash}
