"""Electrode balance: where each electrode sits on its OCP curve, and how much of it takes part.

The full-cell open-circuit voltage during a discharge that has passed Q ampere-hours is

    V(Q) = U_cathode(y_full + Q / C_cathode) − U_anode(x_full − Q / C_anode)

with U the half-cell OCP tables of the design's active materials, y and x the lithium stoichiometries of
cathode and anode at full charge, and C the electrode capacities in Ah per unit stoichiometry (the active
material that takes part). Cyclable lithium is L = C_cathode·y + C_anode·x (Ah). Ageing changes these four
numbers: loss of active material (LAM) shrinks C, loss of lithium inventory (LLI) lowers L, so the electrodes
slip against each other. :func:`fit_balance` recovers them from a low-rate curve (the "dV/dQ method":
the curve's features are the electrodes' OCP features, so their positions and spacing pin the four numbers).

>>> from cellbench import cells
>>> fresh = ElectrodeBalance.from_design(cells.load("std-2.1"))
>>> aged = fresh.aged(lli=0.10, lam_cathode=0.05)
>>> round(1 - aged.lithium_Ah / fresh.lithium_Ah, 3), round(1 - aged.cathode_Ah / fresh.cathode_Ah, 3)
(0.1, 0.05)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.optimize import brentq, least_squares

from cellbench.cells import CellDesign
from cellbench.cells.figures import areal_capacity_mAh_cm2, stoichiometry_window
from cellbench.documents import load_model
from cellbench.errors import InputError, NotFound

PAIRS_FILE = Path(__file__).parent / "data" / "ocp-pairs.yaml"
#: N/P of the starting balance when only the chemistry is known (the fit frees both capacities from there)
START_N_TO_P = 1.1


class OcpPair(BaseModel):
    """A built-in electrode pair: two reference materials, or a cathode against a constant-potential counter
    electrode (lithium metal, In-Li)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    cathode: str
    anode: str | None = None
    counter_electrode: str | None = None
    counter_potential_V: float | None = Field(default=None, ge=0.0)
    counter_source: str | None = None

    @model_validator(mode="after")
    def _one_anode(self) -> "OcpPair":
        if (self.anode is None) == (self.counter_potential_V is None):
            raise ValueError("a pair needs either 'anode' (a material id) or 'counter_potential_V', not both")
        if self.counter_potential_V is not None and not self.counter_source:
            raise ValueError("a counter electrode's potential needs its 'counter_source'")
        return self


class _Pairs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    pairs: list[OcpPair]


@cache
def ocp_pairs() -> dict[str, OcpPair]:
    """The built-in pairs by id (``src/cellbench/durability/data/ocp-pairs.yaml``)."""
    return {p.id: p for p in load_model(_Pairs, PAIRS_FILE).pairs}


def load_pair(pair: str | OcpPair) -> OcpPair:
    if isinstance(pair, OcpPair):
        return pair
    pairs = ocp_pairs()
    if pair not in pairs:
        raise NotFound(f"no built-in electrode pair '{pair}'; known: {', '.join(pairs)}")
    return pairs[pair]


@dataclass(frozen=True)
class Electrodes:
    """The two OCP functions of a design (stoichiometry → V vs Li/Li+); `anode` is None for a metal or alloy
    counter electrode that holds `counter_potential_V` (0 for lithium metal, 0.62 V for In-Li)."""

    cathode: object
    anode: object | None
    counter_potential_V: float = 0.0

    @classmethod
    def of(cls, design: CellDesign) -> "Electrodes":
        anode = design.active_material("anode")
        return cls(design.active_material("cathode").ocp, None if anode.kind == "lithium_metal" else anode.ocp)


@dataclass(frozen=True)
class ElectrodeBalance:
    """Electrode capacities (Ah per unit stoichiometry) and stoichiometries at full charge, plus the OCP tables
    and the voltage window (the fresh cell's OCV at full charge and at its rated end of discharge)."""

    electrodes: Electrodes
    cathode_Ah: float
    cathode_full: float
    anode_Ah: float | None
    anode_full: float | None
    voltage_top_V: float
    voltage_bottom_V: float

    @classmethod
    def from_design(cls, design: CellDesign) -> "ElectrodeBalance":
        """The fresh balance of a design: the electrode capacities from its loadings, and each electrode at full
        charge where the design's balance puts it (:func:`cellbench.cells.figures.stoichiometry_window`, the
        window the simulator uses). The electrode in excess stops short of its own 100 %-SOC stoichiometry: with
        N/P > 1 the anode is not filled (std-2.1: ≈0.73, not 0.95), and placing it there would count lithium the
        cell never had, which showed as LLI in a fresh cell (issue 22)."""
        electrodes = Electrodes.of(design)
        cathode = design.active_material("cathode")
        window = stoichiometry_window(design)
        cells = design.area_cm2 * design.stack.unit_cells / 1000.0
        c_ah = areal_capacity_mAh_cm2(design, "cathode") * cells / abs(cathode.stoichiometry_at_0_soc
                                                                         - cathode.stoichiometry_at_100_soc)
        if electrodes.anode is None:
            a_ah, a_full = None, None
        else:
            anode = design.active_material("anode")
            a_ah = areal_capacity_mAh_cm2(design, "anode") * cells / abs(anode.stoichiometry_at_100_soc
                                                                         - anode.stoichiometry_at_0_soc)
            a_full = window["anode"][1]
        probe = cls(electrodes, c_ah, window["cathode"][1], a_ah, a_full, np.inf, -np.inf)
        capacity_Ah = min(areal_capacity_mAh_cm2(design, "cathode"), areal_capacity_mAh_cm2(design, "anode")) * cells
        return replace(probe, voltage_top_V=float(probe.ocv(0.0)), voltage_bottom_V=float(probe.ocv(capacity_Ah)))

    @classmethod
    def from_chemistry(cls, pair: str | OcpPair, capacity_Ah: float, *,
                       n_to_p: float = START_N_TO_P) -> "ElectrodeBalance":
        """A starting balance for a cell known only by its chemistry: the cathode cycling its reference window
        over `capacity_Ah`, the anode (if any) `n_to_p` times larger and filled to match. Only a start for
        :func:`fit_balance`, which frees all four numbers; not a fresh state to measure losses against."""
        from cellbench import materials

        pair = load_pair(pair)
        if capacity_Ah <= 0:
            raise InputError(f"the capacity must be positive, got {capacity_Ah:g} Ah", location="capacity_Ah")
        cathode = materials.load(pair.cathode, materials.ActiveMaterial)
        c_window = abs(cathode.stoichiometry_at_0_soc - cathode.stoichiometry_at_100_soc)
        if pair.anode is None:
            electrodes = Electrodes(cathode.ocp, None, pair.counter_potential_V)
            a_ah, a_full = None, None
        else:
            anode = materials.load(pair.anode, materials.ActiveMaterial)
            electrodes = Electrodes(cathode.ocp, anode.ocp)
            a0, a100 = anode.stoichiometry_at_0_soc, anode.stoichiometry_at_100_soc
            a_ah = n_to_p * capacity_Ah / abs(a100 - a0)
            a_full = a0 + (a100 - a0) / n_to_p
        probe = cls(electrodes, capacity_Ah / c_window, cathode.stoichiometry_at_100_soc, a_ah, a_full, np.inf, -np.inf)
        return replace(probe, voltage_top_V=float(probe.ocv(0.0)), voltage_bottom_V=float(probe.ocv(capacity_Ah)))

    @property
    def lithium_Ah(self) -> float:
        """Cyclable lithium in both electrodes, in Ah."""
        return self.cathode_Ah * self.cathode_full + (self.anode_Ah * self.anode_full if self.anode_Ah else 0.0)

    def ocv(self, discharged_Ah):
        """Open-circuit voltage after `discharged_Ah` from full charge."""
        q = np.asarray(discharged_Ah, dtype=float)
        u_c = self.electrodes.cathode(self.cathode_full + q / self.cathode_Ah)
        if self.electrodes.anode is None:
            return u_c - self.electrodes.counter_potential_V
        return u_c - self.electrodes.anode(self.anode_full - q / self.anode_Ah)

    def _end_Ah(self) -> float:
        """Largest Q before either electrode leaves its table (cathode full of lithium or anode empty)."""
        ends = [(1.0 - self.cathode_full) * self.cathode_Ah]
        if self.anode_Ah:
            ends.append(self.anode_full * self.anode_Ah)
        return max(min(ends), 0.0)

    def capacity_Ah(self) -> float:
        """Low-rate capacity between the window's top and bottom voltage."""
        end = self._end_Ah()
        if self.ocv(end) >= self.voltage_bottom_V:
            return end
        return float(brentq(lambda q: self.ocv(q) - self.voltage_bottom_V, 0.0, end, xtol=1e-9))

    def curve(self, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
        """(discharged Ah, OCV) from full charge to the bottom voltage."""
        q = np.linspace(0.0, self.capacity_Ah(), points)
        return q, self.ocv(q)

    def aged(self, *, lli: float = 0.0, lam_cathode: float = 0.0, lam_anode: float = 0.0) -> "ElectrodeBalance":
        """The balance after losing fractions of lithium and of each electrode's active material, charged back
        to the same top voltage (the cell's charge cut-off)."""
        c_ah = self.cathode_Ah * (1.0 - lam_cathode)
        lithium = self.lithium_Ah * (1.0 - lli)
        if self.anode_Ah is None:
            return replace(self, cathode_Ah=c_ah, cathode_full=min(lithium / c_ah, 1.0))
        a_ah = self.anode_Ah * (1.0 - lam_anode)

        def top_gap(y: float) -> float:
            x = (lithium - y * c_ah) / a_ah
            return self.electrodes.cathode(y) - self.electrodes.anode(x) - self.voltage_top_V

        # y between "anode full" (x = 1) and "anode empty" (x = 0), inside [0, 1]
        lo = max(0.0, (lithium - a_ah) / c_ah) + 1e-9
        hi = min(1.0, lithium / c_ah) - 1e-9
        y = float(brentq(top_gap, lo, hi, xtol=1e-12)) if top_gap(lo) * top_gap(hi) < 0 else lo
        return replace(self, cathode_Ah=c_ah, cathode_full=y, anode_Ah=a_ah, anode_full=(lithium - y * c_ah) / a_ah)

    def losses_against(self, fresh: "ElectrodeBalance") -> dict[str, float | None]:
        """Fractions lost since `fresh`: lli, lam_cathode, lam_anode."""
        return {"lli": 1.0 - self.lithium_Ah / fresh.lithium_Ah,
                "lam_cathode": 1.0 - self.cathode_Ah / fresh.cathode_Ah,
                "lam_anode": None if self.anode_Ah is None else 1.0 - self.anode_Ah / fresh.anode_Ah}

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("electrodes")
        out["lithium_Ah"] = self.lithium_Ah
        return out


@dataclass(frozen=True)
class BalanceFit:
    balance: ElectrodeBalance
    polarisation_V: float
    rms_error_mV: float
    points: int


def fit_balance(discharged_Ah: np.ndarray, voltage_V: np.ndarray, start: ElectrodeBalance) -> BalanceFit:
    """Fit capacities and full-charge stoichiometries of both electrodes (and a constant polarisation for the
    low-rate current) to a discharge curve that starts at full charge.

    The fit starts from `start` (the design's fresh balance) and from shifted anode positions, because lithium
    loss slides the anode along its plateaus and one start can land on the wrong plateau.
    """
    q = np.asarray(discharged_Ah, dtype=float)
    v = np.asarray(voltage_V, dtype=float)
    if len(q) < 20:
        raise InputError(f"a low-rate curve of {len(q)} samples is too short for an electrode-balance fit "
                         "(need at least 20)")
    # fit the samples themselves (a simulator's adaptive output is sparse where the curve is smooth, and
    # interpolating between sparse samples would invent a curve); weight each by the capacity it stands for so
    # that densely logged stretches do not outweigh the rest
    order = np.argsort(q, kind="stable")
    grid, v_grid = q[order], v[order]
    spacing = np.gradient(grid) if len(grid) > 1 else np.ones(1)
    weight = np.sqrt(np.clip(spacing, 0.0, None) / max(float(np.mean(spacing)), 1e-15))
    anode = start.anode_Ah is not None

    def unpack(p):
        if anode:
            return replace(start, cathode_Ah=p[0], cathode_full=p[1], anode_Ah=p[2], anode_full=p[3]), p[4]
        return replace(start, cathode_Ah=p[0], cathode_full=p[1]), p[2]

    def residual(p):
        balance, polarisation = unpack(p)
        return weight * (balance.ocv(grid) - polarisation - v_grid)

    lower = [0.3 * start.cathode_Ah, 0.0] + ([0.3 * start.anode_Ah, 0.0] if anode else []) + [-0.2]
    upper = [3.0 * start.cathode_Ah, 1.0] + ([3.0 * start.anode_Ah, 1.0] if anode else []) + [0.3]
    best = None
    shifts = (0.0, -0.05, -0.1, -0.2, 0.05) if anode else (0.0,)
    for shift in shifts:
        p0 = [start.cathode_Ah, start.cathode_full] + (
            [start.anode_Ah, float(np.clip(start.anode_full + shift, 0.01, 0.99))] if anode else []) + [0.0]
        result = least_squares(residual, p0, bounds=(lower, upper), x_scale="jac")
        if best is None or result.cost < best.cost:
            best = result
    balance, polarisation = unpack(best.x)
    plain = balance.ocv(grid) - polarisation - v_grid
    rms = float(np.sqrt(np.sum(weight ** 2 * plain ** 2) / np.sum(weight ** 2)) * 1000.0)
    return BalanceFit(balance, float(polarisation), rms, len(grid))
