"""Campaign studies in PostgreSQL, beside the store's tables (skipped without CELLBENCH_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import uuid

import pytest

from cellbench.campaigns import CampaignSpec
from cellbench.store.campaigns import resume_campaign, run_campaign, show
from cellbench.store import Store
from cellbench.store.config import normalise_database_url

from conftest import design_only_spec

POSTGRES_URL_ENV = "CELLBENCH_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_url(monkeypatch, tmp_path):
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(f"no PostgreSQL server ({POSTGRES_URL_ENV} is not set; .ci/run starts one)")
    import psycopg

    schema = f"cb_campaign_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    url = f"{normalise_database_url(base)}{sep}options=-csearch_path%3D{schema}"
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", url)
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    try:
        yield url
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.postgres
def test_campaign_runs_and_resumes_in_postgresql(postgres_url):
    first = run_campaign(CampaignSpec.model_validate(design_only_spec(budget=3)), workers=0)
    again = resume_campaign(None, budget=5, workers=0)
    assert again.campaign_id == first.campaign_id and again.finished == 5
    assert len(show()["trials"]) == 5
    with Store.open() as store:
        from cellbench.store.migrate import current_revision, head_revision

        assert current_revision(store.engine) == head_revision()
        assert store.tests() == []
