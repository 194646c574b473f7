"""The row policy, one for every reader: rows without a measurement are skipped and counted; a bad measurement
is an error naming file, line and column, and nothing is read (so nothing is stored)."""

import subprocess
import sys

import pytest

from cellbench.analysis import cycle_table
from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S

ARBIN_HEADER = ("Data_Point,Test_Time(s),Date_Time,Step_Index,Cycle_Index,Current(A),Voltage(V),"
                "Charge_Capacity(Ah),Discharge_Capacity(Ah)")


def arbin_rows(cycles: int = 2, per_step: int = 4) -> list[str]:
    """Charge 1 A then discharge 1 A, 900 s a point: 0.25 Ah a point, the counters restart each cycle."""
    rows, point, t = [], 1, 0.0
    for cycle in range(1, cycles + 1):
        for step, current in ((1, 1.0), (2, -1.0)):
            for k in range(1, per_step + 1):
                t += 900.0
                qc = 0.25 * (k if step == 1 else per_step)
                qd = 0.25 * k if step == 2 else 0.0
                rows.append(f"{point},{t},05/12/2017 10:00:00,{step},{cycle},{current},{3.6 + 0.1 * current},{qc},{qd}")
                point += 1
    return rows


def test_arbin_blank_and_repeated_header_rows_are_skipped_and_counted(tmp_path):
    rows = arbin_rows()
    # MITS Pro exports seen in labs: an empty row, a row of separators, the header again at a page break
    lines = [ARBIN_HEADER] + rows[:3] + [",,,,,,,,"] + rows[3:8] + [ARBIN_HEADER, ""] + rows[8:]
    path = tmp_path / "arbin_blank_rows.csv"
    path.write_text("\n".join(lines) + "\n")
    m = read(path)
    assert len(m) == len(rows) == 16
    report = m.metadata.extra["skipped_rows"]
    assert report["count"] == 3
    assert report["by_kind"] == {"blank": 2, "repeated header": 1}
    assert report["first_lines"] == {"blank": [5, 12], "repeated header": [11]}
    cycles = cycle_table(m)
    assert cycles["charge_capacity_Ah"].to_list() == pytest.approx([1.0, 1.0])
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([1.0, 1.0])


def test_lines_after_skipped_rows_keep_their_true_numbers(tmp_path):
    rows = arbin_rows()
    rows[12] = rows[12].replace(",3.5,", ",inf,")  # line 16 below: header + 12 rows before it + 2 skipped + 1
    path = tmp_path / "arbin_bad.csv"
    path.write_text("\n".join([ARBIN_HEADER] + rows[:5] + ["", ARBIN_HEADER] + rows[5:]) + "\n")
    with pytest.raises(InputError) as err:
        read(path)
    assert "column 'Voltage(V)'" in str(err.value) and "line 16 ('inf')" in str(err.value)
    assert str(err.value).startswith(str(path))


def test_rest_marker_rows_are_skipped(tmp_path):
    path = tmp_path / "rig.csv"
    path.write_text("time (s);voltage (V);current (A)\n0;3.0;0\nRest;;\n60;3.1;1\n--- pause ---\n120;3.2;1\n")
    m = read(path)
    assert m.data[S.TIME].to_list() == [0.0, 60.0, 120.0]
    assert m.metadata.extra["skipped_rows"]["by_kind"] == {"marker": 2}
    assert m.metadata.extra["skipped_rows"]["first_lines"] == {"marker": [3, 5]}


def test_a_row_with_some_measurement_missing_is_an_error_not_a_skip(tmp_path):
    rows = arbin_rows()
    rows[2] = rows[2].replace(",1.0,3.7,", ",,3.7,")  # current empty, time and voltage there
    path = tmp_path / "arbin_missing_current.csv"
    path.write_text("\n".join([ARBIN_HEADER] + rows) + "\n")
    with pytest.raises(InputError, match=r"column 'Current\(A\)' has 1 .* line 4 \(empty\)"):
        read(path)


def test_time_going_backwards_within_a_step_names_line_and_column(tmp_path):
    rows = arbin_rows()
    fields = rows[2].split(",")
    fields[1] = "100.0"  # 2700 s expected; the step's previous row says 1800 s
    rows[2] = ",".join(fields)
    path = tmp_path / "arbin_time_back.csv"
    path.write_text("\n".join([ARBIN_HEADER] + rows) + "\n")
    with pytest.raises(InputError) as err:
        read(path)
    message = str(err.value)
    assert message.startswith(f"{path}, line 4, column 'Test_Time(s)': time goes backwards within a step at line 4")
    assert "100 s after 1800 s" in message


def test_time_may_restart_at_a_new_step(tmp_path):
    # some rigs restart the clock with each schedule; the policy only looks within a step
    path = tmp_path / "restart.csv"
    path.write_text("test_time_second,voltage_volt,current_ampere,step_index\n0,3.0,1,1\n10,3.1,1,1\n"
                    "0,3.2,-1,2\n10,3.1,-1,2\n")
    assert len(read(path)) == 4


def test_large_file_from_disk_skips_rows_the_same_way(tmp_path):
    rows = arbin_rows(cycles=400, per_step=20)  # 16,000 rows, about 1 MB: parsed from disk
    lines = [ARBIN_HEADER] + rows[:5000] + [",,,,,,,,", ARBIN_HEADER] + rows[5000:] + [""]
    path = tmp_path / "arbin_large.csv"
    path.write_text("\r\n".join(lines))
    m = read(path)
    assert len(m) == 16000
    assert m.metadata.extra["skipped_rows"]["first_lines"] == {"blank": [5002], "repeated header": [5003]}
    assert cycle_table(m)["discharge_capacity_Ah"].sum() == pytest.approx(400 * 5.0)


def test_cli_bad_measurement_writes_nothing(tmp_path):
    rows = arbin_rows()
    rows[5] = rows[5].replace(",3.5,", ",nan,")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([ARBIN_HEADER] + rows) + "\n")
    out = tmp_path / "out.parquet"
    proc = subprocess.run([sys.executable, "-m", "cellbench.cli", "convert", str(path), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "line 7 ('nan')" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob("out*"))


@pytest.mark.parametrize("repeat", [1, 700])  # a small file parsed from bytes; one over 256 KiB parsed from disk
def test_a_row_split_by_a_stray_separator_is_refused_with_its_line(tmp_path, repeat):
    rows = arbin_rows() * repeat
    bad = rows[5].split(",")
    bad[6] = bad[6].replace(".", ",")  # the voltage written with a decimal comma: one cell too many
    lines = [ARBIN_HEADER] + rows[:5] + [",".join(bad)] + rows[6:]
    path = tmp_path / "arbin_split_row.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read(path)
    message = str(caught.value)
    assert "line 7" in message and "1 row(s) with more cells than the column line's 9" in message


def test_a_trailing_separator_or_an_unnamed_last_column_is_no_split_row(tmp_path):
    rows = arbin_rows()
    trailing = tmp_path / "trailing.csv"  # exports that end every row with the separator
    trailing.write_text("\n".join([ARBIN_HEADER] + [r + "," for r in rows[:6]] + rows[6:]) + "\n")
    unnamed = tmp_path / "unnamed.csv"  # a last column without a name, in every row: left out, as before
    unnamed.write_text("\n".join([ARBIN_HEADER] + [r + ",7" for r in rows]) + "\n")
    plain = read(_write(tmp_path / "plain.csv", [ARBIN_HEADER] + rows))
    for path in (trailing, unnamed):
        m = read(path)
        assert m.data[S.VOLTAGE].to_list() == plain.data[S.VOLTAGE].to_list()


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path
