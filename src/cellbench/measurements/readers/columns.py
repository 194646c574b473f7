"""Vendor column headers → canonical columns, with the unit read from the header.

Headers carry units in several spellings: ``Current(A)`` (Arbin, Neware), ``Current (A)`` (Novonix),
``Current / A`` (BDF), ``I/mA`` (BioLogic), ``Cap. [Ah]`` (Maccor), ``Current_A`` (data hubs' CSV).
Times written as text (``12:34:56``, ``1d 02:03:04``, Neware, PEC) are read by :func:`duration_seconds`. :func:`split_unit` separates name
and unit; :func:`extract` finds each wanted field among the headers, converts it to the canonical unit
(``units.yaml``) and records the unit as written for ``MeasurementMetadata.units_as_recorded``.

>>> split_unit("Chg. Cap.(mAh)")
('Chg. Cap.', 'mAh')
>>> split_unit("Test Time / h")
('Test Time', 'h')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from cellbench.errors import InputError
from cellbench.measurements.readers.tabular import DelimitedTable, numbers

_UNIT_PATTERNS = [
    re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]*)\)$"),
    re.compile(r"^(?P<name>.*?)\s*\[(?P<unit>[^\[\]]*)\]$"),
    re.compile(r"^(?P<name>.*?)\s+/\s+(?P<unit>\S+)$"),
    re.compile(r"^(?P<name>[^/]*?)/(?P<unit>[^/\s]+)$"),
]


@cache
def unit_table() -> dict[str, dict]:
    return yaml.safe_load((Path(__file__).with_name("units.yaml")).read_text(encoding="utf-8"))


def unit_factor(quantity: str, unit: str) -> float | None:
    """Factor from ``unit`` to the canonical unit of ``quantity``; None when the unit is unknown."""
    factors = unit_table()[quantity]["factors"]
    if unit in factors:
        return float(factors[unit])
    lowered = {k.lower(): v for k, v in factors.items()}
    value = lowered.get(unit.lower())
    return None if value is None else float(value)


@cache
def _known_units() -> frozenset[str]:
    """Every unit of units.yaml but the dimensionless ones (``Aux_Temperature_1`` names no unit)."""
    return frozenset(u for quantity, entry in unit_table().items() if quantity != "dimensionless"
                     for u in entry["factors"])


def split_unit(header: str) -> tuple[str, str | None]:
    header = header.strip()
    for pattern in _UNIT_PATTERNS:
        match = pattern.match(header)
        if match and match.group("name").strip():
            return match.group("name").strip(), match.group("unit").strip()
    # data hubs' snake_case exports append the unit after an underscore (``Voltage_V``, ``Time_s``,
    # ``Charge_Capacity_Ah``); only a known unit counts, so ``Cycle_Index`` stays one name, and ``_min`` is
    # minutes only after a time (``V_min``, ``I_min`` are a summary's minima)
    name, _, unit = header.rpartition("_")
    if name.strip() and unit in _known_units() and (unit != "min" or name.lower().endswith("time")):
        return name.strip(), unit
    return header, None


def _normal(name: str) -> str:
    return re.sub(r"[\s_.\-]+", " ", name).strip().lower()


@dataclass(frozen=True)
class Field:
    """One wanted column: its output name, the header names it goes by, its quantity and the unit to
    assume when the header carries none."""

    out: str
    names: tuple[str, ...]
    quantity: str
    default_unit: str | None = None
    required: bool = False
    #: names that say their unit in the word itself (Maccor's ``mAmps``, ``mAmp-hr``): name -> unit
    name_units: tuple[tuple[str, str], ...] = ()


def locate(table: DelimitedTable, fields: list[Field]) -> dict[str, tuple[str, str | None]]:
    """out name -> (header in file, unit in header or None) for the fields present."""
    by_base: dict[str, tuple[str, str | None]] = {}
    by_header: dict[str, tuple[str, str | None]] = {}
    for header in table.names:
        base, unit = split_unit(header)
        by_base.setdefault(_normal(base), (header, unit))
        by_header.setdefault(_normal(header), (header, None))
    found: dict[str, tuple[str, str | None]] = {}
    taken: set[str] = set()
    for field in fields:
        for candidate in field.names:
            hit = by_base.get(_normal(candidate)) or by_header.get(_normal(candidate))
            if hit is not None and hit[1] is None and candidate in dict(field.name_units):
                hit = (hit[0], dict(field.name_units)[candidate])
            if hit is not None and hit[0] not in taken:
                found[field.out] = hit
                taken.add(hit[0])
                break
    missing = [f for f in fields if f.required and f.out not in found]
    if missing:
        described = "; ".join(f"{f.names[0]!r} (for {f.out}; also accepted: "
                              f"{', '.join(repr(n) for n in f.names[1:]) or 'none'})" for f in missing)
        raise InputError(f"missing column {described}", source=table.source, location="header")
    return found


def extract(table: DelimitedTable, fields: list[Field], *, allow_missing: tuple[str, ...] = ()
            ) -> tuple[pl.DataFrame, dict[str, str]]:
    """Numeric fields in canonical units and the units as recorded (out name -> unit string)."""
    located = locate(table, fields)
    units: dict[str, str] = {}
    scale: dict[str, float] = {}
    for field in fields:
        if field.out not in located:
            continue
        header, unit = located[field.out]
        unit = unit or field.default_unit
        if unit is None:
            unit = unit_table()[field.quantity]["canonical"]
        factor = unit_factor(field.quantity, unit)
        if factor is None:
            known = ", ".join(unit_table()[field.quantity]["factors"])
            raise InputError(f"column {header!r}: unknown {field.quantity} unit {unit!r} (expected one of {known})",
                             source=table.source, location="header")
        units[field.out] = unit
        scale[field.out] = factor
    counts = [f.out for f in fields if f.quantity == "dimensionless" and f.out in located]
    skip_impedance_points(table)
    values = numbers(table, {f.out: located[f.out][0] for f in fields if f.out in located},
                     allow_missing=allow_missing, measured=tuple(f.out for f in fields if f.required),
                     whole=tuple(counts))
    scaled = [pl.col(c) * f for c, f in scale.items() if f != 1.0]
    values = values.with_columns(scaled) if scaled else values
    return _as_integers(values, counts, table), units


#: the frequency column that impedance points carry in a cycling export: ``freq/Hz``, ``Frequency (Hz)``,
#: ``Frequency_Hz``
_FREQUENCY = re.compile(r"^freq(uency)?( hz)?$")


def skip_impedance_points(table: DelimitedTable) -> None:
    """Drop the impedance points of a cycling export, counted as ``impedance point`` in ``table.skipped``.

    Testers that run EIS between cycles (BioLogic's modulo bat with PEIS, data hubs' merged exports) write the
    spectrum's points in the same table, a frequency on each (none or 0 on the cycling rows). Such a row is an
    impedance measurement at one frequency, not a sample of the cell's voltage and current over time: its
    "voltage" may be the analyser's reading (negative, for a sign-flipped lead) and its time a sweep's. A
    table whose every row is one is an impedance spectrum, refused as such.
    """
    header = next((h for h in table.names if _FREQUENCY.match(_normal(split_unit(h)[0]))), None)
    if header is None:
        return
    try:
        frequency = table.typed([header])[header]
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        frequency = table.text(header).str.strip_chars().cast(pl.Float64, strict=False)
    points = (frequency.is_finite() & (frequency != 0)).fill_null(False)
    if not points.any():
        return
    if points.all():
        raise InputError(f"an impedance spectrum (a frequency in column {header!r} on every row), not a cycling "
                         "record; `cellbench eis` reads and fits spectra", source=table.source)
    table.drop_rows(points, pl.Series("kind", ["impedance point"] * len(points)))


#: indices beyond this are not counts a cycler writes (and would not survive float → int exactly)
MAX_INDEX = 2**53


def _as_integers(values: pl.DataFrame, columns: list[str], table: DelimitedTable) -> pl.DataFrame:
    """Cycle, step and code columns as Int64; an absurd value raises naming its line."""
    ends = values.select(e for c in columns for e in (pl.col(c).min().alias(f"{c}<"), pl.col(c).max().alias(f"{c}>"))
                         ).row(0) if columns else ()
    for column, low, high in zip(columns, ends[0::2], ends[1::2]):
        if low is not None and max(-low, high) > MAX_INDEX:
            bad = values[column].abs() > MAX_INDEX
            rows = bad.arg_true().to_list()
            raise InputError(f"{column}: expected a whole-number index, found {values[column][rows[0]]:g} at "
                             + ", ".join(f"line {table.line_of(r)}" for r in rows[:10]), source=table.source)
    casts = [pl.col(c).round(0).cast(pl.Int64) if values.schema[c].is_float() else pl.col(c).cast(pl.Int64)
             for c in columns if values.schema[c] != pl.Int64]
    return values.with_columns(casts) if casts else values


def duration_seconds(table: DelimitedTable, header: str) -> tuple[pl.Series, str]:
    """A time column in seconds and its unit as recorded: a number with the unit in the header
    (``Total Time(h)``, ``Time(min)``, BTS 8 exports), else ``h:mm:ss`` text."""
    table.column_of["test_time_second"] = header
    unit = split_unit(header)[1]
    factor = unit_factor("time", unit) if unit else None
    if unit and factor is not None:
        return numbers(table, {"test_time_second": header})["test_time_second"] * factor, unit
    return hms_seconds(table, table.text(header).str.strip_chars()), "h:mm:ss"


def hms_seconds(table: DelimitedTable, text: pl.Series) -> pl.Series:
    """``h:mm:ss(.fff)`` or ``Nd hh:mm:ss`` text → seconds; unreadable cells raise with their lines."""
    # "12:34:56", "12:34:56.789", "1d 02:03:04", "1 day, 02:03:04", "1-02:03:04"; a decimal comma is accepted
    parts = text.str.strip_chars().str.replace(",", ".", literal=True).str.extract_groups(
        r"^(?:(\d+)\s*(?:d|day|days)\.?\s*|(\d+)-)?(\d+):(\d+):(\d+(?:\.\d*)?)$")
    field = [parts.struct.field(str(i)).cast(pl.Float64, strict=False) for i in range(1, 6)]
    days = field[0].fill_null(field[1]).fill_null(0.0)
    seconds = days * 86400 + field[2] * 3600 + field[3] * 60 + field[4]
    bad = seconds.is_null()
    if bad.any():
        rows = bad.arg_true().to_list()
        shown = ", ".join(f"line {table.line_of(r)}" for r in rows[:10])
        raise InputError(f"expected a time like '12:34:56' at {shown}" + (f" and {len(rows) - 10} more"
                         if len(rows) > 10 else ""), source=table.source)
    return seconds


def text_column(table: DelimitedTable, names: tuple[str, ...]) -> pl.Series | None:
    """A text column by any of its names (case- and punctuation-insensitive), stripped; None if absent."""
    wanted = {_normal(n) for n in names}
    for header in table.names:
        if _normal(header) in wanted or _normal(split_unit(header)[0]) in wanted:
            return table.text(header).str.strip_chars()
    return None
