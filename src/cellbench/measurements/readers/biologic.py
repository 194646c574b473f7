"""BioLogic EC-Lab binary ``.mpr`` files, read with galvani (the maintained open reader).

Columns used (EC-Lab names): ``time/s``, ``Ewe/V`` (or ``<Ewe>/V``), ``I/mA`` (or ``<I>/mA``),
``dq/mA.h`` (charge passed since the previous point, signed), ``Q charge/discharge/mA.h`` (restarts at
each half cycle), ``Energy charge/W.h`` and ``Energy discharge/W.h``, ``half cycle``, ``cycle number``
(when recorded), ``Ns`` (sequence index = step), ``Temperature/°C``. EC-Lab counts current positive
on oxidation of the working electrode, i.e. on charge of a cathode half cell or full cell, matching BDF.
When the file has no ``cycle number``, cycle = half cycle // 2 + 1 (stated in ``extra``).
GCPL files often record no ``I/mA``: the current is then the charge each point passed over its interval,
``dq/mA.h`` ÷ Δt (``control/V/mA`` is the set point, volts or milliamps by step, never the current); an
OCV record (time and voltage only) has zero current. Both are stated in ``extra["assumptions"]``.
Column ids that newer EC-Lab versions write and galvani does not yet know are added from
``biologic_columns.yaml`` before reading.
The start time is the acquisition start recorded in the file's log module, local time, no zone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import yaml
import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.cumulative import running_parts
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C

FORMAT = "biologic-mpr"
MAGIC = b"BIO-LOGIC MODULAR FILE"


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    return head.startswith(MAGIC)


def _column(data: np.ndarray, *names: str) -> np.ndarray | None:
    for name in names:
        if name in data.dtype.names:
            return np.asarray(data[name], dtype=np.float64)
    return None


@cache
def _register_columns() -> None:
    """Teach galvani the record layout of column ids it does not know yet (never overriding its own)."""
    from galvani import BioLogic

    extra = yaml.safe_load(Path(__file__).with_name("biologic_columns.yaml").read_text(encoding="utf-8"))
    for column_id, (dtype, name) in extra.items():
        BioLogic.VMPdata_colID_dtype_map.setdefault(int(column_id), (name, dtype))


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    from galvani import BioLogic

    _register_columns()
    try:
        mpr = BioLogic.MPRfile(str(path))
    except Exception as exc:  # galvani raises ValueError/NotImplementedError/struct.error on bad files
        raise InputError(f"not a readable BioLogic .mpr file ({type(exc).__name__}: {exc})", source=source) from exc
    data = mpr.data
    time = _column(data, "time/s")
    voltage = _column(data, "Ewe/V", "<Ewe>/V")
    voltage = voltage if voltage is not None else _column(data, "Ecell/V", "<Ecell>/V")
    current_mA = _column(data, "I/mA", "<I>/mA", "control/mA")
    assumptions = ["the .mpr start time has no time zone; start_time is the instrument PC's local time"]
    dq = _column(data, "dq/mA.h")
    if current_mA is None and time is not None and dq is not None:
        interval_h = np.diff(time, prepend=time[:1]) / 3600.0
        with np.errstate(divide="ignore", invalid="ignore"):
            current_mA = np.where(interval_h > 0, dq / np.where(interval_h > 0, interval_h, 1.0), 0.0)
        assumptions.append("no I/mA column: current = dq/mA.h over each point's time interval")
    elif current_mA is None and time is not None and not any(n.startswith("control") for n in data.dtype.names):
        current_mA = np.zeros_like(time)
        assumptions.append("no current column (an open-circuit record): current 0")
    missing = [n for n, c in (("time/s", time), ("Ewe/V", voltage), ("I/mA", current_mA)) if c is None]
    if missing:
        raise InputError(f"missing column {', '.join(missing)} (columns present: {', '.join(data.dtype.names)})",
                         source=source)
    if time.shape[0] == 0:
        raise InputError("the file holds no data points (a WAIT technique, or a run stopped before its first "
                         "point)", source=source)
    columns = {S.TIME: time, S.VOLTAGE: voltage, S.CURRENT: current_mA / 1000.0}
    half_cycle = _column(data, "half cycle")
    cycle = _column(data, "cycle number")
    if cycle is not None:
        columns[S.CYCLE] = cycle.astype(np.int64)
    elif half_cycle is not None:
        counted = data["half cycle"]  # an integer field: whole numbers halved without a float division
        columns[S.CYCLE] = counted.astype(np.int64) // 2 + 1 if counted.dtype.kind in "iu" \
            else (half_cycle // 2 + 1).astype(np.int64)
        assumptions.append("no 'cycle number' column: cycle = half cycle // 2 + 1")
    if "Ns" in data.dtype.names:
        columns[S.STEP] = np.asarray(data["Ns"], dtype=np.int64)
    temperature = _column(data, "Temperature/°C")
    if temperature is not None:
        columns[S.CELL_TEMPERATURE] = temperature
    q = _column(data, "Q charge/discharge/mA.h")
    if dq is not None:
        # dq is the vendor's own per-point charge; its running sums are cumulative counters that never restart
        columns[C.VENDOR_CHARGE_CAPACITY], columns[C.VENDOR_DISCHARGE_CAPACITY] = running_parts(dq, 1000.0)
    elif q is not None:
        columns[C.VENDOR_CHARGE_CAPACITY] = np.clip(q, 0, None) / 1000.0
        columns[C.VENDOR_DISCHARGE_CAPACITY] = np.clip(-q, 0, None) / 1000.0
    for name, out in (("Energy charge/W.h", C.VENDOR_CHARGE_ENERGY), ("Energy discharge/W.h", C.VENDOR_DISCHARGE_ENERGY)):
        energy = _column(data, name)
        if energy is not None:
            columns[out] = energy
    frame = pl.DataFrame([pl.Series(name, np.asarray(values)) for name, values in columns.items()])
    start = getattr(mpr, "timestamp", None)
    units = {S.TIME: "s", S.VOLTAGE: "V", S.CURRENT: "mA", S.CHARGE_CAPACITY: "mA.h", S.DISCHARGE_CAPACITY: "mA.h",
             S.CHARGE_ENERGY: "W.h", S.DISCHARGE_ENERGY: "W.h"}
    metadata = MeasurementMetadata(vendor="BioLogic", file_format=FORMAT, source_file=source,
                                   start_time=start, units_as_recorded=units,
                                   extra={"assumptions": assumptions, "columns_in_file": list(data.dtype.names)})
    keys = [k for k in (S.CYCLE,) if k in frame.columns]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    # the running sums above never restart, so per-cycle vendor totals come from Q charge/discharge instead
    measurement = C.to_measurement(frame, metadata, restarts, vendor_totals=False)
    if q is not None and half_cycle is not None and cycle is None:
        measurement.metadata.extra["vendor_cycle_counters"] = _cycle_totals(half_cycle, q)
    return measurement


def _cycle_totals(half_cycle: np.ndarray, q: np.ndarray) -> dict[str, list]:
    """The instrument's own count: |Q charge/discharge| at the end of each half cycle, summed per cycle."""
    half = half_cycle.astype(np.int64)
    changes = np.flatnonzero(half[1:] != half[:-1])  # the last row of each half cycle but the file's last
    if half.shape[0] and bool((half[changes + 1] > half[changes]).all()):
        # half cycles in order, as EC-Lab numbers them (never back: each change goes up): each one's last value,
        # the (at most two) of a cycle added
        last_rows = np.append(changes, half.shape[0] - 1)
        last, cycles = q[last_rows] / 1000.0, half[last_rows] // 2 + 1
        first = np.flatnonzero(np.insert(cycles[1:] != cycles[:-1], 0, True))
        # Polars' clip(lower_bound=0): below the bound becomes the bound, anything else (-0.0, NaN) stays
        charge = np.add.reduceat(np.where(last < 0.0, 0.0, last), first)
        discharge = np.add.reduceat(np.where(-last < 0.0, 0.0, -last), first)
        return {"cycle": cycles[first].tolist(), "charge_capacity_Ah": charge.tolist(),
                "discharge_capacity_Ah": discharge.tolist()}
    frame = pl.DataFrame({"half_cycle": half, "q_Ah": q / 1000.0})
    ends = frame.group_by("half_cycle", maintain_order=True).agg(pl.col("q_Ah").last())
    per_cycle = (ends.with_columns((pl.col("half_cycle") // 2 + 1).alias("cycle"))
                 .group_by("cycle", maintain_order=True)
                 .agg(pl.col("q_Ah").clip(lower_bound=0).sum().alias("charge_capacity_Ah"),
                      (-pl.col("q_Ah")).clip(lower_bound=0).sum().alias("discharge_capacity_Ah")))
    return {k: per_cycle[k].to_list() for k in ("cycle", "charge_capacity_Ah", "discharge_capacity_Ah")}
