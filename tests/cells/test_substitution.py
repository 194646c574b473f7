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


def test_volume_basis_keeps_volume_fractions_and_mass_basis_does_not():
    """A denser electrolyte on the default (volume) basis leaves the active volume fraction and the capacity
    unchanged and only adds mass; on the mass basis it raises the active fraction (the design effect)."""
    base = cells.load("std-2.1")
    by_volume, by_mass = base.substitute("lgps"), base.substitute("lgps", basis="mass")
    assert by_volume.substitution.basis == "volume" and by_mass.substitution.basis == "mass"
    phi = base.volume_fraction_of_role("cathode", "cathode_active")
    assert by_volume.volume_fraction_of_role("cathode", "cathode_active") == pytest.approx(phi, rel=1e-12)
    assert by_mass.volume_fraction_of_role("cathode", "cathode_active") > phi * 1.02  # denser SE, same weights
    fb, fv, fm = cells.figures(base), cells.figures(by_volume), cells.figures(by_mass)
    assert fv.capacity_mAh == pytest.approx(fb.capacity_mAh, rel=1e-12)
    assert fm.capacity_mAh > fb.capacity_mAh * 1.02
    # LGPS (2.04 g/cm3) is denser than Li6PS5Cl: same volumes, more mass, fewer Wh/kg
    assert fv.wh_per_kg < fb.wh_per_kg


def test_substituted_design_keeps_its_base_lineage_and_rated_capacity_basis(tmp_path):
    import yaml

    base = cells.load("gen1-demo")
    record = base.material("argyrodite-li6ps5cl").model_dump()
    record["id"] = "argyrodite-copy"
    path = tmp_path / "copy.yaml"
    path.write_text(yaml.safe_dump(record))
    copy = base.substitute(str(path))
    assert copy.lineage.base == "gen1-demo" and copy.calibration_id == "gen1-demo"
    assert copy.rated_capacity_mAh() == pytest.approx(base.rated_capacity_mAh(), rel=1e-12)
    # a second substitution keeps the root of the lineage
    again = copy.substitute("lgps")
    assert again.lineage.base == "gen1-demo"
    # a cathode that stores 10 % less: 1C current scales with the design capacity, from the same rated basis
    ncm = base.material("ncm811").model_dump()
    ncm.update(id="ncm-low", specific_capacity_mAh_g=ncm["specific_capacity_mAh_g"] * 0.9)
    low = tmp_path / "ncm-low.yaml"
    low.write_text(yaml.safe_dump(ncm))
    weaker = base.substitute(str(low))
    ratio = cells.figures(weaker).capacity_mAh / cells.figures(base).capacity_mAh
    assert weaker.rated_capacity_mAh() == pytest.approx(base.rated_capacity_mAh() * ratio, rel=1e-12)


def test_the_calibration_follows_the_lineage_as_a_correction_not_a_value(tmp_path):
    """gen1-demo's calibration raises NCM811's diffusivity tenfold. A copy of NCM811 gets exactly the baseline's
    value; a candidate cathode with half the diffusivity keeps its own value times the same correction."""
    import yaml

    from cellbench.simulate import to_pybamm

    base = cells.load("gen1-demo")
    name = "Positive particle diffusivity at 25 C [m2.s-1]"
    d_base = to_pybamm(base).parameter_values[name]
    ncm = base.material("ncm811").model_dump()
    for new_id, scale in (("ncm-copy", 1.0), ("ncm-slow", 0.5)):
        ncm.update(id=new_id, diffusivity_cm2_s=base.material("ncm811").diffusivity_cm2_s * scale)
        path = tmp_path / f"{new_id}.yaml"
        path.write_text(yaml.safe_dump(ncm))
        cell = to_pybamm(base.substitute(str(path)))
        assert cell.parameter_values[name] == pytest.approx(d_base * scale, rel=1e-12)
        assert "cathode_diffusivity_cm2_s" in cell.notes["calibration"]["carried_to_candidate"]
