"""Turn a source file (a cycler export, BDF CSV or Parquet) into a Measurement, and fingerprint its bytes.

Reading is delegated to :func:`cellbench.measurements.read` (format detected from the content); the bytes
hash tells ``watch`` whether a file whose time stamp changed has really changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cellbench.errors import InputError
from cellbench.measurements import Measurement, read

_CHUNK_BYTES = 1 << 20

# Files that are never test exports on their own: editors' and copiers' temporaries, and side files that a
# reader opens together with the main export (Arbin's `_Metadata.csv` next to its data CSV).
TEMPORARY_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", "~")
SIDE_FILE_SUFFIXES = ("_metadata.csv",)


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


def read_measurement(path: Path, *, format: str | None = None,  # noqa: A002  (the readers' keyword)
                     column_map: dict | str | Path | None = None) -> Measurement:
    """Read any supported file into a canonical Measurement; bad files raise :class:`InputError`.

    ``format`` skips detection and ``column_map`` reads a generic delimited file (see
    :func:`cellbench.measurements.read`).
    """
    return read(path, format=format, column_map=column_map)


def is_candidate_export(path: Path, root: Path) -> bool:
    """Whether a file found under ``root`` should be ingested on its own.

    Hidden files and folders, copy/download temporaries and reader side files (read together with their
    main export) are not.

    >>> is_candidate_export(Path("/lab/FastCharge_CH8_Metadata.csv"), Path("/lab"))
    False
    """
    name = path.name.lower()
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not (hidden or name.startswith("~$") or name.endswith(TEMPORARY_SUFFIXES)
                or name.endswith(SIDE_FILE_SUFFIXES))
