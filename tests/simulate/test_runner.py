"""The runner: canonical columns, sign convention, control modes, SOC setting, errors and provenance."""

import numpy as np
import pytest

from cellbench import cells
from cellbench.errors import SimulationError
from cellbench.measurements import Measurement
from cellbench.measurements import schema as S
from cellbench.protocols import Protocol
from cellbench.simulate import run_protocol, simulate
from cellbench.simulate.summary import step_summary


@pytest.fixture(scope="module")
def cycle_run(std21):
    protocol = Protocol.parse("Set SOC to 100%; Discharge at 1C for 1800 s; Rest for 10 minutes; "
                              "Charge at 1C until Vmax; Hold at Vmax until C/20; Discharge at 20 mW for 60 s at 45 °C")
    return run_protocol(std21, protocol)


def test_canonical_columns_and_sign_convention(cycle_run, std21):
    data = cycle_run.data
    for column in (S.TIME, S.VOLTAGE, S.CURRENT, S.STEP, S.CYCLE, S.STEP_TYPE, S.CELL_TEMPERATURE,
                   S.AMBIENT_TEMPERATURE, S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY):
        assert column in data.columns
    first = data.filter(data[S.STEP] == 2)
    assert first[S.CURRENT].to_numpy() == pytest.approx(-std21.nominal_capacity_Ah, rel=1e-6)  # discharge < 0
    assert set(first[S.STEP_TYPE].to_list()) == {"discharge"}
    assert np.all(np.diff(data[S.TIME].to_numpy()) > 0)


def test_half_an_hour_at_1c_moves_half_the_capacity(cycle_run, std21):
    rows = step_summary(cycle_run)
    assert rows[0]["discharge_capacity_Ah"] == pytest.approx(0.5 * std21.nominal_capacity_Ah, rel=1e-4)
    assert rows[0]["ended_by"] == "duration"
    assert rows[1]["step_type"] == "rest" and rows[1]["charge_capacity_Ah"] == 0.0


def test_cc_cv_ends_at_the_current_limit(cycle_run, std21):
    rows = step_summary(cycle_run)
    assert rows[2]["ended_by"] == "upper voltage cut-off"
    assert rows[2]["end_voltage_V"] == pytest.approx(4.2, abs=1e-6)
    hold = cycle_run.data.filter(cycle_run.data[S.STEP] == 5)
    assert hold[S.VOLTAGE].to_numpy() == pytest.approx(4.2, abs=1e-6)
    assert hold[S.CURRENT][-1] == pytest.approx(std21.nominal_capacity_Ah / 20, rel=1e-3)
    assert rows[3]["step_type"] == "cv-hold" and rows[3]["ended_by"] == "current cut-off"


def test_power_step_holds_power_and_its_own_ambient(cycle_run):
    power = cycle_run.data.filter(cycle_run.data[S.STEP] == 6)
    assert (power[S.CURRENT] * power[S.VOLTAGE]).to_numpy() == pytest.approx(-0.020, rel=1e-4)
    assert power[S.AMBIENT_TEMPERATURE].to_numpy() == pytest.approx(45.0)


def test_set_soc_starts_from_the_design_ocv(std21, std21_design):
    m = run_protocol(std21, Protocol.parse("Set SOC to 50%; Rest for 10 s"), thermal="isothermal")
    soc, ocv = cells.ocv_curve(std21_design)
    assert m.data[S.VOLTAGE][0] == pytest.approx(float(np.interp(0.5, soc, ocv)), abs=0.005)


def test_isothermal_stays_at_ambient_and_lumped_heats(lgm50):
    iso = run_protocol(lgm50, Protocol.parse("Discharge at 1C for 600 s"), thermal="isothermal", temperature_C=10)
    assert iso.data[S.CELL_TEMPERATURE].to_numpy() == pytest.approx(10.0)
    lumped = run_protocol(lgm50, Protocol.parse("Discharge at 1C for 600 s"), temperature_C=10)
    assert lumped.data[S.CELL_TEMPERATURE].max() > 11.0  # a 5 Ah cell at 5 A warms by more than a kelvin


def test_a_step_whose_end_condition_holds_at_its_start_ends_at_once_and_the_protocol_goes_on(std21):
    # as on a cycler and in PyBaMM's experiments: the second discharge is already at Vmin, so it ends at once
    # (no rows, reported) and the rest after it runs from the state the first discharge left
    m = run_protocol(std21, Protocol.parse("Set SOC to 100%; Discharge at 1C until Vmin; Discharge at 1C until Vmin; "
                                           "Rest for 60 s"))
    records = {r["step_index"]: r for r in m.metadata.extra["steps"]}
    assert records[3]["ended_by"] == "lower voltage cut-off at start"
    assert records[3]["start_s"] == records[3]["end_s"] == records[2]["end_s"]
    assert set(m.data[S.STEP].unique().to_list()) == {2, 4}
    rest = m.data.filter(m.data[S.STEP] == 4)
    assert rest[S.TIME][0] == pytest.approx(records[2]["end_s"])  # straight on from the first discharge's end
    assert 2.5 < rest[S.VOLTAGE][0] < rest[S.VOLTAGE][-1]        # relaxing up from the cut-off
    assert rest[S.TIME][-1] - rest[S.TIME][0] == pytest.approx(60.0)
    rows = step_summary(m)
    assert [r["step_index"] for r in rows] == [2, 3, 4]
    assert rows[1]["duration_s"] == 0.0 and rows[1]["ended_by"] == "lower voltage cut-off at start"
    assert rows[1]["end_voltage_V"] == rows[0]["end_voltage_V"]
    assert rows[2]["ended_by"] == "duration"


def test_a_step_ended_at_once_right_after_a_set_state_has_no_voltage_of_its_own(std21):
    m = run_protocol(std21, Protocol.parse("Set SOC to 0%; Discharge at 1C until Vmin; Charge at 1C for 60 s"))
    rows = step_summary(m)
    assert rows[0]["ended_by"] == "lower voltage cut-off at start" and rows[0]["end_voltage_V"] is None
    assert rows[1]["charge_capacity_Ah"] == pytest.approx(std21.nominal_capacity_Ah / 60, rel=1e-3)


def test_a_cycle_in_which_every_step_ends_at_once_names_step_state_and_cause(std21):
    with pytest.raises(SimulationError) as info:
        run_protocol(std21, Protocol.parse("Set SOC to 100%; Discharge at 1C until Vmin; "
                                           "(Discharge at 1C until Vmin) x 2"))
    message = str(info.value)
    assert "step 3 'Discharge at 1C until Vmin' (cycle 2)" in message
    assert "2.500 V" in message
    assert "cut-off reached at once" in message and "every step of cycle 2 ended at once" in message


def test_time_limit_stops_a_run(std21):
    with pytest.raises(SimulationError, match="time limit"):
        run_protocol(std21, Protocol.parse("(Discharge at 1C for 60 s; Charge at 1C for 60 s) x 50"),
                     time_limit_s=1e-3)


def test_parquet_round_trip_keeps_provenance(tmp_path, std21):
    m = run_protocol(std21, Protocol.parse("Discharge at 1C for 60 s"), overrides={"cathode_contact_ratio": 0.8})
    back = Measurement.from_parquet(m.to_parquet(tmp_path / "run.parquet"))
    prov = back.metadata.provenance
    assert back.metadata.origin == "simulation"
    assert prov["pybamm_version"] and prov["cellbench_version"]
    assert prov["design_hash"] == std21.design_hash
    assert prov["overrides"] == {"cathode_contact_ratio": 0.8}
    assert prov["tunable_parameters"]["Positive electrode contact ratio"] == 0.8
    assert back.data.equals(m.data)


def test_simulate_takes_catalogue_ids_and_bundled_protocols():
    m = simulate("std-2.1", "capacity-1c", model="spme", thermal="isothermal")
    assert m.metadata.provenance["model"] == "spme"
    assert m.metadata.cell_id == "std-2.1"
    assert m.data[S.DISCHARGE_CAPACITY][-1] * 1000 == pytest.approx(7.9, abs=0.3)


def test_lithium_metal_anode_runs_as_a_half_cell(std21_design):
    from cellbench.cells import LithiumFoil
    from cellbench.simulate import to_pybamm

    design = std21_design.model_copy(update={"anode": LithiumFoil(thickness_um=30.0), "id": "std-2.1-li"})
    cell = to_pybamm(design)
    assert cell.model_options == {"working electrode": "positive"}
    assert "negative" not in cell.stoichiometry_0_100
    m = run_protocol(cell, Protocol.parse("Set SOC to 100%; Discharge at 1C until Vmin; Rest for 10 min; "
                                          "Charge at 1C until Vmax"), thermal="isothermal")
    rows = step_summary(m)
    assert [r["ended_by"] for r in rows] == ["lower voltage cut-off", "duration", "upper voltage cut-off"]
    # against lithium (0 V) the cathode discharges below the full cell's 0 % SOC before reaching 2.5 V
    assert rows[0]["discharge_capacity_Ah"] > 0.95 * cell.nominal_capacity_Ah
    # a lithium-metal anode has no intercalation potential to check against plating
    assert m.metadata.extra["min_anode_potential_V"] is None and m.metadata.extra["plating_limited"] is None


def test_set_soc_mid_protocol_keeps_test_time_running(std21):
    m = run_protocol(std21, Protocol.load("pulse-3soc"), thermal="isothermal")
    t = m.data[S.TIME].to_numpy()
    assert np.all(np.diff(t) > 0)
    rows = step_summary(m)
    assert len(rows) == 12  # four running steps at each of three SOCs
    # each 10-s discharge pulse starts from a rested state at a lower SOC: its end voltage falls with SOC
    pulse_ends = [r["end_voltage_V"] for r in rows if r["step_type"] == "discharge"]
    assert pulse_ends[0] > pulse_ends[1] > pulse_ends[2]


def test_fast_charge_reports_the_lowest_anode_potential_and_plating(std21):
    """Issue 22, item 4: std-2.1 charged at 6C takes its anode below 0 V vs Li at the separator side (plating is
    favoured); at C/2 the anode stays above 0 V. Every charge reports the lowest φs − φe."""
    fast = run_protocol(std21, Protocol.parse("Set SOC to 0%; Charge at 6C until Vmax"), thermal="isothermal")
    slow = run_protocol(std21, Protocol.parse("Set SOC to 0%; Charge at C/2 until Vmax"), thermal="isothermal")
    assert fast.metadata.extra["plating_limited"] is True
    assert fast.metadata.extra["min_anode_potential_V"] < -0.02
    assert slow.metadata.extra["plating_limited"] is False
    assert 0.0 < slow.metadata.extra["min_anode_potential_V"] < 0.1  # graphite at low potential, above lithium
    # the per-step value is in the step summary, and the run's value is the lowest over its charging steps
    rows = step_summary(fast)
    assert rows[0]["min_anode_potential_V"] == pytest.approx(fast.metadata.extra["min_anode_potential_V"])
    # a discharge is not a charge: no plating verdict, but its step still carries the anode's lowest potential
    discharge = run_protocol(std21, Protocol.parse("Set SOC to 100%; Discharge at 1C for 60 s"), thermal="isothermal")
    assert discharge.metadata.extra["plating_limited"] is None
    assert step_summary(discharge)[0]["min_anode_potential_V"] > 0.05


def test_a_calibrated_cell_says_so(std21):
    from cellbench.simulate import to_pybamm

    design = cells.load("gen1-demo")
    calibrated = run_protocol(to_pybamm(design), Protocol.parse("Set SOC to 50%; Rest for 1 s"), thermal="isothermal")
    assert calibrated.metadata.extra["calibrated"] is True
    assert calibrated.metadata.extra["calibration_overrides"]["cathode_diffusivity_cm2_s"] == pytest.approx(4e-10)
    plain = run_protocol(std21, Protocol.parse("Set SOC to 50%; Rest for 1 s"), thermal="isothermal")
    assert plain.metadata.extra["calibrated"] is False


def test_a_discharge_whose_solve_fails_is_solved_again_in_pieces_to_its_cut_off(lgm50):
    # A real case (found validating a 2C file from -0.4 °C): at 9.99974 A IDA fails 20-30 mV above 2.5 V, where
    # the electrolyte runs out; at 10.0 A it passes. Were the first solve to pass one day, the first assertion says so.
    protocol = Protocol.parse("Set SOC to 99.2969%; Discharge at 9.99974 A until 2.5 V")
    run = run_protocol(lgm50, protocol, temperature_C=-0.4, time_limit_s=120)
    notes = run.metadata.extra["solver_warnings"]
    assert any("solve failed once and passed in" in n or "voltage collapsing" in n for n in notes), notes
    assert run.metadata.extra["steps"][-1]["ended_by"].startswith("lower voltage cut-off")
    v = run.data[S.VOLTAGE].to_numpy()
    assert 2.49 <= v[-1] <= 2.6 and v[-1] < v[-20]  # at (or just above) the cut-off, on the way down
    assert np.all(np.diff(run.data[S.TIME].to_numpy()) > 0)
    # the same discharge at 10.0 A solves to 2.5 V in one piece: the pieces give the same capacity
    whole = run_protocol(lgm50, Protocol.parse("Set SOC to 99.2969%; Discharge at 10 A until 2.5 V"),
                         temperature_C=-0.4, time_limit_s=120)
    assert not whole.metadata.extra["solver_warnings"]
    q, q_whole = (m.data[S.DISCHARGE_CAPACITY].to_numpy()[-1] for m in (run, whole))
    assert q == pytest.approx(q_whole * 0.99997, rel=0.003)


def test_only_a_stop_near_the_cut_off_with_the_voltage_running_to_it_counts_as_a_collapse():
    from cellbench.simulate.runner import collapse_gap

    falling = np.array([2.60, 2.57, 2.53])
    assert collapse_gap(falling, "discharge", 2.5, 4.2) == pytest.approx(0.03)
    assert collapse_gap(falling + 0.5, "discharge", 2.5, 4.2) is None  # 530 mV short: a real failure
    assert collapse_gap(falling[::-1], "discharge", 2.5, 4.2) is None  # rising: not running to the cut-off
    assert collapse_gap(np.array([4.10, 4.13, 4.16]), "charge", 2.5, 4.2) == pytest.approx(0.04)
    assert collapse_gap(np.array([4.10, 4.13, 4.16]), "discharge", 2.5, 4.2) is None


def test_a_run_outside_its_calibrations_data_says_so(lgm50, std21):
    # lg-m50 is calibrated on 25 °C discharges at 0.5–10 A (its file's `conditions`)
    def warnings(cell, protocol, temperature_C):
        run = run_protocol(cell, Protocol.parse(protocol), temperature_C=temperature_C)
        return run.metadata.extra["calibration_warnings"]

    assert warnings(lgm50, "Discharge at 1C for 30 seconds", 25.0) == []
    cold = warnings(lgm50, "Discharge at 1C for 30 seconds", 0.0)
    assert "starts at 0.0 °C, outside the calibration's 24.5–24.6 °C" in cold[0]
    assert "cell temperatures 24–58 °C" in cold[0] or "cell temperatures 25–58 °C" in cold[0]
    # and the file's alternatives (calibrate --spread) are pointed to
    assert len(cold) == 2 and "alternative fits as good" in cold[1] and "cellbench validate" in cold[1]
    fast = warnings(lgm50, "Discharge at 3C for 10 seconds", 25.0)  # 15 A against at most 10 A
    assert "15 A is outside the calibration's currents 0.5–10 A" in fast[0] and len(fast) == 2
    # a step's own ambient counts too
    assert any("at 40 °C" in w for w in warnings(lgm50, "Rest for 10 seconds; Rest for 10 seconds at 40 °C", 25.0))
    # a cell without a fitted calibration has nothing to leave
    assert warnings(std21, "Discharge at 1C for 30 seconds", 0.0) == []
