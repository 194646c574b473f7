"""Bring a database to the newest schema with the Alembic migrations shipped in this package.

:meth:`cellbench.store.Store.open` calls :func:`upgrade_to_head`, so a user never runs Alembic by hand.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from cellbench.errors import CellbenchError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> str:
    """Apply any missing migrations; return the revision the database is now at.

    >>> from sqlalchemy import create_engine
    >>> upgrade_to_head(create_engine("sqlite://")) == head_revision()
    True
    """
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    current = current_revision(engine)
    if current == head:
        return head
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise CellbenchError(f"the database is at schema revision {current}, which this cellbench does not know; "
                             "upgrade cellbench to open it")
    try:
        _run_upgrade(engine, config)
    except DBAPIError:
        # Two processes opening a new store at once: the other one may have migrated it first.
        if current_revision(engine) != head:
            raise
    return head


def _run_upgrade(engine: Engine, config: Config) -> None:
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
