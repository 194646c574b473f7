"""Every example in a docstring of src/cellbench runs and prints what it says (part of `make test`).

The examples are collected here rather than by `pytest --doctest-modules`: that option imports every file under
src/cellbench, including ones that are not meant to be imported on their own (the Alembic migration environment), and
imports them under its own module names, which gives numba a second copy of `measurements/cumulative.py`'s cached
kernels. Here each module that holds an example is imported once, by its package name, as users import it.

An example that needs something a test run lacks (a PyBaMM simulation of seconds, a file of the user's, a server)
carries `# doctest: +SKIP`; the text beside it says why.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "cellbench"
REPOSITORY = SOURCE.parents[1]


def modules_with_examples() -> list[str]:
    names = []
    for path in sorted(SOURCE.rglob("*.py")):
        if ">>>" not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = modules_with_examples()


def test_examples_are_found():
    # the package docstring's `cb.cells.load` and the materials library example are among them
    assert "cellbench" in MODULES and "cellbench.materials" in MODULES
    assert len(MODULES) > 100


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch):
    # examples name files relative to the repository (examples/materials/…), as the README does
    monkeypatch.chdir(REPOSITORY)
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [test for test in finder.find(module, name) if test.examples]
    # a module's examples live in its own docstrings, not in objects it re-exports from elsewhere
    tests = [test for test in tests if test.filename and os.path.samefile(test.filename, module.__file__)]
    assert tests, f"{name}: the source has '>>>' but no docstring example was found"
    failures: list[str] = []
    for test in tests:
        lines: list[str] = []
        result = runner.run(test, out=lines.append, clear_globs=True)
        if result.failed:
            failures.append("".join(lines))
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_the_readme_python_examples_run(monkeypatch):
    # README's ```python blocks, run as written from the repository's root (one short PyBaMM discharge)
    monkeypatch.chdir(REPOSITORY)
    text = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    blocks = [(text[: m.start(1)].count("\n"), m[1]) for m in re.finditer(r"```python\n(.*?)```", text, re.S)]
    assert blocks, "README.md has no ```python block"
    for offset, block in blocks:
        namespace: dict = {}
        # padded so that a traceback names the README's own line
        exec(compile("\n" * offset + block, str(REPOSITORY / "README.md"), "exec"), namespace)
    from cellbench.measurements import Measurement

    runs = [value for value in namespace.values() if isinstance(value, Measurement)]
    assert runs and runs[0].data["discharging_capacity_ampere_hour"].max() > 0
