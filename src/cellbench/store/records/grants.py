"""Grants: who else may read a record on the ``named`` tier (organisations) or ``consortium`` tier (consortia), and
changing a record's tier together with its grants.

A grant is a row of ``record_grants`` naming the record by kind and id and one grantee. On the ``named`` tier only
organisation grants count, on the ``consortium`` tier only consortium grants (:func:`set_access` keeps only those).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from cellbench.errors import AccessDenied, InputError, NotFound
from cellbench.store.models import Organisation
from cellbench.store.platform import Consortium, RecordGrant
from cellbench.store.records.rule import Reader, fetch
from cellbench.store.records.tiers import check_tier


def grants(db: Session, kind: str, record_id: int) -> dict[str, list[str]]:
    """Who a record is shared with: organisation and consortium names."""
    rows = db.connection().execute(_GRANTEES, {"kind": kind, "record_id": record_id}).all()
    return {"organisations": sorted(o for o, _ in rows if o), "consortia": sorted(c for _, c in rows if c)}


# built once with bound parameters (every read of a record asks it; building it per call cost more than the query)
_GRANTEES = (select(Organisation.name, Consortium.name).select_from(RecordGrant)
             .outerjoin(Organisation, RecordGrant.organisation_id == Organisation.id)
             .outerjoin(Consortium, RecordGrant.consortium_id == Consortium.id)
             .where(RecordGrant.record_kind == bindparam("kind"), RecordGrant.record_id == bindparam("record_id")))


def set_access(db: Session, kind: str, record_id: int, reader: Reader, tier: str, *,
               organisations: Sequence[str] = (), consortia: Sequence[str] = ()) -> None:
    """Change a record's tier and grants and commit. Only members of the owner organisation may; a record the reader
    may not read is NotFound, one they may read but do not own AccessDenied."""
    check_tier(tier)
    row = fetch(db, kind, record_id, reader, via="api", action="read for access change")
    if row.owner_organisation_id != reader.organisation_id:
        raise AccessDenied(f"only {kind} {record_id}'s owner organisation may change who sees it")
    if tier == "named" and not organisations:
        raise InputError("the named tier needs at least one organisation", location="organisations")
    if tier == "consortium" and not consortia:
        raise InputError("the consortium tier needs a consortium", location="consortia")
    new_grants = []
    for name in organisations if tier == "named" else ():
        org_id = db.scalar(select(Organisation.id).where(Organisation.name == name))
        if org_id is None:
            raise NotFound(f"no organisation named '{name}'", location="organisations")
        new_grants.append(RecordGrant(record_kind=kind, record_id=record_id, organisation_id=org_id))
    for name in consortia if tier == "consortium" else ():
        consortium_id = db.scalar(select(Consortium.id).where(Consortium.name == name))
        if consortium_id is None or consortium_id not in reader.consortium_ids:
            raise NotFound(f"no consortium named '{name}' that {reader.organisation} belongs to",
                           location="consortia")
        new_grants.append(RecordGrant(record_kind=kind, record_id=record_id, consortium_id=consortium_id))
    for old in db.scalars(select(RecordGrant).where(RecordGrant.record_kind == kind,
                                                   RecordGrant.record_id == record_id)):
        db.delete(old)
    db.flush()
    db.add_all(new_grants)
    row.access_tier = tier
    db.commit()


def grant_organisation(db: Session, kind: str, record_id: int, organisation_id: int) -> None:
    """Stage a grant of one record to one organisation (the caller commits)."""
    db.add(RecordGrant(record_kind=kind, record_id=record_id, organisation_id=organisation_id))


def grantee_ids(db: Session, shared_with: Mapping[Any, Sequence[str]], *,
                location: str = "shared_with") -> list[tuple[str, int]]:
    """("organisation" | "consortium", id) for every name in ``shared_with`` (keys ``organisations``,
    ``consortia``); an unknown name is an InputError naming ``location.<key>``."""
    out = []
    for field, model, grantee in (("organisations", Organisation, "organisation"),
                                  ("consortia", Consortium, "consortium")):
        for name in dict.fromkeys(shared_with.get(field, [])):
            found = db.scalar(select(model.id).where(model.name == name))
            if found is None:
                raise InputError(f"no {grantee} named '{name}' in the store", location=f"{location}.{field}")
            out.append((grantee, found))
    return out


def replace_grants(db: Session, kind: str, record_id: int, grantees: list[tuple[str, int]]) -> None:
    """Stage the record's grants as exactly ``grantees`` (from :func:`grantee_ids`); the caller commits."""
    db.execute(delete(RecordGrant).where(RecordGrant.record_kind == kind, RecordGrant.record_id == record_id))
    db.add_all(RecordGrant(record_kind=kind, record_id=record_id,
                           organisation_id=grantee if grantee_kind == "organisation" else None,
                           consortium_id=grantee if grantee_kind == "consortium" else None)
               for grantee_kind, grantee in grantees)
