"""The command line's layers depend one way: `cellbench.cli` runs the commands, the commands never import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cellbench.commands

COMMANDS = Path(cellbench.commands.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside a function (`from X import y` gives X and X.y)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def test_no_command_module_imports_the_cli():
    files = sorted(COMMANDS.glob("*.py"))
    assert len(files) >= 15
    offenders = {f.name: sorted(n for n in imported_modules(f) if n == "cellbench.cli" or n.startswith("cellbench.cli."))
                 for f in files}
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.parametrize("source", ["import cellbench.cli", "def f():\n    from cellbench.cli import console",
                                    "from cellbench import cli", "importlib.import_module('cellbench.cli')"])
def test_the_check_sees_every_form_of_import(tmp_path, source):
    sample = tmp_path / "sample.py"
    sample.write_text(source + "\n")
    assert "cellbench.cli" in imported_modules(sample)
    sample.write_text(source.replace("cli", "terminal") + "\n")
    assert "cellbench.cli" not in imported_modules(sample)
