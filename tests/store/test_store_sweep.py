"""Nothing left behind: ingest and watch sweep partial files and orphan blobs away, under a lock that keeps the
blob a live writer (in another process) is about to record."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cellbench.store import Store, Watcher

CHILD = Path(__file__).with_name("store_killable_ingest.py")


def _store_files(data_dir: Path) -> list[str]:
    """Every file under the data folder, by its path relative to it (the lock file aside)."""
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file() and p.name != "sweep.lock")


def _leave_debris(store: Store, discharge) -> tuple[Path, Path, Path]:
    """What killed processes leave: a partial blob, an orphan blob (no record), a partial attachment."""
    orphan_hash = store.blobs.put(discharge(3.0, cell_id="orphan"))  # blob written, record never committed
    partial = store.blobs.root / ".incoming-k1ll3d.partial"
    partial.write_bytes(b"PAR1 half a parquet")
    attachments = store.data_dir / "attachments"
    attachments.mkdir(parents=True, exist_ok=True)
    partial_attachment = attachments / "tmpk1ll3d.partial"
    partial_attachment.write_bytes(b"%PDF half")
    return store.blobs.path_for(orphan_hash), partial, partial_attachment


def test_the_next_ingest_sweeps_partials_and_orphans_but_keeps_recorded_blobs(database_url, data_dir, discharge,
                                                                             tmp_path):
    with Store.open(database_url, data_dir=data_dir) as store:
        kept = store.add_measurement(discharge(1.0, cell_id="kept"))
        debris = _leave_debris(store, discharge)
        assert all(p.is_file() for p in debris)
        kept_blob = str(store.blobs.path_for(kept.content_hash).relative_to(data_dir))
        assert _store_files(data_dir) == sorted([kept_blob, *(str(p.relative_to(data_dir)) for p in debris)])
    new_file = discharge(2.0, cell_id="new").to_parquet(tmp_path / "exports" / "new.parquet")
    with Store.open(database_url, data_dir=data_dir) as store:  # a fresh process, as `cellbench ingest` is
        assert all(p.is_file() for p in debris), "opening the store alone changes nothing"
        result = store.ingest(new_file)
        assert result.status == "stored"
        assert not any(p.exists() for p in debris)
        assert store.orphan_blobs() == [] and store.blobs.leftovers() == []
        assert store.load(kept.test_id).content_hash() == kept.content_hash  # a recorded blob stays
        new_blob = str(store.blobs.path_for(result.content_hash).relative_to(data_dir))
        assert _store_files(data_dir) == sorted([kept_blob, new_blob])  # counted before and after: debris gone


def test_watch_sweeps_when_it_starts(database_url, data_dir, discharge, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    with Store.open(database_url, data_dir=data_dir) as store:
        debris = _leave_debris(store, discharge)
        assert Watcher(store, folder).run(0.01, once=True) == []  # nothing to ingest, still a sweep
        assert not any(p.exists() for p in debris)


def test_a_sweep_never_removes_what_a_live_writer_in_another_process_holds(database_url, data_dir, discharge,
                                                                          tmp_path):
    big = discharge(2.0, rows=20_000).to_parquet(tmp_path / "exports" / "cell-K.parquet")
    with Store.open(database_url, data_dir=data_dir):
        pass
    child = subprocess.Popen([sys.executable, str(CHILD), database_url, str(data_dir), str(big), "writing-blob"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "AT writing-blob", child.stderr.read()
        with Store.open(database_url, data_dir=data_dir) as store:
            writing = store.blobs.leftovers()
            assert writing and all(p.name.startswith(".incoming-") for p in writing)  # the live child's partial
            assert store.blobs.sweep(store._referenced_hashes, wait_s=0.2) is None  # the child holds the lock
            assert store.blobs.leftovers() == writing
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
            assert store.sweep() == writing  # the writer is gone: its partial is debris now
            assert store.blobs.leftovers() == []
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
