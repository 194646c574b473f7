"""CLI command groups, one module per group, each a thin layer over one package.

The dependency runs one way: :mod:`cellbench.cli` (the entry point and its error handling) builds its app here;
nothing in this package imports ``cellbench.cli`` (tests/cli/test_layers.py checks it). Commands print through
:mod:`cellbench.terminal`.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer

# how the top-level app presents itself (also the narrowed app `cellbench.cli.app_for` builds for one command)
SETTINGS: dict[str, Any] = dict(
    help="cellbench: evaluate battery materials in standard cells, virtually and physically. "
         "Add --debug anywhere to print the full traceback of an internal error.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=True)

# module name in this package -> how it attaches (each module defines `register(app)`)
MODULES = [
    "simulate",
    "labdata",
    "formats",
    "scenarios",
    "microstructure",
    "catalogue",
    "evaluate",
    "store",
    "safety",
    "web",
    "sustainability",
    "pack",
    "campaigns",
    "durability",
    "calibration",
    "targets",
]


def register_all(app: typer.Typer) -> None:
    for name in MODULES:
        importlib.import_module(f"cellbench.commands.{name}").register(app)


def build_app() -> typer.Typer:
    """The `cellbench` application with every command registered (no command's package is imported)."""
    app = typer.Typer(**SETTINGS)
    register_all(app)
    return app
