"""Initial store: organisations, users, tests, ingest failures, watched files.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from cellbench.store.models import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    organisations = op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "tests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=True),
        sa.Column("source_file", sa.String(1000), nullable=True),
        sa.Column("vendor", sa.String(100), nullable=True),
        sa.Column("file_format", sa.String(100), nullable=True),
        sa.Column("cell_id", sa.String(200), nullable=True),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("start_time", UtcDateTime(), nullable=True),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False, server_default="ok"),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("access_tier", sa.String(20), nullable=False, server_default="private"),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("owner_organisation_id", "content_hash", name="uq_tests_owner_content"),
        sa.CheckConstraint("outcome IN ('ok', 'failed', 'negative')", name="ck_tests_outcome"),
        sa.CheckConstraint("access_tier IN ('private', 'consortium', 'public')", name="ck_tests_access_tier"),
    )
    op.create_index("ix_tests_content_hash", "tests", ["content_hash"])
    op.create_index("ix_tests_cell_id", "tests", ["cell_id"])
    op.create_table(
        "ingest_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_path", sa.String(2000), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_seen_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("owner_organisation_id", "file_sha256", name="uq_failures_owner_file"),
    )
    op.create_table(
        "watched_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("path", sa.String(2000), nullable=False, unique=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("test_id", sa.Integer(), sa.ForeignKey("tests.id"), nullable=True),
        sa.Column("failure_id", sa.Integer(), sa.ForeignKey("ingest_failures.id"), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    # Every store has an owner for records ingested without a named organisation.
    op.bulk_insert(organisations, [{"name": "local", "created_at": datetime.now(timezone.utc)}])


def downgrade() -> None:
    op.drop_table("watched_files")
    op.drop_table("ingest_failures")
    op.drop_index("ix_tests_cell_id", "tests")
    op.drop_index("ix_tests_content_hash", "tests")
    op.drop_table("tests")
    op.drop_table("users")
    op.drop_table("organisations")
