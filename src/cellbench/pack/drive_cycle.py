"""Drive cycles as data: WLTC class 1, 2, 3a and 3b speed traces at 1 Hz (UN GTR No. 15), constant speed, and user CSV.

A user CSV has a header with `time_s` and `speed_km_h` (an optional `phase` column names the phases); times must
start at 0 and step by one second without gaps, speeds must be zero or positive.

>>> from cellbench.pack.drive_cycle import load_cycle
>>> c = load_cycle("wltc3b")
>>> c.duration_s, round(c.distance_km, 2), c.max_speed_km_h
(1800.0, 23.27, 131.3)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from cellbench.errors import InputError
from cellbench.pack.defaults import DATA_DIR

CYCLES_DIR = DATA_DIR / "drive_cycles"
BUNDLED = {"wltc1": "wltc1.csv", "wltc2": "wltc2.csv", "wltc3a": "wltc3a.csv", "wltc3b": "wltc3b.csv"}


@dataclass(frozen=True)
class DriveCycle:
    """A speed trace sampled every second."""

    name: str
    time_s: np.ndarray
    speed_km_h: np.ndarray
    phase: np.ndarray | None = None

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1] - self.time_s[0])

    @property
    def distance_km(self) -> float:
        return float(np.trapezoid(self.speed_km_h / 3.6, self.time_s) / 1000.0)

    @property
    def max_speed_km_h(self) -> float:
        return float(self.speed_km_h.max())

    def acceleration_m_s2(self) -> np.ndarray:
        """Central differences of the speed (forward/backward at the ends), as a dynamometer derives them."""
        return np.gradient(self.speed_km_h / 3.6, self.time_s)

    def repeated(self, times: int) -> "DriveCycle":
        """The cycle driven `times` times back to back (the shared end/start sample counted once)."""
        if times < 1:
            raise InputError(f"repeat must be at least 1, got {times}", location="repeat")
        if times == 1:
            return self
        step = self.duration_s
        t = np.concatenate([self.time_s] + [self.time_s[1:] + k * step for k in range(1, times)])
        v = np.concatenate([self.speed_km_h] + [self.speed_km_h[1:]] * (times - 1))
        ph = None if self.phase is None else np.concatenate([self.phase] + [self.phase[1:]] * (times - 1))
        return DriveCycle(f"{self.name} x{times}", t, v, ph)

    def phase_table(self) -> list[dict]:
        """Per phase: name, duration, distance and maximum speed (phases as named in the data)."""
        if self.phase is None:
            return []
        rows, start = [], 0
        for end in list(np.flatnonzero(self.phase[1:] != self.phase[:-1]) + 1) + [len(self.phase)]:
            lo = max(start - 1, 0)  # a phase runs from the previous phase's last second
            t, v = self.time_s[lo:end], self.speed_km_h[lo:end]
            rows.append({"phase": str(self.phase[start]), "duration_s": float(t[-1] - t[0]),
                         "distance_m": float(np.trapezoid(v / 3.6, t)), "max_speed_km_h": float(v.max())})
            start = end
        return rows


def constant_speed(speed_km_h: float, duration_s: float, *, ramp_s: float = 0.0) -> DriveCycle:
    """A constant-speed drive (optionally with linear ramps up and down), at 1 Hz."""
    if speed_km_h < 0 or duration_s < 1:
        raise InputError("a constant-speed cycle needs a speed ≥ 0 km/h and a duration ≥ 1 s")
    t = np.arange(0.0, float(round(duration_s)) + 1.0)
    v = np.full(len(t), float(speed_km_h))
    if ramp_s > 0:
        v = np.minimum(v, speed_km_h * np.minimum(t, t[-1] - t) / ramp_s)
    return DriveCycle(f"constant {speed_km_h:g} km/h", t, v)


def load_cycle(name_or_path: str | Path, *, speed_km_h: float | None = None, duration_s: float | None = None) -> DriveCycle:
    """A bundled cycle by name (wltc1, wltc2, wltc3a, wltc3b), "constant" (needs speed and duration) or a CSV path."""
    key = str(name_or_path).lower()
    if key == "constant":
        if speed_km_h is None or duration_s is None:
            raise InputError("the constant cycle needs a speed and a duration", location="cycle")
        return constant_speed(speed_km_h, duration_s)
    if key in BUNDLED:
        return read_cycle_csv(CYCLES_DIR / BUNDLED[key], name=key)
    path = Path(name_or_path)
    if not path.exists():
        raise InputError(f"no drive cycle '{name_or_path}': expected one of {', '.join(BUNDLED)}, 'constant' or a CSV "
                         "file", location="cycle")
    return read_cycle_csv(path)


def read_cycle_csv(path: str | Path, *, name: str | None = None) -> DriveCycle:
    """Read a speed trace (`time_s`, `speed_km_h`[, `phase`]); gaps and negative speeds are input errors."""
    path = Path(path)
    lines = path.read_text().splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), None)
    if first is None:
        raise InputError("the drive cycle file is empty", source=str(path))
    try:
        frame = pl.read_csv(path, comment_prefix="#", infer_schema_length=0)
    except Exception as exc:  # polars raises several kinds on malformed text
        raise InputError(f"cannot read the drive cycle as CSV: {exc}", source=str(path)) from None
    for column in ("time_s", "speed_km_h"):
        if column not in frame.columns:
            raise InputError(f"missing column '{column}': expected a header with time_s,speed_km_h[,phase]",
                             source=str(path), location=f"line {first + 1}")
    data_lines = [i + 1 for i, line in enumerate(lines) if i > first and line.strip() and not line.lstrip().startswith("#")]
    values = {}
    for column in ("time_s", "speed_km_h"):
        raw = frame[column].to_list()
        out = np.empty(len(raw))
        for k, text in enumerate(raw):
            try:
                out[k] = float(text)
            except (TypeError, ValueError):
                raise InputError(f"'{text}' is not a number", source=str(path),
                                 location=f"line {data_lines[k]}, column '{column}'") from None
        values[column] = out
    t, v = values["time_s"], values["speed_km_h"]
    if len(t) < 2:
        raise InputError("a drive cycle needs at least two samples", source=str(path))
    if t[0] != 0:
        raise InputError(f"the trace starts at {t[0]:g} s: expected 0", source=str(path), location=f"line {data_lines[0]}")
    steps = np.diff(t)
    bad = np.flatnonzero(np.abs(steps - 1.0) > 1e-9)
    if bad.size:
        k = int(bad[0]) + 1
        raise InputError(f"gap in the trace: {t[k - 1]:g} s is followed by {t[k]:g} s; expected one sample every second",
                         source=str(path), location=f"line {data_lines[k]}, column 'time_s'")
    negative = np.flatnonzero((v < 0) | ~np.isfinite(v))
    if negative.size:
        k = int(negative[0])
        raise InputError(f"speed {v[k]:g} km/h at {t[k]:g} s: expected a speed of zero or more",
                         source=str(path), location=f"line {data_lines[k]}, column 'speed_km_h'")
    phase = np.array(frame["phase"].to_list(), dtype=object) if "phase" in frame.columns else None
    return DriveCycle(name or path.stem, t, v, phase)
