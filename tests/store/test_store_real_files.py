"""Ingest the real cycler files in ../shared/data/real: good files become tests, bad files ingest failures with
their specific messages, and a stored test gives back exactly what the reader read."""

from __future__ import annotations

from pathlib import Path

from real_data import REAL_DATA, needs_real_data

from cellbench.measurements import read
from cellbench.store.sources import is_candidate_export


GOOD = ["FastCharge_000025_CH8.csv", "PredictionDiagnostics_000151_paused.052", "bad_custom_missing_cycle.csv",
        "batmo_bdf.csv", "biol.mpr", "custom_good_small.csv", "maccor_002.txt",
        "maccor_test_file_4267-66-6519.041", "neware_uio.csv", "test_Nova_Form-CH01-01_short.csv"]
# file -> words its ingest failure must contain (a specific message, not a generic one)
BAD = {"bad_custom_missing_column.csv": ["missing column", "voltage"],
       "bad_custom_nan_inf.csv": ["NaN", "line 28"],
       "bad_custom_truncated.csv": ["truncated", "line 80"]}

pytestmark = needs_real_data


def test_every_real_file_is_stored_or_recorded_as_a_failure(store):
    files = sorted(p for p in REAL_DATA.iterdir() if is_candidate_export(p, REAL_DATA) and p.suffix != ".md")
    assert "FastCharge_000025_CH8_Metadata.csv" not in [p.name for p in files]  # read with its main file
    results = {Path(r.source).name: r for r in (store.ingest(p) for p in files)}

    assert sorted(name for name, r in results.items() if r.status == "stored") == sorted(GOOD)
    for name, words in BAD.items():
        assert results[name].status == "failed"
        for word in words:
            assert word in results[name].error, results[name].error
    assert sorted(Path(f.source_path).name for f in store.failures()) == sorted(BAD)
    assert len(store.tests()) == len(GOOD)
    assert len(store.blobs.all_hashes()) == len(GOOD) and store.orphan_blobs() == []

    arbin = store.test(results["FastCharge_000025_CH8.csv"].test_id)
    assert (arbin.vendor, arbin.channel, arbin.row_count) == ("Arbin", "7", 248)
    assert arbin.start_time is not None and arbin.start_time.tzinfo is not None

    # Ingesting the whole folder again changes nothing.
    assert {store.ingest(REAL_DATA / name).status for name in GOOD} == {"already stored"}
    assert len(store.tests()) == len(GOOD)


def test_a_stored_test_is_exactly_what_the_reader_read(store):
    path = REAL_DATA / "neware_uio.csv"
    result = store.ingest(path)
    stored, fresh = store.load(result.test_id), read(path)
    assert stored.data.equals(fresh.data)
    assert stored.content_hash() == result.content_hash
    assert stored.metadata.vendor == fresh.metadata.vendor == "Neware"
