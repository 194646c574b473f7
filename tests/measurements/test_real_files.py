"""Every real cycler file: detected from content, read into canonical columns, metadata filled, and
per-cycle capacities equal to the instrument's own counters within 0.1 %."""

import math
import shutil
from datetime import datetime, timezone

import polars as pl
import pytest

from cellbench.analysis import cycle_table, summarize
from cellbench.errors import InputError
from cellbench.measurements import Measurement, read
from cellbench.measurements import schema as S
from cellbench.measurements.readers import detect, formats

GOOD = {
    # file: (file_format, rows, vendor)
    "FastCharge_000025_CH8.csv": ("arbin-csv", 248, "Arbin"),
    "PredictionDiagnostics_000151_paused.052": ("maccor-raw", 332, "Maccor"),
    "maccor_test_file_4267-66-6519.041": ("maccor-raw", 74, "Maccor"),
    "maccor_002.txt": ("maccor-text", 7446, "Maccor"),
    "neware_uio.csv": ("neware-flat", 9065, "Neware"),
    "biol.mpr": ("biologic-mpr", 23561, "BioLogic"),
    "batmo_bdf.csv": ("bdf-csv-human", 21206, None),
    "custom_good_small.csv": ("generic", 60, None),
    "bad_custom_missing_cycle.csv": ("generic", 40, None),
    "test_Nova_Form-CH01-01_short.csv": ("novonix", 3942, "Novonix"),
}


@pytest.fixture(scope="module")
def measurements(real):
    return {name: read(real / name) for name in GOOD}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_format_rows_and_canonical_columns(measurements, name):
    m = measurements[name]
    file_format, rows, vendor = GOOD[name]
    assert m.metadata.file_format == file_format
    assert m.metadata.vendor == vendor
    assert len(m) == rows
    for column in (S.TIME, S.VOLTAGE, S.CURRENT, S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY):
        assert m.data[column].dtype == pl.Float64
        assert m.data[column].is_finite().all()
    # BDF counters are cumulative: they never fall
    assert (m.data[S.CHARGE_CAPACITY].diff().drop_nulls() >= -1e-12).all()
    assert (m.data[S.DISCHARGE_CAPACITY].diff().drop_nulls() >= -1e-12).all()
    assert m.metadata.units_as_recorded[S.VOLTAGE] in ("V", "mV")


@pytest.mark.parametrize("name", sorted(GOOD))
def test_per_cycle_capacity_matches_vendor_counters(measurements, name):
    m = measurements[name]
    vendor = m.metadata.extra["vendor_cycle_counters"]
    cycles = cycle_table(m)
    assert cycles["cycle"].to_list() == vendor["cycle"]
    for key in ("charge_capacity_Ah", "discharge_capacity_Ah"):
        for ours, theirs in zip(cycles[key].to_list(), vendor[key]):
            assert math.isclose(ours, theirs, rel_tol=1e-3, abs_tol=1e-12), (key, ours, theirs)


def test_neware_cycles_against_hand_sums_of_step_end_counters(measurements):
    # sums of Chg./DChg. Cap.(Ah) at the last row of each step, per cycle, taken from the file with awk
    cycles = cycle_table(measurements["neware_uio.csv"])
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.00424934, 0.00424668, 0.00783477, 0.00143796],
                                                                   rel=1e-6)
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx(
        [0.00508628, 0.00436841, 0.00797423, 0.00331516], rel=1e-6)


def test_maccor_text_export_time_unit_inferred_from_wall_clock(measurements):
    m = measurements["maccor_002.txt"]
    # TestTime 3809.841833 (minutes: 5/11 15:40:24 → 5/14 07:10:13 is 3809.8 min)
    assert m.data[S.TIME][-1] == pytest.approx(3809.841833 * 60)
    assert m.metadata.units_as_recorded[S.TIME] == "min"
    assert any("counts min" in a for a in m.metadata.extra["assumptions"])
    assert m.metadata.channel == "53" and m.metadata.procedure == "CW_MZ_SIMBA_CT.000"
    assert m.metadata.start_time == datetime(2021, 5, 11, 15, 40, 24)
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.00244213, 0.00227658], rel=1e-6)
    # the file records discharge current as positive with state D; BDF wants it negative
    discharge = m.data.filter(pl.col(S.STEP_TYPE) == "discharge")
    assert (discharge[S.CURRENT] < 0).all()


def test_maccor_paused_channel_reported(measurements):
    m = measurements["PredictionDiagnostics_000151_paused.052"]
    assert m.metadata.extra["pauses"] == [{"at_test_time_s": 769267.69, "paused_s": 7201.0}]
    assert m.metadata.procedure == "PredictionDiagnostics_000151.000"
    assert m.metadata.cell_id == "00001E"
    summary = summarize(m)
    assert any("paused for 7201.0 s" in w for w in summary.warnings)
    assert summary.cycles["discharge_capacity_Ah"][0] == pytest.approx(0.0236349063, rel=1e-9)


def test_maccor_raw_duration_text_time(measurements):
    m = measurements["maccor_test_file_4267-66-6519.041"]
    assert m.data[S.TIME][1] == pytest.approx(1.0)
    assert m.metadata.units_as_recorded[S.TIME] == "d hh:mm:ss"


def test_arbin_side_file_metadata(measurements):
    md = measurements["FastCharge_000025_CH8.csv"].metadata
    assert md.channel == "7"
    assert md.cell_id == "EL150800453116"
    assert md.procedure.endswith("20170512-4_4C-80PER_4_4C.SDU")
    assert md.start_time == datetime.fromtimestamp(1494645214, tz=timezone.utc)
    assert md.start_time.tzinfo is not None


def test_bdf_human_header_hours_and_flipped_sign(measurements):
    m = measurements["batmo_bdf.csv"]
    assert m.data[S.TIME][0] == pytest.approx(0.138888888888889 * 3600)
    # first step is labelled discharge and the file's current there is +0.006 A: flipped to BDF
    assert m.data[S.CURRENT][0] == pytest.approx(-0.00605515800906498)
    assert any("negated" in a for a in m.metadata.extra["assumptions"])
    cycles = cycle_table(m)
    assert cycles["discharge_capacity_Ah"][:3].to_list() == pytest.approx([0.2766870812, 0.1468375817, 0.1478467747])


def test_novonix_summary_block_and_hours(measurements):
    m = measurements["test_Nova_Form-CH01-01_short.csv"]
    md = m.metadata
    assert md.channel == "01" and md.procedure == "XC_Formation_Entree_Test.pro1"
    assert md.start_time == datetime(2022, 4, 11, 10, 58, 7)
    assert m.data[S.TIME][-1] == pytest.approx(17.4345750 * 3600)
    assert m.data[S.CHARGE_CAPACITY][-1] == pytest.approx(0.0294679161)
    assert md.units_as_recorded[S.CELL_TEMPERATURE] == "°C"


def test_biologic_mpr_total_charge(measurements):
    m = measurements["biol.mpr"]
    assert m.data[S.CHARGE_CAPACITY][-1] == pytest.approx(4.976893132347389e-3, rel=1e-6)
    assert m.metadata.start_time == datetime(2017, 3, 15, 10, 22, 54)
    assert m.metadata.units_as_recorded[S.CURRENT] == "mA"


def test_generic_header_block(measurements):
    md = measurements["custom_good_small.csv"].metadata
    assert md.cell_id == "ee002" and md.procedure == "galvanic"
    assert md.extra["header"]["operator"] == "Jan Petter Maehlen"


# -- bad files ---------------------------------------------------------------------------------------

def test_missing_column_named(real):
    with pytest.raises(InputError, match=r"missing column 'voltage'") as err:
        read(real / "bad_custom_missing_column.csv")
    assert "bad_custom_missing_column.csv" in str(err.value)


def test_nan_and_inf_with_line_numbers(real):
    with pytest.raises(InputError) as err:
        read(real / "bad_custom_nan_inf.csv")
    message = str(err.value)
    assert "line 24 (empty)" in message and "line 28 ('inf')" in message and "line 32 ('-inf')" in message


def test_truncated_last_line_named(real):
    with pytest.raises(InputError, match=r"line 80: truncated last line"):
        read(real / "bad_custom_truncated.csv")


def test_cycle_gap_is_a_warning_not_an_error(real):
    summary = summarize(read(real / "bad_custom_missing_cycle.csv"))
    assert summary.cycles["cycle"].to_list() == [1, 3]
    assert summary.warnings == ["cycle numbers jump from 1 to 3 (cycle 2 missing from the file)"]


# -- detection ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["maccor_002.txt", "neware_uio.csv", "biol.mpr", "test_Nova_Form-CH01-01_short.csv"])
def test_detection_ignores_the_file_name(real, tmp_path, name):
    renamed = tmp_path / "renamed.dat"
    shutil.copyfile(real / name, renamed)
    assert detect(renamed).FORMAT == detect(real / name).FORMAT


def test_unknown_format_lists_formats_tried(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a cycler file")
    with pytest.raises(InputError) as err:
        read(junk)
    assert "unknown file format" in str(err.value) and all(f in str(err.value) for f in formats())


def test_parquet_round_trip_keeps_data_and_metadata(measurements, tmp_path):
    m = measurements["neware_uio.csv"]
    out = m.to_parquet(tmp_path / "n.parquet")
    back = read(out)
    assert back.data.equals(m.data)
    assert back.metadata.extra["vendor_cycle_counters"] == m.metadata.extra["vendor_cycle_counters"]


@pytest.mark.parametrize("style", ["machine", "human"])
def test_bdf_csv_round_trip_both_header_styles(measurements, tmp_path, style):
    m = measurements["maccor_002.txt"]
    out = m.to_csv(tmp_path / f"m_{style}.csv", header_style=style)
    back = read(out)
    assert back.metadata.file_format == f"bdf-csv-{style}"
    for column in (S.TIME, S.VOLTAGE, S.CURRENT, S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY):
        assert back.data[column].to_list() == pytest.approx(m.data[column].to_list(), rel=1e-12, abs=1e-15)


def test_read_returns_measurement(measurements):
    assert all(isinstance(m, Measurement) for m in measurements.values())


# the instrument counts charge between the points it logs; this diagnostic file logs 332 points over nine days,
# so the logged current misses most of its pulses and ∫I dt over the log says little about the counters
SPARSE_LOGS = {"PredictionDiagnostics_000151_paused.052"}


@pytest.mark.parametrize("name", sorted(set(GOOD) - SPARSE_LOGS))
def test_cumulative_capacities_agree_with_current_integration(measurements, name):
    data = measurements[name].data
    dt = data[S.TIME].diff().fill_null(0.0)
    mid = ((data[S.CURRENT] + data[S.CURRENT].shift(1)) / 2).fill_null(0.0)
    integrated = {S.CHARGE_CAPACITY: (mid.clip(lower_bound=0) * dt).sum() / 3600,
                  S.DISCHARGE_CAPACITY: (-mid.clip(upper_bound=0) * dt).sum() / 3600}
    throughput = sum(integrated.values())
    for column, charge in integrated.items():
        # within 1 % of all the charge passed (batmo: 0.7 %, biol.mpr: 0.75 %, the others below 0.01 %)
        assert abs(data[column][-1] - charge) <= 0.01 * throughput + 1e-12, (column, data[column][-1], charge)
