"""The reference material library (YAML files in `data/`) and loading of user material files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar, overload

from cellbench.documents import read_yaml
from cellbench.errors import InputError, NotFound, closest_choice
from cellbench.materials.records import MATERIAL_ADAPTER, MaterialBase

DATA_DIR = Path(__file__).parent / "data"
Record = TypeVar("Record", bound=MaterialBase)


def _parse(data, source: str) -> MaterialBase:
    if not isinstance(data, dict):
        raise InputError("a material file must be a mapping of fields", source=source)
    from pydantic import ValidationError

    from cellbench.documents import validation_message

    try:
        return MATERIAL_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise InputError(validation_message(exc), source=source) from exc


def load_file(path: str | Path) -> MaterialBase:
    """Load a material record from a YAML file (a user's new material, for example)."""
    return _parse(read_yaml(path), str(path))


@lru_cache(maxsize=None)
def _library() -> dict[str, MaterialBase]:
    records = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        record = load_file(path)
        if record.id != path.stem:
            raise InputError(f"id '{record.id}' must match the file name '{path.stem}'", source=str(path))
        records[record.id] = record
    return records


def list_materials(role: str | None = None) -> list[MaterialBase]:
    return [m for m in _library().values() if role is None or m.role == role]


@overload
def load(ref: str | Path | MaterialBase) -> MaterialBase: ...
@overload
def load(ref: str | Path | MaterialBase, kind: type[Record]) -> Record: ...
def load(ref: str | Path | MaterialBase, kind: type[MaterialBase] = MaterialBase) -> MaterialBase:
    """A material by library id (``"ncm811"``) or by path to a YAML file; ``kind`` (a record class such as
    ``ActiveMaterial``) is the role the caller needs: another role is an InputError, and type checkers know the result.

    >>> from cellbench.materials import ActiveMaterial, SolidElectrolyte
    >>> load("ncm811", ActiveMaterial).stoichiometry_at_100_soc
    0.2157
    >>> load("ncm811", SolidElectrolyte)
    Traceback (most recent call last):
    cellbench.errors.InputError: material 'ncm811' is a cathode_active; expected a SolidElectrolyte here
    """
    return of_kind(_load(ref), kind)


def of_kind(record: MaterialBase, kind: type[Record]) -> Record:
    """``record`` as a ``kind`` (its role's record class), or an InputError that names both roles."""
    if not isinstance(record, kind):
        raise InputError(f"material '{record.id}' is a {record.role}; expected a {kind.__name__} here")
    return record


def _load(ref: str | Path | MaterialBase) -> MaterialBase:
    if isinstance(ref, MaterialBase):
        return ref
    ref_str = str(ref)
    if isinstance(ref, str) and not ref_str.endswith((".yaml", ".yml")) and ref_str in _library():
        return _library()[ref_str]  # a known id: no look at the file system (a design asks thousands of times)
    if ref_str.endswith((".yaml", ".yml")) or Path(ref_str).is_file():
        return load_file(ref_str)
    try:
        return _library()[ref_str]
    except KeyError:
        known = ", ".join(sorted(_library()))
        raise NotFound(f"unknown material '{ref_str}'{closest_choice(ref_str, _library())}; known materials: {known}") from None
