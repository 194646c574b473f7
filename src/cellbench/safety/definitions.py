"""Safety test definitions (IEC 62660-2/-3 and user-written tests) as versioned YAML documents.

A definition holds the test conditions, the pass criteria as checks on observations (``fire: false``,
``minutes_from_warning_to_cabin_hazard >= 5``) and whether the test applies to liquid and to all-solid-state
cells. The built-in catalogue lives in ``safety/data/tests/``; users add their own files or folders.

>>> from cellbench.safety import load_catalogue
>>> catalogue = load_catalogue()
>>> catalogue.get("forced_internal_short").applicability.all_solid_state.replaced_by
'ni_nail'
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cellbench.documents import load_model
from cellbench.errors import InputError, NotFound

BUILTIN_DIR = Path(__file__).parent / "data" / "tests"
EXAMPLES_DIR = Path(__file__).parent / "data" / "examples"

CellKind = Literal["liquid", "all_solid_state"]


class Check(BaseModel):
    """One condition on one observation: a yes/no observation must equal a value, or a number must lie in bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    observation: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    equals: bool | None = None
    at_least: float | None = None
    at_most: float | None = None
    unit: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> "Check":
        if self.equals is None and self.at_least is None and self.at_most is None:
            raise ValueError("a check needs 'equals', 'at_least' or 'at_most'")
        if self.equals is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("a check is either 'equals' (yes/no) or numeric bounds, not both")
        return self

    def describe(self) -> str:
        if self.equals is not None:
            return f"{self.observation} = {'yes' if self.equals else 'no'}"
        unit = f" {self.unit}" if self.unit else ""
        parts = []
        if self.at_least is not None:
            parts.append(f"≥ {self.at_least:g}{unit}")
        if self.at_most is not None:
            parts.append(f"≤ {self.at_most:g}{unit}")
        return f"{self.observation} " + " and ".join(parts)


class PassCriterion(BaseModel):
    """A named set of checks that must all hold; a test passes when any one of its criteria holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    all_of: list[Check] = Field(min_length=1)


class Applicability(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    applies: bool
    note: str | None = None
    replaced_by: str | None = None


class ApplicabilityByCell(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    liquid: Applicability
    all_solid_state: Applicability


class SafetyTestDefinition(BaseModel):
    """One safety test: conditions, pass criteria and applicability, with a version and a source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    version: int = Field(ge=1)
    name: str
    standard: str
    description: str = ""
    conditions: dict[str, float | int | str] = Field(default_factory=dict)
    pass_criteria: list[PassCriterion] = Field(min_length=1)
    applicability: ApplicabilityByCell
    source: str

    def observations_needed(self) -> list[str]:
        """Every observation named by any criterion, in order of first mention."""
        seen: dict[str, None] = {}
        for criterion in self.pass_criteria:
            for check in criterion.all_of:
                seen.setdefault(check.observation, None)
        return list(seen)

    def applies_to(self, cell_kind: CellKind) -> bool:
        return getattr(self.applicability, cell_kind).applies


class SafetyCatalogue:
    """Definitions by id and version; the newest version answers when none is asked for."""

    def __init__(self, definitions: Iterable[tuple[SafetyTestDefinition, str]] = ()):
        self._by_key: dict[tuple[str, int], SafetyTestDefinition] = {}
        self._origin: dict[tuple[str, int], str] = {}
        for definition, origin in definitions:
            self.add(definition, origin=origin)

    def add(self, definition: SafetyTestDefinition, *, origin: str = "<memory>") -> None:
        key = (definition.id, definition.version)
        if key in self._by_key and self._by_key[key] != definition:
            raise InputError(f"safety test '{definition.id}' version {definition.version} is already defined "
                             f"differently in {self._origin[key]}; give the new one a higher version",
                             source=origin)
        self._by_key[key] = definition
        self._origin[key] = origin

    def ids(self) -> list[str]:
        return sorted({test_id for test_id, _ in self._by_key})

    def versions(self, test_id: str) -> list[int]:
        return sorted(v for i, v in self._by_key if i == test_id)

    def get(self, test_id: str, version: int | None = None) -> SafetyTestDefinition:
        versions = self.versions(test_id)
        if not versions:
            raise NotFound(f"no safety test '{test_id}'; known tests: {', '.join(self.ids())}")
        if version is None:
            return self._by_key[(test_id, versions[-1])]
        if version not in versions:
            raise NotFound(f"safety test '{test_id}' has no version {version}; known versions: "
                           f"{', '.join(map(str, versions))}")
        return self._by_key[(test_id, version)]

    def origin(self, test_id: str, version: int) -> str:
        return self._origin[(test_id, version)]

    def latest(self) -> list[SafetyTestDefinition]:
        """The newest version of every test, sorted by id."""
        return [self.get(test_id) for test_id in self.ids()]

    def applicable(self, cell_kind: CellKind) -> list[SafetyTestDefinition]:
        return [d for d in self.latest() if d.applies_to(cell_kind)]


def load_definition(path: str | Path) -> SafetyTestDefinition:
    """Read one definition file; errors name the file and the field."""
    return load_model(SafetyTestDefinition, path)


def _definition_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    if not path.exists():
        raise InputError("file or folder not found", source=str(path))
    return [path]


def load_catalogue(extra: Iterable[str | Path] = ()) -> SafetyCatalogue:
    """The built-in definitions plus user files or folders of ``*.yaml`` definitions.

    >>> load_catalogue([EXAMPLES_DIR]).get("unr100_laser_internal_short").version
    1
    """
    catalogue = SafetyCatalogue()
    for path in [BUILTIN_DIR, *map(Path, extra)]:
        for file in _definition_files(path):
            catalogue.add(load_definition(file), origin=str(file))
    return catalogue
