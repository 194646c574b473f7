"""The measurement store: SQL metadata records over content-addressed Parquet blobs.

Ingest is atomic and idempotent. A file is read and validated first (a bad file stores nothing but an
ingest-failure row with its message); the blob is written atomically; only then is the metadata row inserted,
in one transaction. A process killed at any point leaves either nothing, or a complete blob with no record
(invisible, reused by the next ingest of the same content), or a complete record: never half a record. The next
ingest, watch or server start sweeps such leftovers away (:meth:`Store.sweep`).
The same canonical content is one record per organisation, so re-ingest reports "already stored".

>>> import polars as pl, tempfile
>>> from cellbench.measurements import Measurement
>>> folder = tempfile.mkdtemp()
>>> with Store.open(f"sqlite:///{folder}/cb.db", data_dir=folder) as store:
...     m = Measurement(pl.DataFrame({"test_time_second": [0.0, 60.0], "voltage_volt": [3.7, 3.6],
...                                   "current_ampere": [-1.0, -1.0]}))
...     first, again = store.add_measurement(m), store.add_measurement(m)
>>> first.status, again.status, first.test_id == again.test_id
('stored', 'already stored', True)
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, create_engine, event, make_url, select
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from cellbench.errors import CellbenchError, InputError, NotFound
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S
from cellbench.store import config
from cellbench.store.blobs import BlobStore
from cellbench.store.migrate import upgrade_to_head
from cellbench.store.models import DEFAULT_ORGANISATION, OUTCOMES, IngestFailure, Organisation, Test, utc_now
from cellbench.store.sources import file_sha256, read_measurement

log = logging.getLogger("cellbench.store")

Outcome = Literal["ok", "failed", "negative"]
IngestStatus = Literal["stored", "already stored", "failed"]

_HASH_PREFIX = re.compile(r"^[0-9a-f]{6,64}$")


class TestRecord(BaseModel):
    """A stored test as the outside world sees it (CLI, JSON, the web API)."""

    model_config = ConfigDict(from_attributes=True)
    __test__ = False  # not a pytest test class

    id: int
    content_hash: str
    file_sha256: str | None
    source_file: str | None
    vendor: str | None
    file_format: str | None
    cell_id: str | None
    channel: str | None
    start_time: datetime | None
    row_count: int
    duration_s: float | None
    outcome: Outcome
    outcome_reason: str | None
    access_tier: str
    organisation: str
    created_at: datetime


class IngestFailureRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source_path: str
    file_sha256: str
    error: str
    attempts: int
    created_at: datetime
    last_seen_at: datetime


class SkippedRows(BaseModel):
    """Rows of a file that carried no measurement and were skipped by the reader's row policy (see
    docs/data-formats.md): how many, how many of each kind (``blank``, ``repeated header``, ``marker``) and the first
    file lines of each kind."""

    count: int
    by_kind: dict[str, int]
    first_lines: dict[str, list[int]]


class IngestResult(BaseModel):
    """What happened to one file or Measurement: ``stored``, ``already stored`` or ``failed`` (with the error)."""

    source: str | None
    status: IngestStatus
    test_id: int | None = None
    content_hash: str | None = None
    row_count: int | None = None
    file_sha256: str | None = None
    error: str | None = None
    failure_id: int | None = None
    #: rows of the file that carried no measurement, dropped by the reader's row policy (None: none were)
    skipped_rows: SkippedRows | None = None
    #: what the reader kept but flagged (auxiliary readings without a value, channels not read...; None: nothing)
    warnings: list[str] | None = None

    def line(self) -> str:
        """One human line per file, as ``ingest`` and ``watch`` print it.

        >>> skipped = SkippedRows(count=3, by_kind={"blank": 2, "repeated header": 1},
        ...                       first_lines={"blank": [5, 12], "repeated header": [11]})
        >>> IngestResult(source="a.csv", status="stored", test_id=1, row_count=16, skipped_rows=skipped).line()
        'stored          a.csv -> test 1 (16 rows; 3 rows without a measurement skipped: 2 blank, 1 repeated header)'
        """
        name = self.source or "measurement"
        if self.status == "failed":
            error = self.error or "unknown error"
            # InputError messages already start with the file name.
            return f"failed          {error if error.startswith(name) else f'{name}: {error}'}"
        skipped = ""
        if self.skipped_rows is not None and self.skipped_rows.count:
            kinds = ", ".join(f"{n} {kind}" for kind, n in self.skipped_rows.by_kind.items())
            skipped = f"; {self.skipped_rows.count} rows without a measurement skipped" \
                + (f": {kinds}" if kinds else "")
        warned = ""
        if self.warnings:
            warned = f"; warning: {self.warnings[0]}" + (f" (+{len(self.warnings) - 1} more)" if len(self.warnings) > 1 else "")
        return f"{self.status:<15} {name} -> test {self.test_id} ({self.row_count} rows{skipped}{warned})"


class Store:
    """Open with :meth:`open`; use as a context manager or call :meth:`close`."""

    def __init__(self, engine: Engine, data_dir: Path):
        self.engine = engine
        self.data_dir = Path(data_dir)
        self.blobs = BlobStore(self.data_dir)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._swept = False

    # -- opening -----------------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, data_dir: str | Path | None = None) -> "Store":
        """Connect and upgrade the schema to the newest migration.

        Without arguments: ``$CELLBENCH_DATABASE_URL`` (else SQLite in the data folder) and
        ``$CELLBENCH_DATA_DIR`` (else ``./cellbench-data``).
        """
        folder = Path(data_dir) if data_dir is not None else config.data_dir()
        origin = "database URL" if url else config.DATABASE_URL_ENV
        url = config.normalise_database_url(url) if url else config.database_url(folder)
        engine = _create_engine(url, origin)
        try:
            upgrade_to_head(engine)
        except CellbenchError:
            engine.dispose()
            raise
        except Exception as exc:
            engine.dispose()
            # The driver's first line says what is wrong; SQLAlchemy's wrapper adds SQL and a link.
            detail = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
            raise CellbenchError(f"cannot open the store at {engine.url.render_as_string(hide_password=True)}: "
                                 f"{detail}") from exc
        return cls(engine, folder)

    @property
    def url(self) -> str:
        """The database URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def session(self) -> Session:
        return self._sessions()

    # -- ingest ------------------------------------------------------------------------------------------
    def ingest(self, path: str | Path, *, outcome: Outcome | None = None, reason: str | None = None,
               organisation: str | None = None, format: str | None = None,  # noqa: A002
               column_map: dict | str | Path | None = None) -> IngestResult:
        """Read a file and store it. Bad files are recorded as ingest failures, never as tests.

        ``outcome``/``reason`` flag a failed or negative experiment; on a file already stored they update
        its flag (an explicit request), otherwise re-ingest changes nothing. ``format`` and ``column_map``
        are passed to the reader (:func:`cellbench.measurements.read`).
        """
        if not self._swept:
            self.sweep()  # once per opened store: what a killed ingest left, before this one adds to it
        path = Path(path)
        source = str(path)
        try:
            digest = file_sha256(path)
        except InputError as exc:
            return IngestResult(source=source, status="failed", error=str(exc))
        try:
            measurement = read_measurement(path, format=format, column_map=column_map)
        except CellbenchError as exc:
            return self._record_failure(source, digest, str(exc), organisation)
        except Exception as exc:  # a reader bug must not stop a lab's ingest of the other files
            log.exception("reader crashed on %s", path)
            return self._record_failure(source, digest, f"unexpected reader error (please report): {exc!r}",
                                        organisation)
        return self.add_measurement(measurement, source=source, file_sha256=digest, outcome=outcome,
                                    reason=reason, organisation=organisation)

    def add_measurement(self, measurement: Measurement, *, source: str | None = None,
                        file_sha256: str | None = None, outcome: Outcome | None = None, reason: str | None = None,
                        organisation: str | None = None) -> IngestResult:
        """Store a Measurement (read from a file, or simulated): blob first, then its record in one transaction."""
        _check_outcome(outcome, reason)
        rows = measurement.data.height
        source_name = Path(source).name if source else measurement.metadata.source_file
        # the reader's count of rows without a measurement goes into the report of this ingest (stored or not)
        report = measurement.metadata.extra.get("skipped_rows")
        skipped = {"skipped_rows": SkippedRows.model_validate(report) if report else None,
                   "warnings": [str(w) for w in measurement.metadata.extra.get("warnings", [])] or None}
        with self.session() as session:
            # Fast path for re-ingest: usually the series hashes the same before and after its Parquet round
            # trip, and then a record with this hash is this very content; no blob needs writing.
            org_id = self.organisation_id(session, organisation)
            existing = _find_by_hash(session, org_id, measurement.content_hash())
            if existing is not None and self.blobs.exists(existing.content_hash):
                return self._already_stored(session, existing, source, file_sha256, outcome, reason
                                            ).model_copy(update=skipped)
        # The blob goes in place before any record points at it (a no-op when the content is already there,
        # and it puts back a blob that went missing); no sweep runs from the first byte to the commit.
        with self.blobs.writing():
            return self._put_and_record(measurement, source, source_name, file_sha256, rows, org_id, outcome,
                                        reason).model_copy(update=skipped)

    def _put_and_record(self, measurement: Measurement, source: str | None, source_name: str | None,
                        file_sha256: str | None, rows: int, org_id: int, outcome: Outcome | None,
                        reason: str | None) -> IngestResult:
        content_hash = self.blobs.put(measurement)
        with self.session() as session:
            existing = _find_by_hash(session, org_id, content_hash)
            if existing is not None:
                return self._already_stored(session, existing, source, file_sha256, outcome, reason)
            record = _test_row(measurement, content_hash, source_name, file_sha256, rows, outcome, reason)
            record.owner_organisation_id = org_id
            session.add(record)
            try:
                session.commit()
            except IntegrityError:
                # Another process stored the same content between our check and our insert.
                session.rollback()
                existing = _find_by_hash(session, org_id, content_hash)
                if existing is None:
                    raise
                return self._already_stored(session, existing, source, file_sha256, outcome, reason)
        log.debug("stored: %s as test %d (%d rows)", source_name, record.id, rows)
        return IngestResult(source=source, status="stored", test_id=record.id, content_hash=content_hash,
                            row_count=rows, file_sha256=file_sha256)

    def _already_stored(self, session: Session, existing: Test, source: str | None, file_sha256: str | None,
                        outcome: Outcome | None, reason: str | None) -> IngestResult:
        self._maybe_update_outcome(session, existing, outcome, reason)
        log.debug("already stored: %s as test %d", source, existing.id)
        return IngestResult(source=source, status="already stored", test_id=existing.id,
                            content_hash=existing.content_hash, row_count=existing.row_count, file_sha256=file_sha256)

    def _record_failure(self, source: str, digest: str, error: str, organisation: str | None) -> IngestResult:
        with self.session() as session:
            org_id = self.organisation_id(session, organisation)
            row = session.scalar(select(IngestFailure).where(IngestFailure.owner_organisation_id == org_id,
                                                             IngestFailure.file_sha256 == digest))
            now = utc_now()
            if row is None:
                row = IngestFailure(source_path=source, file_sha256=digest, error=error, attempts=1,
                                    owner_organisation_id=org_id, created_at=now, last_seen_at=now)
                session.add(row)
            else:
                row.attempts += 1
                row.error, row.source_path, row.last_seen_at = error, source, now
            try:
                session.commit()
            except IntegrityError:  # the same bad file recorded concurrently: one row is enough
                session.rollback()
                row = session.scalar(select(IngestFailure).where(IngestFailure.owner_organisation_id == org_id,
                                                                 IngestFailure.file_sha256 == digest))
        log.debug("ingest failed: %s: %s", source, error)
        return IngestResult(source=source, status="failed", error=error, file_sha256=digest,
                            failure_id=row.id if row is not None else None)

    # -- flags -------------------------------------------------------------------------------------------
    def set_outcome(self, test_id: int, outcome: Outcome, reason: str | None = None) -> TestRecord:
        """Flag a stored test as ``failed`` or ``negative`` (a reason is required), or back to ``ok``."""
        _check_outcome(outcome, reason)
        with self.session() as session:
            row = session.get(Test, test_id)
            if row is None:
                raise NotFound(f"no stored test with id {test_id}")
            self._maybe_update_outcome(session, row, outcome, reason)
        return self.test(test_id)

    @staticmethod
    def _maybe_update_outcome(session: Session, row: Test, outcome: Outcome | None, reason: str | None) -> None:
        if outcome is None or (row.outcome, row.outcome_reason) == (outcome, reason):
            return
        row.outcome, row.outcome_reason = outcome, reason
        session.commit()

    # -- queries -----------------------------------------------------------------------------------------
    def tests(self, *, outcome: Outcome | None = None, cell_id: str | None = None,
              organisation: str | None = None, limit: int | None = None, offset: int = 0) -> list[TestRecord]:
        """Stored tests, oldest first, optionally filtered; ``limit``/``offset`` page through many."""
        query = select(Test, Organisation.name).join(Organisation, Test.owner_organisation_id == Organisation.id)
        if outcome is not None:
            query = query.where(Test.outcome == outcome)
        if cell_id is not None:
            query = query.where(Test.cell_id == cell_id)
        if organisation is not None:
            query = query.where(Organisation.name == organisation)
        with self.session() as session:
            query = query.order_by(Test.id).offset(offset).limit(limit)
            return [_record(row, org) for row, org in session.execute(query)]

    def test(self, test_id: int) -> TestRecord:
        with self.session() as session:
            found = session.execute(select(Test, Organisation.name)
                                    .join(Organisation, Test.owner_organisation_id == Organisation.id)
                                    .where(Test.id == test_id)).first()
        if found is None:
            raise NotFound(f"no stored test with id {test_id}")
        return _record(*found)

    def find(self, ref: str | int) -> TestRecord:
        """A test by id (``12``) or by a prefix of its content hash (at least 6 hex digits, like git)."""
        text = str(ref).strip()
        if text.isdigit():
            return self.test(int(text))
        if not _HASH_PREFIX.match(text.lower()):
            raise NotFound(f"'{text}' is neither a test id nor a content-hash prefix (6 or more hex digits)")
        with self.session() as session:
            ids = session.scalars(select(Test.id).where(Test.content_hash.startswith(text.lower()))
                                  .order_by(Test.id).limit(2)).all()
        if not ids:
            raise NotFound(f"no stored test whose content hash starts with {text}")
        if len(ids) > 1:
            raise InputError(f"content-hash prefix {text} matches several tests; give more digits or the test id")
        return self.test(ids[0])

    def load(self, ref: str | int) -> Measurement:
        """The time series of a stored test (by id or hash prefix)."""
        record = self.find(ref)
        if not self.blobs.exists(record.content_hash):
            raise CellbenchError(f"test {record.id}: its time series {self.blobs.path_for(record.content_hash)} "
                                 "is missing from the data folder (was CELLBENCH_DATA_DIR changed?)")
        return self.blobs.load(record.content_hash)

    def failures(self) -> list[IngestFailureRecord]:
        with self.session() as session:
            rows = session.scalars(select(IngestFailure).order_by(IngestFailure.id)).all()
            return [IngestFailureRecord.model_validate(row) for row in rows]

    def sweep(self) -> list[Path] | None:
        """Remove what killed ingests left: ``blobs/.incoming-*.partial`` files and blobs no record points at,
        and ``attachments/*.partial`` files of killed uploads.

        Runs under the blob folder's lock (see :mod:`cellbench.store.blobs`), so blobs being written and recorded
        right now, by any process, stay. ``ingest`` calls it once per opened store, ``watch`` and ``serve`` when
        they start. Returns the removed paths (None when writers held the lock for seconds: skipped this time).
        """
        # attachments (the platform's files) are written under the same lock and leave the same kind of partials
        removed = self.blobs.sweep(self._referenced_hashes, partial_folders=(self.data_dir / "attachments",))
        self._swept = removed is not None
        return removed

    def _referenced_hashes(self) -> set[str]:
        with self.session() as session:
            return set(session.scalars(select(Test.content_hash)).all())

    def orphan_blobs(self) -> list[Path]:
        """Blobs no record points at (an ingest killed between blob and record) and temporary leftovers."""
        with self.session() as session:
            referenced = set(session.scalars(select(Test.content_hash)).all())
        orphans = [self.blobs.path_for(h) for h in sorted(self.blobs.all_hashes() - referenced)]
        return orphans + self.blobs.leftovers()

    # -- organisations -----------------------------------------------------------------------------------
    def organisation_id(self, session: Session, name: str | None) -> int:
        """The id of an organisation by name, created when new (None: the default local organisation)."""
        name = name or DEFAULT_ORGANISATION
        org_id = session.scalar(select(Organisation.id).where(Organisation.name == name))
        if org_id is not None:
            return org_id
        session.add(Organisation(name=name))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
        return session.scalar(select(Organisation.id).where(Organisation.name == name))


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def _create_engine(url: str, origin: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InputError("not a database URL; expected sqlite:///path/to/cellbench.db or "
                         "postgresql://user:password@host:5432/database", source=origin) from exc
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise InputError(f"database '{parsed.get_backend_name()}' is not supported; use SQLite or PostgreSQL",
                         source=origin)
    if url.startswith("sqlite"):
        database = url.split("///", 1)[1] if "///" in url else ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # WAL lets `watch` write while `tests list` reads; a killed writer's transaction is rolled back.
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: a crashed process loses nothing and the
            # file stays consistent; only a power cut can drop the last commits (PostgreSQL is the choice for that).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _check_outcome(outcome: str | None, reason: str | None) -> None:
    if outcome is not None and outcome not in OUTCOMES:
        raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}, not '{outcome}'")
    if outcome in ("failed", "negative") and not (reason and reason.strip()):
        raise InputError(f"a {outcome} experiment needs a reason (what went wrong or what was learned)")


def _find_by_hash(session: Session, org_id: int, content_hash: str) -> Test | None:
    return session.scalar(select(Test).where(Test.owner_organisation_id == org_id,
                                             Test.content_hash == content_hash))


def _test_row(measurement: Measurement, content_hash: str, source_name: str | None, digest: str | None,
              rows: int, outcome: Outcome | None, reason: str | None) -> Test:
    meta = measurement.metadata
    time = measurement.data[S.TIME] if rows else None
    # seconds are floats; polars types a Series' max() as any Python value
    duration = (float(cast(float, time.max()) - cast(float, time.min()))
                if time is not None and time.null_count() < rows else None)
    return Test(content_hash=content_hash, file_sha256=digest, source_file=source_name, vendor=meta.vendor,
                file_format=meta.file_format, cell_id=meta.cell_id, channel=meta.channel,
                start_time=_aware(meta.start_time), row_count=rows, duration_s=duration,
                outcome=outcome or "ok", outcome_reason=reason if outcome not in (None, "ok") else None)


def _aware(moment: datetime | None) -> datetime | None:
    # A reader that found no time zone in the file gives a naive time; the store assumes UTC (docs/store.md).
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def _record(row: Test, organisation: str) -> TestRecord:
    data = {c.key: getattr(row, c.key) for c in Test.__table__.columns}
    return TestRecord.model_validate({**data, "organisation": organisation})
