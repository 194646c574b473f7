"""What a scenario file says: segments, market, adoption model, packs, prices, CO₂, life, recycling.

The models here only describe and check the inputs; the arithmetic lives in :mod:`adoption`, :mod:`fleet`,
:mod:`impacts` and :mod:`calculator`. Field names carry their units (``pack_price_yen_per_kWh``).

>>> from cellbench.scenarios.spec import Scenario
>>> s = Scenario.model_validate({"name": "demo", "years": {"first": 2025, "last": 2026},
...     "market": {2025: {"passenger": 1000}},
...     "segments": {"passenger": {"adoption": {"model": "s_curve", "xev_share": 0.5, "ev_fraction": 1.0}}}})
>>> s.segments["passenger"].ev_pack_kWh.at(2025)
60.0
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cellbench.scenarios.trajectory import Trajectory, check_share, constant, parse_number

Powertrain = Literal["petrol", "phev", "ev"]
Chemistry = Literal["liquid", "assb"]
CHEMISTRIES: tuple[Chemistry, ...] = ("liquid", "assb")
PLUG_IN: tuple[Powertrain, ...] = ("ev", "phev")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- adoption: conjoint (multinomial logit)

class PartWorths(_Strict):
    """Utility per unit of each of the eight conjoint attributes for one group of respondents.

    ``power_type`` is the alternative-specific constant per powertrain (petrol is the reference, 0).
    """

    power_type: dict[Powertrain, float]
    price_gap_per_10k_yen: float
    phev_range_per_km: float
    ev_range_per_km: float
    running_cost_per_10k_yen_year: float
    resale_value_per_percent: float
    fast_charge_time_per_min: float
    fast_chargers_per_10k: float


class RespondentGroup(_Strict):
    """A share of buyers (e.g. current EV/PHEV owners) with their own part-worths."""

    name: str
    weight: float = Field(ge=0)
    part_worths: PartWorths

    @field_validator("weight", mode="before")
    @classmethod
    def _percent(cls, value: Any) -> Any:
        return parse_number(value)


class Alternative(_Strict):
    """One car a buyer can choose: a powertrain, its battery chemistry and its attribute levels by year."""

    powertrain: Powertrain
    battery: Chemistry | None = None
    available_from: int | None = None
    # share of makes/models/dealers offering it (0-1): enters the logit as ln(availability), the usual
    # make-model availability term of vehicle-choice models; lets supply ramp up after launch
    availability: Trajectory = Field(default_factory=lambda: constant(1.0))
    price_gap_10k_yen: Trajectory = Field(default_factory=lambda: constant(0.0))
    subsidy_10k_yen: Trajectory = Field(default_factory=lambda: constant(0.0))
    electric_range_km: Trajectory | None = None
    running_cost_10k_yen_per_year: Trajectory = Field(default_factory=lambda: constant(0.0))
    resale_value_percent: Trajectory = Field(default_factory=lambda: constant(0.0))
    fast_charge_time_min: Trajectory | None = None
    pack_kWh: Trajectory | None = None
    pack_volume_L: Trajectory | None = None
    pack_Wh_per_L: Trajectory | None = None
    consumption_Wh_per_km: Trajectory | None = None

    @field_validator("availability")
    @classmethod
    def _availability_share(cls, value: Trajectory) -> Trajectory:
        return check_share(value, "availability")

    @model_validator(mode="after")
    def _check(self) -> Alternative:
        if self.powertrain == "petrol":
            if self.battery is not None:
                raise ValueError("a petrol alternative has no traction battery; remove 'battery'")
        elif self.battery is None:
            raise ValueError(f"a {self.powertrain} alternative needs 'battery': liquid or assb")
        if (self.pack_volume_L is None) != (self.pack_Wh_per_L is None):
            raise ValueError("pack_volume_L and pack_Wh_per_L go together (pack kWh = volume × Wh/L / 1000)")
        if self.powertrain != "petrol" and self.electric_range_km is None and self.consumption_Wh_per_km is None:
            raise ValueError("give electric_range_km, or consumption_Wh_per_km to derive it from the pack")
        return self


class ConjointAdoption(_Strict):
    """Multinomial logit over the eight purchase attributes of the SOLiD-EV conjoint survey."""

    model: Literal["conjoint"]
    part_worths: str | list[RespondentGroup]
    fast_chargers_thousand: Trajectory
    alternatives: dict[str, Alternative]
    # nested logit: plug-ins share a nest with this dissimilarity (1 = plain multinomial logit)
    plug_in_nest_lambda: float = Field(default=1.0, gt=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> ConjointAdoption:
        if not any(a.powertrain == "petrol" for a in self.alternatives.values()):
            raise ValueError("alternatives need one petrol car: price gaps are measured against it")
        if isinstance(self.part_worths, list):
            total = sum(g.weight for g in self.part_worths)
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"respondent group weights sum to {total * 100:.4g}%, expected 100%")
        return self


# ---------------------------------------------------------------- adoption: shares / S-curves

class ShareAdoption(_Strict):
    """Shares by year (tables or S-curves): xEV share of sales, EV fraction of xEV, ASSB share of xEV."""

    model: Literal["s_curve", "shares"]
    xev_share: Trajectory
    ev_fraction: Trajectory
    assb_share: Trajectory = Field(default_factory=lambda: constant(0.0))
    assb_ev_fraction: Trajectory | None = None

    @field_validator("xev_share", "ev_fraction", "assb_share", "assb_ev_fraction")
    @classmethod
    def _shares(cls, value: Trajectory | None, info) -> Trajectory | None:
        return check_share(value, info.field_name)


Adoption = Annotated[ConjointAdoption | ShareAdoption, Field(discriminator="model")]


# ---------------------------------------------------------------- impacts

@cache
def _ev_use_file() -> dict:
    text = (resources.files("cellbench.scenarios") / "data" / "ev_use.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def ev_use_default(name: str) -> Any:
    """A default of the charging block (``data/ev_use.yaml``): km_per_year, ev_Wh_per_km or grid."""
    return _ev_use_file()[name]["value"]


class _Charging(_Strict):
    """What charging a plug-in vehicle emits: distance, consumption from the socket and the grid's intensity.
    Defaults: ``data/ev_use.yaml`` (10,000 km/yr, 155 Wh/km, the project's JP grid factor); give
    ``grid_gCO2_per_kWh`` to override the country's factor (``grid``, an ISO code of cellbench.sustainability)."""

    km_per_year: Trajectory = Field(default_factory=lambda: constant(ev_use_default("km_per_year")))
    ev_Wh_per_km: Trajectory = Field(default_factory=lambda: constant(ev_use_default("ev_Wh_per_km")))
    grid: str = Field(default_factory=lambda: ev_use_default("grid"))
    grid_gCO2_per_kWh: Trajectory | None = None


class CO2PerVehicle(_Charging):
    """CO₂ saved per plug-in vehicle in use per year. ``ev_saved_t_per_year`` is the **gross** (tailpipe) saving
    as the report states it (1.5 t/yr at 10,000 km/yr); what charging emits is taken off it, so the scenario's
    CO₂ saving is net. A PHEV's charging scales with its gross saving (phev/ev: the electric share of its km)."""

    method: Literal["per_vehicle"] = "per_vehicle"
    ev_saved_t_per_year: Trajectory
    phev_saved_t_per_year: Trajectory | None = None  # None: same as an EV, as the report counts them


class CO2FromEnergy(_Charging):
    """CO₂ saved from distance, energy use and grid intensity, less the battery's manufacturing footprint
    spread over the vehicle life."""

    method: Literal["energy"]
    km_per_year: Trajectory
    petrol_gCO2_per_km: Trajectory
    ev_Wh_per_km: Trajectory
    phev_electric_fraction: Trajectory = Field(default_factory=lambda: constant(0.5))
    battery_cfp_kgCO2_per_kWh: dict[Chemistry, Trajectory] = Field(default_factory=dict)

    @field_validator("phev_electric_fraction")
    @classmethod
    def _electric_share(cls, value: Trajectory) -> Trajectory:
        return check_share(value, "phev_electric_fraction")


CO2 = Annotated[CO2PerVehicle | CO2FromEnergy, Field(discriminator="method")]


class VehicleLife(_Strict):
    """How long vehicles (and their packs) stay on the road: all retire at ``mean_years`` (fixed) or a
    Weibull spread with that mean."""

    mean_years: float = Field(gt=0)
    model: Literal["fixed", "weibull"] = "fixed"
    weibull_shape: float = Field(default=3.0, gt=0)


class Segment(_Strict):
    """A market segment (passenger cars, commercial vehicles) with its adoption model and vehicle data."""

    adoption: Adoption
    ev_pack_kWh: Trajectory = Field(default_factory=lambda: constant(60.0))
    phev_pack_kWh: Trajectory = Field(default_factory=lambda: constant(15.0))
    # defaults are the report's outcome-model figures: 10,000 yen/kWh, 10-year renewal, 1.5 t CO₂/yr saved gross
    # (less charging at the data/ev_use.yaml defaults)
    pack_price_yen_per_kWh: dict[Chemistry, Trajectory] = Field(
        default_factory=lambda: {"liquid": constant(10_000.0), "assb": constant(10_000.0)})
    vehicle_life: VehicleLife = Field(default_factory=lambda: VehicleLife(mean_years=10))
    co2: CO2 = Field(default_factory=lambda: CO2PerVehicle(ev_saved_t_per_year=constant(1.5)))

    @field_validator("pack_price_yen_per_kWh", mode="before")
    @classmethod
    def _one_price(cls, value: Any) -> Any:
        # one number (or table) for both chemistries, as in the report's 10,000 yen/kWh
        if not (isinstance(value, dict) and set(value) <= set(CHEMISTRIES) and value):
            return {"liquid": value, "assb": value}
        return value

    @model_validator(mode="after")
    def _check(self) -> Segment:
        missing = [c for c in CHEMISTRIES if c not in self.pack_price_yen_per_kWh]
        if missing:
            raise ValueError(f"pack_price_yen_per_kWh needs a price for {', '.join(missing)}")
        return self


class Recycling(_Strict):
    """What happens to packs leaving the road: the share collected, the share given a second life (for
    ``second_life_years`` before recycling), metal contents per kWh by chemistry (packaged data set name) and
    recovery rates per metal."""

    collection_rate: float = Field(default=1.0, ge=0, le=1)
    reuse_fraction: float = Field(default=0.0, ge=0, le=1)
    second_life_years: int = Field(default=0, ge=0)
    metal_content: dict[Chemistry, str] = Field(
        default_factory=lambda: {"liquid": "nmc811-graphite-liquid", "assb": "nmc811-graphite-sulfide"})
    recovery_rates: dict[str, float] | str = "gi-fund-targets"

    @field_validator("collection_rate", "reuse_fraction", mode="before")
    @classmethod
    def _fraction(cls, value: Any) -> Any:
        return parse_number(value)

    @field_validator("recovery_rates", mode="before")
    @classmethod
    def _rates(cls, value: Any) -> Any:
        if isinstance(value, dict):
            value = {k: parse_number(v) for k, v in value.items()}
            for metal, rate in value.items():
                if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
                    raise ValueError(f"recovery rate of {metal} is {rate:.4g}, expected 0 to 1 (0% to 100%)")
        return value


class Charging(_Strict):
    """Fast chargers needed per plug-in vehicle on the road: the report's S1 figure, 267 thousand for 24.94
    million "EVs". The report's EV count matches S1's EV+PHEV stock, so PHEVs count by default
    (``vehicles: ev`` counts battery EVs only)."""

    evs_per_fast_charger: Trajectory = Field(default_factory=lambda: constant(24.94e6 / 267e3))
    vehicles: Literal["plug_in", "ev"] = "plug_in"


class Years(_Strict):
    first: int
    last: int

    @model_validator(mode="after")
    def _order(self) -> Years:
        if self.last < self.first:
            raise ValueError(f"years out of order: last {self.last} is before first {self.first}")
        return self


class Scenario(_Strict):
    """One scenario: the years to run, the market by year and segment, and each segment's models."""

    name: str
    title: str = ""
    years: Years
    market: dict[int, dict[str, float]]
    market_interpolation: Literal["linear", "geometric"] = "linear"
    segments: dict[str, Segment]
    recycling: Recycling = Field(default_factory=Recycling)
    charging: Charging = Field(default_factory=Charging)
    notes: str = ""

    @field_validator("market", mode="before")
    @classmethod
    def _market_years(cls, value: Any) -> Any:
        if isinstance(value, dict):
            years = list(value)
            for earlier, later in zip(years, years[1:]):
                if int(later) <= int(earlier):
                    raise ValueError(f"years out of order: {later} is written after {earlier}; "
                                     "expected increasing years")
        return value

    @model_validator(mode="after")
    def _segments_complete(self) -> Scenario:
        if not self.segments:
            raise ValueError("field 'segments': expected at least one segment")
        if not self.market:
            raise ValueError("field 'market': expected new-vehicle sales for at least one year")
        for year, row in self.market.items():
            missing = [s for s in self.segments if s not in row]
            if missing:
                raise ValueError(f"field 'market.{year}': missing segment {', '.join(map(repr, missing))} "
                                 f"(every year needs sales for every segment: {', '.join(self.segments)})")
            unknown = [s for s in row if s not in self.segments]
            if unknown:
                raise ValueError(f"field 'market.{year}': segment {', '.join(map(repr, unknown))} is not defined "
                                 f"under 'segments' (defined: {', '.join(self.segments)})")
            negative = [s for s, v in row.items() if v < 0]
            if negative:
                raise ValueError(f"field 'market.{year}': negative sales for {', '.join(negative)}")
            if self.market_interpolation == "geometric" and any(v <= 0 for v in row.values()):
                raise ValueError(f"field 'market.{year}': geometric interpolation needs sales above zero")
        return self

    def market_trajectory(self, segment: str) -> Trajectory:
        """New-vehicle sales of one segment by year."""
        return Trajectory(points={y: row[segment] for y, row in self.market.items()},
                          interpolation=self.market_interpolation)
