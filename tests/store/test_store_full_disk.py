"""A full disk during ingest: a clear message from the CLI (no traceback), no record, no partial file; once there
is room, the same ingest completes. The data folder is a 1 MB tmpfs (needs the right to mount; skipped without)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cellbench.store import Store


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"full-disk test skipped: cannot mount a small tmpfs here ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_gives_a_clear_error_and_a_consistent_store(small_disk, tmp_path, discharge):
    export = discharge(2.0, rows=100_000).to_csv(tmp_path / "cell-F.csv")  # a blob of several MB
    url = f"sqlite:///{tmp_path / 'cb.db'}"  # the database elsewhere: only the blob folder is full
    env = {**os.environ, "CELLBENCH_DATABASE_URL": url, "CELLBENCH_DATA_DIR": str(small_disk)}
    run = subprocess.run([sys.executable, "-m", "cellbench.cli", "ingest", str(export)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "No space left on device" in run.stderr and "nothing was stored" in run.stderr
    assert "Traceback" not in run.stderr
    with Store.open(url, data_dir=small_disk) as store:
        assert store.tests() == []
        assert store.orphan_blobs() == [] and store.blobs.leftovers() == []
    # room again (a larger folder): the same ingest completes
    with Store.open(url, data_dir=tmp_path / "roomy") as store:
        assert store.ingest(export).status == "stored"
