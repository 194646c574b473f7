"""PyBaMM used directly, as anchors for the simulation benchmarks: the same cells, parameters and steps as cellbench.

- `naive`: a fresh `pybamm.Simulation` with a `pybamm.Experiment` for every run (what most scripts do).
- `Competent`: what PyBaMM's documentation recommends for many runs of one cell: one `pybamm.Simulation` per cell,
  experiment and temperature (PyBaMM refuses temperature as an input of an experiment), built and discretised once,
  the initial state declared as input parameters, and the IDAKLU solver reused across solves.

A cellbench protocol becomes PyBaMM experiments: each "Set SOC to X%" starts a new segment from the equilibrium state at
that SOC (cellbench's own stoichiometry window, through `PybammCell.initial_concentrations`), and Vmin/Vmax become the
cell's voltages. The figure compared is the discharged capacity summed over the segments.
"""

from __future__ import annotations

import pybamm

from cellbench.protocols import Protocol

TEMPERATURE_NAMES = ("Ambient temperature [K]", "Initial temperature [K]")


def segments(cell, protocol_text: str) -> list[tuple[float | None, tuple[str, ...]]]:
    """(start SOC in % or None, PyBaMM step sentences) per segment of the protocol."""
    out: list[tuple[float | None, list[str]]] = [(None, [])]
    for planned in Protocol.parse(protocol_text).expand():
        step = planned.step
        if step.kind == "set_soc":
            out.append((step.soc_pct, []))
            continue
        out[-1][1].append(step.sentence.replace("Vmin", f"{cell.voltage_min_V} V")
                          .replace("Vmax", f"{cell.voltage_max_V} V"))
    return [(soc, tuple(steps)) for soc, steps in out if steps]


def _model(cell, thermal: str = "lumped"):
    return pybamm.lithium_ion.DFN({"thermal": thermal, **cell.model_options})


def naive(cell, protocol_text: str, temperature_C: float, thermal: str = "lumped") -> float:
    """A fresh Simulation per segment; the discharged capacity in Ah."""
    total = 0.0
    for soc, steps in segments(cell, protocol_text):
        pv = cell.parameter_values.copy()
        if soc is not None:
            pv.update(cell.initial_concentrations(soc / 100))
        pv.update({name: temperature_C + 273.15 for name in TEMPERATURE_NAMES})
        sim = pybamm.Simulation(_model(cell, thermal), parameter_values=pv, experiment=pybamm.Experiment(list(steps)))
        total += _discharged(sim.solve())
    return total


class Competent:
    """One built Simulation per (cell, segment steps, temperature), re-solved with the initial state as inputs."""

    def __init__(self):
        self._sims: dict[tuple, pybamm.Simulation] = {}
        self.builds = 0

    def run(self, cell, protocol_text: str, temperature_C: float, thermal: str = "lumped") -> float:
        total = 0.0
        for soc, steps in segments(cell, protocol_text):
            key = (cell.design_hash, cell.name, steps, temperature_C, thermal)
            sim = self._sims.get(key)
            concentrations = cell.initial_concentrations((soc if soc is not None else 100.0) / 100)
            if sim is None:
                pv = cell.parameter_values.copy()
                pv.update({name: temperature_C + 273.15 for name in TEMPERATURE_NAMES})
                pv.update({name: "[input]" for name in concentrations})
                sim = pybamm.Simulation(_model(cell, thermal), parameter_values=pv,
                                        experiment=pybamm.Experiment(list(steps)),
                                        solver=pybamm.IDAKLUSolver(rtol=1e-4, atol=1e-6))
                self._sims[key] = sim
                self.builds += 1
            inputs = dict(concentrations if soc is not None else
                          {k: cell.parameter_values[k] for k in concentrations})
            total += _discharged(sim.solve(inputs=inputs))
        return total


def _discharged(solution) -> float:
    q = solution["Discharge capacity [A.h]"].entries
    return float(max(q.max(), 0.0))
