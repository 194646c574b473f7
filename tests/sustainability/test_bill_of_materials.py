"""Bill of materials: sums to the design's mass; element contents against hand-calculated stoichiometry."""

import pytest

from cellbench import cells
from cellbench.errors import NotFound
from cellbench.sustainability import bill_of_materials, bill_of_materials_for_pack, element_fractions, element_masses_kg
from cellbench.sustainability.composition import compound_fractions


@pytest.mark.parametrize("cell_id", [c.id for c in cells.list_cells()])
def test_bill_sums_to_design_mass(cell_id):
    design = cells.load(cell_id)
    bill = bill_of_materials(design)
    assert sum(bill.values()) * 1000 == pytest.approx(cells.figures(design).mass_g, rel=1e-9)


def test_liquid_cell_bill_holds_pore_electrolyte_and_can():
    bill = bill_of_materials(cells.load("lg-m50"))
    assert bill["cylindrical-can"] == pytest.approx(0.014)
    # electrolyte in cathode, anode and separator pores: 2 unit cells x 51.35 cm2 x
    # (75.6 x 0.335 + 85.2 x 0.25 + 12 x 0.47) um x 1.21 g/cm3
    area = 65.0 * 790.0 / 100.0
    by_hand_g = 2 * area * (75.6 * 0.335 + 85.2 * 0.25 + 12.0 * 0.47) * 1e-4 * 1.21
    assert bill["lipf6-ec-emc"] * 1000 == pytest.approx(by_hand_g, rel=1e-9)


def test_ncm811_element_fractions_by_hand():
    # LiNi0.8Mn0.1Co0.1O2: M = 6.94 + 0.8*58.693 + 0.1*54.938 + 0.1*58.933 + 2*15.999 = 97.2756 g/mol
    molar = 6.94 + 0.8 * 58.693 + 0.1 * 54.938 + 0.1 * 58.933 + 2 * 15.999
    f = element_fractions("ncm811")
    assert f["Ni"] == pytest.approx(0.8 * 58.693 / molar)
    assert f["Li"] == pytest.approx(6.94 / molar)
    assert sum(f.values()) == pytest.approx(1.0)


def test_electrolyte_lithium_from_salt_share():
    # 12.55 wt% LiPF6 with Li 6.94/151.9 of the salt
    assert element_fractions("lipf6-ec-emc")["Li"] == pytest.approx(0.1255 * 6.94 / 151.902, rel=1e-3)
    assert compound_fractions("graphite") == {"graphite": 1.0}


def test_pack_bill_scales_cells_and_adds_parts():
    bill = bill_of_materials_for_pack("demo-55kwh")
    cell = cells.load("lg-m50")
    # 96s32p: sized for about 55 kWh from the catalogue cell's design energy (18.1 Wh since issue 22's N/P from
    # reversible capacities; 96s31p was sized on the former 18.6 Wh and now gives 53.9 kWh)
    assert bill.cell_count == 96 * 32
    assert bill.energy_kWh == pytest.approx(cells.figures(cell).energy_Wh * 3072 / 1000)
    assert 55.0 < bill.energy_kWh < 57.0  # open-circuit design energy of 3072 LG M50 cells
    assert bill.mass_kg == pytest.approx(cells.figures(cell).mass_g * 3072 / 1000 + 87.0)
    # Ni per kWh of an NMC811 pack: published ~0.6-0.75 kg/kWh (scenario data uses 0.669)
    ni = element_masses_kg(bill.materials_kg)["Ni"] / bill.energy_kWh
    assert 0.55 < ni < 0.8


def test_material_without_composition_is_named():
    with pytest.raises(NotFound, match="unobtainium"):
        element_fractions("unobtainium")


def test_pack_design_file_from_the_pack_package(tmp_path):
    from cellbench.pack.design import PackSpec as PackDesign
    from cellbench.pack.design import design_pack, pack_figures

    path = design_pack("lg-m50", energy_kWh=55, voltage_V=400).save(tmp_path / "pack.yaml")
    bill = bill_of_materials_for_pack(path)
    figures = pack_figures(PackDesign.load(path))
    assert bill.energy_kWh == pytest.approx(figures.energy_kWh)
    assert bill.mass_kg == pytest.approx(figures.mass_kg)
    assert bill.materials_kg["pack-aluminium"] > 0
