"""Vehicle model: a speed trace and a road grade → wheel power → pack power (drivetrain efficiency, regenerative
braking, auxiliary load). Pure numpy; the pack power then goes to the virtual cycler cell by cell.

Road load at each second (inertia, rolling resistance, grade and aerodynamic drag):
    F = m_eff·a + m·g·C_rr·cos θ + m·g·sin θ + ½·ρ·C_d A·v²,   P_wheel = F·v
Traction: P_pack = P_wheel / η + P_aux.  Braking: P_pack = max(P_wheel·η·f_regen, −P_regen,max) + P_aux, with no
regeneration below a minimum speed. η is a constant (system average) or an efficiency map η(speed, |P_wheel|).

>>> import numpy as np
>>> from cellbench.pack.vehicle import Vehicle
>>> v = Vehicle(auxiliary_W=0.0, pack_mass_kg=250.0)
>>> round(float(v.wheel_power_W(np.array([100.0]), np.array([0.0]))[0]))    # 100 km/h cruise
11897
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.interpolate import RegularGridInterpolator

from cellbench.pack.defaults import defaults

GRAVITY_M_S2 = 9.81


class EfficiencyMap(BaseModel):
    """Drivetrain efficiency over wheel speed (km/h) and wheel power magnitude (kW), bilinear between grid points
    and held at the edges; the same map serves traction and regeneration."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    speed_km_h: list[float] = Field(min_length=2)
    power_kW: list[float] = Field(min_length=2)
    efficiency: list[list[float]] = Field(description="rows per speed, columns per power")
    source: str = ""

    @model_validator(mode="after")
    def _shape(self) -> "EfficiencyMap":
        if len(self.efficiency) != len(self.speed_km_h) or any(len(r) != len(self.power_kW) for r in self.efficiency):
            raise ValueError("efficiency must have one row per speed and one column per power")
        if any(not 0 < e <= 1 for r in self.efficiency for e in r):
            raise ValueError("efficiencies must lie in (0, 1]")
        if sorted(self.speed_km_h) != self.speed_km_h or sorted(self.power_kW) != self.power_kW:
            raise ValueError("speed_km_h and power_kW must increase")
        return self

    def __call__(self, speed_km_h: np.ndarray, power_kW: np.ndarray) -> np.ndarray:
        grid = RegularGridInterpolator((self.speed_km_h, self.power_kW), np.array(self.efficiency))
        s = np.clip(speed_km_h, self.speed_km_h[0], self.speed_km_h[-1])
        p = np.clip(np.abs(power_kW), self.power_kW[0], self.power_kW[-1])
        return grid(np.column_stack([s, p]))


def _default(name: str):
    return lambda: defaults()["vehicle"][name]


class Vehicle(BaseModel):
    """A battery-electric car. Defaults: a compact car (pack_defaults.yaml, vehicle)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    glider_mass_kg: float = Field(default_factory=_default("glider_mass_kg"), gt=0)
    pack_mass_kg: float = Field(0.0, ge=0, description="set from the pack design")
    payload_kg: float = Field(default_factory=_default("payload_kg"), ge=0)
    rotating_mass_factor: float = Field(default_factory=_default("rotating_mass_factor"), ge=1)
    drag_area_m2: float = Field(default_factory=_default("drag_area_m2"), gt=0)
    rolling_resistance: float = Field(default_factory=_default("rolling_resistance"), ge=0)
    air_density_kg_m3: float = Field(default_factory=_default("air_density_kg_m3"), gt=0)
    drivetrain_efficiency: float = Field(default_factory=_default("drivetrain_efficiency"), gt=0, le=1)
    efficiency_map: EfficiencyMap | None = None
    regen_fraction: float = Field(default_factory=_default("regen_fraction"), ge=0, le=1)
    regen_max_kW: float = Field(default_factory=_default("regen_max_kW"), ge=0)
    regen_min_speed_km_h: float = Field(default_factory=_default("regen_min_speed_km_h"), ge=0)
    auxiliary_W: float = Field(default_factory=_default("auxiliary_W"), ge=0)

    @property
    def mass_kg(self) -> float:
        return self.glider_mass_kg + self.pack_mass_kg + self.payload_kg

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Vehicle":
        from cellbench.documents import load_model

        return load_model(cls, path)

    def wheel_power_W(self, speed_km_h: np.ndarray, acceleration_m_s2: np.ndarray, grade_pct: float = 0.0) -> np.ndarray:
        """Power at the wheels (W; negative while braking) for each sample."""
        theta = math.atan(grade_pct / 100.0)
        v = np.asarray(speed_km_h, dtype=float) / 3.6
        m = self.mass_kg
        force = (m * self.rotating_mass_factor * np.asarray(acceleration_m_s2)
                 + m * GRAVITY_M_S2 * (self.rolling_resistance * math.cos(theta) + math.sin(theta)) * (v > 0)
                 + 0.5 * self.air_density_kg_m3 * self.drag_area_m2 * v**2)
        return force * v

    def efficiency(self, speed_km_h: np.ndarray, wheel_power_W: np.ndarray) -> np.ndarray:
        if self.efficiency_map is None:
            return np.full(np.shape(wheel_power_W), self.drivetrain_efficiency)
        return self.efficiency_map(np.asarray(speed_km_h), np.asarray(wheel_power_W) / 1000.0)

    def pack_power_W(self, speed_km_h: np.ndarray, acceleration_m_s2: np.ndarray, grade_pct: float = 0.0) -> np.ndarray:
        """Power drawn from the pack (W; + discharge, − regeneration into the pack) for each sample."""
        wheel = self.wheel_power_W(speed_km_h, acceleration_m_s2, grade_pct)
        eta = self.efficiency(speed_km_h, wheel)
        traction = wheel / eta
        regen = np.maximum(wheel * eta * self.regen_fraction, -self.regen_max_kW * 1000.0)
        regen = np.where(np.asarray(speed_km_h) >= self.regen_min_speed_km_h, regen, 0.0)
        return np.where(wheel >= 0, traction, regen) + self.auxiliary_W
