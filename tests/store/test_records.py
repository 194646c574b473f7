"""Stored records (cellbench.store.records): one tier list, one read rule written three ways that agree, grants and
access changes, and a registry every kind of record is declared in."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from cellbench.errors import AccessDenied, InputError, NotFound
from cellbench.store.models import Base, Test
from cellbench.store.platform import Consortium, ConsortiumMember, PlatformMaterial, RecordGrant, Sample
from cellbench.store.records import ACCESS_TIERS, KINDS, check_tier
from cellbench.store.records.audit import close_writer
from cellbench.store.records.grants import grants, set_access
from cellbench.store.records.listing import listing
from cellbench.store.records.rule import fetch_row, readable, rule_parameters, visible, visible_rule
from cellbench.store.records.tiers import tier_constraint

ORGANISATIONS = ("maker", "partner", "club-member", "outsider")


@dataclass(frozen=True)
class Org:
    """An organisation reading on its own behalf (what the rule needs of a reader)."""

    organisation_id: int
    organisation: str
    consortium_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None


@pytest.fixture
def world(store):
    """Four organisations (club-member in consortium 'club'), and one test record of maker's per tier and grant
    set: every combination the rule distinguishes."""
    with store.session() as db:
        ids = {name: store.organisation_id(db, name) for name in ORGANISATIONS}
        club = Consortium(name="club")
        db.add(club)
        db.flush()
        db.add(ConsortiumMember(consortium_id=club.id, organisation_id=ids["club-member"]))
        records = []  # (id, tier, granted organisations, granted consortia)
        for n, (tier, to_partner, to_club) in enumerate(itertools.product(ACCESS_TIERS, (False, True), (False, True))):
            row = Test(content_hash=f"{n:064x}", row_count=1, access_tier=tier, owner_organisation_id=ids["maker"])
            db.add(row)
            db.flush()
            if to_partner:
                db.add(RecordGrant(record_kind="test", record_id=row.id, organisation_id=ids["partner"]))
            if to_club:
                db.add(RecordGrant(record_kind="test", record_id=row.id, consortium_id=club.id))
            records.append((row.id, tier, ["partner"] if to_partner else [], ["club"] if to_club else []))
        db.commit()
        readers = {name: Org(i, name, frozenset({club.id}) if name == "club-member" else frozenset())
                   for name, i in ids.items()}
    yield store, readers, records
    close_writer(store.engine)  # the audit writer of reads made here


def test_the_read_rule_in_python_and_in_both_sql_forms_agrees(world):
    store, readers, records = world
    seen = {}
    with store.session() as db:
        for name, reader in readers.items():
            by_literal = set(db.scalars(select(Test.id).where(visible("test", reader))))
            by_parameters = {row.id for row in db.connection().execute(
                select(Test.id).where(visible_rule("test", bool(reader.consortium_ids))), rule_parameters(reader))}
            by_names = {record_id for record_id, tier, orgs, consortia in records
                        if readable(tier, owner="maker", reader=name, granted_organisations=orgs,
                                    granted_consortia=consortia,
                                    reader_consortia=["club"] if reader.consortium_ids else [])}
            assert by_literal == by_parameters == by_names, name
            seen[name] = len(by_names)
    # and the rule is the one documented: maker reads its 16, partner the 4 public and the 2 named-to-it, the club
    # member the 4 public and the 2 consortium-shared-with-club, an outsider the public ones only
    assert seen == {"maker": 16, "partner": 6, "club-member": 6, "outsider": 4}


def test_a_hidden_record_is_not_found_and_a_shared_one_is_not_the_readers_to_change(world):
    store, readers, records = world
    private = next(r for r, tier, orgs, consortia in records if tier == "private")
    named = next(r for r, tier, orgs, consortia in records if tier == "named" and orgs)
    with store.session() as db:
        with pytest.raises(NotFound, match=f"no test with id {private}"):
            fetch_row(db, "test", private, readers["partner"], via="api")
        assert fetch_row(db, "test", named, readers["partner"], via="api").id == named
        with pytest.raises(NotFound):
            set_access(db, "test", private, readers["partner"], "public")
        with pytest.raises(AccessDenied, match="owner organisation"):
            set_access(db, "test", named, readers["partner"], "public")
        with pytest.raises(InputError, match="tier must be one of private, named, consortium, public"):
            set_access(db, "test", named, readers["maker"], "secret")
        with pytest.raises(InputError, match="needs at least one organisation"):
            set_access(db, "test", named, readers["maker"], "named")
        # the named tier keeps organisation grants only: the consortium grant goes
        set_access(db, "test", named, readers["maker"], "named", organisations=["outsider"], consortia=["club"])
        assert grants(db, "test", named) == {"organisations": ["outsider"], "consortia": []}
        assert fetch_row(db, "test", named, readers["outsider"], via="api").access_tier == "named"
        with pytest.raises(NotFound):
            fetch_row(db, "test", named, readers["partner"], via="api")


def test_a_submitted_sample_and_its_material_are_readable_by_the_centre(store):
    with store.session() as db:
        provider, centre, other = (store.organisation_id(db, n) for n in ("provider", "centre", "other"))
        material = PlatformMaterial(name="LPSCl", role="solid_electrolyte", provider="provider", datasheet_json="{}",
                                    owner_organisation_id=provider)
        db.add(material)
        db.flush()
        db.add(Sample(material_id=material.id, lot="7", submitted_to_organisation_id=centre,
                      owner_organisation_id=provider))
        db.commit()
        for kind in ("sample", "material"):
            assert listing(db, kind, Org(centre, "centre"), limit=10)["items"], kind
            assert not listing(db, kind, Org(other, "other"), limit=10)["items"], kind


def test_every_kind_is_a_tiered_owned_table_and_the_tiers_are_defined_once():
    for name, kind in KINDS.items():
        columns = set(kind.table.c.keys())
        assert {"id", "owner_organisation_id", "access_tier"} <= columns, name
    # the tables that check their tier at all check it against the one list
    checks = {c.sqltext.text for table in Base.metadata.tables.values() for c in table.constraints
              if getattr(c, "name", None) and str(c.name).endswith("access_tier")}
    assert checks == {tier_constraint()}
    assert check_tier("consortium") == "consortium"
    with pytest.raises(InputError, match="access_tier"):
        check_tier("everyone", location="access_tier")


def test_the_api_body_offers_exactly_the_stores_tiers():
    from cellbench.web.deps import AccessChange

    assert AccessChange.model_json_schema()["properties"]["tier"]["enum"] == list(ACCESS_TIERS)
