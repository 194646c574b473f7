"""ARC analysis on real heat-wait-seek exports: five 21700 cells measured at KIT (Ohneseit et al., CC BY 4.0).

The files live in ``shared/data/real/arc_kit_21700/`` (see the SOURCES.md there). Each row carries the instrument's
own temperature rate, so every expected figure below is worked out by hand from the file's columns, independently
of cellbench's rate estimator:

- the first row is where the calorimeter first detected self-heating (the file logs exotherm tracking only);
- the sustained self-heating starts after the last break in tracking: a row whose rate is below 0.02 °C/min (a
  lapse), or a gap across which the cell warmed more than the instrument's rates at both ends allow (the
  calorimeter heated it: unlogged heat-wait-seek) — each such break is spelled out in ``SUSTAINED`` below;
- the runaway onset is where the instrument's rate column crosses 1 °C/min for good, interpolated in log(rate);
- the maximum temperature is the largest value of the temperature column;
- a least-squares slope is a positively weighted mean of the slopes between neighbouring samples, so cellbench's
  maximum rate can never exceed the steepest step between two rows (which is the instrument's largest rate).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import numpy as np
import pytest
from real_data import REAL_DATA, SKIP_REASON

from cellbench.safety import analyse_arc, read_arc_csv

ARC_REAL = REAL_DATA / "arc_kit_21700"
CELLS = ["NMC_SOC100_M1", "NCA_HEI_SOC100_M1", "NCA_HEII_SOC100_M1", "NCA_HP_SOC100_M1", "LFP_SOC100_M1"]

needs_files = pytest.mark.skipif(not (ARC_REAL / "NMC_SOC100_M1.txt").exists(),
                                 reason=SKIP_REASON)

# The instrument logs about one row per degree, so an onset read from its rows is good to about one degree.
ONSET_TOLERANCE_C = 1.0


@dataclass
class InstrumentColumns:
    time_min: np.ndarray
    temperature_C: np.ndarray
    rate_C_per_min: np.ndarray  # the calorimeter's own rate; NaN where the row leaves it blank


def instrument_columns(name: str) -> InstrumentColumns:
    """The three columns as written, parsed without cellbench (Latin-1, tab-separated, one header line)."""
    with open(ARC_REAL / f"{name}.txt", encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))[1:]
    rate = [float(r[2]) if len(r) > 2 and r[2].strip() else math.nan for r in rows]
    return InstrumentColumns(np.array([float(r[0]) for r in rows]), np.array([float(r[1]) for r in rows]),
                             np.array(rate))


def runaway_onset_by_hand(columns: InstrumentColumns, threshold_C_per_min: float = 1.0) -> float:
    """Where the instrument's rate crosses the threshold and stays above it, interpolated in log(rate)."""
    T, rate = columns.temperature_C, columns.rate_C_per_min
    above = (rate >= threshold_C_per_min) | np.isnan(rate)
    k = next(i for i in range(1, rate.size) if above[i:].all())
    fraction = math.log(threshold_C_per_min / rate[k - 1]) / math.log(rate[k] / rate[k - 1])
    return float(T[k - 1] + fraction * (T[k] - T[k - 1]))


@pytest.fixture(scope="module", params=[pytest.param(name, marks=needs_files) for name in CELLS])
def cell(request):
    columns = instrument_columns(request.param)
    result = analyse_arc(read_arc_csv(ARC_REAL / f"{request.param}.txt"))
    return request.param, columns, result


@needs_files
def test_hand_figures_of_the_nmc_cell():
    # Read off the file: first row 90.425 °C at 0.023 °C/min; rows 141.475 °C (0.931) and 142.476 °C (1.012)
    # bracket 1 °C/min: 141.475 + ln(1/0.931)/ln(1.012/0.931) x 1.001 = 142.33 °C; last row 421.322 °C is the top.
    columns = instrument_columns("NMC_SOC100_M1")
    assert columns.temperature_C[0] == 90.425 and columns.rate_C_per_min[0] == 0.023
    assert runaway_onset_by_hand(columns) == pytest.approx(142.33, abs=0.01)
    assert columns.temperature_C.max() == 421.322


def test_reader_takes_every_row_in_seconds_and_degrees(cell):
    name, columns, result = cell
    trace = result.trace
    assert trace.time_s == pytest.approx(columns.time_min * 60.0, abs=1e-6)
    assert trace.temperature_C == pytest.approx(columns.temperature_C, abs=1e-9)
    np.testing.assert_array_equal(trace.instrument_rate_C_per_min, columns.rate_C_per_min)  # NaN where blank
    assert result.modes_from == "instrument rate"  # an exotherm-only log: no mode column, the instrument's rate


def test_maximum_temperature_is_the_largest_logged(cell):
    name, columns, result = cell
    assert result.max_temperature_C == pytest.approx(columns.temperature_C.max(), abs=1e-6)


def test_runaway_onset_matches_the_instrument_rate(cell):
    name, columns, result = cell
    assert result.runaway_onset_C == pytest.approx(runaway_onset_by_hand(columns), abs=ONSET_TOLERANCE_C)


def test_maximum_rate_bounded_by_the_steepest_logged_step(cell):
    name, columns, result = cell
    steepest = float(np.max(np.diff(columns.temperature_C) / np.diff(columns.time_min)))
    assert steepest == pytest.approx(np.nanmax(columns.rate_C_per_min), rel=1e-3)  # the instrument agrees
    # Never above the steepest step (see module docstring); a window of a few rows at the venting jump keeps
    # well over half of it.
    assert 0.5 * steepest <= result.max_self_heating_rate_C_per_min <= steepest * (1 + 1e-6)


@dataclass
class Sustained:
    """The exotherm the instrument tracked to the end of the file, read off the columns by hand."""

    detected_C: float  # its first row
    onset_C: float  # the 0.02 °C/min crossing where the file brackets it, else the detection
    episodes: int  # stretches of tracking, split at lapses and at unlogged heat-wait-seek
    why: str


SUSTAINED = {
    "NMC_SOC100_M1": Sustained(90.425, 90.425, 1, "no rate below 0.02 and no gap with added heat: the first row"),
    "NCA_HEI_SOC100_M1": Sustained(
        105.057, 105.057, 2, "the first row (94.991 °C, 0.027) stands alone: 147.754 min later the cell is 10.066 °C "
        "warmer, but 0.036 °C/min (the larger end rate) explains only 5.32 °C, so the calorimeter heated it; the "
        "searches in between are not in the file, so onset = detection"),
    "NCA_HEII_SOC100_M1": Sustained(
        121.097, 120.163, 4, "lapses at 91.460 (0.013), 105.532/106.533 (0.017, 0.014) and 120.094 (0.019) °C; "
        "the instrument tracked on from 120.094 to 121.097 °C (0.040 over 25.3 min, no heat added), so the "
        "crossing is 120.094 + ln(0.02/0.019)/ln(0.040/0.019) x 1.003 = 120.163 °C"),
    "NCA_HP_SOC100_M1": Sustained(
        110.744, 110.744, 2, "lapse at 101.496 °C (0.016), then 9.248 °C in 99.5 min against at most 0.048 x 99.5 "
        "= 4.78 °C of self-heating: heat-wait-seek, so onset = detection"),
    "LFP_SOC100_M1": Sustained(
        160.691, 160.691, 4, "120.571 alone (19.944 °C in 248.0 min, at most 6.45 °C self-heating), 140.515-141.515 "
        "(8.936 °C in 145.4 min, at most 4.07 °C), 150.451-153.454 ending on a lapse (0.017), then heat-wait-seek "
        "(7.237 °C in 122.9 min, at most 5.53 °C) to 160.691 °C; the blank-rate row at 165.347 °C is no break"),
}


def test_self_heating_detected_where_the_tracked_exotherm_starts(cell):
    name, columns, result = cell
    expected = SUSTAINED[name]
    assert result.self_heating_detected_C == pytest.approx(expected.detected_C, abs=1e-6), expected.why
    assert result.self_heating_onset_C == pytest.approx(expected.onset_C, abs=0.005), expected.why
    assert result.exotherm_segments == expected.episodes, expected.why


def test_instrument_rate_stays_at_or_above_the_threshold_from_the_detection(cell):
    # The definition, checked on the raw columns: from the detected row on, no logged rate is below 0.02 °C/min
    # (blank rates aside), and the onset is never above the detection nor below the row before it.
    name, columns, result = cell
    first = int(np.flatnonzero(columns.temperature_C == SUSTAINED[name].detected_C)[0])
    after = columns.rate_C_per_min[first:]
    assert np.all(after[~np.isnan(after)] >= 0.02)
    floor_C = columns.temperature_C[first - 1] if first else columns.temperature_C[0]
    assert floor_C <= result.self_heating_onset_C <= result.self_heating_detected_C


@needs_files
def test_self_heating_detected_at_the_first_row_when_tracking_never_breaks():
    # NMC: the instrument's rate never falls below 0.02 °C/min and every gap between rows is explained by
    # self-heating at the rates around it: the exotherm found at the first row is the one that runs away.
    columns = instrument_columns("NMC_SOC100_M1")
    assert np.nanmin(columns.rate_C_per_min) >= 0.02
    result = analyse_arc(read_arc_csv(ARC_REAL / "NMC_SOC100_M1.txt"))
    assert result.self_heating_detected_C == pytest.approx(columns.temperature_C[0], abs=0.01)


@needs_files
def test_unlogged_heat_wait_seek_ends_an_exotherm_without_a_lapse_row():
    # NCA HE I never logs a rate below 0.02 °C/min, yet its first exotherm did not last: between the first two rows
    # the cell warmed far more than self-heating at either row's rate allows, which only the calorimeter's heater
    # can do, and it heats only after an exotherm has lapsed.
    columns = instrument_columns("NCA_HEI_SOC100_M1")
    assert np.nanmin(columns.rate_C_per_min) >= 0.02
    rise_C = columns.temperature_C[1] - columns.temperature_C[0]
    gap_min = columns.time_min[1] - columns.time_min[0]
    most_self_heating_C = max(columns.rate_C_per_min[:2]) * gap_min
    assert rise_C == pytest.approx(10.066) and most_self_heating_C == pytest.approx(5.319, abs=1e-3)
    result = analyse_arc(read_arc_csv(ARC_REAL / "NCA_HEI_SOC100_M1.txt"))
    assert result.self_heating_detected_C == pytest.approx(columns.temperature_C[1], abs=1e-6)


@needs_files
@pytest.mark.parametrize("name, lapsed_at_C", [("NCA_HP_SOC100_M1", 101.496), ("LFP_SOC100_M1", 153.454),
                                               ("NCA_HEII_SOC100_M1", 120.094)])
def test_self_heating_detected_after_the_last_lapse(name, lapsed_at_C):
    # Here an earlier exotherm died out: the instrument logged a rate below 0.02 °C/min at lapsed_at_C, then left
    # the file for heat-wait-seek steps (HP, LFP) or tracked on until the rate picked up (HE II). Self-heating that
    # "stays at or above the threshold" (arc.py's definition) can only be detected above that temperature.
    columns = instrument_columns(name)
    lapsed = columns.temperature_C[columns.rate_C_per_min < 0.02]
    assert lapsed.max() == lapsed_at_C
    result = analyse_arc(read_arc_csv(ARC_REAL / f"{name}.txt"))
    assert result.self_heating_detected_C > lapsed_at_C


def test_reader_decodes_a_latin1_export(tmp_path):
    # The KIT exports spell '°C' as the single byte 0xB0, which is not UTF-8; the reader falls back to Latin-1.
    path = tmp_path / "latin1.txt"
    path.write_bytes("time / min\ttemperature / \xb0C\ttemperature rate / ( \xb0C/min)\r\n"
                     "1.0\t90.0\t0.02\r\n2.0\t91.0\t0.03\r\n3.5\t92.0\t0.04\r\n".encode("latin-1"))
    trace = read_arc_csv(path)
    assert trace.time_s.tolist() == [60.0, 120.0, 210.0]  # 'time / min' is minutes
    assert trace.temperature_C.tolist() == [90.0, 91.0, 92.0]  # the temperature, not its rate
