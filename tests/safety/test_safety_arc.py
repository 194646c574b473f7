"""ARC analysis on heat-wait-search runs made by our own simulator, where the true onsets are known."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellbench.errors import InputError
from cellbench.safety import Chemistry, analyse_arc, read_arc_csv, simulate_heat_wait_search, trace_from_columns
from cellbench.safety.reactions import GAS_CONSTANT

# One first-order reaction whose onset follows by hand: dT/dt = H W A c0 exp(-Ea/RT) / cp.
A, EA, H_J_PER_G, W, C0, CP = 1.0e12, 1.2e5, 1000.0, 0.3, 1.0, 1000.0
SINGLE = Chemistry(id="single", version=1, name="one first-order reaction", cell_kind="liquid", reactions=[{
    "name": "test reaction", "rate_law": "nth_order", "frequency_factor_per_s": A,
    "activation_energy_J_per_mol": EA, "heat_J_per_g": H_J_PER_G, "reactant_kg_per_kg_cell": W,
    "initial_fraction": C0, "source": "synthetic"}])
ADIABATIC_RISE_C = H_J_PER_G * 1000.0 * W * C0 / CP  # 300 °C


def onset_by_hand(rate_C_per_min: float) -> float:
    """Temperature where the fresh reaction self-heats at the given rate (consumption neglected)."""
    prefactor_K_per_min = H_J_PER_G * 1000.0 * W * A * C0 / CP * 60.0
    return EA / (GAS_CONSTANT * math.log(prefactor_K_per_min / rate_C_per_min)) - 273.15


@pytest.fixture(scope="module")
def single_run():
    return simulate_heat_wait_search(SINGLE, start_C=50.0, end_C=300.0)


def test_hand_calculated_onset_of_the_single_reaction():
    assert onset_by_hand(0.02) == pytest.approx(75.96, abs=0.01)  # the number the next tests aim at


@pytest.mark.parametrize("with_modes", [True, False])
def test_single_reaction_onsets_within_one_degree(single_run, with_modes):
    trace = single_run.trace
    result = analyse_arc(trace_from_columns(trace["time_s"], trace["temperature_C"],
                                            mode=trace["mode"] if with_modes else None))
    assert result.self_heating_onset_C == pytest.approx(onset_by_hand(0.02), abs=1.0)
    assert result.self_heating_onset_C == pytest.approx(single_run.true_self_heating_onset_C, abs=0.5)
    assert result.runaway_onset_C == pytest.approx(single_run.true_runaway_onset_C, abs=1.0)
    # the instrument detects at a 2.5 °C step at or above the onset
    assert onset_by_hand(0.02) <= result.self_heating_detected_C <= onset_by_hand(0.02) + 2.5 + 0.5
    # nearly all the reaction heat appears after detection: T_max ≈ T_detected + ΔT_ad
    assert result.max_temperature_C == pytest.approx(result.self_heating_detected_C + ADIABATIC_RISE_C, abs=5.0)


@pytest.mark.parametrize("with_modes", [True, False])
@pytest.mark.parametrize("noise_C, seed", [(0.0, 0), (0.005, 3), (0.01, 1), (0.01, 2), (0.01, 6)])
def test_liquid_cell_model_onsets_recovered(liquid_arc_run, with_modes, noise_C, seed):
    trace = liquid_arc_run.add_noise(noise_C, seed=seed) if noise_C else liquid_arc_run.trace
    result = analyse_arc(trace_from_columns(trace["time_s"], trace["temperature_C"],
                                            mode=trace["mode"] if with_modes else None))
    assert result.modes_from == ("file" if with_modes else "inferred")
    assert result.self_heating_onset_C == pytest.approx(liquid_arc_run.true_self_heating_onset_C, abs=1.0)
    assert result.runaway_onset_C == pytest.approx(liquid_arc_run.true_runaway_onset_C, abs=1.0)
    true_max_rate = liquid_arc_run.trace["model_self_heating_rate_C_per_min"].max()
    assert 0.3 * true_max_rate < result.max_self_heating_rate_C_per_min < 3 * true_max_rate


def test_heat_steps_alone_are_not_self_heating():
    inert = SINGLE.model_copy(update={"reactions": [SINGLE.reactions[0].model_copy(
        update={"frequency_factor_per_s": 1e-30})]})
    run = simulate_heat_wait_search(inert, start_C=40.0, end_C=120.0)
    for modes in (run.trace["mode"], None):
        result = analyse_arc(trace_from_columns(run.trace["time_s"], run.trace["temperature_C"], mode=modes))
        assert result.self_heating_onset_C is None and result.runaway_onset_C is None
        assert result.exotherm_segments == 0
        assert result.max_self_heating_rate_C_per_min is None  # no exotherm was tracked
        assert abs(result.rate_C_per_min).max() < 0.005  # 2 °C/min heat steps never enter the measured rates
        assert result.max_temperature_C == pytest.approx(120.0, abs=2.5)


def test_csv_round_trip_and_pressure(tmp_path, liquid_arc_run):
    path = tmp_path / "cell_a.csv"
    liquid_arc_run.to_csv(path)
    result = analyse_arc(read_arc_csv(path))
    assert result.self_heating_onset_C == pytest.approx(liquid_arc_run.true_self_heating_onset_C, abs=1.0)
    # The same run exported in seconds, without the mode column, with a pressure column.
    seconds = tmp_path / "cell_b.csv"
    t = liquid_arc_run.trace["time_s"].to_numpy()
    T = liquid_arc_run.trace["temperature_C"].to_numpy()
    pressure = 1.0 + np.maximum(T - 150.0, 0) / 100.0
    rows = "\n".join(f"{a:.3f};{b:.4f};{p:.4f}" for a, b, p in zip(t, T, pressure))
    seconds.write_text("Time (s);Sample temperature (°C);Pressure (bar)\n" + rows + "\n")
    other = analyse_arc(read_arc_csv(seconds))
    assert other.modes_from == "inferred"
    assert other.runaway_onset_C == pytest.approx(result.runaway_onset_C, abs=1.0)
    assert other.max_pressure == pytest.approx(pressure.max(), abs=1e-4) and other.pressure_unit == "bar"
    assert set(other.to_dict()) >= {"self_heating_onset_C", "runaway_onset_C", "max_temperature_C",
                                    "max_self_heating_rate_C_per_min"}


def test_sample_temperature_is_preferred_over_the_jacket(tmp_path):
    path = tmp_path / "two_temps.csv"
    path.write_text("time_min,jacket temperature C,sample temperature C\n0,50,40\n1,51,41\n2,52,42\n3,53,43\n")
    trace = read_arc_csv(path)
    assert trace.temperature_C.tolist() == [40, 41, 42, 43]
    assert trace.time_s.tolist() == [0, 60, 120, 180]


def test_short_headers_and_kelvin(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("Time (h)\tT (K)\n0\t313.15\n0.5\t314.15\n1\t315.15\n")
    trace = read_arc_csv(path)
    assert trace.time_s.tolist() == [0, 1800, 3600]
    assert trace.temperature_C == pytest.approx([40.0, 41.0, 42.0])


def test_no_temperature_column_is_refused(tmp_path):
    path = tmp_path / "no_temp.csv"
    path.write_text("time_min,pressure_bar\n0,1\n1,1\n2,1\n")
    with pytest.raises(InputError, match=r"no_temp\.csv, line 1: no temperature column.*time_min, pressure_bar"):
        read_arc_csv(path)


def test_time_going_backwards_names_the_row(tmp_path):
    path = tmp_path / "backwards.csv"
    path.write_text("time_min,temperature_C\n0,40\n1,40.5\n2,41\n1.5,41.2\n3,41.5\n")
    with pytest.raises(InputError, match=r"backwards\.csv, line 5, column 1 \(time_min\): time goes backwards"):
        read_arc_csv(path)


def test_non_number_names_line_and_column(tmp_path):
    path = tmp_path / "text.csv"
    path.write_text("time_min,temperature_C\n0,40\n1,forty\n2,41\n")
    with pytest.raises(InputError, match=r"line 3, column 2 \(temperature_C\): 'forty' is not a number"):
        read_arc_csv(path)


def test_time_without_a_unit_asks_for_one(tmp_path):
    path = tmp_path / "no_unit.csv"
    path.write_text("time,temperature_C\n0,40\n1,40.5\n2,41\n")
    with pytest.raises(InputError, match="--time-unit"):
        read_arc_csv(path)
    assert read_arc_csv(path, time_unit="min").time_s[-1] == 120.0


def test_arrays_going_backwards_name_the_row():
    with pytest.raises(InputError, match="row 3"):
        trace_from_columns([0.0, 1.0, 0.5, 2.0], [40.0, 40.1, 40.2, 40.3])


def _staircase(step_C, heat_rate_C_per_min, noise_C, seed, steps=12, dt_s=30.0):
    """An inert sample under heat-wait-search: ramps, then flat wait and search, with thermocouple noise."""
    rng = np.random.default_rng(seed)
    times, temps, t, T = [0.0], [40.0], 0.0, 40.0
    for _ in range(steps):
        ramp_s = step_C / heat_rate_C_per_min * 60.0
        for _ in range(int(ramp_s // dt_s)):
            t += dt_s
            T += heat_rate_C_per_min * dt_s / 60.0
            times.append(t), temps.append(T)
        for _ in range(int(15 * 60 // dt_s)):  # 10 min wait + 5 min search
            t += dt_s
            times.append(t), temps.append(T)
    return np.array(times), np.array(temps) + rng.normal(0.0, noise_C, len(temps))


@settings(max_examples=25, deadline=None)
@given(step_C=st.floats(1.0, 5.0), heat_rate=st.floats(1.0, 5.0), noise_C=st.floats(0.0, 0.01),
       seed=st.integers(0, 10_000))
def test_inert_staircases_never_show_self_heating(step_C, heat_rate, noise_C, seed):
    time_s, temperature_C = _staircase(step_C, heat_rate, noise_C, seed)
    result = analyse_arc(trace_from_columns(time_s, temperature_C))
    assert result.exotherm_segments == 0
    assert result.self_heating_onset_C is None and result.runaway_onset_C is None
    assert result.max_self_heating_rate_C_per_min is None
    assert result.rate_C_per_min.max() < 0.02  # no heat-step rate leaks into the adiabatic rates


def test_settings_block_before_the_header_is_skipped_and_lines_still_count(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Instrument: ARC\nTime: 2024-03-01 10:00, operator A\nWait: 10 min\n\nTime (min),Temperature (C)\n0,40\n1,40.1\n"
                    "0.5,40.2\n")
    with pytest.raises(InputError, match=r"line 8, column 1 \(Time \(min\)\): time goes backwards"):
        read_arc_csv(path)
