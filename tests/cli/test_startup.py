"""The command line starts without loading the heavy libraries: they load when a command needs them.

`cellbench --help` and `cellbench cells list` are meant to answer in well under a second
(benchmarks/bench_cli_startup.py measures it); these tests check the behaviour that makes that possible,
in a fresh interpreter each, by which modules end up imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pybamm", "polars", "pyarrow", "fastapi", "starlette", "uvicorn", "plotly", "sqlalchemy", "alembic",
         "scipy", "numba", "optuna", "dask", "pymatgen", "jinja2", "torch")

RUN = """
import contextlib, io, json, sys
sys.argv = ["cellbench", *json.loads(sys.argv[1])]
from cellbench.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
print(json.dumps({"code": code, "stdout": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_cli(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", RUN, json.dumps(args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def loaded(result: dict, names=HEAVY) -> list[str]:
    return [name for name in names if name in result["modules"]]


def test_importing_the_cli_loads_no_heavy_library():
    code = "import json, sys; import cellbench.cli; print(json.dumps(sorted(sys.modules)))"
    modules = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                        timeout=120, check=True).stdout)
    assert [name for name in HEAVY + ("numpy", "pydantic") if name in modules] == []
    assert not [m for m in modules if m.startswith(("cellbench.store", "cellbench.safety", "cellbench.simulate",
                                                    "cellbench.web", "cellbench.cells"))]


def test_help_lists_every_command_group_without_loading_them():
    result = run_cli("--help")
    assert result["code"] in (0, None)
    text = result["stdout"]
    for command in ("cells", "materials", "simulate", "tortuosity", "ingest", "safety", "serve", "evaluate"):
        assert command in text, command
    assert loaded(result, HEAVY + ("numpy", "pydantic")) == []


@pytest.mark.parametrize("args", [("cells", "list", "--json"), ("materials", "list", "--json")])
def test_catalogue_listing_loads_only_what_it_uses(args):
    result = run_cli(*args)
    assert result["code"] in (0, None)
    rows = json.loads(result["stdout"])
    assert len(rows) >= 3 and all("id" in row for row in rows)
    assert loaded(result) == []


def test_a_command_still_loads_its_package_when_it_runs(tmp_path):
    import numpy as np

    np.save(tmp_path / "v.npy", np.full((4, 3, 3), 2, dtype=np.uint8))
    result = run_cli("tortuosity", str(tmp_path / "v.npy"), "--json")
    assert result["code"] in (0, None)
    assert json.loads(result["stdout"])["tau"] == pytest.approx(1.0)
    assert "scipy" in result["modules"] and "pyamg" in result["modules"]
    assert loaded(result, ("pybamm", "polars", "fastapi", "sqlalchemy", "numba")) == []
