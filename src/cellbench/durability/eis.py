"""Impedance spectra: read them (BioLogic .mpr and text exports, Maccor EIS exports, plain CSV) into one spectrum
table, fit equivalent circuits with impedance.py, and track the ohmic resistance and the two growing arcs
(R_middle at higher frequency, R_low at lower frequency — the SOLiD-EV names) over ageing.

Spectrum table columns: ``frequency_hertz``, ``z_real_ohm``, ``z_imag_neg_ohm`` (−Im Z, positive for a
capacitive arc), ``electrode`` (``cell``, or ``working`` / ``counter`` for three-electrode data), ``spectrum``
(1, 2, … when a file holds several sweeps).

>>> import numpy as np
>>> f = np.logspace(5, -2, 60)
>>> z = circuit_impedance("R0-p(R1,CPE1)-p(R2,CPE2)", [0.02, 0.01, 1e-3, 0.9, 0.03, 1.0, 0.8], f)
>>> fit = fit_spectrum(Spectrum.from_arrays(f, z.real, -z.imag))
>>> round(fit.resistances_ohm["R_ohmic"], 3), round(fit.resistances_ohm["R_middle"], 3), round(fit.resistances_ohm["R_low"], 3)
(0.02, 0.01, 0.03)
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from scipy.stats import t as student_t

from cellbench.errors import InputError

DEFAULT_CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)"
COLUMNS = ("frequency_hertz", "z_real_ohm", "z_imag_neg_ohm", "electrode", "spectrum")

# column names of frequency and of each electrode's impedance as vendors write them. BioLogic names the
# working-electrode impedance Z (Ewe), the counter's Zce and the whole cell's Zwe-ce in three-electrode files.
_FREQUENCY = ("freq/Hz", "frequency/Hz", "Frequency", "Frequency (Hz)", "Freq", "Freq(Hz)", "frequency_hertz")
_SWEEP = ("z cycle", "cycle number", "spectrum")
_IMPEDANCE = {  # suffix in the vendor's names -> (Re, −Im, Im, |Z|, phase) candidates
    "Z": (("Re(Z)/Ohm", "Z'", "Z' (Ohm)", "Zreal", "Z_real", "Re(Z)", "z_real_ohm"),
          ("-Im(Z)/Ohm", "-Z''", "-Z'' (Ohm)", "-Im(Z)", "z_imag_neg_ohm"),
          ("Im(Z)/Ohm", "Z''", "Z'' (Ohm)", "Zimag", "Z_imag", "Im(Z)"),
          ("|Z|/Ohm",), ("Phase(Z)/deg",)),
    "Zce": (("Re(Zce)/Ohm",), ("-Im(Zce)/Ohm",), (), ("|Zce|/Ohm",), ("Phase(Zce)/deg",)),
    "Zwe-ce": (("Re(Zwe-ce)/Ohm",), ("-Im(Zwe-ce)/Ohm",), (), ("|Zwe-ce|/Ohm",), ("Phase(Zwe-ce)/deg",)),
}


@dataclass
class Spectrum:
    """One or more impedance spectra as a table (see the module docstring for the columns)."""

    data: pl.DataFrame
    source: str | None = None
    metadata: dict = field(default_factory=dict)

    @classmethod
    def from_arrays(cls, frequency_Hz, z_real_ohm, z_imag_neg_ohm, *, electrode: str = "cell",
                    source: str | None = None) -> "Spectrum":
        n = len(frequency_Hz)
        return cls(pl.DataFrame({"frequency_hertz": np.asarray(frequency_Hz, float),
                                 "z_real_ohm": np.asarray(z_real_ohm, float),
                                 "z_imag_neg_ohm": np.asarray(z_imag_neg_ohm, float),
                                 "electrode": [electrode] * n, "spectrum": np.ones(n, dtype=np.int64)}), source)

    def electrodes(self) -> list[str]:
        return self.data["electrode"].unique(maintain_order=True).to_list()

    def select(self, *, electrode: str = "cell", spectrum: int | None = None) -> "Spectrum":
        rows = self.data.filter(pl.col("electrode") == electrode)
        if spectrum is not None:
            rows = rows.filter(pl.col("spectrum") == spectrum)
        if rows.height == 0:
            raise InputError(f"no spectrum for electrode '{electrode}'" + (f", sweep {spectrum}" if spectrum else "")
                             + f": the file holds electrode(s) {', '.join(self.electrodes())}", source=self.source)
        return Spectrum(rows, self.source, self.metadata)


def _find(names: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {n.strip().lower(): n for n in names}
    return next((lowered[c.lower()] for c in candidates if c.lower() in lowered), None)


def _impedance(columns: dict[str, np.ndarray], key: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(Re Z, −Im Z) of one electrode from whichever pair of columns the file has."""
    names = list(columns)
    real, neg, imag, modulus, phase = (_find(names, c) for c in _IMPEDANCE[key])
    if real and (neg or imag):
        z_neg = np.asarray(columns[neg], float) if neg else -np.asarray(columns[imag], float)
        return np.asarray(columns[real], float), z_neg
    if modulus and phase:
        angle = np.deg2rad(np.asarray(columns[phase], float))
        return np.asarray(columns[modulus], float) * np.cos(angle), -np.asarray(columns[modulus], float) * np.sin(angle)
    return None


def _from_columns(columns: dict[str, np.ndarray], source: str) -> Spectrum:
    names = list(columns)
    freq = _find(names, _FREQUENCY)
    three_electrode = _impedance(columns, "Zce") is not None
    roles = {"Z": "working", "Zce": "counter", "Zwe-ce": "cell"} if three_electrode else {"Z": "cell"}
    frames = []
    if freq is not None:
        f = np.asarray(columns[freq], float)
        sweep_column = _find(names, _SWEEP)
        sweep = (np.asarray(columns[sweep_column], float).astype(np.int64) if sweep_column else _sweeps(f))
        keep = f > 0  # rows of other techniques in the same file carry frequency 0
        for key, electrode in roles.items():
            pair = _impedance(columns, key)
            if pair is None:
                continue
            frames.append(pl.DataFrame({
                "frequency_hertz": f[keep], "z_real_ohm": pair[0][keep], "z_imag_neg_ohm": pair[1][keep],
                "electrode": [electrode] * int(keep.sum()), "spectrum": sweep[keep]}))
    frames = [f for f in frames if f.height]
    if not frames:
        raise InputError("no impedance spectrum: expected a frequency column (e.g. freq/Hz) with Re(Z) and −Im(Z) "
                         "(e.g. Re(Z)/Ohm, -Im(Z)/Ohm) or |Z| and Phase(Z), at frequencies above 0; columns "
                         f"present: {', '.join(names)}", source=source)
    return Spectrum(pl.concat(frames), source)


def _sweeps(frequency: np.ndarray) -> np.ndarray:
    """Sweep number: a new sweep starts where the frequency jumps back up (sweeps run high → low)."""
    f = np.asarray(frequency, float)
    jumps = np.concatenate([[False], f[1:] > f[:-1] * 1.5]) & (f > 0)
    return np.cumsum(jumps) + 1


def read_spectrum(path: str | Path) -> Spectrum:
    """Read impedance spectra from a BioLogic .mpr (galvani) or .mpt text export, a Maccor EIS export, or a
    delimited text file with frequency, Re Z and −Im Z (or Im Z) columns."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("no such file", source=source)
    if path.suffix.lower() == ".mpr":
        from galvani import BioLogic

        try:
            data = BioLogic.MPRfile(source).data
        except Exception as exc:  # galvani raises several types on bad files
            raise InputError(f"not a readable BioLogic .mpr file ({type(exc).__name__}: {exc})", source=source) from exc
        return _from_columns({n: np.asarray(data[n]) for n in data.dtype.names}, source)
    text = path.read_text(encoding="latin-1")
    lines = text.splitlines()
    if lines and lines[0].startswith("Today's Date") and "Rec#" in (lines[1] if len(lines) > 1 else ""):
        _refuse_maccor_raw(lines, source)
    header = _header_line(lines)
    if header is None:
        raise InputError("no header line with a frequency column (e.g. 'freq/Hz', 'Frequency') found", source=source)
    delimiter = "\t" if "\t" in lines[header] else ("," if "," in lines[header] else ";")
    names = [n.strip() for n in lines[header].split(delimiter)]
    rows = []
    for number, line in enumerate(lines[header + 1:], start=header + 2):
        if not line.strip():
            continue
        cells = line.split(delimiter)
        try:
            rows.append([float(c.replace(",", ".")) if delimiter != "," else float(c) for c in cells[:len(names)]])
        except ValueError:
            raise InputError(f"non-numeric value in row '{line[:60]}'", source=source, location=f"line {number}") from None
    if not rows:
        raise InputError("the header is followed by no data rows", source=source, location=f"line {header + 1}")
    table = np.array(rows, float)
    return _from_columns({n: table[:, j] for j, n in enumerate(names[:table.shape[1]])}, source)


def _header_line(lines: list[str]) -> int | None:
    for number, line in enumerate(lines[:200]):
        cells = [c.strip().lower() for c in re.split(r"[\t,;]", line)]
        if any(c in {x.lower() for x in _FREQUENCY} for c in cells):
            return number
    return None


def _refuse_maccor_raw(lines: list[str], source: str) -> None:
    """A Maccor raw-data export records the EIS step only as FRA state rows; the spectrum itself is written by
    the FRA software to a separate EIS export beside it. Say so instead of returning an empty spectrum."""
    fra = sum(1 for line in lines[2:] if "\tFRA\t" in line)
    raise InputError(f"this is a Maccor raw-data export: it marks {fra} sample(s) of an EIS (FRA) step but holds "
                     "no impedance values (its ACImp column is the single-frequency AC impedance). Read the Maccor "
                     "EIS export written beside it (a tab-separated table with Frequency, Z' and Z'' columns)",
                     source=source)


def circuit_impedance(circuit: str, parameters: list[float], frequency_Hz) -> np.ndarray:
    """Complex impedance of an impedance.py circuit string at the given frequencies."""
    from impedance.models.circuits import CustomCircuit

    model = CustomCircuit(circuit, initial_guess=list(parameters))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "simulating circuit based on initial parameters" is what we ask for
        return model.predict(np.asarray(frequency_Hz, float), use_initial=True)


#: an arc counts as closed when at least this share of its resistance lies within the measured frequencies
ARC_CLOSED_SHARE = 0.9
#: a fit whose rms misfit exceeds this share of the spectrum's median |Z| does not describe the spectrum
MISFIT_SHARE = 0.2


def _g6(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(f"{x:.6g}")


@dataclass
class CircuitFit:
    """A circuit fitted to one spectrum, with 95 % confidence intervals from the fit's covariance.

    `resistance_ci95_ohm[name]` is (low, high), unbounded (None in JSON) where the spectrum does not constrain the
    value; `identifiable[name]` is False when the interval is wider than the value (half-width > value), when
    the arc does not close within the measured frequencies, or when the circuit does not describe the spectrum.
    """

    circuit: str
    parameters: dict[str, float]
    resistances_ohm: dict[str, float]
    rms_error_ohm: float
    points: int
    warnings: list[str] = field(default_factory=list)
    std_errors: dict[str, float] = field(default_factory=dict)
    resistance_ci95_ohm: dict[str, tuple[float, float]] = field(default_factory=dict)
    identifiable: dict[str, bool] = field(default_factory=dict)
    arc_closed_share: dict[str, float] = field(default_factory=dict)
    lowest_frequency_Hz: float | None = None

    def as_dict(self) -> dict:
        return {"warnings": self.warnings, "circuit": self.circuit,
                "parameters": {k: float(f"{v:.6g}") for k, v in self.parameters.items()},
                "std_errors": {k: _g6(v) for k, v in self.std_errors.items()},
                "resistances_ohm": {k: float(f"{v:.6g}") for k, v in self.resistances_ohm.items()},
                "resistance_ci95_ohm": {k: [_g6(lo), _g6(hi)] for k, (lo, hi) in self.resistance_ci95_ohm.items()},
                "identifiable": self.identifiable,
                "arc_closed_share": {k: round(v, 4) for k, v in self.arc_closed_share.items()},
                "lowest_frequency_Hz": _g6(self.lowest_frequency_Hz),
                "rms_error_ohm": float(f"{self.rms_error_ohm:.4g}"), "points": self.points}


def parameter_std_errors(circuit: str, values: dict[str, float], f: np.ndarray, z: np.ndarray) -> dict[str, float]:
    """One-standard-deviation errors of the fitted parameters from the fit's covariance, s²·(JᵀJ)⁻¹, with J the
    Jacobian of the stacked real and imaginary residuals (the same model and weighting as impedance.py's fit, so
    the numbers compare with its ``conf_``). Parameters along a direction the data do not constrain (a singular
    value below 1e-9 of the largest, in relative units) get an infinite error instead of a spurious small one."""
    names = list(values)
    p = np.array([values[n] for n in names], float)
    scale = np.where(np.abs(p) > 1e-12, np.abs(p), 1.0)

    def stacked(params: np.ndarray) -> np.ndarray:
        model = circuit_impedance(circuit, list(params), f)
        return np.concatenate([model.real, model.imag])

    jacobian = np.empty((2 * len(f), len(p)))
    for i in range(len(p)):  # central differences in relative steps
        step = 1e-6 * scale[i]
        up, down = p.copy(), p.copy()
        up[i] += step
        down[i] = max(down[i] - step, 0.0) if p[i] >= 0 else down[i] - step
        jacobian[:, i] = (stacked(up) - stacked(down)) / (up[i] - down[i]) * scale[i]
    residual = stacked(p) - np.concatenate([z.real, z.imag])
    dof = max(2 * len(f) - len(p), 1)
    variance = float(residual @ residual) / dof
    _, singular, vt = np.linalg.svd(jacobian, full_matrices=False)
    kept = singular > singular[0] * 1e-9 if singular[0] > 0 else np.zeros_like(singular, bool)
    relative = (vt[kept].T / singular[kept] ** 2) @ vt[kept]
    loose = np.any(np.abs(vt[~kept]) > 1e-6, axis=0) if (~kept).any() else np.zeros(len(p), bool)
    errors = np.sqrt(np.clip(np.diag(relative), 0.0, None) * variance) * scale
    return {n: (np.inf if loose[i] else float(errors[i])) for i, n in enumerate(names)}


def _arc_elements(circuit: str) -> list[tuple[str, str]]:
    return re.findall(r"p\((R\d+),\s*((?:CPE|C)\d+)\)", circuit)


def _closed_share(r: float, q: float, alpha: float, f_min: float) -> float:
    """Share of an R‖CPE arc's resistance reached at the lowest frequency: Re Z_arc(ω_min) / R (1 when closed)."""
    if r <= 0:
        return 1.0
    y = r * q * (2j * np.pi * f_min) ** alpha
    return float((1.0 / (1.0 + y)).real)


def _initial_guess(circuit: str, names: list[str], f: np.ndarray, z: np.ndarray) -> list[float]:
    """Starting values from the spectrum's shape: R0 at the high-frequency intercept, the arcs sharing the
    width of the real axis span, each CPE placed at the frequency of its arc's top (ω = 1/(R·Q)^(1/α))."""
    r0 = max(float(np.min(z.real)), 1e-6)
    span = max(float(np.max(z.real)) - r0, 1e-6)
    arcs = [n for n in names if re.fullmatch(r"R\d+", n) and n != "R0"]
    order = np.argsort(f)[::-1]
    chunks = np.array_split(order, max(len(arcs), 1))  # high → low frequency: one chunk per arc
    guess = []
    for name in names:
        if name == "R0":
            guess.append(r0)
        elif re.fullmatch(r"R\d+", name):
            guess.append(span / max(len(arcs), 1))
        elif re.fullmatch(r"CPE\d+_0|C\d+", name):
            index = int(re.findall(r"\d+", name)[0])
            chunk = chunks[min(max(index - 1, 0), len(chunks) - 1)]
            top = chunk[np.argmax(-z.imag[chunk])]
            omega = 2 * np.pi * f[top]
            guess.append(1.0 / (span / max(len(arcs), 1) * omega))
        elif re.fullmatch(r"CPE\d+_1", name):
            guess.append(0.85)
        elif name.startswith("W"):
            guess.append(span)
        else:
            guess.append(1e-6 if name.startswith("L") else 1.0)
    return guess


def fit_spectrum(spectrum: Spectrum, circuit: str = DEFAULT_CIRCUIT, *, electrode: str | None = None,
                 sweep: int | None = None) -> CircuitFit:
    """Fit `circuit` (impedance.py syntax) to one spectrum (the first sweep of `electrode`, default: the first
    electrode in the file). Resistances are named R_ohmic (R0) and, for the parallel R–CPE arcs, R_middle for
    the arc with the shorter time constant (higher frequency) and R_low for the longer one."""
    from impedance.models.circuits import CustomCircuit
    from impedance.models.circuits.fitting import calculateCircuitLength

    selected = spectrum.select(electrode=electrode or spectrum.electrodes()[0],
                               spectrum=sweep if sweep is not None else int(spectrum.data["spectrum"].min()))
    data = selected.data.filter(pl.col("z_imag_neg_ohm").is_finite() & pl.col("z_real_ohm").is_finite())
    f = data["frequency_hertz"].to_numpy()
    z = data["z_real_ohm"].to_numpy() - 1j * data["z_imag_neg_ohm"].to_numpy()
    try:
        probe = CustomCircuit(circuit, initial_guess=[1.0] * calculateCircuitLength(circuit))
        names = probe.get_param_names()[0]
    except Exception as exc:
        raise InputError(f"not a circuit impedance.py understands: {circuit} ({exc})", location="circuit") from None
    if len(f) <= len(names):
        raise InputError(f"{len(f)} points cannot fit the {len(names)} parameters of {circuit}", source=spectrum.source)
    model = CustomCircuit(circuit, initial_guess=_initial_guess(circuit, names, f, z))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # resistances and capacitances are positive; a CPE exponent lies in (0, 1]
        upper = [1.0 if re.fullmatch(r"CPE\d+_1", n) else np.inf for n in names]
        model.fit(f, z, global_opt=False, bounds=(np.zeros(len(names)), upper), maxfev=20000)
    values = dict(zip(names, (float(v) for v in model.parameters_)))
    fitted = model.predict(f)
    rms = float(np.sqrt(np.mean(np.abs(fitted - z) ** 2)))
    resistances = _name_resistances(circuit, values)
    errors = parameter_std_errors(circuit, values, f, z)
    t95 = float(student_t.ppf(0.975, max(2 * len(f) - len(names), 1)))
    element = _resistance_elements(circuit, values)
    f_min = float(np.min(f))
    closed = {}
    for label, r_name in element.items():
        c_name = _arc_elements_by_r(circuit).get(r_name)
        if c_name is not None:
            q = values.get(f"{c_name}_0", values.get(c_name))
            closed[label] = _closed_share(values[r_name], q, values.get(f"{c_name}_1", 1.0), f_min)
    ci, identifiable, notes = {}, {}, []
    misfit = rms > MISFIT_SHARE * float(np.median(np.abs(z)))
    if misfit:
        notes.append(f"the circuit does not describe this spectrum: rms misfit {rms:.3g} Ω against a median |Z| of "
                     f"{float(np.median(np.abs(z))):.3g} Ω; no resistance of this fit is meaningful")
    span = float(np.ptp(z.real))
    for label, r_name in element.items():
        value, half = resistances[label], t95 * errors[r_name]
        ci[label] = (value - half, value + half) if np.isfinite(half) else (-np.inf, np.inf)
        wide = not np.isfinite(half) or half > value
        open_arc = closed.get(label, 1.0) < ARC_CLOSED_SHARE
        identifiable[label] = not (wide or open_arc or misfit)
        if open_arc:
            hint = (f"; {value:.3g} Ω is {value / span:.3g}× the measured real-axis span ({span:.3g} Ω)"
                    if span > 0 and value > 10 * span else "")
            notes.append(f"{label}: the arc does not close by the lowest frequency ({f_min:.3g} Hz): only "
                         f"{100 * max(closed[label], 0.0):.0f} % of its {value:.3g} Ω lies within the measured "
                         f"frequencies, the rest is extrapolated{hint}; measure to lower frequencies or add a "
                         "Warburg element (e.g. '-W1')")
        if wide and not misfit:
            interval = "unbounded" if not np.isfinite(half) else f"± {half:.3g} Ω"
            notes.append(f"{label} = {value:.3g} Ω {interval} (95 %): the confidence interval is wider than the "
                         "value, so this spectrum does not identify it")
    return CircuitFit(circuit, values, resistances, rms, len(f), notes, errors, ci, identifiable, closed, f_min)


def _arc_elements_by_r(circuit: str) -> dict[str, str]:
    return dict(_arc_elements(circuit))


def _resistance_elements(circuit: str, values: dict[str, float]) -> dict[str, str]:
    """Reported resistance label -> circuit element (R_ohmic -> R0, R_middle/R_low -> the arcs' R by time constant)."""
    out = {"R_ohmic": "R0"} if "R0" in values else {}
    arcs = []
    for r_name, c_name in _arc_elements(circuit):
        q = values.get(f"{c_name}_0", values.get(c_name))
        alpha = values.get(f"{c_name}_1", 1.0)
        arcs.append(((values[r_name] * q) ** (1.0 / alpha), r_name))
    arcs.sort()
    labels = ["R_middle", "R_low"] if len(arcs) == 2 else [f"R_arc{i + 1}" for i in range(len(arcs))]
    out.update({label: r_name for label, (_, r_name) in zip(labels, arcs)})
    return out


def _name_resistances(circuit: str, values: dict[str, float]) -> dict[str, float]:
    """R_ohmic, and the arcs' resistances named by time constant τ = (R·Q)^(1/α): R_middle the shorter."""
    return {label: values[r_name] for label, r_name in _resistance_elements(circuit, values).items()}


def track_resistances(spectra: list[tuple[float, Spectrum]], circuit: str = DEFAULT_CIRCUIT, *,
                      electrode: str | None = None) -> pl.DataFrame:
    """Fitted resistances against ageing (time in days or cycles, one spectrum each), with growth against the
    first: columns time, R_ohmic, R_middle, R_low, <name>_growth (fraction), and for each resistance its 95 %
    half-width (<name>_ci95_half_width, inf when unbounded) and <name>_identifiable."""
    rows = []
    for time, spectrum in spectra:
        fit = fit_spectrum(spectrum, circuit, electrode=electrode)
        rows.append({"time": time, **fit.resistances_ohm, "rms_error_ohm": fit.rms_error_ohm,
                     **{f"{n}_ci95_half_width": 0.5 * (hi - lo) for n, (lo, hi) in fit.resistance_ci95_ohm.items()},
                     **{f"{n}_identifiable": ok for n, ok in fit.identifiable.items()}})
    table = pl.DataFrame(rows).sort("time")
    names = [c for c in table.columns if c.startswith("R_") and not c.endswith(("_half_width", "_identifiable"))]
    return table.with_columns([(pl.col(n) / pl.col(n).first() - 1.0).alias(f"{n}_growth") for n in names])
