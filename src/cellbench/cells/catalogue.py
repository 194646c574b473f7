"""The standard-cell catalogue: versioned YAML documents in `data/`, one per cell and version.

`load("std-2.1")` gives the newest version; `load("std-2.1@1.0")` a given one; a path loads a user's design.

A catalogue document says which of its values were solved rather than taken from a publication
(`solved_for`: layer field -> the figure and value it was solved to give) and which published figures are lower
bounds (`published_lower_bounds`). Every published figure that no value was solved for is a prediction:
:func:`predictions` gives each with its deviation from the published figure, and with the miss the document reports
(`discrepancies`: figure -> deviation and why) when it misses; :mod:`cellbench.cells.reconciliation` says what
volume or value would close a Wh/L gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from pathlib import Path

from packaging.version import InvalidVersion, Version

from cellbench.cells.design import CellDesign, DesignBasis, Discrepancy, SolvedValue
from cellbench.documents import parse_model, read_yaml
from cellbench.errors import InputError, NotFound, closest_choice

DATA_DIR = Path(__file__).parent / "data"
#: how far a predicted figure may sit from the published one and still count as reproduced
PREDICTION_TOLERANCE = 0.10

@dataclass(frozen=True)
class Prediction:
    """A published figure and the figure the design predicts for it (nothing in the design was solved for it)."""

    figure: str
    predicted: float
    published: float
    lower_bound: bool
    #: the miss the catalogue document reports for this figure, and why (None: the document reports none)
    documented: Discrepancy | None = dataclass_field(default=None, compare=False)

    @property
    def deviation(self) -> float:
        """(predicted − published) / published."""
        return self.predicted / self.published - 1.0

    @property
    def reproduced(self) -> bool:
        if self.lower_bound:
            return self.deviation >= -PREDICTION_TOLERANCE
        return abs(self.deviation) <= PREDICTION_TOLERANCE


def load_file(path: str | Path) -> CellDesign:
    """Load and check a cell design file; errors name the file and the field."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError("a cell design file must be a mapping of fields", source=str(path))
    design = parse_model(CellDesign, data, source=str(path))
    for field in design.solved_for:
        if not isinstance(_field_value(design, field), (int, float)):
            raise InputError(f"solved_for names '{field}', which is not a numeric field of the design "
                             "(expected e.g. cathode.thickness_um)", source=str(path), location="field 'solved_for'")
    try:
        design.check_materials()
    except InputError as exc:
        raise InputError(str(exc), source=str(path)) from None
    return design


def _field_value(design: CellDesign, dotted: str):
    value = design
    for part in dotted.split("."):
        value = getattr(value, part, None)
    return value


def design_basis(design: CellDesign) -> DesignBasis:
    """The solved values and lower bounds the design states (empty for a design built in code or derived)."""
    return DesignBasis(solved_for=design.solved_for, published_lower_bounds=design.published_lower_bounds)


def solved_for(design: CellDesign) -> dict[str, SolvedValue]:
    """Design fields that were solved to give a figure, e.g. {'cathode.thickness_um': capacity_mAh = 8}."""
    return dict(design_basis(design).solved_for)


def predictions(design: CellDesign) -> list[Prediction]:
    """Each published figure that no design value was solved to give, beside the design's figure for it.

    Wh/L is taken on the published basis. A rated energy (`nominal.rated_discharge_C`: Wh/L and Wh/kg) is left to
    a simulated discharge at that rate (tests/simulate/test_rated_energy.py), as the design's open-circuit energy is
    not what was rated.
    """
    from cellbench.cells.figures import figures

    n = design.nominal
    if n is None:
        return []
    basis = design_basis(design)
    solved = {s.figure for s in basis.solved_for.values()}
    f = figures(design)
    out = []
    candidates = [("capacity_mAh", "capacity_mAh", n.capacity_mAh)]
    if not n.rated_discharge_C:
        candidates += [("wh_per_l", f"wh_per_l_{n.wh_per_l_basis}", n.wh_per_l), ("wh_per_kg", "wh_per_kg", n.wh_per_kg)]
    for published_name, figure, published in candidates:
        if published is None or figure in solved:
            continue
        out.append(Prediction(figure, getattr(f, figure), published, published_name in basis.published_lower_bounds,
                              next((d for name, d in design.discrepancies.items() if name == figure), None)))
    return out


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
        raise NotFound(f"unknown cell '{cell_id}'{closest_choice(cell_id, known)}; "
                       f"catalogue cells: {', '.join(sorted(known))}")
    if version:
        if version not in known[cell_id]:
            raise NotFound(f"cell '{cell_id}' has no version '{version}'; versions: {', '.join(versions(cell_id))}")
        return known[cell_id][version]
    return known[cell_id][versions(cell_id)[-1]]
