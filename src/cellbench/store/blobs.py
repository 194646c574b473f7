"""Content-addressed Parquet blobs: one file per distinct canonical time series.

A blob is named by :meth:`Measurement.content_hash` (SHA-256 of the canonical table, not of the source
file's bytes) of the series as stored, under ``blobs/<first two hex digits>/<hash>.parquet``. Hashing the canonical content means
that the same test exported twice (CSV and Parquet, or re-saved with other line endings) is one blob and one
record, and that the name can be checked against the data it holds.

Writes are atomic: the Parquet file is written to a temporary name in the same folder, flushed to disk and
renamed into place, so a reader (or a process killed midway) never sees half a blob.

A process killed while writing leaves a hidden ``.incoming-*.partial`` file, and one killed between the rename
and its database commit leaves a complete blob that no record names (an orphan). :meth:`BlobStore.sweep`
removes both. Writers hold the folder's lock shared from the first byte of a blob to the commit of its record
(:meth:`BlobStore.writing`); a sweep takes it exclusively, so it never removes a blob that a live process is
about to record, in this process or another one on the same machine.

>>> from pathlib import Path
>>> BlobStore(Path("/data")).path_for("ab" + "0" * 62).relative_to("/data").parts[:2]
('blobs', 'ab')
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

try:
    import fcntl
except ImportError:  # Windows: no flock; sweeps are skipped there (see BlobStore.sweep)
    fcntl = None

from cellbench.errors import CellbenchError
from cellbench.measurements import Measurement

log = logging.getLogger("cellbench.store")

TEMP_SUFFIX = ".partial"
LOCK_NAME = "sweep.lock"  # not hidden, not a blob: neither leftovers() nor all_hashes() sees it


class BlobStore:
    """Time-series blobs under ``<data_dir>/blobs``."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "blobs"

    def path_for(self, content_hash: str) -> Path:
        return self.root / content_hash[:2] / f"{content_hash}.parquet"

    def exists(self, content_hash: str) -> bool:
        return self.path_for(content_hash).is_file()

    def put(self, measurement: Measurement) -> str:
        """Write the measurement as a blob (unless the same content is already there); return its content hash.

        The hash is taken of the series as it reads back from the Parquet file, which is what every later
        :meth:`load` returns. (Arrow buffers can differ for equal data, e.g. a validity bitmap present with no
        nulls before the round trip and absent after it; hashing the read-back form makes the name stable.)
        """
        self.root.mkdir(parents=True, exist_ok=True)
        # A unique temporary name, so two ingests of the same content never write the same file.
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", suffix=TEMP_SUFFIX, dir=self.root)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            measurement.to_parquet(tmp)
            content_hash = Measurement.from_parquet(tmp).content_hash()
            final = self.path_for(content_hash)
            if final.is_file():
                return content_hash
            final.parent.mkdir(parents=True, exist_ok=True)
            _fsync_file(tmp)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
            return content_hash
        except OSError as exc:  # a full disk, a quota, a read-only folder: nothing was recorded, nothing is kept
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise CellbenchError(f"cannot write the time series into {self.root}: {reason}; nothing was stored "
                                 f"(free some space or point CELLBENCH_DATA_DIR elsewhere, then ingest again)"
                                 ) from exc
        finally:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".tmp").unlink(missing_ok=True)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the folder's lock shared while a blob is written and its record committed (no sweep meanwhile)."""
        with self._locked(exclusive=False, wait_s=None) as held:
            assert held
            yield

    def sweep(self, referenced: Callable[[], set[str]], *, partial_folders: tuple[Path, ...] = (),
              wait_s: float = 5.0) -> list[Path] | None:
        """Remove temporary leftovers and blobs whose hash is not in ``referenced()``; return what was removed.
        ``*.partial`` files in ``partial_folders`` (other files the store writes under the same lock) go too.

        ``referenced`` is called with the lock held, so every record committed by a finished writer is in it.
        Returns None, removing nothing, when writers keep the lock for ``wait_s`` seconds (the next sweep will
        do it) or on a platform without file locks.
        """
        if not self.root.is_dir():
            return []
        with self._locked(exclusive=True, wait_s=wait_s) as held:
            if not held:
                log.info("sweep of %s skipped: writers hold its lock", self.root)
                return None
            known = referenced()
            removed = [self.path_for(h) for h in sorted(self.all_hashes() - known)] + self.leftovers()
            removed += sorted(p for folder in partial_folders if folder.is_dir()
                              for p in folder.glob(f"*{TEMP_SUFFIX}") if p.is_file())
            for path in removed:
                path.unlink(missing_ok=True)
            for folder in {p.parent for p in removed} - {self.root}:
                try:
                    folder.rmdir()  # only when empty
                except OSError:
                    pass
        if removed:
            log.info("swept %d leftover and orphan files from %s", len(removed), self.root)
        return removed

    @contextmanager
    def _locked(self, *, exclusive: bool, wait_s: float | None) -> Iterator[bool]:
        if fcntl is None:
            yield not exclusive  # writers proceed; sweeps are skipped
            return
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            if wait_s is None:
                fcntl.flock(fd, mode)
            elif not _try_lock(fd, mode, wait_s):
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def load(self, content_hash: str) -> Measurement:
        return Measurement.from_parquet(self.path_for(content_hash))

    def all_hashes(self) -> set[str]:
        """Hashes of every complete blob on disk."""
        if not self.root.is_dir():
            return set()
        return {p.stem for p in self.root.glob("*/*.parquet")}

    def leftovers(self) -> list[Path]:
        """Temporary files left by a process killed while writing (never visible as blobs)."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob(".*") if p.is_file())


def _try_lock(fd: int, mode: int, wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable on a power cut; not possible on every platform, so best effort.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
