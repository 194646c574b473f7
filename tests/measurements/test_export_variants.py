"""Export variants found in real files that other open projects publish in their packages (a survey of
navani, battery-data-toolkit, ampworks, cellpy, BEEP), each rebuilt here in a few rows of the same layout,
so a plain clone checks them; values worked out by hand."""

import re

import pytest

from cellbench.analysis import cycle_table
from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S
from cellbench.measurements.readers import detect
from vendor_workbooks import write_workbook

MACCOR_MINUTES = [
    "Today's Date 04/04/2016  Date of Test:\t03/31/2016\t Filename:\tC:\\Data\\SET-1a.001 Procedure: F.000"
    "\tComment/Barcode: NCM vs Li",
    "Rec#\tCyc#\tStep\tTest (Min)\tStep (Min)\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time",
    "1\t0\t1\t0.0000\t0.0000\t0\t0\t0\t3.30\tR\t0\t03/31/2016 16:05:31",
    "2\t0\t2\t30.0000\t30.0000\t0.0005\t0.0019\t0.001\t3.90\tC\t0\t03/31/2016 16:35:31",
    "3\t0\t2\t60.0000\t60.0000\t0.0010\t0.0040\t0.001\t4.10\tC\t0\t03/31/2016 17:05:31",
    "4\t0\t3\t90.0000\t30.0000\t0.0004\t0.0015\t0.0008\t3.70\tD\t0\t03/31/2016 17:35:31",
]


@pytest.mark.parametrize("unit, factor", [("Min", 60.0), ("Hr", 3600.0), ("Sec", 1.0)])
def test_maccor_raw_export_test_time_in_the_unit_its_header_names(tmp_path, unit, factor):
    # MacTest exports the test time in the unit chosen at export ("Test (Min)" in battery-data-toolkit's and
    # navani's example files); read as seconds, it was refused before for lacking 'TestTime'
    rows = [r.replace("(Min)", f"({unit})") for r in MACCOR_MINUTES]
    if unit != "Min":  # the same instants in the other unit
        rows[2:] = [_scale_times(r, 60.0 / factor) for r in rows[2:]]
    path = tmp_path / "SET-1a.001"
    path.write_text("\r\n".join(rows) + "\r\n")
    assert detect(path).FORMAT == "maccor"
    m = read(path)
    assert m.data[S.TIME].to_list() == pytest.approx([0.0, 1800.0, 3600.0, 5400.0])
    assert m.metadata.units_as_recorded[S.TIME] == unit
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.001, 0.001, -0.0008])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(0.0010)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(0.0004)
    assert str(m.metadata.start_time) == "2016-03-31 16:05:31"


def _scale_times(row: str, by: float) -> str:
    cells = row.split("\t")
    cells[3], cells[4] = (f"{float(c) * by:.6f}" for c in cells[3:5])
    return "\t".join(cells)


def test_maccor_test_time_in_an_unknown_unit_is_refused_naming_the_column(tmp_path):
    path = tmp_path / "SET-1a.001"
    path.write_text("\n".join(r.replace("Test (Min)", "Test (Fortnights)") for r in MACCOR_MINUTES) + "\n")
    with pytest.raises(InputError, match=r"'Test \(Fortnights\)': unknown time unit 'Fortnights'"):
        read(path)




# LANDdt's Excel export (navani's NJK_CC_156 example): a test that starts by discharging, hours and mA
LAND_RECORD = [["Index", "TestTime/h", "StepTime/h", "Voltage/V", "Current/mA", "Capacity/mAh", "State"],
               [1, 0, 0, 3.10, 0, 0, "R"],
               [2, 0.5, 0.5, 2.00, -2.0, 1.0, "D_CC"],
               [3, 1.0, 1.0, 1.00, -2.0, 2.0, "D_CC"],
               [4, 1.5, 0.5, 2.50, 1.0, 0.5, "C_CC"],
               [5, 2.0, 1.0, 3.00, 1.0, 1.0, "C_CC"],
               [6, 2.5, 0.5, 1.50, -4.0, 2.0, "D_CC"],
               [7, 3.0, 0.5, 3.00, 2.0, 1.0, "C_CC"],
               [8, 3.5, 1.0, 3.00, 0.5, 1.25, "C_CV"]]
LAND_CYCLE = [["Index", "Charge-Cap/mAh", "Discharge-Cap/mAh", "Efficiency/%"],
              [0, 0, 0, 0], [1, 1.0, 2.0, 50.0], [2, 1.25, 2.0, 62.5]]


def test_land_workbook_cycles_steps_and_the_testers_cycle_sheet(tmp_path):
    path = tmp_path / "NJK_CC_1.xlsx"
    write_workbook(path, {"Record": LAND_RECORD, "Mode": [["Index", "Mode", "Period/h", "Capacity/mAh"]],
                     "Cycle": LAND_CYCLE})
    assert detect(path).FORMAT == "landt"
    m = read(path)
    assert m.metadata.vendor == "LAND" and m.metadata.file_format == "landt-xlsx"
    assert m.data[S.TIME].to_list() == pytest.approx([0, 1800, 3600, 5400, 7200, 9000, 10800, 12600])
    assert m.data[S.CURRENT].to_list() == pytest.approx([0, -0.002, -0.002, 0.001, 0.001, -0.004, 0.002, 0.0005])
    # a cycle is a discharge and the charge after it (the test began discharging); a step is a run of one state
    assert m.data[S.CYCLE].to_list() == [1, 1, 1, 1, 1, 2, 2, 2]
    assert m.data[S.STEP].to_list() == [1, 2, 2, 3, 3, 4, 5, 6]
    assert m.data[S.STEP_TYPE].to_list()[-2:] == ["charge", "cv-hold"]
    cycles = cycle_table(m)
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([0.002, 0.002])
    # cycle 2's charge: 1.0 mAh in C_CC; the counter goes on through C_CV to 1.25 mAh (it did not fall: no restart)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([0.001, 0.00125])
    # the tester's own totals come from its Cycle sheet (its empty row 0 left out)
    counters = m.metadata.extra["vendor_cycle_counters"]
    assert counters["cycle"] == [1, 2]
    assert counters["charge_capacity_Ah"] == pytest.approx([0.001, 0.00125])


def test_land_record_sheet_alone_is_recognised_from_its_columns(tmp_path):
    # without the Mode sheet the Record sheet's header tells LAND from a Neware workbook's "record" sheet
    path = tmp_path / "land_record_only.xlsx"
    write_workbook(path, {"Record": LAND_RECORD[:6]})
    assert detect(path).FORMAT == "landt"
    m = read(path)
    assert "vendor_cycle_counters" in m.metadata.extra  # worked out from the Capacity counter instead
    assert cycle_table(m)["charge_capacity_Ah"].to_list() == pytest.approx([0.001])


def test_land_workbook_with_a_bad_voltage_names_sheet_line_and_column(tmp_path):
    rows = [list(r) for r in LAND_RECORD]
    rows[3][3] = "#N/A"
    path = tmp_path / "land_bad.xlsx"
    write_workbook(path, {"Record": rows, "Mode": [["Index"]]})
    with pytest.raises(InputError, match=r"sheet Record.*'Voltage/V'.*line 4 \('#N/A'\)"):
        read(path)


def test_seconds_amps_volts_table_reads_with_the_generic_reader(tmp_path):
    # ampworks' data sets: "Seconds,Amps,Volts,Ah" (MacTest's words without its header block)
    path = tmp_path / "gitt.csv"
    path.write_text("Seconds,Amps,Volts,Ah\n0,-0.002,4.10,0\n1800,-0.002,4.00,0.001\n3600,-0.002,3.90,0.002\n")
    assert detect(path).FORMAT == "generic"
    m = read(path)
    assert m.data[S.TIME].to_list() == [0.0, 1800.0, 3600.0]
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([4.1, 4.0, 3.9])
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(0.002)


def test_units_after_an_underscore_as_data_hubs_write_them(tmp_path):
    # battery-data-toolkit's "batterydata" CSV: Time_s, Current_A, Voltage_V, Charge_Capacity_Ah...
    path = tmp_path / "p492-raw.csv"
    path.write_text("Cycle_Index,Step,Time_s,Current_mA,Voltage_V,Charge_Capacity_mAh,Discharge_Capacity_Ah,Temp2\n"
                    "1,1,0,0,3.2,0,0,29.5\n1,2,1800,1000,3.9,500,0,29.6\n1,2,3600,1000,4.1,1000,0,29.7\n"
                    "1,3,5400,-500,3.5,0,0.00025,29.6\n")
    assert detect(path).FORMAT == "generic"
    m = read(path)
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 1.0, 1.0, -0.5])
    assert m.data[S.CYCLE].to_list() == [1, 1, 1, 1] and m.data[S.STEP].to_list() == [1, 2, 2, 3]
    assert m.metadata.units_as_recorded[S.CURRENT] == "mA"
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(1.0)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(0.00025)


def test_an_underscore_suffix_that_is_no_unit_stays_part_of_the_name():
    from cellbench.measurements.readers.columns import split_unit

    assert split_unit("Voltage_V") == ("Voltage", "V")
    assert split_unit("Cell_Temperature_C") == ("Cell_Temperature", "C")
    assert split_unit("Cycle_Index") == ("Cycle_Index", None)
    assert split_unit("Aux_Temperature_1") == ("Aux_Temperature_1", None)
    assert split_unit("Test_Time(s)") == ("Test_Time", "s")
    assert split_unit("Step_Time_min") == ("Step_Time", "min")
    assert split_unit("I_min") == ("I_min", None)  # a summary's minimum current, not a current in minutes


BDF_HUMAN = ("Test Time / h,Voltage / V,Current / mA,Charging Capacity / mAh,Discharging Capacity / mAh\n"
             "0,3.0,1000,0,0\n0.5,3.5,1000,500,0\n1.0,4.0,1000,1000,0\n1.5,3.6,-2000,1000,1000\n")


def test_gzip_compressed_bdf_text_reads_as_the_plain_file(tmp_path):
    # BDF allows gzip-compressed files; navani's test folder holds test_with_capacity.bdf.gz
    import gzip

    plain, packed = tmp_path / "run.bdf", tmp_path / "run.bdf.gz"
    plain.write_text(BDF_HUMAN)
    packed.write_bytes(gzip.compress(BDF_HUMAN.encode()))
    assert detect(packed).FORMAT == "bdf-csv"
    m = read(packed)
    assert m.data.equals(read(plain).data)
    assert m.data[S.TIME].to_list() == [0.0, 1800.0, 3600.0, 5400.0]
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(1.0)
    assert m.metadata.extra["compression"] == "gzip"
    packed.write_bytes(gzip.compress(BDF_HUMAN.encode())[:-12])  # cut short: the gzip trailer is missing
    with pytest.raises(InputError, match="damaged gzip file"):
        read(packed)


def test_bdf_parquet_from_another_tool_with_labels_in_other_units(tmp_path):
    # navani writes .bdf.parquet with human labels and no cellbench metadata; it was refused for lacking the
    # machine names
    import io

    import polars as pl

    path = tmp_path / "run.bdf.parquet"
    pl.read_csv(io.StringIO(BDF_HUMAN)).write_parquet(path)
    assert detect(path).FORMAT == "bdf-parquet"
    m = read(path)
    assert m.data[S.TIME].to_list() == [0.0, 1800.0, 3600.0, 5400.0]
    assert m.data[S.CURRENT].to_list() == pytest.approx([1.0, 1.0, 1.0, -2.0])
    assert m.metadata.units_as_recorded[S.TIME] == "h"
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(1.0)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(1.0)
    # a cellbench Parquet file still comes back exactly as written
    ours = m.to_parquet(tmp_path / "ours.parquet")
    assert read(ours).data.equals(m.data)


def test_bdf_parquet_with_a_nan_voltage_names_the_row(tmp_path):
    import polars as pl

    path = tmp_path / "bad.bdf.parquet"
    pl.DataFrame({"Test Time / s": [0.0, 1.0, 2.0], "Voltage / V": [3.0, float("nan"), 3.2],
                  "Current / A": [1.0, 1.0, 1.0]}).write_parquet(path)
    with pytest.raises(InputError, match=r"'Voltage / V'.*line 2 \('NaN'\)"):
        read(path)


# Neware BTS in Chinese: the flat record export with Chinese column names, saved in GB18030 (the column line as a
# published LFP 280 Ah data set's files have it); each cycle: rest, 1 h charge at 140 A, 30 min discharge at 280 A
NEWARE_CHINESE_HEADER = ("数据序号,循环号,工步号,工步类型,时间,总时间,电流(A),电压(V),容量(Ah),充电容量(Ah),放电容量(Ah),"
                         "能量(Wh),充电能量(Wh),放电能量(Wh),绝对时间,功率(W)\n")
NEWARE_CHINESE_CYCLE = [  # step, type, step time, seconds into the cycle, current, voltage, capacity, energy
    (1, "搁置", 0, 0, 0, 3.30, 0, 0), (2, "恒流充电", 1800, 1800, 140, 3.40, 70, 238),
    (2, "恒流充电", 3600, 3600, 140, 3.45, 140, 480), (3, "恒流放电", 1800, 5400, -280, 3.20, 140, 450)]


def _neware_chinese(cycles: int) -> str:
    rows = []
    for k in range(cycles):
        for step, kind, step_s, cycle_s, amps, volts, ah, wh in NEWARE_CHINESE_CYCLE:
            total = 7200 * k + cycle_s
            charge, discharge = (ah, 0) if amps > 0 else (0, ah) if amps < 0 else (0, 0)
            stamp = f"2023-05-{6 + total // 86400:02d} {_hms(total % 86400 + 36000)}"
            rows.append(f"{len(rows) + 1},{k + 1},{3 * k + step},{kind},{_hms(step_s)},{_hms(total)},{amps},{volts},{ah},"
                        f"{charge},{discharge},{wh},{wh if amps > 0 else 0},{wh if amps < 0 else 0},{stamp},"
                        f"{amps * volts}\n")
    return NEWARE_CHINESE_HEADER + "".join(rows)


@pytest.mark.parametrize("cycles", [1, 4000])  # a small file parsed from bytes, a large one as polars reads from disk
def test_neware_export_in_chinese_gb18030(tmp_path, cycles):
    path = tmp_path / "bts_chinese.csv"
    path.write_bytes(_neware_chinese(cycles).encode("gb18030"))
    assert detect(path).FORMAT == "neware"
    m = read(path)
    assert m.metadata.vendor == "Neware" and m.data.height == 4 * cycles
    assert m.data[S.CURRENT].to_list()[:4] == pytest.approx([0.0, 140.0, 140.0, -280.0])
    assert m.data[S.STEP_TYPE].to_list()[:4] == ["rest", "charge", "charge", "discharge"]
    assert m.data[S.TIME].to_list()[-4:] == [7200.0 * (cycles - 1) + t for t in (0.0, 1800.0, 3600.0, 5400.0)]
    assert str(m.metadata.start_time) == "2023-05-06 10:00:00"
    table = cycle_table(m)
    assert table.height == cycles
    assert table["charge_capacity_Ah"].to_list() == pytest.approx([140.0] * cycles)
    assert table["discharge_capacity_Ah"].to_list() == pytest.approx([140.0] * cycles)


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def test_western_code_page_is_still_read_as_such():
    from cellbench.measurements.readers.tabular import decode, text_encoding

    assert text_encoding("Temperature(°C),I(µA)\n".encode("cp1252")) == "latin-1"
    assert decode("Temperature(°C)\n".encode("cp1252")) == "Temperature(°C)\n"
    # a head cut inside a UTF-8 character stays UTF-8 (it fell back to latin-1: 'Â°C')
    assert decode("T(°C),U\n1,°".encode("utf-8")[:-1]) == "T(°C),U\n1,"


ARBIN = ("Data_Point,Test_Time(s),Date_Time,Step_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),"
         "Charge_Capacity(Ah),Discharge_Capacity(Ah)\n"
         "1,0,13.05.2017 10:00:00,0,1,1,0,3.3,0,0\n"
         "2,3600.5,13.05.2017 11:00:00,3600.5,2,1,1.1,3.6,1.1,0\n"
         "3,7200.5,13.05.2017 12:00:00,3600,3,1,-1.1,3.0,1.1,1.05\n")


def _european(text: str) -> str:
    """A spreadsheet's re-save in a German locale: ';' between fields, a decimal comma in numbers."""
    return "\n".join(line.replace(",", ";") if n == 0 else line.replace(",", ";").replace(".", ",")
                     .replace("13,05,2017", "13.05.2017") for n, line in enumerate(text.splitlines())) + "\n"


@pytest.mark.parametrize("variant", ["european", "quoted", "tabs"])
def test_arbin_csv_resaved_in_other_dialects(tmp_path, variant):
    text = {"european": _european(ARBIN),
            "quoted": "\n".join(",".join(f'"{c}"' for c in line.split(",")) for line in ARBIN.splitlines()) + "\n",
            "tabs": ARBIN.replace(",", "\t")}[variant]
    path = tmp_path / "arbin.csv"
    path.write_text(text)
    assert detect(path).FORMAT == "arbin-csv"
    m = read(path)
    assert m.data[S.TIME].to_list() == [0.0, 3600.5, 7200.5]
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([3.3, 3.6, 3.0])
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 1.1, -1.1])
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(1.05)


def test_large_european_export_reads_as_the_small_one(tmp_path):
    # above the size polars reads straight from disk: the decimal commas must be rewritten all the same
    header, *rows = ARBIN.splitlines()
    many = [header] + [",".join([str(k + 1), f"{k * 10.5}", "13.05.2017 10:00:00", "1.5", "2", "1", "1.1", "3.6",
                                 f"{k * 0.001}", "0"]) for k in range(20000)]
    path = tmp_path / "arbin_big.csv"
    path.write_text(_european("\n".join(many)))
    assert path.stat().st_size > 4 * 65536
    m = read(path)
    assert m.data.height == 20000
    assert m.data[S.TIME][-1] == pytest.approx(19999 * 10.5)
    assert m.data[S.VOLTAGE].unique().to_list() == [3.6]


def test_maccor_text_export_with_decimal_commas(tmp_path):
    path = tmp_path / "maccor.txt"
    path.write_text("Rec\tCycle P\tCycle C\tStep\tTestTime\tStepTime\tCap. [Ah]\tEner. [Wh]\tCurrent [A]\tVoltage [V]\tMd\t"
                    "ES\tDPT Time\n"
                    "1\t0\t1\t1\t0\t0\t0\t0\t0\t3,3\tR\t0\t5/11/2021 3:40:24 PM\n"
                    "2\t0\t1\t2\t3600\t3600\t1,1\t4\t1,1\t3,6\tC\t0\t5/11/2021 4:40:24 PM\n"
                    "3\t0\t1\t3\t7200\t3600\t0,9\t3,1\t0,9\t3,2\tD\t0\t5/11/2021 5:40:24 PM\n")
    m = read(path)
    assert m.data[S.VOLTAGE].to_list() == pytest.approx([3.3, 3.6, 3.2])
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 1.1, -0.9])
    assert cycle_table(m)["charge_capacity_Ah"][0] == pytest.approx(1.1)


def test_neware_flat_export_with_semicolons_and_decimal_commas(tmp_path):
    path = tmp_path / "neware.csv"
    path.write_text("DataPoint;Cycle Index;Step Index;Step Type;Time;Total Time;Current(A);Voltage(V);Chg. Cap.(Ah);"
                    "DChg. Cap.(Ah);Date\n"
                    "1;1;1;Rest;00:00:00;00:00:00;0,000;3,300;0,000;0,000;2022-05-18 16:27:52\n"
                    "2;1;2;CC Chg;01:00:00;01:00:00;0,500;4,100;0,500;0,000;2022-05-18 17:27:52\n"
                    "3;1;3;CC DChg;01:00:00;02:00:00;-0,450;3,000;0,000;0,450;2022-05-18 18:27:52\n")
    assert detect(path).FORMAT == "neware"
    m = read(path)
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.5, -0.45])
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"][0] == pytest.approx(0.5)
    assert cycles["discharge_capacity_Ah"][0] == pytest.approx(0.45)


def test_decimal_comma_is_told_from_dates_and_from_comma_separated_files():
    from cellbench.measurements.readers.tabular import decimal_comma

    assert decimal_comma(b"1;3,30;13.05.2017 10:00\n2;3,31;13.05.2017 10:01\n", ";")
    assert not decimal_comma(b"1;3.30;13.05.2017\n", ";")
    assert not decimal_comma(b"1\t3\tR\n", "\t")  # whole numbers say nothing
    assert not decimal_comma(b"1,3,30\n", ",")


BASYTEC_HEAD = ("~Resultfile from Basytec Battery Test System\n~Date and Time of Data Converting: 07.07.2023 10:55:58\n~\n"
                "~Name of Test: test\n~Battery: cell 7\n~Testplan: plan.pln\n~Testchannel: 1814 CH14 XCTS_40\n"
                "~Start of Test: 19.06.2023 17:56:53\n~\n"
                "~Time[h]\tDataSet\tt-Step[h]\tLine\tCommand\tU[V]\tI[A]\tAh[Ah]\tAh-Cyc-Charge\tAh-Cyc-Discharge\tAh-Step\t"
                "T1[°C]\tCyc-Count\tState\n")


def _basytec_cycle(cycle: int, first_set: int) -> list[str]:
    """One cycle as PyProBE's BaSyTec sample lays it out: a pause, 1 h charge at 2 A, 1 h discharge at 1.8 A
    (the discharge counter negative, as it counts)."""
    t0 = 2.5 * (cycle - 1)
    rows = [(t0, 0, 3, "Pause", 3.50, 0.0, 0, 0, 0), (t0 + 0.5, 0.5, 4, "Charge", 3.9, 2.0, 1.0, 0, 1.0),
            (t0 + 1.5, 1.0, 4, "Charge", 4.1, 2.0, 2.0, 0, 2.0), (t0 + 2.5, 1.0, 5, "Discharge", 3.2, -1.8, 2.0, -1.8, -1.8)]
    return [f"{t}\t{first_set + n}\t{ts}\t{line}\t{cmd}\t{u}\t{i}\t0\t{qc}\t{qd}\t{qs}\t25.5\t{cycle}\t1"
            for n, (t, ts, line, cmd, u, i, qc, qd, qs) in enumerate(rows)]


@pytest.mark.parametrize("cycles", [2, 3000])
def test_basytec_text_export(tmp_path, cycles):
    path = tmp_path / "basytec.txt"
    rows = [r for c in range(1, cycles + 1) for r in _basytec_cycle(c, 4 * c)]
    path.write_bytes((BASYTEC_HEAD + "\n".join(rows) + "\n").encode("cp1252"))  # "°C" as BaSyTec writes it
    assert detect(path).FORMAT == "basytec"
    m = read(path)
    assert m.metadata.vendor == "BaSyTec" and m.metadata.cell_id == "cell 7"
    assert m.metadata.channel == "1814 CH14 XCTS_40" and str(m.metadata.start_time) == "2023-06-19 17:56:53"
    assert m.metadata.units_as_recorded[S.TIME] == "h"
    assert m.data[S.TIME].to_list()[:4] == [0.0, 1800.0, 5400.0, 9000.0]
    assert m.data[S.CURRENT].to_list()[:4] == pytest.approx([0.0, 2.0, 2.0, -1.8])
    assert m.data[S.STEP_TYPE].to_list()[:4] == ["rest", "charge", "charge", "discharge"]
    assert m.data[S.STEP].to_list()[:8] == [1, 2, 2, 3, 4, 5, 5, 6]  # the plan's lines 3, 4, 5 again in cycle 2
    assert m.data[S.CELL_TEMPERATURE][0] == pytest.approx(25.5)
    table = cycle_table(m)
    assert table["charge_capacity_Ah"].to_list() == pytest.approx([2.0] * cycles)
    assert table["discharge_capacity_Ah"].to_list() == pytest.approx([1.8] * cycles)


def test_basytec_row_with_a_text_voltage_names_its_line(tmp_path):
    path = tmp_path / "basytec.txt"
    rows = _basytec_cycle(1, 1)
    rows[2] = rows[2].replace("\t4.1\t", "\t-.-\t")
    path.write_bytes((BASYTEC_HEAD + "\n".join(rows) + "\n").encode("cp1252"))
    with pytest.raises(InputError, match=r"'U\[V\]'.*line 13 \('-\.-'\)"):
        read(path)


BTLAB_DATED = ("BT-Lab ASCII FILE\nNb header lines : 6\n\nModulo Bat\n"
               "Acquisition started on : 11/20/2024 11:38:41.707\n"
               "Ns changes\tNs\ttime/s\tEcell/V\tI/mA\t(Q-Qo)/mA.h\tQ discharge/mA.h\tQ charge/mA.h\tcycle number\t"
               "Temperature/°C\t\n"
               "0\t0\t11/20/2024 11:38:41.707\t4.1465597E+000\t0.0000000E+000\t0\t0\t0\t0\t1.9379732E+001\n"
               "1\t1\t11/20/2024 12:38:41.707\t4.1518364E+000\t4.5E+002\t4.5E+002\t0\t4.5E+002\t0\t1.93E+001\n"
               "1\t2\t11/20/2024 13:38:42.207\t3.6E+000\t-9.0E+002\t-4.5E+002\t9.0E+002\t0\t0\t1.93E+001\n")


def test_biologic_text_with_dates_in_its_time_column(tmp_path):
    # BT-Lab/EC-Lab can export "time/s" as each point's date and time (PyProBE's timestamped BT-Lab sample)
    path = tmp_path / "drive_cycle_MB_CA1.txt"
    path.write_bytes(BTLAB_DATED.encode("cp1252"))
    assert detect(path).FORMAT == "biologic-text"
    m = read(path)
    assert m.data[S.TIME].to_list() == pytest.approx([0.0, 3600.0, 7200.5])
    assert str(m.metadata.start_time) == "2024-11-20 11:38:41.707000"
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.45, -0.9])
    table = cycle_table(m)
    assert table["charge_capacity_Ah"][0] == pytest.approx(0.45)
    assert table["discharge_capacity_Ah"][0] == pytest.approx(0.9)
    # a cell that is no date among dates is an error naming its line
    path.write_bytes(BTLAB_DATED.replace("11/20/2024 12:38:41.707", "12:38").encode("cp1252"))
    with pytest.raises(InputError, match=r"'time/s' holds dates, but not at line 8 \('12:38'\)"):
        read(path)


def test_arbin_mits_pro_8_csv_with_its_quoted_date_time(tmp_path):
    # MITS Pro 8 writes "Date Time" quoted after a tab (so spreadsheets keep it as text), leaves Internal
    # Resistance empty between measurements and names the thermocouple "Aux_Temperature_1 (C)" (PyProBE's sample)
    path = tmp_path / "arbin8.csv"
    path.write_text('Data Point,Date Time,Test Time (s),Step Time (s),Cycle Index,Step Index,Current (A),Voltage (V),'
                    'Charge Capacity (Ah),Discharge Capacity (Ah),Internal Resistance (Ohm),Aux_Temperature_1 (C)\n'
                    '1,"\t09/20/2024 08:32:34.558",30.0005,30.0005,1,1,0,3.5346,0,0,,24.66\n'
                    '2,"\t09/20/2024 09:32:34.558",3630.0005,3600,1,2,2.0,4.1,2.0,0,0.012,25.10\n'
                    '3,"\t09/20/2024 10:32:34.558",7230.0005,3600,1,3,-1.9,3.2,2.0,1.9,,24.90\n')
    assert detect(path).FORMAT == "arbin-csv"
    m = read(path)
    assert str(m.metadata.start_time) == "2024-09-20 08:32:04.557500"  # the first row's date less its test time
    assert m.data[S.CELL_TEMPERATURE].to_list() == pytest.approx([24.66, 25.10, 24.90])
    assert m.data[S.INTERNAL_RESISTANCE].to_list()[1] == pytest.approx(0.012)
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(1.9)


def test_maccor_csv_export_keeps_its_temperature(tmp_path):
    path = tmp_path / "maccor.csv"
    path.write_text("Today's Date ,28-Nov-23\nDate of Test:,23-Nov-23 3:56:08 PM\n"
                    "Rec,Cycle C,Step,Test Time (sec),Step Time (sec),Capacity,Energy,Current,Voltage,DPT Time,Temp 1\n"
                    "1,1,1,0.0000,0.0000,0,0,0,3.668,23-Nov-23 3:56:11 PM,22.2591\n"
                    "2,1,2,3600.0000,3600.0000,28.8,106.0,28.8,3.716,23-Nov-23 4:56:11 PM,23.5\n")
    m = read(path)
    assert m.data[S.CELL_TEMPERATURE].to_list() == pytest.approx([22.2591, 23.5])
    assert cycle_table(m)["charge_capacity_Ah"][0] == pytest.approx(28.8)


@pytest.mark.parametrize("name, text, said", [
    ("cycle_data.csv",  # battery-data-toolkit's batteryarchive summary
     "Cycle_Index,Start_Time,End_Time,Test_Time (s),Min_Current (A),Max_Current (A),Min_Voltage (V),Max_Voltage (V),"
     "Charge_Capacity (Ah),Discharge_Capacity (Ah)\n1.0,,,12923.434,-0.674,1.124,2.699,4.2,0.604,1.292\n",
     "a per-cycle summary"),
    ("summary.csv", "Cycle_Index,Cycle_Label,Time_s,Q_chg,Q_dis,CE,V_min,V_max,I_min,I_max\n"
     "1,,0,0.02,0.021,0.99,3.0,4.1,-0.001,0.001\n", "a per-cycle summary"),
    ("spectrum.csv", "freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n100000,0.05,0.001\n10000,0.06,0.004\n", "an impedance spectrum"),
    ("FastCharge_000025_CH8_Metadata.csv",
     ",test_id,device_id,iv_ch_id,first_start_datetime,schedule_file_name\n0,153,60369369,7,1494645214,x.SDU\n",
     "an Arbin metadata side file (test, channel, schedule): read FastCharge_000025_CH8.csv beside it"),
])
def test_tables_that_are_not_a_time_series_are_refused_saying_what_they_are(tmp_path, name, text, said):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError, match=r"not a cycler's time series: " + re.escape(said)):
        read(path)


def _xls(path, sheets):
    """An Excel 97-2003 workbook (.xls), as older MITS Pro, BTS 7 and LANDdt versions export."""
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes .xls fixtures: pip install -e '.[test]'")
    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.save(str(path))


def test_excel_97_workbooks_are_read_like_xlsx(tmp_path):
    arbin = tmp_path / "arbin_export.dat"  # the name says nothing: the sheets do
    _xls(arbin, {"Global_Info": [["Test Name", "x"]],
                 "Channel_1-006": [["Data_Point", "Test_Time(s)", "Step_Index", "Cycle_Index", "Current(A)", "Voltage(V)",
                                    "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)"],
                                   [1, 0, 1, 1, 1.0, 3.0, 0, 0], [2, 3600, 1, 1, 1.0, 4.0, 1.0, 0],
                                   [3, 7200, 2, 1, -1.0, 3.0, 1.0, 0.8]]})
    assert detect(arbin).FORMAT == "arbin-csv"  # the Arbin module, which reads its workbooks too
    m = read(arbin)
    assert m.metadata.file_format == "arbin-xlsx" and m.data[S.TIME].to_list() == [0.0, 3600.0, 7200.0]
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(0.8)
    neware = tmp_path / "neware.xls"
    _xls(neware, {"record": [["DataPoint", "Cycle Index", "Step Index", "Step Type", "Cumulative Time", "Current(mA)",
                              "Voltage(V)", "Chg. Cap.(mAh)", "DChg. Cap.(mAh)"],
                             [1, 1, 1, "CC Chg", "0:00:00", 500, 3.0, 0, 0],
                             [2, 1, 1, "CC Chg", "2:00:00", 500, 4.1, 1000, 0]]})
    assert detect(neware).FORMAT == "neware"
    assert cycle_table(read(neware))["charge_capacity_Ah"][0] == pytest.approx(1.0)
    land = tmp_path / "land.xls"
    _xls(land, {"Record": LAND_RECORD, "Mode": [["Index"]]})
    assert detect(land).FORMAT == "landt"
    assert cycle_table(read(land))["discharge_capacity_Ah"].to_list() == pytest.approx([0.002, 0.002])


def test_an_ole2_file_that_is_no_workbook_is_unknown(tmp_path):
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError, match="unknown file format"):
        read(path)


def test_maccor_counter_that_carries_on_across_charge_and_discharge(tmp_path):
    # navani's Maccor example: Amp-hr does not restart when the state changes; each charge and discharge is
    # counted from the value it began with. An "S" row (a step's last point) flows as the rows before it.
    head = MACCOR_MINUTES[:2]
    rows = ["1\t0\t1\t0\t0\t0\t0\t0\t3.30\tR\t0\t03/31/2016 16:05:31",
            "2\t0\t2\t30\t30\t0.0005\t0.0019\t0.001\t3.90\tC\t0\t03/31/2016 16:35:31",
            "3\t0\t2\t60\t60\t0.0010\t0.0040\t0.001\t4.10\tS\t0\t03/31/2016 17:05:31",
            "4\t0\t3\t90\t30\t0.0014\t0.0055\t0.0008\t3.70\tD\t0\t03/31/2016 17:35:31",
            "5\t0\t3\t120\t60\t0.0018\t0.0070\t0.0008\t3.50\tD\t0\t03/31/2016 18:05:31",
            "6\t0\t4\t150\t30\t0.0023\t0.0089\t0.001\t3.90\tC\t0\t03/31/2016 18:35:31"]
    path = tmp_path / "carry.001"
    path.write_text("\n".join(head + rows) + "\n")
    m = read(path)
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, 0.001, 0.001, -0.0008, -0.0008, 0.001])
    assert m.data[S.STEP_TYPE].to_list()[2] == "charge"
    assert m.data[S.CHARGE_CAPACITY].to_list() == pytest.approx([0, 0.0005, 0.0010, 0.0010, 0.0010, 0.0015])
    assert m.data[S.DISCHARGE_CAPACITY].to_list() == pytest.approx([0, 0, 0, 0.0004, 0.0008, 0.0008])
    assert any("Amp-hr and Watt-hr carry on" in a for a in m.metadata.extra["assumptions"])
    # a counter that restarts at every step (as MacTest does by default) is left as it is
    restarting = [r.replace("\t0.0014\t0.0055\t", "\t0.0004\t0.0015\t").replace("\t0.0018\t0.0070\t", "\t0.0008\t0.0030\t")
                  .replace("\t0.0023\t0.0089\t", "\t0.0005\t0.0019\t") for r in rows]
    path.write_text("\n".join(head + restarting) + "\n")
    m = read(path)
    assert m.data[S.DISCHARGE_CAPACITY].to_list() == pytest.approx([0, 0, 0, 0.0004, 0.0008, 0.0008])
    assert m.data[S.CHARGE_CAPACITY][-1] == pytest.approx(0.0015)
    assert not any("carry on" in a for a in m.metadata.extra["assumptions"])


@pytest.mark.parametrize("header_again", [False, True])
def test_land_records_continued_on_more_sheets(tmp_path, header_again):
    # long LANDdt exports go on in "Record1", "Record2"… sheets, without the column line (navani reads them so)
    path = tmp_path / "land_long.xlsx"
    head, first, rest = LAND_RECORD[0], LAND_RECORD[1:5], LAND_RECORD[5:]
    write_workbook(path, {"Record": [head] + first, "Record1": ([head] if header_again else []) + rest,
                     "Mode": [["Index"]], "Cycle": LAND_CYCLE})
    m = read(path)
    assert m.data.height == 8
    assert m.data[S.TIME].to_list()[-3:] == [9000.0, 10800.0, 12600.0]
    assert m.data[S.CYCLE].to_list() == [1, 1, 1, 1, 1, 2, 2, 2]
    assert cycle_table(m)["charge_capacity_Ah"].to_list() == pytest.approx([0.001, 0.00125])
    rows = [list(r) for r in rest]
    rows[1][3] = "x"  # a bad voltage on the continuation sheet's second row
    write_workbook(path, {"Record": [head] + first, "Record1": ([head] if header_again else []) + rows, "Mode": [["Index"]]})
    line = 3 if header_again else 2
    with pytest.raises(InputError, match=rf"sheet Record1.*line {line} \('x'\)"):
        read(path)


def test_land_single_sheet_export_without_state(tmp_path):
    # newer LANDdt versions write one sheet named after the test, and may leave the State column out
    path = tmp_path / "cell12.xlsx"
    write_workbook(path, {"cell12_001": [[c for c in LAND_RECORD[0] if c != "State"]] + [r[:6] for r in LAND_RECORD[1:]]})
    assert detect(path).FORMAT == "landt"
    m = read(path)
    assert m.data[S.CYCLE].to_list() == [1, 1, 1, 1, 1, 2, 2, 2]
    assert cycle_table(m)["discharge_capacity_Ah"].to_list() == pytest.approx([0.002, 0.002])
    assert any("no State column" in a for a in m.metadata.extra["assumptions"])


def test_neware_workbook_exported_with_an_active_mass(tmp_path):
    # with an active mass BTS writes the split counters per gram only (Chg. Spec. Cap.(mAh/g), as navani reads
    # them); the unsigned per-step Capacity(mAh) then counts charge or discharge as the current flows
    header = ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Time", "Total Time", "Current(A)", "Voltage(V)",
              "Capacity(mAh)", "Chg. Spec. Cap.(mAh/g)", "DChg. Spec. Cap.(mAh/g)", "Energy(Wh)", "Date"]
    path = tmp_path / "neware_mass.xlsx"
    write_workbook(path, {"test": [["x"]], "record": [
        header, [1, 1, 1, "Rest", "00:00:00", "00:00:00", 0, 3.0, 0, 0, 0, 0, "2024-01-02 10:00:00"],
        [2, 1, 2, "CC Chg", "01:00:00", "01:00:00", 0.002, 4.1, 2.0, 200, 0, 0.0078, "2024-01-02 11:00:00"],
        [3, 1, 3, "CC DChg", "00:30:00", "01:30:00", -0.003, 3.5, 1.5, 0, 150, 0.0055, "2024-01-02 11:30:00"]]})
    m = read(path)
    table = cycle_table(m)
    assert table["charge_capacity_Ah"][0] == pytest.approx(0.002)
    assert table["discharge_capacity_Ah"][0] == pytest.approx(0.0015)
    assert table["discharge_energy_Wh"][0] == pytest.approx(0.0055)
    assert m.metadata.extra["vendor_cycle_counters"]["discharge_capacity_Ah"] == pytest.approx([0.0015])


PEC_LIFETEST = """Request Year:,2026
Test:,25205
TestRegime Name:,OCV generic long HP
TestRegime CellSize:,1500 mAh
Parameter names:,C-Rate (mAh),Mass (kg),Peak power (W)
Names of initialized variables:
Start Time:,01/08/2026 17:40:39
Operator Instructions:,
Test,Cell,Rack,Shelf,Position,Cell ID,Step,Instruction Name,Cycle,Total Time (Hours in hh:mm:ss.xxx),Step Time (Seconds),Real Time,Voltage (V),Current (A),Charge Capacity (mAh),Discharge Capacity (mAh),Charge Energy (mWh),Discharge Energy (mWh),ReasonCode,Temp (°C),Station Temperature (°C),
25205,1,ACT4,014,1,345626_33_6,0,Idle,0,00:00:00.002,0.002,01/08/2026 17:45:08,3.6824952,0,0,0,0,0,1,,,
25205,1,ACT4,014,1,345626_33_6,1,Charge,1,01:00:01.000,3600,01/08/2026 18:45:09,4.1,1.5,1500,0,5800,0,30,19.26,,
25205,1,ACT4,014,1,345626_33_6,2,Discharge,1,25:00:01.000,3600,01/09/2026 18:45:09,3.0,-1.4,1500,1400,5800,5000,30,19.31,,
"""


def test_pec_lifetest_export_with_its_key_value_block_and_clock_times(tmp_path):
    # cellpy's public PEC test file: no "#RESULTS CHECK" block, total time as "hh:mm:ss.xxx" text past 24 h
    path = tmp_path / "Test25205.csv"
    path.write_text(PEC_LIFETEST, encoding="utf-8")
    assert detect(path).FORMAT == "pec"
    m = read(path)
    assert m.metadata.cell_id == "345626_33_6" and m.metadata.procedure == "OCV generic long HP"
    assert str(m.metadata.start_time) == "2026-01-08 17:40:39"
    assert m.data[S.TIME].to_list() == pytest.approx([0.002, 3601.0, 90001.0])
    assert m.data[S.CELL_TEMPERATURE].to_list() == [None, 19.26, 19.31]
    table = cycle_table(m)
    assert table["charge_capacity_Ah"].to_list() == pytest.approx([0.0, 1.5])
    assert table["discharge_energy_Wh"].to_list() == pytest.approx([0.0, 5.0])
    path.write_text(PEC_LIFETEST.replace("25:00:01.000", "25:00"), encoding="utf-8")
    with pytest.raises(InputError, match=r"expected a time like '12:34:56' at line 12"):
        read(path)


def test_neware_bts85_regular_export_with_first_step_on_the_cycle_line(tmp_path):
    # BTS 8.5's regular export (cellpy's public IFE example) writes each cycle's first step on the cycle's own line,
    # after the cycle's cells, and "T1(?)" where "°C" was lost to the code page
    text = ("Cycle Index,Chg. Cap.(Ah),DChg. Cap.(Ah),Chg.-DChg. Eff(%),Chg. Energy(Wh),DChg. Energy(Wh),Chg. Time,DChg. Time\n"
            ",Step Index,Step Number,Step Type,Step Time,Capacity(Ah),Energy(Wh),T1 End T(?)\n"
            ",,DataPoint,Time,Total Time,Current(A),Voltage(V),Capacity(Ah),Energy(Wh),Date,T1(?)\n"
            "1,1.0,0.9,90.0,4.0,3.3,01:00:00,00:30:00,1,1,Rest,00:00:10,0.0,0.0,25.0\n"
            ",,1,00:00:00,00:00:00,0.0,3.50,0.0,0.0,2026-03-06 12:00:00,25.0\n"
            ",,2,00:00:10,00:00:10,0.0,3.50,0.0,0.0,2026-03-06 12:00:10,25.1\n"
            ",2,2,CC Chg,01:00:00,1.0,4.0,26.0\n"
            ",,3,00:30:00,00:30:10,1.0,3.90,0.5,1.9,2026-03-06 12:30:10,25.6\n"
            ",,4,01:00:00,01:00:10,1.0,4.20,1.0,4.0,2026-03-06 13:00:10,26.0\n"
            ",3,3,CC DChg,00:30:00,0.9,3.3,25.5\n"
            ",,5,00:30:00,01:30:10,-1.8,3.30,0.9,3.3,2026-03-06 13:30:10,25.5\n"
            "2,0.5,0.0,0.0,2.0,0.0,00:30:00,00:00:00,4,1,Rest,00:00:10,0.0,0.0,25.0\n"
            ",,6,00:00:10,01:30:20,0.0,3.40,0.0,0.0,2026-03-06 13:30:20,25.0\n")
    path = tmp_path / "bts85_regular.csv"
    path.write_text(text)
    assert detect(path).FORMAT == "neware"
    m = read(path)
    assert m.data[S.STEP].to_list() == [1, 1, 2, 2, 3, 4]
    assert m.data[S.CYCLE].to_list() == [1, 1, 1, 1, 1, 2]
    assert m.data[S.STEP_TYPE].to_list()[:3] == ["rest", "rest", "charge"]
    assert m.data[S.CELL_TEMPERATURE].to_list()[-1] == pytest.approx(25.0)
    table = cycle_table(m)
    assert table["charge_capacity_Ah"].to_list() == pytest.approx([1.0, 0.0])
    assert table["discharge_capacity_Ah"].to_list() == pytest.approx([0.9, 0.0])


def test_maccor_export_with_three_header_lines_and_aux_unit_columns(tmp_path):
    # cellpy's maccor_001.txt: three header lines with several pairs each, "  0d 00:00:5.0500001" times whose
    # seconds are not zero-padded, and every Aux #n followed by its own " Units" column
    aux = "".join(f"\tAux #{i}\t Units" for i in (1, 2))
    rows = ["Today's Date:\t14 December 2020\tDate of Test:\t11 December 2020, 12:22:12 PM",
            "Filename:\tM50_cell_01\tTester Channel:\t7", "Procedure:\tM50.000\tDescription:\t",
            "Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time\tDCIR/Ohms" + aux + "\t",
            "1\t0\t1\t  0d 00:00:0\t  0d 00:00:0\t0\t0\t0\t3.46\tR\t0\t12/11/2020 12:22:12\t0\t-2501.7\t C  \t25.1\t C  \t",
            "2\t0\t2\t  0d 00:00:5.05000019073486\t  0d 00:00:0.05\t0.00000\t0.00002\t0.5\t3.41\tD\t0\t12/11/2020 12:22:17\t0"
            "\t-2501.7\t C  \t25.1\t C  \t",
            "3\t0\t2\t  0d 01:00:5.05000019073486\t  0d 01:00:0.05\t0.5\t1.7\t0.5\t3.30\tD\t1\t12/11/2020 13:22:17\t0"
            "\t-2501.7\t C  \t25.2\t C  \t"]
    path = tmp_path / "maccor_001.txt"
    path.write_text("\r\n".join(rows) + "\r\n")
    m = read(path)
    assert m.metadata.channel == "7" and m.metadata.procedure == "M50.000"
    assert m.data[S.TIME].to_list() == pytest.approx([0.0, 5.05000019073486, 3605.05000019073486])
    assert m.data[S.CURRENT].to_list() == pytest.approx([0.0, -0.5, -0.5])
    assert cycle_table(m)["discharge_capacity_Ah"][0] == pytest.approx(0.5)


def test_novonix_uhpc_export_without_quoted_rows(tmp_path):
    # UHPC 2.13 (PyProBE's sample) writes the [Data] rows unquoted, a one-line JSON protocol and "Novonix UHPC data file"
    path = tmp_path / "uhpc.csv"
    path.write_text("[Summary]\nNovonix UHPC data file\nNovonix\nChannel: 01\nCell: cell_CH01.csv\nProtocol: D:\\t.pro2\n"
                    "Started: 2025-07-19 15:26:20\nVersion: 2.13.0\n[End Summary]\n[Protocol]\n"
                    '{"Version":"UHPC Control: 2.13.0","ProtocolStepList":[{"StepType":1}]}\n[End Protocol]\n[Data]\n'
                    "Date and Time,Cycle Number,Step Type,Run Time (h),Step Time (h),Current (A),Potential (V),"
                    "Capacity (Ah),Temperature (°C),Circuit Temperature (°C),Energy (Wh),Step Number,Step position\n"
                    "2025-07-19 15:26:20,1,0,0.0,0.0,0.0,3.84,0.0,24.6,25.2,0.0,1,1\n"
                    "2025-07-19 16:26:20,1,1,1.0,1.0,0.5,3.90,0.5,24.7,25.3,1.93,2,0\n"
                    "2025-07-19 17:26:20,1,2,2.0,1.0,-0.4,3.70,0.4,24.8,25.3,1.50,3,0\n", encoding="utf-8")
    assert detect(path).FORMAT == "novonix"
    m = read(path)
    assert m.metadata.channel == "01" and str(m.metadata.start_time) == "2025-07-19 15:26:20"
    assert m.data[S.TIME].to_list() == [0.0, 3600.0, 7200.0]
    table = cycle_table(m)
    assert table["charge_capacity_Ah"][0] == pytest.approx(0.5)
    assert table["discharge_capacity_Ah"][0] == pytest.approx(0.4)


def test_generic_reader_states_only_the_units_it_assumed():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        named = Path(folder) / "named.csv"
        named.write_text("Test_Time (s),Voltage (V),Current (mA),Cycle_Index\n0,3.8,0,1\n30,3.9,675,1\n")
        assert "assumptions" not in read(named).metadata.extra  # every unit came from the header
        bare = Path(folder) / "bare.csv"
        bare.write_text("Seconds,Volts,Current (mA)\n0,3.8,0\n30,3.9,675\n")
        assert read(bare).metadata.extra["assumptions"] == [
            "no unit in the header (and no column map), so 'Seconds' in s, 'Volts' in V assumed"]


@pytest.mark.parametrize("written", ["T1(?)", "Temperature/\ufffdC", "温度(℃)", "Temp (?C)"])
def test_temperature_units_as_exports_mangle_them(written):
    # "°C" lost to a code page ("?", or U+FFFD after a bad conversion) or written as one character ("℃")
    from cellbench.measurements.readers.columns import split_unit, unit_factor

    assert unit_factor("temperature", split_unit(written)[1]) == 1.0
