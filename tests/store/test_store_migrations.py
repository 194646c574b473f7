"""The Alembic migrations build exactly the schema the models describe, and opening a store runs them."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from cellbench.store import Store
from cellbench.store.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from cellbench.store.models import Base


def test_open_upgrades_a_new_database_to_head_with_the_default_organisation(database_url, data_dir):
    with Store.open(database_url, data_dir=data_dir) as store:
        assert current_revision(store.engine) == head_revision()
        tables = set(inspect(store.engine).get_table_names())
        assert {"organisations", "users", "tests", "ingest_failures", "watched_files", "alembic_version"} <= tables
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM organisations")).scalars().all() == ["local"]


def test_migrated_schema_matches_the_models(database_url, data_dir):
    with Store.open(database_url, data_dir=data_dir) as store:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent_and_downgrade_round_trips(database_url, data_dir):
    with Store.open(database_url, data_dir=data_dir) as store:
        assert upgrade_to_head(store.engine) == head_revision()  # second run: nothing to do
        config = alembic_config()
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert "tests" not in inspect(store.engine).get_table_names()
        assert upgrade_to_head(store.engine) == head_revision()
        assert "tests" in inspect(store.engine).get_table_names()


def test_default_location_is_sqlite_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CELLBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "lab-data"))
    with Store.open() as store:
        assert store.engine.url.database == str(tmp_path / "lab-data" / "cellbench.db")
        assert store.data_dir == tmp_path / "lab-data"
    assert (tmp_path / "lab-data" / "cellbench.db").is_file()


def test_database_url_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "blobs-here"))
    with Store.open() as store:
        assert store.engine.url.database == str(tmp_path / "elsewhere.db")


def test_plain_postgresql_urls_use_psycopg3():
    from cellbench.store.config import normalise_database_url

    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_database_from_a_newer_cellbench_is_refused(tmp_path):
    import pytest

    from cellbench.errors import CellbenchError

    url = f"sqlite:///{tmp_path / 'future.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    engine.dispose()
    with pytest.raises(CellbenchError, match="schema revision 9999"):
        Store.open(url, data_dir=tmp_path)


def test_bad_database_urls_are_input_errors_that_say_what_is_expected(tmp_path, monkeypatch):
    import pytest

    from cellbench.errors import CellbenchError, InputError

    monkeypatch.setenv("CELLBENCH_DATABASE_URL", "not a url")
    with pytest.raises(InputError, match="CELLBENCH_DATABASE_URL: not a database URL; expected sqlite:///"):
        Store.open(data_dir=tmp_path)
    with pytest.raises(InputError, match="'mysql' is not supported; use SQLite or PostgreSQL"):
        Store.open("mysql://lab@db/cellbench", data_dir=tmp_path)
    # An unreachable server: one line naming the server, never the password.
    with pytest.raises(CellbenchError) as caught:
        Store.open("postgresql://lab:s3cret@127.0.0.1:1/cellbench", data_dir=tmp_path)
    message = str(caught.value)
    assert "127.0.0.1:1/cellbench" in message and "s3cret" not in message and "\n" not in message
