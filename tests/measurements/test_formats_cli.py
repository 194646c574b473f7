"""`cellbench formats` lists every reader's formats; an unknown file's error names the closest one and what differs."""

import json
import subprocess
import sys
import zipfile

from typer.testing import CliRunner

from cellbench.cli import app
from cellbench.measurements.readers import READER_MODULES, catalogue, closest_format

runner = CliRunner()


def test_formats_json_covers_every_reader_with_versions_and_a_header():
    result = runner.invoke(app, ["formats", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert {e["reader"] for e in listed} == set(READER_MODULES)
    names = {e["format"] for e in listed}
    assert {"arbin-res", "neware-nda", "neware-ndax", "maccor-csv", "neware-nested", "biologic-text"} <= names
    assert all(e["software"] and e["header"] and e["extensions"] for e in listed)


def test_formats_table_names_the_software():
    result = runner.invoke(app, ["formats"], env={"COLUMNS": "240"})
    assert result.exit_code == 0
    assert "EC-Lab 10.x to 11.6x" in result.stdout and "BTS 8.x .ndax" in result.stdout


def test_unknown_text_file_names_the_closest_format_and_the_missing_columns(tmp_path):
    path = tmp_path / "almost_maccor.txt"
    path.write_text("Rec\tStep\tTest Time (sec)\tCapacity\tWhatever\n1\t1\t0\t0\t3.1\n")
    proc = subprocess.run([sys.executable, "-m", "cellbench.cli", "summarize", str(path)], capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "unknown file format; closest: maccor-csv (Maccor), sharing 4 of 10 header names" in proc.stderr
    assert "('Rec', 'Step', 'Test Time (sec)', 'Capacity'), but lacks 'Cycle C', 'Step Time (sec)', 'Energy'" \
        in proc.stderr


def test_a_zip_that_is_not_ndax_is_told_it_looks_like_one(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "x")
    assert closest_format(path.read_bytes()[:64]).info.format == "neware-ndax"


def test_nothing_alike_says_so():
    assert closest_format(b"\x00\x01\x02 nothing").info is None
    assert "resembles none" in closest_format(b"a,b\n1,2\n").describe()


def test_catalogue_is_read_from_data():
    assert catalogue()[0].format == "arbin-csv" and all(isinstance(x, str) for e in catalogue() for x in e.extensions)
