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
    values = _canonical_values(records, suffix, source)
    start = None
    if S.UNIX_TIME in values.columns:
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
    keys = [k for k in (S.CYCLE, S.STEP) if k in values.columns]
    restarts = C.CounterRestarts.changes_of(*keys) if keys else None
    return C.to_measurement(values, metadata, restarts)


def _canonical_values(records: pl.DataFrame, suffix: str, source: str) -> pl.DataFrame:
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
    counters: list[pl.Series] = []
    for value, charge, discharge in ((signed.get("capacity_mAh"), C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
                                     (signed.get("energy_mWh"), C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)):
        if value is None:
            continue
        if value.null_count() == 0:
            # the signed counter split into its charge and discharge parts in one compiled pass
            parts = split_signed(value.rechunk().to_numpy(), 1000.0)
            counters += [pl.Series(charge, parts[0]), pl.Series(discharge, parts[1])]
        else:
            value = value.cast(pl.Float64) / 1000.0
            counters += [value.clip(lower_bound=0.0).alias(charge), (-value).clip(lower_bound=0.0).alias(discharge)]
    return pl.DataFrame(columns + counters)  # to_measurement puts the columns in BDF's order


def _converted(records: pl.DataFrame) -> tuple[list[pl.Series], dict[str, pl.Series]]:
    """The conversions of :func:`_canonical_values`, a Series operation each (no query to plan for a few
    columns): cellbench's columns, and fastnda's signed 32-bit counters by name."""
    column, present = records.get_column, records.columns
    columns = [_microseconds(column("total_time_s")).alias(S.TIME),
               column("voltage_V").cast(pl.Float32).cast(pl.Float64).alias(S.VOLTAGE),
               (column("current_mA").cast(pl.Float32).cast(pl.Float64) / 1000.0).alias(S.CURRENT)]
    if "unix_time_s" in present:
        columns.append(_microseconds(column("unix_time_s")).alias(S.UNIX_TIME))
    for name, canonical in (("cycle_count", S.CYCLE), ("step_count", S.STEP)):
        if name in present:
            columns.append(column(name).cast(pl.UInt32).cast(pl.Int64).alias(canonical))
    if "step_type" in present:
        # fastnda's step type codes, looked up in a table of 256 names (one gather, no string work per row)
        columns.append(_step_type_names()[column("step_type").cast(pl.UInt8).cast(pl.UInt32)].alias(S.STEP_TYPE))
    temperature = next((c for c in present if c.startswith("aux") and "temperature" in c), None)
    if temperature is not None:
        columns.append(column(temperature).cast(pl.Float64).alias(S.CELL_TEMPERATURE))
    signed = {}
    for name, parts in (("capacity_mAh", ("charge_capacity_mAh", "discharge_capacity_mAh")),
                        ("energy_mWh", ("charge_energy_mWh", "discharge_energy_mWh"))):
        if name in present:
            signed[name] = column(name).cast(pl.Float32)
        elif all(p in present for p in parts):  # fastnda.read's signed counter: charge minus discharge
            signed[name] = (column(parts[0]) - column(parts[1])).cast(pl.Float32)
    return columns, signed


def _microseconds(times: pl.Series) -> pl.Series:
    """fastnda's times rounded to the microsecond (Polars' ``round(6)``), as 64-bit floats. Whole numbers stay as
    they are; 64-bit floats without nulls are rounded in one compiled pass the way NumPy's and Polars' ``round``
    do it (scaled by 10⁶, to the nearest whole number, half to even, scaled back: the same bits;
    ``tests/measurements/test_neware_records.py`` holds the two side by side)."""
    if times.dtype.is_integer():
        return times.cast(pl.Float64)
    if times.dtype == pl.Float64 and times.null_count() == 0:
        values = times.to_numpy()
        out = np.empty(values.shape[0])
        _round_to_microseconds(values, out)
        return pl.Series(times.name, out)
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
            from fastnda.nda import read_nda

            return read_nda(path)
        return _ndax_records(path)
    except Exception as exc:  # fastnda raises ValueError, KeyError, struct and zip errors on damaged files
        raise _unreadable(exc, suffix, source) from exc


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
