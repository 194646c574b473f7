"""docs/cells.md states each catalogue prediction, its error and the stack gap; this holds the page to the figures,
so a change that moves a prediction fails until the page says so (issue 19 item 4)."""

import re
from pathlib import Path

import pytest

from cellbench import cells
from cellbench.cells import catalogue
from cellbench.cells.reconciliation import reconcile

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cells.md"


def _why_table() -> dict[str, list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("### Why the predictions differ", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in section.splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if cols and cols[0] and not cols[0].startswith(("cell", "---")):
            rows[cols[0]] = cols
    return rows


def _number(text: str) -> float:
    return float(re.search(r"[−+-]?\d+(?:\.\d+)?", text).group(0).replace("−", "-"))


ROWS = _why_table()


def test_the_table_covers_every_wh_per_l_prediction():
    predicted = {d.id for d in cells.list_cells() for p in catalogue.predictions(d) if p.figure.startswith("wh_per_l")}
    assert set(ROWS) == predicted


@pytest.mark.parametrize("cell_id", sorted(ROWS))
def test_the_page_states_the_computed_prediction(cell_id):
    design = cells.load(cell_id)
    published, predicted, error, charged, gap = ROWS[cell_id][1:6]
    (p,) = [p for p in catalogue.predictions(design) if p.figure.startswith("wh_per_l")]
    assert _number(published) == p.published and published.startswith("≥") == p.lower_bound
    assert _number(predicted) == round(p.predicted)
    assert _number(error) == pytest.approx(100 * p.deviation, abs=0.05)
    assert ("(met)" in error) == (p.lower_bound and p.reproduced)
    assert _number(charged) == round(cells.figures(design).wh_per_l_stack_charged)
    assert _number(gap) == pytest.approx(reconcile(design).gap_um_per_unit_cell, abs=0.05)
    assert gap.startswith("≤") == p.lower_bound
