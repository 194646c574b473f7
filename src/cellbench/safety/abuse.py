"""Lumped thermal-abuse model: a cell of one temperature heated by its decomposition reactions and its surroundings.

The energy balance is ``m cp dT/dt = m Σ q_i(T, state) + h A (T_oven - T) + ε σ A (T_oven⁴ - T⁴)`` with the
Arrhenius reactions of :mod:`cellbench.safety.reactions` (Hatchard et al. 2001; Kim et al. 2007), solved with
scipy's implicit Radau integrator because runaway is stiff (rates change by ten orders of magnitude).

:func:`simulate_oven` answers the IEC 62660-2 heating test: does the fully charged cell run away when its oven is
raised to 130 °C and held there? Validity limits: one temperature for the whole cell (no internal gradients,
so large cells whose centre runs hotter than the surface are predicted too safe); no venting, gas, electrolyte
evaporation, melting separator, internal short or combustion of vented gas; reaction parameters fitted to
18650 LiCoO2/graphite cells (liquid) or fitted to the SOLiD-EV ARC and C600 figures (sulfide ASSB, see its
data file). Use it to rank and to
explore, not to certify.

>>> from cellbench.safety import ThermalCell, load_chemistry, simulate_oven
>>> cell = ThermalCell(mass_g=44.0, cp_J_per_kgK=1000.0, surface_area_cm2=41.8)
>>> simulate_oven(load_chemistry("liquid_lco_graphite"), cell, oven_C=130.0).runaway
False
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field
from scipy.integrate import solve_ivp

from cellbench.errors import InputError, SimulationError
from cellbench.safety.reactions import Chemistry

STEFAN_BOLTZMANN = 5.670374419e-8  # W/(m² K⁴)
KELVIN = 273.15


class ThermalCell(BaseModel):
    """What the lumped model needs to know about the cell: its thermal mass and how it exchanges heat.

    Defaults describe an 18650 can (44 g, 41.8 cm² outside surface); ``cp`` of 1000 J/(kg K) is a typical
    measured whole-cell value, ``h`` a natural-convection coefficient in a laboratory oven.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    mass_g: float = Field(default=44.0, gt=0)
    cp_J_per_kgK: float = Field(default=1000.0, gt=0)
    surface_area_cm2: float = Field(default=41.8, gt=0)
    h_W_per_m2K: float = Field(default=7.17, ge=0)
    emissivity: float = Field(default=0.8, ge=0, le=1)

    @classmethod
    def from_design(cls, design, *, cp_J_per_kgK: float = 1000.0, **overrides) -> "ThermalCell":
        """Mass from a ``cellbench.cells`` design's figures; surface area, unless given, that of a cube of the
        design's outline volume (a lower bound: flat pouches have more surface, so lose heat faster)."""
        from cellbench import cells

        figures = cells.figures(design)
        values = {"mass_g": figures.mass_g, "cp_J_per_kgK": cp_J_per_kgK,
                  "surface_area_cm2": 6.0 * figures.outline_volume_cm3 ** (2.0 / 3.0)}
        return cls(**(values | overrides))


@dataclass
class OvenResult:
    """Outcome of a simulated oven (heating) test."""

    runaway: bool
    max_temperature_C: float
    max_overshoot_C: float  # highest cell temperature above the oven's at the same time
    max_self_heating_rate_C_per_min: float
    time_to_runaway_min: float | None
    oven_C: float
    trace: pl.DataFrame = field(repr=False)
    chemistry: str = ""
    runaway_margin_C: float = 50.0

    def summary(self) -> dict:
        return {
            "chemistry": self.chemistry, "oven_C": self.oven_C, "runaway": self.runaway,
            "max_temperature_C": round(self.max_temperature_C, 2), "max_overshoot_C": round(self.max_overshoot_C, 2),
            "max_self_heating_rate_C_per_min": self.max_self_heating_rate_C_per_min,
            "time_to_runaway_min": None if self.time_to_runaway_min is None else round(self.time_to_runaway_min, 2),
            "runaway_criterion": f"cell more than {self.runaway_margin_C:g} °C above the oven",
        }


def self_heating_rate_C_per_min(chemistry: Chemistry, temperature_C: float, state: np.ndarray,
                                cp_J_per_kgK: float, phi: float = 1.0) -> float:
    """Adiabatic self-heating rate at one instant, °C/min (``phi`` is the calorimeter's thermal-inertia factor)."""
    heat, _ = chemistry.heat_and_derivative(temperature_C + KELVIN, state)
    return 60.0 * heat / (cp_J_per_kgK * phi)


def simulate_oven(chemistry: Chemistry, cell: ThermalCell, *, oven_C: float = 130.0, hold_min: float = 30.0,
                  ramp_C_per_min: float = 5.0, start_C: float = 25.0, observe_after_hold_min: float = 60.0,
                  runaway_margin_C: float = 50.0) -> OvenResult:
    """Heat the oven from ``start_C`` at ``ramp_C_per_min`` to ``oven_C``, hold, then keep watching.

    The oven stays at ``oven_C`` for ``hold_min`` (the test) and ``observe_after_hold_min`` more (IEC asks for
    observation after the hold; the model keeps the oven hot, which is conservative). Runaway: the cell rises
    more than ``runaway_margin_C`` above the oven.
    """
    if oven_C <= start_C or ramp_C_per_min <= 0:
        raise InputError("the oven must be hotter than the start and the ramp positive",
                         location="oven_C / ramp_C_per_min")
    ramp_s = (oven_C - start_C) / ramp_C_per_min * 60.0
    end_s = ramp_s + (hold_min + observe_after_hold_min) * 60.0
    mass_kg = cell.mass_g / 1000.0
    area_m2 = cell.surface_area_cm2 * 1e-4
    heat_capacity = mass_kg * cell.cp_J_per_kgK

    def oven_temperature_K(t: float) -> float:
        return start_C + KELVIN + min(t, ramp_s) / 60.0 * ramp_C_per_min

    def rhs(t, y):
        temperature_K = y[0]
        heat_W_per_kg, dstate = chemistry.heat_and_derivative(temperature_K, y[1:])
        oven_K = oven_temperature_K(t)
        exchange_W = (cell.h_W_per_m2K * area_m2 * (oven_K - temperature_K)
                      + cell.emissivity * STEFAN_BOLTZMANN * area_m2 * (oven_K**4 - temperature_K**4))
        return np.concatenate([[(mass_kg * heat_W_per_kg + exchange_W) / heat_capacity], dstate])

    y0 = np.concatenate([[start_C + KELVIN], chemistry.initial_state()])
    solution = solve_ivp(rhs, (0.0, end_s), y0, method="Radau", rtol=1e-7, atol=1e-9, max_step=30.0)
    if not solution.success:
        raise SimulationError(f"oven simulation at {oven_C:g} °C failed: {solution.message}")

    time_s = solution.t
    temperature_C = solution.y[0] - KELVIN
    oven_trace_C = np.array([oven_temperature_K(t) - KELVIN for t in time_s])
    rates = np.array([self_heating_rate_C_per_min(chemistry, T, solution.y[1:, i], cell.cp_J_per_kgK)
                      for i, T in enumerate(temperature_C)])
    overshoot = temperature_C - oven_trace_C
    runaway_index = np.flatnonzero(overshoot > runaway_margin_C)
    trace = pl.DataFrame({"time_s": time_s, "temperature_C": temperature_C, "oven_C": oven_trace_C,
                          "self_heating_rate_C_per_min": rates})
    return OvenResult(
        runaway=bool(runaway_index.size), max_temperature_C=float(temperature_C.max()),
        max_overshoot_C=float(overshoot.max()), max_self_heating_rate_C_per_min=float(f"{rates.max():.4g}"),
        time_to_runaway_min=float(time_s[runaway_index[0]] / 60.0) if runaway_index.size else None,
        oven_C=oven_C, trace=trace, chemistry=chemistry.id, runaway_margin_C=runaway_margin_C,
    )


def critical_oven_temperature_C(chemistry: Chemistry, cell: ThermalCell, *, low_C: float = 100.0,
                                high_C: float = 250.0, tolerance_C: float = 1.0, **oven_options) -> float | None:
    """Lowest oven temperature (to ``tolerance_C``) at which the model runs away; None if not even at ``high_C``."""
    if not simulate_oven(chemistry, cell, oven_C=high_C, **oven_options).runaway:
        return None
    if simulate_oven(chemistry, cell, oven_C=low_C, **oven_options).runaway:
        return low_C
    while high_C - low_C > tolerance_C:
        middle = 0.5 * (low_C + high_C)
        if simulate_oven(chemistry, cell, oven_C=middle, **oven_options).runaway:
            high_C = middle
        else:
            low_C = middle
    return high_C
