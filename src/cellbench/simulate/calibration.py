"""Calibrations: model parameters of a catalogue cell that its design and materials do not carry.

A calibration is a YAML file `simulate/data/calibration/<cell id>.yaml` with `overrides` (design-level
names, see :data:`cellbench.simulate.design_to_pybamm.OVERRIDES`, or PyBaMM names) and a `sources` entry
for every override: each value must be a literature value or within a literature range.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from cellbench.documents import load_model

DATA_DIR = Path(__file__).parent / "data" / "calibration"


class Calibration(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cell: str
    description: str = ""
    overrides: dict[str, float]
    sources: dict[str, str]

    @model_validator(mode="after")
    def _every_override_has_a_source(self) -> "Calibration":
        missing = [k for k in self.overrides if k not in self.sources]
        if missing:
            raise ValueError(f"no source for {', '.join(missing)}: add them to 'sources'")
        return self


def load_calibration(cell_id: str) -> Calibration | None:
    path = DATA_DIR / f"{cell_id}.yaml"
    return load_model(Calibration, path) if path.exists() else None
