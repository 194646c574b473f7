"""Exports as labs make them beyond the vendors' defaults: columns the user chose, auxiliary channels without a
reading, impedance points between cycles, several channels in one workbook. Every file is written here, in the
vendor's layout, with made-up values."""

import pytest

from cellbench.analysis import cycle_table
from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S
from cellbench.measurements.cycles import summarize
from cellbench.measurements.readers import detect
from vendor_workbooks import write_workbook


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


# --- auxiliary readings: a thermocouple without a reading is no bad measurement of the cell -----------------------

ARBIN_AUX = "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Charge_Capacity(Ah)," \
            "Discharge_Capacity(Ah),Aux_Temperature_1(C)"


def _arbin_aux_rows(temperatures):
    """1 A charge, a point every 900 s (0.25 Ah a point)."""
    return [f"{k + 1},{900.0 * k},1,1,1.0,{3.5 + 0.01 * k},{0.25 * k},0,{t}" for k, t in enumerate(temperatures)]


def test_arbin_temperature_without_a_reading_keeps_the_row_and_warns(tmp_path):
    path = _write(tmp_path / "arbin_aux.csv", [ARBIN_AUX, *_arbin_aux_rows([25.0, "NaN", 25.2, "---", 25.4, "inf"])])
    m = read(path)
    assert len(m) == 6                                          # no row dropped
    assert m.data[S.CELL_TEMPERATURE].to_list() == [25.0, None, 25.2, None, 25.4, None]
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([3.5, 3.51, 3.52, 3.53, 3.54, 3.55])
    (warning,) = m.metadata.extra["warnings"]
    assert warning.startswith("column 'Aux_Temperature_1(C)': 3 row(s) without a reading")
    assert warning.endswith("kept with the surface temperature empty: line 3, line 5, line 7")
    assert warning in summarize(m).warnings                   # what `cellbench summarize` prints
    assert "skipped_rows" not in m.metadata.extra


def test_generic_table_with_nan_temperature_from_disk(tmp_path):
    # large enough to be parsed by polars from disk (the fast path, no text columns)
    rows = [f"{k}.0,{3.0 + k * 1e-5:.5f},1.0,{'NaN' if k % 1000 == 7 else '25.0'}" for k in range(30_000)]
    path = _write(tmp_path / "rig.csv", ["time (s),voltage (V),current (A),temperature (degC)", *rows])
    assert path.stat().st_size > 4 * 65536
    m = read(path)
    assert len(m) == 30_000
    assert m.data[S.CELL_TEMPERATURE].null_count() == 30
    assert m.data[S.CELL_TEMPERATURE].drop_nulls().unique().to_list() == [25.0]
    (warning,) = m.metadata.extra["warnings"]
    assert "'temperature (degC)': 30 row(s)" in warning and ": line 9, line 1009," in warning
    assert warning.endswith("and 20 more")


def test_nan_current_stays_an_error_beside_a_nan_temperature(tmp_path):
    rows = _arbin_aux_rows([25.0, "NaN", 25.2])
    rows[2] = rows[2].replace(",1.0,", ",NaN,", 1)
    path = _write(tmp_path / "arbin_bad_current.csv", [ARBIN_AUX, *rows])
    with pytest.raises(InputError, match=r"column 'Current\(A\)' has 1 NaN, Inf or non-numeric value\(s\): "
                                         r"line 4 \('NaN'\)") as err:
        read(path)
    assert "Aux_Temperature" not in str(err.value)


def test_binary_readers_records_without_a_temperature_reading_are_kept_too():
    # the binary readers hand their columns to canonical.to_measurement, where the policy lives for every reader
    import numpy as np

    from cellbench.measurements.measurement import MeasurementMetadata
    from cellbench.measurements.readers import canonical as C

    columns = {S.TIME: np.array([0.0, 10.0, 20.0, 30.0]), S.VOLTAGE: np.array([3.0, 3.1, 3.2, 3.3]),
               S.CURRENT: np.array([1.0, 1.0, 1.0, 1.0]),
               S.CELL_TEMPERATURE: np.array([25.0, np.nan, 25.2, np.inf], dtype=np.float32)}
    m = C.to_measurement(columns, MeasurementMetadata(source_file="x.nda"))
    assert m.data[S.CELL_TEMPERATURE].to_list() == [25.0, None, pytest.approx(25.2), None]
    assert m.metadata.extra["warnings"] == [
        "column 'surface_temperature_celsius': 2 row(s) without a reading (NaN, Inf or text), kept with the surface "
        "temperature empty: record 2, record 4"]
    with pytest.raises(InputError, match=r"record 2 \(nan\)"):
        C.to_measurement({**columns, S.VOLTAGE: np.array([3.0, np.nan, 3.2, 3.3])}, MeasurementMetadata())




ARBIN_XLSX_HEADER = ["Data_Point", "Test_Time(s)", "Step_Index", "Cycle_Index", "Current(A)", "Voltage(V)",
                     "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)", "Aux_Temperature_1(C)"]


def test_arbin_workbook_temperature_warning_names_the_sheet(tmp_path):
    path = tmp_path / "arbin.xlsx"
    write_workbook(path, {"Channel_1-006": [ARBIN_XLSX_HEADER, [1, 0, 1, 1, 1.0, 3.0, 0, 0, 24.0],
                                       [2, 3600, 1, 1, 1.0, 4.0, 1.0, 0, "OVF"]]})
    m = read(path)
    assert m.data[S.CELL_TEMPERATURE].to_list() == [24.0, None]
    assert m.metadata.extra["warnings"] == [
        "column 'Aux_Temperature_1(C)': 1 row(s) without a reading (NaN, Inf or text), kept with the surface "
        "temperature empty: sheet Channel_1-006, line 3"]


def test_arbin_workbook_of_two_channels_reads_the_first_and_says_so(tmp_path):
    path = tmp_path / "two_channels.xlsx"
    first = [ARBIN_XLSX_HEADER, [1, 0, 1, 1, 1.0, 3.0, 0, 0, 24.0], [2, 3600, 1, 1, 1.0, 4.0, 1.0, 0, 24.1]]
    second = [ARBIN_XLSX_HEADER, [1, 0, 1, 1, 2.0, 3.1, 0, 0, 25.0], [2, 1800, 1, 1, 2.0, 3.9, 1.0, 0, 25.1]]
    write_workbook(path, {"Global_Info": [["Test Name", "x"]], "Channel_1-006": first, "Channel_1-007": second,
                     "Channel_1-006_2": [ARBIN_XLSX_HEADER, [3, 7200, 2, 1, -1.0, 3.5, 1.0, 0.5, 24.2]],
                     "Statistics_1-006": [["Cycle_Index", "Charge_Capacity(Ah)"], [1, 1.0]]})
    m = read(path)
    assert m.metadata.channel == "1-006"
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 7200.0]      # 1-006 and its continuation, not 1-007
    assert m.metadata.extra["warnings"] == [
        "the workbook holds 2 channels (1-006, 1-007); channel 1-006 was read, the others not: export each "
        "channel to its own file"]
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(0.5)


# --- impedance points between cycles ----------------------------------------------------------------------------

HUB = "Cycle_Index,Step,Time_s,Current_A,Voltage_V,Cell_Temperature_C,Frequency_Hz,Z_Real_Ohm"


def test_impedance_points_in_a_cycling_table_are_skipped_and_counted(tmp_path):
    # a data hub's merged export: cycling rows (no frequency), then an EIS sweep (frequency set, the analyser's
    # voltage negative, no temperature), then cycling again
    path = _write(tmp_path / "hub.csv", [
        HUB, "1,1,0,0.5,3.60,25.0,NaN,NaN", "1,1,3600,0.5,4.10,25.5,NaN,NaN",
        "2,9,3700,0,-3.78,NaN,100000,0.21", "2,9,3740,0,-3.78,NaN,10000,0.23", "2,9,3790,0,-3.78,NaN,1000,0.30",
        "3,10,3900,-0.5,4.00,25.3,NaN,NaN", "3,10,7500,-0.5,3.10,25.1,NaN,NaN"])
    m = read(path)
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 3900.0, 7500.0]
    assert m.data[S.VOLTAGE].min() == pytest.approx(3.1)
    assert m.data[S.CELL_TEMPERATURE].null_count() == 0
    assert m.metadata.extra["skipped_rows"] == {"count": 3, "by_kind": {"impedance point": 3},
                                                "first_lines": {"impedance point": [4, 5, 6]}}
    assert "warnings" not in m.metadata.extra


def test_eclab_text_of_a_modulo_bat_with_peis_skips_the_spectrum(tmp_path):
    # EC-Lab writes freq/Hz on every row of a technique sequence with PEIS: 0 on the cycling rows
    path = _write(tmp_path / "mb_peis.mpt", [
        "mode\tox/red\ttime/s\tfreq/Hz\tEwe/V\tI/mA\tcycle number",
        "1\t1\t0\t0\t3.0\t100\t0", "1\t1\t3600\t0\t4.0\t100\t0",
        "3\t0\t3700\t100000\t4.0\t0\t0", "3\t0\t3760\t100\t4.0\t0\t0",
        "1\t0\t3800\t0\t3.9\t-100\t0", "1\t0\t7400\t0\t3.2\t-100\t0"])
    m = read(path)
    assert m.metadata.file_format == "biologic-text"
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 3800.0, 7400.0]
    assert m.metadata.extra["skipped_rows"]["by_kind"] == {"impedance point": 2}
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(0.1)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(0.1)


def test_a_table_of_impedance_points_only_is_refused_as_a_spectrum(tmp_path):
    path = _write(tmp_path / "peis.csv", [HUB, "1,9,0,0,3.7,25,100000,0.2", "1,9,40,0,3.7,25,10000,0.22"])
    with pytest.raises(InputError, match=r"an impedance spectrum \(a frequency in column 'Frequency_Hz' on every "
                                         r"row\)"):
        read(path)


# --- Arbin exports of chosen columns ----------------------------------------------------------------------------

def test_arbin_export_without_data_point_step_or_step_time(tmp_path):
    # the layout of data archives that keep Arbin's names (CALCE's time series): no Data_Point, Step_Index or
    # Step_Time; the counters restart each cycle as Arbin's do
    path = _write(tmp_path / "cell_timeseries.csv", [
        "Date_Time,Test_Time (s),Cycle_Index,Current (A),Voltage (V),Charge_Capacity (Ah),Discharge_Capacity (Ah),"
        "Environment_Temperature (C),Cell_Temperature (C)",
        "2011-03-04 10:00:00,0,1,1.0,3.6,0,0,23.0,",
        "2011-03-04 11:00:00,3600,1,1.0,4.1,1.0,0,23.0,",
        "2011-03-04 11:30:00,5400,1,-2.0,3.8,1.0,1.0,23.1,24.0",
        "2011-03-04 12:00:00,7200,2,1.0,3.5,0.0,0,23.1,24.5",
        "2011-03-04 12:30:00,9000,2,1.0,3.9,0.5,0,23.2,24.4"])
    assert detect(path).FORMAT == "arbin-csv"
    m = read(path)
    assert m.metadata.vendor == "Arbin"
    assert m.metadata.start_time.isoformat() == "2011-03-04T10:00:00"
    assert m.data[S.AMBIENT_TEMPERATURE].to_list() == [23.0, 23.0, 23.1, 23.1, 23.2]
    assert m.data[S.CELL_TEMPERATURE].to_list() == [None, None, 24.0, 24.5, 24.4]
    assert any(a.startswith("no Step_Index column") for a in m.metadata.extra["assumptions"])
    assert not any("Cycle_Index" in a or "Capacity" in a for a in m.metadata.extra["assumptions"])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0, 0.5])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([1.0, 0.0])


def test_arbin_export_of_time_step_current_voltage_only(tmp_path):
    path = _write(tmp_path / "few_columns.csv", ["Test_Time(s),Step_Time(s),Step_Index,Current(A),Voltage(V)",
                                                 "0,0,1,2.0,3.5", "1800,1800,1,2.0,3.9", "3600,3600,1,2.0,4.1",
                                                 "3660,60,2,-1.0,4.0", "7260,3660,2,-1.0,3.4"])
    m = read(path)
    assert (m.metadata.vendor, m.metadata.file_format) == ("Arbin", "arbin-csv")
    said = " | ".join(m.metadata.extra["assumptions"])
    for column in ("Cycle_Index", "Charge_Capacity", "Discharge_Capacity", "Charge_Energy", "Discharge_Energy"):
        assert f"no {column} column" in said
    # by hand (trapezoids, each interval's mean current counted as charge or discharge): 2 A for 1 h = 2 Ah in;
    # 2 A → -1 A over 60 s, a mean of +0.5 A, is 0.5 A · 60 s in; then 1 A for 1 h = 1 Ah out
    assert m.data[S.CHARGE_CAPACITY][-1] == pytest.approx(2.0 + 0.5 * 60 / 3600, rel=1e-12)
    assert m.data[S.DISCHARGE_CAPACITY][-1] == pytest.approx(1.0, rel=1e-12)


ARBIN_STATISTICS = ("Date_Time,Test_Time(s),Step_Time(s),Cycle_Index,Step_Index,Current(A),Voltage(V),Power(W),"
                    "Charge_Capacity(Ah),Discharge_Capacity(Ah),Charge_Energy(Wh),Discharge_Energy(Wh),"
                    "Charge_Time(s),Discharge_Time(s),V_Max_On_Cycle(V)")


@pytest.mark.parametrize("header", [ARBIN_STATISTICS, ARBIN_STATISTICS.replace("_", " ").replace("V Max On Cycle",
                                                                                                 "V_Max_On_Cycle")])
def test_arbin_statistics_by_cycle_is_refused_as_a_summary(tmp_path, header):
    # one row per cycle with the time, current and voltage at its end: no record of the test
    path = _write(tmp_path / "StatisticByCycle.CSV", [header,
                                                       "05/12/2017 10:00:00,7300,100,1,4,-1.0,3.0,-3.0,1.0,0.98,4.0,"
                                                       "3.6,3600,3500,4.2",
                                                       "05/12/2017 12:00:00,14500,100,2,4,-1.0,3.0,-3.0,0.99,0.97,"
                                                       "3.9,3.5,3590,3480,4.2"])
    with pytest.raises(InputError, match=r"not a cycler's time series: a per-cycle summary"):
        read(path)


def test_bdf_labels_with_a_step_index_are_not_taken_for_arbin(tmp_path):
    path = _write(tmp_path / "run.csv", ["Test Time / s,Current / A,Voltage / V,Cycle Count / 1,Step Index / 1",
                                         "0,1.0,3.5,1,1", "3600,1.0,4.0,1,1"])
    assert detect(path).FORMAT == "bdf-csv"


# --- more vendor layouts ----------------------------------------------------------------------------------------

def test_maccor_export_in_milli_units(tmp_path):
    # MIMS export set to milli-units: the unit is in the word (mAmps, mAmp-hr, mWatt-hr); header block of
    # "Today's Date" and "Date of Test:" with blank lines; d hh:mm:ss times with leading spaces; a trailing tab
    path = _write(tmp_path / "cell_milli.txt", [
        "Today's Date\t04/02/2023 09:15:00 AM", "", "Date of Test:\t03/30/2023 2:00:00 PM", "",
        "Rec#\tCyc#\tStep\tTestTime\tStepTime\tmAmp-hr\tmWatt-hr\tmAmps\tVolts\tState\tES\tDPt Time\t",
        "1\t0\t1\t  0d 00:00:00.00\t  0d 00:00:00.00\t0.0\t0.0\t0.0\t3.1000\tR\t0\t03/30/2023 2:00:00 PM\t",
        "2\t0\t2\t  0d 00:00:10.00\t  0d 00:00:00.00\t0.0\t0.0\t500.0\t3.2000\tC\t0\t03/30/2023 2:00:10 PM\t",
        "3\t0\t2\t  0d 01:00:10.00\t  0d 01:00:00.00\t500.0\t1800.0\t500.0\t3.9000\tC\t133\t03/30/2023 3:00:10 PM\t",
        "4\t1\t3\t  0d 01:00:20.00\t  0d 00:00:00.00\t0.0\t0.0\t250.0\t3.8000\tD\t0\t03/30/2023 3:00:20 PM\t",
        "5\t1\t3\t  0d 02:00:20.00\t  0d 01:00:00.00\t250.0\t880.0\t250.0\t3.2000\tD\t133\t03/30/2023 4:00:20 PM\t"])
    m = read(path)
    assert m.metadata.vendor == "Maccor"
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.5, 0.5, -0.25, -0.25])
    assert m.data[S.TIME].to_list() == [0.0, 10.0, 3610.0, 3620.0, 7220.0]
    assert m.metadata.units_as_recorded[S.CURRENT] == "mA"
    assert m.metadata.units_as_recorded[S.CHARGE_CAPACITY] == "mAh"
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.5, 0.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.0, 0.25])
    assert cycles["discharge_energy_Wh"].to_list() == pytest.approx([0.0, 0.88])


NEWARE_BTS7 = ["Record Index", "Status", "JumpTo", "Cycle", "Step", "Cur(mA)", "Voltage(V)", "CapaCity(mAh)",
               "Energy(mWh)", "Relative Time(h:min:s.ms)", "Absolute Time"]
NEWARE_BTS7_ROWS = [[1, "Rest", 1, 1, 1, 0, 3.40, 0, 0, "00:00:00.000", "2019-05-06 10:00:00"],
                    [2, "Rest", 1, 1, 1, 0, 3.41, 0, 0, "00:10:00.000", "2019-05-06 10:10:00"],
                    [3, "CC_Chg", 1, 1, 2, 500, 3.60, 0, 0, "00:00:00.000", "2019-05-06 10:10:00"],
                    [4, "CC_Chg", 1, 1, 2, 500, 4.10, 1000, 3800, "02:00:00.000", "2019-05-06 12:10:00"],
                    [5, "CC_DChg", 1, 1, 3, -1000, 3.90, 0, 0, "00:00:00.000", "2019-05-06 12:10:00"],
                    [6, "CC_DChg", 1, 1, 3, -1000, 3.00, 900, 3200, "00:54:00.000", "2019-05-06 13:04:00"]]


def _check_bts7(m):
    assert m.metadata.vendor == "Neware"
    assert m.data[S.TIME].to_list() == [0.0, 600.0, 600.0, 7800.0, 7800.0, 11040.0]
    assert m.data[S.STEP_TYPE].to_list() == ["rest", "rest", "charge", "charge", "discharge", "discharge"]
    assert any(a.startswith("no total time column") for a in m.metadata.extra["assumptions"])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.9])
    assert cycles["discharge_energy_Wh"].to_list() == pytest.approx([3.2])


def test_neware_bts7_workbook_with_its_detail_sheet(tmp_path):
    path = tmp_path / "bts7.xlsx"
    write_workbook(path, {"Info": [["Start Time", "2019-05-06 10:00:00"]], "Statis_1_1_1": [["Channel", "Cycle"], [1, 1]],
                     "Detail_1_1_1": [NEWARE_BTS7, *NEWARE_BTS7_ROWS]})
    m = read(path)
    assert m.metadata.file_format == "neware-xlsx"
    assert m.metadata.start_time.isoformat() == "2019-05-06T10:00:00"
    _check_bts7(m)


def test_neware_bts7_detail_sheet_saved_as_csv(tmp_path):
    path = _write(tmp_path / "detail.csv", [",".join(NEWARE_BTS7), *(",".join(map(str, r)) for r in NEWARE_BTS7_ROWS)])
    assert detect(path).FORMAT == "neware"
    _check_bts7(read(path))


def test_lanhe_workbook_with_tab_sheets(tmp_path):
    # LANHE's newer exports: Cycle-Tab, Step-Tab, Record-Tab; Cycle-Index/Step-Index; times in seconds ("Sec")
    header = ["Record", "TestTime/Sec", "StepTime/Sec", "Current/mA", "Voltage/V", "Capacity/mAh", "Cycle-Index",
              "Step-Index"]
    rows = [[1, 0, 0, 0, 3.0, 0, 1, 1], [2, 600, 600, 0, 3.01, 0, 1, 1],
            [3, 610, 10, 2.0, 3.5, 0.0056, 1, 2], [4, 4210, 3610, 2.0, 4.2, 2.0056, 1, 2],
            [5, 4220, 10, -2.0, 4.0, 0.0056, 1, 3], [6, 7820, 3610, -2.0, 3.0, 2.0, 1, 3]]
    path = tmp_path / "lanhe.xlsx"
    write_workbook(path, {"Cycle-Tab": [["Cycle", "CapC/mAh", "CapD/mAh"], [1, 2.0056, 2.0]],
                     "Step-Tab": [["Step", "Mode"], [1, "Rest"]], "Record-Tab": [header, *rows]})
    m = read(path)
    assert (m.metadata.vendor, m.metadata.file_format) == ("LAND", "landt-xlsx")
    assert m.data[S.TIME].to_list() == [0.0, 600.0, 610.0, 4210.0, 4220.0, 7820.0]
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.0020056])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.002])


@pytest.mark.parametrize("clock", [
    ["13.04.2023 14:00:00", "13.04.2023 14:30:00", "13.04.2023 15:00:00", "13.04.2023 15:30:00"],   # German locale
    ["12/04/2023 23:00:00", "12/04/2023 23:30:00", "13/04/2023 00:00:00", "13/04/2023 00:30:00"],   # day first
    ["2023-04-13 14:00:00", "2023-04-13 14:30:00", "2023-04-13 15:00:00", "2023-04-13 15:30:00"],   # ISO
])
def test_maccor_wall_clock_in_the_pcs_locale_gives_the_test_time_unit(tmp_path, clock):
    # TestTime without a unit, here in minutes: only the DPt Time clock tells (30 min between rows); decimal commas
    rows = [f"{k + 1}\t1\t{1 + k // 2}\t{30 * k}\t0\t0,{5 * (k % 2)}\t0\t0,5\t3,{5 + k}\t"
            f"{'C' if k < 2 else 'D'}\t0\t{clock[k]}" for k in range(4)]
    path = _write(tmp_path / "cell.053", ["Today's Date\t14.04.2023 09:15:00", "Date of Test:\t13.04.2023 14:00:00",
                                          "Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\t"
                                          "DPt Time", *rows])
    m = read(path)
    assert m.data[S.TIME].to_list() == [0.0, 1800.0, 3600.0, 5400.0]
    assert any("it counts min" in a for a in m.metadata.extra["assumptions"])
    assert m.metadata.start_time.isoformat() == clock[0].replace("13.04.2023", "2023-04-13").replace(
        "12/04/2023", "2023-04-12").replace(" ", "T")
    assert "pauses" not in m.metadata.extra


BTS7_RECORD = ["Record ID", "Time(h:min:s.ms)", "Voltage(V)", "Current(mA)", "Temperature(C)", "Capacity(mAh)",
               "Capacity Density(mAh/g)", "Energy(mWh)", "CmpEng(mWh/g)", "Realtime", "Min-T(C)", "Max-T(C)", "Avg-T(C)",
               "Power(mW)", "Capacitance_Chg(mAh)", "Capacitance_DChg(mAh)", "Engy_Chg(mWh)", "Engy_DChg(mWh)",
               "dQ/dV(mAh/V)", "dQm/dV(mAh/V.g)", "DCIR(O)"]


def _bts7_nested(quoted: bool) -> str:
    """BTS 7's nested CSV: a cycle line, a step line (its id and DCIR only, no name), record lines with the split
    counters Capacitance_Chg/_DChg and Engy_Chg/_DChg while the unsigned Capacity/Energy stay empty."""
    width = len(BTS7_RECORD) + 2

    def line(cells):
        cells = cells + [""] * (width - len(cells))
        return ",".join(f'"{c}"' if quoted and c else c for c in cells)

    def record(i, t, v, ma, qc, qd, ec, ed, clock):
        return line(["", "", str(i), t, v, ma, "25.0", "", "", "", "", clock, "", "", "", "", qc, qd, ec, ed])

    step = lambda n, dcir: line(["", str(n)] + [""] * (width - 3) + [dcir])  # noqa: E731
    return "\n".join([line(["Cycle ID"]), step("Step ID", "DCIR(O)"),
                      line(["", ""] + BTS7_RECORD), line(["1"]), step(1, "0.021"),
                      record(1, "0:00:00.0", "3.50", "1000", "0", "0", "0", "0", "2021-02-01 08:00:00"),
                      record(2, "1:00:00.0", "4.10", "1000", "1000", "0", "3800", "0", "2021-02-01 09:00:00"),
                      step(2, "0.022"),
                      record(3, "0:00:00.0", "4.00", "-500", "0", "0", "0", "0", "2021-02-01 09:00:01"),
                      record(4, "1:48:00.0", "3.00", "-500", "0", "900", "0", "3300", "2021-02-01 10:48:01")]) + "\n"


@pytest.mark.parametrize("quoted", [False, True])
def test_neware_bts7_nested_csv_with_split_counters(tmp_path, quoted):
    path = tmp_path / "bts7.csv"
    path.write_text(_bts7_nested(quoted))
    m = read(path)
    assert m.metadata.file_format == "neware-nested"
    assert m.metadata.start_time.isoformat() == "2021-02-01T08:00:00"
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 3600.0, 10080.0]
    assert m.data[S.CURRENT].to_list() == [1.0, 1.0, -0.5, -0.5]
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.9])
    assert cycles["discharge_energy_Wh"].to_list() == pytest.approx([3.3])


def test_basytec_export_with_semicolons_decimal_commas_and_milli_units(tmp_path):
    path = tmp_path / "basytec.txt"
    path.write_bytes("\n".join([
        "~Resultfile from Basytec Battery Test System", "~Name of Test: t1", "~Start of Test: 19.06.2023 17:56:53", "~",
        "~Time[h];DataSet;Line;Command;U[mV];I[mA];Ah-Cyc-Charge;Ah-Cyc-Discharge;T1[°C];Cyc-Count",
        "0;1;1;Pause;3500,0;0;0;0;25,0;1", "1;2;2;Charge;4100,0;500,0;0,5;0;25,5;1",
        "1,001;3;3;Discharge;4000,0;-250,0;0,5;0;25,5;1", "2;4;3;Discharge;3200,0;-250,0;0,5;0,25;25,1;1"]
    ).encode("cp1252") + b"\n")
    m = read(path)
    assert m.metadata.vendor == "BaSyTec"
    assert m.metadata.start_time.isoformat() == "2023-06-19T17:56:53"
    assert m.data[S.TIME].to_list() == pytest.approx([0.0, 3600.0, 3603.6, 7200.0])
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([3.5, 4.1, 4.0, 3.2])
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.5, -0.25, -0.25])
    assert m.data[S.CELL_TEMPERATURE].to_list() == pytest.approx([25.0, 25.5, 25.5, 25.1])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.5])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.25])


def test_eclab_open_circuit_record_reads_with_zero_current(tmp_path):
    # an OCV technique's text export: time and voltage only (the .mpr reader reads its binary alike)
    path = _write(tmp_path / "ocv.mpt", ["EC-Lab ASCII FILE", "Nb header lines : 4", "", "mode\terror\ttime/s\tEwe/V",
                                         "0\t0\t0,0\t3,301", "0\t0\t10,0\t3,302", "0\t0\t20,0\t3,302"])
    m = read(path)
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([3.301, 3.302, 3.302])
    assert m.data[S.CURRENT].to_list() == [0.0, 0.0, 0.0]
    assert "no current column (an open-circuit record): current 0" in m.metadata.extra["assumptions"]


def test_eclab_record_with_a_set_point_but_no_current_is_still_refused(tmp_path):
    path = _write(tmp_path / "cp.mpt", ["EC-Lab ASCII FILE", "Nb header lines : 4", "",
                                        "mode\ttime/s\tcontrol/mA\tEwe/V", "1\t0\t100\t3.3", "1\t10\t100\t3.4"])
    with pytest.raises(InputError, match=r"missing column 'I/mA'"):
        read(path)


def test_neware_record_table_exported_alone_on_a_sheet_named_after_the_test(tmp_path):
    header = ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Time", "Total Time", "Current(A)", "Voltage(V)",
              "Capacity(Ah)", "Chg. Cap.(Ah)", "DChg. Cap.(Ah)", "Date"]
    rows = [[1, 1, 1, "CC Chg", "00:00:00", "00:00:00", 0.5, 3.6, 0, 0, 0, "2024-02-29 10:00:00"],
            [2, 1, 1, "CC Chg", "02:00:00", "02:00:00", 0.5, 4.2, 1.0, 1.0, 0, "2024-02-29 12:00:00"],
            [3, 1, 2, "CC DChg", "00:00:00", "02:00:01", -1.0, 4.1, 0, 0, 0, "2024-02-29 12:00:01"],
            [4, 1, 2, "CC DChg", "00:54:00", "02:54:01", -1.0, 3.0, 0.9, 0, 0.9, "2024-02-29 12:54:01"]]
    path = tmp_path / "cell_A1.xlsx"
    write_workbook(path, {"cell_A1_2024": [header, *rows]})
    assert detect(path).FORMAT == "neware"
    m = read(path)
    assert m.metadata.file_format == "neware-xlsx"
    assert m.metadata.start_time.isoformat() == "2024-02-29T10:00:00"
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.9])


def test_neware_workbook_with_times_stored_as_excel_time_values(tmp_path):
    # Total Time as an Excel time value (a fraction of days), not text; across Excel's phantom 1900-02-29 (serial
    # 60), where a date reading would put 60.2 days before 59.9
    import datetime

    import xlsxwriter

    path = tmp_path / "long.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("record")
    hours = book.add_format({"num_format": "[h]:mm:ss"})
    clock = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Total Time", "Current(A)",
                           "Voltage(V)", "Chg. Cap.(Ah)", "DChg. Cap.(Ah)", "Date"])
    start = datetime.datetime(2024, 1, 1)
    for r, (days, current, volts, qc, qd) in enumerate([(59.9, 0.1, 3.6, 0.0, 0.0), (60.2, 0.1, 3.9, 0.72, 0.0),
                                                         (61.1, -0.1, 3.8, 0.0, 0.0), (61.5, -0.1, 3.1, 0.0, 0.96)],
                                                        start=1):
        sheet.write_row(r, 0, [r, 1, 1 if current > 0 else 2, "CC Chg" if current > 0 else "CC DChg"])
        sheet.write_number(r, 4, days, hours)
        sheet.write_row(r, 5, [current, volts, qc, qd])
        sheet.write_datetime(r, 9, start + datetime.timedelta(days=days), clock)
    book.close()
    m = read(path)
    assert m.data[S.TIME].to_list() == pytest.approx([59.9 * 86400, 60.2 * 86400, 61.1 * 86400, 61.5 * 86400])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.72])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.96])


def test_neware_workbook_whose_sheets_have_other_names_reads_the_record_table(tmp_path):
    # sheet names in another language (or renamed): the step table comes first and has Neware's names too, but
    # start and end voltages; the record table has the cell's voltage
    step = ["Cycle Index", "Step Index", "Step Type", "Step Time", "Chg. Cap.(Ah)", "DChg. Cap.(Ah)",
            "Start Volt.(V)", "End Voltage(V)"]
    record = ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Total Time", "Current(A)", "Voltage(V)",
              "Chg. Cap.(Ah)", "DChg. Cap.(Ah)"]
    path = tmp_path / "bts.xlsx"
    write_workbook(path, {"测试": [["x"]], "工步": [step, [1, 1, "CC Chg", "01:00:00", 0.5, 0, 3.6, 4.1]],
                     "记录": [record, [1, 1, 1, "CC Chg", "00:00:00", 0.5, 3.6, 0, 0],
                              [2, 1, 1, "CC Chg", "01:00:00", 0.5, 4.1, 0.5, 0]]})
    m = read(path)
    assert m.metadata.file_format == "neware-xlsx"
    assert m.data[S.VOLTAGE].to_list() == [3.6, 4.1]
    assert cycle_table(m)["charge_capacity_Ah"].to_list() == pytest.approx([0.5])
