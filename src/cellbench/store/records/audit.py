"""The audit log: every read of a non-public record, written by one writer thread per database in group commits,
and read back by the owner organisation's admins (:func:`audit_log`).

Every read of a non-public record must be in the audit log before the record is served. Written by each request
in its own transaction, these writes contend for the database's write lock (on SQLite, waiting writers sleep in
the busy handler), which capped detail reads at a few dozen a second. Here a request hands its entry to the
database's writer thread and waits until the batch holding it has committed: still nothing is served unaudited,
but one transaction carries every entry that arrived meanwhile.

>>> from sqlalchemy import create_engine
>>> writer_for(create_engine("sqlite://")) is not None
True
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from cellbench.errors import AccessDenied, CellbenchError
from cellbench.store.models import Organisation, User, utc_now
from cellbench.store.platform import AuditEntry

log = logging.getLogger("cellbench.store.records.audit")
MAX_BATCH = 500
WAIT_SECONDS = 30.0


class _Pending:
    __slots__ = ("entry", "done", "error")

    def __init__(self, entry: dict[str, Any]):
        self.entry, self.done, self.error = entry, threading.Event(), None


class AuditWriter:
    """The writer thread of one engine (started on first use)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="cellbench-audit", daemon=True)
        self._thread.start()

    def record(self, **entry: Any) -> None:
        """Write one entry; returns once it is committed (raises if it could not be)."""
        pending = _Pending({"at": utc_now(), **entry})
        self._queue.put(pending)
        if not pending.done.wait(WAIT_SECONDS):
            raise CellbenchError("the audit log did not answer in time; the record is not served unaudited")
        if pending.error is not None:
            raise CellbenchError(f"the audit log could not be written ({pending.error}); "
                                 "the record is not served unaudited")

    def _run(self) -> None:
        # The writer keeps its own connection: if it had to take one from the pool it could wait behind the very
        # requests that are waiting for it.
        connection = None
        while True:
            first = self._queue.get()
            if first is _STOP:
                if connection is not None:
                    connection.close()
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    self._queue.put(item)  # after this batch
                    break
                batch.append(item)
            error = None
            try:
                if connection is None:
                    connection = self.engine.connect()
                # Core, not the ORM's bulk insert: the ORM's bookkeeping cost more CPU than the insert itself
                with connection.begin():
                    connection.execute(_INSERT, [p.entry for p in batch])
            except Exception as exc:  # the waiting requests turn this into an error answer
                log.exception("audit batch of %d entries failed", len(batch))
                error = exc
                if connection is not None:
                    connection.close()
                    connection = None
            for pending in batch:
                pending.error = error
                pending.done.set()


    def stop(self) -> None:
        """Finish what is queued, close the connection, end the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout=WAIT_SECONDS)


_STOP = object()
_INSERT = insert(AuditEntry)
_writers: dict[int, AuditWriter] = {}
_lock = threading.Lock()


def writer_for(engine: Engine) -> AuditWriter:
    with _lock:
        writer = _writers.get(id(engine))
        if writer is None or writer.engine is not engine:
            writer = _writers[id(engine)] = AuditWriter(engine)
        return writer


def close_writer(engine: Engine) -> None:
    """Stop the engine's writer, if it has one (the server's shutdown)."""
    with _lock:
        writer = _writers.pop(id(engine), None)
    if writer is not None and writer.engine is engine:
        writer.stop()


def audit_log(db: Session, reader: Any, *, limit: int = 200) -> list[dict[str, Any]]:
    """Reads of the reader's organisation's records (organisation admins only: ``reader.is_org_admin``), newest
    first."""
    if not reader.is_org_admin:
        raise AccessDenied("only organisation admins read the audit log")
    reader_org = Organisation.__table__.alias("reader")
    rows = db.execute(select(AuditEntry, User.email, reader_org.c.name)
                      .outerjoin(User, AuditEntry.user_id == User.id)
                      .outerjoin(reader_org, AuditEntry.reader_organisation_id == reader_org.c.id)
                      .where(AuditEntry.owner_organisation_id == reader.organisation_id)
                      .order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [{"at": e.at, "user": email, "organisation": org, "record_kind": e.record_kind,
             "record_id": e.record_id, "action": e.action, "via": e.via} for e, email, org in rows]
