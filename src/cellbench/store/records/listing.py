"""Pages of the records a reader may read, newest first, each record in its kind's view.

One query per page with the read rule in its WHERE; the statements of the common shapes are built once with bound
parameters (:func:`_page_statement`), since building an expression and its cache key per request costs about as
much as SQLite's answer.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from cellbench.store.models import Organisation
from cellbench.store.records.registry import KINDS, OWNER_KEY, plain_views
from cellbench.store.records.rule import Reader, rule_parameters, visible, visible_rule


class OrganisationNames:
    """Organisation names by id, read from the database once per process and again only when an id is new to it.

    Organisations are created, never renamed or removed, so a name once read stays right; asking the database on
    every request would cost a query per page."""

    def __init__(self, db: Session, names: dict[int, str]):
        self._db, self._names = db, names

    def get(self, organisation_id: int | None, default: str | None = None) -> str | None:
        if organisation_id is None:
            return default
        if organisation_id not in self._names:  # created since the last read (by this or another process)
            self._names.clear()
            self._names.update(_read_names(self._db))
        return self._names.get(organisation_id, default)

    def __getitem__(self, organisation_id: int) -> str:
        name = self.get(organisation_id)
        if name is None:
            raise KeyError(organisation_id)
        return name


_NAMES: "weakref.WeakKeyDictionary[Any, dict[int, str]]" = weakref.WeakKeyDictionary()


def _read_names(db: Session) -> dict[int, str]:
    return dict(db.execute(select(Organisation.id, Organisation.name)).all())  # type: ignore[arg-type]


def org_names(db: Session) -> OrganisationNames:
    """Organisation names by id (``.get(id)``), cached per database engine (see :class:`OrganisationNames`)."""
    names = _NAMES.get(db.get_bind())
    if names is None:
        names = _NAMES[db.get_bind()] = {}
    return OrganisationNames(db, names)


def listing(db: Session, kind: str, reader: Reader, *, filters=(), equal: dict[str, Any] | None = None,
            limit: int, offset: int = 0, after: int | None = None, with_total: bool = False) -> dict[str, Any]:
    """A page of the records the reader may read, newest first, in one query with the access rule in its WHERE.

    Keyset paging: ``after`` (the previous page's ``next_after``) starts below that id, at the cost of one page
    whatever the depth; ``offset`` skips rows and costs the rows skipped. ``next_after``/``next_offset`` are None on
    the last page; ``total`` (a count over every readable record, the costliest part of a list) only when asked for.
    ``equal``: column name → value conditions, which (unlike ``filters``, any SQL conditions) keep to the statement
    built once per shape (:func:`_page_statement`).
    """
    entry = KINDS[kind]
    model = entry.model
    equal = {name: value for name, value in (equal or {}).items() if value is not None}
    # plain column rows, not ORM objects, read through the Core connection: the views read attributes only, and
    # the ORM's result handling would cost as much as the query itself
    if filters:
        where = [visible(kind, reader), *filters,
                 *(model.__table__.c[name] == value for name, value in equal.items())]
        page_where = where + ([model.id < after] if after is not None else [])
        rows = db.connection().execute(select(*_listed_columns(kind)).where(*page_where).order_by(model.id.desc())
                                       .limit(limit + 1).offset(offset)).all()
    else:
        statement = _page_statement(kind, bool(reader.consortium_ids), tuple(sorted(equal)), after is not None)
        rows = db.connection().execute(statement, {**rule_parameters(reader), "limit": limit + 1,
                                                   "offset": offset, "after": after,
                                                   **{f"equal_{name}": value for name, value in equal.items()}}).all()
    orgs = org_names(db)
    more = len(rows) > limit
    if entry.columns is not None:  # the view is the selected values under their keys
        items: list[Any] = plain_views(entry.columns, rows[:limit], orgs)
        last_id = items[-1]["id"] if more else None
    else:
        items = [entry.view(r, orgs) for r in rows[:limit]]
        last_id = rows[limit - 1].id if more else None
    page = {"limit": limit, "offset": offset, "next_offset": offset + limit if more else None,
            "next_after": last_id, "items": items}
    if with_total:  # the condition as an expression only here: building it costs about as much as the page query
        where = [visible(kind, reader), *filters, *(model.__table__.c[name] == value for name, value in equal.items())]
        page["total"] = db.scalar(select(func.count()).select_from(model).where(*where))
    return page


def _listed_columns(kind: str) -> list[Any]:
    """What a page query selects: the columns of the kind's plain view in its order (the owner's id in the place of
    ``organisation``), else every column of the table (the view reads them by name)."""
    entry = KINDS[kind]
    table = entry.model.__table__
    if entry.columns is None:
        return list(table.columns)
    return [table.c["owner_organisation_id" if key == OWNER_KEY else key] for key in entry.columns]


_PAGE_STATEMENTS: dict[tuple, Any] = {}


def _page_statement(kind: str, with_consortia: bool, equal: tuple[str, ...], keyset: bool):
    """A page query of ``kind`` with the access rule, equality conditions on the named columns and optionally a
    keyset start, built once per shape with bound parameters: building the expression and its cache key on every
    request cost about as much as SQLite's answer."""
    key = (kind, with_consortia, equal, keyset)
    if key not in _PAGE_STATEMENTS:
        model = KINDS[kind].model
        conditions = [visible_rule(kind, with_consortia),
                      *(model.__table__.c[name] == bindparam(f"equal_{name}") for name in equal)]
        if keyset:
            conditions.append(model.id < bindparam("after"))
        _PAGE_STATEMENTS[key] = (select(*_listed_columns(kind)).where(*conditions).order_by(model.id.desc())
                                 .limit(bindparam("limit")).offset(bindparam("offset")))
    return _PAGE_STATEMENTS[key]
