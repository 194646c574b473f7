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

from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

import numba
import numpy as np
import yaml
import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.cumulative import running_parts, signed_parts
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C

FORMAT = "biologic-mpr"
MAGIC = b"BIO-LOGIC MODULAR FILE"


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    return head.startswith(MAGIC)


def _column(data: np.ndarray, *names: str) -> np.ndarray | None:
    for name in names:
        if name in (data.dtype.names or ()):  # one contiguous copy: every later pass, and Polars, take it as it is
            return np.ascontiguousarray(data[name], dtype=np.float64)
    return None


@cache
def _register_columns() -> None:
    """Teach galvani the record layout of column ids it does not know yet (never overriding its own)."""
    from galvani import BioLogic

    extra = yaml.safe_load(Path(__file__).with_name("biologic_columns.yaml").read_text(encoding="utf-8"))
    for column_id, (dtype, name) in extra.items():
        BioLogic.VMPdata_colID_dtype_map.setdefault(int(column_id), (name, dtype))


@cache
def _galvani_parts() -> bool:
    """The galvani whose ``MPRfile`` :func:`_records` follows (0.5.0), with the parts it calls."""
    from importlib.metadata import version

    from galvani import BioLogic

    return version("galvani") == "0.5.0" and all(
        hasattr(BioLogic, name) for name in ("MPR_MAGIC", "read_VMP_modules", "VMPdata_dtype_from_colIDs",
                                             "parse_BioLogic_date"))


def _records(path: Path) -> tuple[np.ndarray, datetime | None]:
    """The data points of an ``.mpr`` file (a record array over the file's bytes) and the start of the acquisition,
    as galvani's ``MPRfile`` reads them, with its checks and messages, from galvani's parts: its module reader, its
    table of column types and its date parser. What ``MPRfile`` also does and cellbench does not need is left out:
    two copies of the data module (for the column types and for the records: views here), and the loop index
    (which trims its zeros in Python). The same records and start time, and the same errors, for every file
    ``tests/measurements/test_mpr_records.py`` has at hand, whole and damaged."""
    from galvani import BioLogic as G

    with path.open("rb") as fh:
        magic = fh.read(len(G.MPR_MAGIC))
        if magic != G.MPR_MAGIC:
            raise ValueError("Invalid magic for .mpr file: " + str(magic))
        modules = list(G.read_VMP_modules(fh))
    (settings,) = (m for m in modules if m["shortname"] == b"VMP Set   ")
    (data_module,) = (m for m in modules if m["shortname"] == b"VMP data  ")
    loops = [m for m in modules if m["shortname"] == b"VMP loop  "]
    logs = [m for m in modules if m["shortname"] == b"VMP LOG   "]
    body = memoryview(data_module["data"])
    points = np.frombuffer(body[:4], dtype="<u4")
    columns = np.frombuffer(body[4:5], dtype="u1").item()
    if data_module["version"] == 0:
        if np.frombuffer(body[5:6], dtype="u1").item():  # EC-Lab 11.50 and later
            column_types = np.frombuffer(body[5:], dtype="u1", count=columns)
            headers, records = body[5 + columns:100], body[100:]
        else:
            column_types = np.frombuffer(body[5:], dtype="u1", count=columns * 2)[1::2]
            headers, records = body[6 + columns * 2:1006], body[1007:]
    elif data_module["version"] in [2, 3]:
        column_types = np.frombuffer(body[5:], dtype="<u2", count=columns)
        headers, records = body[5 + 2 * columns:405], body[(406 if data_module["version"] == 3 else 405):]
    else:
        raise ValueError("Unrecognised version for data module: %d" % data_module["version"])
    if headers.tobytes().strip(b"\x00"):  # galvani asserts the rest of the header is empty
        raise AssertionError
    data = np.frombuffer(records, dtype=_record_layout(column_types.dtype.str, tuple(column_types.tolist())))
    if not data.shape[0] == points:
        raise AssertionError
    started = _date(settings["date"])
    if loops:
        (loop,) = loops
        if loop["version"] != 0:  # (galvani names the data module's version here)
            raise ValueError("Unrecognised version for data module: %d" % data_module["version"])
        np.frombuffer(memoryview(loop["data"])[4:], dtype="<u4")  # galvani's check of the loop index's length
    if not logs:
        return data, None
    (log,) = logs
    ended = _date(log["date"])
    text = memoryview(log["data"])
    # the timestamp sits at one of these bytes (galvani reads all four before it looks)
    stamps = [np.frombuffer(text[at:], dtype="<f8", count=1) for at in (465, 469, 473, 585)]
    stamp = next((s for s in stamps if s > 40000 and s < 50000), None)
    if stamp is None:
        raise ValueError("Could not find timestamp in the LOG module")
    timestamp = datetime(1899, 12, 30, tzinfo=None) + timedelta(days=stamp[0])
    if started != timestamp.date():
        raise ValueError("Date mismatch:\n" + "    Start date: %s\n" % started + "    End date: %s\n" % ended
                         + "    Timestamp: %s\n" % timestamp)
    return data, timestamp


@lru_cache(maxsize=256)
def _record_layout(type_code: str, column_types: tuple[int, ...]) -> np.dtype:
    """galvani's record layout for a file's column types (``VMPdata_dtype_from_colIDs``), once per set of types.
    galvani's table of types only grows (:func:`_register_columns` adds, never replaces) and a failure is not kept,
    so a layout once made stays right."""
    from galvani import BioLogic

    return BioLogic.VMPdata_dtype_from_colIDs(np.array(column_types, dtype=type_code))[0]


@lru_cache(maxsize=256)
def _date(text: bytes) -> date:
    """galvani's ``parse_BioLogic_date`` (``time.strptime`` in up to three formats), once per text (a pure function of
    eight bytes: a file's start and end, and a lab's files of one day, share them)."""
    from galvani import BioLogic

    return BioLogic.parse_BioLogic_date(text)


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    from galvani import BioLogic

    _register_columns()
    try:
        if _galvani_parts():
            data, start = _records(path)
        else:
            mpr = BioLogic.MPRfile(str(path))
            data, start = mpr.data, getattr(mpr, "timestamp", None)
    except Exception as exc:  # galvani raises ValueError/NotImplementedError/struct.error on bad files
        raise InputError(f"not a readable BioLogic .mpr file ({type(exc).__name__}: {exc})", source=source) from exc
    present: tuple[str, ...] = data.dtype.names or ()
    voltage = _column(data, "Ewe/V", "<Ewe>/V")
    voltage = voltage if voltage is not None else _column(data, "Ecell/V", "<Ecell>/V")
    current_mA = _column(data, "I/mA", "<I>/mA", "control/mA")
    assumptions = ["the .mpr start time has no time zone; start_time is the instrument PC's local time"]
    dq = data["dq/mA.h"] if "dq/mA.h" in present else None  # read where it lies (the passes take a strided view)
    current_A = None if current_mA is None else current_mA / 1000.0
    counted_charge = None
    if current_A is None and "time/s" in present and dq is not None:
        # one pass over the records: the time in one piece, the current, and dq's running sums (the counters)
        n = data.shape[0]
        time_s, current_A, charge_Ah, discharge_Ah = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
        _from_charge(data["time/s"], dq, time_s, current_A, charge_Ah, discharge_Ah)
        time: np.ndarray | None = time_s
        counted_charge = (charge_Ah, discharge_Ah)
        assumptions.append("no I/mA column: current = dq/mA.h over each point's time interval")
    else:
        time = _column(data, "time/s")
        if current_A is None and time is not None and not any(n.startswith("control") for n in present):
            current_A = np.zeros_like(time)
            assumptions.append("no current column (an open-circuit record): current 0")
    missing = [n for n, c in (("time/s", time), ("Ewe/V", voltage), ("I/mA", current_A)) if c is None]
    if missing or time is None or voltage is None or current_A is None:
        raise InputError(f"missing column {', '.join(missing)} (columns present: {', '.join(present)})",
                         source=source)
    if time.shape[0] == 0:
        raise InputError("the file holds no data points (a WAIT technique, or a run stopped before its first "
                         "point)", source=source)
    columns: dict[str, np.ndarray] = {S.TIME: time, S.VOLTAGE: voltage, S.CURRENT: current_A}
    # the half cycles as whole numbers: EC-Lab's integer field as it is, a float one cut to whole numbers
    counted = data["half cycle"] if "half cycle" in present else None
    half_float = None if counted is None or counted.dtype.kind in "iu" else _column(data, "half cycle")
    half_cycle = half_float.astype(np.int64) if half_float is not None else \
        None if counted is None else _whole(counted)
    cycle = _column(data, "cycle number")
    if cycle is not None:
        columns[S.CYCLE] = cycle.astype(np.int64)
    elif half_cycle is not None:
        if half_float is None:  # whole numbers halved without a float division (a shift: // 2, rounding down)
            halved = np.right_shift(half_cycle, 1, dtype=np.int64)
            halved += 1
            columns[S.CYCLE] = halved
        else:
            columns[S.CYCLE] = (half_float // 2 + 1).astype(np.int64)
        assumptions.append("no 'cycle number' column: cycle = half cycle // 2 + 1")
    if "Ns" in present:
        columns[S.STEP] = np.asarray(data["Ns"], dtype=np.int64)
    temperature = _column(data, "Temperature/°C")
    if temperature is not None:
        columns[S.CELL_TEMPERATURE] = temperature
    q = data["Q charge/discharge/mA.h"] if "Q charge/discharge/mA.h" in present else None
    if dq is not None:
        # dq is the vendor's own per-point charge; its running sums are cumulative counters that never restart
        columns[C.VENDOR_CHARGE_CAPACITY], columns[C.VENDOR_DISCHARGE_CAPACITY] = \
            counted_charge if counted_charge is not None else running_parts(dq, 1000.0)
    elif q is not None:
        counter = np.asarray(q, dtype=np.float64)
        columns[C.VENDOR_CHARGE_CAPACITY] = np.clip(counter, 0, None) / 1000.0
        columns[C.VENDOR_DISCHARGE_CAPACITY] = np.clip(-counter, 0, None) / 1000.0
    for name, out in (("Energy charge/W.h", C.VENDOR_CHARGE_ENERGY), ("Energy discharge/W.h", C.VENDOR_DISCHARGE_ENERGY)):
        energy = _column(data, name)
        if energy is not None:
            columns[out] = energy
    units = {S.TIME: "s", S.VOLTAGE: "V", S.CURRENT: "mA", S.CHARGE_CAPACITY: "mA.h", S.DISCHARGE_CAPACITY: "mA.h",
             S.CHARGE_ENERGY: "W.h", S.DISCHARGE_ENERGY: "W.h"}
    metadata = MeasurementMetadata(vendor="BioLogic", file_format=FORMAT, source_file=source,
                                   start_time=start, units_as_recorded=units,
                                   extra={"assumptions": assumptions, "columns_in_file": list(present)})
    keys = [k for k in (S.CYCLE,) if k in columns]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    # the running sums above never restart, so per-cycle vendor totals come from Q charge/discharge instead; the
    # table is built once, from these arrays and the new columns
    measurement = C.to_measurement(columns, metadata, restarts, vendor_totals=False)
    if q is not None and half_cycle is not None and cycle is None:
        measurement.metadata.extra["vendor_cycle_counters"] = _cycle_totals(half_cycle, q)
    return measurement


def _whole(numbers: np.ndarray) -> np.ndarray:
    """Whole numbers as they are where every value fits a 64-bit integer (no copy: the passes read any integer
    type), anything else as 64-bit integers."""
    if numbers.dtype.kind == "i" or numbers.dtype.kind == "u" and numbers.dtype.itemsize < 8:
        return numbers
    return numbers.astype(np.int64)


def _cycle_totals(half_cycle: np.ndarray, q: np.ndarray) -> dict[str, list]:
    """The instrument's own count: |Q charge/discharge| at the end of each half cycle, summed per cycle."""
    half = _whole(half_cycle)  # (fields read where they lie: the pass takes strided views)
    n = half.shape[0]
    cycles, charge, discharge = np.empty(n, dtype=np.int64), np.empty(n), np.empty(n)
    found = _half_cycle_ends(half, np.asarray(q, dtype=np.float64), cycles, charge, discharge) if n else -1
    if found >= 0:
        # half cycles in order, as EC-Lab numbers them (never back: each change goes up): each one's last value,
        # the (at most two) of a cycle added
        return {"cycle": cycles[:found].tolist(), "charge_capacity_Ah": charge[:found].tolist(),
                "discharge_capacity_Ah": discharge[:found].tolist()}
    return grouped_cycle_totals(half, q)


def grouped_cycle_totals(half_cycle: np.ndarray, q: np.ndarray) -> dict[str, list]:
    """The same count by Polars group-bys, for half cycles in any order (and the reference the compiled pass is
    tested against)."""
    frame = pl.DataFrame({"half_cycle": np.asarray(half_cycle).astype(np.int64),
                          "q_Ah": np.asarray(q, dtype=np.float64) / 1000.0})
    ends = frame.group_by("half_cycle", maintain_order=True).agg(pl.col("q_Ah").last())
    per_cycle = (ends.with_columns((pl.col("half_cycle") // 2 + 1).alias("cycle"))
                 .group_by("cycle", maintain_order=True)
                 .agg(pl.col("q_Ah").clip(lower_bound=0).sum().alias("charge_capacity_Ah"),
                      (-pl.col("q_Ah")).clip(lower_bound=0).sum().alias("discharge_capacity_Ah")))
    return {k: per_cycle[k].to_list() for k in ("cycle", "charge_capacity_Ah", "discharge_capacity_Ah")}


@numba.njit(cache=True, error_model="numpy")
def _from_charge(time, dq, time_s, current_A, charge_Ah, discharge_Ah):  # pragma: no cover - compiled
    # the charge each point passed (dq, mAh) over its own interval (the time since the point before, in hours):
    # dq / Δt where Δt > 0, else 0 (the first point, a repeated time, a NaN), in mA, then in A (NumPy's
    # np.diff(time, prepend=time[:1]) / 3600, dq / that, / 1000: the same operations in the same order); and dq's
    # running positive and negative parts in Ah (running_parts(dq, 1000.0), bit for bit). The running sums first,
    # row after row; the divisions after, in a loop without branches that the compiler vectorises (a division by
    # zero there is only computed, never kept: the error model lets it give Inf or NaN instead of raising)
    n = time.shape[0]
    up = down = 0.0
    for k in range(n):
        time_s[k] = np.float64(time[k])
        charge = np.float64(dq[k])
        current_A[k] = charge
        gained, lost = signed_parts(charge)
        if k == 0:
            up, down = gained, lost
        else:
            up += gained
            down += lost
        charge_Ah[k] = up
        discharge_Ah[k] = down
    if n:
        current_A[0] = 0.0  # (no interval before the first point)
    for k in range(1, n):
        interval_h = (time_s[k] - time_s[k - 1]) / 3600.0
        rate = current_A[k] / interval_h
        current_A[k] = (rate if interval_h > 0 else 0.0) / 1000.0
    for k in range(n):
        charge_Ah[k] = charge_Ah[k] / 1000.0
        discharge_Ah[k] = discharge_Ah[k] / 1000.0


@numba.njit(cache=True)
def _half_cycle_ends(half, q, cycles, charge, discharge):  # pragma: no cover - compiled
    # one pass for the rule of _cycle_totals where half cycles only go up (else -1: Polars groups them): the value
    # of Q at each half cycle's last row, in Ah, its positive and negative parts (Polars' clip(lower_bound=0): below
    # the bound becomes the bound, anything else, -0.0 and NaN, stays), the (at most two) of each cycle added in
    # row order (NumPy's add.reduceat: a cycle of one half cycle is that value, -0.0 included)
    found = 0
    n = half.shape[0]
    for k in range(n):
        if k + 1 < n and half[k + 1] == half[k]:
            continue
        if k + 1 < n and half[k + 1] < half[k]:
            return -1
        last = q[k] / 1000.0
        up = 0.0 if last < 0.0 else last
        down = 0.0 if -last < 0.0 else -last
        cycle = half[k] // 2 + 1
        if found and cycles[found - 1] == cycle:
            charge[found - 1] += up
            discharge[found - 1] += down
        else:
            cycles[found], charge[found], discharge[found] = cycle, up, down
            found += 1
    return found
