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

