"""Accelerated-test design: fit stress factors from short tests at high temperature, predict retention at use
conditions with an uncertainty band, and plan tests that reach a target uncertainty.

Model (one degradation quantity, e.g. capacity loss = 1 − retention)::

    loss(t) = exp(ln_k − Ea/R·(1/T − 1/T_ref) + b_soc·(SOC − 0.5) + b_c·(C − 1)) · t^z

fitted by non-linear least squares; b_soc is fitted only when the data hold two or more SOC levels, b_c only with
two or more C-rates, z only when asked (default: z = 0.5, diffusion-limited film growth). The band is the
95 % confidence interval of the fitted curve (delta method on the parameter covariance, Student t).

>>> import numpy as np
>>> days = np.array([7, 14, 21, 28] * 2, float); temps = np.repeat([45.0, 60.0], 4)
>>> loss = 0.001 * np.exp(-50e3 / 8.314462618 * (1 / (temps + 273.15) - 1 / 298.15)) * days ** 0.5
>>> fit = fit_acceleration(AgeingData(temps, days, 1 - loss))
>>> round(fit.activation_energy_kJ_mol, 1)
50.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from scipy import stats
from scipy.optimize import least_squares

from cellbench.errors import InputError

GAS_CONSTANT = 8.314462618
KELVIN = 273.15
CONFIDENCE = 0.95


@dataclass
class AgeingData:
    """Check-up results: one row per check-up. time is days (storage) or equivalent full cycles (cycling)."""

    temperature_C: np.ndarray
    time: np.ndarray
    retention: np.ndarray
    soc: np.ndarray | None = None
    c_rate: np.ndarray | None = None
    source: str | None = None

    def __post_init__(self):
        n = len(self.temperature_C)
        self.temperature_C = np.asarray(self.temperature_C, float)
        self.time = np.asarray(self.time, float)
        self.retention = np.asarray(self.retention, float)
        self.soc = np.full(n, 0.5) if self.soc is None else np.asarray(self.soc, float)
        self.c_rate = np.full(n, 1.0) if self.c_rate is None else np.asarray(self.c_rate, float)

    @classmethod
    def read(cls, path: str | Path) -> "AgeingData":
        """A CSV with columns temperature_C, time (or time_days / equivalent_full_cycles), retention (fraction or
        %), and optionally soc (fraction or %) and c_rate."""
        path = Path(path)
        try:
            table = pl.read_csv(path)
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise InputError(f"cannot read ageing data: {exc}", source=str(path)) from None
        time_column = next((c for c in ("time", "time_days", "equivalent_full_cycles") if c in table.columns), None)
        missing = [c for c in ("temperature_C", "retention") if c not in table.columns]
        if time_column is None:
            missing.append("time (or time_days / equivalent_full_cycles)")
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}; columns present: {', '.join(table.columns)}",
                             source=str(path))
        retention = table["retention"].cast(pl.Float64).to_numpy()
        if np.nanmax(retention) > 1.5:  # given in per cent
            retention = retention / 100.0
        soc = table["soc"].cast(pl.Float64).to_numpy() if "soc" in table.columns else None
        if soc is not None and np.nanmax(soc) > 1.5:
            soc = soc / 100.0
        c_rate = table["c_rate"].cast(pl.Float64).to_numpy() if "c_rate" in table.columns else None
        return cls(table["temperature_C"].cast(pl.Float64).to_numpy(), table[time_column].cast(pl.Float64).to_numpy(),
                   retention, soc, c_rate, source=str(path))


@dataclass
class AccelerationFit:
    """Fitted stress model with its covariance."""

    names: list[str]
    values: np.ndarray
    covariance: np.ndarray
    reference_temperature_C: float
    exponent: float
    dof: int
    rms_error: float
    notes: list[str] = field(default_factory=list)

    def _get(self, name: str, default: float = 0.0) -> float:
        return float(self.values[self.names.index(name)]) if name in self.names else default

    @property
    def activation_energy_kJ_mol(self) -> float:
        return self._get("activation_energy_kJ_mol")

    def loss(self, temperature_C, time, soc=0.5, c_rate=1.0, values: np.ndarray | None = None) -> np.ndarray:
        p = dict(zip(self.names, self.values if values is None else values))
        z = p.get("exponent", self.exponent)
        T = np.asarray(temperature_C, float) + KELVIN
        ln_rate = (p["ln_k"] - p["activation_energy_kJ_mol"] * 1000.0 / GAS_CONSTANT
                   * (1.0 / T - 1.0 / (self.reference_temperature_C + KELVIN))
                   + p.get("soc_stress", 0.0) * (np.asarray(soc, float) - 0.5)
                   + p.get("c_rate_stress", 0.0) * (np.asarray(c_rate, float) - 1.0))
        return np.exp(ln_rate) * np.asarray(time, float) ** z

    def acceleration_factor(self, test_temperature_C: float, use_temperature_C: float) -> float:
        """How many times faster the loss rate constant is at the test temperature than at use."""
        ea = self.activation_energy_kJ_mol * 1000.0 / GAS_CONSTANT
        return math.exp(ea * (1.0 / (use_temperature_C + KELVIN) - 1.0 / (test_temperature_C + KELVIN)))

    def predict(self, temperature_C: float, time: float, soc: float = 0.5, c_rate: float = 1.0) -> "Prediction":
        """Retention at the given condition with its 95 % band."""
        centre = float(self.loss(temperature_C, time, soc, c_rate))
        gradient = np.empty(len(self.values))
        for j in range(len(self.values)):
            step = 1e-6 * max(1.0, abs(self.values[j]))
            shifted = self.values.copy()
            shifted[j] += step
            gradient[j] = (float(self.loss(temperature_C, time, soc, c_rate, shifted)) - centre) / step
        sigma = float(np.sqrt(max(gradient @ self.covariance @ gradient, 0.0)))
        t_factor = float(stats.t.ppf(0.5 + CONFIDENCE / 2, max(self.dof, 1)))
        return Prediction(temperature_C, time, soc, c_rate, 1.0 - centre, sigma, 1.0 - centre - t_factor * sigma,
                          1.0 - centre + t_factor * sigma)

    def as_dict(self) -> dict:
        errors = np.sqrt(np.diag(self.covariance))
        return {"parameters": {n: {"value": round(float(v), 6), "std_error": round(float(e), 6)}
                               for n, v, e in zip(self.names, self.values, errors)},
                "exponent": self.exponent if "exponent" not in self.names else self._get("exponent"),
                "reference_temperature_C": self.reference_temperature_C, "degrees_of_freedom": self.dof,
                "rms_error": round(self.rms_error, 6), "notes": self.notes}


@dataclass
class Prediction:
    temperature_C: float
    time: float
    soc: float
    c_rate: float
    retention: float
    std_error: float
    retention_low: float
    retention_high: float

    def as_dict(self) -> dict:
        return {k: round(float(v), 6) for k, v in self.__dict__.items()}


def fit_acceleration(data: AgeingData, *, exponent: float | None = 0.5,
                     reference_temperature_C: float = 25.0) -> AccelerationFit:
    """Fit the stress model to check-ups (rows at time 0 carry no information and are skipped).

    exponent: the time exponent z, fixed (default 0.5), or None to fit it.
    Raises InputError when the data cannot separate temperature from time (fewer than two temperatures).
    """
    keep = data.time > 0
    T, t, soc, c = data.temperature_C[keep], data.time[keep], data.soc[keep], data.c_rate[keep]
    loss = 1.0 - data.retention[keep]
    temperatures = np.unique(T)
    if len(temperatures) < 2:
        raise InputError(f"an Arrhenius fit needs tests at two or more temperatures; the data hold only "
                         f"{', '.join(f'{x:g} °C' for x in temperatures) or 'none'}", source=data.source)
    names = ["ln_k", "activation_energy_kJ_mol"]
    if len(np.unique(soc)) > 1:
        names.append("soc_stress")
    if len(np.unique(c)) > 1:
        names.append("c_rate_stress")
    if exponent is None:
        names.append("exponent")
    if len(loss) <= len(names):
        raise InputError(f"{len(loss)} check-ups cannot fit {len(names)} parameters ({', '.join(names)}): "
                         "add check-ups", source=data.source)
    z0 = 0.5 if exponent is None else exponent
    fit = AccelerationFit(names, np.zeros(len(names)), np.zeros((len(names), len(names))), reference_temperature_C,
                          z0, len(loss) - len(names), 0.0)
    # start: ln k from the mean loss, Ea 50 kJ/mol (typical of film growth)
    p0 = {"ln_k": math.log(max(np.mean(loss), 1e-6) / np.mean(t) ** z0), "activation_energy_kJ_mol": 50.0,
          "soc_stress": 0.0, "c_rate_stress": 0.0, "exponent": z0}

    def residual(p):
        return fit.loss(T, t, soc, c, p) - loss

    result = least_squares(residual, [p0[n] for n in names], x_scale="jac")
    dof = len(loss) - len(names)
    s2 = float(result.fun @ result.fun) / dof
    jac = result.jac
    covariance = s2 * np.linalg.pinv(jac.T @ jac)
    fit.values, fit.covariance, fit.rms_error = result.x, covariance, float(np.sqrt(np.mean(result.fun ** 2)))
    if "exponent" not in names:
        fit.notes.append(f"time exponent fixed at {z0:g}")
    return fit


@dataclass
class TestPlan:
    """One candidate accelerated test: temperatures, duration and check-up interval, with the band it should give."""

    temperatures_C: list[float]
    duration_days: float
    checkup_interval_days: float
    cells_per_temperature: int
    expected_retention: float
    expected_band_half_width: float
    equivalent_use_days: dict[str, float]
    meets_target: bool

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["expected_retention"] = round(self.expected_retention, 4)
        out["expected_band_half_width"] = round(self.expected_band_half_width, 4)
        out["equivalent_use_days"] = {k: round(v, 1) for k, v in self.equivalent_use_days.items()}
        return out


def plan_tests(*, use_temperature_C: float = 25.0, target_days: float = 3650.0, expected_loss: float = 0.2,
               use_soc: float = 0.5, max_test_temperature_C: float = 60.0, activation_energy_kJ_mol: float = 50.0,
               exponent: float = 0.5, checkup_noise: float = 0.003, checkup_interval_days: float = 7.0,
               cells_per_temperature: int = 2, target_half_width: float = 0.05,
               durations_days: tuple[float, ...] = (28.0, 42.0, 56.0, 84.0, 112.0, 168.0)) -> list[TestPlan]:
    """Candidate tests for predicting retention after `target_days` at `use_temperature_C`, shortest first.

    The expected band comes from the Fisher information of the planned check-ups under a prior model: the
    given activation energy and time exponent, scaled so the use-condition loss at the target is
    `expected_loss`, with `checkup_noise` (retention standard deviation of one check-up). A plan meets the
    target when the 95 % half-width of the predicted retention is at most `target_half_width`.
    Temperatures are the maximum and 10 and 20 °C below it (two or three levels).

    >>> best = plan_tests(max_test_temperature_C=60)[0]
    >>> best.temperatures_C, best.duration_days, best.meets_target
    ([60.0, 50.0, 40.0], 28.0, True)
    """
    if max_test_temperature_C <= use_temperature_C:
        raise InputError(f"the highest test temperature ({max_test_temperature_C:g} °C) must be above the use "
                         f"temperature ({use_temperature_C:g} °C) for the test to accelerate anything")
    names = ["ln_k", "activation_energy_kJ_mol"]
    prior = AccelerationFit(names, np.zeros(2), np.zeros((2, 2)), use_temperature_C, exponent, 0, 0.0)
    prior.values = np.array([math.log(expected_loss / target_days ** exponent), activation_energy_kJ_mol])
    sets = [[max_test_temperature_C, max_test_temperature_C - 10.0],
            [max_test_temperature_C, max_test_temperature_C - 10.0, max_test_temperature_C - 20.0]]
    plans = []
    for duration in durations_days:
        times = np.arange(checkup_interval_days, duration + 1e-9, checkup_interval_days)
        for temperatures in sets:
            if min(temperatures) <= use_temperature_C:
                continue
            T = np.repeat(temperatures, len(times) * cells_per_temperature)
            t = np.tile(np.repeat(times, cells_per_temperature), len(temperatures))
            jac = np.empty((len(T), 2))
            base = prior.loss(T, t, use_soc)
            for j in range(2):
                shifted = prior.values.copy()
                shifted[j] += 1e-6 * max(1.0, abs(shifted[j]))
                jac[:, j] = (prior.loss(T, t, use_soc, 1.0, shifted) - base) / (shifted[j] - prior.values[j])
            prior.covariance = checkup_noise ** 2 * np.linalg.pinv(jac.T @ jac)
            prior.dof = len(T) - 2
            prediction = prior.predict(use_temperature_C, target_days, use_soc)
            half = (prediction.retention_high - prediction.retention_low) / 2.0
            plans.append(TestPlan(
                [float(x) for x in temperatures], float(duration), checkup_interval_days, cells_per_temperature,
                prediction.retention, float(half),
                {f"{x:g}C": duration * prior.acceleration_factor(x, use_temperature_C) for x in temperatures},
                bool(half <= target_half_width)))
    # shortest test first; among equals, the one with the narrower band
    plans.sort(key=lambda p: (not p.meets_target, p.duration_days, p.expected_band_half_width))
    return plans
