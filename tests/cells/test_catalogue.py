"""The catalogue: solved values do what they say, every other published figure is a prediction.

Issue 22, item 2: the SE layer was solved so that Wh/L equalled the published value, so the old ±3% check could
not fail. Now a document names each solved value (`solved_for`) and a published figure is only compared where
nothing was solved to give it.
"""

import pytest

from cellbench import cells
from cellbench.cells import catalogue
from cellbench.cells.catalogue import PREDICTION_TOLERANCE, Prediction
from cellbench.errors import InputError

CELLS = [d.id for d in cells.list_cells()]
PREDICTIONS = [(d.id, p.figure) for d in cells.list_cells() for p in catalogue.predictions(d)]
# Predictions that miss the published figure by more than PREDICTION_TOLERANCE, with the bracket of the miss
# that docs/cells.md states. The designs carry less volume than the real cells (the programme's 20 µm SE layer,
# dense composites, no margin around the electrode); the misses are reported, not tuned away.
KNOWN_MISSES = {
    ("std-2.1", "wh_per_l_stack"): (0.15, 0.25),
    ("std-2.1-4x12.5", "wh_per_l_stack"): (0.25, 0.36),
    ("nextgen-std", "wh_per_l_stack"): (0.28, 0.40),
}
# cells built after the SE layer was thinned to 20 µm (SOLiD-EV report, section (g))
THIN_SE = ["std-2.1", "std-2.1-4x12.5", "gen1-demo", "gen1-stack-demo", "nextgen-std", "nextgen-demo"]


def test_catalogue_has_the_programme_cells():
    expected = {"std-1", "std-2", "std-2.1", "std-2.1-4x12.5", "gen1-demo", "gen1-stack-demo", "nextgen-std",
                "nextgen-demo", "liquid-ref", "lg-m50"}
    assert expected <= set(CELLS)


@pytest.mark.parametrize("cell_id", CELLS)
def test_every_solved_value_gives_its_target(cell_id):
    design = cells.load(cell_id)
    f = cells.figures(design)
    for field, solved in catalogue.solved_for(design).items():
        rel = 0.02 if solved.figure == "mass_g" else 0.005  # thicknesses are rounded to 0.1 µm
        assert getattr(f, solved.figure) == pytest.approx(solved.value, rel=rel), f"{cell_id}: {field}"


@pytest.mark.parametrize("cell_id", THIN_SE)
def test_the_se_layer_is_the_programmes_20_um_and_not_solved(cell_id):
    design = cells.load(cell_id)
    assert design.separator.thickness_um == pytest.approx(20.0)
    assert "separator.thickness_um" not in catalogue.solved_for(design)
    # so the published Wh/L is a prediction here, not something matched by construction
    assert any(p.figure.startswith("wh_per_l") for p in catalogue.predictions(design))


@pytest.mark.parametrize("cell_id,figure", PREDICTIONS)
def test_predicted_figure_against_the_published_one(cell_id, figure):
    design = cells.load(cell_id)
    prediction = next(p for p in catalogue.predictions(design) if p.figure == figure)
    if (cell_id, figure) in KNOWN_MISSES:
        low, high = KNOWN_MISSES[(cell_id, figure)]
        assert not prediction.reproduced
        assert low <= prediction.deviation <= high, prediction
    else:
        assert prediction.reproduced, (f"{cell_id}: predicted {prediction.predicted:.4g} against published "
                                       f"{prediction.published:.4g} ({prediction.deviation:+.1%})")


def test_a_solved_figure_is_never_offered_as_a_prediction():
    for design in cells.list_cells():
        solved = {s.figure for s in catalogue.solved_for(design).values()}
        assert not solved & {p.figure for p in catalogue.predictions(design)}, design.id
    # std-1 and std-2: SE layer solved for Wh/L (not published for these early cells), so no Wh/L prediction
    assert catalogue.predictions(cells.load("std-2")) == []


def test_prediction_tolerance_and_lower_bounds():
    assert Prediction("wh_per_l_stack", 480.0, 400.0, lower_bound=False).reproduced is False
    assert Prediction("wh_per_l_stack", 430.0, 400.0, lower_bound=False).reproduced is True
    assert Prediction("wh_per_l_stack", 520.0, 450.0, lower_bound=True).reproduced is True  # ">= 450"
    assert Prediction("wh_per_l_stack", 400.0, 450.0, lower_bound=True).reproduced is False
    assert PREDICTION_TOLERANCE == pytest.approx(0.10)


def test_lg_m50_np_from_reversible_half_cell_capacities():
    """Issue 22, item 8: Chen2020's data give N/P ≈ 1.04 (cathode-limited), not 0.91."""
    f = cells.figures(cells.load("lg-m50"))
    assert f.np_ratio == pytest.approx(1.04, abs=0.01)
    assert f.capacity_mAh == pytest.approx(f.cathode_areal_capacity_mAh_cm2 * 1027.0, rel=1e-3)  # cathode limits


def test_std_2_1_outline_basis_cannot_be_the_published_400():
    f = cells.figures(cells.load("std-2.1"))
    assert f.capacity_mAh == pytest.approx(8.0, rel=0.01)
    # a 20x20 mm electrode in a 65x45 mm pouch cannot reach 400 Wh/L on the outline basis
    assert f.wh_per_l_outline < 100


def test_solved_for_must_name_a_numeric_field(tmp_path):
    text = (cells.catalogue.DATA_DIR / "std-2.1.yaml").read_text()
    bad = tmp_path / "cell.yaml"
    bad.write_text(text.replace("  cathode.thickness_um:\n", "  cathode.thicknes_um:\n", 1))
    with pytest.raises(InputError, match="cathode.thicknes_um"):
        cells.load(str(bad))


def test_versions_and_explicit_version():
    assert cells.versions("std-2.1") == ["1.0"]
    assert cells.load("std-2.1@1.0").id == "std-2.1"
    with pytest.raises(Exception, match="no version '9.9'"):
        cells.load("std-2.1@9.9")
