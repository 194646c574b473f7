"""Safety test records in the store (kind ``safety``): judged once when kept, under the tiers of every record.

A kept record holds three things: the record as submitted, the verdict against the definition version it names
(judged when kept, so a later definition version does not silently change an old result), and, when the test came
with a heat-wait-search ARC run, that run's analysis. One organisation keeping the same record twice gets the row it
already has (:func:`cellbench.safety.records.record_digest` covers the record and the ARC figures), so re-running an
import is safe.

:func:`store_record` and the readers of a row trust their caller on who may read it; the read rule
(:mod:`cellbench.store.records.rule`) decides that. :func:`evaluation_safety_section` applies it itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench.errors import NotFound
from cellbench.safety.definitions import SafetyCatalogue, load_catalogue
from cellbench.safety.records import SafetyTestRecord, Verdict, judge, record_digest
from cellbench.safety.report import safety_rows
from cellbench.store.platform import ConsortiumMember, RecordGrant, SafetyRecordRow, Sample
from cellbench.store.records.rule import Reader, visible
from cellbench.store.records.tiers import check_tier


def store_record(db: Session, record: SafetyTestRecord, *, owner_organisation_id: int,
                 catalogue: SafetyCatalogue | None = None, arc: dict | None = None, sample_id: int | None = None,
                 access_tier: str = "private", created_by_user_id: int | None = None) -> tuple[SafetyRecordRow, bool]:
    """Judge ``record`` and keep it; returns (row, created). The same record again is (existing row, False).

    ``arc`` is an ARC analysis (``ArcResult.to_dict()``) to keep with the record; ``sample_id`` links it to a
    platform sample so that the sample's evaluation reports include it. The row is flushed, not committed: the
    caller commits it together with anything that belongs to it (an attached file), or rolls all back.
    """
    check_tier(access_tier)
    if sample_id is not None and db.get(Sample, sample_id) is None:
        raise NotFound(f"no sample with id {sample_id}", location="sample_id")
    verdict = judge(record, catalogue or load_catalogue())
    digest = record_digest(record, arc)
    existing = db.scalar(select(SafetyRecordRow).where(SafetyRecordRow.owner_organisation_id == owner_organisation_id,
                                                       SafetyRecordRow.record_sha256 == digest))
    if existing is not None:
        return existing, False
    row = SafetyRecordRow(record_sha256=digest, test=verdict.test, test_version=verdict.test_version,
                          sample_label=record.sample, sample_id=sample_id, cell_kind=record.cell_kind,
                          status=verdict.status, record_json=record.model_dump_json(),
                          verdict_json=verdict.model_dump_json(), arc_json=json.dumps(arc) if arc else None,
                          access_tier=access_tier, owner_organisation_id=owner_organisation_id,
                          created_by_user_id=created_by_user_id)
    db.add(row)
    db.flush()
    return row, True


def verdict_of(row: Any) -> Verdict:
    return Verdict.model_validate_json(row.verdict_json)


def record_of(row: Any) -> SafetyTestRecord:
    return SafetyTestRecord.model_validate_json(row.record_json)


def arc_of(row: Any) -> dict | None:
    return json.loads(row.arc_json) if row.arc_json else None


def section_from_rows(rows: Sequence[Any]) -> dict:
    """The report's safety section (as :func:`cellbench.safety.safety_section` makes it) from kept rows,
    each record row carrying its store id."""
    records = [r | {"record_id": row.id} for r, row in zip(safety_rows([verdict_of(x) for x in rows]), rows)]
    return {"records": records, "arc": [json.loads(row.arc_json) | {"record_id": row.id} for row in rows if row.arc_json]}


@dataclass(frozen=True)
class _Organisation:
    """An organisation as a reader (for rules applied on its behalf, not by a signed-in user)."""

    organisation_id: int
    consortium_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    organisation: str = ""


def evaluation_safety_section(db: Session, run: Any) -> dict:
    """The safety section of an evaluation's report: records linked to the evaluated sample that every
    organisation able to read the evaluation (its owner and the organisations it is shared with) may read, so the
    report never shows a reader a record they could not open. Taken when the report is written."""
    readers: set[int] = {run.owner_organisation_id} | {granted for granted in db.scalars(
        select(RecordGrant.organisation_id).where(RecordGrant.record_kind == "evaluation",
                                                  RecordGrant.record_id == run.id)) if granted is not None}
    query = select(SafetyRecordRow).where(SafetyRecordRow.sample_id == run.sample_id)
    for organisation_id in sorted(readers):
        consortia = frozenset(db.scalars(select(ConsortiumMember.consortium_id)
                                         .where(ConsortiumMember.organisation_id == organisation_id)))
        query = query.where(visible("safety", _Organisation(organisation_id, consortia)))
    return section_from_rows(db.scalars(query.order_by(SafetyRecordRow.id)).all())


def sample_safety_records(db: Session, sample_id: int, reader: Reader) -> list[SafetyRecordRow]:
    """The safety records of a sample the reader may read, oldest first."""
    return list(db.scalars(select(SafetyRecordRow).where(SafetyRecordRow.sample_id == sample_id,
                                                         visible("safety", reader))
                           .order_by(SafetyRecordRow.id)))
