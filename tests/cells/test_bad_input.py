"""Bad design and material files: one clear message naming the file and the field, exit code 1 (bad input), no traceback."""

import subprocess
import sys

import pytest
import yaml

from cellbench import cells
from cellbench.errors import InputError


def write(tmp_path, data, name="cell.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "cellbench.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d.pop("separator"), "field 'separator': Field required"),
    (lambda d: d["cathode"].update(thickness_um=-5), "field 'cathode.thickness_um': Input should be greater than 0"),
    (lambda d: d["cathode"].update(thickness_um=0), "field 'cathode.thickness_um': Input should be greater than 0"),
    (lambda d: d["anode"]["components"][0].update(fraction=0.5), "fractions sum to 0.9000; they must sum to 1"),
    (lambda d: d["cathode"]["components"][0].update(material="unobtainium"), "unknown material 'unobtainium'"),
    (lambda d: d["separator"].update(thickness_mm=0.03), "field 'separator.thickness_mm': unknown field"),
    (lambda d: d["cathode"]["components"][0].update(material="lgps"), "the cathode needs exactly one active material"),
])
def test_bad_design_file(tmp_path, hand_design_dict, mutate, expected):
    mutate(hand_design_dict)
    path = write(tmp_path, hand_design_dict)
    with pytest.raises(InputError) as info:
        cells.load(str(path))
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_cli_reports_bad_file_without_traceback(tmp_path, hand_design_dict):
    hand_design_dict["cathode"]["thickness_um"] = -1
    path = write(tmp_path, hand_design_dict)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli("cells", "show", str(path), "--json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and "cathode.thickness_um" in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_cli_unknown_unit_suggests_the_field(tmp_path):
    material = {"id": "x", "name": "x", "role": "binder", "density_g_cm3": 1.0, "thickness_mm": 3,
                "sources": {"default": "test"}}
    path = write(tmp_path, material, "x.yaml")
    result = run_cli("materials", "show", str(path))
    assert result.returncode == 1
    assert "thickness_mm" in result.stderr and str(path) in result.stderr


def test_cli_invalid_yaml_names_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\n  name: [unclosed\n")
    result = run_cli("cells", "show", str(path))
    assert result.returncode == 1
    assert "line 2" in result.stderr


def test_cells_show_json_has_the_required_keys():
    import json

    result = run_cli("cells", "show", "std-2.1", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("id", "version", "name", "capacity_mAh", "energy_Wh", "wh_per_l_stack", "wh_per_l_outline",
                "wh_per_kg", "np_ratio", "nominal", "sources"):
        assert key in data
    assert data["nominal"]["capacity_mAh"] == 8.0
