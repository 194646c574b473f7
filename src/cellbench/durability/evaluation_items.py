"""The IEC 62660-1 storage and cycle-life items of the evaluation suite, run on the virtual cycler.

These items are not one protocol but a series of check-ups on a cell that ages between them, so they run
through :func:`~cellbench.durability.ageing.ageing_test` rather than the suite's single-protocol runner. Each
function takes the item's ``conditions`` (as written in the suite YAML) and returns the report's rows and the
headline numbers (capacity retention and DC-IR growth at the end of the test).

Test lengths follow the SOLiD-EV programme: 42 days of storage, 28 days of cycling, retention checked at 1/3C
and 25 °C (domain notes, section 5).

>>> from cellbench import cells
>>> out = storage_item(cells.load("std-2.1"), {"temperature_C": 45, "soc_pct": [100]})   # doctest: +SKIP
>>> out["metrics"]["capacity_retention_soc100"]                                        # doctest: +SKIP
0.952
"""

from __future__ import annotations

from typing import Any

from cellbench.durability.ageing import AgeingLaws, ageing_test, load_laws
from cellbench.durability.interphase import assess

STORAGE_DAYS = 42.0
CYCLE_DAYS = 28.0
CHECKUP_EVERY_DAYS = 14.0
NOTE = ("empirical ageing laws, illustrative parameters unless fitted; interphase terms scaled to the materials' "
        "stability windows and interphase kinds (cellbench.durability.interphase); cracking terms are not "
        "material-specific")
#: continuous 1C charge / 1C discharge with short rests: about 11 equivalent full cycles a day
CYCLES_PER_DAY_AT_1C = 11.0


def _points(total: float, every: float) -> list[float]:
    n = max(int(round(total / every)), 1)
    return [total * i / n for i in range(n + 1)]


def storage_item(design, conditions: dict[str, Any], laws: AgeingLaws | None = None) -> dict[str, Any]:
    """Storage at `temperature_C` for each `soc_pct` (default 50 and 100 %), check-ups every 14 days."""
    laws = laws or load_laws()
    temperature_C = float(conditions.get("temperature_C", 45.0))
    days = float(conditions.get("days", STORAGE_DAYS))
    socs = conditions.get("soc_pct", [50, 100])
    socs = socs if isinstance(socs, list) else [socs]
    rows, metrics = [], {}
    for soc in socs:
        series = ageing_test(design, laws, kind="storage", temperature_C=temperature_C, soc=float(soc) / 100.0,
                             checkpoints=_points(days, CHECKUP_EVERY_DAYS))
        rows += [{"soc_pct": soc, **r} for r in series]
        metrics[f"capacity_retention_soc{soc:g}"] = series[-1]["capacity_retention"]
        metrics[f"resistance_growth_soc{soc:g}"] = series[-1]["resistance_growth"]
    return {"test": "storage", "temperature_C": temperature_C, "days": days, "rows": rows, "metrics": metrics,
            "laws_version": laws.version, "note": NOTE,
            "interphase": [a.as_dict() for a in assess(design, laws)]}


def cycle_item(design, conditions: dict[str, Any], laws: AgeingLaws | None = None) -> dict[str, Any]:
    """Continuous cycling at `temperature_C` and `c_rate` (default 1C) for 28 days, check-ups every 14 days."""
    laws = laws or load_laws()
    temperature_C = float(conditions.get("temperature_C", 45.0))
    days = float(conditions.get("days", CYCLE_DAYS))
    c_rate = float(conditions.get("c_rate", 1.0))
    per_day = CYCLES_PER_DAY_AT_1C * c_rate
    series = ageing_test(design, laws, kind="cycle", temperature_C=temperature_C, c_rate=c_rate,
                         cycles_per_day=per_day, checkpoints=[d * per_day for d in _points(days, CHECKUP_EVERY_DAYS)])
    return {"test": "cycle life", "temperature_C": temperature_C, "days": days, "rows": series,
            "metrics": {"capacity_retention": series[-1]["capacity_retention"],
                        "resistance_growth": series[-1]["resistance_growth"],
                        "equivalent_full_cycles": series[-1]["equivalent_full_cycles"]},
            "laws_version": laws.version, "note": NOTE,
            "interphase": [a.as_dict() for a in assess(design, laws)]}


#: suite item test name -> runner, for an evaluation engine that dispatches items by `test`
RUNNERS = {"storage": storage_item, "cycle life": cycle_item}
