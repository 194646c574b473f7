"""watch: ingest files once two looks agree, each file version once, across restarts; failures recorded."""

from __future__ import annotations

import os

import pytest

from cellbench.errors import InputError
from cellbench.store import Watcher


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "exports"
    path.mkdir()
    return path


def test_a_file_is_ingested_only_when_two_looks_agree(store, folder, discharge):
    watcher = Watcher(store, folder)
    discharge(1.0).to_parquet(folder / "cell-1.parquet")
    assert watcher.poll() == []  # first sight: may still be growing
    results = watcher.poll()
    assert [(r.status, os.path.basename(r.source)) for r in results] == [("stored", "cell-1.parquet")]
    assert watcher.poll() == []  # handled
    assert len(store.tests()) == 1


def test_a_growing_file_waits_until_it_stops_growing(store, folder, discharge):
    watcher = Watcher(store, folder)
    path = folder / "cell-2.parquet"
    final = discharge(1.0).to_parquet(folder / "staging.parquet.tmp").read_bytes()
    path.write_bytes(final[: len(final) // 3])
    assert watcher.poll() == []
    path.write_bytes(final[: 2 * len(final) // 3])  # grew between looks
    assert watcher.poll() == []
    path.write_bytes(final)
    assert watcher.poll() == []
    assert [r.status for r in watcher.poll()] == ["stored"]
    assert store.failures() == []  # the half-written versions were never read


def test_restart_does_not_ingest_twice(store, folder, discharge):
    discharge(1.0).to_parquet(folder / "a.parquet")
    discharge(1.1).to_parquet(folder / "b.parquet")
    assert [r.status for r in Watcher(store, folder).run(0.0, once=True)] == ["stored", "stored"]
    restarted = Watcher(store, folder)
    assert restarted.run(0.0, once=True) == []
    assert len(store.tests()) == 2


def test_a_changed_file_is_ingested_again_and_a_touched_one_is_not(store, folder, discharge):
    path = discharge(1.0).to_parquet(folder / "cell-3.parquet")
    watcher = Watcher(store, folder)
    watcher.run(0.0, once=True)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # touched: same bytes
    assert watcher.poll() == [] and watcher.poll() == []
    discharge(1.0, rows=91).to_parquet(path)  # re-exported with more points: new content
    watcher.poll()
    assert [r.status for r in watcher.poll()] == ["stored"]
    assert len(store.tests()) == 2


def test_bad_files_are_recorded_once_as_failures(store, folder):
    (folder / "garbage.parquet").write_bytes(b"not parquet at all")
    watcher = Watcher(store, folder)
    watcher.poll()
    results = watcher.poll()
    assert [r.status for r in results] == ["failed"]
    assert "garbage.parquet" in results[0].error
    assert Watcher(store, folder).run(0.0, once=True) == []  # not retried until it changes
    assert [f.attempts for f in store.failures()] == [1]
    assert store.tests() == []


def test_temporary_hidden_and_side_files_and_the_store_itself_are_ignored(store, folder, discharge, tmp_path):
    m = discharge(1.0)
    m.to_parquet(folder / ".hidden.parquet")
    m.to_parquet(folder / "copying.parquet.part")
    (folder / "Cell_Metadata.csv").write_text("Test Name,x\n")
    (folder / ".git").mkdir()
    m.to_parquet(folder / ".git" / "inside-hidden-folder.parquet")
    watcher = Watcher(store, folder)
    assert watcher.run(0.0, once=True) == []
    # Watching the folder that holds the store (its blobs and, on SQLite, its database) ingests none of it.
    store.add_measurement(m)
    assert store.blobs.all_hashes() and store.data_dir.parent == tmp_path
    assert Watcher(store, tmp_path).run(0.0, once=True) == []
    assert store.failures() == []


def test_watching_a_missing_folder_is_an_input_error(store, tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        Watcher(store, tmp_path / "nowhere")
