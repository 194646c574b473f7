"""Every command, as a user meets it: its help, a misspelt name, a missing argument, an internal error.

Runs through `cellbench.cli.run`, the function `main()` calls, so exit status and both streams are what a shell sees.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import typer
import typer.main

from cellbench import cli


def leaf_commands() -> list[tuple[list[str], list[str]]]:
    """(command path, names of its required parameters) for every command that runs."""
    def walk(command, path):
        if hasattr(command, "commands"):  # a group (Typer's own copy of click: no isinstance against click.Group)
            for name, sub in command.commands.items():
                yield from walk(sub, path + [name])
        else:
            yield path, [p.name for p in command.params if p.required]

    return list(walk(typer.main.get_command(cli.app), []))


LEAVES = leaf_commands()
IDS = [" ".join(path) for path, _ in LEAVES]


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    code = cli.run(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_walk_finds_the_commands_a_user_knows():
    names = set(IDS)
    assert {"evaluate", "simulate", "cells list", "materials show", "tortuosity", "ingest", "campaign run",
            "ageing run", "drive", "calibrate"} <= names
    assert len(LEAVES) >= 50


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=IDS)
def test_help_exits_0_and_shows_usage(capsys, path):
    code, out, err = run(capsys, *path, "--help")
    assert code == 0, err
    assert f"Usage: cellbench {' '.join(path)}" in out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=IDS)
def test_a_misspelt_name_is_a_usage_error_naming_it(capsys, path):
    misspelt = path[-1] + path[-1][-1]  # "list" → "listt"
    code, out, err = run(capsys, *path[:-1], misspelt)
    assert code == 2
    assert f"No such command '{misspelt}'" in err and f"Did you mean '{path[-1]}'" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("path, required", [(p, r) for p, r in LEAVES if r],
                         ids=[i for i, (_, r) in zip(IDS, LEAVES) if r])
def test_a_missing_argument_is_a_usage_error_naming_it(capsys, path, required):
    code, out, err = run(capsys, *path)
    assert code == 2, out + err
    assert "Missing argument" in err or "Missing option" in err, err
    assert "Traceback" not in out + err
    assert out == ""  # nothing ran


def test_an_unknown_id_names_the_closest_valid_one(capsys):
    code, out, err = run(capsys, "cells", "show", "std-3")
    assert code == 2 and "unknown cell 'std-3' (did you mean 'std-2'?)" in err
    code, out, err = run(capsys, "materials", "show", "ncm812")
    assert code == 2 and "(did you mean 'ncm811'?)" in err
    code, out, err = run(capsys, "simulate", "--cell", "std-1", "--protocol", "capacity-c1O")
    assert code == 2 and "unknown protocol 'capacity-c1O' (did you mean 'capacity-c10'?)" in err
    code, out, err = run(capsys, "targets", "show", "battery-strategy")
    assert code == 2 and "unknown target set 'battery-strategy'" in err
    assert err.rstrip().endswith("; did you mean 'battery-strategy-2026'?")
    code, out, err = run(capsys, "materials", "list", "--role", "cathode")
    assert code == 2 and "unknown role 'cathode' (did you mean 'cathode_active'?)" in err and out == ""
    assert "Traceback" not in out + err


def test_unknown_names_inside_a_command_name_the_closest_too(capsys, tmp_path):
    import numpy as np

    from cellbench.measurements import Measurement

    np.save(tmp_path / "v.npy", np.full((4, 3, 3), 2, dtype=np.uint8))
    code, out, err = run(capsys, "tortuosity", str(tmp_path / "v.npy"), "--phase", "solid_electrolye")
    assert code == 2 and "unknown phase 'solid_electrolye' (did you mean 'solid_electrolyte'?)" in err
    Measurement(pl.DataFrame({"test_time_second": [0.0, 60.0], "voltage_volt": [4.0, 3.9],
                              "current_ampere": [-1.0, -1.0]})).to_csv(tmp_path / "t.csv")
    code, out, err = run(capsys, "summarize", str(tmp_path / "t.csv"), "--format", "nevare")
    assert code == 2 and "unknown format 'nevare' (did you mean 'neware'?)" in err
    assert "Traceback" not in out + err


def test_a_bad_file_is_bad_input_1_and_a_bad_option_value_is_usage_2(capsys, tmp_path):
    broken = tmp_path / "cell.yaml"
    broken.write_text("id: x\n  name: [unclosed\n")
    code, out, err = run(capsys, "cells", "show", str(broken))
    assert code == 1 and f"{broken}, line 2" in err and out == ""  # the file's content is wrong
    code, out, err = run(capsys, "ageing", "run", "std-2.1", "--kind", "calendar")
    assert code == 2 and "--kind must be storage or cycle" in err  # what was typed is wrong
    code, out, err = run(capsys, "scenario", "run", str(broken), "--years", "2030;2040")
    assert code == 2 and "--years: expected years separated by commas" in err
    assert "Traceback" not in out + err


@pytest.fixture
def failing_app(monkeypatch):
    """An app whose one command hits a bug (a ZeroDivisionError), standing in for an internal error."""
    broken = typer.Typer(pretty_exceptions_enable=False)
    broken.callback()(lambda: None)

    @broken.command("divide")
    def divide() -> None:
        print(1 / 0)

    monkeypatch.setattr(cli, "app_for", lambda arguments: broken)


def test_an_internal_error_is_one_line_and_a_file_with_the_traceback(capsys, failing_app):
    code, out, err = run(capsys, "divide")
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("internal error: ZeroDivisionError: division by zero")
    written = Path(lines[0].split("traceback in ")[1].split(", or rerun")[0])
    text = written.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "1 / 0" in text
    written.unlink()


def test_debug_lets_the_traceback_through(capsys, failing_app):
    with pytest.raises(ZeroDivisionError):
        cli.run(["divide", "--debug"])


def test_an_input_error_keeps_its_exit_status_through_a_worker_process():
    import pickle

    from cellbench.errors import InputError, NotFound

    for error, code in ((InputError("not valid YAML", source="cell.yaml", location="line 2"), 1),
                        (InputError("--kind must be storage or cycle"), 2), (NotFound("no such file", source="x"), 2)):
        back = pickle.loads(pickle.dumps(error))
        assert (type(back), str(back), back.exit_code, back.source) == (type(error), str(error), code, error.source)
