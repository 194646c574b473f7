"""Evaluations on the platform: a sample in a standard cell, run in a background worker with progress in the DB.

An evaluation takes minutes (dozens of PyBaMM simulations), so a request only creates the ``queued`` row and
hands its id to :class:`EvaluationWorker`; the page polls the row for progress. The worker runs
:func:`cellbench.evaluation.evaluate` and :func:`cellbench.evaluation.write` exactly as ``cellbench evaluate``
does, and keeps ``results.json`` in the row and ``report.html`` in the data folder.

An evaluation belongs to the sample's provider. When the sample was submitted to an evaluation centre the
evaluation is created on the ``named`` tier with a grant to the centre: provider and centre see it, no one else.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench.errors import AccessDenied, CellbenchError, InputError, NotFound
from cellbench.store import Store
from cellbench.store.models import utc_now
from cellbench.store.platform import EvaluationRun, PlatformMaterial, Sample
from cellbench.web import access
from cellbench.web.identity import Principal
from cellbench.web.samples import material_record

log = logging.getLogger("cellbench.web.evaluations")


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

    sample = access.fetch(db, "sample", sample_id, principal, via="api", action="start evaluation")
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
        access.grant_organisation(db, "evaluation", run.id, sample.submitted_to_organisation_id)
    db.commit()
    return run


def run_evaluation(store: Store, run_id: int, options: EvaluationOptions) -> None:
    """Run one queued evaluation to ``done`` or ``failed`` (never raises: the row carries the error)."""
    from cellbench import evaluation

    with store.session() as db:
        run = db.get(EvaluationRun, run_id)
        sample = db.get(Sample, run.sample_id)
        material = db.get(PlatformMaterial, sample.material_id)
        run.status, run.progress_done = "running", 0
        db.commit()
        record, cell_id, suite = material_record(material), run.cell_id, run.suite

    def progress(done: int, total: int) -> None:
        with store.session() as db:
            row = db.get(EvaluationRun, run_id)
            row.progress_done, row.progress_total = done, total
            db.commit()

    try:
        result = evaluation.evaluate(cell_id, record, suite=suite, sensitivity=options.sensitivity,
                                     workers=options.simulation_workers, progress=progress)
        with store.session() as db:  # measured safety tests of the sample, as the report's readers may see them
            from cellbench.web.safety import evaluation_safety_section

            result.safety = evaluation_safety_section(db, db.get(EvaluationRun, run_id))
        out_dir = store.data_dir / "evaluations" / str(run_id)
        paths = evaluation.write(result, out_dir)
        document = evaluation.results_document(result)
        status, error = "done", None
    except CellbenchError as exc:
        status, error, document, paths = "failed", str(exc), None, {}
    except Exception as exc:  # a crash must end as a failed row, not a run that stays "running" for ever
        log.exception("evaluation %d crashed", run_id)
        status, error, document, paths = "failed", f"unexpected error (please report): {exc!r}", None, {}
    with store.session() as db:
        row = db.get(EvaluationRun, run_id)
        row.status, row.error, row.finished_at = status, error, utc_now()
        row.results_json = json.dumps(document, default=str) if document is not None else None
        row.report_path = str(paths["report"]) if "report" in paths else None
        db.commit()


class EvaluationWorker:
    """One background thread that runs queued evaluations in order (simulations use their own processes)."""

    def __init__(self, store: Store, options: EvaluationOptions,
                 runner: Callable[[Store, int, EvaluationOptions], None] = run_evaluation):
        self.store, self.options, self.runner = store, options, runner
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cellbench-evaluation")
        self.futures: dict[int, Future] = {}

    def submit(self, run_id: int) -> Future:
        future = self._pool.submit(self.runner, self.store, run_id, self.options)
        self.futures[run_id] = future
        return future

    def resume(self) -> None:
        """After a restart: runs cut off mid-way are failed, queued ones are run."""
        with self.store.session() as db:
            for row in db.scalars(select(EvaluationRun).where(EvaluationRun.status == "running")):
                row.status, row.error, row.finished_at = "failed", "the server stopped during the run", utc_now()
            db.commit()
            queued = db.scalars(select(EvaluationRun.id).where(EvaluationRun.status == "queued")
                                .order_by(EvaluationRun.id)).all()
        for run_id in queued:
            self.submit(run_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def report_file(run: EvaluationRun) -> Path:
    if run.status != "done" or not run.report_path or not Path(run.report_path).is_file():
        raise InputError(f"evaluation {run.id} has no report yet (status: {run.status})")
    return Path(run.report_path)
