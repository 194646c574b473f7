"""The IEC 62660-1 storage and cycle-life items of the evaluation suite, run on the virtual cycler.

These items are not one protocol but a series of check-ups on a cell that ages between them, so they run
through :func:`~cellbench.durability.ageing.plan_ageing_test` rather than the suite's single-protocol runner. Each
function takes the item's ``conditions`` (as written in the suite YAML) and returns the report's rows and the
headline numbers (capacity retention and DC-IR growth at the end of the test).

Test lengths follow the SOLiD-EV programme: 42 days of storage, 28 days of cycling, retention checked at 1/3C
and 25 °C (domain notes, section 5).

>>> from cellbench import cells
>>> out = storage_item(cells.load("std-2.1"), {"temperature_C": 45, "soc_pct": [100]})  # PyBaMM, minutes  # doctest: +SKIP
>>> out["metrics"]["capacity_retention_soc100"]                                        # doctest: +SKIP
0.952
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from cellbench.durability.ageing import AgeingLaws, CheckupPlan, load_laws, plan_ageing_test
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


@dataclass
class ItemPlan:
    """An ageing item before its check-ups are simulated: the check-up plans (one per storage SOC, or one cycle
    test) and how their rows make the item's record. `jobs()` go to any simulator (the evaluation sends them to its
    worker pool with every other simulation); `complete()` takes the Measurements back in the same order."""

    test: str
    plans: list[CheckupPlan]
    make_record: Callable[[list[list[dict]]], dict[str, Any]]

    def jobs(self) -> list[tuple]:
        return [job for plan in self.plans for job in plan.jobs()]

    def complete(self, measurements: list) -> dict[str, Any]:
        rows, start = [], 0
        for plan in self.plans:
            rows.append(plan.finish(measurements[start:start + len(plan.cells)]))
            start += len(plan.cells)
        return self.make_record(rows)

    def run(self) -> dict[str, Any]:
        """Simulate the check-ups here, one after the other."""
        from cellbench.simulate import simulate

        return self.complete([simulate(cell, protocol, **options) for cell, protocol, options in self.jobs()])


def storage_plan(design, conditions: dict[str, Any], laws: AgeingLaws | None = None) -> ItemPlan:
    """Storage at `temperature_C` for each `soc_pct` (default 50 and 100 %), check-ups every 14 days."""
    laws = laws or load_laws()
    temperature_C = float(conditions.get("temperature_C", 45.0))
    days = float(conditions.get("days", STORAGE_DAYS))
    socs = conditions.get("soc_pct", [50, 100])
    socs = socs if isinstance(socs, list) else [socs]
    plans = [plan_ageing_test(design, laws, kind="storage", temperature_C=temperature_C, soc=float(soc) / 100.0,
                              checkpoints=_points(days, CHECKUP_EVERY_DAYS)) for soc in socs]
    interphase = [a.as_dict() for a in assess(design, laws)]

    def record(rows_per_soc: list[list[dict]]) -> dict[str, Any]:
        rows, metrics = [], {}
        for soc, series in zip(socs, rows_per_soc):
            rows += [{"soc_pct": soc, **r} for r in series]
            metrics[f"capacity_retention_soc{soc:g}"] = series[-1]["capacity_retention"]
            metrics[f"resistance_growth_soc{soc:g}"] = series[-1]["resistance_growth"]
        return {"test": "storage", "temperature_C": temperature_C, "days": days, "rows": rows, "metrics": metrics,
                "laws_version": laws.version, "note": NOTE, "interphase": interphase}

    return ItemPlan("storage", plans, record)


def cycle_plan(design, conditions: dict[str, Any], laws: AgeingLaws | None = None) -> ItemPlan:
    """Continuous cycling at `temperature_C` and `c_rate` (default 1C) for 28 days, check-ups every 14 days."""
    laws = laws or load_laws()
    temperature_C = float(conditions.get("temperature_C", 45.0))
    days = float(conditions.get("days", CYCLE_DAYS))
    c_rate = float(conditions.get("c_rate", 1.0))
    per_day = CYCLES_PER_DAY_AT_1C * c_rate
    plan = plan_ageing_test(design, laws, kind="cycle", temperature_C=temperature_C, c_rate=c_rate,
                            cycles_per_day=per_day, checkpoints=[d * per_day for d in _points(days, CHECKUP_EVERY_DAYS)])
    interphase = [a.as_dict() for a in assess(design, laws)]

    def record(rows: list[list[dict]]) -> dict[str, Any]:
        series = rows[0]
        return {"test": "cycle life", "temperature_C": temperature_C, "days": days, "rows": series,
                "metrics": {"capacity_retention": series[-1]["capacity_retention"],
                            "resistance_growth": series[-1]["resistance_growth"],
                            "equivalent_full_cycles": series[-1]["equivalent_full_cycles"]},
                "laws_version": laws.version, "note": NOTE, "interphase": interphase}

    return ItemPlan("cycle life", [plan], record)


def storage_item(design, conditions: dict[str, Any], laws: AgeingLaws | None = None) -> dict[str, Any]:
    """Storage at `temperature_C` for each `soc_pct` (default 50 and 100 %), check-ups every 14 days."""
    return storage_plan(design, conditions, laws).run()


def cycle_item(design, conditions: dict[str, Any], laws: AgeingLaws | None = None) -> dict[str, Any]:
    """Continuous cycling at `temperature_C` and `c_rate` (default 1C) for 28 days, check-ups every 14 days."""
    return cycle_plan(design, conditions, laws).run()


#: suite item test name -> planner, for an evaluation engine that dispatches items by `test`
PLANNERS = {"storage": storage_plan, "cycle life": cycle_plan}
