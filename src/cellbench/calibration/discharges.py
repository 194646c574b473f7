"""Measured constant-current discharges: what a calibration is fitted on and a validation compares with.

The start temperature is, in order: the one given, the file's ambient (chamber) temperature before the
discharge, the cell temperature of the rested sample before it; without any, None (the simulation then assumes
25 °C and a validation says so).

A cycler file holds a whole test (rests, the discharge, the recharge); a calibration needs its constant-
current discharge, the current, the temperature the cell started at, and a content hash of the file so
the calibration records exactly which data it saw.

>>> d = read_discharge("LGM50_rate_25degC_1C.csv")            # needs a file of the LG M50 set  # doctest: +SKIP
>>> round(d.current_A, 2), round(d.start_temperature_C, 1), round(d.capacity_Ah, 3)   # doctest: +SKIP
(5.0, 24.6, 4.782)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cellbench.errors import InputError
from cellbench.measurements import Measurement, read
from cellbench.measurements import schema as S

#: a sample belongs to the discharge when it draws more than this fraction of the test's largest discharge current
DISCHARGE_FRACTION = 0.05
#: the discharge must last this long to be fitted (a pulse is not a capacity test)
MIN_DISCHARGE_S = 60.0
#: a constant-current discharge ends where its current falls below this fraction (a CV taper follows)
CV_TAPER_FRACTION = 0.9
#: the sample before the discharge is a rested cell (its voltage an open-circuit voltage) when it carries no more
#: than this fraction of the discharge current
RESTED_FRACTION = 0.01


@dataclass(frozen=True)
class MeasuredDischarge:
    """One constant-current discharge from a measured test (time from the discharge's start)."""

    source: str
    sha256: str
    current_A: float
    start_temperature_C: float | None
    time_s: np.ndarray
    voltage_V: np.ndarray
    current_trace_A: np.ndarray
    temperature_C: np.ndarray | None
    end_voltage_V: float
    rested_voltage_V: float | None = None  # the sample just before the current starts, if it carries none

    @property
    def label(self) -> str:
        return Path(self.source).name

    @property
    def capacity_Ah(self) -> float:
        return float(_integral(self.current_trace_A, self.time_s) / 3600.0)

    @property
    def energy_Wh(self) -> float:
        return float(_integral(self.current_trace_A * self.voltage_V, self.time_s) / 3600.0)

    @property
    def mean_voltage_V(self) -> float:
        return self.energy_Wh / self.capacity_Ah

    def conditions(self) -> dict[str, float | None]:
        return {"current_A": round(self.current_A, 4), "temperature_C":
                None if self.start_temperature_C is None else round(self.start_temperature_C, 2)}


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_discharge(path: str | Path, *, temperature_C: float | None = None) -> MeasuredDischarge:
    """The first constant-current discharge of a cycler file (any format :func:`cellbench.measurements.read`
    reads). `temperature_C` overrides the start temperature (otherwise the first temperature sample).
    Raises InputError naming the file when it has no discharge."""
    path = Path(path)
    measurement = read(path)
    return discharge_of(measurement, source=str(path), sha256=file_sha256(path), temperature_C=temperature_C)


def discharge_of(measurement: Measurement, *, source: str, sha256: str = "",
                 temperature_C: float | None = None) -> MeasuredDischarge:
    """The first constant-current discharge of a Measurement: the first contiguous stretch of samples drawing
    current that lasts at least :data:`MIN_DISCHARGE_S` (shorter pulses before it are passed over), ended where
    a constant-voltage taper would begin (the current falls below :data:`CV_TAPER_FRACTION` of the step's)."""
    data = measurement.data
    t = data[S.TIME].to_numpy().astype(float)
    v = data[S.VOLTAGE].to_numpy().astype(float)
    i = data[S.CURRENT].to_numpy().astype(float)  # BDF: negative on discharge
    finite = np.isfinite(t) & np.isfinite(v) & np.isfinite(i)
    if not finite.any() or i[finite].min() >= 0:
        raise InputError("no discharge in this file: the current is never negative (BDF sign: discharge < 0)",
                         source=source, location=f"column '{S.CURRENT}'")
    drawing = finite & (i < DISCHARGE_FRACTION * i[finite].min())
    edges = np.flatnonzero(np.diff(np.concatenate([[0], drawing.astype(np.int8), [0]])))
    stretches = list(zip(edges[0::2], edges[1::2]))  # [start, stop) of each stretch drawing current
    longest = 0.0
    for start, stop in stretches:
        duration = t[stop - 1] - t[start]
        longest = max(longest, duration)
        if duration >= MIN_DISCHARGE_S:
            break
    else:
        raise InputError(f"no discharge in this file: the longest discharge lasts {longest:.0f} s; a capacity test "
                         f"needs at least {MIN_DISCHARGE_S:.0f} s", source=source, location=f"column '{S.CURRENT}'")
    start, stop = int(start), int(stop)
    # the current of a CC step: the median, so a ramp at the start does not bias it
    current = float(-np.median(i[start:stop]))
    # a CV taper after the CC part is not part of it (past the first tenth, so a starting ramp stays in)
    skip = start + max(1, (stop - start) // 10)
    taper = np.flatnonzero(-i[skip:stop] < CV_TAPER_FRACTION * current)
    if taper.size:
        stop = skip + int(taper[0])
    # the first sample of the discharge is the rested cell; time runs from the moment current starts
    time_s = t[start:stop] - t[max(start - 1, 0)]
    temperature = None
    if S.CELL_TEMPERATURE in data.columns:
        column = data[S.CELL_TEMPERATURE].to_numpy().astype(float)
        temperature = column[start:stop] if np.isfinite(column[start:stop]).all() else None
    start_temperature = temperature_C
    if start_temperature is None and S.AMBIENT_TEMPERATURE in data.columns:
        ambient = data[S.AMBIENT_TEMPERATURE].to_numpy().astype(float)[max(start - 1, 0)]
        start_temperature = float(ambient) if np.isfinite(ambient) else None
    if start_temperature is None and temperature is not None:
        # the rested cell just before the current starts: the ambient it settled to
        rested = column[start - 1] if start > 0 and np.isfinite(column[start - 1]) else temperature[0]
        start_temperature = float(rested)
    at_rest = start > 0 and abs(i[start - 1]) <= RESTED_FRACTION * current and np.isfinite(v[start - 1])
    return MeasuredDischarge(source=source, sha256=sha256, current_A=current, start_temperature_C=start_temperature,
                             time_s=time_s, voltage_V=v[start:stop], current_trace_A=-i[start:stop],
                             temperature_C=temperature, end_voltage_V=float(v[stop - 1]),
                             rested_voltage_V=float(v[start - 1]) if at_rest else None)


def _integral(values: np.ndarray, time_s: np.ndarray) -> float:
    """Sample-and-hold integral from the discharge's start: each sample's value over the interval before it
    (how a cycler counts charge), so the first interval, from the rested sample, counts too."""
    return float(np.sum(values * np.diff(time_s, prepend=0.0)))
