"""BTS 9 ``.nda`` records (record version 19 and 42) are parsed by fastnda and their columns worked out by cellbench
without the step times fastnda's reader derives with a group-by and a join (cellbench takes the test time the records
carry). Every other column must be fastnda's, bit for bit: here both rules run on the same parsed records, which the
test makes (fastnda's block parser hands them over), and a file read in full gives the table it gave through
``read_nda``."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cellbench.measurements.readers import neware_binary as NB

nda = pytest.importorskip("fastnda.nda")


def parsed_records(seed: int, rows: int = 4000) -> pl.DataFrame:
    """Records as fastnda's ``_df_from_blocks`` parses them from a BTS 9 file: whole seconds and nanoseconds, signed
    capacity and energy in mA·s and mW·s (with -0.0, NaN and huge values), schedule lines that repeat."""
    rng = np.random.default_rng(seed)
    capacity = (rng.normal(0, 1, rows) * 10.0 ** rng.integers(-3, 8, rows)).astype(np.float32)
    energy = (rng.normal(0, 1, rows) * 10.0 ** rng.integers(-3, 8, rows)).astype(np.float32)
    capacity[:6] = [np.nan, -0.0, 0.0, 3.4e38, -1e-45, 3600.0]
    energy[10:13] = [-0.0, np.inf, -3600.0]
    line = np.repeat(rng.integers(1, 9, rows // 20 + 1), 20)[:rows].astype(np.uint8)
    seconds = np.cumsum(rng.integers(0, 3, rows)).astype(np.uint32)
    return pl.DataFrame({
        "step_index": line, "step_type": rng.integers(0, 30, rows).astype(np.uint8),
        "index": np.arange(1, rows + 1, dtype=np.uint32), "total_time_s": seconds,
        "time_ns": rng.integers(0, 10**9, rows).astype(np.uint32),
        "current_mA": rng.normal(0, 500, rows).astype(np.float32), "voltage_V": rng.uniform(2.5, 4.2, rows).astype(np.float32),
        "capacity_mAs": capacity, "energy_mWs": energy, "cycle_count": (np.arange(rows) // 700).astype(np.uint32),
        "unix_time_s": (1_700_000_000 + seconds).astype(np.uint32),
        "uts_ns": rng.integers(0, 10**9, rows).astype(np.uint32),
        "aux_temperature_degC": rng.uniform(20, 40, rows).astype(np.float32)})


@pytest.mark.parametrize("seed", range(3))
def test_the_columns_are_those_of_fastnda_s_bts9_reader(seed, monkeypatch):
    raw = parsed_records(seed)
    # fastnda's parser of the blocks hands over these records, to its reader and to cellbench's
    monkeypatch.setattr(nda, "_bts9_data_blocks", lambda mm: [(0, 52 * raw.height)])
    monkeypatch.setattr(nda, "_bts9_record_len", lambda mm, blocks, signature, known: 52)
    monkeypatch.setattr(nda, "_df_from_blocks", lambda mm, blocks, length, dtype, mask: raw)
    made = bytes(64)
    theirs = nda._read_bts9_19(made)
    ours = NB._bts9_records(made)
    assert ours.columns == [c for c in theirs.columns if c != "step_time_s"]
    for name in ours.columns:
        assert ours[name].dtype == theirs[name].dtype, name
        assert ours[name].to_numpy().tobytes() == theirs[name].to_numpy().tobytes(), name
    # and what they say: charge and discharge parts of the signed counters, cycles from 1, a step per schedule line run
    assert ours["cycle_count"][0] == 1
    assert ours["step_count"][-1] == 1 + int(np.count_nonzero(np.diff(raw["step_index"].to_numpy().astype(int))))
    assert ours["charge_capacity_mAh"][5] == pytest.approx(1.0) and ours["discharge_capacity_mAh"][5] == 0.0


def test_records_out_of_order_are_put_in_index_order_as_read_nda_does(tmp_path, monkeypatch):
    raw = parsed_records(7, rows=50)
    shuffled = raw[[*range(25, 50), *range(0, 25)]]
    path = tmp_path / "bts9.nda"
    path.write_bytes(NB.NDA_MAGIC + bytes(8) + bytes([130]) + bytes(200))  # version 130 at byte 14
    monkeypatch.setattr(nda, "_bts9_reader", lambda mm: nda._read_bts9_19)
    monkeypatch.setattr(nda, "_bts9_data_blocks", lambda mm: [(0, 52 * shuffled.height)])
    monkeypatch.setattr(nda, "_bts9_record_len", lambda mm, blocks, signature, known: 52)
    monkeypatch.setattr(nda, "_df_from_blocks", lambda mm, blocks, length, dtype, mask: shuffled)
    ours = NB._nda_records(path)
    theirs = nda.read_nda(path)  # fastnda's reader of the whole file, on the same records
    assert ours["index"].to_list() == list(range(1, 51)) == theirs["index"].to_list()
    for name in ours.columns:
        assert ours[name].to_numpy().tobytes() == theirs[name].to_numpy().tobytes(), name


def test_a_fastnda_without_the_parts_reads_through_read_nda(tmp_path, monkeypatch):
    path = tmp_path / "other.nda"
    path.write_bytes(b"not read")
    monkeypatch.delattr(nda, "_df_from_blocks")
    monkeypatch.setattr(nda, "read_nda", lambda p: pl.DataFrame({"index": [1], "from": ["read_nda"]}))
    assert NB._nda_records(path)["from"].to_list() == ["read_nda"]
