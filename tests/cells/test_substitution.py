import pytest

from cellbench import cells
from cellbench.errors import InputError


def test_solid_electrolyte_substitution_replaces_every_se():
    base = cells.load("std-2.1")
    new = base.substitute("lgps")
    assert new.substitution.replaced == ["argyrodite-li6ps5cl"]
    assert new.separator.material == "lgps"
    assert {c.material for c in new.cathode.components} >= {"lgps"}
    assert "argyrodite-li6ps5cl" not in {c.material for c in new.anode.components}
    assert base.separator.material == "argyrodite-li6ps5cl"  # the standard design is untouched


def test_keep_capacity_rescales_the_electrode():
    base = cells.load("std-2.1")
    same_cap = base.substitute("ncm523", keep="capacity")
    same_thick = base.substitute("ncm523", keep="thickness")
    fb, fc, ft = cells.figures(base), cells.figures(same_cap), cells.figures(same_thick)
    assert fc.cathode_areal_capacity_mAh_cm2 == pytest.approx(fb.cathode_areal_capacity_mAh_cm2, rel=1e-9)
    assert same_thick.cathode.thickness_um == base.cathode.thickness_um
    assert ft.capacity_mAh < fb.capacity_mAh  # NCM523 stores less than NCM811 at equal thickness
    assert same_cap.cathode.thickness_um > base.cathode.thickness_um


def test_higher_capacity_cathode_at_equal_thickness_raises_wh_per_l(tmp_path):
    text = (cells.load("std-2.1").material("ncm811").model_dump())
    text.update(id="ncm811-hc", name="high-capacity NCM", specific_capacity_mAh_g=250.0)
    import yaml
    path = tmp_path / "ncm811-hc.yaml"
    path.write_text(yaml.safe_dump(text))
    base, new = cells.load("std-2.1"), cells.load("std-2.1").substitute(str(path))
    assert cells.figures(new).wh_per_l_stack > cells.figures(base).wh_per_l_stack


def test_role_mismatch_is_refused():
    with pytest.raises(InputError, match="is a cathode_active and cannot take the role solid_electrolyte"):
        cells.load("std-2.1").substitute("ncm811", role="solid_electrolyte")


def test_solid_electrolyte_into_liquid_cell_is_refused():
    with pytest.raises(InputError, match="liquid electrolyte"):
        cells.load("liquid-ref").substitute("lgps")


def test_coating_substitution_changes_film_resistance():
    base = cells.load("std-2.1")
    assert base.film_resistance_ohm_cm2("cathode") == pytest.approx(7e-7 / 1e-6)
