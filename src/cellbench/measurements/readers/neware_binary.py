"""Neware BTS native files: ``.nda`` (BTS 7 and older 8) and ``.ndax`` (BTS 8 and later, the default), read
with fastnda (Empa's maintained, Polars-based reader; https://github.com/g-kimbell/fastnda).

An ``.nda`` starts with the bytes ``NEWARE``; an ``.ndax`` is a zip archive holding ``data.ndc`` (records),
``data_runInfo.ndc`` (times, capacities, energies), ``data_step.ndc`` (cycle, step and step type) and
XML settings. fastnda gives, per record: ``voltage_V``, ``current_mA`` (negative on discharge),
``total_time_s`` (test time), ``unix_time_s``, ``cycle_count`` (the tester's own cycle numbers are kept),
``step_count`` (running step number), ``step_index`` (schedule line), ``step_type`` and a signed
``capacity_mAh``/``energy_mWh`` that restart at every step (positive while charging, negative while
discharging): these are Neware's own counters, kept as the vendor counters. Auxiliary temperatures
(``aux…_temperature_degC``) become the surface temperature (the first one).
"""

from __future__ import annotations

import mmap
import zipfile
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import numba
import numpy as np
import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.cumulative import elapsed_from_step_time, split_signed
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.workbook import ZIP_MAGIC

FORMAT = "neware-nda"
NDA_MAGIC = b"NEWARE"

_STEP_TYPES = {"Rest": "rest", "CC_Chg": "charge", "CCCV_Chg": "charge", "CP_Chg": "charge", "CR_Chg": "charge",
               "PCCCV_Chg": "charge", "CPCV_Chg": "charge", "CRCV_Chg": "charge", "CV_Chg": "cv-hold",
               "CC_DChg": "discharge", "CCCV_DChg": "discharge", "CP_DChg": "discharge", "CR_DChg": "discharge",
               "CPCV_DChg": "discharge", "CRCV_DChg": "discharge", "CV_DChg": "cv-hold", "Pause": "pause"}


def _is_ndax(path: Path | str | None) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "data.ndc" in archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, TypeError):
        return False


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    if head.startswith(NDA_MAGIC):
        return True
    return head.startswith(ZIP_MAGIC) and path is not None and _is_ndax(path)


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", source=source) from exc
    suffix = ".nda" if head.startswith(NDA_MAGIC) else ".ndax"
    records = _fastnda_records(path, suffix, source)
    if records.height == 0:
        raise InputError("the Neware file holds no records", source=source)
    missing = [c for c in ("voltage_V", "current_mA") if c not in records.columns]
    if "total_time_s" not in records.columns and "step_time_s" not in records.columns:
        missing.append("total_time_s")
    if missing:
        raise InputError(f"fastnda found no {', '.join(missing)} in this file", source=source)
    values = _canonical_columns(records, suffix, source)
    start = None
    if S.UNIX_TIME in values:
        first = values[S.UNIX_TIME][0] - values[S.TIME][0]
        if first is not None and 1e8 < first < 1e10:
            start = datetime.fromtimestamp(first, tz=timezone.utc)
    import fastnda

    units = {S.TIME: "s", S.VOLTAGE: "V", S.CURRENT: "mA", C.VENDOR_CHARGE_CAPACITY: "mAh",
             C.VENDOR_DISCHARGE_CAPACITY: "mAh", C.VENDOR_CHARGE_ENERGY: "mWh", C.VENDOR_DISCHARGE_ENERGY: "mWh"}
    metadata = MeasurementMetadata(
        vendor="Neware", file_format=f"neware-{suffix.lstrip('.')}", source_file=source, start_time=start,
        units_as_recorded=units,
        extra={"reader": f"fastnda {getattr(fastnda, '__version__', '?')}",
               "assumptions": ["start_time from the file's Unix time stamps (UTC)"]})
    keys = [k for k in (S.CYCLE, S.STEP) if k in values]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    return C.to_measurement(values, metadata, restarts)  # the table built once, from these columns and the new ones


def _canonical_values(records: pl.DataFrame, suffix: str, source: str) -> pl.DataFrame:
    """:func:`_canonical_columns` as a frame."""
    return pl.DataFrame([pl.Series(name, values) if isinstance(values, np.ndarray) else values.alias(name)
                         for name, values in _canonical_columns(records, suffix, source).items()])


def _canonical_columns(records: pl.DataFrame, suffix: str, source: str) -> dict[str, np.ndarray | pl.Series]:
    """fastnda's records as cellbench's columns, with the numbers ``fastnda.read(path, cycle_mode="raw")`` gives:
    its test time (worked out from the step times when the file has none), times rounded to the microsecond, its
    column types (32-bit voltage, current and counters), its signed counters (charge minus discharge when the file
    keeps them apart), then cellbench's scaling and names. Done here in one pass per column rather than through
    ``fastnda.read``, which also names every row's step type, merges and recasts columns cellbench then converts
    again (issue 23: a native file reads at least as fast as its library alone)."""
    try:
        if "cycle_count" not in records.columns:  # fastnda.read numbers the cycles itself then ("auto")
            from fastnda.utils import _generate_cycle_number

            records = _generate_cycle_number(records, "auto")
        if "total_time_s" not in records.columns:
            records = records.hstack([_test_time(records)])
    except InputError:
        raise
    except Exception as exc:  # fastnda's rules fail on the columns of a damaged file
        raise _unreadable(exc, suffix, source) from exc
    try:
        columns, signed = _converted(records)
    except Exception as exc:  # a column of a damaged file that will not take fastnda's type
        raise _unreadable(exc, suffix, source) from exc
    for value, charge, discharge in ((signed.get("capacity_mAh"), C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
                                     (signed.get("energy_mWh"), C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)):
        if value is None:
            continue
        if isinstance(value, np.ndarray) or value.null_count() == 0:
            # the signed counter split into its charge and discharge parts in one compiled pass
            columns[charge], columns[discharge] = split_signed(
                value if isinstance(value, np.ndarray) else value.rechunk().to_numpy(), 1000.0)
        else:
            value = value.cast(pl.Float64) / 1000.0
            columns[charge] = value.clip(lower_bound=0.0).alias(charge)
            columns[discharge] = (-value).clip(lower_bound=0.0).alias(discharge)
    return columns  # to_measurement puts the columns in BDF's order


def _converted(records: pl.DataFrame) -> tuple[dict[str, np.ndarray | pl.Series], dict[str, np.ndarray | pl.Series]]:
    """The conversions of :func:`_canonical_values`, one operation a column (NumPy's for columns of fastnda's own
    types without nulls, the same numbers as Polars' casts; Polars' otherwise): cellbench's columns, and fastnda's
    signed 32-bit counters by name."""
    column, present = records.get_column, records.columns
    current = _float32_as_float64(column("current_mA"))
    columns: dict[str, np.ndarray | pl.Series] = {
        S.TIME: _microsecond_values(column("total_time_s")),
        S.VOLTAGE: _float32_as_float64(column("voltage_V")),
        # Polars divides a column by a number as a product with its reciprocal
        S.CURRENT: current * (1 / 1000.0) if isinstance(current, np.ndarray) else current / 1000.0}
    if "unix_time_s" in present:
        columns[S.UNIX_TIME] = _microsecond_values(column("unix_time_s"))
    for name, canonical in (("cycle_count", S.CYCLE), ("step_count", S.STEP)):
        if name in present:
            counted = column(name)
            columns[canonical] = counted.to_numpy().astype(np.int64) \
                if counted.dtype == pl.UInt32 and counted.null_count() == 0 else counted.cast(pl.UInt32).cast(pl.Int64)
    if "step_type" in present:
        # fastnda's step type codes, looked up in a table of 256 names (one gather, no string work per row)
        columns[S.STEP_TYPE] = _step_type_names()[column("step_type").cast(pl.UInt8).cast(pl.UInt32)]
    temperature = next((c for c in present if c.startswith("aux") and "temperature" in c), None)
    if temperature is not None:
        reading = column(temperature)
        columns[S.CELL_TEMPERATURE] = reading.to_numpy().astype(np.float64) \
            if reading.dtype in (pl.Float32, pl.Float64) and reading.null_count() == 0 else reading.cast(pl.Float64)
    signed: dict[str, np.ndarray | pl.Series] = {}
    for name, parts in (("capacity_mAh", ("charge_capacity_mAh", "discharge_capacity_mAh")),
                        ("energy_mWh", ("charge_energy_mWh", "discharge_energy_mWh"))):
        if name in present:
            signed[name] = _float32(column(name))
        elif all(p in present for p in parts):  # fastnda.read's signed counter: charge minus discharge
            charge, discharge = column(parts[0]), column(parts[1])
            signed[name] = np.subtract(charge.to_numpy(), discharge.to_numpy()) \
                if charge.dtype == discharge.dtype == pl.Float32 and charge.null_count() == discharge.null_count() == 0 \
                else (charge - discharge).cast(pl.Float32)
    return columns, signed


def _float32(values: pl.Series) -> np.ndarray | pl.Series:
    """``values.cast(pl.Float32)``: NumPy's for floats without nulls (the same rounding), else Polars'."""
    if values.dtype in (pl.Float32, pl.Float64) and values.null_count() == 0:
        return values.to_numpy().astype(np.float32, copy=False)
    return values.cast(pl.Float32)


def _float32_as_float64(values: pl.Series) -> np.ndarray | pl.Series:
    """``values.cast(pl.Float32).cast(pl.Float64)`` (fastnda's 32-bit readings as cellbench's 64-bit floats)."""
    as_float32 = _float32(values)
    return as_float32.astype(np.float64) if isinstance(as_float32, np.ndarray) else as_float32.cast(pl.Float64)


def _microseconds(times: pl.Series) -> pl.Series:
    """fastnda's times rounded to the microsecond (Polars' ``round(6)``), as 64-bit floats. Whole numbers stay as
    they are; 64-bit floats without nulls are rounded in one compiled pass the way NumPy's and Polars' ``round``
    do it (scaled by 10⁶, to the nearest whole number, half to even, scaled back: the same bits;
    ``tests/measurements/test_neware_records.py`` holds the two side by side)."""
    values = _microsecond_values(times)
    return pl.Series(times.name, values) if isinstance(values, np.ndarray) else values


def _microsecond_values(times: pl.Series) -> np.ndarray | pl.Series:
    """:func:`_microseconds`, as a NumPy array where NumPy or the compiled pass does the work."""
    if times.dtype.is_integer():
        return times.to_numpy().astype(np.float64) if times.null_count() == 0 else times.cast(pl.Float64)
    if times.dtype == pl.Float64 and times.null_count() == 0:
        values = times.to_numpy()
        out = np.empty(values.shape[0])
        _round_to_microseconds(values, out)
        return out
    return times.round(6).cast(pl.Float64)


@numba.njit(cache=True)
def _round_to_microseconds(values, out):  # pragma: no cover - compiled
    for k in range(values.shape[0]):
        out[k] = np.rint(values[k] * 1e6) / 1e6


def _test_time(records: pl.DataFrame) -> pl.Series:
    """The test time of records that carry only the step time: fastnda's rule (each step's longest time summed
    over the steps numbered below it), in one compiled pass where the columns allow (see
    :func:`~cellbench.measurements.cumulative.elapsed_from_step_time`), else by fastnda itself."""
    step, step_time = records["step_count"], records["step_time_s"]
    if step.null_count() == 0 and step_time.null_count() == 0 and step.dtype.is_integer() \
            and step_time.dtype.is_float():
        total = elapsed_from_step_time(step.to_numpy(), step_time.to_numpy())
        if total is not None:
            return pl.Series("total_time_s", total)
    from fastnda.utils import _add_total_time

    return _add_total_time(records)["total_time_s"]


@cache
def _step_type_names() -> pl.Series:
    """cellbench's step type for each of fastnda's step type codes (0-255; None where fastnda knows no name)."""
    from fastnda.dicts import STEP_TYPE_MAP

    names: list[str | None] = [None] * 256
    for code, name in STEP_TYPE_MAP.items():
        names[code] = _STEP_TYPES.get(name, name.lower())
    return pl.Series("step_type", names, dtype=pl.Utf8)


def _fastnda_records(path: Path, suffix: str, source: str) -> pl.DataFrame:
    """The file's records as fastnda's parser for the format gives them (what ``fastnda.read`` starts from; called
    by content here, so a renamed file needs no link). An ``.ndax`` is put together here from fastnda's parsers of
    its parts (:func:`_ndax_records`)."""
    try:
        if suffix == ".nda":
            return _nda_records(path)
        return _ndax_records(path)
    except Exception as exc:  # fastnda raises ValueError, KeyError, struct and zip errors on damaged files
        raise _unreadable(exc, suffix, source) from exc


def _nda_records(path: Path) -> pl.DataFrame:
    """An ``.nda`` file's records, the table fastnda's ``read_nda`` returns. BTS 9 files whose records fastnda reads
    with its ``_read_bts9_19`` come from :func:`_bts9_records` (the same table without the step times that reader
    works out with a group-by and a join: cellbench takes the test time the records carry); any other file, or a
    fastnda without those parts, from ``read_nda`` itself."""
    from fastnda import nda

    if not all(hasattr(nda, name) for name in _BTS9_PARTS):
        return nda.read_nda(path)
    with path.open("rb") as fh:
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if mm[:6] != NDA_MAGIC or mm[14] not in (129, 130) or nda._NDA_READERS.get(mm[14]) is not nda._read_bts9:
            return nda.read_nda(path)
        reader = nda._bts9_reader(mm)  # fastnda's choice of record layout, with its warnings for unconfirmed ones
        records = _bts9_records(mm) if reader is nda._read_bts9_19 else reader(mm)
    index = records.get_column("index").to_numpy()
    if index.shape[0] < 2 or bool((index[1:] > index[:-1]).all()):
        return records
    return records.unique(subset="index").sort(by="index")  # read_nda's rule for repeated or unordered records


_BTS9_PARTS = ("_NDA_READERS", "_read_bts9", "_bts9_reader", "_read_bts9_19", "_bts9_data_blocks", "_bts9_record_len",
               "_df_from_blocks", "_BTS9_19_DTYPES")


def _bts9_records(mm: mmap.mmap) -> pl.DataFrame:
    """The records of a BTS 9 file in the layout of record version 19 (and 42), parsed by fastnda
    (``_df_from_blocks``), then fastnda's columns worked out with NumPy: capacity and energy (mA·s, mW·s, signed)
    split into charge and discharge in mAh and mWh, test and Unix times from their whole seconds and nanoseconds,
    cycles counted from 1, steps numbered by each change of schedule line. The numbers of fastnda's Polars
    expressions, bit for bit (a 32-bit float divided by 3600 is a product with the 32-bit reciprocal there, a time
    divided by 10⁹ a product with 10⁻⁹: ``tests/measurements/test_neware_bts9.py`` holds the two side by side)."""
    from fastnda import nda

    blocks = nda._bts9_data_blocks(mm)
    begin = blocks[0][0]
    signature = mm[begin:begin + 2]
    length = nda._bts9_record_len(mm, blocks, signature, frozenset(nda._BTS9_19_DTYPES))
    raw = nda._df_from_blocks(mm, blocks, length, np.dtype(nda._BTS9_19_DTYPES[length]),
                              int.from_bytes(signature, byteorder="little", signed=False))
    value = {name: raw.get_column(name).to_numpy() for name in
             ("capacity_mAs", "energy_mWs", "total_time_s", "time_ns", "unix_time_s", "uts_ns", "cycle_count",
              "step_index")}
    per_hour = np.float32(1) / np.float32(3600)
    zero = np.float32(0)
    split = []
    for name, charge, discharge in (("capacity_mAs", "charge_capacity_mAh", "discharge_capacity_mAh"),
                                    ("energy_mWs", "charge_energy_mWh", "discharge_energy_mWh")):
        signed = value[name]
        # Polars' clip: beyond the bound becomes the bound, anything else (-0.0, NaN) stays
        split += [pl.Series(charge, np.where(signed < zero, zero, signed) * per_hour),
                  pl.Series(discharge, np.abs(np.where(signed > zero, zero, signed)) * per_hour)]
    step = value["step_index"]
    changed = np.empty(step.shape[0], dtype=np.bool_)
    changed[:1] = True
    np.not_equal(step[1:], step[:-1], out=changed[1:])
    replaced = {"total_time_s": value["total_time_s"] + value["time_ns"] * (1 / 1e9),
                "unix_time_s": value["unix_time_s"] + value["uts_ns"] * (1 / 1e9),
                "cycle_count": value["cycle_count"] + np.uint32(1)}
    columns = [pl.Series(name, replaced[name]) if name in replaced else raw.get_column(name)
               for name in raw.columns if name not in ("uts_ns", "energy_mWs", "capacity_mAs", "time_ns")]
    return pl.DataFrame(columns + split + [pl.Series("step_count", np.cumsum(changed, dtype=np.uint32))])


def _ndax_records(path: Path) -> pl.DataFrame:
    """An ``.ndax`` archive's records, the table fastnda's ``read_ndax`` returns: the records (voltage, current)
    joined with the run information (times, counters, step number) that the tester writes for some of them, the
    rows between filled in, then each step's cycle and type, then the auxiliary channels. fastnda parses each part
    (its ``_read_ndc_files``, in parallel); the fill runs here in one compiled pass
    (:func:`_fill_from_run_info`) where fastnda uses grouped window expressions that take most of its reading time.
    The same numbers bit for bit (``tests/measurements/test_neware_records.py`` holds the two side by side);
    fastnda's own ``read_ndax`` reads any archive whose parts the pass does not cover."""
    from fastnda import ndax

    if not all(hasattr(ndax, name) for name in ("_find_auxiliary_channels", "_read_ndc_files", "_data_interpolation")):
        return ndax.read_ndax(path)  # a fastnda whose parts have other names: its own reader
    with zipfile.ZipFile(path) as archive:
        aux = ndax._find_auxiliary_channels(archive)
        parts = ndax._read_ndc_files(archive, ["data.ndc", "data_runInfo.ndc", "data_step.ndc", *aux])
    records = parts["data.ndc"]
    if "data_runInfo.ndc" in parts:
        records = _with_run_info(records, parts["data_runInfo.ndc"])
        if "data_step.ndc" in parts:
            records = _with_steps(records, parts["data_step.ndc"])
    return _with_aux(records, aux, parts)


_RUN_INFO = ("dt", "step_time_s", "unix_time_s", "step_count", "charge_capacity_mAh", "discharge_capacity_mAh",
             "charge_energy_mWh", "discharge_energy_mWh")


def _with_run_info(records: pl.DataFrame, run: pl.DataFrame) -> pl.DataFrame:
    """The records with the run information of their own record, or carried on from the last record that has one
    (times advanced by the records' time steps, counters by the charge and energy passed since)."""
    from fastnda.ndax import _data_interpolation

    index = records["index"]
    plain = set(run.columns) == set(_RUN_INFO) | {"index"} and run.null_count().sum_horizontal().item() == 0 \
        and index.null_count() == 0 and all(records[c].null_count() == 0 for c in ("voltage_V", "current_mA"))
    if plain:
        numbers = index.to_numpy()
        plain = numbers.shape[0] > 0 and bool((numbers[1:] > numbers[:-1]).all())
    if plain:
        wanted = run["index"].to_numpy().astype(np.int64)
        at = np.searchsorted(numbers, wanted)
        found = at < numbers.shape[0]
        found[found] &= numbers[at[found]] == wanted[found]
        source = np.full(numbers.shape[0], -1, dtype=np.int64)
        source[at[found]] = np.flatnonzero(found)
        # the record's own run information on row 0 (fastnda leaves the rows before the first one empty), each
        # record joined to at most one run-information row (fastnda's parser keeps the first of each index)
        plain = source[0] >= 0 and int(np.count_nonzero(source >= 0)) == int(np.count_nonzero(found))
    if not plain:  # fastnda's own join and fill
        return _data_interpolation(records.join(run, how="left", on="index"))
    info = {c: run[c].to_numpy() for c in _RUN_INFO}
    n = source.shape[0]
    time_s, unix_s = np.empty(n), np.empty(n)
    counters = np.empty((4, n))
    last = np.empty(n, dtype=np.int64)
    _fill_from_run_info(source, info["dt"].astype(np.float64), info["step_time_s"].astype(np.float64),
                        info["unix_time_s"].astype(np.float64),
                        np.stack([info[c].astype(np.float64) for c in _RUN_INFO[4:]]),
                        records["voltage_V"].to_numpy(), records["current_mA"].to_numpy(),
                        time_s, unix_s, counters, last)
    filled = [pl.Series("step_time_s", time_s), pl.Series("unix_time_s", unix_s),
              pl.Series("step_count", info["step_count"][last])]
    filled += [pl.Series(name, counters[k]) for k, name in enumerate(_RUN_INFO[4:])]
    return records.hstack(filled)


@numba.njit(cache=True)
def _fill_from_run_info(source, dt, step_time, unix, counters, voltage, current, time_s, unix_s, out,
                        last):  # pragma: no cover - compiled
    # fastnda's rule: a record without run information takes the last one's (the columns of _RUN_INFO), its times
    # advanced by the time steps summed since that record and its counters by I·dt and V·I·dt summed since (mA·s
    # and mW·s over 3600: a product with 1/3600, as Polars divides by a number), split by sign into charge and
    # discharge. The sums restart after each record that has its own (Polars' cum_sum over fastnda's groups).
    per_hour = 1.0 / 3600
    j = -1
    carried = False
    sum_dt = sum_q = sum_e = 0.0
    for k in range(source.shape[0]):
        own = source[k] >= 0
        if own:
            j = source[k]
        step = dt[j]
        q = step * np.float64(current[k]) * per_hour
        e = step * np.float64(voltage[k]) * np.float64(current[k]) * per_hour
        if carried:
            sum_dt += step
            sum_q += q
            sum_e += e
        else:
            sum_dt, sum_q, sum_e = step, q, e
        mask = 0.0 if own else 1.0
        since, charge, energy = sum_dt * mask, sum_q * mask, sum_e * mask
        time_s[k] = step_time[j] + since
        unix_s[k] = unix[j] + since
        # Polars' clip: a value beyond the bound becomes the bound, any other (-0.0, NaN) stays
        out[0, k] = abs(counters[0, j]) + (0.0 if charge < 0.0 else charge)
        out[1, k] = abs(counters[1, j]) - (0.0 if charge > 0.0 else charge)
        out[2, k] = abs(counters[2, j]) + (0.0 if energy < 0.0 else energy)
        out[3, k] = abs(counters[3, j]) - (0.0 if energy > 0.0 else energy)
        last[k] = j
        carried = not own


def _with_steps(records: pl.DataFrame, steps: pl.DataFrame) -> pl.DataFrame:
    """Each record's cycle, schedule line and step type, looked up by its step number (fastnda joins them)."""
    plain = "step_count" in steps.columns and "step_count" in records.columns and steps.height > 0 \
        and steps["step_count"].null_count() == 0 and records["step_count"].null_count() == 0
    number = steps["step_count"].to_numpy().astype(np.int64) if plain else np.empty(0, dtype=np.int64)
    if plain and number.min() >= 0 and number.max() <= records.height + 65536 \
            and np.unique(number).shape[0] == number.shape[0]:
        table = np.full(int(number.max()) + 1, -1, dtype=np.int64)
        table[number] = np.arange(number.shape[0])
        wanted = records["step_count"].to_numpy()
        rows = table[np.minimum(wanted, table.shape[0] - 1)]
        rows[wanted >= table.shape[0]] = -1
        if rows.shape[0] and rows.min() >= 0:
            taken = pl.Series(rows)
            return records.hstack([steps[c][taken] for c in steps.columns
                                   if c != "step_count" and c not in records.columns])
    return records.join(steps, how="left", on="step_count")


def _with_aux(records: pl.DataFrame, channels: dict[str, dict], parts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The auxiliary channels (temperatures, voltages…) as columns ``aux<id>_<quantity>``, the way fastnda names,
    scales and places them: beside the records when they have as many rows, else joined by record index."""
    from fastnda.dicts import AUX_CHL_MAP, AUX_CHL_SCALE_MAP

    for position, (name, channel) in enumerate(channels.items()):
        values = parts.get(name)
        if values is None:
            continue
        ident, kind = channel.get("AuxID", -position), channel.get("ChlType")
        if "?" in values.columns and kind in AUX_CHL_MAP:
            scale = AUX_CHL_SCALE_MAP.get(kind, 1)
            values = values.with_columns(pl.col("?") * scale) if scale != 1 else values
            values = values.rename({"?": f"aux{ident}_{AUX_CHL_MAP[kind]}"})
        else:
            values = values.rename({c: f"aux{ident}_{c}" for c in values.columns if c != "index"})
        records = records.hstack(values.drop("index")) if values.height == records.height \
            else records.join(values, how="left", on="index")
    return records


def _unreadable(exc: Exception, suffix: str, source: str) -> InputError:
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return InputError(f"not a readable Neware {suffix} file ({type(exc).__name__}: {detail})", source=source)


__all__ = ["FORMAT", "sniff", "read"]
