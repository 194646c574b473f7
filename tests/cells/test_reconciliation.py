"""Reconciling a predicted Wh/L with the published one: each closer, applied to the design, gives the published
figure (so the diagnosis in docs/cells.md and `cells show` is arithmetic that holds, not a guess)."""

import importlib

import pytest

from cellbench import cells
from cellbench.cells.reconciliation import BASES, reconcile, wh_per_l_bases

figures_module = importlib.import_module("cellbench.cells.figures")
STACK_CELLS = ["std-2.1", "std-2.1-4x12.5", "gen1-demo", "gen1-stack-demo", "nextgen-std", "nextgen-demo"]


def _closer(r, startswith):
    return next(c for c in r.closers if c.value.startswith(startswith))


def _resolve_electrodes(design):
    """Solve the cathode for the design's areal capacity and the anode for its N/P, as the catalogue documents do."""
    target = {v.figure: v.value for v in design.solved_for.values()}
    f = cells.figures(design)
    areal = (target["capacity_mAh"] / design.area_cm2 / design.stack.unit_cells if "capacity_mAh" in target
             else target["cathode_areal_capacity_mAh_cm2"])
    cathode = figures_module.thickness_for_areal_capacity_um(design, "cathode", areal)
    design = design.model_copy(update={"cathode": design.cathode.model_copy(update={"thickness_um": cathode})})
    anode = figures_module.thickness_for_areal_capacity_um(design, "anode", areal * target.get("np_ratio", f.np_ratio))
    return design.model_copy(update={"anode": design.anode.model_copy(update={"thickness_um": anode})})


def test_std_2_1_gap_by_hand():
    design = cells.load("std-2.1")
    f = cells.figures(design)
    r = reconcile(design)
    # energy 29.41 mWh at 400 Wh/L is 0.0735 cm3; over 4 cm2, 183.8 um of stack against the design's 153.5 um
    assert r.implied_stack_thickness_um == pytest.approx(f.energy_Wh / 400 * 1000 / 4.0 * 1e4)
    assert r.implied_stack_thickness_um == pytest.approx(183.8, abs=0.1)
    assert r.gap_um_per_unit_cell == pytest.approx(183.8 - 153.5, abs=0.1)
    assert _closer(r, "separator").needed == pytest.approx(50.3, abs=0.1)


@pytest.mark.parametrize("cell_id", STACK_CELLS)
def test_each_closer_applied_gives_the_published_wh_per_l(cell_id):
    design = cells.load(cell_id)
    r = reconcile(design)
    published = design.nominal.wh_per_l

    sep = _closer(r, "separator.thickness_um").needed
    thicker_se = design.model_copy(update={"separator": design.separator.model_copy(update={"thickness_um": sep})})
    assert cells.figures(thicker_se).wh_per_l_stack == pytest.approx(published, rel=1e-9)

    porosity = _closer(r, "cathode.porosity").needed
    k = (1 - porosity) / (1 - design.cathode.porosity)
    looser = design.model_copy(update={
        "cathode": design.cathode.model_copy(update={"porosity": porosity}),
        "anode": design.anode.model_copy(update={"porosity": 1 - (1 - design.anode.porosity) * k})})
    looser = _resolve_electrodes(looser)
    assert cells.figures(looser).capacity_mAh == pytest.approx(cells.figures(design).capacity_mAh, rel=0.005)
    assert cells.figures(looser).wh_per_l_stack == pytest.approx(published, rel=0.005)  # thicknesses as rounded

    # swelling adds volume, not lithium: the swollen stack holds the design's energy at the published Wh/L
    swollen = _closer(r, "anode thickness factor").needed
    anode = design.anode.model_copy(update={"thickness_um": design.anode.thickness_um * swollen})
    stack_um = figures_module.stack_thickness_um(design.model_copy(update={"anode": anode}))
    assert cells.figures(design).energy_Wh / (design.area_cm2 * stack_um * 1e-4) * 1000 == pytest.approx(published)

    voltage = _closer(r, "mean voltage")
    assert voltage.needed / voltage.design == pytest.approx(published / cells.figures(design).wh_per_l_stack)


def test_a_cathode_delivering_less_needs_a_thicker_layer_and_closes_the_gap():
    design = cells.load("std-2.1")
    r = reconcile(design)
    delivered = _closer(r, "ncm811 delivered capacity").needed
    weaker = design.material("ncm811").model_copy(update={"id": "ncm811-delivered", "specific_capacity_mAh_g": delivered})
    comps = [c.model_copy(update={"material": "ncm811-delivered"}) if c.material == "ncm811" else c
             for c in design.cathode.components]
    candidate = design.model_copy(update={"cathode": design.cathode.model_copy(update={"components": comps})})
    candidate = candidate.with_materials({"ncm811-delivered": weaker})
    areal = cells.figures(design).cathode_areal_capacity_mAh_cm2
    thick = figures_module.thickness_for_areal_capacity_um(candidate, "cathode", areal)
    candidate = candidate.model_copy(update={"cathode": candidate.cathode.model_copy(update={"thickness_um": thick})})
    # the anode, solved for N/P against the delivered capacity, is unchanged; the stack grows by the gap
    assert cells.figures(candidate).stack_thickness_um == pytest.approx(r.implied_stack_thickness_um, rel=1e-6)


def test_volume_bases_from_narrowest_to_widest():
    for cell_id in STACK_CELLS:
        bases = wh_per_l_bases(cells.load(cell_id))
        assert list(bases) == list(BASES)
        values = list(bases.values())
        assert values == sorted(values, reverse=True), cell_id
    # the 2 cm standard cell: only the stack (with or without its foils) comes near the published 400 Wh/L
    std = wh_per_l_bases(cells.load("std-2.1"))
    assert std["layers"] > std["stack"] > 400 > std["stack_and_films"] > std["outline"]


def test_no_reconciliation_without_a_published_wh_per_l():
    assert reconcile(cells.load("liquid-ref")) is None  # a published capacity only
    assert reconcile(cells.load("lg-m50")) is None  # a rated 0.2C energy, not the design's open-circuit energy
    substituted = cells.load("std-2.1").substitute("lgps")
    assert reconcile(substituted) is None
    assert reconcile(substituted, 400.0).published_wh_per_l == 400.0
