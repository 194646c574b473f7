"""Cycler-file and attachment uploads: size and type limits, then the same ingest as ``cellbench ingest``.

An upload is streamed to a temporary folder under its own (cleaned) file name, refused as soon as it passes the
size limit, and handed to :meth:`cellbench.store.Store.ingest`. A file that does not read stores no test and no
time series (the store keeps its error in the ingest-failure list, as for the CLI), and the temporary copy is
always removed.

>>> check_cycler_file_name("run 7.csv")
'run_7.csv'
>>> check_cycler_file_name("cell.041")   # Maccor numbers its exports
'cell.041'
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from cellbench.errors import InputError
from cellbench.store import IngestResult, Store

#: extensions the readers understand (Maccor's numbered exports are matched separately)
CYCLER_SUFFIXES = (".csv", ".txt", ".tsv", ".mpr", ".xlsx", ".xls", ".res", ".parquet")
ATTACHMENT_SUFFIXES = (".pdf", ".csv", ".txt", ".yaml", ".yml", ".json", ".png", ".jpg", ".jpeg", ".xlsx", ".xy", ".cif")
DEFAULT_MAX_UPLOAD_MB = 200.0
CHUNK_BYTES = 1 << 20
_NUMBERED = re.compile(r"^\.\d{3}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadTooLarge(InputError):
    """An upload past the size limit: answered 413 (Payload Too Large), not 422."""


def _clean_name(filename: str | None) -> str:
    name = _UNSAFE.sub("_", Path(filename or "").name).strip("._")
    if not name:
        raise InputError("the upload has no file name", location="file")
    return name


def check_cycler_file_name(filename: str | None) -> str:
    """The cleaned name, or InputError naming the types accepted."""
    name = _clean_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in CYCLER_SUFFIXES and not _NUMBERED.match(suffix):
        raise InputError(f"'{name}' is not a cycler export cellbench reads; upload one of "
                         f"{', '.join(CYCLER_SUFFIXES)} or a Maccor numbered file (.001 ...)", location="file")
    return name


def check_attachment_name(filename: str | None) -> str:
    name = _clean_name(filename)
    if Path(name).suffix.lower() not in ATTACHMENT_SUFFIXES:
        raise InputError(f"'{name}' cannot be attached; accepted: {', '.join(ATTACHMENT_SUFFIXES)}",
                         location="file")
    return name


def copy_limited(source: BinaryIO, target: Path, max_bytes: int) -> tuple[int, str]:
    """Copy a stream to a file, refusing it once it passes ``max_bytes``. Returns (size, sha256)."""
    digest, size = hashlib.sha256(), 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(f"the file is larger than the upload limit of {max_bytes / 1e6:g} MB",
                                     location="file")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise InputError("the file is empty", location="file")
    return size, digest.hexdigest()


def ingest_upload(store: Store, source: BinaryIO, filename: str | None, organisation: str, *,
                  max_bytes: int) -> IngestResult:
    """Store an uploaded cycler file for an organisation (see the module docstring)."""
    name = check_cycler_file_name(filename)
    folder = Path(tempfile.mkdtemp(prefix="cellbench-upload-"))
    try:
        path = folder / name
        copy_limited(source, path, max_bytes)
        return store.ingest(path, organisation=organisation)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def save_attachment(store: Store, source: BinaryIO, filename: str | None, *, max_bytes: int
                    ) -> tuple[str, int, str]:
    """Keep an attachment in the data folder by content hash. Returns (clean name, size, sha256)."""
    name = check_attachment_name(filename)
    folder = store.data_dir / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    with store.blobs.writing():  # a sweep (which removes *.partial files) waits for this copy
        partial = Path(tempfile.mkstemp(dir=folder, suffix=".partial")[1])
        try:
            size, sha = copy_limited(source, partial, max_bytes)
            partial.replace(folder / sha)
        finally:
            partial.unlink(missing_ok=True)
    return name, size, sha
