"""Reading scenario files: ``extends`` (one scenario built on another) and ``from:`` links to results.

A number anywhere in a scenario may instead be taken from a cellbench result file (JSON)::

    pack_Wh_per_L: {from: {file: ../results/pack.json, key: pack.energy_density_Wh_L}}
    battery_cfp_kgCO2_per_kWh:
      assb: {from: {file: cfp.json, key: total_kg_co2e_per_kwh, scale: 1.0}}

``file`` is relative to the scenario file, ``key`` is a dotted path (list items by index), ``scale``
multiplies the value (unit conversions). A scenario with ``extends: s2.yaml`` starts from that file's
contents and overrides what it writes (mappings merge key by key; anything else is replaced).

>>> resolve_links({"x": {"from": {"file": "r.json", "key": "a.b"}}}, base=Path("."),
...               source="s.yaml", json_reader=lambda p: {"a": {"b": 700}})
{'x': 700}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cellbench.documents import read_yaml
from cellbench.errors import InputError
from cellbench.scenarios.spec import Scenario

_MAX_EXTENDS_DEPTH = 8


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge (``extends``), link (``from:``) and validate one scenario file."""
    path = Path(path)
    data = read_scenario_data(path)
    data = resolve_links(data, base=path.parent, source=str(path))
    return parse_scenario(data, source=str(path))


def parse_scenario(data: Any, *, source: str | None = None) -> Scenario:
    """Validate scenario data; errors name the field without the model tags pydantic adds for a choice of
    models (``adoption.s_curve.xev_share`` is reported as ``adoption.xev_share``)."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(_scenario_errors(exc), source=source) from exc


_MODEL_TAGS = {"conjoint", "s_curve", "shares", "per_vehicle", "energy"}


def _scenario_errors(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        parts = [str(p) for p in err["loc"] if not str(p).startswith("function-")]
        parts = [p for i, p in enumerate(parts)
                 if not (p in _MODEL_TAGS and i > 0 and parts[i - 1] in ("adoption", "co2"))]
        # a trajectory reports where inside its own model it failed; the field itself is what the user wrote
        while parts and parts[-1] in ("points", "s_curve") and err["type"] != "missing":
            parts.pop()
        msg = err["msg"].removeprefix("Value error, ")
        if msg.startswith("field '"):
            lines.append(msg)
        else:
            lines.append(f"field '{'.'.join(parts)}': {msg}" if parts else msg)
    return "; ".join(dict.fromkeys(lines))


def read_scenario_data(path: str | Path) -> dict[str, Any]:
    """The scenario's raw data with ``extends`` merged in, before links and validation (for tools that
    change a few fields programmatically, such as examples/scenarios/calibrate.py)."""
    return _read_with_extends(Path(path), depth=0)


def _read_with_extends(path: Path, depth: int) -> dict[str, Any]:
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of scenario fields at the top level", source=str(path))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if depth >= _MAX_EXTENDS_DEPTH:
        raise InputError(f"field 'extends': more than {_MAX_EXTENDS_DEPTH} levels (a cycle?)", source=str(path))
    base = _read_with_extends(path.parent / str(parent), depth + 1)
    return deep_merge(base, data)


def deep_merge(base: Any, override: Any) -> Any:
    """``override`` written over ``base``: mappings of named fields merge key by key; anything else, including
    a table by year, a ``from:`` link or a block that switches to another ``model``/``method``, replaces what
    was there.

    >>> deep_merge({"a": {"x": 1, "y": 2}, "p": {2020: 1, 2030: 2}}, {"a": {"y": 3}, "p": {"liquid": 5}})
    {'a': {'x': 1, 'y': 3}, 'p': {'liquid': 5}}
    """
    if _is_record(base) and _is_record(override) and not _switches_kind(base, override):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return override


def _switches_kind(base: dict, override: dict) -> bool:
    return any(key in override and key in base and override[key] != base[key] for key in ("model", "method"))


def _is_record(value: Any) -> bool:
    return (isinstance(value, dict) and "from" not in value
            and not any(isinstance(k, int) or str(k).isdigit() for k in value))


def resolve_links(data: Any, *, base: Path, source: str, field: str = "",
                  json_reader: Callable[[Path], Any] | None = None) -> Any:
    """Replace every ``{from: {file, key, scale}}`` block by the value it points to."""
    reader = json_reader or _read_json
    if isinstance(data, dict):
        if set(data) == {"from"}:
            return _follow(data["from"], base=base, source=source, field=field, reader=reader)
        return {k: resolve_links(v, base=base, source=source, field=f"{field}.{k}" if field else str(k),
                                 json_reader=reader) for k, v in data.items()}
    if isinstance(data, list):
        return [resolve_links(v, base=base, source=source, field=f"{field}.{i}", json_reader=reader)
                for i, v in enumerate(data)]
    return data


def _follow(link: Any, *, base: Path, source: str, field: str, reader: Callable[[Path], Any]) -> Any:
    where = f"field '{field}.from'"
    if not isinstance(link, dict) or "file" not in link or "key" not in link:
        raise InputError(f"{where}: expected {{file: result.json, key: dotted.path}} (optional scale)", source=source)
    extra = set(link) - {"file", "key", "scale"}
    if extra:
        raise InputError(f"{where}: unknown entries {sorted(extra)}; expected file, key, scale", source=source)
    path = base / str(link["file"])
    if path.suffix.lower() != ".json":
        raise InputError(f"{where}: links read JSON result files; {path.name} is not .json", source=source)
    try:
        document = reader(path)
    except InputError as exc:
        raise InputError(f"{where}: {exc}", source=source) from exc
    value = document
    walked = []
    for part in str(link["key"]).split("."):
        walked.append(part)
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            raise InputError(f"{where}: {path} has no key '{'.'.join(walked)}'", source=source)
    scale = link.get("scale", 1.0)
    if not isinstance(scale, (int, float)) or isinstance(scale, bool):
        raise InputError(f"{where}.scale: expected a number, got {scale!r}", source=source)
    return _scaled(value, scale, where=f"{where} ({path}, key '{link['key']}')", source=source)


def _scaled(value: Any, scale: float, *, where: str, source: str) -> Any:
    if isinstance(value, bool) or value is None:
        raise InputError(f"{where}: expected a number or a table of numbers, got {value!r}", source=source)
    if isinstance(value, (int, float)):
        return value * scale if scale != 1.0 else value
    if isinstance(value, dict):
        return {k: _scaled(v, scale, where=where, source=source) for k, v in value.items()}
    raise InputError(f"{where}: expected a number or a table of numbers, got {value!r}", source=source)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("result file not found", source=str(path)) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg})", source=str(path),
                         location=f"line {exc.lineno}, column {exc.colno}") from exc
