"""Battery passports in the store (kind ``passport``): kept, read back and shared under the tiers of every record.

A kept passport is its document as JSON, with owner and tier as columns so that the read rule can filter on them,
and the organisations and consortia of its ``shared_with`` as read grants. The document and the grants say the same
thing about sharing: :func:`save_passport` writes the grants from ``shared_with``, and :func:`set_passport_access`
writes ``access_tier`` and ``shared_with`` into the document in the same commit as the grants.

Who may open a passport goes by the tiers (:func:`cellbench.store.records.rule.readable`); what they then see goes
by the EU regulation's access levels (:func:`audience_of`, :func:`cellbench.sustainability.passport.view`).

>>> import tempfile; from cellbench.store import Store
>>> folder = tempfile.mkdtemp()
>>> with Store.open(f"sqlite:///{folder}/cb.db", data_dir=folder) as store:
...     load_passport("demo", store=store).id, list_passports(store=store)
('demo', ['demo'])
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cellbench.errors import AccessDenied, NotFound
from cellbench.store.models import utc_now
from cellbench.store.platform import PassportRecord, RecordGrant
from cellbench.store.records.grants import grantee_ids, replace_grants, set_access
from cellbench.store.records.rule import Reader, readable
from cellbench.store.records.tiers import check_tier
from cellbench.sustainability import passport as documents
from cellbench.sustainability.passport import DueDiligenceRecord, Passport


def _opened(store):
    """The given store, left open afterwards, or the default one, closed afterwards."""
    from cellbench.store.store import Store

    return nullcontext(store) if store is not None else Store.open()


def load_passport(battery_id: str, *, store=None) -> Passport:
    """A passport kept in the store by battery id; ``demo`` comes from the package until a changed copy is saved.
    ``store``: an open :class:`cellbench.store.Store` (default: the one ``Store.open()`` finds)."""
    with _opened(store) as store, store.session() as session:
        document = session.scalar(select(PassportRecord.document).where(PassportRecord.battery_id == battery_id))
        origin = store.url
    if document is not None:
        return documents.passport_from_json(document, f"{origin}, passport '{battery_id}'")
    if battery_id in documents.packaged_ids():
        return documents.packaged_passport(battery_id)
    raise NotFound(f"no passport for battery '{battery_id}' (in the store at {origin}; try 'demo')")


def save_passport(p: Passport, *, store=None) -> str:
    """Keep the passport in the store (one transaction: a reader never sees half a passport), under its owner
    organisation and access tier, with read grants for the organisations and consortia of ``shared_with`` (the
    web platform reads through those); a passport with the same battery id is replaced. Returns where it went.
    ``store``: an open :class:`cellbench.store.Store` (default: the one ``Store.open()`` finds)."""
    check_tier(p.access_tier, location="access_tier")
    with _opened(store) as store, store.session() as session:
        grantees = grantee_ids(session, p.shared_with)  # first: a refused name leaves the store as it was
        owner_id = store.organisation_id(session, p.owner)
        row = session.scalar(select(PassportRecord).where(PassportRecord.battery_id == p.id))
        if row is None:
            row = PassportRecord(battery_id=p.id)
            session.add(row)
        row.owner_organisation_id = owner_id
        row.access_tier = p.access_tier
        row.document = p.model_dump_json()
        row.updated_at = utc_now()
        session.flush()  # the row's id, for its grants
        replace_grants(session, "passport", row.id, grantees)
        session.commit()
        return f"passport '{p.id}' in {store.url}"


def list_passports(*, store=None) -> list[str]:
    """Battery ids of the kept passports and of those that ship with cellbench."""
    ids = set(documents.packaged_ids())
    with _opened(store) as store, store.session() as session:
        ids |= set(session.scalars(select(PassportRecord.battery_id)).all())
    return sorted(ids)


def set_sharing(p: Passport, tier: str, *, organisations: Sequence[str] = (), consortia: Sequence[str] = ()) -> Passport:
    """A copy of the passport shared as the platform's access form says: organisations count on the ``named``
    tier only and consortia on the ``consortium`` tier only (as :func:`~cellbench.store.records.grants.set_access`
    keeps its grants), so the document and the grants name the same readers.

    >>> from cellbench.sustainability.passport import packaged_passport
    >>> set_sharing(packaged_passport("demo"), "named", organisations=["recycler"], consortia=["abtc"]).shared_with
    {'organisations': ['recycler'], 'consortia': []}
    """
    shared = {"organisations": list(organisations) if tier == "named" else [],
              "consortia": list(consortia) if tier == "consortium" else []}
    return p.model_copy(update={"access_tier": check_tier(tier), "shared_with": shared})


def readable_by(p: Passport, organisation: str, consortia: Sequence[str] = ()) -> bool:
    """Whether an organisation (a member of ``consortia``) may open the passport, by the read rule over the
    document's ``owner``, ``access_tier`` and ``shared_with``.

    >>> from cellbench.sustainability.passport import packaged_passport
    >>> readable_by(packaged_passport("demo").model_copy(update={"access_tier": "named", "owner": "maker",
    ...             "shared_with": {"organisations": ["recycler"]}}), "recycler")
    True
    """
    return readable(p.access_tier, owner=p.owner or "", reader=organisation,
                    granted_organisations=p.shared_with.get("organisations", []),
                    granted_consortia=p.shared_with.get("consortia", []), reader_consortia=consortia)


def due_diligence(p: Passport, audience: str, *, organisation: str | None = None,
                  consortia: Sequence[str] = ()) -> list[DueDiligenceRecord]:
    """The due-diligence records (:func:`cellbench.sustainability.passport.due_diligence`) and, when an
    organisation is named, only if the passport's tier lets it open the passport."""
    if organisation is not None and not readable_by(p, organisation, consortia):
        raise AccessDenied(f"passport '{p.id}' is {p.access_tier}; {organisation} may not read it")
    return documents.due_diligence(p, audience)


def audience_of(db: Session, row: Any, reader: Reader) -> str:
    """The EU access level a reader of a passport they may open reads at (owner, grantee or public reader)."""
    if row.owner_organisation_id == reader.organisation_id:
        return "authorities"
    granted = (RecordGrant.organisation_id == reader.organisation_id if row.access_tier == "named" else
               RecordGrant.consortium_id.in_(sorted(reader.consortium_ids)) if row.access_tier == "consortium"
               else None)
    if granted is not None and db.scalar(select(RecordGrant.id).where(
            RecordGrant.record_kind == "passport", RecordGrant.record_id == row.id, granted).limit(1)) is not None:
        return "legitimate_interest"
    return "public"


def set_passport_access(db: Session, record_id: int, reader: Reader, tier: str, *,
                        organisations: Sequence[str] = (), consortia: Sequence[str] = ()) -> None:
    """Set a passport's tier and grants (owners only: NotFound if hidden, AccessDenied if only shared) and write the
    same sharing into its document, in one commit."""
    row = db.get(PassportRecord, record_id)
    if row is not None:
        # Staged in the session only: set_access checks who asks before it commits, and a refusal rolls it back.
        shared = set_sharing(documents.passport_from_json(row.document, f"passport {row.id}"), tier,
                             organisations=organisations, consortia=consortia)
        row.document = shared.model_dump_json()
        row.updated_at = utc_now()
    # Not flushed before set_access has read (and audited) the record: on SQLite a pending write would hold the
    # database lock the audit writer's own connection waits for.
    with db.no_autoflush:
        set_access(db, "passport", record_id, reader, tier, organisations=organisations, consortia=consortia)
