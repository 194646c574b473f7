"""Pack design: series/parallel arithmetic, overheads and swelling, unreachable voltages, YAML round trip."""

import math

import pytest

from cellbench import cells
from cellbench.errors import InputError
from cellbench.pack import Overheads, PackSpec, design_pack, large_format, pack_figures, series_parallel


def test_series_parallel_by_hand():
    # 400 V / 3.6 V = 111.1 -> 111 in series (399.6 V); 55 kWh / (111 x 100 Wh) = 4.95 -> 5 in parallel
    assert series_parallel(3.6, 100.0, energy_kWh=55, voltage_V=400) == (111, 5)


def test_unreachable_voltage_is_an_input_error():
    with pytest.raises(InputError, match="cannot be reached with whole cells"):
        series_parallel(3.5, 100.0, energy_kWh=55, voltage_V=2.0)
    with pytest.raises(InputError, match="within 1%"):
        series_parallel(3.5, 100.0, energy_kWh=55, voltage_V=12.0, tolerance_pct=1)  # 3 cells = 10.5, 4 = 14 V


def test_large_cell_keeps_the_electrodes():
    base = cells.load("nextgen-std")
    big = large_format(base, capacity_Ah=60, width_mm=100, length_mm=300)
    fb, fl = cells.figures(base), cells.figures(big)
    assert big.cathode == base.cathode and big.anode == base.anode
    assert math.isclose(fl.cathode_areal_capacity_mAh_cm2, fb.cathode_areal_capacity_mAh_cm2)
    assert abs(fl.capacity_mAh / 1000 - 60) < 0.5 * fb.capacity_mAh / fb.capacity_mAh * 3  # within a layer (3 Ah)
    assert fl.wh_per_l_stack > fb.wh_per_l_stack  # double-sided collectors share foils


def test_pack_figures_follow_the_overheads():
    spec = design_pack("nextgen-std", energy_kWh=55, voltage_V=400)
    f = pack_figures(spec)
    o = Overheads.default()
    assert f.series * 3.499 == pytest.approx(400, rel=0.01)
    assert f.energy_kWh == pytest.approx(55, rel=0.02)
    assert f.energy_kWh == pytest.approx(f.cell_energy_Wh * f.cell_count / 1000)
    expected_efficiency = o.module_volume_fraction * o.pack_volume_fraction / (1 + o.swelling_allowance_pct / 100)
    assert f.packing_efficiency == pytest.approx(expected_efficiency)
    assert o.swelling_allowance_pct == 2.0
    assert f.meets_wh_per_l_target is (f.wh_per_l >= 700)


def test_save_and_load_round_trip(tmp_path):
    spec = design_pack("liquid-ref", energy_kWh=40, voltage_V=350)
    path = spec.save(tmp_path / "pack.yaml")
    assert PackSpec.load(path) == spec
    assert "figures" in path.read_text()


def test_bad_pack_file_names_the_field(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("cell: {base: nextgen-std}\nseries: 0\nparallel: 2\n")
    with pytest.raises(InputError) as err:
        PackSpec.load(path)
    assert "series" in str(err.value) and "pack.yaml" in str(err.value)


def test_pack_heat_refuses_an_unknown_scenario(tmp_path):
    from typer.testing import CliRunner

    from cellbench.cli import app

    path = design_pack("nextgen-std").save(tmp_path / "pack.yaml")
    result = CliRunner().invoke(app, ["pack", "heat", "--pack", str(path), "--scenario", "track-day"])
    assert isinstance(result.exception, InputError) and "combined, charge or drive" in str(result.exception)
    missing = CliRunner().invoke(app, ["drive", "--pack", str(tmp_path / "none.yaml")])
    assert isinstance(missing.exception, InputError) and "pack design" in str(missing.exception)
