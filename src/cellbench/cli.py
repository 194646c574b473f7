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

app = typer.Typer(help="cellbench: evaluate battery materials in standard cells, virtually and physically.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
console = Console()
err_console = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print machine-readable output (numbers as numbers, dates as ISO strings)."""
    sys.stdout.write(json.dumps(obj, indent=2, default=str, ensure_ascii=False) + "\n")


# Sub-command groups register themselves below; each lives next to the package it calls.
from cellbench.commands import register_all  # noqa: E402

register_all(app)


def main() -> None:
    try:
        code = app(standalone_mode=False)
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
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
