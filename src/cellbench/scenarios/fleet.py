"""Stock of vehicles on the road and the packs leaving it (to a second life or to recyclers), by year.

A vehicle sold in year *s* is still on the road in year *y* with probability ``survival(y - s)``; it
retires (its pack reaches end of life) in the year its survival drops. With a fixed life of *L* years the
stock is the sum of the last *L* years of sales (the report's "vehicles renewed every 10 years"):

>>> stock([1, 2, 3, 4], survival_curve(VehicleLife(mean_years=2), 4))
[1.0, 3.0, 5.0, 7.0]
>>> retirements([1, 2, 3, 4], survival_curve(VehicleLife(mean_years=2), 4))
[0.0, 0.0, 1.0, 2.0]
"""

from __future__ import annotations

import math

from cellbench.scenarios.spec import Recycling, VehicleLife


def survival_curve(life: VehicleLife, horizon_years: int) -> list[float]:
    """Fraction of a year's sales still on the road after 0, 1, … ``horizon_years - 1`` years.

    ``fixed``: 1 before ``mean_years`` and 0 from then on (fractional lives split the last year).
    ``weibull``: ``exp(-(age / λ)^k)`` with λ chosen so the mean life is ``mean_years``; age is counted at
    mid-year, so a car is on the road for the whole of its first year.
    """
    if life.model == "fixed":
        return [max(0.0, min(1.0, life.mean_years - age)) for age in range(horizon_years)]
    shape = life.weibull_shape
    scale = life.mean_years / math.gamma(1.0 + 1.0 / shape)
    return [1.0 if age == 0 else math.exp(-((age + 0.5) / scale) ** shape) for age in range(horizon_years)]


def stock(sales: list[float], survival: list[float]) -> list[float]:
    """Vehicles on the road at the end of each year: ``Σ_s sales[s] · survival[y - s]``."""
    return [float(sum(sales[s] * survival[y - s] for s in range(y + 1))) for y in range(len(sales))]


def retirements(sales: list[float], survival: list[float]) -> list[float]:
    """Vehicles (or kWh, if ``sales`` are kWh) leaving the road in each year."""
    def still(age: int) -> float:
        return survival[age] if age < len(survival) else 0.0

    return [float(sum(sales[s] * (still(y - s - 1) - still(y - s)) for s in range(y)))
            for y in range(len(sales))]


def second_life_entries(retired_kWh: list[float], recycling: Recycling) -> list[float]:
    """Pack energy collected and given a second life each year: collection × reuse fraction × retired."""
    return [recycling.collection_rate * recycling.reuse_fraction * kWh for kWh in retired_kWh]


def recycling_feed_kWh(retired_kWh: list[float], recycling: Recycling) -> list[float]:
    """Pack energy reaching recyclers each year: the collected packs not reused, plus the reused ones
    ``second_life_years`` later.

    >>> recycling_feed_kWh([10.0, 0.0, 0.0], Recycling(collection_rate=0.9, reuse_fraction=0.5, second_life_years=2))
    [4.5, 0.0, 4.5]
    """
    lag = recycling.second_life_years
    collected = [recycling.collection_rate * kWh for kWh in retired_kWh]
    direct = [(1.0 - recycling.reuse_fraction) * kWh for kWh in collected]
    delayed = [recycling.reuse_fraction * collected[i - lag] if i >= lag else 0.0 for i in range(len(collected))]
    return [d + r for d, r in zip(direct, delayed)]
