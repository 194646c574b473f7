"""CLI command groups, one module per group, each a thin layer over one package."""

from __future__ import annotations

import importlib

import typer

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
