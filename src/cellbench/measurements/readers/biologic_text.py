"""BioLogic EC-Lab text export (``.mpt``, "Export as text").

::

    EC-Lab ASCII FILE
    Nb header lines : 58
    ...                                    (settings; "Acquisition started on : 03/15/2017 10:22:54.000")
    mode<TAB>ox/red<TAB>error<TAB>...<TAB>time/s<TAB>Ewe/V<TAB>I/mA<TAB>dq/mA.h<TAB>(Q-Qo)/mA.h<TAB>...

Column names and sign convention are those of the binary ``.mpr`` (see ``biologic``). EC-Lab writes
numbers with the Windows locale's decimal separator, so ``3,1415`` is read as 3.1415 when the file
uses commas as decimals. Verified only on constructed files: no EC-Lab text export is among the real files.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import polars as pl

from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.measurements.measurement import Measurement, MeasurementMetadata
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers.columns import Field, extract
from cellbench.measurements.readers.counters import segment_starts
from cellbench.measurements.readers.tabular import decode, line_offset, parse_delimited, read_bytes

FORMAT = "biologic-text"

FIELDS = [
    Field(S.TIME, ("time/s",), "time", "s", required=True),
    Field(S.VOLTAGE, ("Ewe/V", "<Ewe>/V"), "voltage", "V", required=True),
    Field(S.CURRENT, ("I/mA", "<I>/mA"), "current", "mA", required=True),
    Field(S.CYCLE, ("cycle number",), "dimensionless"),
    Field("half_cycle", ("half cycle",), "dimensionless"),
    Field(S.STEP, ("Ns",), "dimensionless"),
    Field("q_charge_discharge", ("Q charge/discharge/mA.h",), "capacity", "mAh"),
    Field(C.VENDOR_CHARGE_ENERGY, ("Energy charge/W.h",), "energy", "Wh"),
    Field(C.VENDOR_DISCHARGE_ENERGY, ("Energy discharge/W.h",), "energy", "Wh"),
    Field(S.CELL_TEMPERATURE, ("Temperature/°C",), "temperature", "degC"),
]


def sniff(head: bytes, path: Path | str | None = None) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"EC-Lab ASCII FILE")


def read(path: str | Path) -> Measurement:
    path = Path(path)
    source = str(path)
    raw = read_bytes(path)
    head = decode(raw[:65536])
    match = re.search(r"Nb header lines\s*:\s*(\d+)", head)
    if match is None:
        raise InputError("EC-Lab text without 'Nb header lines : N'", source=source, location="line 2")
    header_line = int(match.group(1))
    line_count = raw.count(b"\n")
    if not 1 <= header_line <= line_count:
        raise InputError(f"'Nb header lines : {header_line}' but the file has {line_count} lines",
                         source=source, location="line 2")
    offset = line_offset(raw, header_line)
    sample = raw[offset:offset + 4096]
    if re.search(rb"\d,\d", sample) and b"." not in sample.split(b"\n", 1)[0]:
        raw = raw[:offset] + raw[offset:].replace(b",", b".")
    table = parse_delimited(raw, separator="\t", source=source, header_line=header_line)
    values, units = extract(table, FIELDS, allow_missing=(S.CELL_TEMPERATURE,))
    values = values.with_columns(pl.col(c).cast(pl.Int64)
                                 for c in (S.CYCLE, S.STEP, "half_cycle") if c in values.columns)
    assumptions = ["the acquisition start time has no time zone: the instrument PC's local time"]
    if S.CYCLE not in values.columns and "half_cycle" in values.columns:
        values = values.with_columns((pl.col("half_cycle") // 2 + 1).alias(S.CYCLE))
        assumptions.append("no 'cycle number' column: cycle = half cycle // 2 + 1")
    if "q_charge_discharge" in values.columns:
        q = pl.col("q_charge_discharge")
        values = values.with_columns(q.clip(lower_bound=0).alias(C.VENDOR_CHARGE_CAPACITY),
                                     (-q).clip(lower_bound=0).alias(C.VENDOR_DISCHARGE_CAPACITY))
        units[C.VENDOR_CHARGE_CAPACITY] = units[C.VENDOR_DISCHARGE_CAPACITY] = units.pop("q_charge_discharge")
    start = None
    started = re.search(r"Acquisition started on\s*:\s*([0-9/]+ [0-9:.]+)", head)
    if started:
        for fmt in ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S"):
            try:
                start = datetime.strptime(started.group(1), fmt)
                break
            except ValueError:
                continue
    restart_keys = ["half_cycle"] if "half_cycle" in values.columns else [k for k in (S.CYCLE,) if k in values.columns]
    metadata = MeasurementMetadata(vendor="BioLogic", file_format=FORMAT, source_file=source, start_time=start,
                                   units_as_recorded=units, extra={"assumptions": assumptions})
    restarts = C.CounterRestarts(at=segment_starts(*restart_keys), certain=True) if restart_keys else None
    measurement = C.to_measurement(values.drop("q_charge_discharge", strict=False), metadata, restarts,
                                     rows=table)
    measurement.data = measurement.data.drop("half_cycle", strict=False)
    return measurement
