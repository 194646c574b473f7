"""Safety test records in the store, under the platform's access tiers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from cellbench.store.models import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("test", sa.String(100), nullable=False),
        sa.Column("test_version", sa.Integer(), nullable=False),
        sa.Column("sample_label", sa.String(200), nullable=False),
        sa.Column("sample_id", sa.Integer(), sa.ForeignKey("samples.id"), nullable=True),
        sa.Column("cell_kind", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("record_json", sa.Text(), nullable=False),
        sa.Column("verdict_json", sa.Text(), nullable=False),
        sa.Column("arc_json", sa.Text(), nullable=True),
        sa.Column("access_tier", sa.String(20), nullable=False, server_default="private"),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pass', 'fail', 'incomplete')", name="ck_safety_records_status"),
        sa.CheckConstraint("access_tier IN ('private', 'named', 'consortium', 'public')",
                           name="ck_safety_records_access_tier"),
        sa.UniqueConstraint("owner_organisation_id", "record_sha256", name="uq_safety_records_owner_record"),
    )
    op.create_index("ix_safety_records_owner_organisation_id", "safety_records", ["owner_organisation_id"])
    op.create_index("ix_safety_records_sample_id", "safety_records", ["sample_id"])


def downgrade() -> None:
    op.drop_index("ix_safety_records_sample_id", table_name="safety_records")
    op.drop_index("ix_safety_records_owner_organisation_id", table_name="safety_records")
    op.drop_table("safety_records")
