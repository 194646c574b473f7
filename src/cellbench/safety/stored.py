"""Safety test records in the SQL store: judged once when stored, kept under the platform's access tiers.

A stored record keeps three things: the record as submitted, the verdict against the definition version it names
(judged when stored, so a later definition version does not silently change an old result), and, when the test
came with a heat-wait-search ARC run, that run's analysis. One organisation storing the same record twice gets
the row it already has (``record_sha256`` covers the record and the ARC figures), so re-running an import is safe.

Who may read a row is decided by the web platform's access rules (``cellbench.web.access``, kind ``safety``);
these functions take an open session and trust their caller on that.

>>> from cellbench.safety import SafetyTestRecord
>>> len(record_digest(SafetyTestRecord(test="heating", sample="A1", observations={"fire": False}), None))
64
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench.errors import InputError, NotFound
from cellbench.safety.definitions import SafetyCatalogue, load_catalogue
from cellbench.safety.records import SafetyTestRecord, Verdict, judge
from cellbench.safety.report import safety_rows
from cellbench.store.models import ACCESS_TIERS
from cellbench.store.platform import Sample, SafetyRecordRow


def record_digest(record: SafetyTestRecord, arc: dict | None) -> str:
    """SHA-256 of the record's canonical JSON and its ARC figures: the identity of a stored record."""
    canonical = json.dumps({"record": record.model_dump(mode="json"), "arc": arc}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def store_record(db: Session, record: SafetyTestRecord, *, owner_organisation_id: int,
                 catalogue: SafetyCatalogue | None = None, arc: dict | None = None, sample_id: int | None = None,
                 access_tier: str = "private", created_by_user_id: int | None = None) -> tuple[SafetyRecordRow, bool]:
    """Judge ``record`` and keep it; returns (row, created). The same record again is (existing row, False).

    ``arc`` is an ARC analysis (``ArcResult.to_dict()``) to keep with the record; ``sample_id`` links it to a
    platform sample so that the sample's evaluation reports include it. The row is flushed, not committed: the
    caller commits it together with anything that belongs to it (an attached file), or rolls all back.
    """
    if access_tier not in ACCESS_TIERS:
        raise InputError(f"tier must be one of {', '.join(ACCESS_TIERS)}, not '{access_tier}'", location="tier")
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


def verdict_of(row: SafetyRecordRow) -> Verdict:
    return Verdict.model_validate_json(row.verdict_json)


def record_of(row: SafetyRecordRow) -> SafetyTestRecord:
    return SafetyTestRecord.model_validate_json(row.record_json)


def arc_of(row: SafetyRecordRow) -> dict | None:
    return json.loads(row.arc_json) if row.arc_json else None


def section_from_rows(rows: Sequence[SafetyRecordRow]) -> dict:
    """The report's safety section (as :func:`cellbench.safety.safety_section` makes it) from stored rows,
    each record row carrying its store id."""
    records = [r | {"record_id": row.id} for r, row in zip(safety_rows([verdict_of(x) for x in rows]), rows)]
    return {"records": records, "arc": [arc_of(row) | {"record_id": row.id} for row in rows if row.arc_json]}

