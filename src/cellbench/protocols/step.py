"""One step of a test protocol, and the sentence grammar that writes it.

The grammar follows PyBaMM's experiment strings so that a battery engineer can read and write steps:

    Discharge at 1C until 2.5 V
    Charge at 6 C until 4.2 V
    Hold at 4.2 V until C/50
    Rest for 1 hour
    Discharge at 50 W for 30 s
    Discharge at 5C for 10 s or until 2.5 V
    Discharge at 0.2C until 2.5 V at 0 °C       (ambient temperature for this step)
    Set SOC to 50%                               (equilibrium state at 50 % SOC, from the defined full state)
    Discharge at 1C until Vmin; Hold at Vmax until C/20   (the cell's own voltage limits)

>>> step = Step.parse("Discharge at C/3 until 2.5 V")
>>> step.kind, step.c_rate, step.until_voltage_V
('discharge', 0.3333333333333333, 2.5)
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.errors import InputError

StepKind = Literal["discharge", "charge", "hold", "rest", "set_soc"]
#: a voltage in volts, or the cell's own lower ("min") / upper ("max") limit, resolved when the step runs
Voltage = float | Literal["min", "max"]

_SECONDS = {"s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0, "secs": 1.0,
            "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
            "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
            "day": 86400.0, "days": 86400.0}
_NUMBER = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
# "1C", "0.5 C", "C/3", "C/50"
_C_RATE = rf"(?:(?P<{{p}}c>{_NUMBER})\s*C\b|C\s*/\s*(?P<{{p}}cd>{_NUMBER}))"
_TEMPERATURE = rf"\s+at\s+(?P<temp>-?{_NUMBER})\s*(?:°\s*C|degC|oC|C)\s*$"


class Step(BaseModel):
    """One protocol step. Exactly one set-point for charge/discharge/hold, and at least one way to end.

    Current is given as a C-rate (`c_rate`, relative to the cell's nominal capacity) or in amperes
    (`current_A`); both are magnitudes, the direction comes from `kind`. A step ends at `duration_s`,
    at a voltage (`until_voltage_V`) or, for a hold, when the current magnitude falls to
    `until_current_A` / `until_c_rate` — whichever comes first.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: StepKind
    text: str = Field("", description="the sentence the step was written as")
    c_rate: float | None = Field(None, gt=0)
    current_A: float | None = Field(None, gt=0)
    power_W: float | None = Field(None, gt=0)
    voltage_V: Voltage | None = Field(None, description="hold voltage")
    soc_pct: float | None = Field(None, ge=0, le=100, description="target of 'Set SOC to'")
    duration_s: float | None = Field(None, gt=0)
    until_voltage_V: Voltage | None = None
    until_current_A: float | None = Field(None, gt=0)
    until_c_rate: float | None = Field(None, gt=0)
    ambient_temperature_C: float | None = Field(None, ge=-60, le=150)

    @model_validator(mode="after")
    def _consistent(self) -> "Step":
        setpoints = [n for n in ("c_rate", "current_A", "power_W", "voltage_V") if getattr(self, n) is not None]
        ends = [n for n in ("duration_s", "until_voltage_V", "until_current_A", "until_c_rate") if getattr(self, n) is not None]
        for name in ("voltage_V", "until_voltage_V"):
            value = getattr(self, name)
            if isinstance(value, float) and value <= 0:
                raise ValueError(f"{name} must be a positive voltage, 'min' or 'max'")
        if self.kind in ("charge", "discharge"):
            if len(setpoints) != 1 or setpoints[0] == "voltage_V":
                raise ValueError(f"a {self.kind} step needs exactly one of c_rate, current_A or power_W")
            if {"until_current_A", "until_c_rate"} & set(ends):
                raise ValueError("'until' a current is only for hold steps")
            if not ({"duration_s", "until_voltage_V"} & set(ends)):
                raise ValueError(f"a {self.kind} step needs a duration or an 'until' voltage")
        elif self.kind == "hold":
            if setpoints != ["voltage_V"]:
                raise ValueError("a hold step needs a voltage (and nothing else) as its set-point")
            if not ends or "until_voltage_V" in ends:
                raise ValueError("a hold step ends after a duration or when the current falls to a limit")
        elif self.kind == "rest":
            if setpoints or ends != ["duration_s"]:
                raise ValueError("a rest step takes only a duration")
        elif self.kind == "set_soc":
            if self.soc_pct is None or setpoints or ends:
                raise ValueError("'Set SOC to' takes only a percentage")
        return self

    # -- the grammar -------------------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, *, source: str | None = None, location: str | None = None) -> "Step":
        """Read one sentence ("Discharge at 1C until 2.5 V"); raise InputError saying what was expected."""
        sentence = " ".join(str(text).split())
        where = location or f"step '{sentence}'"
        if not sentence:
            raise InputError("empty step: expected e.g. 'Discharge at 1C until 2.5 V'", source=source, location=where)
        fields: dict = {"text": sentence}
        body = sentence
        temp = re.search(_TEMPERATURE, body, flags=re.IGNORECASE)
        # "at 1C" alone is a set-point, not a temperature: a temperature follows a 'for'/'until' or 'Set SOC'
        if temp and re.search(r"\b(for|until)\b|^set\b", body[: temp.start()], flags=re.IGNORECASE):
            fields["ambient_temperature_C"] = float(temp["temp"])
            body = body[: temp.start()]

        set_soc = re.fullmatch(rf"set\s+soc\s+to\s+(?P<soc>{_NUMBER})\s*%", body, flags=re.IGNORECASE)
        if set_soc:
            return cls._build(dict(fields, kind="set_soc", soc_pct=float(set_soc["soc"])), source, where)

        head = re.match(r"(?P<verb>discharge|charge|hold|rest)\b\s*", body, flags=re.IGNORECASE)
        if not head:
            raise InputError("expected the step to start with Discharge, Charge, Hold, Rest or 'Set SOC to'",
                             source=source, location=where)
        kind = head["verb"].lower()
        fields["kind"] = kind
        rest = body[head.end():]
        if kind != "rest":
            setpoint = re.match(r"at\s+(?P<value>\S+(?:\s*(?:A|mA|W|mW|kW|V|mV|C)\b)?)\s*", rest, flags=re.IGNORECASE)
            if not setpoint:
                raise InputError(f"expected 'at <value>' after '{head['verb']}' (e.g. 'at 1C', 'at 5 A', 'at 50 W', "
                                 f"'at 4.2 V', 'at Vmax') at column {head.end() + 1}", source=source, location=where)
            fields.update(_setpoint(setpoint["value"], kind, source, where))
            rest = rest[setpoint.end():]
        fields.update(_endings(rest, source, where))
        return cls._build(fields, source, where)

    @classmethod
    def _build(cls, fields: dict, source: str | None, where: str) -> "Step":
        from pydantic import ValidationError

        from cellbench.documents import validation_message

        try:
            return cls(**fields)
        except ValidationError as exc:
            raise InputError(validation_message(exc), source=source, location=where) from exc

    # -- views ---------------------------------------------------------------------------------------------
    @property
    def sentence(self) -> str:
        """The step written back in the grammar (parsing it gives the same step)."""
        if self.text:
            return self.text
        if self.kind == "set_soc":
            return f"Set SOC to {self.soc_pct:g}%"
        words = [self.kind.capitalize()]
        if self.c_rate is not None:
            words.append(f"at {self.c_rate:g}C")
        elif self.current_A is not None:
            words.append(f"at {self.current_A:g} A")
        elif self.power_W is not None:
            words.append(f"at {self.power_W:g} W")
        elif self.voltage_V is not None:
            words.append(f"at {_write_voltage(self.voltage_V)}")
        ends = []
        if self.duration_s is not None:
            ends.append(f"for {self.duration_s:g} s")
        if self.until_voltage_V is not None:
            ends.append(f"until {_write_voltage(self.until_voltage_V)}")
        if self.until_current_A is not None:
            ends.append(f"until {self.until_current_A:g} A")
        if self.until_c_rate is not None:
            ends.append(f"until {self.until_c_rate:g}C")
        words.append(" or ".join(ends))
        if self.ambient_temperature_C is not None:
            words.append(f"at {self.ambient_temperature_C:g} °C")
        return " ".join(words)

    def current_magnitude_A(self, capacity_Ah: float) -> float | None:
        """Set-point current in amperes for a cell of the given nominal capacity (None if not current-controlled)."""
        if self.current_A is not None:
            return self.current_A
        if self.c_rate is not None:
            return self.c_rate * capacity_Ah
        return None

    def current_limit_A(self, capacity_Ah: float) -> float | None:
        """The 'until' current of a hold step, in amperes."""
        if self.until_current_A is not None:
            return self.until_current_A
        if self.until_c_rate is not None:
            return self.until_c_rate * capacity_Ah
        return None


def _write_voltage(value: Voltage) -> str:
    return f"V{value}" if isinstance(value, str) else f"{value:g} V"


def _window_limit(text: str) -> str | None:
    m = re.fullmatch(r"V_?(?P<which>min|max)", text.strip(), flags=re.IGNORECASE)
    return m["which"].lower() if m else None


def _c_rate(text: str) -> float | None:
    m = re.fullmatch(_C_RATE.format(p=""), text.strip(), flags=re.IGNORECASE)
    if not m:
        return None
    return float(m["c"]) if m["c"] else 1.0 / float(m["cd"])


def _quantity(text: str) -> tuple[float, str] | None:
    m = re.fullmatch(rf"(?P<num>{_NUMBER})\s*(?P<unit>mA|A|mW|kW|W|mV|V)", text.strip(), flags=re.IGNORECASE)
    if not m:
        return None
    unit = m["unit"]
    scale = {"m": 1e-3, "k": 1e3}.get(unit[0], 1.0) if len(unit) == 2 else 1.0
    return float(m["num"]) * scale, unit[-1].upper()


def _setpoint(value: str, kind: str, source: str | None, where: str) -> dict:
    rate = _c_rate(value)
    if rate is not None:
        return {"c_rate": rate}
    if _window_limit(value):
        return {"voltage_V": _window_limit(value)}
    q = _quantity(value)
    if q is None:
        raise InputError(f"cannot read the set-point '{value}': expected a C-rate (1C, C/3), a current (5 A, 500 mA), "
                         "a power (50 W) or a voltage (4.2 V)", source=source, location=where)
    number, unit = q
    return {"A": {"current_A": number}, "W": {"power_W": number}, "V": {"voltage_V": number}}[unit]


def _endings(rest: str, source: str | None, where: str) -> dict:
    """'for 1 hour', 'until 2.5 V', 'until C/50', joined by 'or'."""
    out: dict = {}
    rest = rest.strip()
    if not rest:
        return out
    for clause in re.split(r"\s+or\s+", rest, flags=re.IGNORECASE):
        duration = re.fullmatch(rf"for\s+(?P<num>{_NUMBER})\s*(?P<unit>[a-z]+)", clause, flags=re.IGNORECASE)
        until = re.fullmatch(r"until\s+(?P<value>.+)", clause, flags=re.IGNORECASE)
        if duration:
            unit = duration["unit"].lower()
            if unit not in _SECONDS:
                raise InputError(f"unknown time unit '{duration['unit']}': expected s, min, hour or day",
                                 source=source, location=where)
            out["duration_s"] = float(duration["num"]) * _SECONDS[unit]
        elif until:
            value = until["value"]
            rate = _c_rate(value)
            q = _quantity(value)
            if rate is not None:
                out["until_c_rate"] = rate
            elif _window_limit(value):
                out["until_voltage_V"] = _window_limit(value)
            elif q and q[1] == "V":
                out["until_voltage_V"] = q[0]
            elif q and q[1] == "A":
                out["until_current_A"] = q[0]
            else:
                raise InputError(f"cannot read 'until {value}': expected a voltage (2.5 V, Vmin), a C-rate (C/50) or a "
                                 "current (50 mA)", source=source, location=where)
        else:
            raise InputError(f"cannot read '{clause}': expected 'for <time>' or 'until <limit>'",
                             source=source, location=where)
    return out
