"""Campaigns kept in the store's database: Optuna's storage beside the store's tables, and lab results read from
the store's tests. The same entry points as :mod:`cellbench.campaigns`, over cellbench's own database
(``$CELLBENCH_DATABASE_URL`` or the SQLite default, or ``store_url``).

Optuna and the store both keep an Alembic revision in the table ``alembic_version``. The store's migrations own
that table, so the store is always opened (and migrated) first and Optuna's storage skips its schema check; Optuna
then only creates its own tables (``studies``, ``trials``...).

>>> from cellbench import campaigns
>>> spec = campaigns.load_campaign("examples/campaigns/quick.yaml")  # PyBaMM on Dask, minutes  # doctest: +SKIP
>>> summary = run_campaign(spec, budget=6, workers=2)                        # doctest: +SKIP
>>> show(summary.campaign_id)["pareto_front"][0]["values"]                   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Callable

import optuna

from cellbench.campaigns import lab, run, study
from cellbench.campaigns.results import summary
from cellbench.campaigns.spec import CampaignSpec
from cellbench.store.store import Store


def storage(url: str | None = None) -> optuna.storages.RDBStorage:
    """Optuna storage in the store's database (``$CELLBENCH_DATABASE_URL`` or the SQLite default)."""
    with Store.open(url) as store:  # migrates the store first: its revision owns `alembic_version`
        resolved = store.engine.url.render_as_string(hide_password=False)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if resolved.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    rdb = optuna.storages.RDBStorage(resolved, engine_kwargs=kwargs, skip_compatibility_check=True)
    if resolved.startswith("sqlite"):
        # The store left the file in WAL mode; with WAL, synchronous=NORMAL still survives a killed process
        # (only a power cut can lose the last commits) and spares an fsync per trial attribute.
        from sqlalchemy import event

        event.listen(rdb.engine, "connect", _sqlite_normal_sync)
        rdb.engine.dispose()
    return rdb


def _sqlite_normal_sync(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def new_study(spec: CampaignSpec, store_url: str | None = None) -> optuna.Study:
    """:func:`cellbench.campaigns.study.new_study` in the store's database."""
    return study.new_study(spec, storage(store_url))


def open_study(campaign_id: str | None, store_url: str | None = None) -> tuple[optuna.Study, CampaignSpec]:
    """:func:`cellbench.campaigns.study.open_study` in the store's database (the newest campaign for None)."""
    return study.open_study(campaign_id, storage(store_url))


def show(campaign_id: str | None = None, *, store_url: str | None = None) -> dict:
    """A campaign's summary (counts, feasible Pareto front, every trial); the newest when no id is given."""
    return summary(*open_study(campaign_id, store_url))


def run_campaign(spec: CampaignSpec, *, store_url: str | None = None, **options: Any) -> run.RunSummary:
    """:func:`cellbench.campaigns.run.run_campaign` (same options) in the store's database."""
    return run.run_campaign(spec, storage=storage(store_url), **options)


def resume_campaign(campaign_id: str | None = None, *, store_url: str | None = None,
                    **options: Any) -> run.RunSummary:
    """:func:`cellbench.campaigns.run.resume_campaign` (same options) in the store's database."""
    return run.resume_campaign(campaign_id, storage=storage(store_url), **options)


def tests_in(store: Store) -> lab.FindTest:
    """Measured tests of proposed samples as the store keeps them: the newest ``ok`` test whose cell id is the
    sample id."""
    def find(sample_id: str) -> lab.MeasuredTest | None:
        records = [r for r in store.tests(cell_id=sample_id) if r.outcome == "ok"]
        if not records:
            return None
        record = records[-1]  # the newest test of this sample counts
        return lab.MeasuredTest(record.id, record.content_hash, record.source_file, record.vendor,
                                load=lambda: store.load(record.id))
    return find


def collect(study: optuna.Study, spec: CampaignSpec, *, store_url: str | None = None) -> list[dict]:
    """Tell the study every waiting trial whose sample has a stored test (matched by cell id)."""
    with Store.open(store_url) as store:
        return lab.collect(study, spec, tests_in(store))


def run_lab(study: optuna.Study, spec: CampaignSpec, *, store_url: str | None = None, **options: Any) -> dict:
    """:func:`cellbench.campaigns.lab.run_lab` (same options), collecting from the store every round."""
    collect_round: Callable[[], list[dict]] = lambda: collect(study, spec, store_url=store_url)  # noqa: E731
    return lab.run_lab(study, spec, collect_round, **options)
