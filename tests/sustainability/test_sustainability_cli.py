"""cfp, recycle and passport through the CLI: JSON keys the issue names, files written, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def cellbench(*args: str):
    from typer.testing import CliRunner

    from cellbench.cli import app

    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_cfp_json_for_a_cell_and_the_grid_option():
    jp = json.loads(cellbench("cfp", "--cell", "lg-m50", "--grid", "JP", "--samples", "300", "--json").stdout)
    assert {"total_kg_co2e_per_kwh", "stages", "uncertainty"} <= set(jp)
    assert set(jp["stages"]) == {"raw_material_acquisition", "main_production", "distribution", "end_of_life"}
    assert jp["uncertainty"]["p05"] < jp["uncertainty"]["p95"]
    se = json.loads(cellbench("cfp", "--cell", "lg-m50", "--grid", "SE", "--samples", "0", "--json").stdout)
    assert se["total_kg_co2e_per_kwh"] < jp["total_kg_co2e_per_kwh"]
    assert jp["grid"]["by_country"]["SE"]["total_kg_co2e_per_kwh"] == pytest.approx(se["total_kg_co2e_per_kwh"])


def test_recycle_json_per_element_then_back_into_cfp(tmp_path):
    out = cellbench("recycle", "--pack", "demo-55kwh", "--route", "hydro", "--json")
    result = json.loads(out.stdout)
    for element in ("Li", "Ni", "Co", "Mn", "Cu", "Al", "graphite"):
        assert {"feed_kg", "recovered_kg", "recovery_rate", "target", "meets_target"} <= set(result["elements"][element])
    assert result["elements"]["Li"]["target"] == 0.70
    path = tmp_path / "recycle.json"
    path.write_text(out.stdout)
    base = json.loads(cellbench("cfp", "--pack", "demo-55kwh", "--samples", "0", "--json").stdout)
    closed = json.loads(cellbench("cfp", "--pack", "demo-55kwh", "--samples", "0", "--json",
                                  "--recycled-from", str(path)).stdout)
    assert closed["recycled_content"]["shares"]["Ni"] == pytest.approx(result["elements"]["Ni"]["recovery_rate"])
    assert closed["total_kg_co2e_per_kwh"] < base["total_kg_co2e_per_kwh"]


def test_passport_export_writes_a_valid_batterypass_file(tmp_path):
    from cellbench.sustainability.batterypass import validate_batterypass

    out = tmp_path / "out.json"
    result = cellbench("passport", "export", "--battery", "demo", "--format", "batterypass", "-o", str(out))
    assert result.exit_code == 0, result.stdout
    validate_batterypass(json.loads(out.read_text()))
    public = tmp_path / "public.json"
    cellbench("passport", "export", "--battery", "demo", "-o", str(public), "--as", "public")
    assert "batteryCondition" not in json.loads(public.read_text())["performanceAndDurability"]


def test_passport_soh_from_a_measured_cell_file(tmp_path, data_dir):
    import polars as pl

    from cellbench.measurements import Measurement
    from cellbench.measurements import schema as S

    # an LG M50 cell (rated ~5.09 Ah in the design) discharging 4.6 Ah at 1 A, one cycle
    n = int(4.6 * 3600)
    data = pl.DataFrame({S.TIME: [float(k) for k in range(n + 60)],
                         S.CURRENT: [0.0] * 60 + [-1.0] * n,
                         S.VOLTAGE: [3.7] * 60 + [4.1 - 1.2 * k / n for k in range(n)],
                         S.CYCLE: [1] * (n + 60)})
    csv = Measurement(data).to_csv(tmp_path / "cell.csv")
    result = json.loads(cellbench("passport", "soh", "--battery", "demo", "--measurement", str(csv), "--json").stdout)
    from cellbench import cells

    rated_cell_Ah = cells.figures(cells.load("lg-m50")).capacity_mAh / 1000
    assert result["latest"]["soh_capacity_pct"] == pytest.approx(100 * 4.6 / rated_cell_Ah, rel=2e-3)
    assert (data_dir / "cellbench.db").exists()  # the passport went into the store in the data folder
    from cellbench.store.records.passports import load_passport
    from cellbench.sustainability.passport import latest_soh

    assert latest_soh(load_passport("demo"))["soh_capacity_pct"] == pytest.approx(result["latest"]["soh_capacity_pct"])


def test_errors_name_what_was_expected():
    from cellbench.errors import InputError

    with pytest.raises(InputError, match="exactly one of --cell ID or --pack FILE"):
        cellbench("cfp", "--cell", "lg-m50", "--pack", "demo-55kwh")
    with pytest.raises(InputError, match="no recycling route 'alchemy'"):
        cellbench("recycle", "--pack", "demo-55kwh", "--route", "alchemy")


def test_access_denied_is_one_line_with_its_exit_code():
    r = subprocess.run([sys.executable, "-c", "from cellbench.cli import main; main()",
                        "passport", "due-diligence", "--battery", "demo", "--as", "public"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 4 and "legitimate_interest" in r.stderr and "Traceback" not in r.stderr
