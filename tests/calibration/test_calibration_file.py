"""The calibration file: round trip, the shipped LG M50 file, temperature functions, bad input."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import polars as pl
import pytest

from cellbench import cells
from cellbench.calibration import read_discharge
from cellbench.calibration.discharges import MeasuredDischarge
from cellbench.calibration.parameters import PARAMETERS, parse_parameters
from cellbench.calibration.validate import coverage_warnings
from cellbench.errors import InputError
from cellbench.simulate import parameter_functions as fn
from cellbench.simulate import to_pybamm
from cellbench.simulate.calibration import (Calibration, Conditions, FittedValue, load_calibration,
                                            load_calibration_file, save_calibration)


def _calibration() -> Calibration:
    return Calibration(cell="lg-m50", overrides={"contact_resistance_mohm": 15.9, "anode_diffusivity_cm2_s": 3.7e-10},
                       sources={"contact_resistance_mohm": "fitted", "anode_diffusivity_cm2_s": "fitted"},
                       label="fitted inputs", fitted={"contact_resistance_mohm": FittedValue(value=15.9, ci95=(14.2, 17.9), unit="mOhm", start=3.2),
                                                      "anode_diffusivity_cm2_s": FittedValue(value=3.7e-10, ci95=(3.2e-10, 4.3e-10))},
                       conditions=Conditions(current_A=(0.5, 10.0), c_rate=(0.1, 2.0), temperature_C=(24.5, 24.6),
                                             cell_temperature_C=(24.2, 57.6)))


def test_calibration_file_round_trips(tmp_path):
    cal = _calibration()
    path = save_calibration(cal, tmp_path / "c.yaml")
    again = load_calibration_file(path)
    assert again == cal
    assert again.fitted["contact_resistance_mohm"].ci95 == (14.2, 17.9)
    # the overrides act on the model: the contact-resistance option is switched on with the value in ohms
    cell = to_pybamm(cells.load("lg-m50"), again.overrides, calibrated=False)
    assert cell.model_options["contact resistance"] == "true"
    assert cell.parameter_values["Contact resistance at 25 C [Ohm]"] == pytest.approx(0.0159)
    assert cell.parameter_values["Negative particle diffusivity at 25 C [m2.s-1]"] == pytest.approx(3.7e-14)
    assert again.literature_overrides() == {}


def test_a_fitted_value_needs_an_override(tmp_path):
    (tmp_path / "bad.yaml").write_text("cell: x\noverrides: {}\nsources: {}\nfitted:\n  anode_contact_ratio: {value: 0.5}\n")
    with pytest.raises(InputError, match="bad.yaml.*fitted value without an override: anode_contact_ratio"):
        load_calibration_file(tmp_path / "bad.yaml")


def test_lg_m50_starts_from_oregan2022_temperature_dependence():
    pv = to_pybamm(cells.load("lg-m50")).parameter_values
    # O'Regan et al. 2022: E_r 40 and 24.01 kJ/mol, E_D/R 2092 and 1449 K
    assert pv["Negative electrode exchange-current activation energy [J.mol-1]"] == pytest.approx(40000)
    assert pv["Positive electrode exchange-current activation energy [J.mol-1]"] == pytest.approx(24010)
    assert pv["Negative particle diffusivity activation energy [J.mol-1]"] == pytest.approx(2092 * 8.314, rel=1e-3)
    assert pv["Positive particle diffusivity activation energy [J.mol-1]"] == pytest.approx(1449 * 8.314, rel=1e-3)
    assert pv["Electrolyte diffusivity activation energy [J.mol-1]"] == pytest.approx(17000)
    assert pv["Electrolyte conductivity activation energy [J.mol-1]"] == pytest.approx(13500)
    calibration = load_calibration("lg-m50")
    assert all(calibration.sources[k] for k in calibration.overrides)


def test_arrhenius_factor_by_hand():
    # 17 kJ/mol from 25 °C to 0 °C: exp(17000 / 8.314462618 * (1/298.15 - 1/273.15)) = 0.5338
    value = fn.arrhenius(17000.0, 273.15).evaluate()
    assert float(value) == pytest.approx(math.exp(17000 / 8.314462618 * (1 / 298.15 - 1 / 273.15)), rel=1e-12)
    assert float(value) == pytest.approx(0.5338, abs=1e-4)


def test_unknown_parameter_is_named():
    with pytest.raises(InputError, match="unknown parameter 'anode_difusivity'.*anode_diffusivity_cm2_s"):
        parse_parameters("anode_difusivity,contact_resistance_mohm")
    with pytest.raises(InputError, match="parameter named twice: heat_transfer_W_m2K"):
        parse_parameters("heat_transfer_W_m2K, heat_transfer_W_m2K")
    assert set(PARAMETERS) >= {"anode_diffusivity_cm2_s", "cathode_exchange_current_density_mA_cm2",
                               "anode_contact_ratio", "cathode_film_resistance_ohm_cm2",
                               "liquid_electrolyte_conductivity_S_cm", "solid_electrolyte_conductivity_S_cm",
                               "anode_kinetics_activation_energy_kJ_mol"}


def test_file_without_discharge_is_refused(tmp_path):
    path = tmp_path / "charge_only.csv"
    pl.DataFrame({"Time [s]": [0.0, 60.0, 120.0, 180.0], "Current [A]": [0.0, 1.0, 1.0, 1.0],
                  "Voltage [V]": [3.6, 3.7, 3.8, 3.9]}).write_csv(path)
    with pytest.raises(InputError, match=r"charge_only.csv.*no discharge in this file"):
        read_discharge(path)
    pulse = tmp_path / "pulse.csv"
    pl.DataFrame({"Time [s]": [0.0, 1.0, 11.0, 12.0], "Current [A]": [0.0, -5.0, -5.0, 0.0],
                  "Voltage [V]": [3.6, 3.5, 3.45, 3.55]}).write_csv(pulse)
    with pytest.raises(InputError, match=r"pulse.csv.*the longest discharge lasts 10 s"):
        read_discharge(pulse)


def test_coverage_warning_names_the_test_and_the_range():
    t = np.linspace(0, 3600, 10)
    test = MeasuredDischarge("hot.csv", "", 5.0, 43.0, t, np.linspace(4.1, 2.5, 10), np.full(10, 5.0), None, 2.5)
    warnings = coverage_warnings(test, _calibration())
    assert len(warnings) == 1 and "hot.csv: starts at 43.0 °C, outside the calibration's 24.5–24.6 °C" in warnings[0]
    inside = MeasuredDischarge("ok.csv", "", 5.0, 26.0, t, np.linspace(4.1, 2.5, 10), np.full(10, 5.0), None, 2.5)
    assert coverage_warnings(inside, _calibration()) == []
    strong = MeasuredDischarge("big.csv", "", 20.0, 25.0, t, np.linspace(4.1, 2.5, 10), np.full(10, 20.0), None, 2.5)
    assert "20 A is outside the calibration's currents 0.5–10 A" in coverage_warnings(strong, _calibration())[0]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from cellbench.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_errors_are_one_line_2_for_usage_1_for_a_bad_file(tmp_path):
    path = tmp_path / "charge_only.csv"
    pl.DataFrame({"Time [s]": [0.0, 60.0, 120.0, 180.0], "Current [A]": [0.0, 1.0, 1.0, 1.0],
                  "Voltage [V]": [3.6, 3.7, 3.8, 3.9]}).write_csv(path)
    r = _cli("calibrate", "lg-m50", str(path), "--parameters", "anode_diffusivity,heat_transfer_W_m2K")
    assert r.returncode == 2 and "unknown parameter 'anode_diffusivity'" in r.stderr and "Traceback" not in r.stderr
    r = _cli("calibrate", "lg-m50", str(path), "--parameters", "heat_transfer_W_m2K", "--out", str(tmp_path / "c.yaml"))
    assert r.returncode == 1 and "charge_only.csv" in r.stderr and "no discharge in this file" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "c.yaml").exists()
    r = _cli("validate", "lg-m50", str(path))
    assert r.returncode == 1 and "no discharge in this file" in r.stderr


def test_a_pulse_before_the_capacity_discharge_is_passed_over_and_a_cv_tail_cut(tmp_path):
    t = np.arange(0.0, 2000.0, 10.0)
    current = np.zeros_like(t)
    current[(t >= 10) & (t < 30)] = -5.0                    # a 20 s pulse
    current[(t >= 100) & (t < 1500)] = -2.0                 # the CC discharge
    current[(t >= 1500) & (t < 1700)] = -1.0                # a CV taper
    frame = pl.DataFrame({"Time [s]": t, "Current [A]": current, "Voltage [V]": np.linspace(4.1, 3.0, t.size),
                          "Ambient temperature [degC]": np.full(t.size, 0.5),
                          "Cell temperature [degC]": np.full(t.size, 3.0)})
    frame.write_csv(tmp_path / "pulse_then_cc.csv")
    d = read_discharge(tmp_path / "pulse_then_cc.csv")
    assert d.current_A == pytest.approx(2.0)
    assert d.time_s[0] == pytest.approx(10.0) and d.time_s[-1] == pytest.approx(1400.0)
    assert d.capacity_Ah == pytest.approx(2.0 * 1400 / 3600)
    assert d.start_temperature_C == pytest.approx(0.5)  # the chamber, before the cell's own sensor


def test_a_test_without_temperature_is_flagged():
    t = np.linspace(0, 3600, 10)
    test = MeasuredDischarge("cold.csv", "", 5.0, None, t, np.linspace(4.1, 2.5, 10), np.full(10, 5.0), None, 2.5)
    assert coverage_warnings(test, None) == ["cold.csv: no temperature in the file; simulated from 25 °C "
                                             "(give --temperature)"]


def test_validate_takes_a_stored_test(tmp_path, monkeypatch):
    """A stored test (by id) validates like its file; the report names it and carries its content hash."""
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    t = np.concatenate([[0.0], np.arange(1.0, 3601.0, 30.0)])
    current = np.concatenate([[0.0], np.full(t.size - 1, -2.5)])
    voltage = np.concatenate([[4.15], np.linspace(4.05, 2.5, t.size - 1)])
    path = tmp_path / "stored.csv"
    pl.DataFrame({"Time [s]": t, "Current [A]": current, "Voltage [V]": voltage,
                  "Cell temperature [degC]": np.full(t.size, 25.0)}).write_csv(path)
    r = _cli("ingest", str(path))
    assert r.returncode == 0, r.stderr
    r = _cli("validate", "lg-m50", "1", "--json")
    assert r.returncode == 0, r.stderr
    import json

    report = json.loads(r.stdout)
    assert report["tests"][0]["file"] == "stored test 1" and len(report["tests"][0]["sha256"]) == 64
    assert report["tests"][0]["measured_capacity_Ah"] == pytest.approx(2.5 * 3600 / 3600, rel=0.01)
    r = _cli("validate", "lg-m50", "999")
    assert r.returncode == 2 and "999" in r.stderr and "Traceback" not in r.stderr


def test_the_series_resistance_follows_its_activation_energy():
    # R(T) = R_25 exp(E/R (1/T - 1/298.15)): by hand, 16 mOhm with 30 kJ/mol is 48.4 mOhm at 0 C and 7.5 mOhm at
    # 45 C; with no energy given it is the same at every temperature (metal tabs and welds).
    import pybamm

    from cellbench.simulate import parameter_functions as fn

    def resistance(overrides, celsius):
        pv = to_pybamm(cells.load("lg-m50"), overrides, calibrated=False).parameter_values
        return pv.evaluate(fn.contact_resistance(pybamm.Scalar(273.15 + celsius)))

    hot = {"contact_resistance_mohm": 16.0, "contact_resistance_activation_energy_kJ_mol": 30.0}
    expected = {0.0: 0.016 * math.exp(30000 / 8.314462618 * (1 / 273.15 - 1 / 298.15)),
                45.0: 0.016 * math.exp(30000 / 8.314462618 * (1 / 318.15 - 1 / 298.15))}
    assert expected[0.0] == pytest.approx(0.0484, abs=5e-5) and expected[45.0] == pytest.approx(0.0075, abs=5e-5)
    for celsius, value in expected.items():
        assert resistance(hot, celsius) == pytest.approx(value, rel=1e-9)
    assert resistance({"contact_resistance_mohm": 16.0}, 0.0) == pytest.approx(0.016, rel=1e-12)
