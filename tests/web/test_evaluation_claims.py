"""Several server processes share one evaluation queue: each queued evaluation runs exactly once, a live run is
never touched by another process, and a run whose process is gone goes back to the queue for a live process (a
lease), until it has been claimed too often.

Each "process" here is an :class:`EvaluationWorker` over its own ``Store`` (own engine and connection pool) on one
database, on SQLite and on PostgreSQL. The runner is a stand-in that records who ran what.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from cellbench.store import Store
from cellbench.store.models import utc_now
from cellbench.store.platform import EvaluationRun, PlatformMaterial, Sample
from cellbench.web import EvaluationOptions
from cellbench.web.evaluations import EvaluationWorker
from cellbench.web.identity import create_organisation

from web_helpers import backend_url


@pytest.fixture
def shared_database(backend, tmp_path):
    """(url, data folder, sample id) of a fresh database with one organisation, material and sample."""
    url, cleanup = backend_url(backend, tmp_path)
    with Store.open(url, data_dir=tmp_path / "data") as store, store.session() as db:
        org = create_organisation(db, "Provider")
        material = PlatformMaterial(name="NMC811 lot 3", role="cathode", provider="Provider", datasheet_json="{}",
                                    owner_organisation_id=org.id)
        db.add(material)
        db.flush()
        sample = Sample(material_id=material.id, lot="L-3", owner_organisation_id=org.id)
        db.add(sample)
        db.commit()
        sample_id = sample.id
    yield url, tmp_path / "data", sample_id
    cleanup()


@pytest.fixture
def processes(shared_database):
    """Open stores over the shared database, one per simulated server process; all closed afterwards."""
    url, folder, _ = shared_database
    opened: list[tuple[Store, list[EvaluationWorker]]] = []

    def store() -> Store:
        made = Store.open(url, data_dir=folder)
        opened.append((made, []))
        return made

    def worker(on: Store, runner, **timing) -> EvaluationWorker:
        made = EvaluationWorker(on, EvaluationOptions(), runner, **timing)
        next(workers for s, workers in opened if s is on).append(made)
        return made

    yield store, worker
    for made, workers in opened:
        for w in workers:
            w.shutdown()
        made.close()


def queue(store: Store, sample_id: int, count: int, status: str = "queued", **columns) -> list[int]:
    with store.session() as db:
        rows = [EvaluationRun(sample_id=sample_id, cell_id="std-2.1", suite="s", status=status,
                              owner_organisation_id=1, **columns) for _ in range(count)]
        db.add_all(rows)
        db.commit()
        return [row.id for row in rows]


def statuses(store: Store) -> dict[int, tuple[str, str | None]]:
    with store.session() as db:
        return {row.id: (row.status, row.error) for row in db.query(EvaluationRun)}


def finish(store: Store, run_id: int) -> None:
    with store.session() as db:
        row = db.get(EvaluationRun, run_id)
        row.status, row.finished_at = "done", utc_now()
        db.commit()


def wait_until(condition, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def test_two_processes_told_of_every_job_run_each_exactly_once(processes, shared_database):
    store, worker = processes
    ran: list[int] = []
    lock = threading.Lock()

    def runner(on: Store, run_id: int, options) -> None:
        with lock:
            ran.append(run_id)
        time.sleep(0.01)  # long enough that the other process reaches the same job while this one holds it
        finish(on, run_id)

    first, second = store(), store()
    ids = queue(first, shared_database[2], 12)
    workers = [worker(first, runner), worker(second, runner)]
    # both processes hear of every job at once, in the same order: the worst case for a double run
    futures = [w.submit(run_id) for run_id in ids for w in workers]
    ran_here = [f.result(timeout=30) for f in futures]

    assert Counter(ran) == Counter(ids)  # each job once, none twice, none left out
    assert sum(ran_here) == len(ids)  # and exactly one of the two claims won for each
    assert {status for status, _ in statuses(first).values()} == {"done"}
    with first.session() as db:
        claimants = {row.claimed_by for row in db.query(EvaluationRun)}
    assert claimants <= {w.name for w in workers}


def test_an_idle_process_takes_on_jobs_queued_elsewhere(processes, shared_database):
    """A job queued while its own process is busy (or by a process without a worker) is run by a poller."""
    store, worker = processes
    done = threading.Event()

    def runner(on: Store, run_id: int, options) -> None:
        finish(on, run_id)
        done.set()

    idle = worker(store(), runner, poll_seconds=0.05)
    idle.resume()
    [run_id] = queue(store(), shared_database[2], 1)  # never submitted to any worker
    assert done.wait(timeout=10)
    wait_until(lambda: statuses(idle.store)[run_id][0] == "done")
    assert run_id in idle.futures


def test_a_starting_process_takes_over_only_runs_whose_process_is_gone(processes, shared_database):
    store, worker = processes
    first = store()
    sample_id = shared_database[2]
    [live] = queue(first, sample_id, 1, status="running", claimed_by="other-host:41:1", heartbeat_at=utc_now(),
                   attempts=1)
    [gone] = queue(first, sample_id, 1, status="running", claimed_by="other-host:7:1",
                   heartbeat_at=utc_now() - timedelta(minutes=5), attempts=1)
    [unstamped] = queue(first, sample_id, 1, status="running")  # from before claims existed
    [worn_out] = queue(first, sample_id, 1, status="running", claimed_by="other-host:9:1",
                       heartbeat_at=utc_now() - timedelta(minutes=5), attempts=3)
    ran: list[int] = []

    def runner(on: Store, run_id: int, options) -> None:
        ran.append(run_id)
        finish(on, run_id)

    starting = worker(store(), runner, stale_after_seconds=60, max_attempts=3)
    starting.resume()
    wait_until(lambda: statuses(first)[gone][0] == statuses(first)[unstamped][0] == "done")

    found = statuses(first)
    assert found[live] == ("running", None)  # a live process's run is never touched
    assert sorted(ran) == sorted([gone, unstamped])  # the abandoned ones ran here, once each
    assert found[worn_out][0] == "failed" and "stopped 3 times" in found[worn_out][1]
    with first.session() as db:
        assert db.get(EvaluationRun, gone).attempts == 2 and db.get(EvaluationRun, gone).claimed_by == starting.name


def test_the_heartbeat_keeps_a_long_run_alive_while_others_poll(processes, shared_database):
    store, worker = processes
    release, started = threading.Event(), threading.Event()

    def long_runner(on: Store, run_id: int, options) -> None:
        started.set()
        release.wait(timeout=20)
        finish(on, run_id)

    first, second = store(), store()
    [run_id] = queue(first, shared_database[2], 1)
    running = worker(first, long_runner, heartbeat_seconds=0.05, stale_after_seconds=0.5)
    watcher = worker(second, long_runner, poll_seconds=0.05, stale_after_seconds=0.5)
    future = running.submit(run_id)
    assert started.wait(timeout=10)
    watcher.resume()
    time.sleep(1.5)  # three times the staleness limit: without heartbeats the watcher would fail the run
    assert statuses(first)[run_id] == ("running", None)
    release.set()
    assert future.result(timeout=10) is True
    assert statuses(first)[run_id] == ("done", None)


def test_a_run_without_heartbeat_is_handed_to_another_process_and_the_first_cannot_overwrite_it(
        processes, shared_database):
    """The same setting as above with the heartbeat too slow: the watcher takes the run for abandoned, puts it back
    in the queue and runs it itself; when the first process wakes up, its late result changes nothing."""
    from cellbench.web.evaluations import run_evaluation  # noqa: F401  (the real runner's write rule is tested)
    from cellbench.web import evaluations

    store, worker = processes
    release, started = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow_runner(on: Store, run_id: int, options) -> None:
        started.set()
        release.wait(timeout=20)
        evaluations._write_if_still_ours(on, run_id, evaluations._claim.get(), status="done", error="stale")

    def quick_runner(on: Store, run_id: int, options) -> None:
        runs.append("watcher")
        evaluations._write_if_still_ours(on, run_id, evaluations._claim.get(), status="done", error=None)

    first, second = store(), store()
    [run_id] = queue(first, shared_database[2], 1)
    silent = worker(first, slow_runner, heartbeat_seconds=30, stale_after_seconds=0.3)
    watcher = worker(second, quick_runner, poll_seconds=0.05, stale_after_seconds=0.3)
    future = silent.submit(run_id)
    assert started.wait(timeout=10)
    watcher.resume()
    wait_until(lambda: statuses(first)[run_id] == ("done", None), timeout_s=10)
    assert runs == ["watcher"]
    release.set()
    assert future.result(timeout=10) is True
    assert statuses(first)[run_id] == ("done", None)  # not "stale": the first process no longer held the row
    with first.session() as db:
        row = db.get(EvaluationRun, run_id)
        assert row.claimed_by == watcher.name and row.attempts == 2
