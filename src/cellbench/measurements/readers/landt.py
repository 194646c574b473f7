"""LAND (Wuhan LAND Electronics, sold as Landt Instruments) battery testers: the LANDdt Excel export.

The workbook holds a ``Record`` sheet (one row per data point), a ``Mode`` sheet (one row per step:
its mode and capacity) and a ``Cycle`` sheet (the tester's own per-cycle totals)::

    Record:  Index, TestTime/h, StepTime/h, Voltage/V, Current/mA, Capacity/mAh, State
    Cycle:   Index, Charge-Cap/mAh, Discharge-Cap/mAh, Charge-SCap/mAh/g, ..., Charge-Energy/mWh, ...

Units are in the headers (``name/unit``). ``State`` says what each row does: ``R`` rest, ``C_CC``/``C_CV``
charge, ``D_CC``/``D_CV`` discharge. Current is negative on discharge; ``Capacity`` (and ``Energy``
when exported) is one unsigned counter that restarts at each step, so the state says whether it counts
charge or discharge. The export chooses its columns: without ``Cycle``/``Step`` columns a step is a run of
one state and a cycle starts at each return to the first active direction (the way the tester counts
them: the ``Cycle`` sheet's first cycle is the first discharge and the charge after it when the test
starts by discharging). The ``Cycle`` sheet's totals are kept as the vendor's per-cycle counters.
LANHE's newer exports name the sheets ``Cycle-Tab``, ``Step-Tab`` and ``Record-Tab`` and the columns
``Cycle-Index``, ``Step-Index``. Long exports go on in ``Record1``, ``Record2``… sheets (with or without the column line again); newer
LANDdt versions write a single sheet named after the test, sometimes without ``State`` (then the
current's sign says which way each row flows). Excel 97 ``.xls`` workbooks are read alike.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract, text_column
from cellbench.measurements.readers.tabular import note_unread_readings, read_head
from cellbench.measurements.readers.workbook import (SheetRows, another_record, continued_tables, first_row,
                                                     sheet_names, sheet_table)

FORMAT = "landt"

FIELDS = [
    Field(S.TIME, ("TestTime", "Test Time", "Total Time", "Time"), "time", "s", required=True),
    Field(S.VOLTAGE, ("Voltage",), "voltage", "V", required=True),
    Field(S.CURRENT, ("Current",), "current", "A", required=True),
    Field(S.CYCLE, ("Cycle", "Cycle Index", "CycleIndex"), "dimensionless"),
    Field(S.STEP, ("Step", "Step Index", "StepIndex"), "dimensionless"),
    Field("capacity", ("Capacity", "Cap"), "capacity", "Ah"),
    Field("energy", ("Energy",), "energy", "Wh"),
]
_STATE = ("State", "Status")
_COUNTERS = {"capacity": (C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
             "energy": (C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)}
#: the Cycle sheet's totals, header base name -> key of ``extra["vendor_cycle_counters"]``
_CYCLE_SHEET = {"Charge-Cap": ("charge_capacity_Ah", "capacity"), "Discharge-Cap": ("discharge_capacity_Ah", "capacity"),
                "Charge-Energy": ("charge_energy_Wh", "energy"), "Discharge-Energy": ("discharge_energy_Wh", "energy")}


def _sheet(names: list[str], wanted: str) -> str | None:
    return next((n for n in names if n.strip().lower() == wanted), None)


def _record_sheets(sheets: list[str]) -> list[str]:
    """The sheets holding records, in order: ``Record`` and its continuations (``Record1``, ``Record_2``…) in
    long exports."""
    return [n for n in sheets if re.fullmatch(r"record(?:[\s_-]*tab)?[\s_-]*\d*", n.strip().lower())]


def _looks_like_land(names: list[str]) -> bool:
    """LAND's record columns: a time in ``TestTime/h`` style and ``Voltage/V``, ``Current/mA``."""
    with_unit = {n.split("/")[0].strip().lower().replace(" ", "") for n in names if "/" in n}
    return {"testtime", "voltage", "current"} <= with_unit


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    sheets = sheet_names(head, path)
    if not sheets or path is None:
        return False
    records = _record_sheets(sheets)
    if not records:
        # newer LANDdt versions write one sheet, named after the test
        return len(sheets) == 1 and _looks_like_land(first_row(Path(path), sheets[0]))
    if _sheet(sheets, "mode") is not None or _sheet(sheets, "step-tab") is not None:
        return True  # LAND's step sheet ("Step-Tab" in LANHE's newer exports); Neware's workbooks name theirs "step"
    names = first_row(Path(path), records[0])
    return {"testtime", "state"} <= {n.split("/")[0].strip().lower() for n in names} or _looks_like_land(names)


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    sheets = sheet_names(read_head(path, 8), path) or []
    records = _record_sheets(sheets) or (sheets if len(sheets) == 1 else [])
    if not records:
        raise InputError("LAND workbook without a 'Record' sheet", source=source)
    # continuation sheets start with their first record, or with the column line again
    tables, left_out = continued_tables(path, records)
    parts = [extract(t, FIELDS, allow_missing=("capacity", "energy")) for t in tables]
    values, units = pl.concat([part[0] for part in parts], how="diagonal_relaxed"), parts[0][1]
    rows = SheetRows(tables, [part[0].height for part in parts]) if len(tables) > 1 else tables[0]
    assumptions = []
    states = [text_column(t, _STATE) for t in tables]
    if any(state is None for state in states):
        # some LANDdt exports leave the state out: the current's sign says which way it flows
        values = values.with_columns(pl.when(pl.col(S.CURRENT) > 0).then(pl.lit("C"))
                                     .when(pl.col(S.CURRENT) < 0).then(pl.lit("D")).otherwise(pl.lit("R"))
                                     .alias("_state"))
        assumptions.append("no State column: charge where the current is positive, discharge where negative")
    else:
        values = values.with_columns(pl.concat([s for s in states if s is not None]).str.to_uppercase().fill_null("")
                                     .alias("_state"))
    direction = (pl.when(pl.col("_state").str.starts_with("C")).then(1)
                 .when(pl.col("_state").str.starts_with("D")).then(-1).otherwise(0))
    values = values.with_columns(direction.alias("_direction"))
    if S.STEP not in values.columns:
        values = values.with_columns((pl.col("_state") != pl.col("_state").shift()).fill_null(True)
                                     .cast(pl.Int64).cum_sum().alias(S.STEP))
        assumptions.append("no Step column: a step is a run of rows with one State")
    if S.CYCLE not in values.columns:
        values = values.with_columns(_cycles_from_direction().alias(S.CYCLE))
        assumptions.append("no Cycle column: a cycle starts at each return to the first charge or discharge "
                           "direction of the test (the tester's own count)")
    counters = []
    for column, (charge, discharge) in _COUNTERS.items():
        if column in values.columns:
            amount = pl.col(column).abs()
            counters += [pl.when(pl.col("_direction") == 1).then(amount).otherwise(0.0).alias(charge),
                         pl.when(pl.col("_direction") == -1).then(amount).otherwise(0.0).alias(discharge)]
    values = values.with_columns(*counters, _step_type().alias(S.STEP_TYPE))
    values = values.drop("_state", "_direction", *_COUNTERS, strict=False)
    values = values.with_columns(pl.col(c).cast(pl.Int64) for c in (S.CYCLE, S.STEP))
    recorded = {S.TIME: units[S.TIME], S.VOLTAGE: units[S.VOLTAGE], S.CURRENT: units[S.CURRENT]}
    for column, targets in (("capacity", (S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY)),
                            ("energy", (S.CHARGE_ENERGY, S.DISCHARGE_ENERGY))):
        if column in units:
            recorded |= {t: units[column] for t in targets}
    extra: dict = {"assumptions": assumptions} if assumptions else {}
    if left_out:
        extra["warnings"] = [another_record(records[:len(tables)], left_out)]
    cycle_sheet = _sheet(sheets or [], "cycle")
    vendor = _cycle_sheet_totals(path, cycle_sheet) if cycle_sheet is not None else None
    if vendor is not None:
        extra["vendor_cycle_counters"] = vendor
    metadata = MeasurementMetadata(vendor="LAND", file_format="landt-xlsx", source_file=source,
                                   units_as_recorded=recorded, extra=extra)
    note_unread_readings(metadata.extra, rows)
    return C.to_measurement(values, metadata, C.CounterRestarts.changes_of(S.CYCLE, S.STEP), rows=rows,
                            vendor_totals=vendor is None)


def _cycles_from_direction() -> pl.Expr:
    """1-based cycle: +1 where the current turns back to the test's first active direction (rest rows
    belong to the cycle they sit in)."""
    active = pl.col("_direction").replace(0, None).forward_fill()
    first = active.drop_nulls().first()
    starts = ((active == first) & (active.shift() == -first)).fill_null(False)
    return starts.cast(pl.Int64).cum_sum() + 1


def _step_type() -> pl.Expr:
    state = pl.col("_state")
    return (pl.when(state == "R").then(pl.lit("rest"))
            .when(state.str.ends_with("_CV")).then(pl.lit("cv-hold"))
            .when(pl.col("_direction") == 1).then(pl.lit("charge"))
            .when(pl.col("_direction") == -1).then(pl.lit("discharge"))
            .otherwise(state.str.to_lowercase()))


def _cycle_sheet_totals(path: Path, sheet: str) -> dict | None:
    """The tester's per-cycle totals from the ``Cycle`` sheet (cycles with no activity, such as LAND's
    row 0, left out); None when the sheet does not hold them."""
    from cellbench.measurements.readers.columns import split_unit, unit_factor

    table = sheet_table(path, sheet)
    by_base = {split_unit(h)[0]: h for h in table.names}
    index = by_base.get("Index") or by_base.get("Cycle")
    found = {key: (by_base[base], quantity) for base, (key, quantity) in _CYCLE_SHEET.items() if base in by_base}
    if index is None or not found:
        return None
    frame = table.frame
    out: dict[str, list] = {}
    try:
        cycles = frame[index].str.strip_chars().cast(pl.Float64)
        for key, (header, quantity) in found.items():
            factor = unit_factor(quantity, split_unit(header)[1] or "")
            if factor is None:
                return None
            out[key] = (frame[header].str.strip_chars().cast(pl.Float64) * factor).to_list()
    except pl.exceptions.InvalidOperationError:
        return None  # a summary sheet in another layout: the counters of the records serve instead
    active = [i for i in range(len(cycles)) if any(out[k][i] for k in out)]
    return {"cycle": [int(cycles[i]) for i in active], **{k: [v[i] for i in active] for k, v in out.items()}}


__all__ = ["FORMAT", "sniff", "read"]
