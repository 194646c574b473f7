"""The kinds of stored record, each declared once: its table, its view, who else may read it, and its audit.

A record kind is a row class with an integer ``id``, an ``owner_organisation_id`` and an ``access_tier`` (one of
:data:`~cellbench.store.records.tiers.ACCESS_TIERS`); its grants are rows of ``record_grants`` under the kind's
name. What differs between kinds is declared here:

- ``view``: the record as the API lists it, a typed dictionary (``StoredTestView``, ``MaterialView``...) of
  JSON-ready values, from a row (an ORM object or a plain row of the table's columns: views read attributes only)
  and the organisation names;
- ``also_readable``: readers the tiers alone do not cover (the evaluation centre a sample was submitted to);
- ``audited``: whether reads of its non-public records go to the audit log.

Adding a kind: its table (``platform.py``) and migration, an entry in :data:`KINDS` below, and its routes in
``cellbench.web.records``; the read rule, grants, access changes, audit and paged lists then hold for it.

>>> sorted(KINDS)
['evaluation', 'material', 'passport', 'safety', 'sample', 'test']
>>> KINDS["test"].model.__tablename__
'tests'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypedDict, cast

from sqlalchemy import ColumnElement, exists

from cellbench.errors import NotFound
from cellbench.store.models import Test
from cellbench.store.platform import EvaluationRun, PassportRecord, PlatformMaterial, SafetyRecordRow, Sample


class OrganisationNamesLike(Protocol):
    def get(self, organisation_id: int | None, default: str | None = None) -> str | None: ...


View = Callable[[Any, OrganisationNamesLike], Mapping[str, object]]


class _Owned(TypedDict):
    id: int
    access_tier: str
    organisation: str | None


class StoredTestView(_Owned):
    content_hash: str
    source_file: str | None
    vendor: str | None
    file_format: str | None
    cell_id: str | None
    channel: str | None
    start_time: datetime | None
    row_count: int
    duration_s: float | None
    outcome: str
    outcome_reason: str | None
    created_at: datetime


class MaterialView(_Owned):
    name: str
    role: str
    provider: str
    datasheet: dict[str, Any]
    created_at: datetime


class SampleView(_Owned):
    material_id: int
    lot: str
    quantity_g: float | None
    notes: str
    submitted_to: str | None
    created_at: datetime


class EvaluationView(_Owned):
    sample_id: int
    cell_id: str
    suite: str
    status: str
    progress_done: int
    progress_total: int
    error: str | None
    has_report: bool
    created_at: datetime
    finished_at: datetime | None


class SafetyRecordView(_Owned):
    test: str
    test_version: int
    sample: str
    sample_id: int | None
    cell_kind: str | None
    status: str
    has_arc: bool
    created_at: datetime


class PassportView(_Owned):
    battery_id: str
    model_number: str
    chemistry: str
    rated_capacity_Ah: float | None
    rated_energy_kWh: float | None
    updated_at: datetime


@dataclass(frozen=True)
class RecordKind:
    """One kind of stored record (see the module docstring)."""

    name: str
    model: Any
    view: View
    #: extra SQL conditions under which ``reader`` (an organisation id, or a bound parameter) may read a row
    also_readable: Callable[[Any], list[ColumnElement[bool]]] | None = None
    audited: bool = True
    #: when ``view`` is the row's columns as they are: the view's keys in order, ``organisation`` standing for the
    #: owner organisation's name; a page is then built from the selected values (:func:`plain_views`)
    columns: tuple[str, ...] | None = None

    @property
    def table(self):
        return self.model.__table__


#: the column of each key of a plain view (:attr:`RecordKind.columns`): its own, but the owner's id for its name
OWNER_KEY = "organisation"


def plain_view(keys: tuple[str, ...], row: Any, orgs: OrganisationNamesLike) -> dict[str, Any]:
    """The view whose keys are ``keys``: each the row's column of that name, ``organisation`` the owner's name
    (``row``: an ORM object or a row of the table, read by attribute)."""
    return {key: orgs.get(row.owner_organisation_id) if key == OWNER_KEY else getattr(row, key) for key in keys}


def plain_views(keys: tuple[str, ...], rows: Iterable[Iterable[Any]], orgs: OrganisationNamesLike
                ) -> list[dict[str, Any]]:
    """:func:`plain_view` of rows whose values are the columns of ``keys`` in their order (the owner's id in the
    place of ``organisation``): what a page query selects, turned into views without an attribute lookup.

    >>> plain_views(("id", "organisation"), [(7, 1)], {1: "Acme"})
    [{'id': 7, 'organisation': 'Acme'}]
    """
    views = [dict(zip(keys, row)) for row in rows]
    for view in views:
        view[OWNER_KEY] = orgs.get(view[OWNER_KEY])
    return views


TEST_COLUMNS = ("id", "content_hash", "source_file", "vendor", "file_format", "cell_id", "channel", "start_time",
                "row_count", "duration_s", "outcome", "outcome_reason", "access_tier", "organisation", "created_at")


def stored_test_view(row: Any, orgs: OrganisationNamesLike) -> StoredTestView:
    """A stored measurement: its file, cell, size, outcome, tier and owner."""
    return cast(StoredTestView, plain_view(TEST_COLUMNS, row, orgs))


def material_view(row: Any, orgs: OrganisationNamesLike) -> MaterialView:
    return {"id": row.id, "name": row.name, "role": row.role, "provider": row.provider,
            "datasheet": json.loads(row.datasheet_json), "access_tier": row.access_tier,
            "organisation": orgs.get(row.owner_organisation_id), "created_at": row.created_at}


def sample_view(row: Any, orgs: OrganisationNamesLike) -> SampleView:
    return {"id": row.id, "material_id": row.material_id, "lot": row.lot, "quantity_g": row.quantity_g,
            "notes": row.notes, "submitted_to": orgs.get(row.submitted_to_organisation_id),
            "access_tier": row.access_tier, "organisation": orgs.get(row.owner_organisation_id),
            "created_at": row.created_at}


def evaluation_view(row: Any, orgs: OrganisationNamesLike) -> EvaluationView:
    return {"id": row.id, "sample_id": row.sample_id, "cell_id": row.cell_id, "suite": row.suite,
            "status": row.status, "progress_done": row.progress_done, "progress_total": row.progress_total,
            "error": row.error, "has_report": row.status == "done" and bool(row.report_path),
            "access_tier": row.access_tier, "organisation": orgs.get(row.owner_organisation_id),
            "created_at": row.created_at, "finished_at": row.finished_at}


def safety_view(row: Any, orgs: OrganisationNamesLike) -> SafetyRecordView:
    """A stored safety test record as listed: what was tested, on what, the result, who owns it."""
    return {"id": row.id, "test": row.test, "test_version": row.test_version, "sample": row.sample_label,
            "sample_id": row.sample_id, "cell_kind": row.cell_kind, "status": row.status,
            "has_arc": row.arc_json is not None, "access_tier": row.access_tier,
            "organisation": orgs.get(row.owner_organisation_id), "created_at": row.created_at}


def passport_view(row: Any, orgs: OrganisationNamesLike) -> PassportView:
    """A stored battery passport as listed: what battery, its public specification figures, who owns it. The same
    for every reader, so nothing above the public access level (state of health is battery condition)."""
    from cellbench.sustainability.passport import public_summary

    summary = public_summary(row.document)
    return {"id": row.id, "battery_id": row.battery_id, "model_number": summary["model_number"],
            "chemistry": summary["chemistry"], "rated_capacity_Ah": summary["rated_capacity_Ah"],
            "rated_energy_kWh": summary["rated_energy_kWh"], "access_tier": row.access_tier,
            "organisation": orgs.get(row.owner_organisation_id), "updated_at": row.updated_at}


def _submitted_sample(reader: Any) -> list[ColumnElement[bool]]:
    # the evaluation centre a sample was submitted to reads it
    return [Sample.submitted_to_organisation_id == reader]


def _material_of_submitted_sample(reader: Any) -> list[ColumnElement[bool]]:
    # ... and the material of that sample
    return [exists().where(Sample.material_id == PlatformMaterial.id, Sample.submitted_to_organisation_id == reader)]


KINDS: Mapping[str, RecordKind] = {kind.name: kind for kind in (
    RecordKind("material", PlatformMaterial, material_view, also_readable=_material_of_submitted_sample),
    RecordKind("sample", Sample, sample_view, also_readable=_submitted_sample),
    RecordKind("test", Test, stored_test_view, columns=TEST_COLUMNS),
    RecordKind("evaluation", EvaluationRun, evaluation_view),
    RecordKind("safety", SafetyRecordRow, safety_view),
    RecordKind("passport", PassportRecord, passport_view),
)}


def kind(name: str) -> RecordKind:
    """The record kind called ``name``; NotFound names the known ones."""
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound(f"no record kind '{name}'; known: {', '.join(sorted(KINDS))}") from None
