"""SIGKILL an ingest at each point of its life and check the store: no half record, no visible orphan, and a
re-run completes with exactly one record."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cellbench.store import Store, Watcher

CHILD = Path(__file__).with_name("store_killable_ingest.py")


def run_until(point: str, url: str, data_dir: Path, path: Path) -> None:
    """Start the child, wait until it reports reaching `point`, then SIGKILL it."""
    child = subprocess.Popen([sys.executable, str(CHILD), url, str(data_dir), str(path), point],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == f"AT {point}", f"child did not reach {point}: {line!r} {child.stderr.read()}"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()


@pytest.fixture
def big_file(tmp_path, discharge):
    # 20 000 rows: a blob of a few hundred kB, so the write is a real write
    return discharge(2.0, rows=20_000).to_parquet(tmp_path / "export" / "cell-K.parquet")


@pytest.mark.parametrize("point", ["writing-blob", "blob-in-place", "row-flushed"])
def test_killed_ingest_leaves_no_record_and_rerun_completes(point, database_url, data_dir, big_file, discharge):
    with Store.open(database_url, data_dir=data_dir):
        pass  # migrate first, so the kill lands in the ingest, not in the schema creation
    run_until(point, database_url, data_dir, big_file)

    with Store.open(database_url, data_dir=data_dir) as store:
        assert store.tests() == [], "a killed ingest must not leave a record"
        complete_blobs = store.blobs.all_hashes()
        if point == "writing-blob":
            # Only a hidden temporary file, never a blob under its content name.
            assert complete_blobs == set()
            assert store.blobs.leftovers() and all(p.name.startswith(".") for p in store.blobs.leftovers())
        else:
            # The blob is complete and intact (it was renamed into place whole), but no record points at it.
            assert len(complete_blobs) == 1
            assert store.orphan_blobs() == [store.blobs.path_for(next(iter(complete_blobs)))]
            assert store.blobs.load(next(iter(complete_blobs))).data.height == 20_000

        result = store.ingest(big_file)
        assert result.status == "stored"
        assert [t.id for t in store.tests()] == [result.test_id]
        assert store.load(result.test_id).content_hash() == result.content_hash
        # the ingest swept what the killed one left: no partial file, no orphan
        assert store.orphan_blobs() == [] and store.blobs.leftovers() == []
        assert store.ingest(big_file).status == "already stored"


def test_killed_watcher_does_not_ingest_twice_after_restart(database_url, data_dir, big_file):
    with Store.open(database_url, data_dir=data_dir):
        pass
    run_until("watch-noted", database_url, data_dir, big_file)
    with Store.open(database_url, data_dir=data_dir) as store:
        assert len(store.tests()) == 1  # stored, but the watcher died before noting the file down
        results = Watcher(store, big_file.parent).run(0.01, once=True)
        assert [r.status for r in results] == ["already stored"]
        assert len(store.tests()) == 1
        # Noted now: a further restart handles nothing.
        assert Watcher(store, big_file.parent).run(0.01, once=True) == []


def test_concurrent_ingests_of_one_file_make_one_record(database_url, data_dir, big_file):
    """Two processes ingest the same file at once: one stores it, the other finds it already stored."""
    with Store.open(database_url, data_dir=data_dir):
        pass
    children = [subprocess.Popen([sys.executable, str(CHILD), database_url, str(data_dir), str(big_file), "none"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [child.communicate(timeout=120) for child in children]
    statuses = sorted(out.strip() for out, _err in outputs)
    assert statuses == ["already stored", "stored"], [err for _out, err in outputs]
    with Store.open(database_url, data_dir=data_dir) as store:
        assert len(store.tests()) == 1 and store.orphan_blobs() == []
