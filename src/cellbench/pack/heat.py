"""Pack heat: the cells of one coolant path as lumped thermal nodes, each heated by its cell's losses, cooled by the
coolant (none / air / liquid) and coupled to its neighbours by conduction → the hottest cell and the spread.

Node i (of n along the coolant's path):
    m·c_p·dT_i/dt = Q(t)·r_i − h·A·(T_i − T_coolant,i) − G·(2T_i − T_{i−1} − T_{i+1}) − [end cells] h_wall·A_face·(T_i − T_amb)
with r_i the cell's share of heat (a resistance spread, placed alternately high and low so that it is not lined up
with the coolant's warming), T_coolant,i = T_in + (i + ½)/n · ΔT_outlet and ΔT_outlet = rise per kW × the
heat the stream takes up. Solved by backward Euler at the profile's time steps (unconditionally stable).

>>> import numpy as np
>>> from cellbench.pack.heat import CellThermal, pack_temperatures
>>> cell = CellThermal(mass_kg=0.6, specific_heat_J_kgK=900, area_m2=0.08, face_area_m2=0.03, thickness_m=0.009)
>>> r = pack_temperatures(np.arange(3601.0), np.full(3601, 5.0), cell, cooling="liquid", resistance_spread_pct=0)
>>> round(r.hottest_C, 1)          # steady rise Q/hA = 0.42 K plus the coolant's warming along the row
25.5
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from cellbench.errors import InputError
from cellbench.pack.defaults import defaults

COOLING_MODES = ("none", "air", "liquid")


class Cooling(BaseModel):
    """A cooling mode: heat-transfer coefficient from each cell to the coolant and the coolant's inlet temperature."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mode: str = "none"
    heat_transfer_W_m2K: float = Field(gt=0)
    coolant_temperature_C: float = 25.0
    coolant_rise_K_per_kW: float = Field(0.0, ge=0)

    @classmethod
    def of(cls, mode: str, *, heat_transfer_W_m2K: float | None = None,
           coolant_temperature_C: float | None = None) -> "Cooling":
        table = defaults()["cooling"]
        if mode not in COOLING_MODES:
            raise InputError(f"unknown cooling '{mode}': expected one of {', '.join(COOLING_MODES)}", location="cooling")
        values = dict(table[mode])
        if heat_transfer_W_m2K is not None:
            values["heat_transfer_W_m2K"] = heat_transfer_W_m2K
        if coolant_temperature_C is not None:
            values["coolant_temperature_C"] = coolant_temperature_C
        return cls(mode=mode, **values)


class CoolingVerdict:
    """For results that carry `max_cell_temperature_C`, `temperature_limit_C` and `cooling`: the limit check and
    the answer to "is cooling needed?"."""

    @property
    def within_limit(self) -> bool:
        return self.max_cell_temperature_C <= self.temperature_limit_C

    @property
    def cooling_needed(self) -> bool | None:
        """Answered only by a run without cooling: does the hottest cell pass the limit? (None for cooled runs.)"""
        return (not self.within_limit) if self.cooling == "none" else None


@dataclass(frozen=True)
class CellThermal:
    """What the heat balance needs of one cell."""

    mass_kg: float
    specific_heat_J_kgK: float
    area_m2: float          # cooled surface (the outline's surface)
    face_area_m2: float     # one large face (contact with the neighbour)
    thickness_m: float

    @classmethod
    def of(cls, design) -> "CellThermal":
        from cellbench import cells
        from cellbench.cells.figures import outline_volume_cm3

        p = design.packaging
        face = p.outline_width_mm * p.outline_length_mm * 1e-6
        thickness = outline_volume_cm3(design) * 1e-6 / face
        w, l = p.outline_width_mm / 1000.0, p.outline_length_mm / 1000.0
        return cls(mass_kg=cells.figures(design).mass_g / 1000.0,
                   specific_heat_J_kgK=design.thermal.get("specific_heat_J_kgK", 1000.0),
                   area_m2=2 * (w * l + w * thickness + l * thickness), face_area_m2=face, thickness_m=thickness)


@dataclass
class PackHeat:
    time_s: np.ndarray
    temperature_C: np.ndarray      # (nodes, samples)
    cooling: Cooling

    @property
    def hottest_C(self) -> float:
        return float(self.temperature_C.max())

    @property
    def hottest_cell(self) -> int:
        return int(np.unravel_index(np.argmax(self.temperature_C), self.temperature_C.shape)[0])

    @property
    def spread_K(self) -> float:
        """Largest difference between the hottest and coolest cell at one time."""
        return float((self.temperature_C.max(axis=0) - self.temperature_C.min(axis=0)).max())

    @property
    def final_C(self) -> np.ndarray:
        return self.temperature_C[:, -1]


def heat_shares(n: int, spread_pct: float) -> np.ndarray:
    """Each cell's heat relative to the mean: resistances spread evenly over ±spread/2, placed alternately high and
    low along the row so the spread is not lined up with the coolant's warming."""
    if n == 1 or spread_pct == 0:
        return np.ones(n)
    levels = 1.0 + spread_pct / 100.0 * (np.linspace(0, 1, n) - 0.5)
    order = np.argsort(np.arange(n) % 2 * n + np.arange(n))  # evens then odds
    out = np.empty(n)
    out[order] = levels
    return out


def pack_temperatures(time_s, heat_W, cell: CellThermal, *, cooling: str | Cooling = "none", cells_per_row: int | None = None,
                      ambient_C: float | None = None, initial_C: float | np.ndarray | None = None,
                      resistance_spread_pct: float | None = None) -> PackHeat:
    """Temperatures of the cells along one coolant path for a per-cell heat trace `heat_W` (mean cell, W)."""
    d = defaults()["cooling"]
    cool = cooling if isinstance(cooling, Cooling) else Cooling.of(cooling)
    n = int(cells_per_row or d["cells_per_row"])
    spread = d["resistance_spread_pct"] if resistance_spread_pct is None else resistance_spread_pct
    t = np.asarray(time_s, dtype=float)
    q = np.asarray(heat_W, dtype=float)
    if t.shape != q.shape:
        raise InputError("the heat trace and its times must have the same length")
    ambient = cool.coolant_temperature_C if ambient_C is None else ambient_C
    shares = heat_shares(n, spread)
    mc = cell.mass_kg * cell.specific_heat_J_kgK
    ha = cool.heat_transfer_W_m2K * cell.area_m2
    g = d["through_plane_conductivity_W_mK"] * cell.face_area_m2 / cell.thickness_m
    wall = d["enclosure_heat_transfer_W_m2K"] * cell.face_area_m2
    # conductance matrix (constant)
    k = np.diag(np.full(n, ha))
    if n > 1:
        for i in range(n - 1):
            k[i, i] += g
            k[i + 1, i + 1] += g
            k[i, i + 1] -= g
            k[i + 1, i] -= g
    k[0, 0] += wall
    k[-1, -1] += wall
    position = (np.arange(n) + 0.5) / n
    temps = np.empty((n, len(t)))
    temps[:, 0] = ambient if initial_C is None else initial_C
    eye = np.eye(n)
    last_dt, lhs_inv = None, None
    for j in range(1, len(t)):
        dt = t[j] - t[j - 1]
        if dt != last_dt:
            lhs_inv = np.linalg.inv(eye * mc / dt + k)
            last_dt = dt
        prev = temps[:, j - 1]
        # the stream's warming from the heat it took up at the previous step (explicit: it lags by one step)
        taken_kW = max(float(ha * np.sum(prev - cool.coolant_temperature_C)), 0.0) / 1000.0
        coolant = cool.coolant_temperature_C + position * cool.coolant_rise_K_per_kW * taken_kW
        source = q[j] * shares + ha * coolant
        source[0] += wall * ambient
        source[-1] += wall * ambient
        temps[:, j] = lhs_inv @ (mc / dt * prev + source)
    return PackHeat(t, temps, cool)


def dissipated_heat_W(current_A, voltage_V, soc, design) -> np.ndarray:
    """Heat a cell dissipates: I·(OCV(SOC) − V), current + on discharge (so it is positive both ways), from the
    design's open-circuit voltage. It counts every loss at once, the particles' concentration overpotential (heat
    of mixing, released as they relax) included, so over a drive or a charge it equals the energy lost; PyBaMM's
    own lumped heating leaves the heat of mixing out and is lower.

    >>> from cellbench import cells
    >>> d = cells.load("nextgen-std")
    >>> round(float(dissipated_heat_W(np.array([2.0]), np.array([3.3]), np.array([0.5]), d)[0]), 2)  # 2 A × 0.198 V
    0.4
    """
    from cellbench.cells import ocv_curve

    soc_grid, ocv = ocv_curve(design)
    return np.maximum(np.asarray(current_A) * (np.interp(soc, soc_grid, ocv) - np.asarray(voltage_V)), 0.0)


def temperature_limit_C(electrolyte_type: str) -> float:
    """The default "is cooling needed?" limit: 45 °C for liquid-electrolyte cells, 60 °C for all-solid-state
    (reasons in pack_defaults.yaml, temperature_limit_C)."""
    return float(defaults()["temperature_limit_C"]["solid" if electrolyte_type == "solid" else "liquid"])
