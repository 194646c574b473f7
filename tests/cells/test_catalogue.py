"""Every catalogue cell reproduces its published figures within ±3% (Wh/L on the stated basis)."""

import pytest

from cellbench import cells

CELLS = [d.id for d in cells.list_cells()]


def test_catalogue_has_the_programme_cells():
    expected = {"std-1", "std-2", "std-2.1", "std-2.1-4x12.5", "gen1-demo", "gen1-stack-demo", "nextgen-std",
                "nextgen-demo", "liquid-ref", "lg-m50"}
    assert expected <= set(CELLS)


@pytest.mark.parametrize("cell_id", CELLS)
def test_published_figures_within_3_percent(cell_id):
    design = cells.load(cell_id)
    f = cells.figures(design)
    n = design.nominal
    assert n is not None and n.source
    checked = 0
    if n.capacity_mAh:
        assert f.capacity_mAh == pytest.approx(n.capacity_mAh, rel=0.03)
        checked += 1
    if n.wh_per_l and not n.rated_discharge_C:  # rated energies are checked against a simulated discharge
        derived = f.wh_per_l_stack if n.wh_per_l_basis == "stack" else f.wh_per_l_outline
        assert derived == pytest.approx(n.wh_per_l, rel=0.03)
        checked += 1
    assert checked >= 1


def test_std_2_1_is_the_8_mAh_400_Whl_cell():
    f = cells.figures(cells.load("std-2.1"))
    assert f.capacity_mAh == pytest.approx(8.0, rel=0.03)
    assert f.wh_per_l_stack == pytest.approx(400.0, rel=0.03)
    # a 20x20 mm electrode in a 65x45 mm pouch cannot reach 400 Wh/L on the outline basis
    assert f.wh_per_l_outline < 100


def test_versions_and_explicit_version():
    assert cells.versions("std-2.1") == ["1.0"]
    assert cells.load("std-2.1@1.0").id == "std-2.1"
    with pytest.raises(Exception, match="no version '9.9'"):
        cells.load("std-2.1@9.9")
