"""The same analysis functions on a simulated and a measured Measurement, in one test."""

import pytest
from real_data import real_file

from cellbench.analysis import cycle_table, dqdv, pulse_resistance, step_table, summarize
from cellbench.measurements import read


@pytest.mark.slow
def test_one_set_of_functions_for_simulation_and_measurement():
    from cellbench.protocols import Protocol
    from cellbench.simulate import PybammCell, run_protocol

    cell = PybammCell.from_parameter_set("Chen2020")
    protocol = Protocol.parse("Discharge at 1C for 20 minutes; Rest for 10 minutes; "
                              "Discharge at 2C for 30 seconds; Rest for 5 minutes; Charge at 1C for 10 minutes")
    simulated = run_protocol(cell, protocol, model="spm", thermal="isothermal")
    measured = read(real_file("maccor_002.txt"))
    for measurement in (simulated, measured):
        steps = step_table(measurement)
        cycles = cycle_table(measurement)
        summary = summarize(measurement, steps=True)
        assert steps.height >= 2 and cycles.height >= 1
        assert summary.to_json()["cycles"][0]["cycle"] == cycles["cycle"][0]
        assert dqdv(measurement).height > 0
    # 1C for 20 min from the simulated cell's nominal 5 Ah: 5/3 Ah out in the first step
    sim_steps = step_table(simulated)
    assert sim_steps["discharge_capacity_Ah"][0] == pytest.approx(5.0 / 3, rel=0.02)
    # the 2C pulse after a rest gives a positive DC resistance of milliohms for this 5 Ah cell
    resistance = pulse_resistance(simulated, after_s=10.0)
    assert resistance.height >= 1
    assert 0.001 < resistance["resistance_ohm"][0] < 0.1
