"""The `cellbench` command line: each command is a thin call into the packages.

Errors a user can cause (:class:`cellbench.errors.CellbenchError`) are printed as one message and the
process exits non-zero (2 for bad input); no traceback. Every command that prints results takes --json.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from cellbench.errors import CellbenchError

_SETTINGS: dict[str, Any] = dict(
    help="cellbench: evaluate battery materials in standard cells, virtually and physically.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
app = typer.Typer(**_SETTINGS)
console = Console()
err_console = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print machine-readable output (numbers as numbers, dates as ISO strings)."""
    sys.stdout.write(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n")


# Sub-command groups register themselves below; each lives next to the package it calls.
from cellbench.commands import register_all  # noqa: E402

register_all(app)


def app_for(arguments: list[str]) -> typer.Typer:
    """The app that runs these arguments: only the command they name, when they name one.

    Typer builds the click command of every registered command before it runs any (a third of the
    start-up of `cellbench cells list`); each module imports its heavy packages only when its command runs,
    so narrowing the app to the named command leaves nothing else to do. Options, `--help` and a name that
    is no command get the full app, which lists every command.
    """
    if not arguments or arguments[0].startswith("-"):
        return app
    name = arguments[0]
    commands = [c for c in app.registered_commands
                if (c.name or typer.main.get_command_name(c.callback.__name__)) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    narrow = typer.Typer(**_SETTINGS)
    # a callback keeps it a group even with one command (typer would otherwise run that command bare)
    narrow.callback()(lambda: None)
    narrow.registered_commands = commands
    narrow.registered_groups = groups
    return narrow


def main() -> None:
    try:
        code = app_for(sys.argv[1:])(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except CellbenchError as exc:
        err_console.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        # usage errors: click's ClickException, which Typer ≥ 0.2x carries in its own copy of click (so
        # `click.ClickException` does not catch it); both show themselves and carry an exit code
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
