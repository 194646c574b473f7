"""Safety test records: what was observed on one cell or sample, judged against a test definition.

A record names the test (and optionally its version), the sample, and the observations (yes/no for leakage,
venting, fire, rupture, explosion; numbers where a criterion needs one), with optional measured traces.
:func:`judge` returns ``pass``, ``fail`` or ``incomplete`` with a reason for each criterion: a record that lacks an
observation a criterion needs is never judged ``pass``.

Records are YAML files; a trace with ``quantity: arc`` is a heat-wait-search ARC export beside the record and is
analysed with it (:func:`arc_from_traces`). The store keeps judged records (``cellbench.store.records.safety``),
one row per :func:`record_digest`.

>>> from cellbench.safety import SafetyTestRecord, judge, load_catalogue
>>> record = SafetyTestRecord(test="heating", sample="ASSB-001", observations={"fire": False, "explosion": False})
>>> judge(record, load_catalogue()).status
'pass'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cellbench.documents import load_model
from cellbench.errors import InputError
from cellbench.safety.arc import ArcResult, analyse_arc, read_arc_csv
from cellbench.safety.definitions import Check, SafetyCatalogue, SafetyTestDefinition

Status = Literal["pass", "fail", "incomplete"]
#: a trace with this quantity is a heat-wait-search ARC export (CSV), analysed with the record
ARC_QUANTITY = "arc"


class MeasuredTrace(BaseModel):
    """A time series recorded during the test (temperature, voltage, pressure), kept as a file beside the record."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str
    quantity: str
    note: str | None = None


class SafetyTestRecord(BaseModel):
    """The result of one safety test on one cell or sample."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    test: str
    test_version: int | None = Field(default=None, ge=1, description="definition version; newest if omitted")
    sample: str = Field(min_length=1, description="cell or sample identifier")
    cell_kind: Literal["liquid", "all_solid_state"] | None = None
    cell_design: str | None = None
    date: dt.date | None = None
    laboratory: str | None = None
    conditions: dict[str, float | int | str] = Field(default_factory=dict, description="conditions as run")
    observations: dict[str, bool | float | None] = Field(default_factory=dict)
    traces: list[MeasuredTrace] = Field(default_factory=list)
    notes: str | None = None


class CriterionResult(BaseModel):
    name: str
    holds: bool | None  # None: an observation it needs is missing
    reasons: list[str]


class Verdict(BaseModel):
    """The judgement of one record: status, the definition it was judged against, and why."""

    test: str
    test_version: int
    sample: str
    status: Status
    criteria: list[CriterionResult]
    reasons: list[str]
    warnings: list[str] = Field(default_factory=list)


def _evaluate(check: Check, observations: dict[str, bool | float | None]) -> tuple[bool | None, str]:
    value = observations.get(check.observation)
    if value is None:
        return None, f"missing observation '{check.observation}' (needed: {check.describe()})"
    if check.equals is not None:
        if not isinstance(value, bool):
            return None, f"observation '{check.observation}' must be yes/no (true/false), got {value!r}"
        ok = value == check.equals
        shown = "yes" if value else "no"
        return ok, f"{check.observation}: {shown} ({'meets' if ok else 'violates'} {check.describe()})"
    if isinstance(value, bool):
        return None, f"observation '{check.observation}' must be a number, got {value!r}"
    ok = (check.at_least is None or value >= check.at_least) and (check.at_most is None or value <= check.at_most)
    return ok, f"{check.observation}: {value:g} ({'meets' if ok else 'violates'} {check.describe()})"


def judge_against(record: SafetyTestRecord, definition: SafetyTestDefinition) -> Verdict:
    """Judge a record against one definition.

    A criterion holds if all its checks hold, fails if any check fails, and is undecided otherwise. The test
    passes if any criterion holds, fails if every criterion fails, and is incomplete otherwise.
    """
    results = []
    for criterion in definition.pass_criteria:
        outcomes = [_evaluate(check, record.observations) for check in criterion.all_of]
        values = [ok for ok, _ in outcomes]
        holds = False if False in values else (None if None in values else True)
        results.append(CriterionResult(name=criterion.name, holds=holds, reasons=[why for _, why in outcomes]))

    if any(r.holds is True for r in results):
        status: Status = "pass"
        held = next(r for r in results if r.holds)
        reasons = [f"meets '{held.name}'"]
    elif all(r.holds is False for r in results):
        status = "fail"
        reasons = [f"violates '{r.name}': " + "; ".join(w for w in r.reasons if "violates" in w) for r in results]
    else:
        status = "incomplete"
        reasons = [f"cannot judge '{r.name}': " + "; ".join(w for w in r.reasons if w.startswith(("missing", "observation")))
                   for r in results if r.holds is None]

    warnings = []
    if record.cell_kind and not definition.applies_to(record.cell_kind):
        applicability = getattr(definition.applicability, record.cell_kind)
        warnings.append(f"test '{definition.id}' does not apply to {record.cell_kind.replace('_', '-')} cells"
                        + (f" ({applicability.note})" if applicability.note else "")
                        + (f"; use '{applicability.replaced_by}'" if applicability.replaced_by else ""))
    known = set(definition.observations_needed())
    extra = sorted(set(record.observations) - known)
    if extra:
        warnings.append(f"observations not used by any criterion: {', '.join(extra)}")
    return Verdict(test=definition.id, test_version=definition.version, sample=record.sample, status=status,
                   criteria=results, reasons=reasons, warnings=warnings)


def judge(record: SafetyTestRecord, catalogue: SafetyCatalogue) -> Verdict:
    """Judge a record against the definition it names (the pinned version, or the newest)."""
    return judge_against(record, catalogue.get(record.test, record.test_version))


def load_record(path: str | Path) -> SafetyTestRecord:
    """Read a record YAML file; errors name the file and the field."""
    return load_model(SafetyTestRecord, path)


def arc_from_traces(record: SafetyTestRecord, folder: str | Path) -> ArcResult | None:
    """Analyse the record's ARC trace (``quantity: arc``, a CSV in ``folder``); None if the record has none."""
    arc_traces = [t for t in record.traces if t.quantity.strip().lower() == ARC_QUANTITY]
    if not arc_traces:
        return None
    if len(arc_traces) > 1:
        raise InputError(f"a record carries at most one ARC trace, found {len(arc_traces)}", location="traces")
    path = Path(folder) / arc_traces[0].path
    if not path.is_file():
        raise InputError(f"ARC trace '{arc_traces[0].path}' not found next to the record (looked for {path})",
                         location="traces")
    return analyse_arc(read_arc_csv(path))


def record_digest(record: SafetyTestRecord, arc: dict | None) -> str:
    """SHA-256 of the record's canonical JSON and its ARC figures: the identity of a kept record.

    >>> len(record_digest(SafetyTestRecord(test="heating", sample="A1", observations={"fire": False}), None))
    64
    """
    canonical = json.dumps({"record": record.model_dump(mode="json"), "arc": arc}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
