"""One first-order exotherm fitted to three calorimetry figures, and the heat-flow scan that checks it.

A charged cell's main exotherm is often reported only as figures, not kinetics: where an ARC first sees
self-heating, where it enters (and leaves) the runaway region, where a DSC scan peaks. Three such figures fix the
three parameters of a first-order reaction ``dc/dt = -A exp(-Ea/RT) c`` releasing an adiabatic rise ``ΔT_ad``:

1. ARC self-heating onset: ``60 k(T_on) ΔT_ad = r_on`` (°C/min; nothing consumed yet);
2. DSC peak at heating rate β (Kissinger's condition, exact for first order): ``k(T_p) = (Ea/R) β / T_p²``;
3. the adiabatic rate falling back through ``r_end`` at ``T_end``: with the reactant left
   ``c = 1 - (T_end - T_on)/ΔT_ad``, ``60 k(T_end) (ΔT_ad - (T_end - T_on)) = r_end``.

Eliminating ``A`` and ``ΔT_ad`` leaves one equation in ``Ea``, solved by bracketing.

>>> fit = fit_first_order_exotherm(onset_C=230.0, scan_peak_C=260.0, scan_rate_C_per_min=1.0, runaway_end_C=270.0)
>>> round(fit.activation_energy_J_per_mol / 1e3), round(fit.adiabatic_rise_K, 1)
(442, 40.9)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from cellbench.errors import InputError, SimulationError
from cellbench.safety.reactions import GAS_CONSTANT, Chemistry

KELVIN = 273.15


@dataclass(frozen=True)
class FirstOrderExotherm:
    """Kinetics and heat of one first-order exotherm (``heat`` as an adiabatic rise of the whole cell)."""

    frequency_factor_per_s: float
    activation_energy_J_per_mol: float
    adiabatic_rise_K: float

    def rate_constant_per_s(self, temperature_C: float) -> float:
        return self.frequency_factor_per_s * np.exp(
            -self.activation_energy_J_per_mol / (GAS_CONSTANT * (temperature_C + KELVIN)))


def fit_first_order_exotherm(*, onset_C: float, scan_peak_C: float, scan_rate_C_per_min: float,
                             runaway_end_C: float, onset_rate_C_per_min: float = 0.02,
                             runaway_rate_C_per_min: float = 1.0) -> FirstOrderExotherm:
    """The first-order exotherm that meets the three figures (see the module docstring)."""
    if not onset_C < scan_peak_C < runaway_end_C:
        raise InputError("the figures must be ordered onset < scan peak < end of runaway",
                         location="onset_C / scan_peak_C / runaway_end_C")
    t_on, t_peak, t_end = (t + KELVIN for t in (onset_C, scan_peak_C, runaway_end_C))
    beta_K_per_s = scan_rate_C_per_min / 60.0

    def k_on(rise: float) -> float:  # eq. 1
        return onset_rate_C_per_min / (60.0 * rise)

    def rise_K(x: float) -> float:  # eqs. 1 and 2 together: the rise that puts the scan peak at T_p
        return onset_rate_C_per_min * np.exp(x * (1 / t_on - 1 / t_peak)) * t_peak**2 / (60.0 * x * beta_K_per_s)

    def end_mismatch(x: float) -> float:  # eq. 3, in log form
        rise = rise_K(x)
        left = rise - (t_end - t_on)
        if left <= 0:
            return -50.0
        k_end = k_on(rise) * np.exp(x * (1 / t_on - 1 / t_end))
        return np.log(60.0 * k_end * left / runaway_rate_C_per_min)

    grid = np.geomspace(2e3, 2e5, 400)  # Ea/R in K: 17 kJ/mol to 1.7 MJ/mol
    values = np.array([end_mismatch(x) for x in grid])
    roots = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    if not roots.size:
        raise SimulationError("no first-order exotherm meets these three figures; check that the runaway rate is "
                              "reachable between the onset and the end temperature")
    x = brentq(end_mismatch, grid[roots[0]], grid[roots[0] + 1], xtol=1e-9)
    rise = rise_K(x)
    frequency = k_on(rise) * np.exp(x / t_on)
    return FirstOrderExotherm(frequency_factor_per_s=float(frequency),
                              activation_energy_J_per_mol=float(x * GAS_CONSTANT), adiabatic_rise_K=float(rise))


@dataclass
class ScanResult:
    """A simulated constant-rate heat-flow scan (DSC/C600-like) of a reaction set."""

    trace: pl.DataFrame  # temperature_C, heat_flow_W_per_kg
    peak_C: float
    heat_rate_C_per_min: float


def simulate_scan(chemistry: Chemistry, *, heat_rate_C_per_min: float = 1.0, start_C: float = 100.0,
                  end_C: float = 400.0) -> ScanResult:
    """Heat the reaction set at a constant rate (no self-heating: a DSC holds its sample on the programme).

    >>> from cellbench.safety import load_chemistry
    >>> round(simulate_scan(load_chemistry("sulfide_assb_ncm_graphite")).peak_C)
    260
    """
    if end_C <= start_C or heat_rate_C_per_min <= 0:
        raise InputError("the scan must end above its start and the heating rate be positive",
                         location="start_C / end_C / heat_rate_C_per_min")
    beta = heat_rate_C_per_min / 60.0

    def rhs(t, y):
        return chemistry.heat_and_derivative(start_C + KELVIN + beta * t, y)[1]

    end_s = (end_C - start_C) / beta
    times = np.linspace(0.0, end_s, int((end_C - start_C) / 0.05) + 1)
    solution = solve_ivp(rhs, (0.0, end_s), chemistry.initial_state(), method="LSODA", t_eval=times,
                         rtol=1e-9, atol=1e-12, max_step=60.0)
    if not solution.success:
        raise SimulationError(f"scan simulation failed: {solution.message}")
    temperature_C = start_C + beta * solution.t
    heat = np.array([chemistry.heat_and_derivative(temperature_C[i] + KELVIN, solution.y[:, i])[0]
                     for i in range(solution.t.size)])
    return ScanResult(trace=pl.DataFrame({"temperature_C": temperature_C, "heat_flow_W_per_kg": heat}),
                      peak_C=float(temperature_C[int(np.argmax(heat))]), heat_rate_C_per_min=heat_rate_C_per_min)
