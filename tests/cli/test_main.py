"""`cellbench` as a process: the command a user names runs alone, usage errors are messages, not tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main

from cellbench.cli import app, app_for


def top_level_names() -> list[str]:
    names = [c.name or typer.main.get_command_name(c.callback.__name__) for c in app.registered_commands]
    return names + [g.name for g in app.registered_groups]


def test_every_command_is_reachable_through_its_narrowed_app():
    names = top_level_names()
    assert {"cells", "materials", "tortuosity", "simulate", "ingest", "safety", "arc", "serve"} <= set(names)
    for name in names:
        narrow = app_for([name, "--help"])
        assert narrow is not app, name
        built = typer.main.get_command(narrow)
        assert list(built.commands) == [name], name  # that command only, still as a sub-command


@pytest.mark.parametrize("arguments", [[], ["--help"], ["cellz"], ["--version"]])
def test_options_help_and_unknown_names_get_the_full_app(arguments):
    assert app_for(arguments) is app


def test_narrowed_help_is_the_full_apps_help():
    from typer.testing import CliRunner

    full = CliRunner().invoke(app, ["cells", "--help"], terminal_width=100)
    narrow = CliRunner().invoke(app_for(["cells"]), ["cells", "--help"], terminal_width=100)
    assert full.exit_code == narrow.exit_code == 0
    assert narrow.stdout == full.stdout and "list" in narrow.stdout


@pytest.mark.parametrize("arguments, message", [(["cellz"], "No such command 'cellz'"),
                                                (["cells", "lst"], "No such command 'lst'"),
                                                (["tortuosity"], "Missing argument 'VOLUME'")])
def test_usage_errors_exit_2_without_traceback(arguments, message):
    run = subprocess.run([sys.executable, "-m", "cellbench.cli", *arguments], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr
