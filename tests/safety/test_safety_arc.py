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


# ---------------------------------------------------------------------------------------------- exotherm-only logs

def _exotherm_log(path, rows):
    """Write a hand-made exotherm-only export (the KIT layout: tab-separated, the instrument's rate per row).

    ``rows`` are (temperature °C, instrument rate °C/min or None, minutes since the row before); the time
    column is their running sum.
    """
    lines, t_min = ["time / min\ttemperature / °C\ttemperature rate / ( °C/min)"], 100.0
    for T, rate, gap_min in rows:
        t_min += gap_min
        lines.append(f"{t_min:.3f}\t{T:.3f}\t{'' if rate is None else f'{rate:.4f}'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tracked(T_from, T_to, rate_at):
    """Rows one degree apart, each with the rate over the degree before it, as the instrument logs them."""
    rows = []
    for T in np.arange(T_from, T_to + 0.5, 1.0):
        rate = rate_at(T)
        rows.append((T, rate, 1.0 / rate))
    return rows


def _runaway_rate(T):
    # 0.03 °C/min at 105 °C, ten-fold every 8 ln(10) = 18.4 °C: 1 °C/min at 105 + 8 ln(1/0.03) = 133.05 °C.
    return 0.03 * math.exp((T - 105.0) / 8.0)


def test_exotherm_log_detects_after_unlogged_heat_wait_seek(tmp_path):
    # An exotherm found at 95 °C dies out (0.015 °C/min logged at 97 °C); the instrument heats, waits and seeks
    # without logging, finds 0.03 °C/min at 105 °C two hours later (8 °C warmer: at most 0.03 x 120 = 3.6 °C of
    # that is self-heating) and tracks that one into runaway. One row in it has a blank rate.
    rows = [(95.0, 0.025, 0.0), (96.0, 0.022, 45.0), (97.0, 0.015, 66.0), (105.0, 0.03, 120.0)]
    rows += _tracked(106.0, 160.0, _runaway_rate)
    rows[10] = (rows[10][0], None, rows[10][2])  # a blank rate neither ends nor confirms an episode
    trace = read_arc_csv(_exotherm_log(tmp_path / "exotherm.txt", rows))
    assert trace.instrument_rate_C_per_min[:4].tolist() == [0.025, 0.022, 0.015, 0.03]
    assert math.isnan(trace.instrument_rate_C_per_min[10])
    result = analyse_arc(trace)
    assert result.modes_from == "instrument rate"
    assert result.exotherm_segments == 2  # 95-97 °C and 105 °C to the end
    assert result.self_heating_detected_C == 105.0
    # The searches that found nothing between 97 and 105 °C are not in the file: no sub-step estimate below 105.
    assert result.self_heating_onset_C == 105.0
    # Least-squares rates over three rows sit within a degree of the logged rates' 1 °C/min crossing.
    assert result.runaway_onset_C == pytest.approx(105.0 + 8.0 * math.log(1 / 0.03), abs=1.0)
    assert _runaway_rate(159.0) < result.max_self_heating_rate_C_per_min <= _runaway_rate(160.0)
    assert result.max_temperature_C == 160.0
    # Bridging the gap (as an analysis without the rate column does) would find self-heating at 95 °C.
    bridged = analyse_arc(trace, exotherm_log=False)
    assert bridged.modes_from == "inferred" and bridged.self_heating_detected_C == 95.0


def test_exotherm_log_interpolates_a_lapse_the_instrument_tracked_across(tmp_path):
    # The instrument keeps tracking through a lapse: 0.016 °C/min logged at 117 °C, then 0.04 °C/min over the
    # next degree (25 min, no heat added). The 0.02 crossing lies between the two rows, interpolated in log(rate):
    # 117 + ln(0.02/0.016) / ln(0.04/0.016) = 117 + 0.2231/0.9163 = 117.24 °C.
    rows = [(115.0, 0.03, 0.0), (116.0, 0.025, 40.0), (117.0, 0.016, 62.5), (118.0, 0.04, 25.0)]
    rows += _tracked(119.0, 140.0, lambda T: 0.04 * math.exp((T - 118.0) / 6.0))
    result = analyse_arc(read_arc_csv(_exotherm_log(tmp_path / "lapse.txt", rows)))
    assert result.exotherm_segments == 2
    assert result.self_heating_detected_C == 118.0
    assert result.self_heating_onset_C == pytest.approx(117.2435, abs=1e-3)


def test_exotherm_log_that_ends_on_a_lapse_has_no_sustained_self_heating(tmp_path):
    rows = [(100.0, 0.03, 0.0), (101.0, 0.03, 33.3), (102.0, 0.025, 40.0), (103.0, 0.018, 55.6)]
    result = analyse_arc(read_arc_csv(_exotherm_log(tmp_path / "dies.txt", rows)))
    assert result.modes_from == "instrument rate" and result.exotherm_segments == 1
    assert result.self_heating_detected_C is None and result.self_heating_onset_C is None
    assert result.runaway_onset_C is None
    assert result.max_self_heating_rate_C_per_min == pytest.approx(0.025, abs=0.01)  # tracked, though it died


def test_full_heat_wait_search_log_with_a_rate_column_is_not_exotherm_only(liquid_arc_run):
    # A full log also has the instrument's rate, but its heat steps are in the file: the analysis stays the one
    # that drops heat steps and waits, and still finds the true onsets.
    t = liquid_arc_run.trace["time_s"].to_numpy()
    T = liquid_arc_run.trace["temperature_C"].to_numpy()
    result = analyse_arc(trace_from_columns(t, T, instrument_rate_C_per_min=np.gradient(T, t) * 60.0))
    assert result.modes_from == "inferred"
    assert result.self_heating_onset_C == pytest.approx(liquid_arc_run.true_self_heating_onset_C, abs=1.0)
    assert result.runaway_onset_C == pytest.approx(liquid_arc_run.true_runaway_onset_C, abs=1.0)


def test_rate_column_is_never_taken_for_the_temperature(tmp_path):
    path = tmp_path / "rate_first.csv"
    path.write_text("dT/dt (K/s),Time (min),Sample temperature (°C),Pressure rate (bar/min),Pressure (bar)\n"
                    "0.001,0,100,0.0,1.0\n,1,100.06,0.0,1.1\n0.002,2,100.18,0.0,1.2\n")
    trace = read_arc_csv(path)
    assert trace.temperature_C.tolist() == [100.0, 100.06, 100.18]
    assert trace.instrument_rate_C_per_min[[0, 2]] == pytest.approx([0.06, 0.12])  # per second -> per minute
    assert math.isnan(trace.instrument_rate_C_per_min[1])  # a blank cell
    assert trace.pressure.tolist() == [1.0, 1.1, 1.2] and trace.pressure_unit == "bar"


def test_non_number_rate_names_line_and_column(tmp_path):
    path = tmp_path / "bad_rate.csv"
    path.write_text("time_min,temperature_C,self-heating rate (°C/min)\n0,100,0.03\n1,101,fast\n2,102,0.04\n")
    with pytest.raises(InputError,
                       match=r"line 3, column 3 \(self-heating rate \(°C/min\)\): 'fast' is not a number"):
        read_arc_csv(path)
