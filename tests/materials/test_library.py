import pytest

from cellbench import materials
from cellbench.errors import InputError, NotFound

REQUIRED = ["ncm811", "ncm523", "lfp", "graphite-natural", "silicon-nano", "lithium-metal", "argyrodite-li6ps5cl",
            "li3ps4-lii", "lgps", "linbo3", "lipf6-ec-emc", "pvdf", "sbr-cmc", "carbon-black", "al-foil", "cu-foil",
            "stainless-foil", "al-laminate-pouch"]


def test_library_has_the_reference_materials():
    ids = {m.id for m in materials.list_materials()}
    assert set(REQUIRED) <= ids
    assert len(ids) >= 15


@pytest.mark.parametrize("material_id", REQUIRED)
def test_every_value_has_a_source(material_id):
    record = materials.load(material_id)
    for field in type(record).model_fields:
        if getattr(record, field) is not None and field not in ("id", "name", "role", "kind", "description", "sources", "version"):
            assert record.source_of(field), f"{material_id}.{field} has no source"


ACTIVES = [m.id for m in materials.list_materials() if m.role.endswith("_active")]


@pytest.mark.parametrize("material_id", ACTIVES)
def test_capacity_is_what_the_stoichiometry_window_can_hold(material_id):
    """Capacity = F·Δx·n/(3.6·M): the window and the capacity describe the same lithium (issue 22, item 1).

    Before: NCM811 claimed 228.7 mAh/g over Δx = 0.642, which needs 1.29 Li per formula unit.
    """
    record = materials.load(material_id)
    assert record.molar_mass_g_mol is not None, f"{material_id}: give molar_mass_g_mol so the capacity can be checked"
    dx = 1.0 if record.kind == "lithium_metal" else abs(record.stoichiometry_at_0_soc - record.stoichiometry_at_100_soc)
    expected = 96485.33212 * record.lithium_per_formula_unit * dx / (3.6 * record.molar_mass_g_mol)
    assert record.specific_capacity_mAh_g == pytest.approx(expected, rel=0.01)
    # and no window asks for more lithium than the host has sites for
    assert record.specific_capacity_mAh_g <= record.theoretical_capacity_mAh_g * 1.001


def test_c_max_is_the_crystal_site_density():
    # ρ·n/M: NCM811 4.75 g/cm3 / 97.28 g/mol; LiC6 2.26 / 72.07; Li15Si4 per Si 2.33 x 3.75 / 28.09
    assert materials.load("ncm811").max_concentration_mol_m3 == pytest.approx(4.75e6 / 97.28, rel=2e-3)
    assert materials.load("graphite-natural").max_concentration_mol_m3 == pytest.approx(2.26e6 / 72.07, rel=2e-3)
    assert materials.load("silicon-nano").max_concentration_mol_m3 == pytest.approx(2.33e6 * 3.75 / 28.09, rel=2e-3)


def test_ncm811_is_a_half_cell_200_mAh_g_to_4_3_V():
    ncm = materials.load("ncm811")
    assert ncm.specific_capacity_mAh_g == pytest.approx(200.0, rel=0.03)
    assert ncm.voltage_max_V == pytest.approx(4.3)
    # the charged end of the window sits at 4.3 V on the OCP table, the discharged end below 3.7 V
    assert float(ncm.ocp(ncm.stoichiometry_at_100_soc)) == pytest.approx(4.3, abs=0.03)
    assert float(ncm.ocp(ncm.stoichiometry_at_0_soc)) < 3.7
    # measured NMC electronic conductivity is at most ~1e-2 S/cm (Amin & Chiang 2016), not 1.8
    assert ncm.electronic_conductivity_S_cm <= 1e-2


def test_li6ps5cl_density_follows_its_lattice_and_window_is_zhu_2015():
    se = materials.load("argyrodite-li6ps5cl")
    # Deiseroth 2008: F-43m, a = 9.85 Å, Z = 4, M = 6 Li + P + 5 S + Cl
    molar_mass = 6 * 6.94 + 30.974 + 5 * 32.06 + 35.45
    xray_density = 4 * molar_mass / (6.02214076e23 * (9.85e-8) ** 3)
    assert se.density_g_cm3 == pytest.approx(xray_density, rel=0.01)
    assert se.stability_window_V == pytest.approx((1.7, 2.0), abs=0.05)


def test_coating_film_resistance_is_thickness_over_conductivity():
    linbo3 = materials.load("linbo3")
    assert linbo3.film_resistance_ohm_cm2 == pytest.approx(7e-7 / 1e-6)


def test_missing_source_is_refused(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("id: m\nname: m\nrole: binder\ndensity_g_cm3: 1.2\nsources: {}\n")
    with pytest.raises(InputError, match="no source for density_g_cm3"):
        materials.load(str(path))


def test_unknown_material_lists_known():
    with pytest.raises(NotFound, match="known materials: .*ncm811"):
        materials.load("nope")

