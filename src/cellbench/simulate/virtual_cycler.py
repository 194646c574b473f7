"""The public entry point: simulate a cell under a protocol and get a Measurement.

>>> from cellbench.simulate import simulate
>>> m = simulate("std-2.1", "Set SOC to 100%; Discharge at 1C until Vmin")  # PyBaMM, seconds  # doctest: +SKIP
>>> m.data["discharging_capacity_ampere_hour"][-1] * 1000                       # doctest: +SKIP
7.9
"""

from __future__ import annotations

from pathlib import Path

from cellbench.errors import InputError
from cellbench.measurements import Measurement
from cellbench.protocols import Protocol
from cellbench.simulate import model_build
from cellbench.simulate.pybamm_cell import PybammCell
from cellbench.simulate.runner import run_protocol

DEFAULT_TIME_LIMIT_S = 300.0


def as_pybamm_cell(design) -> PybammCell:
    """A PybammCell from a CellDesign, a catalogue id, a cell YAML file, a BPX JSON file or a PybammCell."""
    from cellbench import cells
    from cellbench.simulate.design_to_pybamm import to_pybamm

    if isinstance(design, PybammCell):
        return design
    if isinstance(design, (str, Path)):
        text = str(design)
        if text.endswith(".json"):
            from cellbench.simulate.bpx_io import read_bpx

            return read_bpx(text)
        design = cells.load_file(text) if text.endswith((".yaml", ".yml")) else cells.load(text)
    if not isinstance(design, cells.CellDesign):
        raise InputError(f"cannot simulate a {type(design).__name__}: expected a CellDesign, a cell id, a cell YAML "
                         "file or a BPX JSON file")
    return to_pybamm(design)


def simulate(design, protocol: Protocol | str | Path, *, temperature_C: float = 25.0, model: str = "dfn",
             thermal: str = "lumped", overrides: dict[str, float] | None = None,
             time_limit_s: float | None = DEFAULT_TIME_LIMIT_S, extra_columns: bool = False) -> Measurement:
    """Run `protocol` on `design` with PyBaMM and return the canonical time series.

    design: a CellDesign, catalogue id, cell YAML path, BPX JSON path or PybammCell.
    protocol: a Protocol, a protocol YAML path, a bundled protocol name or sentences ("Discharge at 1C until 2.5 V").
    model: "dfn" (default), "spme" or "spm". thermal: "lumped" (default) or "isothermal".
    overrides: design-level names (see design_to_pybamm.OVERRIDES) or PyBaMM parameter names.
    Raises SimulationError naming the step, the state and the likely cause when a step cannot run.
    """
    if model not in model_build.MODELS:
        raise InputError(f"unknown model '{model}': expected one of {', '.join(model_build.MODELS)}", location="model")
    if thermal not in model_build.THERMAL:
        raise InputError(f"unknown thermal option '{thermal}': expected lumped or isothermal", location="thermal")
    cell = as_pybamm_cell(design)
    return run_protocol(cell, Protocol.from_any(protocol), temperature_C=temperature_C, model=model,
                        thermal=thermal, overrides=overrides, time_limit_s=time_limit_s, extra_columns=extra_columns)
