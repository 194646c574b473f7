"""Workbooks whose record table goes on over several sheets (Excel's row limit: 65,536 rows in .xls, 1,048,576 in
.xlsx): every sheet of the one test is read, in order, and a sheet that belongs to another channel or test is named
in a warning, never read in silence nor dropped in silence. Every workbook is written here with made-up values."""

import pytest

from cellbench.analysis import cycle_table
from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S
from vendor_workbooks import write_workbook

# BTS 7's Detail sheet: a rest, a 2 h charge at 500 mA whose records run over the sheet boundary, a discharge
BTS7 = ["Record Index", "Status", "JumpTo", "Cycle", "Step", "Cur(mA)", "Voltage(V)", "CapaCity(mAh)", "Energy(mWh)",
        "Relative Time(h:min:s.ms)", "Absolute Time"]
BTS7_ROWS = [[1, "Rest", 1, 1, 1, 0, 3.40, 0, 0, "00:00:00.000", "2019-05-06 10:00:00"],
             [2, "Rest", 1, 1, 1, 0, 3.41, 0, 0, "00:10:00.000", "2019-05-06 10:10:00"],
             [3, "CC_Chg", 1, 1, 2, 500, 3.60, 0, 0, "00:00:00.000", "2019-05-06 10:10:00"],
             [4, "CC_Chg", 1, 1, 2, 500, 3.90, 500, 1850, "01:00:00.000", "2019-05-06 11:10:00"],
             [5, "CC_Chg", 1, 1, 2, 500, 4.10, 1000, 3800, "02:00:00.000", "2019-05-06 12:10:00"],
             [6, "CC_DChg", 1, 1, 3, -1000, 3.90, 0, 0, "00:00:00.000", "2019-05-06 12:10:00"],
             [7, "CC_DChg", 1, 1, 3, -1000, 3.00, 900, 3200, "00:54:00.000", "2019-05-06 13:04:00"]]
BTS7_TIMES = [0.0, 600.0, 600.0, 4200.0, 7800.0, 7800.0, 11040.0]


def _bts7(path, sheets):
    write_workbook(path, {"Info": [["Start Time", "2019-05-06 10:00:00"]], "Statis_67_1_1": [["Channel"], [1]],
                          **sheets})
    return path


def test_neware_bts7_detail_sheets_are_read_one_after_the_other(tmp_path):
    whole = read(_bts7(tmp_path / "one.xlsx", {"Detail_67_1_1": [BTS7, *BTS7_ROWS]}))
    # the charge step goes on over the second sheet: its relative time continues there
    split = read(_bts7(tmp_path / "two.xlsx", {"Detail_67_1_1": [BTS7, *BTS7_ROWS[:4]],
                                               "Detail_67_1_2": [BTS7, *BTS7_ROWS[4:]]}))
    assert split.data[S.TIME].to_list() == BTS7_TIMES
    assert split.data.height == 7
    assert split.content_hash() == whole.content_hash()
    cycles = cycle_table(split)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.9])
    assert "warnings" not in split.metadata.extra


def test_neware_continuation_sheets_without_the_column_line_in_numeric_order(tmp_path):
    # written in the order 1, 10, 2…6, 7: Detail_67_1_10 holds the last record, Detail_67_1_7 is empty
    sheets = {"Detail_67_1_1": [BTS7, BTS7_ROWS[0]], "Detail_67_1_10": [BTS7_ROWS[6]]}
    sheets |= {f"Detail_67_1_{k + 1}": [BTS7_ROWS[k]] for k in range(1, 6)}
    sheets["Detail_67_1_7"] = []
    m = read(_bts7(tmp_path / "many.xlsx", sheets))
    assert m.data[S.TIME].to_list() == BTS7_TIMES
    assert m.data[S.VOLTAGE].to_list() == [r[6] for r in BTS7_ROWS]


BTS8 = ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Time", "Total Time", "Current(A)", "Voltage(V)",
        "Capacity(Ah)", "Chg. Cap.(Ah)", "DChg. Cap.(Ah)", "Date"]
BTS8_ROWS = [[1, 1, 1, "CC Chg", "00:00:00", "00:00:00", 0.5, 3.6, 0, 0, 0, "2024-02-29 10:00:00"],
             [2, 1, 1, "CC Chg", "01:00:00", "01:00:00", 0.5, 3.9, 0.5, 0.5, 0, "2024-02-29 11:00:00"],
             [3, 1, 1, "CC Chg", "02:00:00", "02:00:00", 0.5, 4.2, 1.0, 1.0, 0, "2024-02-29 12:00:00"],
             [4, 1, 2, "CC DChg", "00:00:00", "02:00:01", -1.0, 4.1, 0, 0, 0, "2024-02-29 12:00:01"],
             [5, 1, 2, "CC DChg", "00:54:00", "02:54:01", -1.0, 3.0, 0.9, 0, 0.9, "2024-02-29 12:54:01"]]


@pytest.mark.parametrize("second", ["record1", "record_2", "record(2)"])
def test_neware_bts8_record_sheet_and_its_continuation(tmp_path, second):
    path = tmp_path / "bts8.xlsx"
    write_workbook(path, {"unit": [["x"]], "test": [["x"]], "cycle": [["Cycle Index"], [1]], "step": [["Step Index"], [1]],
                          "record": [BTS8, *BTS8_ROWS[:2]], second: [BTS8, *BTS8_ROWS[2:]]})
    m = read(path)
    assert m.metadata.file_format == "neware-xlsx"
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 7200.0, 7201.0, 10441.0]
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.9])


def test_neware_sheet_of_another_channel_is_named_and_not_read(tmp_path):
    # the second Detail sheet starts again at record 1: another channel's (or test's) records
    m = read(_bts7(tmp_path / "two_channels.xlsx", {"Detail_67_1_1": [BTS7, *BTS7_ROWS],
                                                    "Detail_67_1_2": [BTS7, *BTS7_ROWS[:3]]}))
    assert m.data.height == 7
    assert m.data[S.TIME].to_list() == BTS7_TIMES
    [warning] = m.metadata.extra["warnings"]
    assert "'Detail_67_1_2' start the record index again" in warning and "'Detail_67_1_1' read" in warning


def test_neware_sheets_with_records_missing_between_them_are_refused(tmp_path):
    path = _bts7(tmp_path / "gap.xlsx", {"Detail_67_1_1": [BTS7, *BTS7_ROWS[:3]],
                                         "Detail_67_1_2": [BTS7, *BTS7_ROWS[4:]]})
    with pytest.raises(InputError, match=r"the record index goes from 3 \(sheet 'Detail_67_1_1', line 4\) to 5 "
                                         r"\(sheet 'Detail_67_1_2', line 2\)"):
        read(path)


def test_neware_bad_value_on_a_continuation_sheet_names_that_sheet_and_line(tmp_path):
    rows = [list(r) for r in BTS7_ROWS]
    rows[5][6] = "nan"
    path = _bts7(tmp_path / "bad.xlsx", {"Detail_67_1_1": [BTS7, *rows[:4]], "Detail_67_1_2": [BTS7, *rows[4:]]})
    with pytest.raises(InputError, match=r"\[sheet Detail_67_1_2\].*line 3"):
        read(path)


def test_neware_time_going_back_over_the_sheet_boundary_names_the_sheet(tmp_path):
    rows = [list(r) for r in BTS7_ROWS]
    rows[4][9] = "00:30:00.000"  # the charge's step time goes back from 1 h at the start of the second sheet
    path = _bts7(tmp_path / "back.xlsx", {"Detail_67_1_1": [BTS7, *rows[:4]], "Detail_67_1_2": [BTS7, *rows[4:]]})
    with pytest.raises(InputError, match=r"Detail_67_1_2, line 2.*backwards"):
        read(path)


def test_neware_auxiliary_temperature_sheet_is_named_as_not_read(tmp_path):
    temp = [["Record Index", "Status", "Relative Time(h:min:s.ms)", "Absolute Time", "T1(℃)"],
            *[[r[0], r[1], r[9], r[10], 25.0] for r in BTS7_ROWS]]
    m = read(_bts7(tmp_path / "aux.xlsx", {"Detail_67_1_1": [BTS7, *BTS7_ROWS], "DetailTemp_67_1_1": temp}))
    assert m.data.height == 7
    [warning] = m.metadata.extra["warnings"]
    assert "'DetailTemp_67_1_1' of auxiliary channels" in warning and "not read" in warning


LAND = ["Index", "TestTime/h", "StepTime/h", "Voltage/V", "Current/mA", "Capacity/mAh", "State"]
LAND_ROWS = [[1, 0.0, 0.0, 3.0, 0.0, 0.0, "R"], [2, 0.1, 0.1, 3.01, 0.0, 0.0, "R"],
             [3, 0.2, 0.0, 3.5, 2.0, 0.0, "C_CC"], [4, 1.2, 1.0, 4.2, 2.0, 2.0, "C_CC"]]


def test_land_record_sheet_of_another_test_is_named_and_not_read(tmp_path):
    path = tmp_path / "land.xlsx"
    write_workbook(path, {"Record": [LAND, *LAND_ROWS], "Record1": [LAND_ROWS[0]], "Mode": [["Index", "Mode"]]})
    m = read(path)
    assert m.data.height == 4
    assert "'Record1' start the record index again" in m.metadata.extra["warnings"][0]


def test_land_record_sheets_with_a_gap_are_refused(tmp_path):
    path = tmp_path / "land_gap.xlsx"
    write_workbook(path, {"Record": [LAND, *LAND_ROWS[:2]], "Record1": [LAND_ROWS[3]], "Mode": [["Index", "Mode"]]})
    with pytest.raises(InputError, match=r"record index goes from 2 \(sheet 'Record', line 3\) to 4 \(sheet 'Record1'"):
        read(path)


ARBIN = ["Data_Point", "Test_Time(s)", "Step_Index", "Cycle_Index", "Current(A)", "Voltage(V)", "Charge_Capacity(Ah)",
         "Discharge_Capacity(Ah)"]
ARBIN_ROWS = [[k + 1, 900.0 * k, 1, 1, 1.0, 3.5 + 0.01 * k, 0.25 * k, 0] for k in range(6)]


def test_arbin_channel_sheets_read_in_order_and_a_gap_refused(tmp_path):
    path = tmp_path / "arbin.xlsx"
    write_workbook(path, {"Global_Info": [["x"]], "Channel_1-006": [ARBIN, *ARBIN_ROWS[:3]],
                          "Channel_1-006_2": [ARBIN, *ARBIN_ROWS[3:]]})
    m = read(path)
    assert m.data[S.TIME].to_list() == [900.0 * k for k in range(6)]
    assert cycle_table(m)["charge_capacity_Ah"].to_list() == pytest.approx([1.25])
    gap = tmp_path / "arbin_gap.xlsx"
    write_workbook(gap, {"Channel_1-006": [ARBIN, *ARBIN_ROWS[:3]], "Channel_1-006_2": [ARBIN, *ARBIN_ROWS[4:]]})
    with pytest.raises(InputError, match=r"'Data_Point': the record index goes from 3 .* to 5"):
        read(gap)
