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

import tempfile
import zipfile
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.cumulative import split_signed
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
    frame = _fastnda_frame(path, suffix, source)
    if frame.height == 0:
        raise InputError("the Neware file holds no records", source=source)
    missing = [c for c in ("voltage_V", "current_mA", "total_time_s") if c not in frame.columns]
    if missing:
        raise InputError(f"fastnda found no {', '.join(missing)} in this file", source=source)
    columns = [pl.col("total_time_s").cast(pl.Float64).alias(S.TIME),
               pl.col("voltage_V").cast(pl.Float64).alias(S.VOLTAGE),
               (pl.col("current_mA").cast(pl.Float64) / 1000.0).alias(S.CURRENT)]
    if "unix_time_s" in frame.columns:
        columns.append(pl.col("unix_time_s").cast(pl.Float64).alias(S.UNIX_TIME))
    if "cycle_count" in frame.columns:
        columns.append(pl.col("cycle_count").cast(pl.Int64).alias(S.CYCLE))
    if "step_count" in frame.columns:
        columns.append(pl.col("step_count").cast(pl.Int64).alias(S.STEP))
    if "step_type" in frame.columns:
        # fastnda's step type codes, looked up in a table of 256 names (one gather, no string work per row)
        columns.append(pl.lit(_step_type_names()).gather(pl.col("step_type").cast(pl.UInt32)).alias(S.STEP_TYPE))
    counters: list[pl.Series] = []
    for name, charge, discharge in (("capacity_mAh", C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
                                    ("energy_mWh", C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)):
        if name in frame.columns and frame[name].null_count() == 0:
            # the signed counter split into its charge and discharge parts in one compiled pass
            parts = split_signed(frame[name].rechunk().to_numpy(), 1000.0)
            counters += [pl.Series(charge, parts[0]), pl.Series(discharge, parts[1])]
        elif name in frame.columns:
            value = pl.col(name).cast(pl.Float64) / 1000.0
            columns += [value.clip(lower_bound=0.0).alias(charge), (-value).clip(lower_bound=0.0).alias(discharge)]
    temperature = next((c for c in frame.columns if c.startswith("aux") and "temperature" in c), None)
    if temperature is not None:
        columns.append(pl.col(temperature).cast(pl.Float64).alias(S.CELL_TEMPERATURE))
    values = frame.select(columns).with_columns(counters)  # to_measurement puts the columns in BDF's order
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


@cache
def _step_type_names() -> pl.Series:
    """cellbench's step type for each of fastnda's step type codes (0-255; None where fastnda knows no name)."""
    from fastnda.dicts import STEP_TYPE_MAP

    names: list[str | None] = [None] * 256
    for code, name in STEP_TYPE_MAP.items():
        names[code] = _STEP_TYPES.get(name, name.lower())
    return pl.Series("step_type", names, dtype=pl.Utf8)


def _fastnda_frame(path: Path, suffix: str, source: str) -> pl.DataFrame:
    """fastnda chooses its parser by the file name's extension; a renamed file is read through a link. Step types
    come as fastnda's codes (``raw_categories``): cellbench maps them to its own names, so fastnda need not name
    every row first."""
    import fastnda

    try:
        if path.suffix.lower() == suffix:
            return fastnda.read(path, cycle_mode="raw", raw_categories=True)
        with tempfile.TemporaryDirectory(prefix="cellbench-nda-") as folder:
            link = Path(folder) / f"data{suffix}"
            link.symlink_to(path.resolve())
            return fastnda.read(link, cycle_mode="raw", raw_categories=True)
    except InputError:
        raise
    except Exception as exc:  # fastnda raises ValueError, KeyError, struct and zip errors on damaged files
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise InputError(f"not a readable Neware {suffix} file ({type(exc).__name__}: {detail})",
                         source=source) from exc


__all__ = ["FORMAT", "sniff", "read"]
