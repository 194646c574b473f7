"""A cell as PyBaMM sees it: parameter values plus what the runner needs to drive a protocol.

A :class:`PybammCell` comes from a `CellDesign` (:mod:`cellbench.simulate.design_to_pybamm`), a BPX file
(:mod:`cellbench.simulate.bpx_io`) or a PyBaMM parameter set by name (``PybammCell.from_parameter_set("Chen2020")``).
Its `tunable` parameters become PyBaMM ``[input]`` parameters when the model is built, so changing them
(a conductivity, a contact ratio, a temperature) reuses the built model instead of rebuilding it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import AbstractSet, Any

import numpy as np
import pybamm

# Parameters the runner always sets per run or per step (never part of the model structure).
STATE_INPUTS = (
    "Ambient temperature [K]",
    "Initial temperature [K]",
    "Initial concentration in positive electrode [mol.m-3]",
)
NEGATIVE_INITIAL = "Initial concentration in negative electrode [mol.m-3]"


@dataclass
class PybammCell:
    """PyBaMM parameter values of one cell, its voltage window, capacity and SOC end-points.

    `stoichiometry_0_100` holds the negative (x) and positive (y) electrode stoichiometries at 0 % and 100 %
    SOC: ``{"negative": (x0, x100), "positive": (y0, y100)}``; a lithium-metal cell has no "negative" entry.
    """

    name: str
    parameter_values: pybamm.ParameterValues
    nominal_capacity_Ah: float
    voltage_min_V: float
    voltage_max_V: float
    stoichiometry_0_100: dict[str, tuple[float, float]]
    model_options: dict[str, Any] = field(default_factory=dict)
    tunable: tuple[str, ...] = ()
    design_hash: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def lithium_metal_anode(self) -> bool:
        return self.model_options.get("working electrode") == "positive"

    @classmethod
    def from_parameter_set(cls, name: str, *, voltage_min_V: float | None = None,
                           voltage_max_V: float | None = None) -> "PybammCell":
        """A full cell straight from one of PyBaMM's parameter sets (e.g. "Chen2020", the LG M50)."""
        pv = pybamm.ParameterValues(name)
        vmin = voltage_min_V if voltage_min_V is not None else pv["Lower voltage cut-off [V]"]
        vmax = voltage_max_V if voltage_max_V is not None else pv["Upper voltage cut-off [V]"]
        pv.update({"Lower voltage cut-off [V]": vmin, "Upper voltage cut-off [V]": vmax})
        x0, x100, y100, y0 = pybamm.lithium_ion.get_min_max_stoichiometries(pv)
        return cls(name=name, parameter_values=pv, nominal_capacity_Ah=float(pv["Nominal cell capacity [A.h]"]),
                   voltage_min_V=float(vmin), voltage_max_V=float(vmax),
                   stoichiometry_0_100={"negative": (float(x0), float(x100)), "positive": (float(y0), float(y100))},
                   design_hash=parameter_hash(pv), notes={"source": f"PyBaMM parameter set {name}"})

    def initial_concentrations(self, soc: float) -> dict[str, float]:
        """Uniform particle concentrations at equilibrium at `soc` (0..1), linear in stoichiometry between
        the 0 % and 100 % end-points (the defined empty and full states)."""
        out = {}
        y0, y100 = self.stoichiometry_0_100["positive"]
        c_max_p = self.parameter_values["Maximum concentration in positive electrode [mol.m-3]"]
        out["Initial concentration in positive electrode [mol.m-3]"] = (y0 + soc * (y100 - y0)) * c_max_p
        if "negative" in self.stoichiometry_0_100:
            x0, x100 = self.stoichiometry_0_100["negative"]
            c_max_n = self.parameter_values["Maximum concentration in negative electrode [mol.m-3]"]
            out[NEGATIVE_INITIAL] = (x0 + soc * (x100 - x0)) * c_max_n
        return out

    def open_circuit_voltage(self, soc, temperature_C: float = 25.0) -> np.ndarray:
        """The cell's equilibrium voltage at `soc` (0..1, array or number) and a uniform temperature: the
        positive OCP minus the negative one (0 V for lithium metal) at the stoichiometries
        :meth:`initial_concentrations` uses, with the parameter set's entropic terms."""
        soc = np.atleast_1d(np.asarray(soc, dtype=float))
        y0, y100 = self.stoichiometry_0_100["positive"]
        voltage = self._electrode_ocp("Positive", y0 + soc * (y100 - y0), temperature_C)
        if "negative" in self.stoichiometry_0_100:
            x0, x100 = self.stoichiometry_0_100["negative"]
            voltage = voltage - self._electrode_ocp("Negative", x0 + soc * (x100 - x0), temperature_C)
        return voltage

    def soc_at_voltage(self, voltage_V: float, temperature_C: float = 25.0) -> float:
        """The SOC (0..1) whose open-circuit voltage is `voltage_V`, clipped to the defined 0-100 % window (a
        rested cell reads its state this way)."""
        grid = np.linspace(0.0, 1.0, 2001)
        ocv = self.open_circuit_voltage(grid, temperature_C)
        order = np.argsort(ocv)  # the OCV rises with SOC; sorting keeps np.interp defined on a flat stretch
        return float(np.clip(np.interp(voltage_V, ocv[order], grid[order]), 0.0, 1.0))

    def _electrode_ocp(self, side: str, stoichiometry: np.ndarray, temperature_C: float) -> np.ndarray:
        import inspect

        pv = self.parameter_values
        temperature = pybamm.Scalar(temperature_C + 273.15)
        function = pv[f"{side} electrode OCP [V]"]
        takes_temperature = callable(function) and len(inspect.signature(function).parameters) > 1
        inputs = {"stoichiometry": pybamm.Vector(stoichiometry)}
        if takes_temperature:
            inputs["temperature [K]"] = temperature
        ocp = pv.evaluate(pybamm.FunctionParameter(f"{side} electrode OCP [V]", inputs))
        entropic_name = f"{side} electrode OCP entropic change [V.K-1]"
        entropic: np.ndarray | float = 0.0
        if entropic_name in pv.keys():
            value = pv[entropic_name]
            if callable(value):
                args = {"stoichiometry": pybamm.Vector(stoichiometry)}
                if len(inspect.signature(value).parameters) > 1:
                    args["c_s_max"] = pybamm.Scalar(pv[f"Maximum concentration in {side.lower()} electrode [mol.m-3]"])
                value = pv.evaluate(pybamm.FunctionParameter(entropic_name, args))
            reference = float(pv["Reference temperature [K]"]) - 273.15
            entropic = np.asarray(value, dtype=float).ravel() * (temperature_C - reference)
        return np.asarray(ocp, dtype=float).ravel() + entropic

    def state_inputs(self) -> tuple[str, ...]:
        return STATE_INPUTS + (() if self.lithium_metal_anode else (NEGATIVE_INITIAL,))

    def tunable_values(self) -> dict[str, float]:
        return {name: float(self.parameter_values[name]) for name in self.tunable}

    def structure_key(self, model: str, thermal: str) -> str:
        """Hash of everything that needs a new model build: options and every non-input parameter."""
        skip = set(self.tunable) | set(self.state_inputs())
        payload = {"model": model, "thermal": thermal, "options": _jsonable(self.model_options),
                   "parameters": parameter_fingerprint(self.parameter_values, skip=skip)}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def parameter_fingerprint(pv: pybamm.ParameterValues, *, skip: AbstractSet[str] = frozenset()) -> dict[str, str]:
    """A stable text form of parameter values: numbers by value, tables by content, functions by name."""
    out = {}
    for name, value in sorted(pv.items()):
        if name in skip:
            out[name] = "[input]"
        elif isinstance(value, (int, float, np.number)):
            out[name] = repr(float(value))
        elif isinstance(value, tuple):  # interpolant data: (name, (x,), y) or (x, y)
            out[name] = hashlib.sha256(repr(_jsonable(value)).encode()).hexdigest()[:16]
        elif callable(value) and not hasattr(value, "__qualname__"):  # a callable object: its repr names it
            out[name] = repr(value)
        elif callable(value):
            # a closure's captured values are part of the function (two materials, two OCPs)
            captured = [c.cell_contents for c in (getattr(value, "__closure__", None) or ())]
            out[name] = (f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
                         + (f"#{hashlib.sha256(repr(_jsonable(captured)).encode()).hexdigest()[:12]}" if captured else ""))
        else:
            out[name] = repr(value)
    return out


def parameter_hash(pv: pybamm.ParameterValues) -> str:
    return hashlib.sha256(json.dumps(parameter_fingerprint(pv), sort_keys=True).encode()).hexdigest()[:16]


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.round(12).tolist()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return value
