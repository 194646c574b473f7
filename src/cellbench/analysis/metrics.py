"""IEC 62660-1 performance metrics: one function per metric, each taking a Measurement (simulated or measured).

Each returns a :class:`MetricValue` with its unit. Steps are the runs of constant `step_index` (or, when a source
records none, runs of the same current sign); a step's kind comes from its mean current (BDF: charge positive).

>>> import polars as pl
>>> from cellbench.measurements import Measurement
>>> m = Measurement(pl.DataFrame({"test_time_second": [0.0, 1800.0, 3600.0], "voltage_volt": [4.0, 3.6, 3.0],
...                               "current_ampere": [-1.0, -1.0, -1.0], "step_index": [1, 1, 1]}))
>>> discharge_capacity(m).value
1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from cellbench.analysis import resistance
from cellbench.analysis.steps import step_table
from cellbench.errors import InputError
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S

REST_CURRENT_A = 1e-9


@dataclass(frozen=True)
class MetricValue:
    name: str
    value: float
    unit: str
    conditions: dict = field(default_factory=dict)


def step_segments(m: Measurement) -> pl.DataFrame:
    """The shared step table (:func:`cellbench.analysis.steps.step_table`) with a coarse `kind`:
    charge (a CV hold counts as charge or discharge by its current), discharge or rest."""
    table = step_table(m)
    kind = (pl.when(pl.col("step_type") == "cv-hold")
            .then(pl.when(pl.col("mean_current_A") >= 0).then(pl.lit("charge")).otherwise(pl.lit("discharge")))
            .otherwise(pl.col("step_type")))
    return table.with_columns(kind.alias("kind"))


def _last(m: Measurement, kind: str) -> dict:
    seg = step_segments(m).filter(pl.col("kind") == kind)
    if seg.is_empty():
        raise InputError(f"the measurement has no {kind} step", source=m.metadata.source_file)
    return seg.row(-1, named=True)


def discharge_capacity(m: Measurement, **conditions) -> MetricValue:
    """Capacity delivered by the last discharge step, in Ah."""
    return MetricValue("discharge_capacity", _last(m, "discharge")["discharge_capacity_Ah"], "Ah", conditions)


def charge_capacity(m: Measurement, **conditions) -> MetricValue:
    """Capacity taken by the last charge (CC and CV steps that follow each other count together), in Ah."""
    seg = step_segments(m)
    kinds = seg["kind"].to_list()
    if "charge" not in kinds:
        raise InputError("the measurement has no charge step", source=m.metadata.source_file)
    end = len(kinds) - 1 - kinds[::-1].index("charge")
    start = end
    while start > 0 and kinds[start - 1] == "charge":
        start -= 1
    return MetricValue("charge_capacity", float(seg["charge_capacity_Ah"][start:end + 1].sum()), "Ah", conditions)


def discharge_energy(m: Measurement, **conditions) -> MetricValue:
    return MetricValue("discharge_energy", _last(m, "discharge")["discharge_energy_Wh"], "Wh", conditions)


def mean_discharge_voltage(m: Measurement, **conditions) -> MetricValue:
    """Energy ÷ capacity of the last discharge step, in V."""
    step = _last(m, "discharge")
    if step["discharge_capacity_Ah"] <= 0:
        raise InputError("the last discharge step delivered no capacity")
    return MetricValue("mean_discharge_voltage", step["discharge_energy_Wh"] / step["discharge_capacity_Ah"], "V",
                       conditions)


def energy_efficiency(m: Measurement, **conditions) -> MetricValue:
    """Discharge energy ÷ charge energy over the whole measurement, in %."""
    d = m.data
    charged = d[S.CHARGE_ENERGY][-1] - d[S.CHARGE_ENERGY][0]
    if charged <= 0:
        raise InputError("the measurement has no charge energy; energy efficiency needs a charge and a discharge")
    discharged = d[S.DISCHARGE_ENERGY][-1] - d[S.DISCHARGE_ENERGY][0]
    return MetricValue("energy_efficiency", 100.0 * discharged / charged, "%", conditions)


def _pulse(m: Measurement, pulse_s: float, kind: str, occurrence: int) -> dict:
    pulses = resistance.pulse_resistance(m, after_s=pulse_s).filter(pl.col("direction") == kind)
    if not -pulses.height <= occurrence < pulses.height:
        raise InputError(f"pulse number {occurrence} asked for, but the measurement has {pulses.height} {kind} "
                         f"pulse(s) of at least {pulse_s:g} s after another step")
    return pulses.row(occurrence, named=True)


def pulse_resistance(m: Measurement, *, pulse_s: float = 10.0, kind: str = "discharge", occurrence: int = -1,
                     **conditions) -> MetricValue:
    """DC resistance of the `occurrence`-th pulse of a kind (default: the last), `pulse_s` into it, in Ω
    (:func:`cellbench.analysis.resistance.pulse_resistance`: ΔV/ΔI against the end of the step before)."""
    row = _pulse(m, pulse_s, kind, occurrence)
    return MetricValue("pulse_resistance", row["resistance_ohm"], "Ohm", {"pulse_s": pulse_s, "kind": kind, **conditions})


def pulse_power(m: Measurement, *, pulse_s: float = 10.0, kind: str = "discharge", occurrence: int = -1,
                **conditions) -> MetricValue:
    """Power delivered `pulse_s` into the pulse (|V·I| at that moment), in W."""
    row = _pulse(m, pulse_s, kind, occurrence)
    return MetricValue("pulse_power", abs(row["voltage_V"] * row["current_A"]), "W",
                       {"pulse_s": pulse_s, "kind": kind, **conditions})


def charge_time_to(m: Measurement, *, capacity_Ah: float, fraction: float = 0.8, start_fraction: float = 0.0,
                   **conditions) -> MetricValue:
    """Seconds from the start of the first charge step until the charged capacity reaches
    (fraction − start_fraction) × capacity_Ah; infinite when it never does."""
    d = m.data
    charging = d.filter(pl.col(S.CURRENT) > REST_CURRENT_A)
    if charging.is_empty():
        raise InputError("the measurement has no charge step")
    t0 = float(charging[S.TIME][0])
    q0 = float(d.filter(pl.col(S.TIME) <= t0)[S.CHARGE_CAPACITY][-1])
    need = (fraction - start_fraction) * capacity_Ah
    q = d[S.CHARGE_CAPACITY].to_numpy() - q0
    t = d[S.TIME].to_numpy()
    reached = np.nonzero(q >= need * (1 - 1e-6))[0]  # tolerance for the trapezoid at the step's first sample
    if not len(reached):
        value = float("inf")
    else:
        k = reached[0]
        # interpolate the crossing between the samples around it
        if k > 0 and q[k] > q[k - 1]:
            value = float(t[k - 1] + (min(need, q[k]) - q[k - 1]) * (t[k] - t[k - 1]) / (q[k] - q[k - 1]) - t0)
        else:
            value = float(t[k] - t0)
    return MetricValue("charge_time", value, "s", {"to_soc_pct": fraction * 100, **conditions})


def charged_fraction(m: Measurement, *, capacity_Ah: float, within_s: float | None = None, **conditions) -> MetricValue:
    """Capacity taken from the start of the first charge step (within `within_s` seconds, if given) ÷ capacity_Ah, in %."""
    d = m.data
    charging = d.filter(pl.col(S.CURRENT) > REST_CURRENT_A)
    if charging.is_empty():
        raise InputError("the measurement has no charge step")
    t0 = float(charging[S.TIME][0])
    t = d[S.TIME].to_numpy()
    q = d[S.CHARGE_CAPACITY].to_numpy()
    q0 = float(np.interp(t0, t, q))
    q1 = float(np.interp(t0 + within_s, t, q)) if within_s is not None else float(q[-1])
    extra = {"within_s": within_s} if within_s is not None else {}
    return MetricValue("charged_fraction", 100.0 * (q1 - q0) / capacity_Ah, "%", {**extra, **conditions})


def max_temperature_rise(m: Measurement, **conditions) -> MetricValue:
    """Highest cell temperature minus the first, in K."""
    if S.CELL_TEMPERATURE not in m.data.columns:
        raise InputError("the measurement has no cell temperature column")
    t = m.data[S.CELL_TEMPERATURE]
    return MetricValue("max_temperature_rise", float(t.max() - t[0]), "K", conditions)


def min_anode_potential(m: Measurement, **conditions) -> MetricValue:
    """Lowest anode potential against lithium during the test (φs − φe at the anode's separator side), in V; below
    0 V lithium plating is possible. Simulations record it; a measured test needs a reference electrode."""
    lowest = m.metadata.extra.get("min_anode_potential_V")
    if lowest is None:
        raise InputError("the measurement has no anode potential: it needs a reference electrode (three-electrode "
                         "cell) or a simulation", source=m.metadata.source_file)
    return MetricValue("min_anode_potential", float(lowest), "V",
                       {"plating_limited": bool(lowest < 0.0), **conditions})
