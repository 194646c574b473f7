"""Evaluations on the platform: a sample in a standard cell, run in a background worker with progress in the DB.

An evaluation takes minutes (dozens of PyBaMM simulations), so a request only creates the ``queued`` row and
hands its id to :class:`EvaluationWorker`; the page polls the row for progress. The worker runs
:func:`cellbench.evaluation.evaluate` and :func:`cellbench.evaluation.write` exactly as ``cellbench evaluate``
does, and keeps ``results.json`` in the row and ``report.html`` in the data folder.

Several server processes (``cellbench serve --workers N``) share one queue, the ``evaluations`` table:

- a process runs a queued evaluation only after its claim, ``UPDATE ... SET status='running' WHERE id=:id AND
  status='queued'``, changed the row: the database lets exactly one claim through, so no evaluation runs twice;
- each process's worker looks for queued rows every few seconds, so a row queued by a busy process is picked up by
  an idle one, and one queued while no worker was up runs once one is;
- while it runs, the claiming process stamps ``heartbeat_at`` every few seconds: the claim is a lease. A
  ``running`` row whose stamp is older than a minute belongs to a process that is gone (killed, crashed,
  restarted); whichever worker sees it first puts it back in the queue, where a live worker claims it again. A run
  that has been claimed ``max_attempts`` times (each time its process died) is failed instead, so a run that kills
  its process (out of memory, say) does not take down one process after another. A process starting up never
  touches another live process's run. (Hosts sharing a PostgreSQL store need clocks within a few tens of seconds.)
- a process whose lease was taken over (paused for longer than the lease, not dead) may still finish: its writes
  carry its claim and change nothing once another process holds the row.

An evaluation belongs to the sample's provider. When the sample was submitted to an evaluation centre the
evaluation is created on the ``named`` tier with a grant to the centre: provider and centre see it, no one else.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from cellbench.errors import AccessDenied, CellbenchError, InputError, NotFound
from cellbench.store import Store
from cellbench.store.models import utc_now
from cellbench.store.platform import EvaluationRun, PlatformMaterial, Sample
from cellbench.store.records.grants import grant_organisation
from cellbench.store.records.rule import fetch
from cellbench.web.identity import Principal
from cellbench.web.samples import material_record

log = logging.getLogger("cellbench.web.evaluations")

#: the claim ("host:pid:worker") of the run the current thread executes; writes of a run are made under it
_claim: ContextVar[str | None] = ContextVar("cellbench_evaluation_claim", default=None)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class EvaluationOptions:
    """How the worker runs evaluations (the CLI's defaults; tests use a one-item suite)."""

    suite: str = "iec62660-1-assb"
    sensitivity: bool = True
    simulation_workers: int = 1


def request_evaluation(db: Session, principal: Principal, *, sample_id: int, cell_id: str,
                       suite: str) -> EvaluationRun:
    """Create the queued row. The provider's members and the centre's evaluators may start one."""
    from cellbench import cells

    sample = fetch(db, "sample", sample_id, principal, via="api", action="start evaluation")
    is_provider = sample.owner_organisation_id == principal.organisation_id
    is_centre = (sample.submitted_to_organisation_id == principal.organisation_id
                 and principal.role in ("evaluator", "org_admin"))
    if not (is_provider or is_centre):
        raise AccessDenied(f"sample {sample_id} can be evaluated by its provider or the centre it was submitted to")
    # Only catalogue cells: cells.load would also open a file path, which a web user must not name.
    catalogue = {c.id for c in cells.list_cells()}
    if cell_id.partition("@")[0] not in catalogue:
        raise NotFound(f"no standard cell '{cell_id}'; known: {', '.join(sorted(catalogue))}", location="cell_id")
    cells.load(cell_id)  # refuses an unknown version before anything is queued
    shared_with_centre = sample.submitted_to_organisation_id is not None
    run = EvaluationRun(sample_id=sample.id, cell_id=cell_id, suite=suite, status="queued",
                        owner_organisation_id=sample.owner_organisation_id, requested_by_user_id=principal.user_id,
                        access_tier="named" if shared_with_centre else "private")
    db.add(run)
    db.flush()
    if shared_with_centre:
        grant_organisation(db, "evaluation", run.id, sample.submitted_to_organisation_id)
    db.commit()
    return run


def run_evaluation(store: Store, run_id: int, options: EvaluationOptions) -> None:
    """Run one claimed evaluation to ``done`` or ``failed`` (never raises: the row carries the error)."""
    from cellbench import evaluation

    with store.session() as db:
        run = db.get(EvaluationRun, run_id)
        sample = db.get(Sample, run.sample_id)
        material = db.get(PlatformMaterial, sample.material_id)
        record, cell_id, suite = material_record(material), run.cell_id, run.suite

    claim_held = _claim.get()

    def progress(done: int, total: int) -> None:
        _write_if_still_ours(store, run_id, claim_held, progress_done=done, progress_total=total)

    try:
        result = evaluation.evaluate(cell_id, record, suite=suite, sensitivity=options.sensitivity,
                                     workers=options.simulation_workers, progress=progress)
        with store.session() as db:  # measured safety tests of the sample, as the report's readers may see them
            from cellbench.store.records.safety import evaluation_safety_section

            result.safety = evaluation_safety_section(db, db.get(EvaluationRun, run_id))
        out_dir = store.data_dir / "evaluations" / str(run_id)
        document = evaluation.results_document(result)
        paths = evaluation.write(result, out_dir, document)
        status, error = "done", None
    except CellbenchError as exc:
        status, error, document, paths = "failed", str(exc), None, {}
    except Exception as exc:  # a crash must end as a failed row, not a run that stays "running" for ever
        log.exception("evaluation %d crashed", run_id)
        status, error, document, paths = "failed", f"unexpected error (please report): {exc!r}", None, {}
    _write_if_still_ours(store, run_id, claim_held, status=status, error=error, finished_at=utc_now(),
                         results_json=json.dumps(document, default=str) if document is not None else None,
                         report_path=str(paths["report"]) if "report" in paths else None)


def _write_if_still_ours(store: Store, run_id: int, claim_held: str | None, **values) -> None:
    """Update the row, unless another process has claimed it since (``claim_held`` None: no claim to check)."""
    where = [EvaluationRun.id == run_id]
    if claim_held is not None:
        where += [EvaluationRun.claimed_by == claim_held, EvaluationRun.status == "running"]
    with store.session() as db:
        changed = db.execute(update(EvaluationRun).where(*where).values(**values)
                             .execution_options(synchronize_session=False)).rowcount
        db.commit()
    if not changed:
        log.warning("evaluation %d: not written, another process holds it now", run_id)


# -- the queue shared by server processes ----------------------------------------------------------------------
def claim(store: Store, run_id: int, claimed_by: str) -> bool:
    """Move a queued evaluation to ``running`` for ``claimed_by``; False if it was not queued (any more)."""
    now = utc_now()
    with store.session() as db:
        changed = db.execute(update(EvaluationRun)
                             .where(EvaluationRun.id == run_id, EvaluationRun.status == "queued")
                             .values(status="running", claimed_by=claimed_by, heartbeat_at=now, progress_done=0,
                                     attempts=EvaluationRun.attempts + 1)
                             .execution_options(synchronize_session=False)).rowcount
        db.commit()
    return changed == 1


def beat(store: Store, run_id: int, claimed_by: str) -> None:
    """Say that ``claimed_by`` is still running the evaluation."""
    with store.session() as db:
        db.execute(update(EvaluationRun)
                   .where(EvaluationRun.id == run_id, EvaluationRun.claimed_by == claimed_by,
                          EvaluationRun.status == "running")
                   .values(heartbeat_at=utc_now()).execution_options(synchronize_session=False))
        db.commit()


def recover_abandoned(store: Store, stale_after: timedelta, max_attempts: int = MAX_ATTEMPTS) -> tuple[int, int]:
    """Put running evaluations whose process stopped stamping them back in the queue, or fail them once they have
    been claimed ``max_attempts`` times. (Rows without a stamp come from before claims existed, or from a runner
    that never claimed: their process is gone too.) Returns (re-queued, failed)."""
    abandoned = (EvaluationRun.status == "running",
                 or_(EvaluationRun.heartbeat_at.is_(None), EvaluationRun.heartbeat_at < utc_now() - stale_after))
    with store.session() as db:
        # look before writing: every process polls, and on SQLite even an UPDATE that changes nothing takes the
        # write lock the audit log is waiting for
        if db.scalar(select(EvaluationRun.id).where(*abandoned).limit(1)) is None:
            return 0, 0
        # the same conditions in both statements: a run claimed meanwhile by a live process is not touched
        failed = db.execute(update(EvaluationRun).where(*abandoned, EvaluationRun.attempts >= max_attempts)
                            .values(status="failed", finished_at=utc_now(),
                                    error=f"the server process running it stopped {max_attempts} times; not "
                                          f"tried again (start a new evaluation)")
                            .execution_options(synchronize_session=False)).rowcount
        requeued = db.execute(update(EvaluationRun).where(*abandoned)
                              .values(status="queued", claimed_by=None, heartbeat_at=None, progress_done=0)
                              .execution_options(synchronize_session=False)).rowcount
        db.commit()
    return requeued, failed


def queued_ids(store: Store) -> list[int]:
    with store.session() as db:
        return list(db.scalars(select(EvaluationRun.id).where(EvaluationRun.status == "queued")
                               .order_by(EvaluationRun.id)))


def _finish_unfinished(store: Store, run_id: int, claimed_by: str) -> None:
    # A runner that returns leaving its row "running" would otherwise wait a minute to be called a crash.
    with store.session() as db:
        db.execute(update(EvaluationRun)
                   .where(EvaluationRun.id == run_id, EvaluationRun.claimed_by == claimed_by,
                          EvaluationRun.status == "running")
                   .values(status="failed", error="the evaluation ended without a result", finished_at=utc_now())
                   .execution_options(synchronize_session=False))
        db.commit()


@contextmanager
def _heartbeat(store: Store, run_id: int, claimed_by: str, every_s: float) -> Iterator[None]:
    """Stamp the row every ``every_s`` seconds while the block runs (its own thread: a simulation may hold the
    worker thread for minutes between progress reports)."""
    stop = threading.Event()

    def stamp() -> None:
        while not stop.wait(every_s):
            try:
                beat(store, run_id, claimed_by)
            except Exception:  # a database hiccup must not end the run; the next stamp may get through
                log.exception("heartbeat of evaluation %d failed", run_id)

    thread = threading.Thread(target=stamp, name=f"cellbench-heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


_instances = itertools.count(1)


class EvaluationWorker:
    """Runs claimed evaluations one at a time in a background thread; one worker per server process, and any
    number of processes over one store (see the module docstring).

    ``poll_seconds``: how often the worker fails abandoned runs and looks for queued ones; ``heartbeat_seconds``:
    how often a running evaluation is stamped; ``stale_after_seconds``: how old a stamp may get before its run
    counts as abandoned (several heartbeats, so a busy database or a paused process is not taken for a dead one).
    """

    def __init__(self, store: Store, options: EvaluationOptions,
                 runner: Callable[[Store, int, EvaluationOptions], None] = run_evaluation, *,
                 poll_seconds: float = 5.0, heartbeat_seconds: float = 5.0, stale_after_seconds: float = 60.0,
                 max_attempts: int = MAX_ATTEMPTS):
        self.store, self.options, self.runner = store, options, runner
        self.poll_seconds, self.heartbeat_seconds = poll_seconds, heartbeat_seconds
        self.stale_after = timedelta(seconds=stale_after_seconds)
        self.max_attempts = max_attempts
        # host and pid say which process holds a run; the counter tells apart workers of one process (tests)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{next(_instances)}"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cellbench-evaluation")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self.futures: dict[int, Future] = {}

    def submit(self, run_id: int) -> Future:
        """Run ``run_id`` here if this worker's claim wins; the future's result says whether it ran here."""
        with self._lock:
            future = self._pool.submit(self._run, run_id)
            self.futures[run_id] = future
        return future

    def _run(self, run_id: int) -> bool:
        if not claim(self.store, run_id, self.name):
            return False  # another process took it, or it is no longer queued
        token = _claim.set(self.name)
        try:
            with _heartbeat(self.store, run_id, self.name, self.heartbeat_seconds):
                self.runner(self.store, run_id, self.options)
        finally:
            _claim.reset(token)
            _finish_unfinished(self.store, run_id, self.name)
        return True

    def poll(self) -> None:
        """Re-queue (or fail) abandoned runs, and take on queued evaluations this worker is not already waiting
        to run."""
        requeued, failed = recover_abandoned(self.store, self.stale_after, self.max_attempts)
        if requeued or failed:
            log.warning("evaluations whose server process stopped: %d re-queued, %d failed", requeued, failed)
        with self._lock:
            waiting = {run_id for run_id, future in self.futures.items() if not future.done()}
        for run_id in queued_ids(self.store):
            if run_id not in waiting:
                self.submit(run_id)

    def resume(self) -> None:
        """At start-up: re-queue runs cut off by a stopped process, run what is queued, and keep polling."""
        self.poll()
        if self._poller is None:
            self._poller = threading.Thread(target=self._poll_forever, name="cellbench-evaluation-poller",
                                            daemon=True)
            self._poller.start()

    def _poll_forever(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.poll()
            except Exception:  # the database may be away for a moment; the next poll tries again
                log.exception("polling for queued evaluations failed")

    def shutdown(self) -> None:
        """Stop polling; queued runs not started here are left queued for the next process."""
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=self.poll_seconds + 5)
        self._pool.shutdown(wait=False, cancel_futures=True)


def report_file(run: EvaluationRun) -> Path:
    if run.status != "done" or not run.report_path or not Path(run.report_path).is_file():
        raise InputError(f"evaluation {run.id} has no report yet (status: {run.status})")
    return Path(run.report_path)
