"""Alembic environment for the cellbench store; run programmatically by :func:`cellbench.store.schema.upgrade`.

The caller hands over an open connection in ``config.attributes["connection"]`` so that migrations run on
the same engine (and, on PostgreSQL, the same search path) as the store itself.
"""

from alembic import context

from cellbench.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables so later migrations work on both databases.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
