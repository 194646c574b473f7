"""Export variants found in real files that other open projects publish in their packages (a survey of
navani, battery-data-toolkit, ampworks, cellpy, BEEP), each rebuilt here in a few rows of the same layout,
so a plain clone checks them; values worked out by hand."""

import pytest

from cellbench.analysis import cycle_table
from cellbench.errors import InputError
from cellbench.measurements import read
from cellbench.measurements import schema as S
from cellbench.measurements.readers import detect

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
