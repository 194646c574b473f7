"""Content-addressed Parquet blobs: one file per distinct canonical time series.

A blob is named by :meth:`Measurement.content_hash` (SHA-256 of the canonical table, not of the source
file's bytes) of the series as stored, under ``blobs/<first two hex digits>/<hash>.parquet``. Hashing the canonical content means
that the same test exported twice (CSV and Parquet, or re-saved with other line endings) is one blob and one
record, and that the name can be checked against the data it holds.

Writes are atomic: the Parquet file is written to a temporary name in the same folder, flushed to disk and
renamed into place, so a reader (or a process killed midway) never sees half a blob.

>>> from pathlib import Path
>>> BlobStore(Path("/data")).path_for("ab" + "0" * 62).relative_to("/data").parts[:2]
('blobs', 'ab')
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cellbench.measurements import Measurement

TEMP_SUFFIX = ".partial"


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
        finally:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".tmp").unlink(missing_ok=True)

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
