"""Turn a source file (a cycler export, BDF CSV or Parquet) into a Measurement, and fingerprint its bytes.

Reading is delegated to :func:`cellbench.measurements.read` (format detected from the content); the bytes
hash tells ``watch`` whether a file whose time stamp changed has really changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cellbench.errors import InputError
from cellbench.measurements import Measurement

_CHUNK_BYTES = 1 << 20


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK_BYTES):
                digest.update(chunk)
    except FileNotFoundError as exc:
        raise InputError("file not found", source=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=str(path)) from exc
    return digest.hexdigest()


def read_measurement(path: Path) -> Measurement:
    """Read any supported file into a canonical Measurement; bad files raise :class:`InputError`."""
    try:
        from cellbench.measurements import read
    except ImportError:  # the readers are not merged yet: Parquet written by cellbench still works
        read = None
    if read is not None:
        return read(path)
    if path.suffix.lower() == ".parquet":
        return Measurement.from_parquet(path)
    raise InputError("this cellbench has no reader for this file yet (only canonical Parquet)", source=str(path))
