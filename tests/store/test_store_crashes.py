"""Crashes lose nothing: `cellbench ingest`, `cellbench watch` and an evaluation worker process are killed with
SIGKILL at random moments, 20 times each. After every kill there is no half test (every record's time series
loads whole), the next operation leaves no partial file and no orphan blob, a rerun completes with one record per
file, and an evaluation whose worker died is run by another worker, never failed or left running.

These take minutes, so they run only when ``CELLBENCH_CRASH_TESTS=1`` (CI sets it in .ci/run).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cellbench.store import Store, Watcher

pytestmark = [
    pytest.mark.crash,
    pytest.mark.skipif(os.environ.get("CELLBENCH_CRASH_TESTS") != "1",
                       reason="crash tests (minutes of SIGKILL trials) run with CELLBENCH_CRASH_TESTS=1, as in CI"),
]

TRIALS = 20
CLI = [sys.executable, "-m", "cellbench.cli"]
WORKER_CHILD = Path(__file__).with_name("store_killable_worker.py")


def _cli(*args: str, data_dir: Path, url: str) -> subprocess.Popen:
    env = {**os.environ, "CELLBENCH_DATABASE_URL": url, "CELLBENCH_DATA_DIR": str(data_dir)}
    return subprocess.Popen([*CLI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_after(child: subprocess.Popen, delay_s: float) -> bool:
    """SIGKILL the child after ``delay_s`` unless it ended first; True when it was killed."""
    try:
        child.wait(timeout=delay_s)
        return False
    except subprocess.TimeoutExpired:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        return True
    finally:
        child.stderr.close()


def _assert_no_half_test(store: Store) -> int:
    """Every record's blob exists and loads whole; returns how many records there are."""
    records = store.tests()
    for record in records:
        assert store.load(record.id).data.height == record.row_count, f"half test: {record}"
    return len(records)


@pytest.fixture(scope="module")
def export(tmp_path_factory, discharge):
    """A cycler export big enough that reading and writing it take a good part of a second."""
    folder = tmp_path_factory.mktemp("export")
    return discharge(2.0, rows=150_000).to_csv(folder / "cell-K.csv")


def _timed_run(args: list[str], data_dir: Path, url: str) -> float:
    start = time.monotonic()
    child = _cli(*args, data_dir=data_dir, url=url)
    assert child.wait(timeout=300) == 0, child.stderr.read().decode()
    child.stderr.close()
    return time.monotonic() - start


def test_killed_ingest_leaves_no_half_test_and_the_next_ingest_leaves_nothing_behind(tmp_path, export):
    rng = random.Random(28)
    full_s = _timed_run(["ingest", str(export)], tmp_path / "probe", f"sqlite:///{tmp_path / 'probe.db'}")
    killed_before_commit = 0
    for trial in range(TRIALS):
        data_dir, url = tmp_path / f"t{trial}", f"sqlite:///{tmp_path / f't{trial}.db'}"
        with Store.open(url, data_dir=data_dir):
            pass  # migrated first: the kill lands in the ingest
        killed = _kill_after(_cli("ingest", str(export), data_dir=data_dir, url=url),
                             rng.uniform(0.3 * full_s, 1.05 * full_s))
        with Store.open(url, data_dir=data_dir) as store:
            found = _assert_no_half_test(store)
            killed_before_commit += killed and found == 0
            rerun = store.ingest(export)
            assert rerun.status == ("stored" if found == 0 else "already stored"), rerun
            assert len(store.tests()) == 1
            assert store.orphan_blobs() == [] and store.blobs.leftovers() == []  # swept by the next ingest
    assert killed_before_commit >= 1  # the trials did cut ingests off mid-way, not only after they finished


def test_killed_watch_leaves_no_half_test_and_a_restart_stores_every_file_once(tmp_path, export):
    rng = random.Random(29)
    folder = tmp_path / "exports"
    folder.mkdir()
    for k in range(3):  # three versions of the export, three distinct tests
        text = export.read_text().replace("4.2", f"4.{2 + k}", 1) if k else export.read_text()
        (folder / f"cell-{k}.csv").write_text(text)
    full_s = _timed_run(["watch", str(folder), "--once", "--interval", "0.2"], tmp_path / "probe",
                        f"sqlite:///{tmp_path / 'probe.db'}")
    for trial in range(TRIALS):
        data_dir, url = tmp_path / f"t{trial}", f"sqlite:///{tmp_path / f't{trial}.db'}"
        with Store.open(url, data_dir=data_dir):
            pass
        _kill_after(_cli("watch", str(folder), "--interval", "0.2", data_dir=data_dir, url=url),
                    rng.uniform(0.3 * full_s, 1.05 * full_s))
        with Store.open(url, data_dir=data_dir) as store:
            _assert_no_half_test(store)
            Watcher(store, folder).run(0.01, once=True)  # the restart
            assert sorted(Path(t.source_file).name for t in store.tests()) == ["cell-0.csv", "cell-1.csv",
                                                                               "cell-2.csv"]
            assert store.orphan_blobs() == [] and store.blobs.leftovers() == []


def test_an_evaluation_whose_worker_process_is_killed_is_run_by_another_worker(tmp_path):
    """A worker process (the real EvaluationWorker, a runner that takes a second) is killed at a random moment of
    a run; a worker in this process takes the run over once the lease runs out. No run is failed, none is left
    running, and each ends done by exactly one worker."""
    from cellbench.store.models import utc_now  # noqa: F401
    from cellbench.store.platform import EvaluationRun, PlatformMaterial, Sample
    from cellbench.web import EvaluationOptions
    from cellbench.web.evaluations import EvaluationWorker
    from cellbench.web.identity import create_organisation

    url, data_dir = f"sqlite:///{tmp_path / 'cb.db'}", tmp_path / "data"
    rng = random.Random(30)
    with Store.open(url, data_dir=data_dir) as store:
        with store.session() as db:
            org = create_organisation(db, "Provider")
            material = PlatformMaterial(name="NMC811", role="cathode", provider="Provider", datasheet_json="{}",
                                        owner_organisation_id=org.id)
            db.add(material)
            db.flush()
            sample = Sample(material_id=material.id, lot="L-3", owner_organisation_id=org.id)
            db.add(sample)
            db.commit()
            sample_id, org_id = sample.id, org.id

        def runner(on: Store, run_id: int, options) -> None:
            from cellbench.web import evaluations

            evaluations._write_if_still_ours(on, run_id, evaluations._claim.get(), status="done",
                                             error=None, results_json='{"by": "survivor"}')

        for trial in range(TRIALS):
            with store.session() as db:
                run = EvaluationRun(sample_id=sample_id, cell_id="std-2.1", suite="s", status="queued",
                                    owner_organisation_id=org_id)
                db.add(run)
                db.commit()
                run_id = run.id
            child = subprocess.Popen([sys.executable, str(WORKER_CHILD), url, str(data_dir)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                assert child.stdout.readline().strip() == f"CLAIMED {run_id}", child.stderr.read()
                time.sleep(rng.uniform(0.0, 0.9))  # somewhere inside its one-second run
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=30)
            finally:
                if child.poll() is None:
                    child.kill()
                    child.wait()
                child.stdout.close()
                child.stderr.close()
            survivor = EvaluationWorker(store, EvaluationOptions(), runner, poll_seconds=0.05,
                                        heartbeat_seconds=0.1, stale_after_seconds=0.5)
            try:
                survivor.resume()
                deadline = time.monotonic() + 30
                while True:
                    with store.session() as db:
                        row = db.get(EvaluationRun, run_id)
                        if row.status in ("done", "failed"):
                            break
                    assert time.monotonic() < deadline, f"trial {trial}: run {run_id} stuck as {row.status}"
                    time.sleep(0.05)
            finally:
                survivor.shutdown()
            assert (row.status, row.error, row.results_json) == ("done", None, '{"by": "survivor"}'), trial
            assert row.claimed_by == survivor.name and row.attempts == 2
