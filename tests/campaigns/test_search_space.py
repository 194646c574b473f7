"""Parameters change designs as a hand calculation says."""

from __future__ import annotations

import pytest

from cellbench import cells
from cellbench.campaigns import apply_parameters
from cellbench.campaigns.search_space import APPLY, parameter_table


@pytest.fixture(scope="module")
def std1():
    return cells.load("std-1")


def test_every_parameter_has_a_literature_range_with_a_source():
    table = parameter_table()
    assert set(table) == set(APPLY)
    for info in table.values():
        assert info.source
        if info.is_choice:
            assert info.role in ("cathode_active", "anode_active", "solid_electrolyte")
        else:
            assert info.literature_low < info.literature_high


def test_thinner_se_layer_raises_stack_wh_per_l_by_the_volume_ratio(std1):
    before = cells.figures(std1)
    variant = apply_parameters(std1, {"separator_thickness_um": 20.0})
    after = cells.figures(variant)
    # same energy, stack thinner by exactly (the catalogue's SE layer - 20 um) x one unit cell
    assert std1.stack.unit_cells == 1
    assert after.energy_Wh == pytest.approx(before.energy_Wh)
    assert after.stack_thickness_um == pytest.approx(before.stack_thickness_um - (std1.separator.thickness_um - 20.0))
    assert after.wh_per_l_stack == pytest.approx(before.wh_per_l_stack * before.stack_thickness_um / after.stack_thickness_um)


def test_np_ratio_sets_the_anode_thickness_after_the_cathode(std1):
    variant = apply_parameters(std1, {"cathode_thickness_um": 68.2, "np_ratio": 1.25})
    f = cells.figures(variant)
    assert f.np_ratio == pytest.approx(1.25)
    # areal capacity is linear in thickness: the anode scales with the cathode (36.7 -> 68.2 um in today's
    # catalogue) and with the N/P (std-1's own, 1.149 from its rounded 44.7 um anode -> 1.25)
    by_hand = (std1.anode.thickness_um * (68.2 / std1.cathode.thickness_um)
               * 1.25 / cells.figures(std1).np_ratio)
    assert variant.anode.thickness_um == pytest.approx(by_hand, rel=1e-9)
    assert variant.anode.thickness_um != pytest.approx(std1.anode.thickness_um * 68.2 / std1.cathode.thickness_um, rel=1e-3)


def test_se_fraction_rescales_the_other_components_in_proportion(std1):
    variant = apply_parameters(std1, {"cathode_solid_electrolyte_fraction": 0.4})
    fractions = {c.material: c.fraction for c in variant.cathode.components}
    assert fractions["argyrodite-li6ps5cl"] == pytest.approx(0.4)
    assert sum(fractions.values()) == pytest.approx(1.0)
    # NCM : carbon stays 0.70 : 0.03
    assert fractions["ncm811"] / fractions["carbon-black"] == pytest.approx(0.70 / 0.03)
    assert fractions["ncm811"] == pytest.approx(0.70 * 0.60 / 0.73)


def test_material_parameters_change_a_copy_not_the_library(std1):
    variant = apply_parameters(std1, {"solid_electrolyte_conductivity_S_cm": 0.02, "cathode_particle_d50_um": 4.0})
    assert variant.material("argyrodite-li6ps5cl").ionic_conductivity_S_cm == 0.02
    assert variant.active_material("cathode").particle_size_d50_um == 4.0
    assert std1.material("argyrodite-li6ps5cl").ionic_conductivity_S_cm != 0.02
    from cellbench.simulate import to_pybamm

    pv = to_pybamm(variant).parameter_values
    assert pv["Positive particle radius [m]"] == pytest.approx(2.0e-6)


def test_anode_choice_substitutes_the_library_material_and_np_ratio_resizes_it(std1):
    graphite = apply_parameters(std1, {"anode_active_material": "graphite-natural", "np_ratio": 1.2})
    silicon = apply_parameters(std1, {"anode_active_material": "silicon-nano", "np_ratio": 1.2})
    assert graphite.active_material("anode").id == "graphite-natural"
    assert silicon.active_material("anode").id == "silicon-nano"
    assert cells.figures(silicon).np_ratio == pytest.approx(1.2)
    # same N/P, same anode recipe: thickness scales inversely with volumetric capacity
    g, s = graphite.active_material("anode"), silicon.active_material("anode")
    # the anode recipe is by mass, so the active volume fraction changes with density too; compare areal capacity
    assert cells.figures(silicon).anode_areal_capacity_mAh_cm2 == pytest.approx(cells.figures(graphite).anode_areal_capacity_mAh_cm2)
    assert silicon.anode.thickness_um < graphite.anode.thickness_um / 3


def test_variant_has_no_nominal_figures_and_a_traceable_note(std1):
    variant = apply_parameters(std1, {"cathode_contact_ratio": 0.6}, variant_id="quick-1-t0003")
    assert variant.id == "quick-1-t0003" and variant.nominal is None
    assert variant.cathode.contact_ratio == 0.6
    assert "cathode_contact_ratio=0.6" in variant.notes
