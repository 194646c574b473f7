"""Neware records finished by cellbench from fastnda's parsers must be the numbers ``fastnda.read(path,
cycle_mode="raw")`` gives, bit for bit: the .ndax run-information fill, the test time worked out from step
times, the step lookup, and the conversion to cellbench's columns. Each is held beside fastnda's own rule on
records the tests make (so they run in a plain clone) and, where Neware files are at hand (../shared/data/real,
CELLBENCH_VENDOR_FILES), beside ``fastnda.read`` on every one of them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from real_data import REAL_DATA

from cellbench.measurements import read
from cellbench.measurements import schema as S
from cellbench.measurements.cumulative import elapsed_from_step_time
from cellbench.measurements.readers import canonical as C
from cellbench.measurements.readers import neware_binary as NB

fastnda = pytest.importorskip("fastnda")
import fastnda.dicts  # noqa: E402
import fastnda.nda  # noqa: E402
from fastnda.ndax import _data_interpolation  # noqa: E402  (fastnda's rules, the references)
from fastnda.utils import _add_total_time  # noqa: E402


def same_bits(ours: pl.Series, theirs: pl.Series) -> None:
    assert ours.dtype == theirs.dtype, (ours.name, ours.dtype, theirs.dtype)
    assert ours.null_count() == theirs.null_count() == 0, ours.name
    assert ours.to_numpy().tobytes() == theirs.to_numpy().tobytes(), ours.name


def records_and_run_info(seed: int, rows: int = 3000, every: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Records as fastnda parses an .ndax's data.ndc, and its run information (data_runInfo.ndc) for some of
    them, in the order fastnda's parser leaves it (unordered): charge, discharge and rest steps, currents of both
    signs, signed zeros, time steps of 0 and below."""
    rng = np.random.default_rng(seed)
    index = np.cumsum(rng.integers(1, 3, rows)).astype(np.int32)
    current = (rng.standard_normal(rows) * 1500).astype(np.float32)
    current[rng.random(rows) < 0.05] = -0.0
    current[rng.random(rows) < 0.05] = 0.0
    voltage = (3.7 + rng.standard_normal(rows) * 0.3).astype(np.float32)
    records = pl.DataFrame({"voltage_V": voltage, "current_mA": current, "index": index})
    chosen = np.flatnonzero((rng.random(rows) < 1 / every) | (np.arange(rows) == 0))
    m = chosen.shape[0]
    run = pl.DataFrame({
        "step_time_s": np.round(rng.random(m) * 3600, 3),
        "charge_capacity_mAh": (rng.random(m) * 2000 * (rng.random(m) < 0.5)).astype(np.float32),
        "discharge_capacity_mAh": (-rng.random(m) * 2000 * (rng.random(m) < 0.5)).astype(np.float32),
        "charge_energy_mWh": (rng.random(m) * 7000).astype(np.float32),
        "discharge_energy_mWh": (rng.random(m) * 7000).astype(np.float32),
        "dt": rng.integers(-2, 2000, m) / 1000,
        "unix_time_s": 1.7e9 + np.cumsum(rng.random(m) * 10),
        "step_count": np.cumsum(rng.random(m) < 0.1).astype(np.uint32) + 1,
        "index": index[chosen].astype(np.uint32),
    })
    return records, run.sample(fraction=1.0, shuffle=True, seed=seed)


@pytest.mark.parametrize("seed,every", [(1, 7), (2, 1), (3, 40), (4, 2)])
def test_the_run_information_fill_is_fastnda_s_bit_for_bit(seed, every):
    records, run = records_and_run_info(seed, every=every)
    ours = NB._with_run_info(records, run)
    theirs = _data_interpolation(records.join(run, how="left", on="index"))
    for name in ("step_time_s", "unix_time_s", "step_count", "charge_capacity_mAh", "discharge_capacity_mAh",
                 "charge_energy_mWh", "discharge_energy_mWh", "voltage_V", "current_mA"):
        same_bits(ours[name], theirs[name])


def test_what_the_fill_means():
    # run information for the first record only (1 s steps, 10 s into the step, 5 mAh charged): the three records
    # after it are 1, 2 and 3 s later and, at 3.6 A, have charged 1, 2 and 3 mAh more; the discharge counter stays
    records = pl.DataFrame({"voltage_V": np.full(4, 4.0, dtype=np.float32),
                            "current_mA": np.full(4, 3600.0, dtype=np.float32), "index": np.arange(1, 5, dtype=np.int32)})
    run = pl.DataFrame({"step_time_s": [10.0], "charge_capacity_mAh": np.array([5.0], dtype=np.float32),
                        "discharge_capacity_mAh": np.array([2.0], dtype=np.float32),
                        "charge_energy_mWh": np.array([0.0], dtype=np.float32),
                        "discharge_energy_mWh": np.array([0.0], dtype=np.float32), "dt": [1.0],
                        "unix_time_s": [1.7e9], "step_count": np.array([1], dtype=np.uint32),
                        "index": np.array([1], dtype=np.uint32)})
    filled = NB._with_run_info(records, run)
    assert filled["step_time_s"].to_list() == [10.0, 11.0, 12.0, 13.0]
    assert filled["charge_capacity_mAh"].to_list() == pytest.approx([5.0, 6.0, 7.0, 8.0])
    assert filled["discharge_capacity_mAh"].to_list() == [2.0] * 4
    assert filled["charge_energy_mWh"].to_list() == pytest.approx([0.0, 4.0, 8.0, 12.0])


def test_records_the_compiled_fill_does_not_cover_take_fastnda_s_own_path():
    records, run = records_and_run_info(5)
    run = run.filter(pl.col("index") != records["index"][0])  # row 0 has no run information of its own
    ours = NB._with_run_info(records, run)
    theirs = _data_interpolation(records.join(run, how="left", on="index"))
    assert ours.equals(theirs, null_equal=True)
    assert ours["step_time_s"][0] is None
    # a run-information column the compiled pass does not know: fastnda's join, which leaves it empty between
    records, run = records_and_run_info(6)
    run = run.with_columns(pl.col("index").alias("marker"))
    ours = NB._with_run_info(records, run)
    assert ours.equals(_data_interpolation(records.join(run, how="left", on="index")), null_equal=True)
    assert ours["marker"].null_count() > 0


def test_test_time_from_step_times_is_fastnda_s_bit_for_bit():
    rng = np.random.default_rng(23)
    for trial in range(60):
        n = int(rng.integers(1, 2000))
        step = np.sort(rng.integers(0, 40, n)).astype(np.uint32)
        if trial % 3 == 0:
            rng.shuffle(step)  # steps numbered out of row order: summed in number order all the same
        step_time = np.round(rng.random(n) * 1000, int(rng.integers(0, 7)))
        if trial % 5 == 0:
            step_time = step_time.astype(np.float32)
        step_time[::4] = -0.0
        theirs = _add_total_time(pl.DataFrame({"step_count": step, "step_time_s": step_time}))["total_time_s"]
        same_bits(pl.Series("total_time_s", elapsed_from_step_time(step, step_time)), theirs)
    # by hand: step 1 lasts 5 s, so step 2's rows run from 5 s
    assert elapsed_from_step_time(np.array([1, 1, 2]), np.array([0.0, 5.0, 1.0])).tolist() == [0.0, 5.0, 6.0]
    assert elapsed_from_step_time(np.array([1, 2]), np.array([0.0, np.nan])) is None  # fastnda's own path then


def test_steps_are_looked_up_as_fastnda_joins_them():
    records = pl.DataFrame({"step_count": np.array([1, 1, 2, 3, 3, 5], dtype=np.uint32), "index": np.arange(6)})
    steps = pl.DataFrame({"cycle_count": np.array([1, 1, 2, 9], dtype=np.uint32),
                          "step_index": np.array([1, 2, 1, 4], dtype=np.uint32),
                          "step_type": np.array([1, 2, 4, 7], dtype=np.uint8),
                          "step_count": np.array([3, 1, 2, 5], dtype=np.int32)})
    ours = NB._with_steps(records, steps)
    theirs = records.join(steps, how="left", on="step_count")
    for name in ("cycle_count", "step_index", "step_type"):
        same_bits(ours[name], theirs[name])
    assert ours["cycle_count"].to_list() == [1, 1, 2, 1, 1, 9]
    # a step number the step table lacks: fastnda's join, which leaves it empty
    missing = NB._with_steps(records, steps.filter(pl.col("step_count") != 5))
    assert missing["cycle_count"].to_list() == [1, 1, 2, 1, 1, None]


def raw_nda(kind: str, rows: int = 500) -> pl.DataFrame:
    """Records as fastnda's .nda parsers give them, in three layouts seen in real files."""
    rng = np.random.default_rng(len(kind))
    step = np.repeat(np.arange(1, rows // 50 + 1), 50)[:rows].astype(np.uint32)
    step_type = np.array([1, 2, 4, 7, 19, 13, 99], dtype=np.uint8)[step % 7]
    current = np.where(step_type == 2, -1000.0, 1000.0) * (step_type != 4)
    frame = {"step_index": (step % 5).astype(np.uint8), "step_type": step_type,
             "step_time_s": np.tile(np.arange(50.0) * 1.25, rows // 50 + 1)[:rows],
             "voltage_V": (3.6 + rng.random(rows)).astype(np.float32), "step_count": step}
    signed = np.cumsum(current) / 3600 * (rng.random(rows) + 0.5)
    if kind == "nda8":  # cycle numbers, one signed counter, 64-bit current, integer Unix time, no test time
        frame |= {"cycle_count": (step // 4 + 1).astype(np.uint32), "current_mA": current,
                  "capacity_mAh": signed.astype(np.float32), "energy_mWh": (signed * 3.7).astype(np.float32),
                  "unix_time_s": (1_700_000_000 + np.arange(rows)).astype(np.uint64)}
    elif kind == "split":  # test time, counters kept apart in 32 bits, an auxiliary temperature
        frame |= {"cycle_count": (step // 4 + 1).astype(np.uint32), "current_mA": current.astype(np.float32),
                  "total_time_s": np.arange(rows) * 1.0000004, "unix_time_s": 1.7e9 + np.arange(rows) * 1.0000004,
                  "charge_capacity_mAh": np.abs(signed * (signed > 0)).astype(np.float32),
                  "discharge_capacity_mAh": np.abs(signed * (signed < 0)).astype(np.float32),
                  "charge_energy_mWh": np.abs(signed * 3.7).astype(np.float32),
                  "discharge_energy_mWh": np.zeros(rows, dtype=np.float32),
                  "aux_temperature_degC": (25 + rng.random(rows)).astype(np.float32)}
    else:  # no cycle numbers: fastnda numbers the cycles itself
        frame |= {"current_mA": current.astype(np.float32), "capacity_mAh": signed.astype(np.float32)}
    return pl.DataFrame(frame)


def values_the_obvious_way(frame: pl.DataFrame) -> pl.DataFrame:
    """cellbench's columns from ``fastnda.read``'s frame, one Polars expression each."""
    names = {code: NB._STEP_TYPES.get(name, name.lower()) for code, name in fastnda.dicts.STEP_TYPE_MAP.items()}
    columns = [pl.col("total_time_s").cast(pl.Float64).alias(S.TIME), pl.col("voltage_V").cast(pl.Float64).alias(S.VOLTAGE),
               (pl.col("current_mA").cast(pl.Float64) / 1000.0).alias(S.CURRENT)]
    columns += [pl.col(c).cast(t).alias(n) for c, t, n in (("unix_time_s", pl.Float64, S.UNIX_TIME),
                                                             ("cycle_count", pl.Int64, S.CYCLE),
                                                             ("step_count", pl.Int64, S.STEP)) if c in frame.columns]
    codes = {v: k for k, v in fastnda.dicts.STEP_TYPE_MAP.items()}
    columns.append(pl.col("step_type").cast(pl.String).replace_strict(
        {name: names[codes[name]] for name in codes}, default=None, return_dtype=pl.String).alias(S.STEP_TYPE))
    for name, charge, discharge in (("capacity_mAh", C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY),
                                    ("energy_mWh", C.VENDOR_CHARGE_ENERGY, C.VENDOR_DISCHARGE_ENERGY)):
        if name in frame.columns:
            value = pl.col(name).cast(pl.Float64) / 1000.0
            columns += [value.clip(lower_bound=0.0).alias(charge), (-value).clip(lower_bound=0.0).alias(discharge)]
    temperature = next((c for c in frame.columns if c.startswith("aux") and "temperature" in c), None)
    if temperature is not None:
        columns.append(pl.col(temperature).cast(pl.Float64).alias(S.CELL_TEMPERATURE))
    return frame.select(columns)


def assert_same_values(ours: pl.DataFrame, theirs: pl.DataFrame) -> None:
    assert sorted(ours.columns) == sorted(theirs.columns)
    for name in theirs.columns:
        if theirs[name].dtype == pl.String:
            assert ours[name].to_list() == theirs[name].to_list(), name
        else:
            same_bits(ours[name], theirs[name])


@pytest.mark.parametrize("kind", ["nda8", "split", "no cycles"])
def test_the_columns_are_those_of_fastnda_read(kind, tmp_path, monkeypatch):
    raw = raw_nda(kind)
    monkeypatch.setattr(fastnda.nda, "read_nda", lambda _path: raw)  # fastnda.read's parser hands over these records
    theirs = values_the_obvious_way(fastnda.read(tmp_path / "made.nda", cycle_mode="raw"))
    ours = NB._canonical_values(raw, ".nda", "made.nda")
    assert_same_values(ours, theirs)
    # and what they say: 1000 mA is 1 A, a discharge step's counter is discharge
    assert ours[S.CURRENT].abs().max() == 1.0
    assert "discharge" in ours[S.STEP_TYPE].to_list() and "cv-hold" in ours[S.STEP_TYPE].to_list()


def neware_files() -> list[Path]:
    folders = [REAL_DATA] + ([Path(os.environ["CELLBENCH_VENDOR_FILES"])]
                             if os.environ.get("CELLBENCH_VENDOR_FILES") else [])
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir()
                  if p.suffix.lower() in (".nda", ".ndax") and p.stat().st_size > 0)


NEWARE = neware_files()


@pytest.mark.skipif(not NEWARE, reason="no Neware files: ../shared/data/real has none here and CELLBENCH_VENDOR_FILES "
                                       "is not set")
@pytest.mark.parametrize("path", NEWARE, ids=[p.name for p in NEWARE])
def test_a_real_neware_file_reads_as_fastnda_reads_it(path):
    theirs = values_the_obvious_way(fastnda.read(path, cycle_mode="raw"))
    suffix = ".nda" if path.read_bytes()[:6] == NB.NDA_MAGIC else ".ndax"
    ours = NB._canonical_values(NB._fastnda_records(path, suffix, str(path)), suffix, str(path))
    assert_same_values(ours, theirs)
    assert read(path).data.height == theirs.height


def test_times_are_rounded_to_the_microsecond_as_polars_rounds_them():
    # fastnda rounds its times with Polars' round(6); cellbench rounds 64-bit times with NumPy: the same bits,
    # ties on the 7th decimal included (half to even on the scaled value)
    rng = np.random.default_rng(6)
    times = np.concatenate([rng.random(200_000) * 10.0 ** rng.integers(-3, 10, 200_000),
                            (rng.integers(0, 10**9, 100_000) + 0.5) / 1e6, [0.0, -0.0, 2.5e-6, 3.5e-6, 1.0000005]])
    times = np.concatenate([times, -times])
    ours = NB._microseconds(pl.Series("t", times))
    same_bits(ours, pl.Series("t", times).round(6))
    assert NB._microseconds(pl.Series("t", [1.0000004, 1.0000016])).to_list() == [1.0, 1.000002]
    assert NB._microseconds(pl.Series("t", np.array([1_700_000_000], dtype=np.uint64))).dtype == pl.Float64
