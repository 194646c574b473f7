"""Quantities that change by year: a constant, a table of years, or a logistic S-curve.

A scenario writes every time-varying input (market size, shares, pack price, grid intensity, attribute
levels) in one of three forms, and the calculator asks each for its value in a given year:

>>> Trajectory.model_validate(1.5).at(2030)
1.5
>>> Trajectory.model_validate({2020: 0.0, 2030: 1.0}).at(2025)
0.5
>>> round(Trajectory.model_validate({"s_curve": {"saturation": 0.5, "midpoint_year": 2030,
...                                              "growth_per_year": 1.0}}).at(2030), 3)
0.25

Tables interpolate linearly (or geometrically with ``interpolation: geometric``) and hold their first and
last values outside the years given. Years in a table must be written in increasing order.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_PERCENT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%\s*$")


def parse_number(value: Any) -> Any:
    """Accept ``"8%"`` as 0.08 so shares can be written the way the report writes them."""
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match:
            return float(match.group(1)) / 100.0
    return value


class SCurve(BaseModel):
    """Logistic growth ``saturation / (1 + exp(-growth_per_year * (year - midpoint_year)))``, zero before ``start_year``."""

    model_config = ConfigDict(extra="forbid")
    saturation: float
    midpoint_year: float
    growth_per_year: float = Field(gt=0)
    start_year: int | None = None

    def at(self, year: int) -> float:
        if self.start_year is not None and year < self.start_year:
            return 0.0
        return self.saturation / (1.0 + math.exp(-self.growth_per_year * (year - self.midpoint_year)))


class Trajectory(BaseModel):
    """A value by year; see the module docstring for the forms a scenario file may use."""

    model_config = ConfigDict(extra="forbid")
    points: dict[int, float] | None = None
    interpolation: Literal["linear", "geometric"] = "linear"
    s_curve: SCurve | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, data: Any) -> Any:
        data = parse_number(data)
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return {"points": {0: float(data)}}
        if isinstance(data, dict) and data and all(_is_year(k) for k in data):
            return {"points": {int(k): parse_number(v) for k, v in data.items()}}
        if isinstance(data, dict) and isinstance(data.get("points"), dict):
            data = {**data, "points": {k: parse_number(v) for k, v in data["points"].items()}}
        if not isinstance(data, dict) or isinstance(data, bool):
            raise ValueError(f"expected a number, a table {{year: value}} or {{s_curve: {{...}}}}, got {data!r}")
        return data

    @model_validator(mode="after")
    def _check(self) -> Trajectory:
        if (self.points is None) == (self.s_curve is None):
            raise ValueError("expected a number, a table {year: value} or {s_curve: {...}}")
        if self.points is not None:
            years = list(self.points)
            for earlier, later in zip(years, years[1:]):
                if later <= earlier:
                    raise ValueError(f"years out of order: {later} is written after {earlier}; "
                                     "expected increasing years")
            if self.interpolation == "geometric" and any(v <= 0 for v in self.points.values()):
                raise ValueError("geometric interpolation needs values above zero")
        return self

    def at(self, year: int) -> float:
        """The value in ``year``."""
        if self.s_curve is not None:
            return self.s_curve.at(year)
        years = list(self.points)
        values = list(self.points.values())
        if year <= years[0]:
            return values[0]
        if year >= years[-1]:
            return values[-1]
        for (y0, v0), (y1, v1) in zip(zip(years, values), zip(years[1:], values[1:])):
            if y0 <= year <= y1:
                fraction = (year - y0) / (y1 - y0)
                if self.interpolation == "geometric":
                    return v0 * (v1 / v0) ** fraction
                return v0 + (v1 - v0) * fraction
        raise AssertionError("unreachable")

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value the trajectory can take (for range checks such as shares ≤ 100%)."""
        if self.s_curve is not None:
            return (min(0.0, self.s_curve.saturation), max(0.0, self.s_curve.saturation))
        values = list(self.points.values())
        return (min(values), max(values))


def _is_year(key: Any) -> bool:
    try:
        return 1900 <= int(key) <= 2200 and not isinstance(key, bool)
    except (TypeError, ValueError):
        return False


def constant(value: float) -> Trajectory:
    """A trajectory that is ``value`` in every year."""
    return Trajectory.model_validate(value)


def check_share(trajectory: Trajectory | None, name: str) -> Trajectory | None:
    """Refuse shares below 0% or above 100% (the error names the share and the offending value)."""
    if trajectory is None:
        return None
    low, high = trajectory.bounds()
    if high > 1.0 + 1e-9:
        raise ValueError(f"{name} reaches {high:.4g} ({high * 100:.4g}%), above 100%; write shares as "
                         "fractions (0.08) or percentages ('8%')")
    if low < -1e-9:
        raise ValueError(f"{name} is negative ({low:.4g})")
    return trajectory
