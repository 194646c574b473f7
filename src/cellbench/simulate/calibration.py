"""Calibrations: model parameters of a catalogue cell that its design and materials do not carry.

A calibration is a YAML file `simulate/data/calibration/<cell id>.yaml` with `overrides` (design-level
names, see :data:`cellbench.simulate.design_to_pybamm.OVERRIDES`, or PyBaMM names) and a `sources` entry
for every override: each value must be a literature value, within a literature range, or fitted to
measured data. A fitted calibration (written by ``cellbench calibrate``, see :mod:`cellbench.calibration`)
also records, for each fitted value, its 95 % confidence interval (`fitted`), the measured files it was
fitted on with their content hashes (`data`), the residuals per test (`residuals`) and the conditions
its data covered (`conditions`). Fitted values are inputs of the model, not predictions of it. A calibration
may also say what its data leave open (`spread`): other parameter sets, with some sourced values freed as well,
that fit the same data about as well.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.documents import load_model

DATA_DIR = Path(__file__).parent / "data" / "calibration"
FITTED_LABEL = "fitted inputs (calibrated to the measured data below), not predictions"


class FittedValue(BaseModel):
    """A fitted parameter: its value, 95 % confidence interval (linearised, from the Jacobian) and start."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float
    ci95: tuple[float, float] | None = None
    unit: str = ""
    start: float | None = None
    start_source: str = ""
    at_bound: bool = False


class DataFile(BaseModel):
    """A measured test a calibration saw: file name, content hash and its conditions."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    sha256: str
    current_A: float
    temperature_C: float | None = None
    capacity_Ah: float
    rested_voltage_V: float | None = None  # the open-circuit voltage before the discharge, when the file has it
    initial_soc_pct: float | None = None  # the model's SOC at that voltage, where the fitted simulation started


class TestResidual(BaseModel):
    """How well the calibrated model reproduces one fitted test (and how well it did before)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    voltage_rmse_mV: float
    capacity_error_pct: float
    temperature_rmse_K: float | None = None
    before_voltage_rmse_mV: float | None = None
    before_capacity_error_pct: float | None = None


class Conditions(BaseModel):
    """Conditions the calibration's data covered: discharge currents, C-rates, start (ambient) temperatures
    and the cell temperatures reached."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    current_A: tuple[float, float]
    c_rate: tuple[float, float]
    temperature_C: tuple[float, float] | None = None
    cell_temperature_C: tuple[float, float] | None = None


class Alternative(BaseModel):
    """Another parameter set that fits the calibration's data about as well: the fitted parameters and the open
    ones (design-level names, design units), and its cost relative to the calibration's own fit."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    values: dict[str, float]
    cost_vs_fit: float


class Spread(BaseModel):
    """What the calibration's data leave open. The fit was repeated with `parameters` free as well (they keep
    their sourced values in `overrides`), from `starts` starting points; every optimum within `cost_ratio` of the
    calibration's own cost is an alternative. Where alternatives predict differently (outside the data's
    conditions, typically), the data do not decide between them: `cellbench validate` reports that spread."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    parameters: list[str]
    cost_ratio: float
    starts: int
    alternatives: list[Alternative] = Field(default_factory=list)


#: a run extrapolates when it starts this far outside the calibration's start temperatures
TEMPERATURE_MARGIN_K = 5.0
#: ... or its current is this much (relative) outside the calibration's currents
CURRENT_MARGIN = 0.10


def outside_conditions(conditions: Conditions | None, label: str, *, temperature_C: float | None = None,
                       current_A: float | None = None) -> list[str]:
    """Why a run (`label`) at `temperature_C` (start, ambient) and `current_A` lies outside what the calibration's
    data covered: the model extrapolates there. Empty when inside, or when nothing is known."""
    if conditions is None:
        return []
    out = []
    low, high = conditions.current_A
    if current_A is not None and (current_A < low * (1 - CURRENT_MARGIN) or current_A > high * (1 + CURRENT_MARGIN)):
        out.append(f"{label}: {current_A:.3g} A is outside the calibration's currents {low:.3g}–{high:.3g} A "
                   "(extrapolated)")
    if conditions.temperature_C is not None and temperature_C is not None:
        t_low, t_high = conditions.temperature_C
        if not t_low - TEMPERATURE_MARGIN_K <= temperature_C <= t_high + TEMPERATURE_MARGIN_K:
            seen = (f"; its data reached cell temperatures {conditions.cell_temperature_C[0]:.0f}–"
                    f"{conditions.cell_temperature_C[1]:.0f} °C" if conditions.cell_temperature_C else "")
            out.append(f"{label}: starts at {temperature_C:.1f} °C, outside the calibration's {t_low:.1f}–"
                       f"{t_high:.1f} °C{seen} (temperature extrapolated by the Arrhenius terms)")
    return out


class Calibration(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cell: str
    description: str = ""
    overrides: dict[str, float]
    sources: dict[str, str]
    label: str = ""
    fitted: dict[str, FittedValue] = Field(default_factory=dict)
    data: list[DataFile] = Field(default_factory=list)
    residuals: list[TestResidual] = Field(default_factory=list)
    conditions: Conditions | None = None
    method: dict[str, Any] = Field(default_factory=dict)
    spread: Spread | None = None

    @model_validator(mode="after")
    def _every_override_has_a_source(self) -> "Calibration":
        missing = [k for k in self.overrides if k not in self.sources]
        if missing:
            raise ValueError(f"no source for {', '.join(missing)}: add them to 'sources'")
        unfitted = [k for k in self.fitted if k not in self.overrides]
        if unfitted:
            raise ValueError(f"fitted value without an override: {', '.join(unfitted)}")
        if self.spread is not None:
            known = set(self.fitted) | set(self.spread.parameters)
            for k, alternative in enumerate(self.spread.alternatives, 1):
                odd = sorted(set(alternative.values) ^ known)
                if odd:
                    raise ValueError(f"spread alternative {k}: values must name exactly the fitted and open "
                                     f"parameters; differs in {', '.join(odd)}")
        return self

    def literature_overrides(self) -> dict[str, float]:
        """The overrides that were not fitted (literature values)."""
        return {k: v for k, v in self.overrides.items() if k not in self.fitted}

    def starting_overrides(self) -> dict[str, float]:
        """Where a new calibration starts: the literature overrides, and each fitted parameter at the value its
        fit started from (so refitting never starts from its own result)."""
        out = self.literature_overrides()
        out.update({k: v.start for k, v in self.fitted.items() if v.start is not None})
        return out

    def start_source(self, name: str) -> str:
        """Where the start value of `name` came from, for a new fit of it."""
        if name in self.fitted:
            return self.fitted[name].start_source
        return self.sources.get(name, "")


def load_calibration(cell_id: str) -> Calibration | None:
    path = DATA_DIR / f"{cell_id}.yaml"
    return load_model(Calibration, path) if path.exists() else None


def load_calibration_file(path: str | Path) -> Calibration:
    return load_model(Calibration, Path(path))


def save_calibration(calibration: Calibration, path: str | Path) -> Path:
    """Write a calibration as YAML (atomically: a temporary file, then a rename)."""
    path = Path(path)
    data = calibration.model_dump(mode="json", exclude_defaults=False)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


class _Dumper(yaml.SafeDumper):
    """Lists of plain values (an interval, a range) on one line: [low, high]."""


def _represent_list(dumper: yaml.SafeDumper, values: list):
    flow = all(isinstance(v, (int, float, str, bool)) or v is None for v in values)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", values, flow_style=flow)


_Dumper.add_representer(list, _represent_list)
