"""Web platform: user identity, the ``named`` access tier, sharing grants, audit log, samples, evaluations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

from cellbench.store.models import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TIERS_OLD = "access_tier IN ('private', 'consortium', 'public')"
_TIERS_NEW = "access_tier IN ('private', 'named', 'consortium', 'public')"


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("email", sa.String(320), nullable=True))
        users.add_column(sa.Column("password_hash", sa.String(200), nullable=True))
        users.add_column(sa.Column("role", sa.String(20), nullable=False, server_default="member"))
        users.create_unique_constraint("uq_users_email", ["email"])
    with op.batch_alter_table("tests") as tests:
        tests.drop_constraint("ck_tests_access_tier", type_="check")
        tests.create_check_constraint("ck_tests_access_tier", _TIERS_NEW)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("revoked", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_used_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "consortia",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "consortium_members",
        sa.Column("consortium_id", sa.Integer(), sa.ForeignKey("consortia.id"), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), primary_key=True),
    )
    op.create_table(
        "record_grants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_kind", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=True),
        sa.Column("consortium_id", sa.Integer(), sa.ForeignKey("consortia.id"), nullable=True),
        sa.CheckConstraint("(organisation_id IS NULL) <> (consortium_id IS NULL)", name="ck_grants_one_grantee"),
        sa.UniqueConstraint("record_kind", "record_id", "organisation_id", "consortium_id", name="uq_grants"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("reader_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=True),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("record_kind", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("via", sa.String(10), nullable=False),
    )
    op.create_index("ix_audit_log_owner_organisation_id", "audit_log", ["owner_organisation_id"])
    op.create_table(
        "platform_materials",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("datasheet_json", sa.Text(), nullable=False),
        sa.Column("access_tier", sa.String(20), nullable=False, server_default="private"),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_platform_materials_owner_organisation_id", "platform_materials", ["owner_organisation_id"])
    op.create_table(
        "samples",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("material_id", sa.Integer(), sa.ForeignKey("platform_materials.id"), nullable=False),
        sa.Column("lot", sa.String(200), nullable=False),
        sa.Column("quantity_g", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("submitted_to_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=True),
        sa.Column("access_tier", sa.String(20), nullable=False, server_default="private"),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_samples_material_id", "samples", ["material_id"])
    op.create_index("ix_samples_owner_organisation_id", "samples", ["owner_organisation_id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_kind", sa.String(20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_attachments_record_id", "attachments", ["record_id"])
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sample_id", sa.Integer(), sa.ForeignKey("samples.id"), nullable=False),
        sa.Column("cell_id", sa.String(200), nullable=False),
        sa.Column("suite", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="queued"),
        sa.Column("progress_done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("progress_total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("results_json", sa.Text(), nullable=True),
        sa.Column("report_path", sa.String(2000), nullable=True),
        sa.Column("access_tier", sa.String(20), nullable=False, server_default="private"),
        sa.Column("owner_organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("requested_by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="ck_evaluations_status"),
    )
    op.create_index("ix_evaluations_sample_id", "evaluations", ["sample_id"])
    op.create_index("ix_evaluations_owner_organisation_id", "evaluations", ["owner_organisation_id"])


def downgrade() -> None:
    for table in ("evaluations", "attachments", "samples", "platform_materials", "audit_log", "record_grants",
                  "consortium_members", "consortia", "web_sessions", "api_tokens"):
        op.drop_table(table)
    with op.batch_alter_table("tests") as tests:
        tests.drop_constraint("ck_tests_access_tier", type_="check")
        tests.create_check_constraint("ck_tests_access_tier", _TIERS_OLD)
    with op.batch_alter_table("users") as users:
        users.drop_constraint("uq_users_email", type_="unique")
        users.drop_column("role")
        users.drop_column("password_hash")
        users.drop_column("email")
