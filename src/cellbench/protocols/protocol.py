"""A test protocol: steps, repeats and an ambient temperature, written as sentences or YAML.

>>> p = Protocol.parse("Discharge at 1C until 2.5 V; Rest for 1 hour")
>>> [s.kind for s in p.steps]
['discharge', 'rest']
>>> p2 = Protocol.parse("Set SOC to 100%; (Discharge at 1C until 2.5 V; Charge at 1C until 4.2 V) x 3")
>>> len(p2.expand())
7

YAML form (``Protocol.load(path)``)::

    name: three-cycles
    ambient_temperature_C: 25
    steps:
      - Set SOC to 100%
      - repeat: 3
        steps:
          - Discharge at 1C until 2.5 V
          - Charge at 1C until 4.2 V
      - step: Discharge at 0.2C until 2.5 V
        ambient_temperature_C: 0
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple, Union

from pydantic import BaseModel, ConfigDict, Field

from cellbench.documents import read_yaml
from cellbench.errors import InputError, NotFound, closest_choice
from cellbench.protocols.step import Step

DATA_DIR = Path(__file__).parent / "data"


class Repeat(BaseModel):
    """A block of steps run `times` times in a row; each run is one cycle."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    times: int = Field(ge=1, le=100_000)
    steps: list[Union[Step, "Repeat"]]


class PlannedStep(NamedTuple):
    """A step as it will run: its place in the schedule and its cycle number."""

    step_index: int  # position in the written protocol (1-based), the same for every repeat
    cycle: int  # BDF cycle number, 1-based; each repeat iteration is a cycle
    step: Step


class Protocol(BaseModel):
    """An ordered list of steps (and repeated blocks) with an optional ambient temperature."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "protocol"
    description: str = ""
    ambient_temperature_C: float | None = Field(None, ge=-60, le=150)
    steps: list[Step | Repeat] = Field(min_length=1)

    # -- reading ---------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, *, name: str = "protocol") -> "Protocol":
        """Read steps separated by ';' or new lines; '(A; B) x 3' repeats a block."""
        text = text.strip()
        if not text:
            raise InputError("empty protocol: expected steps such as 'Discharge at 1C until 2.5 V; Rest for 1 hour'")
        return cls(name=name, steps=_parse_sequence(text, offset=0))

    @classmethod
    def load(cls, path: str | Path) -> "Protocol":
        """Read a protocol YAML file (or a bundled protocol by name, e.g. ``capacity-c10``)."""
        path = Path(path)
        if not path.exists() and not path.suffix and (DATA_DIR / f"{path.name}.yaml").exists():
            path = DATA_DIR / f"{path.name}.yaml"
        if not path.exists() and not path.suffix and len(path.parts) == 1:  # a name, not a file: say which exist
            names = sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
            raise NotFound(f"unknown protocol '{path.name}'{closest_choice(path.name, names)}; bundled protocols: "
                           f"{', '.join(names)} (or a protocol YAML file)")
        doc = read_yaml(path)
        source = str(path)
        if isinstance(doc, str):
            return cls.parse(doc, name=path.stem)
        if not isinstance(doc, dict):
            raise InputError("expected a mapping with 'steps' (or one line of steps separated by ';')", source=source)
        unknown = set(doc) - {"name", "description", "ambient_temperature_C", "steps"}
        if unknown:
            raise InputError(f"unknown field(s) {', '.join(sorted(unknown))}: expected name, description, "
                             "ambient_temperature_C, steps", source=source)
        raw_steps = doc.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            raise InputError("field 'steps': expected a non-empty list of steps", source=source)
        steps = [_step_from_yaml(item, source, f"steps[{i}]") for i, item in enumerate(raw_steps)]
        try:
            return cls(name=str(doc.get("name", path.stem)), description=str(doc.get("description", "")),
                       ambient_temperature_C=doc.get("ambient_temperature_C"), steps=steps)
        except Exception as exc:  # pydantic ValidationError on the top-level fields
            from pydantic import ValidationError

            from cellbench.documents import validation_message

            if isinstance(exc, ValidationError):
                raise InputError(validation_message(exc), source=source) from exc
            raise

    @classmethod
    def from_any(cls, protocol: "Protocol | str | Path") -> "Protocol":
        """A Protocol, a path to a YAML file, a bundled protocol name, or sentences."""
        if isinstance(protocol, Protocol):
            return protocol
        text = str(protocol)
        candidate = Path(text)
        looks_like_file = text.endswith((".yaml", ".yml")) or (len(text) < 200 and ";" not in text and " " not in text)
        if looks_like_file:
            return cls.load(candidate)
        return cls.parse(text)

    # -- views -----------------------------------------------------------------------------------------
    def expand(self) -> list[PlannedStep]:
        """Unroll repeats into the steps as they run, with step index and cycle number.

        Cycle numbering: the protocol starts in cycle 1; every iteration of a repeat block starts a new
        cycle (unless nothing has run yet in the current one), and steps after a block start a new cycle.
        Nested repeats run inside their outer cycle.
        """
        planned: list[PlannedStep] = []
        state = {"cycle": 1, "steps_in_cycle": 0, "index": 0}
        indices = _number_steps(self.steps)

        def new_cycle() -> None:
            if state["steps_in_cycle"]:
                state["cycle"] += 1
                state["steps_in_cycle"] = 0

        def walk(items: list[Step | Repeat], numbers: list, depth: int) -> None:
            for item, number in zip(items, numbers):
                if isinstance(item, Repeat):
                    for _ in range(item.times):
                        if depth == 0:  # only outermost repeats make cycles; inner ones repeat within a cycle
                            new_cycle()
                        walk(item.steps, number, depth + 1)
                    if depth == 0:
                        new_cycle()
                else:
                    planned.append(PlannedStep(number, state["cycle"], item))
                    if item.kind != "set_soc":  # setting a state is not cycling
                        state["steps_in_cycle"] += 1

        walk(self.steps, indices, 0)
        return planned

    @property
    def sentences(self) -> str:
        """The protocol written back as one line of steps."""
        return _write_sequence(self.steps)

    def check_voltage_window(self, voltage_min_V: float, voltage_max_V: float, *, cell: str = "the cell") -> None:
        """Refuse a protocol whose voltages fall outside a cell's window (InputError naming the step)."""
        for planned in self.expand():
            step = planned.step
            for label, value in (("hold voltage", step.voltage_V), ("cut-off voltage", step.until_voltage_V)):
                if value is None or isinstance(value, str):  # the cell's own limits always fit
                    continue
                if value < voltage_min_V - 1e-9 or value > voltage_max_V + 1e-9:
                    raise InputError(
                        f"{label} {value:g} V is outside {cell}'s window {voltage_min_V:g}–{voltage_max_V:g} V; "
                        "use a voltage inside the window", location=f"step {planned.step_index} '{step.sentence}'")
            if step.kind == "discharge" and isinstance(step.until_voltage_V, float) and step.until_voltage_V >= voltage_max_V:
                raise InputError(f"a discharge cannot end at {step.until_voltage_V:g} V, the top of the window",
                                 location=f"step {planned.step_index} '{step.sentence}'")


def _number_steps(items: list[Step | Repeat], counter: list[int] | None = None) -> list:
    """Give each written step its 1-based index; repeats get a nested list."""
    counter = counter if counter is not None else [0]
    out: list = []
    for item in items:
        if isinstance(item, Repeat):
            out.append(_number_steps(item.steps, counter))
        else:
            counter[0] += 1
            out.append(counter[0])
    return out


def _split_top_level(text: str) -> list[tuple[str, int]]:
    """Split on ';' and new lines outside parentheses, keeping each part's column."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise InputError(f"unmatched ')' at column {i + 1}", location="protocol")
        elif ch in ";\n" and depth == 0:
            parts.append((text[start:i], start))
            start = i + 1
    if depth:
        raise InputError("unmatched '(' : expected '(step; step) x N'", location="protocol")
    parts.append((text[start:], start))
    return [(p.strip(), col) for p, col in parts if p.strip()]


def _parse_sequence(text: str, offset: int) -> list[Step | Repeat]:
    items: list[Step | Repeat] = []
    for part, col in _split_top_level(text):
        block = re.fullmatch(r"\((?P<inner>.*)\)\s*[x×*]\s*(?P<n>\d+)", part, flags=re.DOTALL)
        if block:
            inner_col = offset + col + 1
            items.append(Repeat(times=int(block["n"]), steps=_parse_sequence(block["inner"], inner_col)))
        else:
            items.append(Step.parse(part, location=f"column {offset + col + 1}, step '{part}'"))
    return items


def _step_from_yaml(item: Any, source: str, where: str) -> Step | Repeat:
    if isinstance(item, str):
        return Step.parse(item, source=source, location=f"{where} '{item}'")
    if isinstance(item, dict) and "repeat" in item:
        times = item.get("repeat")
        inner = item.get("steps")
        if not isinstance(times, int) or times < 1:
            raise InputError("field 'repeat': expected a whole number ≥ 1", source=source, location=where)
        if not isinstance(inner, list) or not inner:
            raise InputError("field 'steps' of a repeat: expected a non-empty list", source=source, location=where)
        return Repeat(times=times, steps=[_step_from_yaml(s, source, f"{where}.steps[{i}]") for i, s in enumerate(inner)])
    if isinstance(item, dict) and "step" in item:
        extra = set(item) - {"step", "ambient_temperature_C"}
        if extra:
            raise InputError(f"unknown field(s) {', '.join(sorted(extra))}: a step takes 'step' and "
                             "'ambient_temperature_C'", source=source, location=where)
        step = Step.parse(str(item["step"]), source=source, location=f"{where} '{item['step']}'")
        if "ambient_temperature_C" in item:
            try:
                temp = float(item["ambient_temperature_C"])
            except (TypeError, ValueError) as exc:
                raise InputError("field 'ambient_temperature_C': expected a number in °C", source=source,
                                 location=where) from exc
            step = step.model_copy(update={"ambient_temperature_C": temp})
        return step
    raise InputError("expected a step sentence, {step: ..., ambient_temperature_C: ...} or {repeat: N, steps: [...]}",
                     source=source, location=where)


def _write_sequence(items: list[Step | Repeat]) -> str:
    parts = []
    for item in items:
        if isinstance(item, Repeat):
            parts.append(f"({_write_sequence(item.steps)}) x {item.times}")
        else:
            parts.append(item.sentence)
    return "; ".join(parts)
