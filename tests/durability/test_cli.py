"""The durability commands end to end: JSON output and refusals."""

import json

import numpy as np
import polars as pl
from checkup import checkup, measurement
from typer.testing import CliRunner

from cellbench import cells
from cellbench.cli import app
from cellbench.durability import ElectrodeBalance
from cellbench.errors import InputError
from cellbench.measurements import Measurement

FRESH = ElectrodeBalance.from_design(cells.load("std-2.1"))


def test_diagnose_json_from_parquet_files(tmp_path):
    measurement(checkup(FRESH, resistance_ohm=5.0, rated_Ah=0.008, noise_mV=0.2)).to_parquet(tmp_path / "fresh.parquet")
    measurement(checkup(FRESH.aged(lli=0.06), resistance_ohm=5.0, rated_Ah=0.008, noise_mV=0.2,
                        seed=4)).to_parquet(tmp_path / "aged.parquet")
    result = CliRunner().invoke(app, ["diagnose", str(tmp_path / "aged.parquet"), "--cell", "std-2.1",
                                      "--reference", str(tmp_path / "fresh.parquet"), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert abs(out["losses"]["lli"] - 0.06) < 0.006
    assert out["mechanisms"][0]["id"] == "se-reduction-anode"
    assert out["degradation_map_version"] == "1.0"


def test_diagnose_without_the_needed_steps_names_them(tmp_path):
    t = np.linspace(0, 3600, 50)
    Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": np.linspace(4.1, 3.2, 50),
                              "current_ampere": np.full(50, -0.008)})).to_parquet(tmp_path / "fast.parquet")
    result = CliRunner().invoke(app, ["diagnose", str(tmp_path / "fast.parquet"), "--cell", "std-2.1"])
    assert isinstance(result.exception, InputError)
    assert "low-rate discharge" in str(result.exception) and "current pulse" in str(result.exception)


def test_ageing_fit_and_predict_from_csv(tmp_path):
    days = [7, 14, 21, 28] * 2
    temps = [45.0] * 4 + [60.0] * 4
    loss = [0.002 * np.exp(-50e3 / 8.314462618 * (1 / (T + 273.15) - 1 / 298.15)) * d ** 0.5 for T, d in zip(temps, days)]
    rows = ["temperature_C,time_days,retention"] + [f"{T},{d},{100 * (1 - x):.6f}" for T, d, x in zip(temps, days, loss)]
    path = tmp_path / "checkups.csv"
    path.write_text("\n".join(rows))
    fit = CliRunner().invoke(app, ["ageing", "fit", str(path), "--json"])
    assert fit.exit_code == 0, fit.output
    assert abs(json.loads(fit.output)["parameters"]["activation_energy_kJ_mol"]["value"] - 50.0) < 0.1
    predicted = CliRunner().invoke(app, ["ageing", "predict", str(path), "--temperature", "25", "--time", "3650",
                                         "--json"])
    out = json.loads(predicted.output)["prediction"]
    assert abs(out["retention"] - (1 - 0.002 * 3650 ** 0.5)) < 1e-3  # hand value: 1 − 0.002·√3650 = 0.879


def test_ageing_plan_json_lists_the_shortest_sufficient_test_first():
    result = CliRunner().invoke(app, ["ageing", "plan", "--max-temperature", "60", "--json"])
    plans = json.loads(result.output)
    assert plans[0]["meets_target"] and plans[0]["duration_days"] == 28.0


def test_eis_json_on_the_real_biologic_file():
    from real_data import real_file

    real = real_file("biol.mpr")
    result = CliRunner().invoke(app, ["eis", str(real), "--electrode", "cell", "--sweep", "1", "--json"])
    assert result.exit_code == 0, result.output
    fit = json.loads(result.output)["electrodes"]["cell"]
    assert 6.0 < fit["resistances_ohm"]["R_ohmic"] < 7.0
