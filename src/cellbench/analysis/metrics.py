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
    """One row per step: segment number, step index, kind, start/end row, duration, capacity, energy, voltages."""
    d = m.data
    if S.STEP in d.columns:
        change = (pl.col(S.STEP) != pl.col(S.STEP).shift(1)).fill_null(True)
    else:
        sign = pl.col(S.CURRENT).sign()
        change = (sign != sign.shift(1)).fill_null(True)
    d = d.with_row_index("row").with_columns(change.cast(pl.Int64).cum_sum().alias("segment"))
    seg = d.group_by("segment", maintain_order=True).agg(
        pl.col("row").first().alias("first_row"), pl.col("row").last().alias("last_row"),
        (pl.col(S.STEP).first() if S.STEP in d.columns else pl.col("segment").first()).alias("step"),
        pl.col(S.TIME).first().alias("start_s"), pl.col(S.TIME).last().alias("end_s"),
        pl.col(S.CURRENT).mean().alias("mean_current_A"),
        (pl.col(S.CHARGE_CAPACITY).last() - pl.col(S.CHARGE_CAPACITY).first()).alias("charge_Ah"),
        (pl.col(S.DISCHARGE_CAPACITY).last() - pl.col(S.DISCHARGE_CAPACITY).first()).alias("discharge_Ah"),
        (pl.col(S.CHARGE_ENERGY).last() - pl.col(S.CHARGE_ENERGY).first()).alias("charge_Wh"),
        (pl.col(S.DISCHARGE_ENERGY).last() - pl.col(S.DISCHARGE_ENERGY).first()).alias("discharge_Wh"),
        pl.col(S.VOLTAGE).first().alias("start_V"), pl.col(S.VOLTAGE).last().alias("end_V"),
    )
    kind = (pl.when(pl.col("mean_current_A") > REST_CURRENT_A).then(pl.lit("charge"))
            .when(pl.col("mean_current_A") < -REST_CURRENT_A).then(pl.lit("discharge")).otherwise(pl.lit("rest")))
    return seg.with_columns(kind.alias("kind"), (pl.col("end_s") - pl.col("start_s")).alias("duration_s"))


def _last(m: Measurement, kind: str) -> dict:
    seg = step_segments(m).filter(pl.col("kind") == kind)
    if seg.is_empty():
        raise InputError(f"the measurement has no {kind} step", source=m.metadata.source_file)
    return seg.row(-1, named=True)


def discharge_capacity(m: Measurement, **conditions) -> MetricValue:
    """Capacity delivered by the last discharge step, in Ah."""
    return MetricValue("discharge_capacity", _last(m, "discharge")["discharge_Ah"], "Ah", conditions)


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
    return MetricValue("charge_capacity", float(seg["charge_Ah"][start:end + 1].sum()), "Ah", conditions)


def discharge_energy(m: Measurement, **conditions) -> MetricValue:
    return MetricValue("discharge_energy", _last(m, "discharge")["discharge_Wh"], "Wh", conditions)


def mean_discharge_voltage(m: Measurement, **conditions) -> MetricValue:
    """Energy ÷ capacity of the last discharge step, in V."""
    step = _last(m, "discharge")
    if step["discharge_Ah"] <= 0:
        raise InputError("the last discharge step delivered no capacity")
    return MetricValue("mean_discharge_voltage", step["discharge_Wh"] / step["discharge_Ah"], "V", conditions)


def energy_efficiency(m: Measurement, **conditions) -> MetricValue:
    """Discharge energy ÷ charge energy over the whole measurement, in %."""
    d = m.data
    charged = d[S.CHARGE_ENERGY][-1] - d[S.CHARGE_ENERGY][0]
    if charged <= 0:
        raise InputError("the measurement has no charge energy; energy efficiency needs a charge and a discharge")
    discharged = d[S.DISCHARGE_ENERGY][-1] - d[S.DISCHARGE_ENERGY][0]
    return MetricValue("energy_efficiency", 100.0 * discharged / charged, "%", conditions)


def pulse_resistance(m: Measurement, *, pulse_s: float = 10.0, kind: str = "discharge", occurrence: int = -1,
                     **conditions) -> MetricValue:
    """DC resistance of a current pulse: (V before − V at `pulse_s` into the pulse) ÷ (I before − I in the pulse), in Ω.

    The `occurrence`-th pulse step of the given kind (default: the last) is used; the reference is the last point of
    the step before it (a rest).
    """
    seg = step_segments(m)
    pulses = [i for i, k in enumerate(seg["kind"].to_list()) if k == kind and i > 0]
    if not pulses or not -len(pulses) <= occurrence < len(pulses):
        raise InputError(f"pulse number {occurrence} asked for, but the measurement has {len(pulses)} {kind} pulse(s) "
                         "after a rest")
    i = pulses[occurrence]
    row = seg.row(i, named=True)
    before = seg.row(i - 1, named=True)
    d = m.data
    t = d[S.TIME].to_numpy()[row["first_row"]:row["last_row"] + 1]
    v = d[S.VOLTAGE].to_numpy()[row["first_row"]:row["last_row"] + 1]
    c = d[S.CURRENT].to_numpy()[row["first_row"]:row["last_row"] + 1]
    target = t[0] + pulse_s
    if t[-1] < target - 1e-6:
        raise InputError(f"the pulse lasts {t[-1] - t[0]:.3g} s, shorter than the {pulse_s:g} s asked for")
    v_at = float(np.interp(target, t, v))
    i_at = float(np.interp(target, t, c))
    v0 = float(d[S.VOLTAGE][before["last_row"]])
    i0 = float(d[S.CURRENT][before["last_row"]])
    if abs(i_at - i0) < REST_CURRENT_A:
        raise InputError("the pulse has the same current as the step before it")
    return MetricValue("pulse_resistance", (v_at - v0) / (i_at - i0), "Ohm", {"pulse_s": pulse_s, "kind": kind, **conditions})


def pulse_power(m: Measurement, *, pulse_s: float = 10.0, kind: str = "discharge", occurrence: int = -1,
                **conditions) -> MetricValue:
    """Power at `pulse_s` into a pulse (|V·I|), in W."""
    seg = step_segments(m)
    pulses = [i for i, k in enumerate(seg["kind"].to_list()) if k == kind and i > 0]
    if not pulses or not -len(pulses) <= occurrence < len(pulses):
        raise InputError(f"pulse number {occurrence} asked for, but the measurement has {len(pulses)} {kind} pulse(s)")
    row = seg.row(pulses[occurrence], named=True)
    d = m.data.slice(row["first_row"], row["last_row"] - row["first_row"] + 1)
    t = d[S.TIME].to_numpy()
    p = np.abs(d[S.VOLTAGE].to_numpy() * d[S.CURRENT].to_numpy())
    return MetricValue("pulse_power", float(np.interp(t[0] + pulse_s, t, p)), "W", {"pulse_s": pulse_s, "kind": kind, **conditions})


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
    reached = np.nonzero(q >= need)[0]
    value = float(t[reached[0]] - t0) if len(reached) else float("inf")
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
