"""Automatic aggregation: watch a folder and ingest new and changed files once they stop growing.

A file is handled when its size and modification time are the same on two polls in a row (a cycler still
writing it changes one or both). What was handled is kept in the ``watched_files`` table, so a restarted
watcher does not ingest anything twice; a file whose time stamp changed but whose bytes did not is not
re-read. Ingest itself is idempotent, so even a watcher killed between storing a test and noting it down
only finds "already stored" on restart.

>>> watcher = Watcher(store, "/lab/cycler-exports")      # runs until stopped  # doctest: +SKIP
>>> watcher.run(interval_s=10)                           # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from cellbench.errors import InputError
from cellbench.store.models import WatchedFile, utc_now
from cellbench.store.sources import file_sha256, is_candidate_export
from cellbench.store.store import IngestResult, Store

log = logging.getLogger("cellbench.store.watch")

Signature = tuple[int, int]  # (size in bytes, modification time in ns)


class Watcher:
    """Polls one folder (recursively) and ingests each file version once."""

    def __init__(self, store: Store, folder: str | Path, *, organisation: str | None = None):
        self.store = store
        self.folder = Path(folder).resolve()
        if not self.folder.is_dir():
            raise InputError("not a folder to watch", source=str(folder))
        self.organisation = organisation
        self._last_look: dict[str, Signature] = {}
        # The store's own files (blobs, SQLite database and its journals) are never cycler exports.
        self._own_folder = Path(store.data_dir).resolve()
        database = store.engine.url.database if store.engine.dialect.name == "sqlite" else None
        self._own_files = {str(Path(database).resolve()) + suffix for suffix in ("", "-wal", "-shm", "-journal")
                           } if database and database != ":memory:" else set()

    def poll(self) -> list[IngestResult]:
        """One look at the folder; ingest every file that is unchanged since the previous look and not yet handled."""
        now = dict(self._scan())
        results = []
        with self.store.session() as session:
            under_folder = WatchedFile.path.startswith(str(self.folder) + os.sep, autoescape=True)
            handled = {row.path: row for row in session.scalars(select(WatchedFile).where(under_folder))}
        for path, signature in sorted(now.items()):
            row = handled.get(path)
            if row is not None and (row.size_bytes, row.mtime_ns) == signature:
                continue  # this version was handled, before or after a restart
            if self._last_look.get(path) != signature:
                continue  # new, or still growing: wait until two looks agree
            result = self._handle(Path(path), signature, row)
            if result is not None:
                results.append(result)
        self._last_look = now
        return results

    def run(self, interval_s: float = 5.0, *, once: bool = False,
            on_result: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
        """Poll every ``interval_s`` seconds until interrupted; with ``once``, two looks ``interval_s`` apart.

        Returns what was handled when ``once`` is given (a long-running watcher reports through ``on_result``).
        """
        results: list[IngestResult] = []
        self.store.sweep()  # what a killed ingest or watcher left, before this watcher adds to the store
        log.info("watching %s every %.3g s", self.folder, interval_s)
        polls = 0
        while True:
            try:
                handled = self.poll()
            except DBAPIError as exc:
                if once:
                    raise
                # A database restart or a dropped connection must not end a lab's unattended watcher.
                log.error("database unavailable, retrying in %.3g s: %s", interval_s, exc)
                handled = []
            for result in handled:
                if once:
                    results.append(result)
                if on_result is not None:
                    on_result(result)
            polls += 1
            if once and polls >= 2:
                return results
            time.sleep(interval_s)

    def _handle(self, path: Path, signature: Signature, row: WatchedFile | None) -> IngestResult | None:
        try:
            digest = file_sha256(path)
        except InputError:  # removed between the scan and now
            return None
        if row is not None and row.file_sha256 == digest:
            log.info("unchanged content, new time stamp: %s", path)
            self._note(path, signature, digest, row.status, row.test_id, row.failure_id)
            return None
        result = self.store.ingest(path, organisation=self.organisation)
        log.info("%s", result.line())
        self._note(path, signature, digest, result.status, result.test_id, result.failure_id)
        return result

    def _note(self, path: Path, signature: Signature, digest: str, status: str, test_id: int | None,
              failure_id: int | None) -> None:
        with self.store.session() as session:
            row = session.scalar(select(WatchedFile).where(WatchedFile.path == str(path)))
            if row is None:
                row = WatchedFile(path=str(path))
                session.add(row)
            row.size_bytes, row.mtime_ns = signature
            row.file_sha256, row.status, row.test_id, row.failure_id = digest, status, test_id, failure_id
            row.updated_at = utc_now()
            session.commit()

    def _scan(self) -> Iterator[tuple[str, Signature]]:
        for path in self.folder.rglob("*"):
            if (not is_candidate_export(path, self.folder) or path.is_relative_to(self._own_folder)
                    or str(path) in self._own_files):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            if path.is_file():
                yield str(path), (stat.st_size, stat.st_mtime_ns)
