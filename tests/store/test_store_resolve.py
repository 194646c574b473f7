"""A stored test can be named wherever a file can: `summarize TEST_ID` gives what `summarize FILE` gives."""

from __future__ import annotations

import json
import sys

import pytest
from real_data import REAL_DATA, SKIP_REASON

from cellbench.cli import main
from cellbench.errors import NotFound
from cellbench.store import resolve_measurement

NEWARE = (REAL_DATA / "neware_uio.csv").resolve()


def test_path_id_and_hash_prefix_give_the_same_series(store, tmp_path, discharge):
    path = discharge(1.0).to_parquet(tmp_path / "17")  # a file named like a test id is still a file
    result = store.ingest(path)
    by_path = resolve_measurement(path, store=store)
    by_id = resolve_measurement(str(result.test_id), store=store)
    by_hash = resolve_measurement(result.content_hash[:8], store=store)
    assert by_path.data.equals(by_id.data) and by_id.data.equals(by_hash.data)
    with pytest.raises(NotFound, match="no such file, and no stored test with id 42"):
        resolve_measurement("42", store=store)
    with pytest.raises(NotFound, match="not a stored test id"):
        resolve_measurement(tmp_path / "missing.csv", store=store)


def test_no_store_yet_is_not_created_by_a_lookup(tmp_path, monkeypatch):
    monkeypatch.delenv("CELLBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(NotFound, match="no stored tests yet"):
        resolve_measurement("3")
    assert not (tmp_path / "data").exists()


@pytest.mark.skipif(not NEWARE.is_file(), reason=SKIP_REASON)
def test_summarize_by_test_id_equals_summarize_by_file(database_url, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", database_url)
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(data_dir))

    def cellbench(*args):
        monkeypatch.setattr(sys, "argv", ["cellbench", *map(str, args)])
        try:
            main()
        except SystemExit as exc:
            assert not exc.code, capsys.readouterr().err
        return capsys.readouterr().out

    test_id = json.loads(cellbench("ingest", NEWARE, "--json"))["results"][0]["test_id"]
    by_file = json.loads(cellbench("summarize", NEWARE, "--json"))
    by_id = json.loads(cellbench("summarize", test_id, "--json"))
    assert by_id == by_file
    assert len(by_id["cycles"]) >= 4
