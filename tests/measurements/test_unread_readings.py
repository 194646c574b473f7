"""Columns of readings the canonical table has no place for (a second thermocouple, auxiliary voltages, a counter
electrode's potential) are named in ``extra["warnings"]``, never dropped in silence; what is worked out from a
reading (a rate, an average) is not. Every file is written here with made-up values."""

from cellbench.measurements import read
from cellbench.measurements import schema as S
from vendor_workbooks import write_workbook


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


def _unread(m):
    return [w for w in m.metadata.extra.get("warnings", []) if "not read" in w]


def test_arbin_second_temperature_and_auxiliary_voltage_are_named(tmp_path):
    header = ("Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Aux_Temperature_1(C),"
              "Aux_Temperature_2(C),Aux_Voltage_1(V),Aux_dT/dt_1(C/s)")
    m = read(_write(tmp_path / "aux.csv", [header, "1,0,1,1,1.0,3.5,25.0,26.0,3.49,0", "2,60,1,1,1.0,3.6,25.1,26.2,3.59,0"]))
    assert m.data[S.CELL_TEMPERATURE].to_list() == [25.0, 25.1]
    [warning] = _unread(m)
    assert "'Aux_Temperature_2(C)', 'Aux_Voltage_1(V)'" in warning
    assert "dT/dt" not in warning


def test_arbin_with_its_one_temperature_read_has_no_such_warning(tmp_path):
    header = "Data_Point,Test_Time(s),Step_Index,Cycle_Index,Current(A),Voltage(V),Aux_Temperature_1(C)"
    m = read(_write(tmp_path / "one.csv", [header, "1,0,1,1,1.0,3.5,25.0", "2,60,1,1,1.0,3.6,25.1"]))
    assert _unread(m) == []


def test_eclab_counter_electrode_potential_is_named(tmp_path):
    m = read(_write(tmp_path / "three_electrode.mpt", ["mode\ttime/s\tEwe/V\tEce/V\tI/mA\tcycle number",
                                                       "1\t0\t3.50\t-0.10\t100\t0", "1\t10\t3.51\t-0.11\t100\t0"]))
    assert "'Ece/V'" in _unread(m)[0]


def test_neware_workbook_second_thermocouple_is_named(tmp_path):
    header = ["DataPoint", "Cycle Index", "Step Index", "Step Type", "Total Time", "Current(A)", "Voltage(V)",
              "Chg. Cap.(Ah)", "DChg. Cap.(Ah)", "T1(℃)", "T2(℃)", "Aux.Ave.T(℃)"]
    path = tmp_path / "bts.xlsx"
    write_workbook(path, {"record": [header, [1, 1, 1, "CC Chg", "00:00:00", 0.5, 3.6, 0, 0, 25, 26, 25.5],
                                     [2, 1, 1, "CC Chg", "01:00:00", 0.5, 4.1, 0.5, 0, 25, 26, 25.5]]})
    m = read(path)
    assert m.data[S.CELL_TEMPERATURE].to_list() == [25.0, 25.0]
    [warning] = _unread(m)
    assert "'T2(℃)'" in warning and "Ave" not in warning
