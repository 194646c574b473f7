"""Parallel runs with time limits, BPX in and out, and the command line."""

import json

import pytest
from typer.testing import CliRunner

from cellbench.cli import app
from cellbench.errors import CellbenchError, InputError, SimulationError
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S
from cellbench.simulate import simulate, simulate_many
from cellbench.simulate.bpx_io import read_bpx, write_bpx


def test_simulate_many_keeps_order_and_reports_failures_in_place(std21):
    jobs = [(std21, "Set SOC to 100%; Discharge at 1C for 60 s", {}),
            (std21, "Set SOC to 100%; Discharge at 1C until 1.0 V", {}),  # outside the window
            (std21, "Set SOC to 100%; Discharge at 2C for 60 s", {"thermal": "isothermal"})]
    results = simulate_many(jobs, workers=2, timeout_s=60)
    assert isinstance(results[0], Measurement) and isinstance(results[2], Measurement)
    assert isinstance(results[1], InputError) and "outside std-2.1's window" in str(results[1])
    assert results[2].data[S.DISCHARGE_CAPACITY][-1] == pytest.approx(2 * results[0].data[S.DISCHARGE_CAPACITY][-1],
                                                                      rel=1e-3)


def test_simulate_many_stops_a_job_at_its_time_limit(std21):
    long_protocol = "(Discharge at 1C for 600 s; Charge at 1C for 600 s) x 500"
    results = simulate_many([(std21, long_protocol, {}), (std21, "Discharge at 1C for 10 s", {})],
                            workers=2, timeout_s=1.0)
    assert isinstance(results[0], SimulationError) and "time limit of 1 s" in str(results[0])
    assert isinstance(results[1], Measurement)


def test_bpx_round_trip_is_exact_for_a_solid_state_cell(tmp_path, std21):
    path = write_bpx(std21, tmp_path / "std-2.1.bpx.json")
    document = json.loads(path.read_text())
    assert document["Parameterisation"]["Electrolyte"]["Cation transference number"] == 1.0
    back = read_bpx(path)
    protocol = "Set SOC to 100%; Discharge at 1C until Vmin"
    a = simulate(std21, protocol, thermal="isothermal")
    b = simulate(back, protocol, thermal="isothermal")
    energy = lambda m: m.data[S.DISCHARGE_ENERGY][-1]
    assert energy(b) == pytest.approx(energy(a), rel=1e-3)


def test_bpx_of_a_liquid_cell_reads_in_pybamm(tmp_path, lgm50):
    import pybamm

    path = write_bpx(lgm50, tmp_path / "lg.json")
    pv = pybamm.ParameterValues.create_from_bpx(str(path))
    assert pv["Nominal cell capacity [A.h]"] == pytest.approx(5.0)
    assert pv["Positive electrode thickness [m]"] == pytest.approx(75.6e-6)


def test_bad_bpx_file_is_an_input_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"Header": {"BPX": "1.0.0"}}')
    with pytest.raises(InputError, match="not a valid BPX file"):
        read_bpx(path)


def test_cli_simulate_json_summary_and_parquet(tmp_path):
    out = tmp_path / "run.parquet"
    result = CliRunner().invoke(app, ["simulate", "--cell", "std-2.1", "--protocol",
                                      "Set SOC to 100%; Discharge at 1C for 600 s; Rest for 60 s",
                                      "--thermal", "isothermal", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert [s["step_type"] for s in summary["steps"]] == ["discharge", "rest"]
    assert summary["steps"][0]["discharge_capacity_Ah"] == pytest.approx(0.008 / 6, rel=1e-4)
    assert Measurement.from_parquet(out).data.height == summary["rows"]
    # nothing charged: no plating verdict; std-2.1 has no calibration file
    assert summary["plating_limited"] is None and summary["calibrated"] is False
    assert summary["steps"][0]["min_anode_potential_V"] > 0


def test_cli_simulate_json_reports_plating_and_calibration():
    result = CliRunner().invoke(app, ["simulate", "--cell", "gen1-demo", "--protocol", "Set SOC to 50%; Charge at 6C for 60 s",
                                      "--thermal", "isothermal", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["plating_limited"] is True and summary["min_anode_potential_V"] < 0
    assert summary["calibrated"] is True and "anode_exchange_current_density_mA_cm2" in summary["calibration_overrides"]


def test_cli_bad_protocol_is_one_line_and_exit_code_2(monkeypatch, capsys):
    import sys

    from cellbench.cli import main

    monkeypatch.setattr(sys, "argv", ["cellbench", "simulate", "--cell", "std-2.1", "--protocol",
                                      "Discharge at 1C until 2 V"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "2 V is outside std-2.1's window" in err
    assert len(err.strip().splitlines()) == 1


def test_every_simulation_error_is_a_cellbench_error():
    assert issubclass(SimulationError, CellbenchError)
