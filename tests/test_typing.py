"""mypy's error count per file of src/cellbench may only shrink (baseline: tests/mypy-baseline.txt).

The run uses the [tool.mypy] configuration of pyproject.toml and its cache in .mypy_cache (a cold run takes about a
minute and a half on two busy cores, a warm one seconds).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]

pytest.importorskip("mypy", reason="mypy is in the test extra: pip install -e '.[test]'")


def baseline_script():
    spec = importlib.util.spec_from_file_location("mypy_baseline", REPOSITORY / "scripts" / "mypy_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = baseline_script()


def test_no_file_has_more_mypy_errors_than_its_baseline():
    now, output = script.run_mypy()
    grew, shrank = script.compare(now, script.read_baseline())
    files = tuple(f"{line.split(':')[0]}:" for line in grew)
    assert not grew, ("more mypy errors than tests/mypy-baseline.txt allows (fix them; the baseline only shrinks):\n"
                      + "\n".join(grew) + "\n\n" + "\n".join(l for l in output.splitlines() if l.startswith(files)))
    if shrank:
        warnings.warn("fewer mypy errors than the baseline, lower it with scripts/mypy_baseline.py: "
                      + "; ".join(shrank), stacklevel=1)


def test_the_comparison_flags_a_file_that_grew_and_one_that_shrank():
    baseline = Counter({"src/cellbench/a.py": 3, "src/cellbench/b.py": 2})
    now = script.count_errors("src/cellbench/a.py:1: error: x  [arg-type]\n"
                              "src/cellbench/a.py:2:5: error: y  [operator]\n"
                              "src/cellbench/a.py:3: note: see above\n"
                              "src/cellbench/c.py:9: error: new file  [misc]\n"
                              "Found 3 errors in 2 files\n")
    assert now == Counter({"src/cellbench/a.py": 2, "src/cellbench/c.py": 1})
    grew, shrank = script.compare(now, baseline)
    assert grew == ["src/cellbench/c.py: 0 → 1"]
    assert shrank == ["src/cellbench/a.py: 3 → 2", "src/cellbench/b.py: 2 → 0"]


def test_the_baseline_file_round_trips(tmp_path):
    counts = Counter({"src/cellbench/b.py": 4, "src/cellbench/a.py": 1})
    path = tmp_path / "baseline.txt"
    path.write_text(script.format_baseline(counts), encoding="utf-8")
    assert script.read_baseline(path) == counts
    path.write_text("4 src/cellbench/a.py\nfour src/cellbench/b.py\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"baseline.txt:2: expected '<count> <file>'"):
        script.read_baseline(path)


def test_the_package_is_typed_and_its_entry_points_are_lazy():
    assert (REPOSITORY / "src" / "cellbench" / "py.typed").is_file()
    code = ("import sys, cellbench as cb; heavy = [m for m in ('numpy', 'pydantic', 'polars', 'pybamm') "
            "if m in sys.modules]; assert heavy == [], heavy; "
            "assert cb.cells.load('std-2.1').active_material('cathode').role == 'cathode_active'; "
            "assert 'pybamm' not in sys.modules; "
            "from cellbench.measurements import read; from cellbench.evaluation import evaluate; "
            "assert cb.read is read and cb.evaluate is evaluate; import cellbench.simulate.runner; "
            "assert cb.simulate is sys.modules['cellbench.simulate']; print(set(dir(cb)) >= {'cells', 'read'})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
