"""Cycler-file readers: one module per vendor or format, one interface.

Each module exposes ``FORMAT`` (its name), ``sniff(head: bytes, path) -> bool`` (recognise the format
from the file's first bytes; the name may only break ties) and ``read(path) -> Measurement``.
:func:`read` detects the format and dispatches.

>>> from cellbench.measurements import read
>>> m = read("FastCharge_000025_CH8.csv")            # doctest: +SKIP
>>> m.metadata.vendor, m.data["voltage_volt"][0]      # doctest: +SKIP
('Arbin', 3.3011441)
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from cellbench.errors import InputError
from cellbench.measurements.measurement import Measurement
from cellbench.measurements.readers.tabular import HEAD_BYTES

# Most specific first: the generic delimited reader accepts anything with recognisable columns.
READER_MODULES = ["bdf_parquet", "biologic", "neware_binary", "arbin_res", "maccor", "novonix", "pec", "arbin", "neware",
                  "biologic_text", "bdf", "generic"]


def reader_modules() -> list[ModuleType]:
    return [importlib.import_module(f"cellbench.measurements.readers.{name}") for name in READER_MODULES]


def formats() -> list[str]:
    """Names accepted by ``read(path, format=...)``."""
    return [m.FORMAT for m in reader_modules()]


def detect(path: str | Path) -> ModuleType:
    """The reader module for a file, from its content. Raises InputError listing the formats tried."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror or exc})", source=str(path)) from exc
    for module in reader_modules():
        if module.FORMAT == "generic":
            continue
        if module.sniff(head, path):
            return module
    generic = importlib.import_module("cellbench.measurements.readers.generic")
    if generic.sniff(head, path):
        return generic
    raise InputError(f"unknown file format; tried {', '.join(formats())}", source=str(path))


def read(path: str | Path, *, format: str | None = None, column_map=None) -> Measurement:  # noqa: A002
    """Read a cycler export into a canonical :class:`Measurement`.

    ``format`` skips detection (one of :func:`formats`); ``column_map`` (a dict or a YAML file path,
    see ``generic``) reads any delimited text with named columns.
    """
    path = Path(path)
    if column_map is not None:
        from cellbench.measurements.readers import generic

        return generic.read(path, column_map=column_map)
    if format is not None:
        by_name = {m.FORMAT: m for m in reader_modules()}
        if format not in by_name:
            raise InputError(f"unknown format {format!r}; expected one of {', '.join(by_name)}", source=str(path))
        return by_name[format].read(path)
    return detect(path).read(path)


__all__ = ["read", "detect", "formats", "READER_MODULES"]
