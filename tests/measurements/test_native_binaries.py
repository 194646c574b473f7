"""Native cycler files: Neware .nda/.ndax (fastnda), Arbin .res (mdb-export), BioLogic .mpr (galvani).

Damaged files are refused with a message naming the file on every machine. Real files are checked against the
instrument's own per-cycle counters and against current integration: those in ../shared/data/real, and any in
the folder named by CELLBENCH_VENDOR_FILES (e.g. fastnda's and cellpy's public test files, which are not
redistributed here).
"""

import math
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from real_data import REAL_DATA

from cellbench.analysis import cycle_table
from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S
from cellbench.measurements.readers import detect

NATIVE_SUFFIXES = (".nda", ".ndax", ".res", ".mpr")


def native_files() -> list[Path]:
    folders = [REAL_DATA] + ([Path(os.environ["CELLBENCH_VENDOR_FILES"])] if os.environ.get("CELLBENCH_VENDOR_FILES")
                             else [])
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir()
                  if p.suffix.lower() in NATIVE_SUFFIXES and p.stat().st_size > 0)


NATIVE = native_files()
needs_mdbtools = pytest.mark.skipif(shutil.which("mdb-export") is None,
                                    reason="mdb-export (Debian package mdbtools) not installed; .ci/mdbtools.sh installs it")


@pytest.mark.skipif(not NATIVE, reason="no native cycler files: ../shared/data/real absent and CELLBENCH_VENDOR_FILES "
                                       "not set (CI has the real folder)")
@pytest.mark.parametrize("path", NATIVE, ids=[p.name for p in NATIVE])
def test_real_native_file_matches_vendor_counters_and_current_integration(path):
    if path.suffix.lower() == ".res" and shutil.which("mdb-export") is None:
        pytest.skip("mdb-export (Debian package mdbtools) not installed; .ci/mdbtools.sh installs it")
    m = read(path)
    assert m.data[S.VOLTAGE].is_finite().all() and m.data[S.TIME].is_finite().all()
    vendor = m.metadata.extra.get("vendor_cycle_counters")
    if vendor is not None:
        cycles = cycle_table(m)
        assert cycles["cycle"].to_list() == vendor["cycle"]
        for key in ("charge_capacity_Ah", "discharge_capacity_Ah"):
            for ours, theirs in zip(cycles[key].to_list(), vendor[key]):
                assert math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-12), (key, ours, theirs)
    # the counters against ∫I dt (trapezoid): each direction within 2 % of all the charge passed (sampling
    # and the vendor's own handling of noise around zero current differ by a fraction of that)
    if any("current = dq" in a for a in m.metadata.extra.get("assumptions", [])):
        return  # the current was derived from the counter itself: comparing the two would be circular
    data = m.data
    dt = data[S.TIME].diff().fill_null(0.0)
    mid = ((data[S.CURRENT] + data[S.CURRENT].shift(1)) / 2).fill_null(0.0)
    integrated = {S.CHARGE_CAPACITY: (mid.clip(lower_bound=0) * dt).sum() / 3600,
                  S.DISCHARGE_CAPACITY: (-mid.clip(upper_bound=0) * dt).sum() / 3600}
    throughput = sum(integrated.values())
    for column, charge in integrated.items():
        assert abs(data[column][-1] - charge) <= 0.02 * throughput + 1e-12, (column, data[column][-1], charge)


# -- on every machine: damaged and foreign files --------------------------------------------------

def test_a_damaged_nda_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "channel_1.nda"
    path.write_bytes(b"NEWARE" + bytes(range(256)) * 4)
    assert detect(path).FORMAT == "neware-nda"
    with pytest.raises(InputError, match=r"channel_1\.nda: not a readable Neware \.nda file"):
        read(path)


def test_an_ndax_is_recognised_inside_its_zip_whatever_its_name(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("VersionInfo.xml", "<config/>")
        archive.writestr("data.ndc", b"\x00" * 64)
    assert detect(path).FORMAT == "neware-nda"
    with pytest.raises(InputError, match=r"export\.zip: not a readable Neware \.ndax file"):
        read(path)


def test_a_zip_that_is_no_ndax_is_not_taken_for_one(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    with pytest.raises(InputError, match="unknown file format"):
        read(path)


def _fake_jet(path: Path) -> Path:
    path.write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00" * 4096)
    return path


def test_res_without_mdbtools_names_the_missing_tool(tmp_path, monkeypatch):
    path = _fake_jet(tmp_path / "cell_01.res")
    assert detect(path).FORMAT == "arbin-res"
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(InputError, match=r"cell_01\.res: reading an Arbin \.res file needs 'mdb-export' from mdbtools"):
        read(path)


@needs_mdbtools
def test_a_damaged_res_is_refused_by_mdb_export_naming_the_file(tmp_path):
    path = _fake_jet(tmp_path / "cell_02.res")
    with pytest.raises(InputError, match=r"cell_02\.res: mdb-export could not read table 'Channel_Normal_Table'"):
        read(path)


def test_a_damaged_mpr_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "run.mpr"
    path.write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + b"\x00" * 512)
    with pytest.raises(InputError, match=r"run\.mpr: not a readable BioLogic \.mpr file"):
        read(path)



def _write_mpr(path: Path, column_ids: list[int], rows: list[tuple]) -> Path:
    """A small EC-Lab .mpr in the binary layout of EC-Lab 10.x/11.x: the file magic, a settings module and a
    version-2 data module (point count, column ids, 405 header bytes, then the packed records)."""
    import numpy as np
    from galvani import BioLogic

    dtype, _ = BioLogic.VMPdata_dtype_from_colIDs(column_ids)
    records = np.array(rows, dtype=dtype).tobytes()
    head = np.uint32(len(rows)).tobytes() + np.uint8(len(column_ids)).tobytes() + np.array(column_ids, "<u2").tobytes()
    data = head.ljust(405, b"\x00") + records

    def module(short: bytes, long: bytes, body: bytes, version: int) -> bytes:
        header = np.array([(short.ljust(10), long.ljust(25), len(body), version, b"03/15/17")],
                          dtype=BioLogic.VMPmodule_hdr_v1).tobytes()
        return b"MODULE" + header + body

    path.write_bytes(BioLogic.MPR_MAGIC + module(b"VMP Set", b"VMP settings", b"\x00" * 64, 0)
                     + module(b"VMP data", b"VMP data", data, 2))
    return path


def test_a_small_mpr_in_eclab_layout_is_read_with_its_half_cycle_counters(tmp_path):
    # GCPL: charge 1 mA for 1 h (two points of 0.5 mAh), discharge 2 mA for 0.5 h (two of 0.5 mAh)
    ids = [4, 6, 8, 7, 211, 212]  # time/s, Ewe/V, I/mA, dq/mA.h, Q charge/discharge/mA.h, half cycle
    rows = [(0.0, 3.0, 0.0, 0.0, 0.0, 0), (1800.0, 3.5, 1.0, 0.5, 0.5, 0), (3600.0, 4.0, 1.0, 0.5, 1.0, 0),
            (4500.0, 3.6, -2.0, -0.5, -0.5, 1), (5400.0, 3.2, -2.0, -0.5, -1.0, 1)]
    path = _write_mpr(tmp_path / "gcpl.mpr", ids, rows)
    m = read(path)
    assert m.metadata.file_format == "biologic-mpr"
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.001, 0.001, -0.002, -0.002])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.001])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.001])
    vendor = m.metadata.extra["vendor_cycle_counters"]
    assert vendor["charge_capacity_Ah"] == pytest.approx([0.001]) and vendor["discharge_capacity_Ah"] == pytest.approx([0.001])


def test_an_mpr_without_current_column_takes_the_current_from_dq(tmp_path):
    # newer GCPL files record control/V/mA (the set point) and dq/mA.h but no I/mA
    ids = [4, 5, 6, 7]  # time/s, control/V/mA, Ewe/V, dq/mA.h
    rows = [(0.0, 1.0, 3.0, 0.0), (1800.0, 1.0, 3.5, 0.5), (3600.0, 1.0, 4.0, 0.5)]
    m = read(_write_mpr(tmp_path / "gcpl_no_i.mpr", ids, rows))
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.001, 0.001])
    assert any("current = dq/mA.h" in a for a in m.metadata.extra["assumptions"])
    assert m.data[S.CHARGE_CAPACITY][-1] == pytest.approx(0.001)


def test_an_mpr_with_nan_voltage_names_the_record(tmp_path):
    ids = [4, 6, 8]
    rows = [(0.0, 3.0, 1.0), (10.0, float("nan"), 1.0), (20.0, 3.1, 1.0)]
    with pytest.raises(InputError, match=r"nan_v\.mpr.*record 2"):
        read(_write_mpr(tmp_path / "nan_v.mpr", ids, rows))
