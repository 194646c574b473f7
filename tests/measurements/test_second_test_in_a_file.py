"""A file that holds a second test after the first (two exports saved into one, a restarted test appended) is
refused, never read as later steps of the first test; the column line repeated where the test goes on (an export
in pages) is still skipped and counted. Every file is written here, in the vendor's layout, with made-up values."""

import pytest

from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


ARBIN = "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Charge_Capacity(Ah),Discharge_Capacity(Ah)"
ARBIN_ROWS = ["1,0,1,1,1.0,3.50,0.0,0", "2,900,1,1,1.0,3.60,0.25,0", "3,1800,2,1,-1.0,3.55,0.25,0",
              "4,2700,2,1,-1.0,3.40,0.25,0.25"]


def test_arbin_csv_in_pages_reads_on(tmp_path):
    m = read(_write(tmp_path / "pages.csv", [ARBIN, *ARBIN_ROWS[:2], ARBIN, *ARBIN_ROWS[2:]]))
    assert m.data[S.TIME].to_list() == [0.0, 900.0, 1800.0, 2700.0]
    assert m.metadata.extra["skipped_rows"]["by_kind"] == {"repeated header": 1}


def test_arbin_csv_with_a_second_test_after_its_column_line_is_refused(tmp_path):
    # the second test starts at step 1 again: without the check its rows would pass for a new step of the first
    path = _write(tmp_path / "two.csv", [ARBIN, *ARBIN_ROWS, ARBIN, *ARBIN_ROWS[:2]])
    with pytest.raises(InputError, match=r"line 6: a second test from line 7: the column line again at line 6, then "
                                         r"the test time starts again \(0 after 2700 at line 5\)"):
        read(path)


MACCOR_HEAD = ["Today's Date\t04/03/2023\tDate of Test:\t03/30/2023\tFilename:\tC:\\Data\\cell1.001\tProcedure:\tx.000",
               "Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time"]
MACCOR_ROWS = ["1\t0\t1\t  0d 00:00:00.00\t  0d 00:00:00.00\t0.0\t0.0\t0.0\t3.5\tR\t0\t03/30/2023 2:00:00 PM",
               "2\t0\t2\t  0d 00:00:10.00\t  0d 00:00:00.00\t0.0\t0.0\t0.5\t3.6\tC\t0\t03/30/2023 2:00:10 PM",
               "3\t0\t2\t  0d 01:00:10.00\t  0d 01:00:00.00\t0.5\t1.8\t0.5\t3.9\tC\t133\t03/30/2023 3:00:10 PM"]


def test_maccor_export_of_two_tests_is_refused(tmp_path):
    # MacTest writes the header block and column line again for the second test (its first line is named); TestTime
    # is text
    path = _write(tmp_path / "two.001", [*MACCOR_HEAD, *MACCOR_ROWS, *MACCOR_HEAD, *MACCOR_ROWS])
    with pytest.raises(InputError, match=r"line 6: a second test from line 8: a line of text at line 6"):
        read(path)


BASYTEC = ["~Resultfile from BaSyTec Battery Test System", "~Start of Test: 01.02.2023 10:00:00", "~",
           "~Time[s]\tCommand\tU[V]\tI[A]\tCyc-Count\tLine",
           "0\tPause\t3.5\t0\t1\t1", "60\tCharge\t3.6\t1\t1\t2", "120\tCharge\t3.7\t1\t1\t2"]


def test_basytec_column_line_with_its_tilde_again_is_a_repeated_header(tmp_path):
    m = read(_write(tmp_path / "pages.txt", [*BASYTEC, BASYTEC[3], "180\tCharge\t3.8\t1\t1\t2"]))
    assert m.data.height == 4
    assert m.metadata.extra["skipped_rows"]["by_kind"] == {"repeated header": 1}
    with pytest.raises(InputError, match=r"line 8: a second test from line 9: the column line again at line 8"):
        read(_write(tmp_path / "two.txt", [*BASYTEC, *BASYTEC[3:]]))


NESTED = ["Cycle ID,Cap_Chg(mAh),Cap_DChg(mAh)",
          ",Step ID,Step Name,Step Time",
          ",,Record ID,Time(h:min:s.ms),Voltage(V),Current(mA),Capacity(mAh),Energy(mWh)"]
NESTED_ROWS = ["1,1000,900", ",1,CC_Chg,02:00:00", ",,1,00:00:00.000,3.6,500,0,0", ",,2,02:00:00.000,4.1,500,1000,3800",
               ",2,CC_DChg,00:54:00", ",,3,00:00:00.000,3.9,-1000,0,0", ",,4,00:54:00.000,3.0,-1000,900,3200"]


def test_neware_nested_export_of_two_tests_is_refused_by_its_cycle_number(tmp_path):
    # BTS 7 gives step times only: the test time adds up and goes on, but the cycle number starts again
    more = ["2,1000,900", *NESTED_ROWS[1:]]
    m = read(_write(tmp_path / "one.csv", [*NESTED, *NESTED_ROWS, *more]))
    assert m.data[S.CYCLE].to_list() == [1, 1, 1, 1, 2, 2, 2, 2]
    with pytest.raises(InputError, match=r"line 18: a second test from line 23: the column lines again at line 18.*"
                                         r"cycle 1, after 20880 s, cycle 2 at line 17"):
        read(_write(tmp_path / "two.csv", [*NESTED, *NESTED_ROWS, *more, *NESTED, *NESTED_ROWS]))


def test_arbin_csv_with_a_second_test_under_another_column_line_is_refused(tmp_path):
    # the second export has its columns in another order: read on, its current would land in the voltage column
    other = "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Voltage(V),Current(A),Charge_Capacity(Ah),Discharge_Capacity(Ah)"
    path = _write(tmp_path / "two.csv", [ARBIN, *ARBIN_ROWS, other, "1,0,1,1,3.5,1.0,0.0,0"])
    with pytest.raises(InputError, match=r"a second test from line 7: a line of text at line 6"):
        read(path)


NEWARE = "DataPoint,Cycle Index,Step Index,Step Type,Time,Total Time,Current(A),Voltage(V),Chg. Cap.(Ah),DChg. Cap.(Ah)"
NEWARE_ROWS = ["1,1,1,CC Chg,00:00:00,00:00:00,0.5,3.6,0,0", "2,1,1,CC Chg,01:00:00,01:00:00,0.5,3.9,0.5,0",
               "3,1,2,CC DChg,00:00:00,01:00:01,-1.0,3.8,0,0"]


def test_neware_csv_with_a_second_test_is_refused_by_its_text_total_time(tmp_path):
    assert read(_write(tmp_path / "pages.csv", [NEWARE, *NEWARE_ROWS[:2], NEWARE, NEWARE_ROWS[2]])).data.height == 3
    with pytest.raises(InputError, match=r"a second test from line 6: the column line again at line 5"):
        read(_write(tmp_path / "two.csv", [NEWARE, *NEWARE_ROWS, NEWARE, *NEWARE_ROWS]))
