"""Readers with no real file in ../shared/data/real, checked on small files built here from the vendors'
documented layouts, with capacities worked out by hand."""

import polars as pl
import pytest

from cellbench.analysis import cycle_table
from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S
from cellbench.measurements.readers import detect
from vendor_workbooks import write_workbook

PEC = """#RESULTS CHECK
#Test:,PEC-0042
#Start Time:,2021-03-01 10:00:00
#END RESULTS CHECK
Test,Cell ID,Step,Cycle,Total Time (Seconds),Step Time (Seconds),Voltage (mV),Current (mA),Charge Capacity (mAh),Discharge Capacity (mAh),Charge Energy (mWh),Discharge Energy (mWh)
42,SC-007,1,1,0,0,3500,0,0,0,0,0
42,SC-007,2,1,1800,1800,3900,1000,500,0,1900,0
42,SC-007,2,1,3600,3600,4100,1000,1000,0,3900,0
42,SC-007,3,1,5400,1800,3800,-2000,0,1000,0,3800
42,SC-007,3,1,7200,3600,3300,-2000,0,2000,0,7100
"""


def test_pec_header_block_units_and_counters(tmp_path):
    path = tmp_path / "pec_export.csv"
    path.write_text(PEC)
    m = read(path)
    assert m.metadata.vendor == "PEC" and m.metadata.cell_id == "SC-007"
    assert m.metadata.units_as_recorded[S.VOLTAGE] == "mV"
    assert m.data[S.VOLTAGE][1] == pytest.approx(3.9)
    assert m.data[S.CURRENT][3] == pytest.approx(-2.0)
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(1.0)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(2.0)
    assert cycles["discharge_energy_Wh"][0] == pytest.approx(7.1)


ECLAB = """EC-Lab ASCII FILE
Nb header lines : 5

Acquisition started on : 03/15/2017 10:22:54.000
mode\tox/red\ttime/s\tEwe/V\tI/mA\tQ charge/discharge/mA.h\thalf cycle\tNs
1\t1\t0\t3,0\t100\t0\t0\t0
1\t1\t1800\t3,5\t100\t50\t0\t0
1\t1\t3600\t4,0\t100\t100\t0\t0
1\t0\t5400\t3,6\t-200\t-100\t1\t1
1\t0\t7200\t3,2\t-200\t-200\t1\t1
1\t1\t9000\t3,5\t100\t50\t2\t2
"""


def test_eclab_text_decimal_comma_and_half_cycles(tmp_path):
    path = tmp_path / "run.mpt"
    path.write_text(ECLAB, encoding="latin-1")
    m = read(path)
    assert m.metadata.file_format == "biologic-text"
    assert m.data[S.VOLTAGE][1] == pytest.approx(3.5)
    assert m.data[S.CURRENT][0] == pytest.approx(0.1)
    cycles = cycle_table(m)
    # half cycles 0,1 → cycle 1 (100 mAh charge, 200 mAh discharge); half cycle 2 → cycle 2 (50 mAh charge)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.1, 0.05])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.2, 0.0])


NEWARE_NESTED = """Cycle ID,Cap_Chg(mAh),Cap_DChg(mAh)
,Step ID,Step Name,Step Time
,,Record ID,Time(h:min:s.ms),Voltage(V),Current(mA),Capacity(mAh),Energy(mWh),Realtime
1,1000,500,
,1,CC Chg,01:00:00
,,1,00:00:00.000,3.0,1000,0,0,2021-06-01 12:00:00
,,2,00:30:00.000,3.5,1000,500,1750,2021-06-01 12:30:00
,,3,01:00:00.000,4.0,1000,1000,3700,2021-06-01 13:00:00
,2,CC DChg,00:30:00
,,4,00:00:00.000,3.9,-1000,0,0,2021-06-01 13:00:01
,,5,00:30:00.000,3.4,-1000,500,1800,2021-06-01 13:30:01
"""


def test_neware_nested_cycle_step_record(tmp_path):
    path = tmp_path / "nested.csv"
    path.write_text(NEWARE_NESTED)
    m = read(path)
    assert m.metadata.file_format == "neware-nested"
    assert m.data[S.CYCLE].to_list() == [1] * 5
    assert m.data[S.STEP].to_list() == [1, 1, 1, 2, 2]
    # test time = previous steps' durations + step time
    assert m.data[S.TIME].to_list() == pytest.approx([0, 1800, 3600, 3600, 5400])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(1.0)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(0.5)


def test_neware_nested_truncated_record_names_line(tmp_path):
    path = tmp_path / "nested_bad.csv"
    path.write_text(NEWARE_NESTED.rsplit("\n", 2)[0] + "\n,,5,00:30:00.000,3.4\n")
    with pytest.raises(InputError, match="line 11"):
        read(path)


def test_generic_with_yaml_column_map(tmp_path):
    data = tmp_path / "rig3.txt"
    data.write_text("t_min;U;I_mA;Qc_mAh\n0;3.0;500;0\n60;3.6;500;500\n120;4.0;500;1000\n")
    column_map = tmp_path / "rig3.yaml"
    column_map.write_text(
        "separator: ';'\nvendor: Lab rig 3\ncolumns:\n"
        "  test_time_second: {column: t_min, unit: min}\n  voltage_volt: U\n"
        "  current_ampere: {column: I_mA, unit: mA}\n"
        "  charging_capacity_ampere_hour: {column: Qc_mAh, unit: mAh}\n")
    m = read(data, column_map=column_map)
    assert m.metadata.vendor == "Lab rig 3"
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 7200.0]
    assert m.data[S.CURRENT][0] == pytest.approx(0.5)
    assert m.data[S.CHARGE_CAPACITY][-1] == pytest.approx(1.0)
    assert m.metadata.units_as_recorded[S.CURRENT] == "mA"


def test_generic_column_map_with_unknown_canonical_name(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("t,v,i\n0,3,1\n")
    with pytest.raises(InputError, match="unknown canonical column"):
        read(data, column_map={"columns": {"time": "t", "voltage_volt": "v", "current_ampere": "i"}})


def test_bdf_machine_header(tmp_path):
    path = tmp_path / "bdf.csv"
    path.write_text("test_time_second,voltage_volt,current_ampere,cycle_dimensionless\n"
                    "0,3.0,1.0,1\n3600,4.0,1.0,1\n3601,4.0,-1.0,1\n7201,3.0,-1.0,1\n")
    m = read(path)
    assert m.metadata.file_format == "bdf-csv-machine"
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(1.0)


def test_arbin_header_with_units_and_cycle_counters(tmp_path):
    path = tmp_path / "arbin_units.csv"
    path.write_text("Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Charge_Capacity(Ah),"
                    "Discharge_Capacity(Ah)\n"
                    "1,0,1,1,1,3.0,0,0\n2,3600,1,1,1,4.0,1.0,0\n3,7200,2,1,-1,3.0,1.0,1.0\n"
                    "4,7201,1,2,1,3.0,0.0003,0\n5,10800,1,2,1,4.0,0.9,0\n")
    assert detect(path).FORMAT == "arbin-csv"
    cycles = cycle_table(read(path))
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0, 0.9])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([1.0, 0.0])


def test_maccor_numbered_export_state_gives_sign(tmp_path):
    path = tmp_path / "cell.007"
    rows = ["Today's Date 01/02/2020  Date of Test:\t01/01/2020\t Filename:\tC:\\x.007 Procedure: P.000\tComment/Barcode: B7",
            "Rec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time",
            "1\t1\t1\t0\t0\t0\t0\t0\t3.5\tR\t0\t01/01/2020 10:00:00",
            "2\t1\t2\t3600\t3600\t1.0\t4.0\t1.0\t4.1\tC\t0\t01/01/2020 11:00:00",
            "3\t1\t3\t7200\t3600\t0.9\t3.3\t0.9\tD\t0\t01/01/2020 12:00:00"]
    path.write_text("\n".join(rows) + "\n")
    # the last row is one field short: a truncated line
    with pytest.raises(InputError, match="line 5: truncated"):
        read(path)
    rows[-1] = "3\t1\t3\t7200\t3600\t0.9\t3.3\t0.9\t3.2\tD\t0\t01/01/2020 12:00:00"
    path.write_text("\n".join(rows) + "\n")
    m = read(path)
    assert m.metadata.channel == "007" and m.metadata.cell_id == "B7" and m.metadata.procedure == "P.000"
    assert m.data[S.CURRENT].to_list() == [0.0, 1.0, -0.9]
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(1.0)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(0.9)
    assert m.data.filter(pl.col(S.STEP_TYPE) == "charge").height == 1




def test_arbin_xlsx_channel_sheets_concatenated(tmp_path):
    header = ["Data_Point", "Test_Time(s)", "Step_Index", "Cycle_Index", "Current(A)", "Voltage(V)",
              "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)"]
    path = tmp_path / "export.bin"          # the name says nothing: detection reads the workbook
    write_workbook(path, {"Global_Info": [["Test Name", "x"]],
                     "Channel_1-006": [header, [1, 0, 1, 1, 1.0, 3.0, 0, 0], [2, 3600, 1, 1, 1.0, 4.0, 1.0, 0]],
                     "Channel_1-006_2": [header, [3, 7200, 2, 1, -1.0, 3.0, 1.0, 0.8]],
                     "Channel_Chart": [["ignored"]]})
    m = read(path)
    assert m.metadata.file_format == "arbin-xlsx" and m.metadata.channel == "1-006"
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 7200.0]
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(1.0)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(0.8)


def test_neware_xlsx_record_sheet_and_bad_cell_row(tmp_path):
    header = ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Cumulative Time", "Current(mA)",
              "Voltage(V)", "Chg. Cap.(mAh)", "DChg. Cap.(mAh)"]
    path = tmp_path / "neware.xlsx"
    write_workbook(path, {"test": [["x"]], "record": [header, [1, 1, 1, "CC Chg", "0:00:00", 500, 3.0, 0, 0],
                                                 [2, 1, 1, "CC Chg", "2:00:00", 500, 4.1, 1000, 0],
                                                 [3, 1, 2, "CC DChg", "3:00:00", -500, 3.5, 0, 500]]})
    m = read(path)
    assert m.metadata.file_format == "neware-xlsx"
    assert m.data[S.TIME].to_list() == [0.0, 7200.0, 10800.0]
    assert cycle_table(m)["charge_capacity_Ah"][0] == pytest.approx(1.0)
    bad = tmp_path / "neware_bad.xlsx"
    write_workbook(bad, {"record": [header, [1, 1, 1, "CC Chg", "0:00:00", 500, 3.0, 0, 0],
                               [2, 1, 1, "CC Chg", "2:00:00", 500, "n/a", 1000, 0]]})
    with pytest.raises(InputError, match=r"sheet record.*line 3 \('n/a'\)"):
        read(bad)


def _large_bdf(rows: int, newline: str = "\r\n") -> str:
    lines = ["test_time_second,voltage_volt,current_ampere"]
    lines += [f"{k}.0,{3.0 + k * 1e-5:.5f},1.0" for k in range(rows)]
    return newline.join(lines) + newline


def test_large_file_parsed_from_disk_crlf_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "large.csv"
    path.write_bytes((_large_bdf(30_000) + "\r\n\r\n").encode())
    assert path.stat().st_size > 4 * 65536          # the on-disk path, not the in-memory one
    m = read(path)
    assert len(m) == 30_000
    assert m.data[S.TIME][-1] == 29_999.0
    assert m.data[S.CHARGE_CAPACITY][-1] == pytest.approx(29_999 / 3600)


def test_large_file_truncated_and_bad_value_lines(tmp_path):
    text = _large_bdf(30_000, "\n")
    path = tmp_path / "cut.csv"
    path.write_bytes(text[: text.rindex(",")].encode())   # the last row loses its last field
    with pytest.raises(InputError, match=r"line 30001: truncated last line"):
        read(path)
    lines = text.splitlines()
    lines[12_345] = "12344.0,inf,1.0"
    bad = tmp_path / "inf.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"line 12346 \('inf'\)"):
        read(bad)


def test_eclab_text_with_impossible_header_count(tmp_path):
    # found by fuzzing: a huge "Nb header lines" once made the reader count lines for ever
    path = tmp_path / "bad.mpt"
    path.write_text(ECLAB.replace("Nb header lines : 5", "Nb header lines : 99999999999999999999"), encoding="latin-1")
    with pytest.raises(InputError, match="Nb header lines"):
        read(path)


# -- export variants labs send (issue 23) -------------------------------------------------------------

BTLAB = """BT-Lab ASCII FILE
Nb header lines : 6

Acquisition started on : 05/13/2024 11:19:51.602
BT-Lab for windows v1.75 (software)
Ns changes\tNs\ttime/s\tEcell/V\tI/mA\tcontrol/V/mA\tQ discharge/mA.h\tQ charge/mA.h\tcycle number\tTemperature/\xb0C\t
0\t0\t0.000000000000000E+000\t3.5180547E+000\t0.0000000E+000\t0.0\t0.0\t0.0\t0.000000000000000E+000\t2.2E+001\t
1\t1\t1.800000000000000E+003\t3.6E+000\t1.0000000E+003\t1000.0\t0.0\t500.0\t0.000000000000000E+000\t2.2E+001\t
0\t1\t3.600000000000000E+003\t3.7E+000\t1.0000000E+003\t1000.0\t0.0\t1000.0\t0.000000000000000E+000\t2.2E+001\t
1\t2\t5.400000000000000E+003\t3.5E+000\t-2.0000000E+003\t-2000.0\t1000.0\t1000.0\t0.000000000000000E+000\t2.3E+001\t
0\t2\t7.200000000000000E+003\t3.2E+000\t-2.0000000E+003\t-2000.0\t2000.0\t1000.0\t0.000000000000000E+000\t2.3E+001\t
1\t1\t9.000000000000000E+003\t3.4E+000\t1.0000000E+003\t1000.0\t0.0\t500.0\t1.000000000000000E+000\t2.3E+001\t
"""


def test_btlab_text_ecell_separate_charge_counters_and_trailing_tabs(tmp_path):
    path = tmp_path / "cell_CA1.txt"
    path.write_bytes(BTLAB.encode("latin-1"))
    m = read(path)
    assert m.metadata.file_format == "biologic-text"
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([3.5180547, 3.6, 3.7, 3.5, 3.2, 3.4])
    # I/mA, not the control/V/mA set point, is the current
    assert m.data[S.CURRENT][3] == pytest.approx(-2.0)
    assert m.data[S.CELL_TEMPERATURE][0] == pytest.approx(22.0)  # "Temperature/\xb0C" in the code page
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0, 0.5])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([2.0, 0.0])


def test_eclab_semicolon_export_with_leading_empty_column_and_no_header_block(tmp_path):
    # "Export as text" without the header block, re-saved with ';' and an index column (decimal commas)
    lines = [";mode;time/s;control/V/mA;Ecell/V;I/mA;Q charge/discharge/mA.h;half cycle",
             "0;1;0;100;3,0;100;0;0", "1;1;1800;100;3,5;100;50;0", "2;1;3600;100;4,0;100;100;0",
             "3;1;5400;-200;3,6;-200;-100;1", "4;1;7200;-200;3,2;-200;-200;1"]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n")
    assert detect(path).FORMAT == "biologic-text"
    m = read(path)
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([3.0, 3.5, 4.0, 3.6, 3.2])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.1])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.2])


ARBIN8 = """Data Point,Date Time,Test Time (s),Step Time (s),Cycle Index,Step Index,Current (A),Voltage (V),Charge Capacity (Ah),Discharge Capacity (Ah),Charge Energy (Wh),Discharge Energy (Wh),Internal Resistance (Ohm),Aux_Temperature_1 (C)
1,"\t09/20/2024 08:32:34.558",30.0,30.0,1,1,0,3.534595,0,0,0,0,,24.66
2,"\t09/20/2024 09:02:34.558",1830.0,1800.0,1,2,2.0,3.9,1.0,0,3.8,0,,24.70
,,,,,,,,,,,,,
3,"\t09/20/2024 09:32:34.558",3630.0,3600.0,1,2,2.0,4.1,2.0,0,7.8,0,0.05,24.80
4,"\t09/20/2024 10:02:34.558",5430.0,1800.0,1,3,-2.0,3.6,2.0,1.0,7.8,3.6,,24.90
"""


def test_arbin_mits8_header_with_spaces_and_a_blank_row(tmp_path):
    path = tmp_path / "sample_arbin.csv"
    path.write_text(ARBIN8)
    assert detect(path).FORMAT == "arbin-csv"
    m = read(path)
    assert len(m) == 4 and m.metadata.extra["skipped_rows"]["by_kind"] == {"blank": 1}
    assert m.data[S.CELL_TEMPERATURE][-1] == pytest.approx(24.9)
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(2.0)
    assert cycles["discharge_energy_Wh"][0] == pytest.approx(3.6)


MACCOR_ROWS = ["Rec#\tCyc#\tStep\tTest (Sec)\tStep (Sec)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time",
               "1\t1\t1\t0\t0\t0\t0\t0\t3.5\tR\t0\t01/01/2020 10:00:00",
               "2\t1\t2\t3600\t3600\t1.0\t4.0\t1.0\t4.1\tC\t0\t01/01/2020 11:00:00",
               "3\t1\t3\t7200\t3600\t0.9\t3.3\t0.9\t3.2\tD\t0\t01/01/2020 12:00:00"]


def test_maccor_export_without_its_header_block(tmp_path):
    path = tmp_path / "no_header.txt"
    path.write_text("\n".join(MACCOR_ROWS) + "\n")
    assert detect(path).FORMAT == "maccor"
    m = read(path)
    assert m.data[S.CURRENT].to_list() == [0.0, 1.0, -0.9]
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(0.9)


MACCOR_CSV = """Today's Date ,28-Nov-23
Date of Test:,23-Nov-23 3:56:08 PM
Rec,Cycle C,Step,Test Time (sec),Step Time (sec),Capacity,Energy,Current,Voltage,DPT Time,Temp 1
1,1,1,0.0000,0.0000,0,0,0,3.668,23-Nov-23 3:56:11 PM,22.2
2,1,2,1800.0000,1800.0000,0.5,1.9,1.0,3.9,23-Nov-23 4:26:11 PM,22.3
3,1,2,3600.0000,3600.0000,1.0,3.9,1.0,4.1,23-Nov-23 4:56:11 PM,22.3
4,1,3,5400.0000,1800.0000,1.0,3.8,-2.0,3.7,23-Nov-23 5:26:11 PM,22.4
5,1,3,7200.0000,3600.0000,2.0,7.3,-2.0,3.2,23-Nov-23 5:56:11 PM,22.5
"""


@pytest.mark.parametrize("header_block", [True, False])
def test_maccor_csv_export_with_and_without_header_lines(tmp_path, header_block):
    text = MACCOR_CSV if header_block else MACCOR_CSV.split("\n", 2)[2]
    path = tmp_path / "maccor.csv"
    path.write_text(text)
    assert detect(path).FORMAT == "maccor"
    m = read(path)
    assert m.metadata.file_format == "maccor-csv"
    assert m.data[S.TIME][-1] == pytest.approx(7200.0)
    assert m.data[S.UNIX_TIME][-1] - m.data[S.UNIX_TIME][0] == pytest.approx(7200.0)
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(1.0)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(2.0)
    assert cycles["discharge_energy_Wh"][0] == pytest.approx(7.3)
    assert any("no State/Md column" in a for a in m.metadata.extra["assumptions"])


NEWARE_BTS85 = """Cycle Index\tChg. Cap.(mAh)\tDChg. Cap.(mAh)\tChg.-DChg. Eff(%)\tChg. Time\tDChg. Time
\tStep Index\tStep Number\tStep Type\tStep Time\tCapacity(mAh)
\t\tDataPoint\tTime\tCurrent(mA)\tVoltage(V)\tCapacity(mAh)\tEnergy(mWh)\tDate
1\t1000.0\t500.0\t50.00\t01:00:00\t00:30:00
\t1\t1\tCC Chg\t01:00:00\t1000.0
\t\t1\t00:00:00\t1000.0\t3.0\t0.0\t0.0\t2024-06-01 12:00:00
\t\t2\t00:30:00\t1000.0\t3.5\t500.0\t1750.0\t2024-06-01 12:30:00
\t\t3\t01:00:00\t1000.0\t4.0\t1000.0\t3700.0\t2024-06-01 13:00:00

\t2\t2\tCC DChg\t00:30:00\t500.0
\t\t4\t00:00:00\t-1000.0\t3.9\t0.0\t0.0\t2024-06-01 13:00:01
\t\t5\t00:30:00\t-1000.0\t3.4\t500.0\t1800.0\t2024-06-01 13:30:01
"""


def test_neware_bts85_regular_export_nested_tab_separated(tmp_path):
    path = tmp_path / "regular_export.csv"
    path.write_text(NEWARE_BTS85)
    assert detect(path).FORMAT == "neware"
    m = read(path)
    assert m.metadata.file_format == "neware-nested"
    assert m.data[S.TIME].to_list() == pytest.approx([0, 1800, 3600, 3600, 5400])
    assert m.data[S.STEP_TYPE].to_list() == ["charge"] * 3 + ["discharge"] * 2
    cycles = cycle_table(m)
    # against the cycle row's own Chg./DChg. Cap.(mAh): 1000 and 500
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.5])


def test_neware_flat_bts8_numeric_time_columns(tmp_path):
    path = tmp_path / "record.csv"
    path.write_text("DataPoint,Cycle Index,Step Index,Step Type,Time(h),Total Time(h),Current(A),Voltage(V),"
                    "Chg. Cap.(Ah),DChg. Cap.(Ah),Date\n"
                    "1,1,1,CC Chg,0.0,0.0,1.0,3.0,0.0,0.0,2024-06-01 12:00:00\n"
                    "2,1,1,CC Chg,0.5,0.5,1.0,3.6,0.5,0.0,2024-06-01 12:30:00\n"
                    "3,1,2,CC DChg,0.25,0.75,-1.0,3.5,0.0,0.25,2024-06-01 12:45:00\n")
    m = read(path)
    assert m.data[S.TIME].to_list() == pytest.approx([0.0, 1800.0, 2700.0])
    assert m.metadata.units_as_recorded[S.TIME] == "h"
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(0.25)


def test_eclab_text_gcpl_without_current_column_derives_it_from_dq(tmp_path):
    path = tmp_path / "gcpl.mpt"
    path.write_text("mode\ttime/s\tcontrol/V/mA\tEwe/V\tdq/mA.h\tQ charge/discharge/mA.h\thalf cycle\n"
                    "1\t0\t1000\t3.0\t0\t0\t0\n1\t1800\t1000\t3.5\t500\t500\t0\n1\t3600\t1000\t4.0\t500\t1000\t0\n")
    m = read(path)
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 1.0, 1.0])
    assert any("current = dq/mA.h" in a for a in m.metadata.extra["assumptions"])
    assert cycle_table(m)["charge_capacity_Ah"][0] == pytest.approx(1.0)


def test_neware_durations_as_bts_versions_write_them(tmp_path):
    from cellbench.measurements.readers.columns import hms_seconds
    from cellbench.measurements.readers.tabular import DelimitedTable

    table = DelimitedTable(pl.DataFrame({"Time": ["x"]}), "t.csv", 2)
    written = ["12:34:56", "00:00:01.5", "1d 02:03:04", "1 day, 02:03:04", "1-02:03:04", "00:00:02,25", "100:00:00"]
    assert hms_seconds(table, pl.Series(written)).to_list() == [45296.0, 1.5, 93784.0, 93784.0, 93784.0, 2.25, 360000.0]
    with pytest.raises(InputError, match="expected a time like '12:34:56' at line 3"):
        hms_seconds(table, pl.Series(["00:00:01", "soon"]))
