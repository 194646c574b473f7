"""Accelerating rate calorimetry (ARC): read heat-wait-search exports and find the onsets.

Definitions (SOLiD-EV protocol, shared/domain/solid-ev-evaluation.md section 5): the **self-heating onset** is
where the cell's adiabatic self-heating rate reaches 0.02 °C/min, the **thermal-runaway onset** where it reaches
1 °C/min. Rates are measured only while the cell is adiabatic (search and exotherm tracking); heat steps and the
wait that follows each of them are never used, so a heat step can never look like self-heating.

How each figure is found:

- rates: least-squares slope of temperature against time over a window that spans ``rate_window_min`` minutes
  or ``rate_window_C`` degrees, whichever comes first, never across a heat step;
- self-heating detected: the temperature at the start of the first adiabatic segment (search plus tracking)
  whose rate stays at or above the threshold — what the instrument reports, quantised to its 2.5 °C steps;
- self-heating onset: an Arrhenius fit (ln rate against 1/T) to the first ``onset_fit_span_C`` degrees of that
  exotherm, solved for the threshold rate — a sub-step estimate, kept between the last search that found no
  self-heating and the detection temperature;
- runaway onset: the first crossing of 1 °C/min, interpolated in log(rate);
- maximum temperature (whole run) and maximum self-heating rate (exotherm tracking only; None without an
  exotherm).

Exotherm-only logs. Some calorimeters export only the rows logged while they tracked an exotherm, with their own
rate column (``temperature rate / (°C/min)``) and no mode: the heat-wait-seek between exotherms is missing, so
the file jumps in time and temperature wherever the instrument heated the cell. Such a log (instrument rate, no
mode column, median instrument rate at or above the threshold, no heat step among its rows) is split with the
instrument's rate instead of inferred modes (``modes_from`` = 'instrument rate'):

- an episode ends at a lapse (a row whose instrument rate is below the self-heating threshold, followed by one
  that is not) or before unlogged heat-wait-seek (the temperature rose between two rows more than ``heat_gap_C``
  beyond what self-heating at the larger of their two rates explains: only the heater does that, and only after an
  exotherm lapsed); ``exotherm_segments`` counts these episodes, a blank rate is neither a lapse nor a
  confirmation;
- self-heating detected: the first row of the last episode, if no rate in it is below the threshold (the exotherm
  the instrument then tracked to the end); None when the log ends on a lapse;
- self-heating onset: when the detection row continues a lapse row (the instrument tracked across, no heat added),
  the threshold crossing between the two rows interpolated in log(rate); otherwise the detection itself, because
  the searches that found no self-heating below it are not in the file;
- runaway onset and maximum rate: the least-squares rates above, computed within episodes only (never across an
  unlogged gap). They are kept rather than the instrument's column so that every export is measured alike; on the
  KIT files they agree with the instrument's to within a degree for the runaway, and the maximum never exceeds the
  steepest logged step.

>>> from cellbench.safety import analyse_arc, load_chemistry, simulate_heat_wait_search, trace_from_columns
>>> run = simulate_heat_wait_search(load_chemistry("liquid_lco_graphite"), start_C=70.0)
>>> trace = trace_from_columns(run.trace["time_s"], run.trace["temperature_C"])
>>> result = analyse_arc(trace)
>>> abs(result.self_heating_onset_C - run.true_self_heating_onset_C) < 1.0
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cellbench.errors import InputError

SELF_HEATING_THRESHOLD_C_PER_MIN = 0.02
RUNAWAY_THRESHOLD_C_PER_MIN = 1.0
KELVIN = 273.15

# Mode words written by ARC instruments (and by our simulator), mapped onto the four heat-wait-search states.
_MODE_WORDS = {
    "heat": "heat", "heating": "heat", "h": "heat",
    "wait": "wait", "waiting": "wait", "w": "wait",
    "search": "search", "seek": "search", "s": "search",
    "exotherm": "exotherm", "exo": "exotherm", "tracking": "exotherm", "track": "exotherm", "e": "exotherm",
    "cool": "other", "cooling": "other", "end": "other", "idle": "other",
}


@dataclass
class ArcTrace:
    """One ARC run: time (s), sample temperature (°C), and pressure, mode and rate where the instrument logs them."""

    time_s: np.ndarray
    temperature_C: np.ndarray
    pressure: np.ndarray | None = None
    pressure_unit: str | None = None
    mode: np.ndarray | None = None  # 'heat' | 'wait' | 'search' | 'exotherm' | 'other'
    # The calorimeter's own self-heating rate where the export has it (NaN where a row leaves it blank).
    instrument_rate_C_per_min: np.ndarray | None = None
    source: str = "<memory>"
    first_data_line: int = 2  # file line of the first sample, to name rows in messages


def trace_from_columns(time_s, temperature_C, *, mode=None, pressure=None, instrument_rate_C_per_min=None,
                       source: str = "<memory>") -> ArcTrace:
    """An :class:`ArcTrace` from arrays (or Polars columns), checked like a file would be."""
    trace = ArcTrace(time_s=np.asarray(time_s, dtype=float), temperature_C=np.asarray(temperature_C, dtype=float),
                     pressure=None if pressure is None else np.asarray(pressure, dtype=float),
                     mode=None if mode is None else np.array([_MODE_WORDS.get(str(m).strip().lower(), "other")
                                                              for m in mode]),
                     instrument_rate_C_per_min=None if instrument_rate_C_per_min is None
                     else np.asarray(instrument_rate_C_per_min, dtype=float),
                     source=source, first_data_line=1)
    _check_trace(trace, row_name="row")
    return trace


@dataclass
class ArcResult:
    """The figures of one ARC run, plus the rate curve for plotting."""

    source: str
    self_heating_onset_C: float | None
    self_heating_detected_C: float | None
    runaway_onset_C: float | None
    max_temperature_C: float
    max_self_heating_rate_C_per_min: float | None
    max_pressure: float | None = None
    pressure_unit: str | None = None
    exotherm_segments: int = 0
    modes_from: str = "inferred"  # 'file' (a mode column), 'inferred' or 'instrument rate' (exotherm-only log)
    rate_temperature_C: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    rate_C_per_min: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    trace: ArcTrace | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        def r(x, nd=2):
            return None if x is None else round(float(x), nd)
        out = {
            "file": self.source,
            "self_heating_onset_C": r(self.self_heating_onset_C),
            "runaway_onset_C": r(self.runaway_onset_C),
            "max_temperature_C": r(self.max_temperature_C),
            "max_self_heating_rate_C_per_min": None if self.max_self_heating_rate_C_per_min is None
            else float(f"{self.max_self_heating_rate_C_per_min:.4g}"),
            "self_heating_detected_C": r(self.self_heating_detected_C),
            "exotherm_segments": self.exotherm_segments,
            "modes_from": self.modes_from,
        }
        if self.max_pressure is not None:
            out["max_pressure"] = r(self.max_pressure, 4)
            out["pressure_unit"] = self.pressure_unit
        return out


# ---------------------------------------------------------------------------------------------- reading files

def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9°]+", " ", name.lower()).strip()


_PREAMBLE_LINES = 100  # how far down an export's settings block may push the header


def _is_time_header(name: str) -> bool:
    # "T" alone is a temperature in ARC exports, so time needs its name.
    key = _header_key(name)
    return key.split(" ")[0] in ("time", "elapsed", "test") and "temp" not in key


_TIME_UNIT_WORDS = {"s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hr": 3600.0,
                     "hour": 3600.0}


def _rate_time_unit(words: list[str]) -> str | None:
    """The time word of a 'temperature unit per time unit' pair ('°C/min' -> 'min'), if the header has one."""
    words = [w for w in words if w != "per"]
    return next((b for a, b in zip(words, words[1:]) if a in ("°c", "c", "k", "degc") and b in _TIME_UNIT_WORDS), None)


def _is_rate_header(name: str) -> bool:
    """A temperature-rate column ('temperature rate / (°C/min)', 'dT/dt (K/min)', 'self heating rate C/s').

    A header with a temperature unit per time ('°C/min') counts too, so such a column is never taken for the
    temperature. Pressure rates (dP/dt) do not.
    """
    words = _header_key(name).split()
    if any(w.startswith("press") for w in words):
        return False
    return "rate" in words or words[:2] == ["dt", "dt"] or "dtdt" in words or _rate_time_unit(words) is not None


def _pick_instrument_rate(headers: list[str]) -> int | None:
    """The sample's rate column: the first rate header that is not the jacket's, heater's or a set point."""
    keys = [_header_key(h) for h in headers]
    rates = [i for i, h in enumerate(headers) if _is_rate_header(h)
             and not any(w in keys[i] for w in ("jacket", "heater", "bomb", "set", "ambient"))]
    return rates[0] if rates else None


def _rate_factor(header: str) -> float:
    """Factor to °C/min from the header's unit; ARC instruments state rates per minute, so that is the default."""
    unit = _rate_time_unit(_header_key(header).split())
    return 1.0 if unit is None else 60.0 / _TIME_UNIT_WORDS[unit]


def _pick_temperature(headers: list[str]) -> int | None:
    keys = [_header_key(h) for h in headers]
    candidates = [i for i, k in enumerate(keys) if ("temp" in k or k.split(" ")[0] == "t")
                  and not _is_rate_header(headers[i])]
    # ARC exports often log the jacket/heater too; the sample (cell) temperature is the one we analyse.
    preferred = [i for i in candidates if any(w in keys[i] for w in ("sample", "cell", "surface"))]
    others = [i for i in candidates if not any(w in keys[i] for w in ("jacket", "heater", "bomb", "set", "ambient"))]
    for group in (preferred, others):
        if group:
            return group[0]
    return None


def _time_factor(header: str, time_unit: str | None) -> float:
    units = {"s": 1.0, "min": 60.0, "h": 3600.0}
    if time_unit is not None:
        if time_unit not in units:
            raise InputError(f"time unit must be one of s, min, h; got '{time_unit}'")
        return units[time_unit]
    key = _header_key(header)
    words = set(key.split())
    if words & {"min", "mins", "minute", "minutes"} or key.endswith("min"):
        return 60.0
    if words & {"h", "hr", "hrs", "hour", "hours"}:
        return 3600.0
    if words & {"s", "sec", "secs", "second", "seconds"}:
        return 1.0
    raise InputError(f"cannot tell the unit of time column '{header}'; name it like 'time_s', 'time_min' or "
                     "'time (h)', or pass the time unit (--time-unit s|min|h)")


def read_arc_csv(path: str | Path, *, time_unit: str | None = None, temperature_column: str | None = None) -> ArcTrace:
    """Read an ARC export (CSV with a header: time, temperature, optional pressure, mode and rate columns).

    The time unit comes from the header (``time_min``, ``Time (s)``) unless given; temperatures in °C (a header
    saying K or kelvin is converted). A temperature-rate column (``temperature rate / (°C/min)``, ``dT/dt (K/s)``)
    is the instrument's own self-heating rate, kept as ``instrument_rate_C_per_min`` (per minute unless the header
    says otherwise; a blank cell is NaN) and never taken for the temperature. Errors name the file, the line and
    the column.
    """
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", source=source) from exc
    except OSError as exc:
        raise InputError(f"cannot read as text ({exc})", source=source) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Instrument software on Windows writes '°C' as the single Latin-1 byte 0xB0 (the KIT 21700 exports do).
        text = raw.decode("latin-1")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError("empty file; expected a header line with time and temperature columns", source=source)
    # Instrument exports often open with a block of settings; the header is the first line naming a time column.
    fields = [[f.strip() for f in re.split(r"[,;\t]", line)] for line in lines[:_PREAMBLE_LINES]]
    with_time = [n for n, f in enumerate(fields) if len(f) >= 2 and any(map(_is_time_header, f))]
    with_both = [n for n in with_time if _pick_temperature(fields[n]) is not None]
    header_at = (with_both or with_time or [0])[0]
    first = lines[header_at]
    delimiter = max([",", ";", "\t"], key=first.count)
    rows = list(csv.reader(lines[header_at:], delimiter=delimiter))
    headers = [h.strip() for h in rows[0]]
    header_line = f"line {header_at + 1}"

    time_index = next((i for i, h in enumerate(headers) if _is_time_header(h)), None)
    if time_index is None:
        raise InputError(f"no time column; expected a header like 'time_min' or 'Time (s)', found: "
                         f"{', '.join(headers)}", source=source, location=header_line)
    if temperature_column is not None:
        if temperature_column not in headers:
            raise InputError(f"no column '{temperature_column}'; found: {', '.join(headers)}", source=source,
                             location=header_line)
        temp_index = headers.index(temperature_column)
    else:
        temp_index = _pick_temperature(headers)
    if temp_index is None:
        raise InputError(f"no temperature column; expected a header like 'temperature_C' or 'Sample temperature "
                         f"(°C)', found: {', '.join(headers)}", source=source, location=header_line)
    pressure_index = next((i for i, h in enumerate(headers)
                           if "press" in _header_key(h) and "rate" not in _header_key(h).split()), None)
    rate_index = _pick_instrument_rate(headers)
    mode_index = next((i for i, h in enumerate(headers)
                       if _header_key(h) in ("mode", "state", "phase", "status", "arc mode", "step")), None)
    factor = _time_factor(headers[time_index], time_unit)
    temp_key = _header_key(headers[temp_index])
    kelvin = temp_key.endswith(" k") or "kelvin" in temp_key

    times, temps, pressures, modes, rates = [], [], [], [], []
    for row_number, row in enumerate(rows[1:], start=header_at + 2):
        if not row or all(not c.strip() for c in row):
            continue
        values = []
        for index in (time_index, temp_index, pressure_index):
            if index is None:
                values.append(None)
                continue
            if index >= len(row):
                raise InputError(f"row has {len(row)} fields, expected {len(headers)}", source=source,
                                 location=f"line {row_number}")
            cell = row[index].strip()
            try:
                value = float(cell)
            except ValueError:
                raise InputError(f"'{cell}' is not a number", source=source,
                                 location=f"line {row_number}, column {index + 1} ({headers[index]})") from None
            if not np.isfinite(value):
                raise InputError(f"'{cell}' is not a finite number", source=source,
                                 location=f"line {row_number}, column {index + 1} ({headers[index]})")
            values.append(value)
        times.append((values[0], row_number))
        temps.append(values[1])
        pressures.append(values[2])
        if mode_index is not None:
            modes.append(row[mode_index].strip() if mode_index < len(row) else "")
        if rate_index is not None:
            rates.append(_rate_cell(row, rate_index, headers, source=source, row_number=row_number))

    if len(times) < 3:
        raise InputError(f"only {len(times)} data rows; an ARC run needs many more", source=source)
    time_s = np.array([t for t, _ in times]) * factor
    temperature_C = np.array(temps) - (KELVIN if kelvin else 0.0)
    line_of = np.array([line for _, line in times])
    backwards = np.flatnonzero(np.diff(time_s) < 0)
    if backwards.size:
        i = backwards[0] + 1
        raise InputError(f"time goes backwards ({time_s[i - 1] / factor:g} then {time_s[i] / factor:g}); "
                         "expected time to increase down the file", source=source,
                         location=f"line {line_of[i]}, column {time_index + 1} ({headers[time_index]})")
    mode = None
    if mode_index is not None:
        mapped = [_MODE_WORDS.get(m.lower()) for m in modes]
        # A numeric 'step' column is a step counter, not a mode; use it only if it holds mode words.
        if sum(m is not None for m in mapped) >= 0.9 * len(mapped):
            mode = np.array([m or "other" for m in mapped])
    pressure_unit = None
    if pressure_index is not None:
        found = re.search(r"\(([^)]+)\)|\[([^\]]+)\]|_([a-zA-Z]+)$", headers[pressure_index])
        pressure_unit = next((g for g in found.groups() if g), None) if found else None
    trace = ArcTrace(time_s=time_s, temperature_C=temperature_C,
                     pressure=np.array(pressures) if pressure_index is not None else None,
                     pressure_unit=pressure_unit, mode=mode,
                     instrument_rate_C_per_min=None if rate_index is None
                     else np.array(rates) * _rate_factor(headers[rate_index]),
                     source=source, first_data_line=2)
    return trace


def _rate_cell(row: list[str], index: int, headers: list[str], *, source: str, row_number: int) -> float:
    """The instrument's rate in one row; NaN where the instrument left it blank (it does on some rows)."""
    cell = row[index].strip() if index < len(row) else ""
    if not cell:
        return np.nan
    try:
        value = float(cell)
    except ValueError:
        value = np.inf
    if np.isinf(value):  # 'nan' is written for a blank by some exporters; anything else is a broken cell
        raise InputError(f"'{cell}' is not a number; expected the instrument's rate or an empty cell", source=source,
                         location=f"line {row_number}, column {index + 1} ({headers[index]})")
    return value


def _check_trace(trace: ArcTrace, *, row_name: str) -> None:
    n = trace.time_s.size
    if trace.temperature_C.size != n or n < 3:
        raise InputError("time and temperature must have the same length, at least 3 samples", source=trace.source)
    for name, values in (("time", trace.time_s), ("temperature", trace.temperature_C)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InputError(f"{name} is not a finite number", source=trace.source,
                             location=f"{row_name} {bad[0] + trace.first_data_line}")
    rate = trace.instrument_rate_C_per_min
    if rate is not None and rate.size != n:
        raise InputError("the instrument's rate must have one value per sample (NaN where unknown)",
                         source=trace.source)
    backwards = np.flatnonzero(np.diff(trace.time_s) < 0)
    if backwards.size:
        raise InputError("time goes backwards; expected it to increase", source=trace.source,
                         location=f"{row_name} {backwards[0] + 1 + trace.first_data_line}")


# ---------------------------------------------------------------------------------------------- analysis

def _infer_modes(time_s: np.ndarray, temperature_C: np.ndarray, *, heat_detect_C_per_min: float,
                 max_heat_step_C: float, wait_min: float) -> np.ndarray:
    """Label samples heat / wait / adiabatic from the temperature alone (for exports without a mode column).

    A heat step is a stretch where the temperature climbs faster than ``heat_detect_C_per_min``, by no more than
    ``max_heat_step_C`` in total (a runaway climbs further), after five minutes of near-standstill; the
    ``wait_min`` after it is the wait.
    """
    n = time_s.size
    modes = np.full(n, "search", dtype=object)
    # Rates over about one minute, so thermocouple noise on fast logging does not look like heating.
    before = np.searchsorted(time_s, time_s - 30.0, side="left")
    after = np.minimum(np.searchsorted(time_s, time_s + 30.0, side="right") - 1, n - 1)
    span_s = time_s[after] - time_s[before]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(span_s > 0, (temperature_C[after] - temperature_C[before]) / span_s * 60.0, 0.0)
    fast = rate >= heat_detect_C_per_min
    i = 0
    while i < n:
        if not fast[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and fast[j + 1]:
            j += 1
        rise = temperature_C[j] - temperature_C[i]
        # A heat step starts from a near-standstill (a wait or search); a runaway wobbling around the heat
        # rate under noise does not, so only a run that follows five calm minutes counts as heating.
        before = np.searchsorted(time_s, time_s[i] - 300.0, side="left")
        calm = i == 0 or np.median(rate[before:i]) < heat_detect_C_per_min / 5.0
        if rise <= max_heat_step_C and calm:
            modes[i:j + 1] = "heat"
            end_wait = np.searchsorted(time_s, time_s[j] + wait_min * 60.0, side="right")
            modes[j + 1:end_wait] = np.where(modes[j + 1:end_wait] == "heat", "heat", "wait")
        i = j + 1
    return modes.astype(str)


def _windowed_rates(time_s: np.ndarray, temperature_C: np.ndarray, index: np.ndarray, *, window_s: float,
                    window_C: float) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares dT/dt (°C/min) over a forward window from each sample of one contiguous segment.

    The window runs until ``window_s`` seconds or ``window_C`` degrees have passed, whichever is first;
    returns the mean temperature of each window and its rate. The last samples (short windows) are dropped.
    """
    t = time_s[index] - time_s[index[0]]
    T = temperature_C[index]
    n = t.size
    if n < 3:
        return np.empty(0), np.empty(0)
    start = np.arange(n)
    # The sample that closes each window: the first one window_s later or window_C warmer (n if none does).
    close = np.searchsorted(t, t + window_s, side="left")
    if np.isfinite(window_C):
        running_max = np.maximum.accumulate(T)
        close = np.minimum(close, np.searchsorted(running_max, T + window_C, side="left"))
    complete = close < n
    end = np.minimum(np.maximum(close + 1, start + 3), n)  # exclusive; at least three samples
    if not complete.any():  # a segment shorter than one window (a short search): one window over all of it
        complete[0], end[0] = True, n
    keep = complete & (end - start >= 3)
    mean_T = np.full(n, np.nan)
    slope = np.full(n, np.nan)
    for i in np.flatnonzero(keep):
        # Centred per window: absolute times of a day-long run would swamp millisecond spacing in a runaway.
        dt = t[i:end[i]] - t[i:end[i]].mean()
        dT = T[i:end[i]] - T[i:end[i]].mean()
        var_t = float(dt @ dt)
        if var_t > 0:
            slope[i] = float(dt @ dT) / var_t * 60.0
            mean_T[i] = T[i:end[i]].mean()
    keep &= np.isfinite(slope)
    return mean_T[keep], slope[keep]


def _segments(mask: np.ndarray) -> list[np.ndarray]:
    """Index arrays of the maximal runs where ``mask`` is true."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [np.arange(a, b) for a, b in zip(starts, stops)]


def _slope_with_error(time_s: np.ndarray, temperature_C: np.ndarray, index: np.ndarray) -> tuple[float, float, float]:
    """Mean temperature, least-squares dT/dt (°C/min) and its standard error over the samples ``index``."""
    t = (time_s[index] - time_s[index].mean()) / 60.0
    T = temperature_C[index]
    var_t = float(t @ t)
    if index.size < 3 or var_t <= 0:
        return float(T.mean()), 0.0, np.inf
    slope = float(t @ (T - T.mean())) / var_t
    residual = T - T.mean() - slope * t
    error = np.sqrt(float(residual @ residual) / (index.size - 2) / var_t)
    return float(T.mean()), slope, max(error, 1e-6 * abs(slope))


def _log_crossing(T: np.ndarray, rate: np.ndarray, threshold: float, persist: int = 5) -> float | None:
    """First crossing of ``threshold`` that the following ``persist`` rates confirm (median at or above it)."""
    above = [i for i in np.flatnonzero(rate >= threshold) if np.median(rate[i:i + persist]) >= threshold]
    if not above:
        return None
    i = above[0]
    if i == 0 or rate[i - 1] <= 0:
        return float(T[i])
    frac = (np.log(threshold) - np.log(rate[i - 1])) / (np.log(rate[i]) - np.log(rate[i - 1]))
    return float(T[i - 1] + frac * (T[i] - T[i - 1]))


def _arrhenius_onset(T: np.ndarray, rate: np.ndarray, threshold: float,
                     weights: np.ndarray | None = None) -> float | None:
    """Temperature where an Arrhenius fit ln(rate) = a - b/T_K reaches ``threshold``; None if it cannot.

    ``weights`` are 1/σ of ln(rate) (rate over its standard error), as numpy's polyfit expects.
    """
    ok = rate > 0
    if ok.sum() < 2:
        return None
    x, y = 1.0 / (T[ok] + KELVIN), np.log(rate[ok])
    slope, intercept = np.polyfit(x, y, 1, w=None if weights is None else weights[ok])
    if slope >= 0:  # not accelerating with temperature: no Arrhenius picture to extrapolate
        return None
    return float(slope / (np.log(threshold) - intercept) - KELVIN)


def _exotherm_episodes(time_s: np.ndarray, temperature_C: np.ndarray, rate_C_per_min: np.ndarray, *,
                       threshold_C_per_min: float, heat_gap_C: float) -> tuple[list[np.ndarray], np.ndarray]:
    """Split an exotherm-only log into the exotherm episodes the calorimeter tracked.

    A new episode starts at a row where

    - the instrument's rate recovers after a lapse: the row before logged a rate below the threshold (the exotherm
      died out; the instrument went back to heat-wait-seek or tracked a dying tail), this one does not; or
    - heat was added since the row before: the temperature rose by more than ``heat_gap_C`` beyond what
      self-heating at the larger of the two rows' rates explains over the time between them, so the calorimeter
      heated the cell there (unlogged heat-wait-seek). The instrument logs a row per degree of tracked
      self-heating, so an exotherm that dies within a degree leaves no lapse row; only the added heat shows it.

    A blank rate is neither a lapse nor a confirmation. Returns the episodes (index arrays in file order) and,
    per row, whether heat was added since the row before it.

    >>> eps, heated = _exotherm_episodes(np.array([0., 60., 120., 3720., 3780.]), np.array([90., 91., 92., 99., 100.]),
    ...     np.array([0.03, 0.03, 0.01, 0.03, 1.0]), threshold_C_per_min=0.02, heat_gap_C=1.0)
    >>> [e.tolist() for e in eps], heated.tolist()
    ([[0, 1, 2], [3, 4]], [False, False, False, True, False])
    """
    with np.errstate(invalid="ignore"):
        lapse = rate_C_per_min < threshold_C_per_min  # NaN (blank) compares False: not a lapse
        pair_rate = np.fmax(rate_C_per_min[:-1], rate_C_per_min[1:])  # NaN only where both rows are blank
    explained_C = np.where(np.isnan(pair_rate), np.inf, np.maximum(pair_rate, 0.0) * np.diff(time_s) / 60.0)
    heat_added = np.concatenate([[False], np.diff(temperature_C) - explained_C > heat_gap_C])
    recovered = np.concatenate([[False], lapse[:-1] & ~lapse[1:]])
    bounds = np.concatenate([[0], np.flatnonzero(heat_added | recovered), [time_s.size]])
    return [np.arange(a, b) for a, b in zip(bounds[:-1], bounds[1:])], heat_added


def _rate_crossing(T0: float, rate0: float, T1: float, rate1: float, threshold: float) -> float:
    """Where the rate reaches ``threshold`` between two rows (rate0 < threshold <= rate1), interpolated in log(rate)."""
    if rate0 > 0:
        fraction = np.log(threshold / rate0) / np.log(rate1 / rate0)
    else:
        fraction = (threshold - rate0) / (rate1 - rate0)
    return float(T0 + fraction * (T1 - T0))


def _is_exotherm_only_log(trace: ArcTrace, inferred_modes: np.ndarray | None, threshold_C_per_min: float) -> bool:
    """True for an export that holds only the calorimeter's exotherm tracking (the KIT 21700 files are such).

    It has the instrument's rate and no mode column, most rows self-heat by the instrument's own rate, and no
    heat step shows among its rows — a full heat-wait-search log spends most rows waiting and searching
    below the threshold, and its heat steps are in the file.
    """
    rate = trace.instrument_rate_C_per_min
    if trace.mode is not None or rate is None or inferred_modes is None:
        return False
    known = rate[np.isfinite(rate)]
    return known.size >= 3 and np.median(known) >= threshold_C_per_min and not np.any(inferred_modes == "heat")


def analyse_arc(trace: ArcTrace, *, self_heating_threshold_C_per_min: float = SELF_HEATING_THRESHOLD_C_PER_MIN,
                runaway_threshold_C_per_min: float = RUNAWAY_THRESHOLD_C_PER_MIN, wait_min: float = 10.0,
                rate_window_min: float = 5.0, rate_window_C: float = 1.0, onset_searches: int = 3,
                onset_start_span_C: float = 0.5,
                heat_detect_C_per_min: float = 0.5, max_heat_step_C: float = 10.0,
                min_exotherm_min: float = 10.0, heat_gap_C: float = 1.0,
                exotherm_log: bool | None = None) -> ArcResult:
    """Onsets, maximum temperature and maximum self-heating rate of one heat-wait-search run (see module doc).

    ``exotherm_log`` says whether the trace is an exotherm-only log (rows logged only while the instrument tracked
    an exotherm, with its own rate column); None decides from the trace. ``heat_gap_C`` is how far the temperature
    may rise between two rows of such a log beyond what the instrument's rate explains before the gap counts as
    unlogged heat-wait-seek.
    """
    time_s, temperature_C = trace.time_s, trace.temperature_C
    inferred = None
    if trace.mode is None:
        inferred = _infer_modes(time_s, temperature_C, heat_detect_C_per_min=heat_detect_C_per_min,
                                max_heat_step_C=max_heat_step_C, wait_min=wait_min)
    if exotherm_log is None:
        exotherm_log = _is_exotherm_only_log(trace, inferred, self_heating_threshold_C_per_min)
    if exotherm_log:
        if trace.instrument_rate_C_per_min is None:
            raise InputError("an exotherm-only log needs the instrument's rate column (e.g. 'temperature rate / "
                             "(°C/min)')", source=trace.source)
        return _analyse_exotherm_log(trace, threshold_C_per_min=self_heating_threshold_C_per_min,
                                     runaway_threshold_C_per_min=runaway_threshold_C_per_min,
                                     rate_window_min=rate_window_min, rate_window_C=rate_window_C,
                                     heat_gap_C=heat_gap_C)

    if trace.mode is not None:
        modes, modes_from = trace.mode, "file"
        adiabatic = np.isin(modes, ["search", "exotherm"])
    else:
        modes, modes_from = inferred, "inferred"
        adiabatic = modes == "search"

    segments = []  # (indices, window temperatures, window rates, tracked?)
    for segment in _segments(adiabatic):
        T_mid, rate = _windowed_rates(time_s, temperature_C, segment, window_s=rate_window_min * 60.0,
                                      window_C=rate_window_C)
        if not rate.size:
            continue
        duration_min = (time_s[segment[-1]] - time_s[segment[0]]) / 60.0
        tracked = np.any(modes[segment] == "exotherm") if modes_from == "file" else duration_min >= min_exotherm_min
        exotherm = tracked and np.median(rate) >= self_heating_threshold_C_per_min
        segments.append((segment, T_mid, rate, exotherm))

    exotherms = [(seg, T, r) for seg, T, r, exo in segments if exo]
    result = _result(trace, segments, exotherms, modes_from=modes_from, exotherm_segments=len(exotherms),
                     runaway_threshold_C_per_min=runaway_threshold_C_per_min)
    if not exotherms:
        return result

    first = next(i for i, (_, _, _, exo) in enumerate(segments) if exo)
    segment, T_mid, rate, _ = segments[first]
    detected_C = float(temperature_C[segment[0]])
    result.self_heating_detected_C = detected_C
    # Onset between steps: a weighted fit of ln(rate) against 1/T through the searches just below the detection
    # (which found rates under the threshold) and the start of the exotherm (its first `onset_start_span_C`
    # degrees). Later exotherm rates are not used: reactant consumption already bends them away from Arrhenius.
    points = []
    earlier = [seg for seg, _, _, exo in segments[max(0, first - onset_searches):first] if not exo]
    for seg in earlier:
        points.append(_slope_with_error(time_s, temperature_C, seg))
    start = segment[temperature_C[segment] <= temperature_C[segment[0]] + onset_start_span_C]
    points.append(_slope_with_error(time_s, temperature_C, start if start.size >= 3 else segment))
    floor_C = points[-2][0] if len(points) >= 2 else -np.inf
    usable = [p for p in points if p[1] > self_heating_threshold_C_per_min / 20.0]
    onset = None
    if len(usable) >= 2:
        T_fit, rate_fit, error = (np.array(v) for v in zip(*usable))
        onset = _arrhenius_onset(T_fit, rate_fit, self_heating_threshold_C_per_min,
                                 weights=rate_fit / np.maximum(error, 1e-12))
    result.self_heating_onset_C = detected_C if onset is None else float(np.clip(onset, floor_C, detected_C))
    return result


def _result(trace: ArcTrace, segments: list, exotherms: list, *, modes_from: str, exotherm_segments: int,
            runaway_threshold_C_per_min: float) -> ArcResult:
    """The figures every analysis shares: maximum temperature, pressure and rate, the rate curve, the runaway."""
    result = ArcResult(
        source=trace.source, self_heating_onset_C=None, self_heating_detected_C=None, runaway_onset_C=None,
        max_temperature_C=float(trace.temperature_C.max()),
        max_self_heating_rate_C_per_min=max((float(r.max()) for _, _, r in exotherms), default=None),
        max_pressure=None if trace.pressure is None else float(np.max(trace.pressure)),
        pressure_unit=trace.pressure_unit, exotherm_segments=exotherm_segments, modes_from=modes_from,
        rate_temperature_C=np.concatenate([T for _, T, _, _ in segments]) if segments else np.empty(0),
        rate_C_per_min=np.concatenate([r for _, _, r, _ in segments]) if segments else np.empty(0), trace=trace,
    )
    for segment, T_mid, rate in exotherms:
        crossing = _log_crossing(T_mid, rate, runaway_threshold_C_per_min)
        if crossing is not None:
            result.runaway_onset_C = crossing
            break
    return result


def _analyse_exotherm_log(trace: ArcTrace, *, threshold_C_per_min: float, runaway_threshold_C_per_min: float,
                          rate_window_min: float, rate_window_C: float, heat_gap_C: float) -> ArcResult:
    """The figures of an exotherm-only log: episodes from the instrument's rate, rates by least squares.

    Detection is the first row of the last episode, when no rate in it falls below the threshold (the exotherm
    the instrument then tracked to the end of the log); the onset is interpolated between that row and a lapse row
    right before it when the instrument tracked across (no heat added), else it is the detection itself.
    """
    time_s, temperature_C = trace.time_s, trace.temperature_C
    logged = trace.instrument_rate_C_per_min
    episodes, heat_added = _exotherm_episodes(time_s, temperature_C, logged, threshold_C_per_min=threshold_C_per_min,
                                              heat_gap_C=heat_gap_C)
    segments = []
    for episode in episodes:
        # Every logged row was tracked by the instrument: all episodes are exotherms, none spans a heat step.
        T_mid, rate = _windowed_rates(time_s, temperature_C, episode, window_s=rate_window_min * 60.0,
                                      window_C=rate_window_C)
        if rate.size:
            segments.append((episode, T_mid, rate, True))
    result = _result(trace, segments, [(seg, T, r) for seg, T, r, _ in segments], modes_from="instrument rate",
                     exotherm_segments=len(episodes), runaway_threshold_C_per_min=runaway_threshold_C_per_min)
    last = episodes[-1]
    with np.errstate(invalid="ignore"):
        sustained = not np.any(logged[last] < threshold_C_per_min)
    if not sustained:  # the log ends on a lapse: no self-heating that stays at or above the threshold
        return result
    first = last[0]
    result.self_heating_detected_C = float(temperature_C[first])
    result.self_heating_onset_C = result.self_heating_detected_C
    if first > 0 and logged[first - 1] < threshold_C_per_min and not heat_added[first] and np.isfinite(logged[first]):
        result.self_heating_onset_C = _rate_crossing(temperature_C[first - 1], logged[first - 1],
                                                     temperature_C[first], logged[first], threshold_C_per_min)
    return result
