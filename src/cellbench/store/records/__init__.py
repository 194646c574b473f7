"""Stored records: the one home of what every kind of record shares.

- :mod:`~cellbench.store.records.tiers`: the access tiers (``private``, ``named``, ``consortium``, ``public``);
- :mod:`~cellbench.store.records.registry`: the record kinds (material, sample, test, evaluation, safety,
  passport), each with its table, its view, extra readers and audit;
- :mod:`~cellbench.store.records.rule`: the one read rule (:func:`fetch`, :func:`visible`, :func:`readable`);
- :mod:`~cellbench.store.records.grants`: grants and access changes (:func:`set_access`);
- :mod:`~cellbench.store.records.listing`: pages of readable records in their kind's view;
- :mod:`~cellbench.store.records.audit`: the audit log of reads;
- :mod:`~cellbench.store.records.passports`, :mod:`~cellbench.store.records.safety`: kinds whose documents come
  from a domain package (``cellbench.sustainability``, ``cellbench.safety``), kept here so that those packages
  never import the store.

The web platform (``cellbench.web.records``) generates its list, read and access routes from the registry.

>>> from cellbench.store import records
>>> records.ACCESS_TIERS
('private', 'named', 'consortium', 'public')
>>> sorted(records.KINDS)
['evaluation', 'material', 'passport', 'safety', 'sample', 'test']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# The tiers have no dependencies: the table classes (cellbench.store.models) import them while this package's
# other modules, which import those tables, load on first use.
from cellbench.store.records.tiers import ACCESS_TIERS, Tier, check_tier

if TYPE_CHECKING:
    from cellbench.store.records.audit import audit_log
    from cellbench.store.records.grants import grant_organisation, grants, set_access
    from cellbench.store.records.listing import listing, org_names
    from cellbench.store.records.registry import KINDS, RecordKind, kind
    from cellbench.store.records.rule import Reader, fetch, fetch_row, readable, visible

_LAZY = {"audit_log": "audit", "grant_organisation": "grants", "grants": "grants", "set_access": "grants",
         "listing": "listing", "org_names": "listing", "KINDS": "registry", "RecordKind": "registry",
         "kind": "registry", "Reader": "rule", "fetch": "rule", "fetch_row": "rule", "readable": "rule",
         "visible": "rule"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"cellbench.store.records.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'cellbench.store.records' has no attribute '{name}'")


__all__ = ["ACCESS_TIERS", "Tier", "check_tier", *_LAZY]
