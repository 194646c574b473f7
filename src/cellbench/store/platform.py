"""SQL tables of the shared platform: identity, sharing of records, audit, material samples and evaluations.

Created by migration ``0002_platform``; :mod:`cellbench.store.models` imports this module so that one
``Base.metadata`` (:mod:`cellbench.store.base`) describes the whole schema.

- ``users`` (columns added to the store's table): e-mail, argon2 password hash, role.
- ``api_tokens`` and ``web_sessions``: only SHA-256 digests of the secrets are kept, never the secrets.
- ``consortia`` and ``consortium_members``: named pre-competitive groups of organisations.
- ``record_grants``: who else may read a record on the ``named`` tier (an organisation) or the ``consortium``
  tier (a consortium). A record is any of: material, sample, test, evaluation, safety (a safety test record),
  passport.
- ``audit_log``: every read of a non-public record by anyone, kept for the record owner's admins.
- ``platform_materials``, ``samples``, ``attachments``, ``evaluations``: the evaluation-centre flow.
- ``safety_records`` (migration 0004): judged safety test records (IEC 62660-2/-3, Ni-nail, user tests).
- ``login_failures`` (migration 0007): failed sign-ins by hashed account and address, for login throttling.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from cellbench.store.base import Base, UtcDateTime, utc_now
from cellbench.store.records.tiers import tier_constraint

ROLES = ("member", "org_admin", "evaluator", "site_admin")
EVALUATION_STATES = ("queued", "running", "done", "failed")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Consortium(Base):
    __tablename__ = "consortia"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class ConsortiumMember(Base):
    __tablename__ = "consortium_members"

    consortium_id: Mapped[int] = mapped_column(ForeignKey("consortia.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)


class RecordGrant(Base):
    """Read access to one record for one organisation (``named`` tier) or one consortium (``consortium`` tier)."""

    __tablename__ = "record_grants"
    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (consortium_id IS NULL)", name="ck_grants_one_grantee"),
        UniqueConstraint("record_kind", "record_id", "organisation_id", "consortium_id", name="uq_grants"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    consortium_id: Mapped[int | None] = mapped_column(ForeignKey("consortia.id"))


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reader_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    record_kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(10))  # web | api


class PlatformMaterial(Base):
    """A material a provider registered: its datasheet as a cellbench material record (JSON of the YAML fields)."""

    __tablename__ = "platform_materials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(200))
    datasheet_json: Mapped[str] = mapped_column(Text)
    access_tier: Mapped[str] = mapped_column(String(20), default="private", server_default="private")
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Sample(Base):
    """A physical sample (lot) of a material, optionally submitted to an evaluation centre."""

    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("platform_materials.id"), index=True)
    lot: Mapped[str] = mapped_column(String(200))
    quantity_g: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    submitted_to_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    access_tier: Mapped[str] = mapped_column(String(20), default="private", server_default="private")
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Attachment(Base):
    """A file attached to a material or sample (datasheet PDF, XRD pattern), kept in the data folder by hash."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class EvaluationRun(Base):
    """A standard evaluation of a sample in a standard cell, run by the background worker."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="ck_evaluations_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)
    cell_id: Mapped[str] = mapped_column(String(200))
    suite: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="queued", server_default="queued")
    progress_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    results_json: Mapped[str | None] = mapped_column(Text)
    report_path: Mapped[str | None] = mapped_column(String(2000))
    access_tier: Mapped[str] = mapped_column(String(20), default="private", server_default="private")
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # which server process runs it ("host:pid:worker") and when that process last said it still does
    # (cellbench.web.evaluations; migration 0005)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # how many times a process claimed it: a run whose process died goes back to the queue until this reaches the
    # worker's limit (migration 0006)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LoginFailure(Base):
    """A failed sign-in, under the SHA-256 of its account ("account:<e-mail>") or address ("address:<ip>"), so
    that login throttling counts alike in every server process (cellbench.web.throttle; migration 0007)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PassportRecord(Base):
    """A battery passport (cellbench.sustainability.passport) kept under the same tiers as every record: the
    document is the passport's JSON; owner and tier are columns so the store can filter on them."""

    __tablename__ = "passports"
    __table_args__ = (
        CheckConstraint(tier_constraint(), name="ck_passports_access_tier"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    battery_id: Mapped[str] = mapped_column(String(200), unique=True)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    access_tier: Mapped[str] = mapped_column(String(20), default="private")
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class SafetyRecordRow(Base):
    """A safety test record (cellbench.safety.records) with its judgement, kept under the same tiers as every
    record. ``record_json`` is the record as submitted, ``verdict_json`` the judgement made when it was stored
    (against the definition version it names), ``arc_json`` the ARC analysis of an attached heat-wait-search run.
    The same record submitted twice by one organisation is one row (``record_sha256``)."""

    __tablename__ = "safety_records"
    __table_args__ = (
        CheckConstraint("status IN ('pass', 'fail', 'incomplete')", name="ck_safety_records_status"),
        CheckConstraint(tier_constraint(), name="ck_safety_records_access_tier"),
        UniqueConstraint("owner_organisation_id", "record_sha256", name="uq_safety_records_owner_record"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_sha256: Mapped[str] = mapped_column(String(64))
    test: Mapped[str] = mapped_column(String(100))
    test_version: Mapped[int] = mapped_column(Integer)
    sample_label: Mapped[str] = mapped_column(String(200))
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("samples.id"), index=True)
    cell_kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    record_json: Mapped[str] = mapped_column(Text)
    verdict_json: Mapped[str] = mapped_column(Text)
    arc_json: Mapped[str | None] = mapped_column(Text)
    access_tier: Mapped[str] = mapped_column(String(20), default="private", server_default="private")
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
