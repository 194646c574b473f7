"""Importing volumes (.npy, TIFF, YAML description), bad input, and the `cellbench tortuosity` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tifffile

import cellbench.microstructure as ms
from cellbench.errors import InputError


@pytest.fixture
def channel_volume() -> ms.Volume:
    labels = np.ones((12, 6, 6), dtype=np.uint8)          # active material …
    labels[:, ::2, ::2] = 2                                # … pierced by SE columns along x
    labels[:, 1, 1] = 0                                    # and one void column
    return ms.Volume(labels, voxel_size_um=0.3)


def test_npy_round_trip_keeps_voxel_size_and_phases(tmp_path, channel_volume):
    ms.save_volume(channel_volume, tmp_path / "e.npy")
    loaded = ms.load_volume(tmp_path / "e.npy")
    assert np.array_equal(loaded.labels, channel_volume.labels)
    assert loaded.voxel_size_um == 0.3 and loaded.phases == channel_volume.phases
    via_yaml = ms.load_volume(tmp_path / "e.yaml")
    assert np.array_equal(via_yaml.labels, channel_volume.labels)


def test_multipage_tiff_with_own_phase_map(tmp_path):
    labels = np.zeros((5, 4, 3), dtype=np.uint8)
    labels[2:] = 255                                        # a typical 0/255 segmentation
    tifffile.imwrite(tmp_path / "stack.tif", labels)
    volume = ms.load_volume(tmp_path / "stack.tif", voxel_size_um=0.5, phases="0=void,255=solid_electrolyte")
    assert volume.shape == (5, 4, 3)                        # pages become the first axis (x)
    assert volume.fraction("solid_electrolyte") == pytest.approx(3 / 5)


def test_wrong_dimensions_are_named(tmp_path):
    np.save(tmp_path / "slice.npy", np.zeros((8, 8), dtype=np.uint8))
    with pytest.raises(InputError, match=r"slice.npy.*expected a 3-D volume.*got 2-D with shape \(8, 8\)"):
        ms.load_volume(tmp_path / "slice.npy", voxel_size_um=1.0)
    tifffile.imwrite(tmp_path / "page.tif", np.zeros((8, 8), dtype=np.uint8))
    with pytest.raises(InputError, match="page.tif.*expected a 3-D volume"):
        ms.load_volume(tmp_path / "page.tif", voxel_size_um=1.0)


def test_label_missing_from_phase_map_is_named(tmp_path):
    np.save(tmp_path / "v.npy", np.array([0, 1, 2, 7] * 16, dtype=np.uint8).reshape(4, 4, 4))
    with pytest.raises(InputError, match=r"label value\(s\) \[7\] are not in the phase map"):
        ms.load_volume(tmp_path / "v.npy", voxel_size_um=1.0)


@pytest.mark.parametrize("voxel, message", [(0, "must be positive"), (-0.3, "must be positive"),
                                            ("thin", "must be a number")])
def test_voxel_size_not_positive(tmp_path, voxel, message):
    np.save(tmp_path / "v.npy", np.zeros((4, 4, 4), dtype=np.uint8))
    with pytest.raises(InputError, match=message):
        ms.load_volume(tmp_path / "v.npy", voxel_size_um=voxel)


def test_voxel_size_may_be_unknown(tmp_path):
    # τ is dimensionless: a bare array is enough; only sizes in µm ask for the voxel size
    np.save(tmp_path / "v.npy", np.full((4, 4, 4), 2, dtype=np.uint8))
    volume = ms.load_volume(tmp_path / "v.npy")
    assert volume.voxel_size_um is None
    assert ms.tortuosity(volume).tau == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(InputError, match="voxel size unknown"):
        volume.size_um
    description = ms.save_volume(volume, tmp_path / "copy.npy")
    assert "voxel_size_um" not in description.read_text()
    assert ms.load_volume(description).voxel_size_um is None


def test_unknown_and_absent_phases(channel_volume):
    with pytest.raises(InputError, match="unknown phase 'electrolyte'.*0=void, 1=active_material"):
        ms.tortuosity(channel_volume, phase="electrolyte")
    with pytest.raises(InputError, match="unknown phase label 5"):
        ms.tortuosity(channel_volume, phase="5")
    only_am = ms.Volume(np.ones((4, 4, 4), dtype=np.uint8), voxel_size_um=1.0)
    with pytest.raises(InputError, match="phase 'solid_electrolyte' \\(label 2\\) is absent"):
        ms.tortuosity(only_am, phase="solid_electrolyte")


def test_not_a_volume_file(tmp_path):
    (tmp_path / "junk.npy").write_bytes(b"not numpy at all")
    with pytest.raises(InputError, match="junk.npy.*not a readable NumPy .npy file"):
        ms.load_volume(tmp_path / "junk.npy", voxel_size_um=1.0)
    with pytest.raises(InputError, match="unknown volume file type '.raw'"):
        ms.load_volume(tmp_path / "junk.raw", voxel_size_um=1.0)
    with pytest.raises(InputError, match="volume file not found"):
        ms.load_volume(tmp_path / "missing.npy", voxel_size_um=1.0)


def _cellbench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cellbench.cli", *args], capture_output=True, text=True, timeout=300)


def _cellbench_json(*args: str) -> dict:
    """Run the command in this process (the subprocess test below covers exit codes and messages)."""
    from typer.testing import CliRunner

    from cellbench.cli import app

    run = CliRunner().invoke(app, [*args, "--json"])
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def test_cli_json_on_straight_channels(tmp_path, channel_volume):
    ms.save_volume(channel_volume, tmp_path / "e.npy")
    out = _cellbench_json("tortuosity", str(tmp_path / "e.npy"), "--axis", "x", "--phase", "2", "--stderr", "0.02",
                          "--method", "random-walk")
    assert out["phase"] == "solid_electrolyte" and out["percolates"] is True and out["method"] == "random_walk"
    assert out["tau"] == pytest.approx(1.0, abs=0.06)
    assert out["porosity"] == pytest.approx(12 / 432)
    # per x layer (6×6): each of the 9 SE cells at even (y, z) touches only AM — 30 faces inside the box;
    # the void cell at (1, 1) touches AM on 4 faces; x faces join like cells. Contact ratio 30/34.
    assert out["contact_ratio"] == pytest.approx(30 / 34)
    assert out["effective_conductivity_ratio"] == pytest.approx(out["phase_fraction"] / out["tau"])
    across = _cellbench_json("tortuosity", str(tmp_path / "e.npy"), "--axis", "y")
    assert across["percolates"] is False and across["tau"] is None
    assert "does not connect the two y faces" in across["statement"]


def test_cli_bad_volume_exits_1_naming_the_file(tmp_path):
    np.save(tmp_path / "flat.npy", np.zeros((8, 8), dtype=np.uint8))
    run = _cellbench("tortuosity", str(tmp_path / "flat.npy"), "--voxel-size-um", "1")
    assert run.returncode == 1
    assert "flat.npy" in run.stderr and "expected a 3-D volume" in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_all_axes_and_no_voxel_size(tmp_path, channel_volume):
    from typer.testing import CliRunner

    from cellbench.cli import app

    ms.save_volume(channel_volume, tmp_path / "e.tif")
    out = _cellbench_json("tortuosity", str(tmp_path / "e.yaml"), "--axis", "all", "--stderr", "0.05")
    assert out["axes"]["x"]["percolates"] and not out["axes"]["y"]["percolates"]
    assert not out["axes"]["z"]["percolates"]
    # a bare array without voxel size: τ all the same (it is dimensionless)
    np.save(tmp_path / "bare.npy", channel_volume.labels)
    bare = _cellbench_json("tortuosity", str(tmp_path / "bare.npy"))
    assert bare["method"] == "conduction" and bare["tau"] == pytest.approx(1.0, rel=1e-6)
    run = CliRunner().invoke(app, ["tortuosity", str(tmp_path / "bare.npy"), "--check"])
    assert run.exit_code == 0, run.output
    text = " ".join(run.stdout.split())  # the table wraps to the terminal width
    assert "12×6×6 voxels;" in text and "τ random walk" in text and "τ by conduction" in text
    run = CliRunner().invoke(app, ["tortuosity", str(tmp_path / "bare.npy"), "--method", "diffusion"])
    assert run.exit_code != 0 and "unknown method 'diffusion'" in str(run.exception)


def test_imagej_stack_carries_its_voxel_size(tmp_path):
    labels = np.full((6, 5, 4), 2, dtype=np.uint8)
    tifffile.imwrite(tmp_path / "ct.tif", labels, imagej=True, resolution=(1 / 0.3, 1 / 0.3),
                     metadata={"spacing": 0.3, "unit": "um"})
    assert ms.load_volume(tmp_path / "ct.tif").voxel_size_um == pytest.approx(0.3)
    tifffile.imwrite(tmp_path / "flat.tif", labels, imagej=True, resolution=(1 / 0.3, 1 / 0.3),
                     metadata={"spacing": 1.0, "unit": "um"})
    with pytest.raises(InputError, match="voxels are not cubic"):
        ms.load_volume(tmp_path / "flat.tif")
    assert ms.load_volume(tmp_path / "flat.tif", voxel_size_um=0.3).voxel_size_um == 0.3
