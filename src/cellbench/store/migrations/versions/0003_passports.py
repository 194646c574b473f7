"""Battery passports in the store, under the platform's access tiers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from cellbench.store.models import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("battery_id", sa.String(200), nullable=False, unique=True),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("access_tier", sa.String(20), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("access_tier IN ('private', 'named', 'consortium', 'public')", name="ck_passports_access_tier"),
    )
    op.create_index("ix_passports_owner_organisation_id", "passports", ["owner_organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_passports_owner_organisation_id", table_name="passports")
    op.drop_table("passports")
