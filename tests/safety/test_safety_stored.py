"""Safety records in the store: judged when kept, one row per distinct record and owner, ARC figures kept with
them, and the CLI's `safety store` / `safety records` (a bad file among several stores nothing)."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import func, select

from cellbench.errors import InputError
from cellbench.safety import EXAMPLES_DIR, SafetyTestRecord, load_catalogue, section_from_record_files
from cellbench.safety.records import record_digest
from cellbench.store.records.safety import arc_of, section_from_rows, store_record, verdict_of
from cellbench.store import Store
from cellbench.store.platform import SafetyRecordRow

EXAMPLE = EXAMPLES_DIR / "records" / "record_ni_nail_assb.yaml"


@pytest.fixture
def store(tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'cb.db'}", data_dir=tmp_path) as s:
        yield s


@pytest.fixture
def heating_with_arc(tmp_path, assb_arc_run):
    """A heating-test record whose ARC run (simulated sulfide cell) sits beside it."""
    assb_arc_run.to_csv(tmp_path / "arc-assb.csv")
    path = tmp_path / "heating.yaml"
    path.write_text(yaml.safe_dump({"test": "heating", "sample": "ASSB-12", "cell_kind": "all_solid_state",
                                    "observations": {"fire": False, "explosion": False},
                                    "traces": [{"path": "arc-assb.csv", "quantity": "arc"}]}))
    return path


def count(store) -> int:
    with store.session() as db:
        return db.scalar(select(func.count()).select_from(SafetyRecordRow))


def test_a_kept_record_carries_its_verdict_and_is_kept_once(store):
    record = SafetyTestRecord(test="heating", sample="A1", observations={"fire": True, "explosion": False})
    with store.session() as db:
        owner = store.organisation_id(db, "Lab A")
        row, created = store_record(db, record, owner_organisation_id=owner)
        db.commit()
        assert created and row.status == "fail" and row.test_version == 1
        assert verdict_of(row).status == "fail" and arc_of(row) is None
        again, created_again = store_record(db, record, owner_organisation_id=owner)
        assert (again.id, created_again) == (row.id, False)
        # another organisation keeping the same record has its own row
        other, created_other = store_record(db, record, owner_organisation_id=store.organisation_id(db, "Lab B"))
        db.commit()
        assert created_other and other.id != row.id
    assert count(store) == 2


def test_an_incomplete_record_is_kept_as_incomplete_never_pass(store):
    record = SafetyTestRecord(test="heating", sample="A2", observations={"fire": False})  # explosion not observed
    with store.session() as db:
        row, _ = store_record(db, record, owner_organisation_id=store.organisation_id(db, None))
        db.commit()
        assert row.status == "incomplete"
        assert any("explosion" in reason for reason in verdict_of(row).reasons)


def test_digest_changes_with_any_observation_and_with_the_arc_figures():
    base = SafetyTestRecord(test="heating", sample="A1", observations={"fire": False, "explosion": False})
    changed = SafetyTestRecord(test="heating", sample="A1", observations={"fire": False, "explosion": True})
    assert record_digest(base, None) != record_digest(changed, None)
    assert record_digest(base, None) != record_digest(base, {"runaway_onset_C": 250.0})
    assert record_digest(base, None) == record_digest(base.model_copy(), None)


def test_bad_tier_and_unknown_sample_are_refused_before_anything_is_kept(store):
    record = SafetyTestRecord(test="heating", sample="A1", observations={"fire": False, "explosion": False})
    with store.session() as db:
        owner = store.organisation_id(db, None)
        with pytest.raises(InputError, match="tier must be one of"):
            store_record(db, record, owner_organisation_id=owner, access_tier="everyone")
        with pytest.raises(InputError, match="no sample with id 99"):
            store_record(db, record, owner_organisation_id=owner, sample_id=99)
    assert count(store) == 0


def test_arc_trace_beside_the_record_is_analysed_into_the_section(heating_with_arc, assb_arc_run):
    section = section_from_record_files([heating_with_arc, EXAMPLE])
    assert [r["status"] for r in section["records"]] == ["pass", "pass"]
    (arc,) = section["arc"]
    # the simulated run's own onsets (from the reaction model, not the analyser) within 1 °C
    assert arc["self_heating_onset_C"] == pytest.approx(assb_arc_run.true_self_heating_onset_C, abs=1.0)
    assert arc["runaway_onset_C"] == pytest.approx(assb_arc_run.true_runaway_onset_C, abs=1.0)


def test_a_missing_arc_trace_is_named(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump({"test": "heating", "sample": "S", "observations": {"fire": False},
                                    "traces": [{"path": "gone.csv", "quantity": "ARC"}]}))
    with pytest.raises(InputError, match=r"ARC trace 'gone.csv' not found"):
        section_from_record_files([path])


def test_section_from_rows_matches_the_section_from_files(store, heating_with_arc):
    from cellbench.safety import arc_from_traces, load_record

    record = load_record(heating_with_arc)
    arc = arc_from_traces(record, heating_with_arc.parent).to_dict()
    with store.session() as db:
        row, _ = store_record(db, record, owner_organisation_id=store.organisation_id(db, None), arc=arc)
        db.commit()
        section = section_from_rows([row])
    from_files = section_from_record_files([heating_with_arc])
    assert [{k: v for k, v in r.items() if k != "record_id"} for r in section["records"]] == from_files["records"]
    assert section["arc"][0]["runaway_onset_C"] == from_files["arc"][0]["runaway_onset_C"]
    assert section["records"][0]["record_id"] == section["arc"][0]["record_id"] == row.id


# -- CLI ------------------------------------------------------------------------------------------------------
@pytest.fixture
def cli_store(tmp_path, monkeypatch):
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def run(*args):
    from test_safety_cli import cellbench

    return cellbench(*args)


def test_cli_store_twice_is_one_record_and_records_lists_it(cli_store, heating_with_arc):
    first = run("safety", "store", str(EXAMPLE), str(heating_with_arc), "--organisation", "Lab A", "--json")
    assert first.returncode == 0, first.output
    rows = json.loads(first.output)
    assert [r["created"] for r in rows] == [True, True] and [r["status"] for r in rows] == ["pass", "pass"]
    second = json.loads(run("safety", "store", str(EXAMPLE), "--organisation", "Lab A", "--json").output)
    assert second[0]["created"] is False and second[0]["id"] == rows[0]["id"]
    listed = json.loads(run("safety", "records", "--json").output)
    assert len(listed) == 2 and {r["organisation"] for r in listed} == {"Lab A"}
    assert [r["has_arc"] for r in listed] == [True, False]  # newest first: the heating record has the ARC run
    assert json.loads(run("safety", "records", "--sample", "ASSB-12", "--json").output)[0]["test"] == "heating"


def test_cli_one_bad_file_among_several_stores_nothing(cli_store, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("test: heating\nobservations: {fire: false}\n")  # no sample
    from test_safety_cli import cellbench_process

    result = cellbench_process("safety", "store", str(EXAMPLE), str(bad))  # the real entry point: one error line
    assert result.returncode == 1 and "bad.yaml" in result.stderr + result.stdout
    assert "field 'sample'" in result.stderr + result.stdout and "Traceback" not in result.stderr
    assert json.loads(run("safety", "records", "--json").output) == []


def test_cli_refuses_tiers_that_need_grants(cli_store):
    from test_safety_cli import cellbench_process

    result = cellbench_process("safety", "store", str(EXAMPLE), "--tier", "named")
    assert result.returncode == 2 and "named and consortium need grants" in result.stderr + result.stdout


def test_catalogue_is_the_one_records_are_judged_against(store):
    # a definition file pinned to a version: the row records the version it was judged against
    record = SafetyTestRecord(test="ni_nail", test_version=1, sample="S",
                              observations={"fire": False, "explosion": False})
    with store.session() as db:
        row, _ = store_record(db, record, owner_organisation_id=store.organisation_id(db, None),
                              catalogue=load_catalogue())
        db.commit()
        assert (row.test, row.test_version, row.status) == ("ni_nail", 1, "pass")
