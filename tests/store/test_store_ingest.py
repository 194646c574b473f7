"""Ingest: content-addressed blobs, idempotent records, bad files store nothing, flags, look-ups."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from cellbench.errors import InputError, NotFound
from cellbench.store import Store
from cellbench.store.models import Test


def test_ingest_stores_blob_named_by_content_hash_and_one_record(store, tmp_path, discharge):
    m = discharge(2.0)
    path = m.to_parquet(tmp_path / "cell-A.parquet")
    result = store.ingest(path)
    assert result.status == "stored"
    digest = result.content_hash
    assert (store.data_dir / "blobs" / digest[:2] / f"{digest}.parquet").is_file()
    assert store.blobs.all_hashes() == {digest} and store.blobs.leftovers() == []
    record = store.test(result.test_id)
    assert (record.source_file, record.vendor, record.cell_id, record.channel) == ("cell-A.parquet", "synthetic",
                                                                                   "cell-A", "7")
    assert record.row_count == 61
    assert record.duration_s == pytest.approx(7200.0)
    assert (record.outcome, record.access_tier, record.organisation) == ("ok", "private", "local")
    # The blob's name is the hash of what it gives back; the data are the ingested data.
    loaded = store.load(result.test_id)
    assert loaded.content_hash() == digest
    assert loaded.data.equals(m.data)
    assert loaded.data["discharging_capacity_ampere_hour"][-1] == pytest.approx(2.0)


def test_reingest_is_a_no_op_that_says_already_stored(store, tmp_path, discharge):
    path = discharge().to_parquet(tmp_path / "a.parquet")
    first = store.ingest(path)
    second = store.ingest(path)
    # A copy under another name is the same content, hence the same record.
    copy = tmp_path / "copy-of-a.parquet"
    copy.write_bytes(path.read_bytes())
    third = store.ingest(copy)
    assert [first.status, second.status, third.status] == ["stored", "already stored", "already stored"]
    assert first.test_id == second.test_id == third.test_id
    assert len(store.tests()) == 1
    assert store.blobs.all_hashes() == {first.content_hash}


def test_different_content_gives_different_records(store, discharge):
    a = store.add_measurement(discharge(1.0))
    b = store.add_measurement(discharge(1.5))
    assert a.test_id != b.test_id and a.content_hash != b.content_hash
    assert [t.id for t in store.tests()] == [a.test_id, b.test_id]
    assert [t.id for t in store.tests(limit=1)] == [a.test_id]
    assert [t.id for t in store.tests(limit=5, offset=1)] == [b.test_id]


def test_bad_file_stores_nothing_but_an_ingest_failure(store, tmp_path):
    bad = tmp_path / "channel-3.parquet"
    bad.write_bytes(b"PAR1 this is not a parquet file")
    result = store.ingest(bad)
    assert result.status == "failed"
    assert "channel-3.parquet" in result.error and "Parquet" in result.error
    assert store.tests() == []
    assert store.blobs.all_hashes() == set() and store.blobs.leftovers() == []
    failures = store.failures()
    assert [(f.source_path, f.attempts) for f in failures] == [(str(bad), 1)]
    # Trying the same bad bytes again counts an attempt instead of adding rows.
    store.ingest(bad)
    assert [f.attempts for f in store.failures()] == [2]


def test_missing_file_is_reported_not_raised(store, tmp_path):
    result = store.ingest(tmp_path / "nope.csv")
    assert result.status == "failed" and "file not found" in result.error


def test_failed_and_negative_experiments_are_kept_with_their_reason(store, discharge):
    failed = store.add_measurement(discharge(1.0), outcome="failed", reason="thermocouple fell off")
    negative = store.add_measurement(discharge(0.8), outcome="negative", reason="coating gave no gain")
    ok = store.add_measurement(discharge(1.2))
    assert [(t.id, t.outcome, t.outcome_reason) for t in store.tests(outcome="failed")] == [
        (failed.test_id, "failed", "thermocouple fell off")]
    assert [t.id for t in store.tests(outcome="negative")] == [negative.test_id]
    assert store.test(ok.test_id).outcome == "ok"
    # Flag after the fact, and clear it again.
    assert store.set_outcome(ok.test_id, "failed", "cycler channel fault").outcome_reason == "cycler channel fault"
    assert store.set_outcome(ok.test_id, "ok").outcome_reason is None


def test_reingest_with_a_flag_updates_the_flag_only(store, discharge):
    m = discharge()
    first = store.add_measurement(m)
    again = store.add_measurement(m, outcome="failed", reason="cell swelled")
    assert again.status == "already stored" and again.test_id == first.test_id
    assert store.test(first.test_id).outcome_reason == "cell swelled"
    assert len(store.tests()) == 1


def test_a_flag_needs_a_reason(store, discharge):
    with pytest.raises(InputError, match="needs a reason"):
        store.add_measurement(discharge(), outcome="failed")
    with pytest.raises(InputError, match="outcome must be one of"):
        store.add_measurement(discharge(), outcome="great", reason="x")
    assert store.tests() == []


def test_find_by_id_or_hash_prefix(store, discharge):
    result = store.add_measurement(discharge())
    assert store.find(str(result.test_id)).id == result.test_id
    assert store.find(result.content_hash[:8]).id == result.test_id
    assert store.find(result.content_hash[:8].upper()).id == result.test_id
    with pytest.raises(NotFound, match="no stored test with id 999"):
        store.find("999")
    with pytest.raises(NotFound, match="neither a test id"):
        store.find("cell-A")
    with pytest.raises(NotFound, match="starts with"):
        store.find("abcdef0123" if not result.content_hash.startswith("abcdef0123") else "fedcba9876")


def test_start_time_keeps_its_instant_across_time_zones(store, discharge):
    m = discharge()
    tokyo = timezone(timedelta(hours=9))
    m.metadata.start_time = datetime(2026, 3, 1, 9, 30, tzinfo=tokyo)
    record = store.test(store.add_measurement(m).test_id)
    assert record.start_time == datetime(2026, 3, 1, 0, 30, tzinfo=timezone.utc)
    assert record.start_time.utcoffset() == timedelta(0)


def test_organisations_own_their_records_separately(store, discharge):
    m = discharge()
    ours = store.add_measurement(m, organisation="lab-a")
    theirs = store.add_measurement(m, organisation="lab-b")
    assert ours.status == theirs.status == "stored" and ours.test_id != theirs.test_id
    assert [t.organisation for t in store.tests(organisation="lab-b")] == ["lab-b"]
    # One blob serves both records: the time series is content-addressed.
    assert store.blobs.all_hashes() == {ours.content_hash} and ours.content_hash == theirs.content_hash


def test_unique_constraint_catches_a_concurrent_duplicate(store, discharge):
    """Two ingests racing past the existence check: the second insert hits the constraint and reports the first."""
    m = discharge()
    first = store.add_measurement(m)
    with store.session() as session:
        session.add(Test(content_hash=first.content_hash, row_count=1, owner_organisation_id=1))
        with pytest.raises(Exception, match="(?i)unique|duplicate"):
            session.commit()
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Test)) == 1
    assert store.test(first.test_id).row_count == 61


def test_reopening_keeps_records(database_url, data_dir, discharge):
    with Store.open(database_url, data_dir=data_dir) as store:
        stored = store.add_measurement(discharge())
    with Store.open(database_url, data_dir=data_dir) as store:
        assert [t.id for t in store.tests()] == [stored.test_id]
        assert store.add_measurement(discharge()).status == "already stored"


def test_missing_blob_is_a_clear_error(store, discharge):
    result = store.add_measurement(discharge())
    store.blobs.path_for(result.content_hash).unlink()
    with pytest.raises(Exception, match="missing from the data folder"):
        store.load(result.test_id)


def test_reingest_puts_back_a_blob_that_went_missing(store, discharge):
    m = discharge()
    first = store.add_measurement(m)
    store.blobs.path_for(first.content_hash).unlink()
    again = store.add_measurement(m)
    assert again.status == "already stored" and again.test_id == first.test_id
    assert store.load(first.test_id).data.equals(m.data)
