"""The `cellbench` command line: each command is a thin call into the packages.

Exit status (docs/cli.md has the table): 0 done; 2 a usage error (unknown command or option, missing or
malformed argument, unknown id: an :class:`~cellbench.errors.InputError` that names no file, or a
:class:`~cellbench.errors.NotFound`); 1 bad input (an InputError naming the file whose content is wrong) or an
internal error, printed as one line with the file its traceback was written to (``--debug`` prints the traceback
instead); 3 a simulation failure, 4 access denied, 130 interrupted. Never a traceback for a user's mistake.
Every command that prints results takes --json. Output is plain off a terminal (:mod:`cellbench.terminal`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from cellbench.commands import SETTINGS, build_app
from cellbench.errors import CellbenchError
from cellbench.terminal import console, err_console

# every command registers itself from cellbench.commands (which never imports this module)
app = build_app()


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
    narrow = typer.Typer(**SETTINGS)
    # a callback keeps it a group even with one command (typer would otherwise run that command bare)
    narrow.callback()(lambda: None)
    narrow.registered_commands = commands
    narrow.registered_groups = groups
    return narrow


def run(arguments: list[str]) -> int:
    """Run the command these arguments name and return its exit status; every error is a message on stderr."""
    debug = "--debug" in arguments
    arguments = [a for a in arguments if a != "--debug"]
    import typer.core

    rich_help = typer.core.HAS_RICH
    # help on a pipe or in a file is plain text, as the rest of the output (Typer reads this flag when it formats)
    typer.core.HAS_RICH = rich_help and console.is_terminal
    try:
        code = app_for(arguments)(args=arguments, prog_name="cellbench", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except CellbenchError as exc:
        err_console.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        return 130
    except typer.Exit as exc:
        return exc.exit_code
    except Exception as exc:
        # usage errors: click's ClickException, which Typer ≥ 0.2x carries in its own copy of click (so
        # `click.ClickException` does not catch it); both show themselves and carry an exit code
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            return exc.exit_code
        if debug:
            raise
        where = _write_traceback(exc)
        err_console.print(f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                          f" (a bug in cellbench, not in your input; traceback in {where}, or rerun with --debug)",
                          highlight=False, markup=False, soft_wrap=True)
        return 1
    finally:
        typer.core.HAS_RICH = rich_help


def _write_traceback(exc: BaseException) -> Path:
    """Write the traceback of an internal error to a file in the temporary folder and return its path."""
    import tempfile
    import time
    import traceback

    path = Path(tempfile.gettempdir()) / f"cellbench-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    path.write_text(f"cellbench {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(exc)),
                    encoding="utf-8")
    return path


def main() -> None:
    code = run(sys.argv[1:])
    if code:
        sys.exit(code)


if __name__ == "__main__":
    main()
