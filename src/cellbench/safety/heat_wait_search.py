"""A simulated accelerating-rate calorimeter (ARC) run in heat-wait-search mode.

The calorimeter heats the cell by one step (2.5 °C), waits (10 min) for it to settle, then searches (5 min) for
self-heating. If the temperature rose faster than the detection threshold (0.02 °C/min) during the search, it
switches to exotherm tracking: the surroundings follow the cell, which is then adiabatic, until the self-heating
rate falls below the threshold again; otherwise it takes the next step. Settings follow the SOLiD-EV ARC
protocol (shared/domain/solid-ev-evaluation.md section 5).

The output is what an instrument logs (time, temperature, mode), so it feeds :func:`cellbench.safety.analyse_arc`
directly, plus the model's own self-heating rate, from which the true onsets are known exactly.

>>> from cellbench.safety import load_chemistry, simulate_heat_wait_search
>>> run = simulate_heat_wait_search(load_chemistry("liquid_lco_graphite"), start_C=60.0)
>>> 80.0 < run.true_self_heating_onset_C < 95.0
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field
from scipy.integrate import solve_ivp

from cellbench.errors import SimulationError
from cellbench.safety.abuse import KELVIN, self_heating_rate_C_per_min
from cellbench.safety.reactions import Chemistry

SELF_HEATING_THRESHOLD_C_PER_MIN = 0.02
RUNAWAY_THRESHOLD_C_PER_MIN = 1.0


class HeatWaitSearchSettings(BaseModel):
    """Calorimeter settings; the defaults are the SOLiD-EV protocol."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start_C: float = 40.0
    end_C: float = 350.0  # no heat step beyond it; above it, tracking stops once the runaway has peaked
    step_C: float = Field(default=2.5, gt=0)
    wait_min: float = Field(default=10.0, ge=0)
    search_min: float = Field(default=5.0, gt=0)
    heat_rate_C_per_min: float = Field(default=2.0, gt=0)
    detection_threshold_C_per_min: float = Field(default=SELF_HEATING_THRESHOLD_C_PER_MIN, gt=0)
    phi: float = Field(default=1.0, ge=1.0, description="thermal-inertia factor of the sample plus its holder")
    log_interval_s: float = Field(default=30.0, gt=0)
    log_delta_C: float = Field(default=0.1, gt=0, description="also log whenever the temperature moved this much")
    max_hours: float = Field(default=200.0, gt=0)


@dataclass
class HeatWaitSearchRun:
    """A simulated ARC log and the model's true onsets."""

    trace: pl.DataFrame = field(repr=False)  # time_s, temperature_C, mode, model_self_heating_rate_C_per_min
    true_self_heating_onset_C: float | None
    true_runaway_onset_C: float | None
    settings: HeatWaitSearchSettings

    def add_noise(self, sigma_C: float, *, resolution_C: float = 0.01, seed: int = 0) -> pl.DataFrame:
        """The log with Gaussian thermocouple noise and the instrument's temperature resolution."""
        rng = np.random.default_rng(seed)
        noisy = self.trace["temperature_C"].to_numpy() + rng.normal(0.0, sigma_C, self.trace.height)
        noisy = np.round(noisy / resolution_C) * resolution_C
        return self.trace.with_columns(pl.Series("temperature_C", noisy))

    def to_csv(self, path, *, noise_C: float = 0.0, seed: int = 0) -> None:
        """Write the log as an ARC export: time_min, temperature_C, mode."""
        trace = self.add_noise(noise_C, seed=seed) if noise_C > 0 else self.trace
        trace.select(
            (pl.col("time_s") / 60.0).round(5).alias("time_min"),
            pl.col("temperature_C").round(4),
            pl.col("mode"),
        ).write_csv(path)


def _crossing(temperature_C: np.ndarray, rate: np.ndarray, threshold: float) -> float | None:
    """Temperature where ``rate`` first reaches ``threshold``, interpolated in log(rate)."""
    above = np.flatnonzero(rate >= threshold)
    if not above.size:
        return None
    i = above[0]
    if i == 0 or rate[i - 1] <= 0:
        return float(temperature_C[i])
    frac = (np.log(threshold) - np.log(rate[i - 1])) / (np.log(rate[i]) - np.log(rate[i - 1]))
    return float(temperature_C[i - 1] + frac * (temperature_C[i] - temperature_C[i - 1]))


def simulate_heat_wait_search(chemistry: Chemistry, *, cp_J_per_kgK: float = 1000.0,
                              settings: HeatWaitSearchSettings | None = None, **setting_overrides) -> HeatWaitSearchRun:
    """Run the heat-wait-search protocol on the reaction set; the mass drops out (the sample is adiabatic)."""
    s = (settings or HeatWaitSearchSettings()).model_copy(update=setting_overrides)
    phi_cp = cp_J_per_kgK * s.phi

    def self_heating_K_per_s(temperature_K, state):
        heat, dstate = chemistry.heat_and_derivative(temperature_K, state)
        return heat / phi_cp, dstate

    def adiabatic(t, y):
        rate, dstate = self_heating_K_per_s(y[0], y[1:])
        return np.concatenate([[rate], dstate])

    def heating(t, y):
        rate, dstate = self_heating_K_per_s(y[0], y[1:])
        return np.concatenate([[rate + s.heat_rate_C_per_min / 60.0], dstate])

    times: list[np.ndarray] = []
    states: list[np.ndarray] = []
    modes: list[str] = []
    y = np.concatenate([[s.start_C + KELVIN], chemistry.initial_state()])
    t = 0.0
    t_limit = s.max_hours * 3600.0

    def run(mode: str, rhs, duration_s: float, events=None) -> tuple[np.ndarray, bool]:
        nonlocal t, y
        solution = solve_ivp(rhs, (t, min(t + duration_s, t_limit)), y, method="LSODA", rtol=1e-8, atol=1e-10,
                             max_step=s.log_interval_s, events=events)
        if solution.status < 0:
            raise SimulationError(f"ARC simulation failed in {mode} at {y[0] - KELVIN:.1f} °C: {solution.message}")
        times.append(solution.t[1:])
        states.append(solution.y[:, 1:])
        modes.extend([mode] * (solution.t.size - 1))
        t, y = float(solution.t[-1]), solution.y[:, -1].copy()
        return y, solution.status == 1

    def rate_below_threshold(_t, yy):
        return self_heating_K_per_s(yy[0], yy[1:])[0] * 60.0 - s.detection_threshold_C_per_min
    rate_below_threshold.terminal, rate_below_threshold.direction = True, -1

    def past_peak_above_end(_t, yy):
        # Above the instrument's end temperature, stop tracking once the runaway has peaked.
        if yy[0] - KELVIN < s.end_C:
            return 1.0
        return self_heating_K_per_s(yy[0], yy[1:])[0] * 60.0 - RUNAWAY_THRESHOLD_C_PER_MIN
    past_peak_above_end.terminal, past_peak_above_end.direction = True, -1

    times.append(np.array([t]))
    states.append(y[:, None].copy())
    modes.append("wait")
    target_C = s.start_C
    while t < t_limit:
        target_C = max(target_C, y[0] - KELVIN) + s.step_C
        if target_C > s.end_C:
            break

        def reached(_t, yy, target_K=target_C + KELVIN):
            return yy[0] - target_K
        reached.terminal = True
        run("heat", heating, t_limit, events=reached)
        run("wait", adiabatic, s.wait_min * 60.0)
        start_C = y[0] - KELVIN
        run("search", adiabatic, s.search_min * 60.0)
        if (y[0] - KELVIN - start_C) / s.search_min >= s.detection_threshold_C_per_min:
            run("exotherm", adiabatic, t_limit, events=[rate_below_threshold, past_peak_above_end])
            target_C = y[0] - KELVIN

    time_s = np.concatenate(times)
    state = np.concatenate(states, axis=1)
    temperature_C = state[0] - KELVIN
    keep = _log_points(time_s, temperature_C, s.log_interval_s, s.log_delta_C)
    mode = np.array(modes)[keep]
    rate = np.array([self_heating_rate_C_per_min(chemistry, temperature_C[i], state[1:, i], cp_J_per_kgK, s.phi)
                     for i in keep])
    trace = pl.DataFrame({"time_s": time_s[keep], "temperature_C": temperature_C[keep], "mode": mode,
                          "model_self_heating_rate_C_per_min": rate})
    # The true onsets come from the dense solver output, before the logging thins it.
    dense_rate = np.array([self_heating_rate_C_per_min(chemistry, temperature_C[i], state[1:, i], cp_J_per_kgK,
                                                       s.phi) for i in range(time_s.size)])
    return HeatWaitSearchRun(
        trace=trace,
        true_self_heating_onset_C=_crossing(temperature_C, dense_rate, s.detection_threshold_C_per_min),
        true_runaway_onset_C=_crossing(temperature_C, dense_rate, RUNAWAY_THRESHOLD_C_PER_MIN),
        settings=s,
    )


def _log_points(time_s: np.ndarray, temperature_C: np.ndarray, interval_s: float, delta_C: float) -> np.ndarray:
    """Indices an instrument would log: every ``interval_s``, and whenever the temperature moved ``delta_C``."""
    keep = [0]
    for i in range(1, time_s.size):
        last = keep[-1]
        if time_s[i] - time_s[last] >= interval_s or abs(temperature_C[i] - temperature_C[last]) >= delta_C:
            keep.append(i)
    if keep[-1] != time_s.size - 1:
        keep.append(time_s.size - 1)
    return np.array(keep)
