"""Evaluations claimed by one server process, with a heartbeat (several server processes share one store).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from cellbench.store.models import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("evaluations", sa.Column("claimed_by", sa.String(200), nullable=True))
    op.add_column("evaluations", sa.Column("heartbeat_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("claimed_by")
