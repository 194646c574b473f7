"""SQL tables of the store (SQLAlchemy 2 typed declarative models).

The schema is created and changed only by the Alembic migrations in ``migrations/``; these classes must
match the head revision (``tests/store/test_migrations.py`` checks that they do).

Tables:
- ``organisations``: who owns records (a lab, a company); a default organisation ``local`` always exists.
- ``users``: placeholder for the web platform (id, name, organisation).
- ``tests``: one stored measurement (time series in a content-addressed Parquet blob) with its metadata,
  its outcome (``ok``, ``failed`` or ``negative``, with a reason) and its access tier.
- ``ingest_failures``: files that could not be read, with the error message, so a lab sees what failed.
- ``watched_files``: what ``cellbench watch`` has already handled, so a restart does not ingest twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cellbench.store.base import Base, UtcDateTime, utc_now
from cellbench.store.records.tiers import tier_constraint

DEFAULT_ORGANISATION = "local"
OUTCOMES = ("ok", "failed", "negative")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # Added by migration 0002 for the web platform (cellbench.store.platform).
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="member", server_default="member")


class Test(Base):
    """A stored measurement. Its time series is the blob named by ``content_hash``."""

    __tablename__ = "tests"
    __table_args__ = (
        # The same canonical content is one record per organisation: re-ingest is a no-op.
        UniqueConstraint("owner_organisation_id", "content_hash", name="uq_tests_owner_content"),
        CheckConstraint("outcome IN ('ok', 'failed', 'negative')", name="ck_tests_outcome"),
        CheckConstraint(tier_constraint(), name="ck_tests_access_tier"),
    )
    __test__ = False  # not a pytest test class

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    source_file: Mapped[str | None] = mapped_column(String(1000))
    vendor: Mapped[str | None] = mapped_column(String(100))
    file_format: Mapped[str | None] = mapped_column(String(100))
    cell_id: Mapped[str | None] = mapped_column(String(200), index=True)
    channel: Mapped[str | None] = mapped_column(String(100))
    start_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    row_count: Mapped[int] = mapped_column(BigInteger)
    duration_s: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(20), default="ok", server_default="ok")
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    access_tier: Mapped[str] = mapped_column(String(20), default="private", server_default="private")
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class IngestFailure(Base):
    """A file that could not be stored, kept with its error message (one row per distinct file content)."""

    __tablename__ = "ingest_failures"
    __table_args__ = (UniqueConstraint("owner_organisation_id", "file_sha256", name="uq_failures_owner_file"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_path: Mapped[str] = mapped_column(String(2000))
    file_sha256: Mapped[str] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class WatchedFile(Base):
    """The last version of a file that ``watch`` handled: size, modification time and bytes hash."""

    __tablename__ = "watched_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(2000), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    file_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # stored | already stored | failed
    test_id: Mapped[int | None] = mapped_column(ForeignKey("tests.id"))
    failure_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_failures.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)


# The platform's tables (identity, sharing, audit, samples, evaluations) share Base.metadata: importing the models
# imports them too (platform imports only cellbench.store.base, so this is no import circle).
from cellbench.store import platform as _platform  # noqa: E402,F401
