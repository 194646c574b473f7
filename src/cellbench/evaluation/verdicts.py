"""Verdicts: when a candidate's metric differs from the baseline's by more than its uncertainty.

Each metric carries a band in % of its value, combined in quadrature from

- the **numerical band**: how far the metric moves when the solver's tolerances are tightened 100-fold (measured,
  ``data/numerical-band.yaml``, by ``scripts/measure_numerical_band.py``);
- the **parameter band**: the candidate's stated ranges (a material's ``ranges``) propagated through the
  evaluation's own one-at-a-time sensitivities (effect per % of property × stated half-range in %), where the
  sensitivity of that metric to that property was run.

A change inside the band is "same"; outside it, "better" or "worse" by the metric's direction.

>>> verdict("discharge_capacity", 0.3, band_pct=0.5), verdict("discharge_capacity", -0.8, band_pct=0.5)
('same', 'worse')
>>> verdict("pulse_resistance", -3.0, band_pct=1.0)
'better'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cellbench.documents import read_yaml
from cellbench.evaluation.suite import DATA_DIR, DIRECTION

NUMERICAL_BAND_FILE = DATA_DIR / "numerical-band.yaml"
#: band for a metric the measurement did not cover (and the floor of every band): 0.1 % of the value
DEFAULT_NUMERICAL_PCT = 0.1


@lru_cache(maxsize=None)
def numerical_bands(path: Path = NUMERICAL_BAND_FILE) -> dict[str, float]:
    """metric function -> numerical band in %, as measured (see module docstring)."""
    if not path.exists():
        return {}
    return {k: float(v) for k, v in read_yaml(path).get("band_pct", {}).items()}


@dataclass(frozen=True)
class Band:
    numerical_pct: float
    parameter_pct: float | None = None           # None: no stated range reached this metric
    parameters: tuple[str, ...] = field(default=())

    @property
    def total_pct(self) -> float:
        return math.hypot(self.numerical_pct, self.parameter_pct or 0.0)


def numerical_band_pct(metric: str) -> float:
    return max(numerical_bands().get(metric, DEFAULT_NUMERICAL_PCT), DEFAULT_NUMERICAL_PCT)


def change_pct(base: float | None, cand: float | None) -> float | None:
    """Relative change of the candidate against the baseline, in %.

    >>> change_pct(2.0, 2.5), change_pct(0.0, 1.0), change_pct(None, 1.0), change_pct(math.inf, math.inf)
    (25.0, None, None, 0.0)
    """
    if base is None or cand is None:
        return None
    if base == cand:          # identical, infinite ones included (a charge that reaches 80 % in neither)
        return 0.0
    if math.isinf(base) or math.isinf(cand):
        return None if base == cand else (math.inf if cand > base else -math.inf)
    if base == 0:
        return None
    return 100.0 * (cand - base) / abs(base)


def verdict(metric: str, change: float | None, *, band_pct: float) -> str:
    """'better', 'worse' or 'same' (within ±band_pct), or 'n/a' when there is no change to judge."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return "n/a"
    if abs(change) <= band_pct:
        return "same"
    better_if_higher = DIRECTION.get(metric, "higher") == "higher"
    return "better" if (change > 0) == better_if_higher else "worse"


def stated_half_ranges_pct(record) -> dict[str, float]:
    """A material's stated ranges as half-widths in % of its value: {field: %}.

    >>> from cellbench import materials
    >>> rec = materials.load("argyrodite-li6ps5cl").model_copy(update={"ranges": {"ionic_conductivity_S_cm": (0.0015, 0.0035)}})
    >>> stated_half_ranges_pct(rec)
    {'ionic_conductivity_S_cm': 40.0}
    """
    out = {}
    for name, (low, high) in (getattr(record, "ranges", None) or {}).items():
        value = getattr(record, name, None)
        if value:
            out[name] = round(100.0 * (high - low) / 2.0 / abs(value), 10)
    return out


def parameter_band(sensitivity: list[dict], half_ranges_pct: dict[str, str | float], item: str, metric: str,
                   label: str) -> tuple[float | None, tuple[str, ...]]:
    """The parameter band of one metric: Σ (slope × half-range)² over the ranged properties whose sensitivity was
    run (slope = mean |effect| per % of property over the ± steps).

    >>> rows = [{"property": "ionic conductivity", "target": "material.ionic_conductivity_S_cm", "item": "i",
    ...          "metric": "m", "label": "", "step_pct": s, "effect_pct": e} for s, e in ((20, 2.0), (-20, -2.4))]
    >>> parameter_band(rows, {"ionic_conductivity_S_cm": 10.0}, "i", "m", "")
    (1.1, ('ionic conductivity',))
    """
    squares, used = 0.0, []
    by_property: dict[str, list[dict]] = {}
    for r in sensitivity:
        if (r["item"], r["metric"], r.get("label", "")) != (item, metric, label):
            continue
        target = r.get("target", "")
        if not target.startswith("material.") or target.split(".", 1)[1] not in half_ranges_pct:
            continue
        if not isinstance(r.get("effect_pct"), (int, float)) or not math.isfinite(r["effect_pct"]):
            continue
        by_property.setdefault(r["property"], []).append(r)
    for prop, rows in by_property.items():
        slope = sum(abs(r["effect_pct"] / r["step_pct"]) for r in rows) / len(rows)
        half = float(half_ranges_pct[rows[0]["target"].split(".", 1)[1]])
        squares += (slope * half) ** 2
        used.append(prop)
    if not used:
        return None, ()
    return round(math.sqrt(squares), 10), tuple(sorted(used))
