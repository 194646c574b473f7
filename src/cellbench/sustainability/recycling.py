"""Recycling recovery: kg of each element a route wins back from a cell or pack, against the programme targets.

Recovery rate = battery-grade product ÷ element in the feedstock (the GI Fund programme's definition). A route is
a chain of steps (discharge and dismantling, crushing and sorting, pretreatment, smelting / leaching /
relithiation, refining), each with a yield per element; the cells' stream takes the product of the step yields,
pack parts (housing, busbars) leave at dismantling as metal scrap. Low and high rates multiply the low and high
step yields (the rate rises with every yield, so these are exact bounds).

>>> from cellbench.sustainability import bill_of_materials_for_pack
>>> r = recover(bill_of_materials_for_pack("demo-55kwh"), "hydro")
>>> r.elements["Co"]["meets_target"]
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.documents import parse_model
from cellbench.errors import InputError
from cellbench.sustainability.bill_of_materials import Bill
from cellbench.sustainability.composition import element_masses_kg
from cellbench.sustainability.data_files import DATA_DIR, packaged

Yield = tuple[float, float, float]  # value, low, high


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    step: str
    yields: dict[str, Yield]
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> "Step":
        for el, (v, lo, hi) in self.yields.items():
            if not 0.0 <= lo <= v <= hi <= 1.0:
                raise ValueError(f"yield of {el} in step '{self.step}' must satisfy 0 <= low <= value <= high <= 1")
        return self


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    steps: list[Step] = Field(min_length=1)


class DismantledParts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    yields: dict[str, Yield]
    source: str


class RouteBook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    elements: list[str]
    dismantled_parts: DismantledParts
    routes: dict[str, Route]

    @model_validator(mode="after")
    def _every_step_covers_every_element(self) -> "RouteBook":
        for name, route in self.routes.items():
            for step in route.steps:
                missing = [e for e in self.elements if e not in step.yields]
                if missing:
                    raise ValueError(f"route '{name}', step '{step.step}' has no yield for {', '.join(missing)}")
        return self


def route_book() -> RouteBook:
    path = DATA_DIR / "recycling_routes.yaml"
    return parse_model(RouteBook, packaged(path.name), source=str(path))


def targets(name: str | None = None) -> tuple[str, dict[str, float], str]:
    """(set name, element → target share, source) of a target set: ``gi-fund`` (default), ``eu-2027``, ``eu-2031``."""
    data = packaged("recovery_targets.yaml")
    name = name or data["default"]
    if name not in data["sets"]:
        raise InputError(f"no target set '{name}'; known: {', '.join(data['sets'])}", location="option '--targets'")
    entry = data["sets"][name]
    return name, dict(entry["targets"]), entry["source"]


def route_rate(route: Route, element: str) -> Yield:
    """Overall (value, low, high) recovery of an element through a route's steps."""
    return tuple(math.prod(step.yields[element][i] for step in route.steps) for i in range(3))  # type: ignore[return-value]


@dataclass(frozen=True)
class Recovery:
    """A recycling result; ``to_dict()`` is what ``cellbench recycle --json`` prints."""

    route: str
    route_name: str
    basis: dict
    targets: dict
    elements: dict[str, dict]
    steps: list[dict]
    provenance: dict

    def to_dict(self) -> dict:
        return asdict(self)


def recover(bill: Bill, route: str, *, target_set: str | None = None) -> Recovery:
    """kg recovered of Li, Ni, Co, Mn, Cu, Al and graphite from a bill by one route, against the targets."""
    book = route_book()
    if route not in book.routes:
        raise InputError(f"no recycling route '{route}'; known: {', '.join(book.routes)}", location="option '--route'")
    r = book.routes[route]
    set_name, goal, goal_source = targets(target_set)
    all_sets = packaged("recovery_targets.yaml")["sets"]
    cell_el = element_masses_kg(bill.cell_materials_kg or bill.materials_kg)
    all_el = element_masses_kg(bill.materials_kg)
    elements: dict[str, dict] = {}
    for el in book.elements:
        cell_feed = cell_el.get(el, 0.0)
        parts_feed = max(all_el.get(el, 0.0) - cell_feed, 0.0)
        feed = cell_feed + parts_feed
        rate = route_rate(r, el)
        parts = book.dismantled_parts.yields.get(el, (0.0, 0.0, 0.0))
        recovered = [cell_feed * rate[i] + parts_feed * parts[i] for i in range(3)]
        recovery = recovered[0] / feed if feed > 0 else None
        target = goal.get(el)
        elements[el] = {
            "feed_kg": feed,
            "recovered_kg": recovered[0],
            "recovery_rate": recovery,
            "recovery_rate_range": [recovered[1] / feed, recovered[2] / feed] if feed > 0 else None,
            "target": target,
            "meets_target": None if target is None or recovery is None else recovery >= target,
            "targets": {name: s["targets"][el] for name, s in all_sets.items() if el in s["targets"]},
        }
    return Recovery(
        route=route, route_name=r.name,
        basis={"label": bill.label, "mass_kg": bill.mass_kg, "energy_kWh": bill.energy_kWh, "cell_count": bill.cell_count,
               "definition": "battery-grade product / element in the feedstock"},
        targets={"set": set_name, "source": goal_source},
        elements=elements,
        steps=[{"step": s.step, "yields": {e: y[0] for e, y in s.yields.items()}, "source": s.source} for s in r.steps],
        provenance={"routes_version": book.version},
    )


def recycled_content_from(recovered_kg: Mapping[str, float], bill: Bill,
                          elements: tuple[str, ...] = ("Ni", "Co", "Li")) -> dict[str, float]:
    """Share of each element in ``bill`` that recovered material could supply (closed loop), capped at 1.

    Feeds a recycling result back into :func:`cellbench.sustainability.footprint.carbon_footprint`.

    >>> recycled_content_from({"Ni": 1.0}, Bill("x", {"cu-foil": 1.0, "ncm811": 4.0}, 1.0, "liquid"))["Ni"]
    0.5179...
    """
    need = element_masses_kg(bill.materials_kg)
    return {el: min(1.0, recovered_kg.get(el, 0.0) / need[el]) for el in elements if need.get(el, 0.0) > 0}
