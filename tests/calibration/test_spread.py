"""What a calibration's data leave open (`spread`): alternatives kept by `calibrate --spread`, and the
disagreement `validate` reports between them (runs without the real data)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cellbench.calibration import calibrate, read_discharge, validate
from cellbench.calibration.fit import NEAR_OPTIMUM_COST, start_cell
from cellbench.errors import InputError
from cellbench.protocols import Protocol
from cellbench.simulate.calibration import Alternative, Calibration, Spread, load_calibration
from cellbench.simulate.design_to_pybamm import with_overrides
from cellbench.simulate.runner import run_protocol

ANODE_ENERGY = "anode_diffusivity_activation_energy_kJ_mol"


def _measured_file(tmp_path, cell, current_A: float, temperature_C: float):
    """A 'measured' discharge of `cell` from full, written as a cycler CSV (a rested first sample, then the run)."""
    m = run_protocol(cell, Protocol.parse(f"Discharge at {current_A} A until 2.5 V"), temperature_C=temperature_C)
    d = m.data
    t = d["test_time_second"].to_numpy()
    full_ocv = float(cell.open_circuit_voltage(1.0, temperature_C)[0])
    frame = pl.DataFrame({"Time [s]": np.concatenate([[0.0], t[1:]]),
                          "Current [A]": np.concatenate([[0.0], np.full(t.size - 1, -current_A)]),
                          "Voltage [V]": np.concatenate([[full_ocv], d["voltage_volt"].to_numpy()[1:]]),
                          "Cell temperature [degC]": np.concatenate(
                              [[temperature_C], d["surface_temperature_celsius"].to_numpy()[1:]])})
    path = tmp_path / f"measured_{current_A:g}A_{temperature_C:g}C.csv"
    frame.write_csv(path)
    return path


def test_spread_alternatives_must_name_the_fitted_and_open_parameters():
    own = load_calibration("lg-m50")
    fitted = {name: v.value for name, v in own.fitted.items()}
    ok = Spread(parameters=[ANODE_ENERGY], cost_ratio=1.25, starts=2,
                alternatives=[Alternative(values=fitted | {ANODE_ENERGY: 40.0}, cost_vs_fit=1.1)])
    assert Calibration(**(own.model_dump() | {"spread": ok.model_dump()})).spread.alternatives[0].values[ANODE_ENERGY] == 40.0
    missing = ok.model_dump()
    missing["alternatives"][0]["values"].pop(ANODE_ENERGY)
    with pytest.raises(ValueError, match=ANODE_ENERGY):
        Calibration(**(own.model_dump() | {"spread": missing}))


def test_a_parameter_cannot_be_both_fitted_and_left_open():
    with pytest.raises(InputError, match="both fitted and left open"):
        calibrate("lg-m50", [], ["contact_resistance_mohm"], spread=["contact_resistance_mohm"])


@pytest.mark.slow
def test_validate_reports_how_far_alternatives_disagree_where_the_data_say_nothing(tmp_path):
    # The cell's own calibration plus one alternative that differs only in the graphite diffusivity's activation
    # energy (17.4 -> 60 kJ/mol). Arrhenius terms are referred to 25 C: at 25 C and C/10 (the cell barely warms)
    # the two agree; at 0 C and 1C they must not.
    own = load_calibration("lg-m50")
    fitted = {name: v.value for name, v in own.fitted.items()}
    spread = Spread(parameters=[ANODE_ENERGY], cost_ratio=NEAR_OPTIMUM_COST, starts=1,
                    alternatives=[Alternative(values=fitted | {ANODE_ENERGY: 60.0}, cost_vs_fit=1.0)])
    with_spread = own.model_copy(update={"spread": spread})
    from cellbench import cells
    from cellbench.simulate.design_to_pybamm import to_pybamm

    truth = to_pybamm(cells.load("lg-m50"))  # the calibrated cell stands in for the measured one
    tests = [read_discharge(_measured_file(tmp_path, truth, 0.5, 25.0)),
             read_discharge(_measured_file(tmp_path, truth, 5.0, 0.0))]
    report = validate("lg-m50", tests, calibration=with_spread)
    warm, cold = report.rows
    assert len(warm.alternative_capacities_Ah) == len(cold.alternative_capacities_Ah) == 1
    assert warm.spread_pct < 0.3, warm.spread_pct
    assert cold.spread_pct > 1.0, cold.spread_pct
    # the slower diffusion of the alternative gives less capacity in the cold, never more
    assert cold.alternative_capacities_Ah[0] < cold.simulated.capacity_Ah
    assert report.open_parameters == [ANODE_ENERGY]
    assert ANODE_ENERGY in report.verdict and f"{cold.spread_pct:.1f} %" in report.verdict
    row = report.as_dict()["tests"][1]
    assert row["spread_pct"] == pytest.approx(cold.spread_pct, abs=1e-3)
    assert row["alternative_capacities_Ah"] == [round(cold.alternative_capacities_Ah[0], 4)]


@pytest.mark.slow
def test_calibrate_keeps_optima_as_good_as_its_fit_with_the_open_parameters_free(tmp_path):
    # The 'measured' cell's graphite diffusivity has 60 kJ/mol, the cell's record 17.4. A 10 A discharge heats the
    # cell by about 30 K, so freeing that energy lets the fit do better than with the series resistance alone.
    start, _, _ = start_cell("lg-m50")
    truth = with_overrides(start, {"contact_resistance_mohm": 12.0, ANODE_ENERGY: 60.0})
    tests = [read_discharge(_measured_file(tmp_path, truth, 10.0, 25.0))]
    result = calibrate("lg-m50", tests, ["contact_resistance_mohm"], spread=[ANODE_ENERGY], starts=2,
                       max_evaluations=12)
    cal = result.calibration
    assert cal.spread is not None and cal.spread.parameters == [ANODE_ENERGY] and cal.spread.starts == 2
    alternatives = cal.spread.alternatives
    assert all(a.cost_vs_fit <= NEAR_OPTIMUM_COST for a in alternatives)
    assert all(set(a.values) == {"contact_resistance_mohm", ANODE_ENERGY} for a in alternatives)
    # restarted from the fit's optimum with the energy free, the optimiser moves it towards the truth and fits better
    best = min(alternatives, key=lambda a: a.cost_vs_fit)
    assert best.cost_vs_fit < 1.0 and best.values[ANODE_ENERGY] > 25.0, best
    # the fit itself is not listed as its own alternative, and the open parameter keeps its sourced value in it
    own = {"contact_resistance_mohm": cal.fitted["contact_resistance_mohm"].value, ANODE_ENERGY: 17.39}
    assert own not in [a.values for a in alternatives]
    assert ANODE_ENERGY not in cal.fitted and cal.overrides[ANODE_ENERGY] == pytest.approx(17.39)


@pytest.mark.slow
def test_an_alternative_that_cannot_run_is_counted_and_the_report_goes_on(tmp_path, monkeypatch):
    import importlib

    from cellbench import cells
    from cellbench.simulate.design_to_pybamm import to_pybamm

    validation = importlib.import_module("cellbench.calibration.validate")  # the module, not its function

    own = load_calibration("lg-m50")
    fitted = {name: v.value for name, v in own.fitted.items()}
    spread = Spread(parameters=[ANODE_ENERGY], cost_ratio=NEAR_OPTIMUM_COST, starts=1,
                    alternatives=[Alternative(values=fitted | {ANODE_ENERGY: 60.0}, cost_vs_fit=1.0)])

    class Broken:
        def run(self, test, values):
            raise RuntimeError("solver exploded")

    monkeypatch.setattr(validation.DischargeModel, "for_parameters", classmethod(lambda cls, *a, **k: Broken()))
    test = read_discharge(_measured_file(tmp_path, to_pybamm(cells.load("lg-m50")), 2.5, 25.0))
    report = validate("lg-m50", [test], calibration=own.model_copy(update={"spread": spread}))
    row = report.rows[0]
    assert row.alternatives_failed == 1 and row.alternative_capacities_Ah == [] and row.spread_pct is None
    assert abs(row.errors["capacity_error_pct"]) < 0.5  # the calibration itself was still compared
    assert "1 run(s) of alternatives did not solve" in report.verdict


@pytest.mark.parametrize("spread, message", [
    ("anode_diffusivty", "--spread: unknown parameter 'anode_diffusivty'"),
    ("contact_resistance_mohm", "--spread: contact_resistance_mohm: both fitted and left open"),
])
def test_calibrate_names_a_bad_spread_before_reading_any_file(tmp_path, spread, message):
    import subprocess
    import sys

    missing = tmp_path / "never-read.csv"  # would be 'no such file' if the files came first
    run = subprocess.run([sys.executable, "-c", "from cellbench.cli import main; main()", "calibrate", "lg-m50",
                          str(missing), "-p", "contact_resistance_mohm", "--spread", spread],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert message in run.stdout + run.stderr
