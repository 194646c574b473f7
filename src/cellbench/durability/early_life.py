"""Early-life prediction: cycle life from the first 100 cycles, after Severson et al. (Nature Energy 4, 383–391,
2019), whose strongest single feature is the variance of ΔQ(V) = Q_100(V) − Q_10(V), the change of the discharge
curve between cycles 10 and 100, against log cycle life.

- :func:`delta_q_features` ΔQ(V) features of one Measurement (needs the two cycles' discharges);
- :class:`EarlyLifeModel` log10(cycle life) from log10(var ΔQ) and log10|min ΔQ|, ordinary least squares with a
  95 % prediction interval;
- :func:`simulated_cohort` cells aged by the empirical laws with cell-to-cell spread, each with its discharge curves
  at cycles 10 and 100 and its true cycle life (to 80 % retention) — a cohort to train and test on.

>>> import math
>>> from cellbench import cells
>>> cohort = simulated_cohort(cells.load("std-2.1"), n_cells=30, seed=1)
>>> model = EarlyLifeModel.fit([delta_q_features(m) for m, _ in cohort[:20]], [life for _, life in cohort[:20]])
>>> f = delta_q_features(cohort[25][0])
>>> doubled = {**f, "log10_var_delta_q": f["log10_var_delta_q"] + math.log10(4), "min_delta_q_Ah": 2 * f["min_delta_q_Ah"]}
>>> model.predict(doubled)["cycle_life"] < model.predict(f)["cycle_life"]   # twice the change: a shorter life
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats
from scipy.optimize import brentq

from cellbench.analysis import step_table
from cellbench.durability.ageing import AgeingLaws, AgeingState, Cycling, age, load_laws
from cellbench.durability.electrode_balance import ElectrodeBalance
from cellbench.errors import InputError
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S

VOLTAGE_POINTS = 1000
END_OF_LIFE_RETENTION = 0.8
IDENTICAL_FRACTION = 1e-7


def _discharge_curve(measurement: Measurement, cycle: int) -> tuple[np.ndarray, np.ndarray]:
    steps = step_table(measurement).filter((pl.col("cycle") == cycle) & (pl.col("step_type") == "discharge"))
    if steps.height == 0:
        cycles = measurement.data[S.CYCLE].n_unique() if S.CYCLE in measurement.data.columns else 0
        raise InputError(f"no discharge in cycle {cycle}: ΔQ(V) features need discharges in both the early and the "
                         f"late cycle (the test holds {cycles} cycle(s))", source=measurement.metadata.source_file)
    step = steps.sort("discharge_capacity_Ah").row(-1, named=True)  # the cycle's main discharge
    rows = measurement.data.slice(step["first_row"], step["last_row"] - step["first_row"] + 1)
    q = rows[S.DISCHARGE_CAPACITY].to_numpy()
    return rows[S.VOLTAGE].to_numpy(), q - q[0]


def _q_of_v(voltage: np.ndarray, capacity: np.ndarray, grid: np.ndarray) -> np.ndarray:
    # voltage falls during a discharge; keep the running minimum so Q(V) is a function (noise makes V wiggle)
    v = np.minimum.accumulate(voltage)
    keep = np.concatenate([[True], np.diff(v) < 0])
    return np.interp(grid, v[keep][::-1], capacity[keep][::-1])


def delta_q_features(measurement: Measurement, *, early_cycle: int = 10, late_cycle: int = 100) -> dict[str, float]:
    """Features of ΔQ(V) = Q_late(V) − Q_early(V) on the voltage range both discharges cover.

    Returns var, min and mean of ΔQ (Ah²/Ah), log10 of the variance (−inf when the curves are identical) and the
    early discharge capacity.
    """
    v_early, q_early = _discharge_curve(measurement, early_cycle)
    v_late, q_late = _discharge_curve(measurement, late_cycle)
    low, high = max(v_early.min(), v_late.min()), min(v_early.max(), v_late.max())
    if high <= low:
        raise InputError(f"the discharges of cycles {early_cycle} and {late_cycle} share no voltage range",
                         source=measurement.metadata.source_file)
    grid = np.linspace(high, low, VOLTAGE_POINTS)
    delta = _q_of_v(v_late, q_late, grid) - _q_of_v(v_early, q_early, grid)
    variance = float(np.var(delta))
    # below (1e-7 of the capacity)² the difference is floating-point rounding: the two curves are the same
    identical = variance <= (IDENTICAL_FRACTION * max(float(q_early[-1]), 1e-12)) ** 2
    return {"var_delta_q": 0.0 if identical else variance, "identical_curves": identical,
            "log10_var_delta_q": -math.inf if identical else math.log10(variance),
            "min_delta_q_Ah": float(delta.min()), "mean_delta_q_Ah": float(delta.mean()),
            "early_discharge_capacity_Ah": float(q_early[-1]), "voltage_range_V": (float(low), float(high))}


#: the regression's features (Severson et al.'s "discharge" model keeps both): the variance of ΔQ(V), which
#: tracks the rate of loss, and its minimum, which tells a loss of lithium (a uniform shift) from a loss of
#: electrode material (a change of shape) — a single feature cannot see a cell whose mechanisms cross late
FEATURES = ("log10_var_delta_q", "log10_abs_min_delta_q")


def _feature_row(features: dict[str, float], names: tuple[str, ...]) -> np.ndarray:
    values = []
    for name in names:
        if name == "log10_abs_min_delta_q":
            value = math.log10(abs(features["min_delta_q_Ah"])) if features["min_delta_q_Ah"] else -math.inf
        else:
            value = features[name]
        values.append(value)
    return np.array([1.0, *values])


@dataclass
class EarlyLifeModel:
    """log10(cycle life) = b0 + Σ b_i · feature_i (ordinary least squares), with the OLS covariance for 95 %
    prediction intervals. Features: :data:`FEATURES` by default."""

    coefficients: tuple[float, ...]
    residual_std: float
    dof: int
    xtx_inv: tuple[tuple[float, ...], ...]
    features: tuple[str, ...] = FEATURES

    @property
    def slope(self) -> float:
        """The coefficient of log10 var ΔQ."""
        return self.coefficients[1 + self.features.index("log10_var_delta_q")]

    @classmethod
    def fit(cls, features: list[dict[str, float]], cycle_lives: list[float],
            names: tuple[str, ...] = FEATURES) -> "EarlyLifeModel":
        if any(f.get("identical_curves") for f in features):
            raise InputError("a cell with identical early and late discharges (var ΔQ = 0) cannot be used to fit")
        x = np.array([_feature_row(f, names) for f in features], float)
        y = np.log10(np.asarray(cycle_lives, float))
        if not np.all(np.isfinite(x)):
            raise InputError("a cell with identical early and late discharges (var ΔQ = 0) cannot be used to fit")
        if len(x) < len(names) + 3:
            raise InputError(f"{len(x)} cells cannot fit a regression on {len(names)} features with an uncertainty: "
                             f"need at least {len(names) + 3}")
        coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
        residuals = y - x @ coefficients
        dof = len(x) - x.shape[1]
        xtx_inv = np.linalg.inv(x.T @ x)
        return cls(tuple(float(c) for c in coefficients), float(np.sqrt(residuals @ residuals / dof)), dof,
                   tuple(tuple(float(v) for v in row) for row in xtx_inv), tuple(names))

    def predict(self, features: dict[str, float]) -> dict[str, float]:
        """Cycle life with its 95 % prediction interval."""
        if features.get("identical_curves") or not math.isfinite(features["log10_var_delta_q"]):
            raise InputError("var ΔQ is 0 (the early and late discharges are identical): no prediction possible")
        x = _feature_row(features, self.features)
        centre = float(x @ np.array(self.coefficients))
        spread = self.residual_std * math.sqrt(1.0 + float(x @ np.array(self.xtx_inv) @ x))
        t = float(stats.t.ppf(0.975, self.dof))
        return {"cycle_life": 10 ** centre, "cycle_life_low": 10 ** (centre - t * spread),
                "cycle_life_high": 10 ** (centre + t * spread)}


def _cell_laws(laws: AgeingLaws, rng: np.random.Generator, spread: float) -> AgeingLaws:
    terms = []
    for term in laws.terms:
        factor = float(rng.lognormal(0.0, spread))
        update = {kind: getattr(term, kind).model_copy(update={"k_ref": getattr(term, kind).k_ref * factor})
                  for kind in ("calendar", "cycle") if getattr(term, kind) is not None}
        terms.append(term.model_copy(update=update))
    return laws.model_copy(update={"terms": terms})


def _retention(fresh: ElectrodeBalance, state: AgeingState) -> float:
    aged = fresh.aged(lli=state.lli, lam_cathode=state.lam_cathode, lam_anode=state.lam_anode)
    return aged.capacity_Ah() / fresh.capacity_Ah()


def simulated_cohort(design, *, n_cells: int = 40, seed: int = 0, spread: float = 0.35, temperature_C: float = 45.0,
                     c_rate: float = 1.0, laws: AgeingLaws | None = None, noise_mV: float = 0.5
                     ) -> list[tuple[Measurement, float]]:
    """Cells whose ageing-law rate constants vary log-normally (σ = `spread`) around the bundled laws, cycled at
    `temperature_C` and `c_rate`: each as a Measurement holding low-rate discharge curves at cycles 10 and 100
    (electrode-balance OCV minus the ohmic drop of the grown cathode film, with `noise_mV`), and its cycle life
    (equivalent full cycles to 80 % low-rate retention)."""
    laws = laws or load_laws()
    rng = np.random.default_rng(seed)
    fresh = ElectrodeBalance.from_design(design)
    rated_Ah = fresh.capacity_Ah()
    current_A = -rated_Ah / 20.0
    cohort = []
    for _ in range(n_cells):
        cell_laws = _cell_laws(laws, rng, spread)

        def state_at(cycles: float) -> AgeingState:
            return age(cell_laws, [Cycling(cycles, temperature_C, c_rate)])

        frames, t0 = [], 0.0
        for cycle in (10, 100):
            state = state_at(cycle)
            q, ocv = fresh.aged(lli=state.lli, lam_cathode=state.lam_cathode, lam_anode=state.lam_anode).curve(300)
            drop = current_A * state.cathode_film_resistance_ohm_cm2 / design.area_cm2
            v = ocv + drop + rng.normal(0.0, noise_mV / 1000.0, len(q))
            t = t0 + q / abs(current_A) * 3600.0
            # the discharge, then a rest (so each cycle's discharge is a step of its own)
            t = np.concatenate([t, t[-1] + np.array([600.0, 3600.0])])
            v = np.concatenate([v, np.full(2, ocv[-1])])
            i = np.concatenate([np.full(len(q), current_A), np.zeros(2)])
            frames.append(pl.DataFrame({S.TIME: t, S.VOLTAGE: v, S.CURRENT: i, S.CYCLE: np.full(len(t), cycle)}))
            t0 = t[-1] + 1.0
        upper = 1e3
        while _retention(fresh, state_at(upper)) > END_OF_LIFE_RETENTION and upper < 1e8:
            upper *= 4
        life = brentq(lambda n: _retention(fresh, state_at(n)) - END_OF_LIFE_RETENTION, 100.0, upper, xtol=1.0)
        cohort.append((Measurement(pl.concat(frames)), float(life)))
    return cohort
