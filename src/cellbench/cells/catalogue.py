"""The standard-cell catalogue: versioned YAML documents in `data/`, one per cell and version.

`load("std-2.1")` gives the newest version; `load("std-2.1@1.0")` a given one; a path loads a user's design.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from packaging.version import InvalidVersion, Version

from cellbench.cells.design import CellDesign
from cellbench.documents import parse_model, read_yaml
from cellbench.errors import InputError, NotFound

DATA_DIR = Path(__file__).parent / "data"


def load_file(path: str | Path) -> CellDesign:
    """Load and check a cell design file; errors name the file and the field."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("a cell design file must be a mapping of fields", source=str(path))
    design = parse_model(CellDesign, data, source=str(path))
    try:
        design.check_materials()
    except InputError as exc:
        raise InputError(str(exc), source=str(path)) from None
    return design


def _version_key(v: str):
    try:
        return (1, Version(v))
    except InvalidVersion:
        return (0, v)


@lru_cache(maxsize=None)
def _catalogue() -> dict[str, dict[str, CellDesign]]:
    cells: dict[str, dict[str, CellDesign]] = {}
    for path in sorted(DATA_DIR.rglob("*.yaml")):
        design = load_file(path)
        cells.setdefault(design.id, {})[design.version] = design
    return cells


def list_cells() -> list[CellDesign]:
    """The newest version of every catalogue cell."""
    return [load(cid) for cid in _catalogue()]


def versions(cell_id: str) -> list[str]:
    return sorted(_catalogue().get(cell_id, {}), key=_version_key)


def load(ref: str | Path) -> CellDesign:
    ref_str = str(ref)
    if ref_str.endswith((".yaml", ".yml")) or Path(ref_str).is_file():
        return load_file(ref_str)
    cell_id, _, version = ref_str.partition("@")
    known = _catalogue()
    if cell_id not in known:
        raise NotFound(f"unknown cell '{cell_id}'; catalogue cells: {', '.join(sorted(known))}")
    if version:
        if version not in known[cell_id]:
            raise NotFound(f"cell '{cell_id}' has no version '{version}'; versions: {', '.join(versions(cell_id))}")
        return known[cell_id][version]
    return known[cell_id][versions(cell_id)[-1]]
