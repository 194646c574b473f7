"""Evaluation suites as data: versioned YAML documents of test items, each a protocol plus the metrics it yields."""

from __future__ import annotations

import inspect
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.analysis import metrics as metric_functions
from cellbench.documents import load_model, read_yaml
from cellbench.errors import InputError, NotFound

DATA_DIR = Path(__file__).parent / "data"

#: which way each metric is better
DIRECTION = {
    "discharge_capacity": "higher", "charge_capacity": "higher", "discharge_energy": "higher",
    "mean_discharge_voltage": "higher", "energy_efficiency": "higher", "pulse_resistance": "lower",
    "pulse_power": "higher", "charge_time": "lower", "charge_time_to": "lower", "charged_fraction": "higher",
    "max_temperature_rise": "lower", "min_anode_potential": "higher",
    # from the ageing runner (cellbench.durability.evaluation_items)
    "capacity_retention": "higher", "resistance_growth": "lower",
}
#: metrics that come from an item's runner rather than from a function of cellbench.analysis.metrics
RUNNER_METRICS = {"capacity_retention": "%", "resistance_growth": "%"}


class MetricSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    fn: str
    label: str = ""
    args: dict[str, Any] = Field(default_factory=dict)
    conditions: dict[str, Any] = Field(default_factory=dict)
    key: bool = False

    @model_validator(mode="after")
    def _known(self) -> "MetricSpec":
        if self.fn not in DIRECTION or not (hasattr(metric_functions, self.fn) or self.fn in RUNNER_METRICS):
            raise ValueError(f"unknown metric '{self.fn}'; known: {', '.join(sorted(DIRECTION))}")
        return self

    @property
    def function(self):
        return getattr(metric_functions, self.fn)

    def wants_capacity(self) -> bool:
        return "capacity_Ah" in inspect.signature(self.function).parameters


class SuiteItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    test: str
    conditions: dict[str, Any] = Field(default_factory=dict)
    runner: Literal["protocol", "ageing"] = Field("protocol", description="'ageing': a storage or cycle-life "
                                                   "series of check-ups on an ageing cell (cellbench.durability)")
    protocol: str | None = None
    temperature_C: float = 25.0
    thermal: Literal["isothermal", "lumped"] = Field(
        "isothermal", description="'isothermal': the cell held at the test temperature (a small cell in a thermal "
        "chamber), so a material's own effect is not mixed with the cell's self-heating; 'lumped': the cell heats "
        "(for items that report a temperature rise)")
    metrics: list[MetricSpec] = Field(default_factory=list)
    needs: str | None = Field(None, description="set when the item cannot run yet, e.g. 'ageing model'")

    @model_validator(mode="after")
    def _runnable_or_declared(self) -> "SuiteItem":
        if self.needs is None and not self.metrics:
            raise ValueError(f"item '{self.id}' needs metrics, or a 'needs' statement")
        if self.needs is None and self.runner == "protocol" and not self.protocol:
            raise ValueError(f"item '{self.id}' needs a protocol (or runner: ageing)")
        if self.runner == "ageing" and self.test not in ("storage", "cycle life"):
            raise ValueError(f"item '{self.id}': the ageing runner runs 'storage' or 'cycle life' tests, not '{self.test}'")
        return self

    @property
    def runnable(self) -> bool:
        return self.needs is None

    @property
    def has_key_metric(self) -> bool:
        return any(m.key for m in self.metrics)


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    version: str
    name: str
    source: str = ""
    items: list[SuiteItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "Suite":
        ids = [i.id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("item ids must be unique")
        return self

    def protocols(self):
        """Parse every runnable item's protocol once, so a bad step is reported before any simulation."""
        from cellbench.protocols import Protocol

        parsed = {}
        for item in self.items:
            if item.runnable and item.runner == "protocol":
                try:
                    parsed[item.id] = Protocol.parse(item.protocol)
                except InputError as exc:
                    raise InputError(f"suite '{self.id}', item '{item.id}': {exc}") from None
        return parsed


@lru_cache(maxsize=None)
def _bundled() -> dict[str, Path]:
    return {p.stem: p for p in sorted((DATA_DIR / "suites").glob("*.yaml"))}


def list_suites() -> list[str]:
    return list(_bundled())


def load_suite(ref: str | Path = "iec62660-1-assb") -> Suite:
    """A bundled suite by id, or a user's suite file."""
    ref_str = str(ref)
    if ref_str.endswith((".yaml", ".yml")) or Path(ref_str).is_file():
        return load_model(Suite, ref_str)
    if ref_str not in _bundled():
        raise NotFound(f"unknown suite '{ref_str}'; bundled suites: {', '.join(_bundled())} (or pass a YAML file)")
    return load_model(Suite, _bundled()[ref_str])


def evaluation_plans() -> dict:
    """The evaluation plans by material type (items, sample counts, conditions, methods)."""
    return read_yaml(DATA_DIR / "plans" / "evaluation-plans.yaml")
