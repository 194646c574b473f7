"""Generic delimited text: any CSV/TSV/semicolon table with named columns, with or without a YAML
column map.

Without a map, the reader finds the header line (the first line naming a time column and a voltage or
current column, see ``generic_columns.yaml``), skipping any header block above it (``key;value``
lines are kept in ``extra["header"]``), and assumes s, A, V, Ah, Wh, degC unless a header carries a
unit (``Current (mA)``). A column map says exactly which column is which and in what unit::

    # mymap.yaml
    separator: ";"            # optional; detected otherwise
    header_line: 20           # optional, 1-based; detected otherwise
    vendor: "Lab rig 3"       # optional metadata: vendor, channel, cell_id, procedure
    columns:
      test_time_second: {column: "t", unit: "min"}
      voltage_volt: "U"       # canonical unit assumed
      current_ampere: {column: "I", unit: "mA"}
      charging_capacity_ampere_hour: {column: "Qc", unit: "mAh", counter: true}

>>> from cellbench.measurements import read
>>> m = read("run.csv", column_map="mymap.yaml")   # needs your file and column map  # doctest: +SKIP

Capacity/energy columns are treated as the vendor's counters (restarts detected where they fall) and
converted to BDF cumulative columns.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract, split_unit
from cellbench.measurements.readers.tabular import (column_separator, head_lines, note_unread_readings,
                                                    parse_delimited_file, read_head)

FORMAT = "generic"

_QUANTITY = {S.TIME: "time", S.VOLTAGE: "voltage", S.CURRENT: "current", S.CYCLE: "dimensionless",
             S.STEP: "dimensionless", S.CHARGE_CAPACITY: "capacity", S.DISCHARGE_CAPACITY: "capacity",
             S.CHARGE_ENERGY: "energy", S.DISCHARGE_ENERGY: "energy", S.CELL_TEMPERATURE: "temperature",
             S.AMBIENT_TEMPERATURE: "temperature", S.UNIX_TIME: "time", S.POWER: "power",
             S.INTERNAL_RESISTANCE: "resistance"}
_COUNTER_OF = {S.CHARGE_CAPACITY: C.VENDOR_CHARGE_CAPACITY, S.DISCHARGE_CAPACITY: C.VENDOR_DISCHARGE_CAPACITY,
               S.CHARGE_ENERGY: C.VENDOR_CHARGE_ENERGY, S.DISCHARGE_ENERGY: C.VENDOR_DISCHARGE_ENERGY}


@cache
def aliases() -> dict[str, list[str]]:
    return yaml.safe_load(Path(__file__).with_name("generic_columns.yaml").read_text(encoding="utf-8"))


def _normal(name: str) -> str:
    return re.sub(r"[\s_.\-]+", " ", split_unit(name)[0]).strip().lower()


def _find_header(lines: list[str]) -> tuple[int, str] | None:
    """(0-based index, separator) of the first line that names a time column and voltage or current."""
    names = aliases()
    time_names = {_normal(n) for n in names[S.TIME]}
    vi_names = {_normal(n) for n in names[S.VOLTAGE] + names[S.CURRENT]}
    for index, line in enumerate(lines):
        for separator in (",", ";", "\t"):
            cells = {_normal(c) for c in line.split(separator)}
            if len(cells) >= 2 and cells & time_names and cells & vi_names:
                return index, separator
    return None


def _find_mapped_header(lines: list[str], mapping: dict[str, Any], separator: str | None
                        ) -> tuple[int, str] | None:
    """The first line holding every column the map names (for headers no alias table could guess)."""
    wanted = [str(spec["column"] if isinstance(spec, dict) else spec) for spec in (mapping.get("columns") or {}).values()]
    if not wanted:
        return None
    for index, line in enumerate(lines):
        for sep in ([separator] if separator else [",", ";", "\t"]):
            cells = {c.strip() for c in line.split(sep)}
            if all(w in cells for w in wanted):
                return index, sep
    return None


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    if b"\x00" in head[:1024]:
        return False
    lines = head_lines(head, 200)
    found = _find_header(lines)
    # a per-cycle summary may name a time, a current and a voltage (Arbin's statistics: their values at the
    # cycle's end): it is still no record of the test
    return found is not None and _table_kind(lines[found[0]]) is None


def read(path: str | Path, *, column_map: dict[str, Any] | str | Path | None = None) -> Measurement:
    path = Path(path)
    source = str(path)
    mapping = _load_map(column_map)
    raw = read_head(path)
    lines = head_lines(raw[:65536], 200)
    header_line = mapping.get("header_line")
    separator = mapping.get("separator")
    if header_line is None or separator is None:
        found = _find_header(lines) or _find_mapped_header(lines, mapping, separator)
        if found is None and header_line is None:
            raise InputError("no header line naming a time column and a voltage or current column in the first "
                             "200 lines; give a column map (read(path, column_map=...))", source=source)
        if header_line is None:
            header_line = found[0] + 1
        if separator is None:
            separator = found[1] if found else ","
    table = parse_delimited_file(path, separator=separator, source=source, header_line=int(header_line))
    fields = _fields(mapping)
    optional = tuple(f.out for f in fields if not f.required)
    values, units = extract(table, fields, allow_missing=optional)
    values = values.with_columns(pl.col(c).cast(pl.Int64) for c in (S.CYCLE, S.STEP) if c in values.columns)
    header = _header_block(lines[: int(header_line) - 1], separator)
    extra: dict[str, Any] = {"header": header} if header else {}
    if not mapping.get("columns"):
        # only the columns whose header names no unit were taken in cellbench's units
        assumed = [f"{header!r} in {units[out]}" for out, header in table.column_of.items()
                   if out in units and units[out] != "1" and split_unit(header)[1] is None]
        if assumed:
            extra["assumptions"] = [f"no unit in the header (and no column map), so {', '.join(assumed)} assumed"]
    metadata = MeasurementMetadata(
        vendor=mapping.get("vendor"), file_format=FORMAT, source_file=source,
        channel=mapping.get("channel") or header.get("channel") or header.get("instrument"),
        cell_id=mapping.get("cell_id") or header.get("cell"), procedure=mapping.get("procedure") or header.get("schedule"),
        units_as_recorded=units, extra=extra)
    keys = [k for k in (S.CYCLE, S.STEP) if k in values.columns]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    note_unread_readings(metadata.extra, table)
    return C.to_measurement(values, metadata, restarts, rows=table)


def what_it_is(head: bytes, path: Path | str | None = None) -> str | None:
    """For a table no reader takes: what it is instead of a cycler's record of time, voltage and current
    (a per-cycle summary, an impedance spectrum, an Arbin metadata side file), or None."""
    lines = head_lines(head, 60)
    name = Path(path).name if path is not None else ""
    if name.endswith("_Metadata.csv") and any("first_start_datetime" in line for line in lines[:2]):
        data = name.removesuffix("_Metadata.csv") + ".csv"
        return f"an Arbin metadata side file (test, channel, schedule): read {data} beside it"
    for line in lines:
        kind = _table_kind(line)
        if kind is not None:
            return kind
    return None


#: columns only a per-cycle table has beside a time, a voltage and a current (Arbin's "StatisticByCycle" export
#: and sheet: the cycle's charge and discharge durations, its highest voltage, its coulombic efficiency)
_PER_CYCLE_ONLY = {"charge time", "discharge time", "v max on cycle", "coulombic efficiency"}


def _table_kind(line: str) -> str | None:
    """What a table with this column line is when it is not a record of the test, or None."""
    cells = {_normal(c) for c in line.split(column_separator(line))}
    if len(cells) < 3:
        return None
    if {"freq", "frequency", "re(z)", "-im(z)", "z re", "z im"} & cells or any(
            c.startswith(("freq", "z real", "z imag", "re(z", "-im(z")) for c in cells):
        if not cells & {_normal(n) for n in aliases()[S.TIME]}:
            return "an impedance spectrum (frequency and impedance columns, no test time)"
    cycle = cells & {_normal(n) for n in aliases()[S.CYCLE]}
    extremes = [c for c in cells if re.search(r"\b(min|max|avg|mean)\b", c)]
    per_cycle = [c for c in cells if c in ("ce", "efficiency", "coulombic efficiency", "q chg", "q dis")]
    voltage = cells & {_normal(n) for n in aliases()[S.VOLTAGE]}
    if cycle and ((len(extremes) >= 2 or per_cycle) and not voltage or len(cells & _PER_CYCLE_ONLY) >= 2):
        return ("a per-cycle summary (one row per cycle: capacities, minima and maxima); "
                "cellbench reads the record of time, voltage and current it was made from")
    return None


def _load_map(column_map: dict[str, Any] | str | Path | None) -> dict[str, Any]:
    if column_map is None:
        return {}
    if isinstance(column_map, dict):
        return column_map
    from cellbench.documents import read_yaml

    loaded = read_yaml(Path(column_map))
    if not isinstance(loaded, dict):
        raise InputError("a column map is a YAML mapping with a 'columns' key", source=str(column_map))
    return loaded


def _fields(mapping: dict[str, Any]) -> list[Field]:
    columns = mapping.get("columns")
    fields = []
    if columns:
        unknown = [k for k in columns if k not in _QUANTITY]
        if unknown:
            raise InputError(f"column map names unknown canonical column(s) {', '.join(unknown)}; expected "
                             f"some of {', '.join(_QUANTITY)}", location="columns")
        for canonical, spec in columns.items():
            if isinstance(spec, str):
                spec = {"column": spec}
            out = _COUNTER_OF.get(canonical, canonical)
            fields.append(Field(out, (str(spec["column"]),), _QUANTITY[canonical], spec.get("unit"),
                                required=canonical in S.REQUIRED))
        return fields
    for canonical, names in aliases().items():
        out = _COUNTER_OF.get(canonical, canonical)
        fields.append(Field(out, tuple(names), _QUANTITY[canonical], None, required=canonical in S.REQUIRED))
    return fields


def _header_block(lines: list[str], separator: str) -> dict[str, str]:
    info: dict[str, str] = {}
    for line in lines:
        cells = [c.strip() for c in line.split(separator)]
        if len(cells) >= 2 and cells[0] and cells[1] and not cells[0].startswith("#"):
            info.setdefault(cells[0].lower(), cells[1])
    return info


__all__ = ["FORMAT", "sniff", "read", "what_it_is"]
