"""The example notebook runs top to bottom in a real Jupyter kernel, and its objects display what they claim."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the test extra installs nbformat and nbclient")
nbclient = pytest.importorskip("nbclient", reason="the test extra installs nbclient and ipykernel")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "evaluate-a-material.ipynb"


@pytest.fixture(scope="module")
def kernel_tmp(tmp_path_factory):
    """The kernel's temporary directory: whatever the notebook leaves there is seen."""
    return tmp_path_factory.mktemp("kernel-tmp")


@pytest.fixture(scope="module")
def executed(tmp_path_factory, kernel_tmp):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    run_dir = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(kernel_tmp))
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(run_dir)}}).execute()  # raises on a failing cell
    return [c for c in nb.cells if c.cell_type == "code"]


def test_the_notebook_leaves_no_folder_behind(executed, kernel_tmp):
    assert not [p.name for p in kernel_tmp.iterdir() if p.name.startswith("cellbench-")]


def html_of(cell) -> str:
    return "".join(o["data"].get("text/html", "") for o in cell.outputs if "data" in o)


def source_has(cells, text: str):
    return next(c for c in cells if text in c.source)


def test_the_material_shows_its_properties_with_sources(executed):
    html = html_of(source_has(executed, 'materials.load("lgps")'))
    assert "ionic_conductivity_S_cm" in html and "<th>source</th>" in html
    from cellbench import materials

    lgps = materials.load("lgps")
    assert lgps.source_of("ionic_conductivity_S_cm") and __import__("html").escape(
        lgps.source_of("ionic_conductivity_S_cm")) in html


def test_the_evaluation_shows_its_verdict_table_with_bands(executed):
    html = html_of(source_has(executed, "evaluation.evaluate("))
    assert "<th>verdict</th>" in html and "<th>band %</th>" in html
    assert "capacity-5C-25C" in html and "capacity-1C-25C" in html
    assert "±" in html and ("better" in html or "worse" in html or "same" in html)


def test_the_figures_are_plotly_figures(executed):
    for marker in ('ev.plot("discharge")', 'simulated.plot("voltage_capacity")'):
        outputs = source_has(executed, marker).outputs
        figure = next(o["data"]["application/vnd.plotly.v1+json"] for o in outputs if "data" in o)
        assert figure["data"], marker
    overlay = next(o["data"]["application/vnd.plotly.v1+json"]
                   for o in source_has(executed, 'simulated.plot("voltage_capacity")').outputs if "data" in o)
    names = [trace["name"] for trace in overlay["data"]]
    assert any(n.startswith("simulated") for n in names) and any(n.startswith("measured") for n in names)


def test_the_measured_file_comes_back_with_three_percent_less_capacity(executed):
    plain = "".join(o["data"].get("text/plain", "") for o in source_has(executed, "comparison = pl.concat").outputs
                    if "data" in o)
    rows = [line for line in plain.splitlines() if "simulated" in line or "measured" in line]
    capacities = {line.split("┆")[0].strip(" │\""): float(line.split("┆")[1]) for line in rows}
    assert capacities["measured"] / capacities["simulated"] == pytest.approx(0.97, abs=0.005)
