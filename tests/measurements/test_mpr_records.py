"""BioLogic ``.mpr`` records are read from galvani's parts (its module reader, its table of column types, its date
parser) rather than through ``MPRfile``, which also copies the data module twice and trims the loop index in
Python. The records, the start time and every error must be ``MPRfile``'s: here on files the test writes in EC-Lab's
layout (with settings, data, loop and log modules), on every damaged version of them cut short or with a byte
changed, and on the .mpr files at hand (``../shared/data/real``, ``CELLBENCH_VENDOR_FILES``)."""

from __future__ import annotations

import os
import random
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from real_data import REAL_DATA

from cellbench.measurements import read
from cellbench.measurements.readers import biologic as B

BioLogic = pytest.importorskip("galvani.BioLogic")


def module(short: bytes, body: bytes, version: int, date: bytes = b"03/15/17") -> bytes:
    header = np.array([(short.ljust(10), short.ljust(25), len(body), version, date)],
                      dtype=BioLogic.VMPmodule_hdr_v1).tobytes()
    return b"MODULE" + header + body


def write_mpr(path: Path, *, started: datetime = datetime(2017, 3, 15, 9, 30), data_version: int = 2,
              log_at: int = 469, loop: bool = True) -> Path:
    """A GCPL .mpr as EC-Lab writes it: time/s, control/V/mA, Ewe/V, dq/mA.h, Q charge/discharge, half cycle."""
    ids = [4, 5, 6, 7, 211, 212]
    dtype, _ = BioLogic.VMPdata_dtype_from_colIDs(ids)
    rows = [(60.0 * k, 1.0, 3.0 + 0.01 * k, 0.01 * (-1) ** (k // 10), 0.01 * k, k // 10) for k in range(40)]
    records = np.array(rows, dtype=dtype).tobytes()
    head = np.uint32(len(rows)).tobytes() + np.uint8(len(ids)).tobytes() + np.array(ids, "<u2").tobytes()
    data = head.ljust(406 if data_version == 3 else 405, b"\x00") + records
    ole_days = (started - datetime(1899, 12, 30)).total_seconds() / 86400
    log = bytearray(700)
    log[log_at:log_at + 8] = np.float64(ole_days).tobytes()
    loop_index = np.array([0, 10, 20, 0, 0], dtype="<u4").tobytes()
    path.write_bytes(BioLogic.MPR_MAGIC + module(b"VMP Set", bytes(64), 0) + module(b"VMP data", data, data_version)
                     + (module(b"VMP loop", np.uint32(3).tobytes() + loop_index, 0) if loop else b"")
                     + module(b"VMP LOG", bytes(log), 0))
    return path


def outcome(read_records, path: Path):
    try:
        data, start = read_records(path)
    except Exception as exc:  # what each reader makes of a damaged file
        return type(exc).__name__, str(exc)
    return data.dtype.descr, data.tobytes(), start


def galvani(path: Path):
    mpr = BioLogic.MPRfile(str(path))
    return mpr.data, getattr(mpr, "timestamp", None)


@pytest.mark.parametrize("layout", [{}, {"data_version": 3}, {"log_at": 585}, {"loop": False},
                                    {"started": datetime(2017, 3, 16, 1)}],
                         ids=["EC-Lab 10/11", "data module v3", "timestamp at 585", "no loop", "date mismatch"])
def test_records_and_start_are_those_of_mprfile(layout, tmp_path):
    path = write_mpr(tmp_path / "gcpl.mpr", **layout)
    ours, theirs = outcome(B._records, path), outcome(galvani, path)
    assert ours == theirs
    if "started" in layout:
        assert ours[0] == "ValueError" and "Date mismatch" in ours[1]
    else:
        assert ours[2] == datetime(2017, 3, 15, 9, 30) and len(ours[1]) == 40 * np.dtype(ours[0]).itemsize


def test_every_damaged_file_gives_mprfile_s_error_or_records(tmp_path):
    whole = write_mpr(tmp_path / "whole.mpr").read_bytes()
    rng = random.Random(23)
    damaged = [whole[:cut] for cut in range(0, len(whole), 7)]
    for _ in range(300):
        changed = bytearray(whole)
        changed[rng.randrange(len(changed))] = rng.randrange(256)
        damaged.append(bytes(changed))
    errors = set()
    for k, content in enumerate(damaged):
        path = tmp_path / f"damaged{k}.mpr"
        path.write_bytes(content)
        ours, theirs = outcome(B._records, path), outcome(galvani, path)
        assert ours == theirs, (k, len(content))
        errors.add(ours[0] if isinstance(ours[0], str) else "read")
    # the cuts and changes reach galvani's checks: magic, module headers, points, layout, dates, timestamp
    assert {"ValueError", "OSError", "read"} <= errors


def mpr_files() -> list[Path]:
    folders = [REAL_DATA] + ([Path(os.environ["CELLBENCH_VENDOR_FILES"])]
                             if os.environ.get("CELLBENCH_VENDOR_FILES") else [])
    return sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.mpr"))


MPR_FILES = mpr_files()


@pytest.mark.skipif(not MPR_FILES, reason="no .mpr files: ../shared/data/real has none here and "
                                          "CELLBENCH_VENDOR_FILES is not set")
@pytest.mark.parametrize("path", MPR_FILES, ids=[p.name for p in MPR_FILES])
def test_a_real_mpr_reads_as_mprfile_reads_it(path):
    B._register_columns()
    assert outcome(B._records, path) == outcome(galvani, path)


def test_another_galvani_is_read_through_mprfile(tmp_path, monkeypatch):
    path = write_mpr(tmp_path / "gcpl.mpr")
    ours = read(path)
    monkeypatch.setattr(B, "_galvani_parts", lambda: False)
    monkeypatch.setattr(B, "_records", lambda p: pytest.fail("MPRfile should read this"))
    theirs = read(path)
    assert ours.content_hash() == theirs.content_hash() and ours.metadata == theirs.metadata
    assert theirs.metadata.start_time == datetime(2017, 3, 15, 9, 30)
