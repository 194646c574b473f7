"""Diagnosis of an aged cell from its check-up data: which capacity was lost where, how much resistance grew,
and which mechanisms of the degradation-factor map fit those symptoms.

A check-up needs two kinds of steps, measured or simulated alike:

- a **low-rate discharge** from full charge (C/10 or slower, over at least half the rated capacity): its
  voltage curve is fitted with the electrodes' OCP tables (:mod:`~cellbench.durability.electrode_balance`),
  giving loss of lithium inventory (LLI) and loss of active material on each electrode (LAM);
- **current pulses** (≥ 10 s): their DC-IR (:func:`cellbench.analysis.pulse_resistance`) against the
  reference gives resistance growth.

The reference (fresh) state is, in order of preference: a reference Measurement's first check-up, the
aged Measurement's own first check-up (when it holds several), or the design's electrode balance (each electrode
where the design's stoichiometry window puts it at full charge).

A cell without a design is diagnosed from its chemistry: ``diagnose(aged, chemistry="nmc-graphite")`` fits the
reference materials' OCP tables of a built-in pair (:func:`~cellbench.durability.electrode_balance.ocp_pairs`).
Its losses then need a fresh check-up (a reference, or a first check-up in the same file); from one check-up
alone it reports the fitted electrode balance and no losses.

>>> d = diagnose(aged_measurement, "std-2.1", reference=fresh_measurement)  # needs your tests  # doctest: +SKIP
>>> d.losses["lli"], d.ranked[0].mechanism.id                               # doctest: +SKIP
(0.1, 'se-reduction-anode')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from cellbench.analysis import pulse_resistance, step_table
from cellbench.cells import CellDesign
from cellbench.durability.degradation_map import DegradationMap, RankedMechanism, load_map, rank
from cellbench.durability.electrode_balance import BalanceFit, ElectrodeBalance, OcpPair, fit_balance, load_pair
from cellbench.errors import InputError
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S

#: slowest "low-rate" current, as a C-rate: above it polarisation distorts the OCP features
LOW_RATE_MAX_C = 0.1
#: share of the rated capacity a low-rate discharge must cover for the fit to see both electrodes' features
LOW_RATE_MIN_SHARE = 0.5
PULSE_AFTER_S = 10.0
#: a fit that needs more than this constant overpotential at C/10 or slower is bending foreign OCP tables onto the
#: curve (an NMC pair fits an LFP curve to 4 mV rms with 124 mV of it), not describing a near-equilibrium curve
POLARISATION_LIMIT_V = 0.1
#: above this rms misfit the design's OCP tables do not describe the cell's curve, and the losses mean nothing
#: (a good fit of a clean low-rate curve is a few mV: polarisation is fitted as a constant)
FIT_RMS_LIMIT_MV = 15.0


@dataclass
class Diagnosis:
    """What the check-ups show. `losses` are fractions of the reference (0.1 = 10 % lost)."""

    losses: dict[str, float | None]
    capacity_retention: float | None
    resistance_growth: float | None
    reference: str
    aged_fit: BalanceFit
    reference_fit: BalanceFit | None
    ranked: list[RankedMechanism]
    map_version: str
    notes: list[str] = field(default_factory=list)
    reliable: bool = True
    ocp_source: str = ""

    def as_dict(self) -> dict:
        def rounded(x):
            return None if x is None else round(float(x), 5)

        return {
            "ocp_source": self.ocp_source,
            "losses": {k: rounded(v) for k, v in self.losses.items()},
            "capacity_retention": rounded(self.capacity_retention),
            "resistance_growth": rounded(self.resistance_growth),
            "reference": self.reference,
            "reliable": self.reliable,
            "aged_balance": {k: rounded(v) for k, v in self.aged_fit.balance.as_dict().items()},
            "fit_rms_error_mV": round(self.aged_fit.rms_error_mV, 3), "fit_points": self.aged_fit.points,
            "polarisation_V": round(self.aged_fit.polarisation_V, 5),
            "mechanisms": [r.as_dict() for r in self.ranked],
            "degradation_map_version": self.map_version,
            "notes": self.notes,
        }


def low_rate_discharges(measurement: Measurement, capacity_Ah: float, *,
                        max_c_rate: float = LOW_RATE_MAX_C) -> pl.DataFrame:
    """Discharges slow enough and long enough for the electrode-balance fit, in test order. Consecutive
    discharge steps at the same current with nothing between them count as one (a low-rate discharge
    logged in segments)."""
    steps = step_table(measurement)
    slow = ((pl.col("step_type") == "discharge") & (pl.col("mean_current_A").abs() <= max_c_rate * capacity_Ah * 1.02))
    steps = steps.with_columns(slow.alias("_slow"))
    same_run = (pl.col("_slow") & pl.col("_slow").shift(1).fill_null(False)
                & ((pl.col("mean_current_A") / pl.col("mean_current_A").shift(1) - 1.0).abs() < 0.02))
    runs = (steps.with_columns((~same_run).cum_sum().alias("_run")).filter(pl.col("_slow"))
            .group_by("_run", maintain_order=True)
            .agg(pl.col("step_number").first(), pl.col("cycle").first(), pl.col("first_row").first(),
                 pl.col("last_row").last(), pl.col("discharge_capacity_Ah").sum(), pl.col("mean_current_A").mean()))
    return runs.filter(pl.col("discharge_capacity_Ah") >= LOW_RATE_MIN_SHARE * capacity_Ah).drop("_run")


def _curve(measurement: Measurement, step: dict) -> tuple[np.ndarray, np.ndarray]:
    rows = measurement.data.slice(step["first_row"], step["last_row"] - step["first_row"] + 1)
    rows = rows.filter(pl.col(S.CURRENT) < 0)  # a segmented discharge: drop any sample between the segments
    q = rows[S.DISCHARGE_CAPACITY].to_numpy()
    return q - q[0], rows[S.VOLTAGE].to_numpy()


def _pulses(measurement: Measurement) -> pl.DataFrame:
    return pulse_resistance(measurement, after_s=PULSE_AFTER_S).filter(pl.col("direction") == "discharge")


def missing_steps(measurement: Measurement, capacity_Ah: float, *, max_c_rate: float = LOW_RATE_MAX_C,
                  require_pulses: bool = True) -> list[str]:
    """What a diagnosis needs that the measurement lacks, each said as the step to add."""
    missing = []
    if low_rate_discharges(measurement, capacity_Ah, max_c_rate=max_c_rate).height == 0:
        missing.append(f"a low-rate discharge from full charge (at most C/{1 / max_c_rate:g} = "
                       f"{max_c_rate * capacity_Ah:.4g} A, over at least {100 * LOW_RATE_MIN_SHARE:.0f} % of the "
                       f"rated {capacity_Ah:.4g} Ah), e.g. 'Discharge at C/20 until Vmin'")
    if require_pulses and _pulses(measurement).height == 0:
        missing.append(f"a discharge current pulse of at least {PULSE_AFTER_S:g} s after a rest, "
                       "e.g. 'Rest for 1 hour; Discharge at 1C for 10 seconds'")
    return missing


def _require(measurement: Measurement, capacity_Ah: float, role: str, **options) -> None:
    missing = missing_steps(measurement, capacity_Ah, **options)
    if missing:
        raise InputError(f"the {role} test lacks the steps a diagnosis needs: " + "; ".join(missing),
                         source=measurement.metadata.source_file)


def _mean_pulse_resistance(pulses: pl.DataFrame) -> float:
    return float(pulses["resistance_ohm"].mean())


def _inside_window(x: float, material_id: str, slack: float = 0.02) -> bool:
    """Whether a fitted full-charge cathode stoichiometry lies in the material's reference window (a chemistry
    fit has no design to bound it, and a wrong pair reaches a low misfit from the window's far end)."""
    from cellbench import materials

    m = materials.load(material_id, materials.ActiveMaterial)
    low, high = sorted((m.stoichiometry_at_0_soc, m.stoichiometry_at_100_soc))
    return low - slack <= x <= high + slack


def _largest_discharge_Ah(measurement: Measurement) -> float:
    steps = step_table(measurement).filter(pl.col("step_type") == "discharge")
    if steps.height == 0:
        raise InputError("the test has no discharge step, so no low-rate discharge to fit",
                         source=measurement.metadata.source_file)
    return float(steps["discharge_capacity_Ah"].max())


def diagnose(aged: Measurement, design: CellDesign | None = None, *, chemistry: str | OcpPair | None = None,
             reference: Measurement | None = None, degradation_map: DegradationMap | None = None,
             capacity_Ah: float | None = None, max_c_rate: float = LOW_RATE_MAX_C,
             require_pulses: bool = True) -> Diagnosis:
    """Diagnose `aged` (a Measurement with at least one check-up) against `reference` or its own first check-up.

    Give the cell's `design`, or, for a cell without one, its `chemistry` (a built-in OCP pair id such as
    ``"nmc-graphite"``, ``"lfp-graphite"``, ``"nmc-li-in"``).
    capacity_Ah: the rated capacity that defines C-rates (default: the design's; with a chemistry, the largest
    discharge in the aged test).
    Raises InputError naming the missing steps when a check-up lacks a low-rate discharge or a pulse.
    """
    from cellbench.cells.figures import figures

    if (design is None) == (chemistry is None):
        raise InputError("give exactly one of the cell design or its chemistry (a built-in electrode pair)",
                         location="design / chemistry")
    degradation_map = degradation_map or load_map()
    notes = []
    if design is not None:
        rated_Ah = capacity_Ah or (design.nominal.capacity_mAh / 1000.0
                                   if design.nominal and design.nominal.capacity_mAh
                                   else figures(design).capacity_mAh / 1000.0)
        ocp_source = f"design {design.id}"
    else:
        pair = load_pair(chemistry)
        rated_Ah = capacity_Ah or _largest_discharge_Ah(aged)
        ocp_source = f"chemistry {pair.id} ({pair.name})"
        if capacity_Ah is None:
            notes.append(f"rated capacity taken as the largest discharge in the test, {rated_Ah:.4g} Ah "
                         "(give capacity_Ah / --capacity-Ah to set it)")
    options = {"max_c_rate": max_c_rate, "require_pulses": require_pulses}
    _require(aged, rated_Ah, "aged", **options)
    if reference is not None:
        _require(reference, rated_Ah, "reference", **options)

    aged_steps = low_rate_discharges(aged, rated_Ah, max_c_rate=max_c_rate)
    aged_capacity = float(aged_steps["discharge_capacity_Ah"][-1])
    if design is not None:
        start = ElectrodeBalance.from_design(design)
    else:  # a start only: the fit frees both electrodes' capacities and positions
        start = ElectrodeBalance.from_chemistry(pair, aged_capacity)
    aged_fit = fit_balance(*_curve(aged, aged_steps.row(-1, named=True)), start)
    reference_fit, reference_capacity = None, None
    if reference is not None:
        ref_step = low_rate_discharges(reference, rated_Ah, max_c_rate=max_c_rate).row(0, named=True)
        reference_fit = fit_balance(*_curve(reference, ref_step), start)
        reference_capacity, source = ref_step["discharge_capacity_Ah"], "reference measurement"
    elif aged_steps.height > 1:
        ref_step = aged_steps.row(0, named=True)
        reference_fit = fit_balance(*_curve(aged, ref_step), start)
        reference_capacity, source = ref_step["discharge_capacity_Ah"], "first check-up of the aged measurement"
    elif design is not None:
        source = "design (its electrode balance at the stoichiometry window)"
        notes.append("no reference check-up: losses are against the design's electrode balance, which includes any "
                     "difference between the design and the real cell")
    else:
        source = "none"
        notes.append("chemistry only and one check-up: the fitted electrode balance is reported, but losses need a "
                     "fresh state (a reference check-up, or a first check-up in the same test)")
    if reference_fit is not None or design is not None:
        losses = aged_fit.balance.losses_against(reference_fit.balance if reference_fit else start)
    else:
        losses = {"lli": None, "lam_cathode": None, "lam_anode": None}
    if reference_capacity:
        retention = aged_capacity / reference_capacity
    elif design is not None:  # on the losses' basis: the fitted balance against the design's, same voltage window
        retention = aged_fit.balance.capacity_Ah() / start.capacity_Ah()
    elif capacity_Ah is not None:
        retention = aged_capacity / capacity_Ah
    else:  # the rated capacity was read off this very test: nothing to compare with
        retention = None

    growth = None
    aged_pulses = _pulses(aged)
    if reference is not None and aged_pulses.height:
        growth = _mean_pulse_resistance(aged_pulses) / _mean_pulse_resistance(_pulses(reference)) - 1.0
    elif aged_pulses.height and aged_pulses["cycle"].n_unique() > 1:
        first, last = aged_pulses["cycle"].min(), aged_pulses["cycle"].max()
        growth = (_mean_pulse_resistance(aged_pulses.filter(pl.col("cycle") == last))
                  / _mean_pulse_resistance(aged_pulses.filter(pl.col("cycle") == first)) - 1.0)
    else:
        notes.append("resistance growth not measured: pulses from one check-up only and no reference")
    fits = [(name, fit) for name, fit in (("aged", aged_fit), ("reference", reference_fit)) if fit is not None]
    misfits = [f"{name} fit {fit.rms_error_mV:.0f} mV rms (limit {FIT_RMS_LIMIT_MV:g} mV)" for name, fit in fits
               if fit.rms_error_mV > FIT_RMS_LIMIT_MV]
    misfits += [f"{name} fit needs {1000 * fit.polarisation_V:.0f} mV of polarisation at a low rate (limit "
                f"{1000 * POLARISATION_LIMIT_V:.0f} mV)" for name, fit in fits
                if abs(fit.polarisation_V) > POLARISATION_LIMIT_V]
    if design is None:
        misfits += [f"{name} fit puts the full cathode at x = {fit.balance.cathode_full:.3f}, outside the "
                    f"{pair.cathode} window" for name, fit in fits
                    if not _inside_window(fit.balance.cathode_full, pair.cathode)]
    if misfits:
        notes.insert(0, f"UNRELIABLE: {'; '.join(misfits)}: the OCP tables do not describe this cell's low-rate "
                        "curve (another chemistry, or not a near-equilibrium curve), so the losses and the ranking "
                        "are not meaningful; mechanisms are not ranked")
    observed = dict(losses, resistance_growth=growth)
    rankable = not misfits and losses["lli"] is not None
    return Diagnosis(losses, retention, growth, source, aged_fit, reference_fit,
                     rank(degradation_map, observed) if rankable else [], degradation_map.version, notes,
                     reliable=not misfits, ocp_source=ocp_source)
