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


def test_c_max_from_datasheet_reproduces_chen2020():
    # Chen2020: c_max 63104 mol/m3 (NMC811), 33133 mol/m3 (graphite)
    assert materials.load("ncm811").max_concentration_mol_m3 == pytest.approx(63104, rel=1e-3)
    assert materials.load("graphite-natural").max_concentration_mol_m3 == pytest.approx(33133, rel=2e-3)


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
