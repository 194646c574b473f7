"""How close scenario results come to the SOLiD-EV report's published figures.

Each figure says whether the example scenarios were **calibrated** to it (their inputs fitted or chosen to
reproduce it, so agreement shows the fit and validates nothing) or **not fitted** (it played no part in choosing
any input, so agreement is a check).

>>> figure = ReportFigure(scenario="S2", year=2030, quantity="assb_vehicle_sales", value=1_430_000,
...                       tolerance_percent=2, where="table 3.2.4-1", basis="calibrated")
>>> round(compare(figure, 1_431_000).difference_percent, 3)
0.07
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from cellbench.scenarios.calculator import Row

_REPORT = resources.files("cellbench.scenarios") / "data" / "solid_ev_report.yaml"


class ReportFigure(BaseModel):
    """One published number: which scenario, year, (segment) and quantity, and how close we must come."""

    model_config = ConfigDict(extra="forbid")
    scenario: str
    year: int
    quantity: str
    value: float
    segment: str | None = None
    tolerance_percent: float
    where: str
    basis: Literal["calibrated", "not fitted"]


@dataclass(frozen=True)
class Comparison:
    figure: ReportFigure
    cellbench: float

    @property
    def difference_percent(self) -> float:
        return (self.cellbench - self.figure.value) / self.figure.value * 100.0

    @property
    def within_tolerance(self) -> bool:
        return abs(self.difference_percent) <= self.figure.tolerance_percent

    def as_row(self) -> dict:
        f = self.figure
        return {"scenario": f.scenario, "segment": f.segment or "all", "year": f.year, "quantity": f.quantity,
                "report": f.value, "cellbench": self.cellbench, "difference_percent": self.difference_percent,
                "tolerance_percent": f.tolerance_percent, "within_tolerance": self.within_tolerance,
                "basis": f.basis, "where": f.where}


def report_figures() -> list[ReportFigure]:
    """The report's figures (``data/solid_ev_report.yaml``)."""
    data = yaml.safe_load(_REPORT.read_text(encoding="utf-8"))
    return [ReportFigure.model_validate(f) for f in data["figures"]]


def compare(figure: ReportFigure, value: float) -> Comparison:
    return Comparison(figure, float(value))


def compare_with_report(rows: list[Row], segment_rows: list[Row] | None = None) -> list[Comparison]:
    """Compare rows (totals, and per-segment rows for segment figures) with every figure whose scenario
    name appears in them; figures for scenarios not run are skipped."""
    totals = {(r["scenario"], r["year"]): r for r in rows}
    by_segment = {(r["scenario"], r["segment"], r["year"]): r for r in segment_rows or []}
    result = []
    for figure in report_figures():
        if figure.segment is None:
            row = totals.get((figure.scenario, figure.year))
        else:
            row = by_segment.get((figure.scenario, figure.segment, figure.year))
        if row is not None and figure.quantity in row:
            result.append(compare(figure, row[figure.quantity]))
    return result
