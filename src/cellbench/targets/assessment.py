"""Checking figures against target sets: met, not met (with the distance) or not assessed (with the reason).

The figures are a plain mapping of :data:`~cellbench.targets.sets.QUANTITIES` names to numbers; the
``*_figures`` helpers turn what cellbench already computes (a cell summary, pack figures, a carbon footprint,
a recycling result, an evaluation) into that mapping, so every result is checked by the same function.

>>> from cellbench.targets import assess
>>> [c.status for c in assess({"pack_wh_per_l": 650.0}, ["gi-fund"], stages=["pack"])]
['not met']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cellbench.targets.sets import QUANTITIES, STAGES, TargetSet, list_sets, load_set

Status = Literal["met", "not met", "not assessed"]


class TargetCheck(BaseModel):
    """One target against one figure."""

    model_config = ConfigDict(extra="forbid")
    set: str = Field(description="target set id")
    set_version: str
    target: str = Field(description="target id within the set")
    quantity: str
    title: str
    stage: str = Field(description="material, cell, pack, vehicle or end_of_life")
    comparison: Literal[">=", "<=", "reported"]
    threshold: float | None = Field(description="the target value, in `unit`")
    unit: str
    year: int | None
    statement: str
    interpretation: str = ""
    source: str
    value: float | None = Field(description="the figure checked (null when not assessed or unbounded)")
    status: Status
    margin: float | None = Field(None, description="how far beyond the target the figure is, in `unit`: positive "
                                 "when met, negative (the distance still to go) when not")
    margin_pct: float | None = Field(None, description="margin as a percentage of the threshold")
    note: str = Field("", description="where the figure comes from, or why the target is not assessed")

    def verdict_text(self) -> str:
        if self.status == "not assessed":
            return "not assessed"
        if self.margin is None:
            return self.status
        if self.unit == "%":  # a margin on a percentage is in percentage points
            return f"{self.status} ({self.margin:+.3g} pp)"
        return f"{self.status} ({self.margin:+.4g} {self.unit}, {self.margin_pct:+.1f}%)"


def _sets(sets: Iterable[str | Path | TargetSet] | None) -> list[TargetSet]:
    return list_sets() if sets is None else [load_set(s) for s in sets]


def assess(figures: Mapping[str, float | None], sets: Iterable[str | Path | TargetSet] | None = None, *,
           stages: Iterable[str] | None = None, electrolyte_type: str | None = None,
           origins: Mapping[str, str] | None = None) -> list[TargetCheck]:
    """Check `figures` against every target of `sets` (default: all built-in sets) in `stages` (default: all).

    Targets set for another electrolyte type than `electrolyte_type` are left out; a target whose figure is missing
    is *not assessed*, with the reason. `origins` says where each figure came from (shown in the note).
    An infinite figure (a charge that never reaches the SOC) fails a '<=' target and passes a '>=' one.
    """
    wanted = set(STAGES if stages is None else stages)
    unknown = wanted - set(STAGES)
    if unknown:
        from cellbench.errors import InputError

        raise InputError(f"unknown stage {', '.join(sorted(unknown))}; stages are {', '.join(STAGES)}", location="stage")
    origins = origins or {}
    out: list[TargetCheck] = []
    for s in _sets(sets):
        for t in s.targets:
            if t.stage not in wanted:
                continue
            if electrolyte_type and t.applies_to not in ("any", electrolyte_type):
                continue
            raw = figures.get(t.quantity)
            value = None if raw is None or (isinstance(raw, float) and math.isnan(raw)) else float(raw)
            common = dict(set=s.id, set_version=s.version, target=t.id, quantity=t.quantity,
                          title=QUANTITIES[t.quantity].title, stage=t.stage, comparison=t.comparison,
                          threshold=t.value, unit=t.unit, year=t.year, statement=t.statement,
                          interpretation=t.interpretation, source=str(t.source))
            if value is None:
                out.append(TargetCheck(**common, value=None, status="not assessed",
                                       note=f"no {t.quantity} figure ({QUANTITIES[t.quantity].title}) for this result"))
                continue
            note = origins.get(t.quantity, "")
            if t.comparison == "reported":
                out.append(TargetCheck(**common, value=value, status="met", note=note))
                continue
            margin = value - t.value if t.comparison == ">=" else t.value - value
            met = margin >= 0
            finite = math.isfinite(margin)
            out.append(TargetCheck(**common, value=value if math.isfinite(value) else None,
                                   status="met" if met else "not met",
                                   margin=margin if finite else None,
                                   margin_pct=100.0 * margin / abs(t.value) if finite and t.value else None,
                                   note=note if math.isfinite(value) else (note + "; " if note else "") + "unbounded"))
    return out


def stage_gate(checks: Iterable[TargetCheck]) -> list[dict[str, Any]]:
    """Per target set and stage: how many targets are met, not met and not assessed (the programme manager's view).

    A stage *passes* when every assessed target in it is met and at least one was assessed.
    """
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for c in checks:
        row = table.setdefault((c.set, c.stage), {"set": c.set, "stage": c.stage, "met": 0, "not met": 0,
                                                  "not assessed": 0, "missing": []})
        row[c.status] += 1
        if c.status == "not met":
            row["missing"].append(c.target)
    rows = sorted(table.values(), key=lambda r: (r["set"], STAGES.index(r["stage"])))
    for r in rows:
        assessed = r["met"] + r["not met"]
        r["passes"] = None if assessed == 0 else r["not met"] == 0
    return rows


# --- figures from what cellbench computes -------------------------------------------------------------------------

def cell_figures(summary: Mapping[str, Any]) -> dict[str, float]:
    """From :func:`cellbench.cells.report.cell_summary` (what ``cells show --json`` prints)."""
    return {"cell_wh_per_l": summary["wh_per_l_outline"], "stack_wh_per_l": summary["wh_per_l_stack"],
            "cell_wh_per_kg": summary["wh_per_kg"]}


CELL_ORIGINS = {"cell_wh_per_l": "cell design: wh_per_l_outline", "stack_wh_per_l": "cell design: wh_per_l_stack",
                "cell_wh_per_kg": "cell design: wh_per_kg"}


def pack_figures(figures: Mapping[str, Any]) -> dict[str, float]:
    """From :meth:`cellbench.pack.PackFigures.as_dict` (its large-format cell too)."""
    return {"pack_wh_per_l": figures["wh_per_l"], "pack_wh_per_kg": figures["wh_per_kg"],
            "packing_efficiency_pct": 100.0 * figures["packing_efficiency"],
            "cell_wh_per_l": figures["cell_wh_per_l"], "cell_wh_per_kg": figures["cell_wh_per_kg"]}


def drive_figures(summary: Mapping[str, Any]) -> dict[str, float]:
    """From a drive (``drive --json``): the range on one charge over that cycle."""
    value = summary.get("range_km")
    return {"vehicle_range_km": float(value)} if isinstance(value, (int, float)) and math.isfinite(value) else {}


def footprint_figures(result: Mapping[str, Any]) -> dict[str, float]:
    """From a carbon footprint (``cfp --json``)."""
    return {"cfp_kg_co2e_per_kwh": result["total_kg_co2e_per_kwh"]}


def recovery_figures(result: Mapping[str, Any]) -> dict[str, float]:
    """From a recycling result (``recycle --json``): recovery of Li, Ni, Co and Cu in %."""
    out = {}
    for el in ("Li", "Ni", "Co", "Cu"):
        rate = result["elements"].get(el, {}).get("recovery_rate")
        if rate is not None:
            out[f"recovery_{el.lower()}_pct"] = 100.0 * rate
    return out


def material_figures(record: Any) -> dict[str, float]:
    """From a material record: a solid electrolyte's conductivity in mS/cm, an active material's capacity."""
    out = {}
    if getattr(record, "role", None) == "solid_electrolyte":
        out["ionic_conductivity_mS_cm"] = 1000.0 * record.ionic_conductivity_S_cm
    if hasattr(record, "specific_capacity_mAh_g"):
        out["specific_capacity_mAh_g"] = record.specific_capacity_mAh_g
    return out


def _number(x: Any) -> float | None:
    if isinstance(x, str) and x in ("inf", "-inf"):
        return float(x)
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def evaluation_figures(design: Mapping[str, Any], metrics: Iterable[Mapping[str, Any]], material: Any = None
                       ) -> tuple[dict[str, float], dict[str, str]]:
    """Figures of an evaluation's *candidate*: its design, its simulated metrics and its material.

    `metrics` are the result's metric rows (as dicts); charge time to 80 % SOC is the fastest of the fast-charge
    items (in minutes), capacity retention the cycle-life item's. Returns (figures, where each came from).
    """
    figures, origins = cell_figures(design), dict(CELL_ORIGINS)
    if material is not None:
        for k, v in material_figures(material).items():
            figures[k], origins[k] = v, f"material {material.id}"
    charge = [(v, r["item"]) for r in metrics if r["metric"] == "charge_time_to"
              and float(r.get("conditions", {}).get("to_soc_pct", 80)) == 80
              and (v := _number(r.get("candidate"))) is not None]
    if charge:
        seconds, item = min(charge)
        figures["charge_time_to_80pct_min"] = seconds / 60.0
        origins["charge_time_to_80pct_min"] = f"simulated, item {item}"
    retention = [(v, r["item"]) for r in metrics if r["metric"] == "capacity_retention" and r.get("test") == "cycle life"
                 and (v := _number(r.get("candidate"))) is not None]
    if retention:
        figures["capacity_retention_pct"], item = retention[0]
        origins["capacity_retention_pct"] = f"simulated, item {item}"
    return figures, origins


def check_evaluation(design: Mapping[str, Any], metrics: Iterable[Mapping[str, Any]], material: Any = None,
                     sets: Iterable[str | Path | TargetSet] | None = None) -> list[TargetCheck]:
    """The candidate of an evaluation against the material and cell targets of `sets` (default: all built-in)."""
    figures, origins = evaluation_figures(design, list(metrics), material)
    return assess(figures, sets, stages=("material", "cell"), electrolyte_type=design.get("electrolyte_type"),
                  origins=origins)
