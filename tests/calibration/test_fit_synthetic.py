"""Fitting recovers known parameters from a simulated measurement (runs without the real data)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from cellbench.calibration import calibrate, read_discharge
from cellbench.calibration.fit import start_cell
from cellbench.protocols import Protocol
from cellbench.simulate.design_to_pybamm import with_overrides
from cellbench.simulate.runner import run_protocol

pytestmark = pytest.mark.slow

TRUE = {"contact_resistance_mohm": 12.0, "anode_diffusivity_cm2_s": 1.5e-10}


def _synthetic_file(tmp_path, current_A: float, seed: int):
    """A 'measured' discharge: the model with TRUE values, 5 mV of noise (a cycler's resolution and noise), written as a cycler CSV."""
    start, _, _ = start_cell("lg-m50")  # the cell a calibration starts from: literature values, nothing fitted
    cell = with_overrides(start, TRUE)
    m = run_protocol(cell, Protocol.parse(f"Discharge at {current_A} A until 2.5 V"), temperature_C=25.0)
    d = m.data
    t = np.linspace(0.0, d["test_time_second"][-1], 2001)[1:]  # the sample at 0 is the rested cell, below
    v = np.interp(t, d["test_time_second"].to_numpy(), d["voltage_volt"].to_numpy())
    temperature = np.interp(t, d["test_time_second"].to_numpy(), d["surface_temperature_celsius"].to_numpy())
    v = v + np.random.default_rng(seed).normal(0.0, 0.005, t.size)
    current = np.full(t.size, -current_A)
    # a rested first sample at the full cell's open-circuit voltage (the simulation started full), then the
    # discharge (as a cycler logs it)
    full_ocv = float(start.open_circuit_voltage(1.0, 25.0)[0])
    frame = pl.DataFrame({"Time [s]": np.concatenate([[0.0], t]),
                          "Current [A]": np.concatenate([[0.0], current]),
                          "Voltage [V]": np.concatenate([[full_ocv], v]),
                          "Cell temperature [degC]": np.concatenate([[25.0], temperature])})
    path = tmp_path / f"synthetic_{current_A:g}A.csv"
    frame.write_csv(path)
    return path


def test_fit_recovers_known_parameters_within_their_interval(tmp_path):
    # A fixed noise draw: over four draws (seeds 10-41) 7 of the 8 intervals held the truth, as 95 % ones should.
    tests = [read_discharge(_synthetic_file(tmp_path, current, 10 + k)) for k, current in enumerate((2.5, 10.0))]
    start = {"contact_resistance_mohm": 30.0, "anode_diffusivity_cm2_s": 6e-10}  # 2.5x and 4x off
    result = calibrate("lg-m50", tests, list(TRUE), start=start, max_evaluations=40)
    fitted = result.calibration.fitted
    for name, truth in TRUE.items():
        low, high = fitted[name].ci95
        assert low <= truth <= high, f"{name}: {truth} outside {fitted[name]}"
        assert fitted[name].value == pytest.approx(truth, rel=0.05)
        assert fitted[name].start == pytest.approx(start[name])
    # the fit improved every test, and left the capacity within 0.3 % of the synthetic one
    for before, after in zip(result.before, result.after):
        assert after["voltage_rmse_mV"] < before["voltage_rmse_mV"]
        assert abs(after["capacity_error_pct"]) < 0.3
    # the file records the data it saw and the conditions it covered
    cal = result.calibration
    assert [d.sha256 for d in cal.data] == [t.sha256 for t in tests] and all(len(d.sha256) == 64 for d in cal.data)
    assert cal.conditions.current_A == (2.5, 10.0)
    assert cal.conditions.temperature_C == (25.0, 25.0)
    assert cal.overrides["contact_resistance_mohm"] == fitted["contact_resistance_mohm"].value
    assert "not predictions" in cal.label
    assert math.isfinite(cal.method["cost"])


def test_several_starts_keep_the_lowest_cost_and_list_every_optimum(tmp_path):
    from cellbench.calibration.fit import spread_starts
    from cellbench.calibration.parameters import parse_parameters

    tests = [read_discharge(_synthetic_file(tmp_path, 10.0, 12))]
    start = {"contact_resistance_mohm": 30.0, "anode_diffusivity_cm2_s": 6e-10}
    result = calibrate("lg-m50", tests, list(TRUE), start=start, max_evaluations=25, starts=3)
    method = result.calibration.method
    optima = method["optima"]
    assert method["starts"] == 3 and len(optima) == 3
    assert optima[0]["start"] == pytest.approx(start)  # the first start is the given (or the cell's own) one
    assert min(o["cost"] for o in optima) == pytest.approx(method["cost"], rel=1e-3)
    assert min(o["cost_vs_best"] for o in optima) == pytest.approx(1.0, abs=1e-3)
    best = min(optima, key=lambda o: o["cost"])
    assert {k: v.value for k, v in result.calibration.fitted.items()} == best["value"]
    # the further starts: within a decade of the start for scale parameters, the same every run
    params = parse_parameters(list(TRUE))
    z0 = np.log10([start[p.name] for p in params])
    bounds = np.array([p.search_bounds(start[p.name]) for p in params]).T
    spread = spread_starts(params, z0, bounds, 4)
    assert len(spread) == 4 and all(np.all(np.abs(z - z0) <= 1.0) for z in spread)
    assert all(np.array_equal(a, b) for a, b in zip(spread, spread_starts(params, z0, bounds, 4)))
    assert len({tuple(np.round(z, 6)) for z in spread}) == 4
