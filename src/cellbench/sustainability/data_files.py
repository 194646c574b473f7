"""The sustainability data files (factors, compositions, routes, targets) and the shape of one sourced value.

>>> SourcedValue(value=1.0, range=(0.5, 2.0), source="IPCC 2006").low
0.5
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.documents import read_yaml

DATA_DIR = Path(__file__).parent / "data"


class SourcedValue(BaseModel):
    """A central value with its range [low, high] and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float
    range: tuple[float, float]
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _inside_range(self) -> "SourcedValue":
        low, high = self.range
        if not low <= self.value <= high:
            raise ValueError(f"value {self.value} lies outside its range [{low}, {high}]")
        return self

    @property
    def low(self) -> float:
        return self.range[0]

    @property
    def high(self) -> float:
        return self.range[1]


@lru_cache(maxsize=None)
def packaged(name: str) -> Any:
    """A data file shipped in ``sustainability/data`` (parsed YAML, cached)."""
    return read_yaml(DATA_DIR / name)
