"""Cycler-file readers: one module per vendor or format, one interface.

Each module exposes ``FORMAT`` (its name), ``sniff(head: bytes, path) -> bool`` (recognise the format
from the file's first bytes; the name may only break ties) and ``read(path) -> Measurement``.
:func:`read` detects the format and dispatches.

>>> from cellbench.measurements import read
>>> m = read("FastCharge_000025_CH8.csv")            # needs a cycler file of yours  # doctest: +SKIP
>>> m.metadata.vendor, m.data["voltage_volt"][0]      # doctest: +SKIP
('Arbin', 3.3011441)
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import yaml

from cellbench.errors import InputError, NotFound, closest_choice
from cellbench.measurements.measurement import Measurement
from cellbench.measurements.readers.tabular import HEAD_BYTES, head_lines

# Most specific first: the generic delimited reader accepts anything with recognisable columns.
READER_MODULES = ["bdf_parquet", "biologic", "neware_binary", "arbin_res", "maccor", "novonix", "pec", "basytec", "landt",
                  "arbin", "neware", "biologic_text", "bdf", "generic"]


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
    what = generic.what_it_is(head, path)
    if what is not None:
        raise InputError(f"not a cycler's time series: {what}", source=str(path))
    raise InputError(f"unknown file format; {closest_format(head).describe()}; tried {', '.join(formats())} "
                     "(`cellbench formats` lists them with sample headers)", source=str(path))


@dataclass(frozen=True)
class FormatInfo:
    """One entry of ``formats.yaml``: a file format as ``cellbench formats`` lists it."""

    format: str
    reader: str
    vendor: str
    extensions: tuple[str, ...]
    software: tuple[str, ...]
    header: str


@cache
def catalogue() -> tuple[FormatInfo, ...]:
    """Every format cellbench reads, from ``formats.yaml`` (data, not code)."""
    entries = yaml.safe_load(Path(__file__).with_name("formats.yaml").read_text(encoding="utf-8"))
    return tuple(FormatInfo(e["format"], e["reader"], e["vendor"], tuple(str(x) for x in e["extensions"]), tuple(e["software"]),
                            e["header"]) for e in entries)


_BINARY_MAGIC = {"biologic-mpr": b"BIO-LOGIC MODULAR FILE", "neware-nda": b"NEWARE", "bdf-parquet": b"PAR1",
                 "arbin-res": b"\x00\x01\x00\x00Standard Jet DB", "neware-ndax": b"PK\x03\x04"}


def _names(line: str) -> set[str]:
    """Header names without units, case, spaces or punctuation: ``Test_Time(s)`` → ``testtime``."""
    cells = re.split(r"<TAB>|[,;\t]", line)
    names = {re.sub(r"[\s_.\-]+|\(.*\)|\[.*\]|/.*$", "", c.strip().strip('"')).lower() for c in cells}
    return {n for n in names if n and n not in ("...", "…")}


@dataclass(frozen=True)
class Closest:
    info: FormatInfo | None
    shared: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.info is None:
            return "it resembles none of them (no header line with known column names, no known file signature)"
        if not self.shared and not self.missing:
            return f"closest: {self.info.format} ({self.info.vendor}), whose file signature it starts like"
        lacks = f", but lacks {', '.join(self.missing[:6])}" + (" …" if len(self.missing) > 6 else "") \
            if self.missing else ""
        return (f"closest: {self.info.format} ({self.info.vendor}), sharing {len(self.shared)} of "
                f"{len(self.shared) + len(self.missing)} header names ({', '.join(self.shared[:6])}){lacks}")


def closest_format(head: bytes) -> Closest:
    """The known format whose sample header this file's head resembles most, and what differs."""
    for name, magic in _BINARY_MAGIC.items():
        if head[:4] == magic[:4]:  # the signature's start: a damaged or foreign file of that family
            return Closest(next(i for i in catalogue() if i.format == name))
    lines = head_lines(head, 60)
    best: tuple[float, Closest] = (0.0, Closest(None))
    for info in catalogue():
        if info.format in _BINARY_MAGIC:
            continue
        wanted = _names(info.header)
        for line in lines:
            found = _names(line)
            shared = wanted & found
            score = len(shared) / len(wanted) if wanted else 0.0
            if score > best[0]:
                order = _names_in_order(info.header)
                best = (score, Closest(info, tuple(shown for n, shown in order if n in shared),
                                       tuple(shown for n, shown in order if n not in shared)))
    return best[1] if best[0] >= 0.2 else Closest(None)


def _names_in_order(line: str) -> list[tuple[str, str]]:
    """(normalised, as written) for each header name of a sample line, in order."""
    out: list[tuple[str, str]] = []
    for cell in re.split(r"<TAB>|[,;\t]", line):
        normal = next(iter(_names(cell)), None)
        if normal and normal not in (n for n, _ in out):
            out.append((normal, repr(cell.strip().strip('"'))))
    return out


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
            raise NotFound(f"unknown format {format!r}{closest_choice(format, by_name)}; expected one of "
                             f"{', '.join(by_name)}", source=str(path))
        return by_name[format].read(path)
    return detect(path).read(path)


__all__ = ["read", "detect", "formats", "catalogue", "closest_format", "FormatInfo", "READER_MODULES"]
