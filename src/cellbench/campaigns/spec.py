"""A campaign as a document: base cell, search space, objectives, constraints, budget and how to run it.

Everything is checked before any work starts: an unknown parameter, empty or out-of-literature bounds, an
unknown metric or one the evaluation cannot compute are refused with the field that is wrong.

>>> spec = CampaignSpec.model_validate({
...     "name": "thin-se", "base_cell": "std-1",
...     "parameters": {"separator_thickness_um": {"low": 20, "high": 100}},
...     "objectives": [{"metric": "wh_per_l_stack", "direction": "maximize"}]})
>>> spec.check().budget
20
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cellbench.campaigns.objectives import METRICS
from cellbench.campaigns.search_space import APPLY, EXCLUSIVE, parameter_table
from cellbench.documents import load_model
from cellbench.errors import InputError

DEFAULT_PROTOCOL = "Set SOC to 0%; Charge at 6C until Vmax; Hold at Vmax for 20 minutes or until C/20"


class Bounds(BaseModel):
    """A numeric range (low, high, optionally log-scaled) or, for material-choice parameters, a list of choices."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: list[str] | None = None


class Objective(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str
    direction: Literal["maximize", "minimize"]


class Constraint(BaseModel):
    """A metric that must stay within [min, max] for a design to count as feasible."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str
    min: float | None = None
    max: float | None = None


class LabSettings(BaseModel):
    """Lab in the loop: experiments are proposed in batches and their measured results come back by sample id."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    batch_size: int = Field(4, ge=1)
    sample_prefix: str = Field("CB", pattern=r"^[A-Za-z0-9_-]+$")


class CampaignSpec(BaseModel):
    """One campaign. `budget` counts finished evaluations (completed, infeasible or failed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    description: str = ""
    base_cell: str
    parameters: dict[str, Bounds] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1)
    constraints: list[Constraint] = Field(default_factory=list)
    budget: int = Field(20, ge=1)
    protocol: str = DEFAULT_PROTOCOL
    model: Literal["dfn", "spme", "spm"] = "spme"
    thermal: Literal["lumped", "isothermal"] = "lumped"
    temperature_C: float = 25.0
    time_limit_s: float = Field(120.0, gt=0)
    sampler: Literal["tpe", "gp", "nsga2", "random"] = "tpe"
    seed: int = 0
    lab: LabSettings | None = None

    def check(self) -> "CampaignSpec":
        """Refuse what cannot run, naming the field; returns self so calls chain."""
        table = parameter_table()
        for name, bounds in self.parameters.items():
            where = f"parameters.{name}"
            if name not in APPLY:
                raise InputError(f"unknown parameter '{name}'; searchable: {', '.join(APPLY)}", location=where)
            info = table[name]
            if info.is_choice:
                _check_choices(name, bounds, info.role, where)
                continue
            if bounds.choices is not None or bounds.low is None or bounds.high is None:
                raise InputError(f"'{name}' is numeric: give 'low' and 'high'", location=where)
            if not bounds.low < bounds.high:
                raise InputError(f"empty bounds [{bounds.low:g}, {bounds.high:g}]: low must be below high", location=where)
            if bounds.low < info.literature_low or bounds.high > info.literature_high:
                raise InputError(f"bounds [{bounds.low:g}, {bounds.high:g}] {info.unit} leave the literature range "
                                 f"[{info.literature_low:g}, {info.literature_high:g}] ({info.source})", location=where)
            if bounds.log and bounds.low <= 0:
                raise InputError("a log-scaled parameter needs positive bounds", location=where)
        for a, b in EXCLUSIVE:
            if a in self.parameters and b in self.parameters:
                raise InputError(f"'{a}' and '{b}' both set the anode thickness; search one of them", location="parameters")
        names = set()
        for kind, items in (("objectives", self.objectives), ("constraints", self.constraints)):
            for i, item in enumerate(items):
                if item.metric not in METRICS:
                    raise InputError(f"the evaluation cannot compute '{item.metric}'; metrics: {', '.join(sorted(METRICS))}",
                                     location=f"{kind}.{i}.metric")
                names.add(item.metric)
        for i, c in enumerate(self.constraints):
            if c.min is None and c.max is None:
                raise InputError("a constraint needs 'min' or 'max'", location=f"constraints.{i}")
        if len({o.metric for o in self.objectives}) != len(self.objectives):
            raise InputError("an objective appears twice", location="objectives")
        if self.needs_simulation:
            from cellbench.protocols import Protocol

            try:
                Protocol.from_any(self.protocol)
            except InputError as exc:
                raise InputError(f"protocol: {exc}", location="protocol") from None
        return self

    @property
    def metric_names(self) -> list[str]:
        return list(dict.fromkeys([o.metric for o in self.objectives] + [c.metric for c in self.constraints]))

    @property
    def needs_simulation(self) -> bool:
        return any(METRICS[m].needs_simulation for m in self.metric_names)

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]


def _check_choices(name: str, bounds: Bounds, role: str, where: str) -> None:
    from cellbench import materials
    from cellbench.errors import NotFound

    if not bounds.choices:
        raise InputError(f"'{name}' chooses a material: give a non-empty 'choices' list of library ids", location=where)
    if len(set(bounds.choices)) != len(bounds.choices):
        raise InputError("a choice appears twice", location=where)
    for material_id in bounds.choices:
        try:
            record = materials.load(material_id)
        except NotFound as exc:
            raise InputError(str(exc), location=where) from None
        if record.role != role:
            raise InputError(f"'{material_id}' is a {record.role}; '{name}' takes a {role}", location=where)


def base_design(spec: CampaignSpec):
    """The campaign's starting design: a catalogue id or a cell YAML file."""
    from cellbench import cells

    text = spec.base_cell
    return cells.load_file(text) if text.endswith((".yaml", ".yml")) else cells.load(text)


def load_campaign(path: str | Path) -> CampaignSpec:
    """Read and check a campaign YAML file; errors name the file and the field."""
    spec = load_model(CampaignSpec, path)
    try:
        spec.check()
        base_design(spec)
    except InputError as exc:
        text = str(exc)
        if exc.location and text.startswith(f"{exc.location}: "):
            text = text[len(exc.location) + 2:]
        raise InputError(text, source=str(path), location=exc.location) from None
    return spec
