"""Materials informatics at intake: formula and crystal structure → what chemistry already knows, beside the
submitted values. Figures are checked against published ones and hand calculations."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from cellbench import materials
from cellbench.errors import InputError
from cellbench.materials.informatics import (check_record, oxidation_states, read_structure, structure_figures,
                                             theoretical_capacity)

FARADAY = 96485.33212

#: Li6PS5Cl, F-43m, a = 9.85 Å, Z = 4 (Deiseroth 2008), written for these tests (see its header)
LI6PS5CL_CIF = (Path(__file__).parent / "li6ps5cl.cif").read_text()


@pytest.fixture()
def lpscl_cif(tmp_path):
    path = tmp_path / "li6ps5cl.cif"
    path.write_text(LI6PS5CL_CIF)
    return path


def test_licoo2_is_274_mAh_g():
    # LiCoO2 → CoO2 (Co3+ → Co4+, one Li): 274 mAh/g, the theoretical capacity quoted since Mizushima et al.,
    # Mater. Res. Bull. 15 (1980) 783
    d = theoretical_capacity("LiCoO2", {"Co": 4})
    assert d.oxidation_states["Co"] == 3.0
    assert d.exchanged_per_formula_unit == 1.0
    assert d.molar_mass_g_mol == pytest.approx(97.87, abs=0.01)
    assert d.capacity_mAh_g == pytest.approx(274, abs=0.5)


def test_lifepo4_is_170_mAh_g():
    # Fe2+ → Fe3+: 170 mAh/g (Padhi, Nanjundaswamy & Goodenough, J. Electrochem. Soc. 144 (1997) 1188)
    d = theoretical_capacity("LiFePO4", {"Fe": 3})
    assert d.oxidation_states["Fe"] == 2.0
    assert d.capacity_mAh_g == pytest.approx(170, abs=0.5)


def test_ncm811_solves_nickel_and_agrees_with_the_library_record():
    # Mn4+ and Co3+ stated; charge balance leaves Ni at (3 − 0.4 − 0.3)/0.8 = 2.875
    states = oxidation_states("LiNi0.8Mn0.1Co0.1O2", {"Mn": 4, "Co": 3})
    assert states["Ni"] == pytest.approx(2.875)
    d = theoretical_capacity("LiNi0.8Mn0.1Co0.1O2", {"Ni": 4, "Co": 4}, oxidation_states_stated={"Mn": 4, "Co": 3})
    # Ni 2.875 → 4 and Co 3 → 4 move 0.8·1.125 + 0.1 = 1.0 electron, exactly the one lithium
    assert d.electrons_per_formula_unit == pytest.approx(1.0)
    # the library's hand-summed IUPAC molar mass (97.28 g/mol → 275.5 mAh/g) and pymatgen's agree
    record = materials.load("ncm811")
    assert d.molar_mass_g_mol == pytest.approx(record.molar_mass_g_mol, rel=5e-4)
    assert d.capacity_mAh_g == pytest.approx(record.theoretical_capacity_mAh_g, rel=5e-4)
    assert record.specific_capacity_mAh_g < d.capacity_mAh_g


def test_a_large_formula_is_balanced_by_arithmetic_not_enumeration():
    # LiNi0.33Mn0.33Co0.34O2 is 400 atoms once whole: pymatgen's enumeration would take tens of seconds, so with
    # Mn and Co stated the nickel is what neutrality leaves: (3 − 1.32 − 1.02)/0.33 = 2; NCM111's ~278 mAh/g
    states = oxidation_states("LiNi0.33Mn0.33Co0.34O2", {"Mn": 4, "Co": 3})
    assert states == {"Li": 1.0, "Ni": 2.0, "Mn": 4.0, "Co": 3.0, "O": -2.0}
    d = theoretical_capacity("LiNi0.33Mn0.33Co0.34O2", {"Ni": 4, "Co": 4}, oxidation_states_stated={"Mn": 4, "Co": 3})
    assert d.capacity_mAh_g == pytest.approx(277.8, abs=0.2)
    with pytest.raises(InputError, match=r"field 'oxidation_states'.*too large to enumerate its oxidation states \(400 atoms"):
        oxidation_states("LiNi0.33Mn0.33Co0.34O2")
    with pytest.raises(InputError, match="cannot balance with Mn"):
        oxidation_states("LiNi0.33Mn0.33Co0.34O5", {"Mn": 4, "Co": 3})
    # amounts that no small denominator makes whole go the same way
    assert oxidation_states("LiNi0.3333Mn0.3333Co0.3334O2", {"Mn": 4, "Co": 3})["Ni"] == pytest.approx(2.0, abs=1e-3)


def test_oxidation_beyond_the_lithium_is_capped_by_the_lithium():
    # Ni2+ → Ni4+ in LiNi0.5Mn1.5O4 moves 1.0 e⁻ for 1 Li: 147 mAh/g (the high-voltage spinel's known figure);
    # a stated Co2+/Co4+ in LiCoO2 would ask for 2 e⁻ but only one lithium can leave
    spinel = theoretical_capacity("LiNi0.5Mn1.5O4", {"Ni": 4}, oxidation_states_stated={"Mn": 4})
    assert spinel.capacity_mAh_g == pytest.approx(146.7, abs=0.5)
    capped = theoretical_capacity("Li2CoO2", {"Co": 4})  # Co+2 → +4: 2 e⁻, and the formula holds 2 Li
    assert capped.exchanged_per_formula_unit == 2.0
    one_li = theoretical_capacity("LiCoO2", {"Co": 5})   # 2 e⁻ asked, 1 Li available
    assert one_li.exchanged_per_formula_unit == 1.0 and "lithium in the formula" in one_li.limited_by


def test_hosts_without_lithium_use_the_stated_uptake():
    # LiC6: 372 mAh/g per C6; Li15Si4: 3579 mAh/g per Si (Obrovac & Christensen, Electrochem. Solid-State Lett. 7
    # (2004) A93)
    assert theoretical_capacity("C6", lithium_uptake=1).capacity_mAh_g == pytest.approx(372, abs=0.5)
    assert theoretical_capacity("Si", lithium_uptake=3.75).capacity_mAh_g == pytest.approx(3579, abs=1)


@pytest.mark.parametrize("material_id, chemistry", [
    ("ncm811", {"formula": "LiNi0.8Mn0.1Co0.1O2", "redox": {"Ni": 4, "Co": 4}, "oxidation_states": {"Mn": 4, "Co": 3}}),
    ("ncm523", {"formula": "LiNi0.5Mn0.3Co0.2O2", "redox": {"Ni": 4, "Co": 4}, "oxidation_states": {"Mn": 4, "Co": 3}}),
    ("lfp", {"formula": "LiFePO4", "redox": {"Fe": 3}}),
    ("graphite-natural", {"formula": "C6"}),
    ("silicon-nano", {"formula": "Si"}),
    ("lithium-metal", {"formula": "Li"}),
])
def test_the_library_fits_what_its_formulas_give(material_id, chemistry):
    # the library's hand-summed molar masses and its capacities, against pymatgen from the formula alone
    record = materials.load(material_id)
    report = check_record(record.model_copy(update=chemistry))
    assert report.flags == []
    mass = next(c for c in report.comparisons if c.field == "molar_mass_g_mol")
    assert abs(mass.deviation_pct) < 0.05
    capacity = next(c for c in report.comparisons if c.field == "specific_capacity_mAh_g")
    assert capacity.submitted <= capacity.derived
    assert capacity.derived == pytest.approx(record.theoretical_capacity_mAh_g, rel=1e-3)


def test_li6ps5cl_crystallographic_density_from_its_lattice(lpscl_cif):
    s = structure_figures(read_structure(lpscl_cif))
    molar_mass = 6 * 6.94 + 30.974 + 5 * 32.06 + 35.45
    by_hand = 4 * molar_mass / (6.02214076e23 * (9.85e-8) ** 3)
    assert s.reduced_formula == "Li6PS5Cl" and s.formula_units_per_cell == 4
    assert s.density_g_cm3 == pytest.approx(1.86, abs=0.01)
    assert s.density_g_cm3 == pytest.approx(by_hand, rel=1e-3)
    assert s.lithium_per_cell == pytest.approx(24)
    assert s.volume_per_li_A3 == pytest.approx(9.85 ** 3 / 24, rel=1e-6)
    # 48 Li sites half occupied, among 48 + 4 + 16 + 4 + 4 sites
    assert (s.lithium_sites, s.sites) == (48, 76)
    assert s.li_site_occupancy == pytest.approx(0.5)
    assert s.li_site_fraction == pytest.approx(48 / 76)


def _argyrodite(density: float, formula: str = "Li6PS5Cl") -> object:
    record = materials.load("argyrodite-li6ps5cl")
    return record.model_copy(update={"density_g_cm3": density, "formula": formula})


def test_density_30_percent_off_is_flagged_and_the_library_value_is_not(lpscl_cif):
    structure = read_structure(lpscl_cif)
    good = check_record(_argyrodite(1.86), structure)
    assert good.flags == []
    row = next(c for c in good.comparisons if c.field == "density_g_cm3")
    assert row.submitted == 1.86 and row.derived == pytest.approx(1.865, abs=0.001)
    assert "Deiseroth" in row.submitted_source and "pymatgen" in row.derived_source
    off = check_record(_argyrodite(1.25), structure)   # −33 %
    assert len(off.flags) == 1 and "density 1.25 g/cm³ is -33% off" in off.flags[0]
    within = check_record(_argyrodite(1.40), structure)  # −25 %: inside the 30 % threshold
    assert within.flags == []


def test_structure_of_another_compound_is_flagged(lpscl_cif):
    report = check_record(_argyrodite(1.86, formula="Li7PS6"), read_structure(lpscl_cif))
    assert any("the structure is Li6PS5Cl, the formula Li7PS6" in f for f in report.flags)


def _cathode_yaml(tmp_path, **changes) -> str:
    data = {"id": "lco-submitted", "name": "LiCoO2 (submitted)", "role": "cathode_active", "kind": "layered_oxide",
            "formula": "LiCoO2", "redox": {"Co": 4}, "density_g_cm3": 5.05, "specific_capacity_mAh_g": 140.0,
            "voltage_min_V": 3.0, "voltage_max_V": 4.2, "molar_mass_g_mol": 97.87,
            "ocp": {"stoichiometry": [0.4, 0.7, 1.0], "potential_V": [4.2, 3.9, 3.6]},
            "stoichiometry_at_0_soc": 0.98, "stoichiometry_at_100_soc": 0.47, "sources": {"default": "maker sheet"}}
    data.update(changes)
    path = tmp_path / "lco.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def test_submitted_capacity_above_theoretical_is_flagged(tmp_path):
    ok = check_record(materials.load_file(_cathode_yaml(tmp_path)))
    assert ok.flags == []
    # with a molar mass the record itself ties capacity to the window (issue 22); without one, only the formula can
    # tell that 300 mAh/g is more than LiCoO2 holds
    over = check_record(materials.load_file(_cathode_yaml(tmp_path, specific_capacity_mAh_g=300.0,
                                                          molar_mass_g_mol=None)))
    assert over.flags and "above the theoretical 273.8 mAh/g" in over.flags[0]
    # a molar mass that is not the formula's (its window made consistent with it, so the record loads)
    mass = check_record(materials.load_file(_cathode_yaml(tmp_path, molar_mass_g_mol=90.0,
                                                          stoichiometry_at_100_soc=0.98 - 140.0 * 3.6 * 90.0 / FARADAY)))
    assert [f for f in mass.flags if "molar mass 90 g/mol is not that of LiCoO2 (97.87 g/mol)" in f]


@pytest.mark.parametrize("changes, field, words", [
    ({"formula": "Li(CoO2"}, "formula", "cannot read the formula 'Li(CoO2'"),
    ({"formula": "LiQq2"}, "formula", "unknown element Qq"),
    ({"formula": "LiCoO3"}, "formula", "cannot balance"),
    ({"oxidation_states": {"Co": 2}}, "oxidation_states", "cannot balance"),
    ({"redox": {"Mn": 4}}, "redox", "Mn is not in the formula"),
    ({"formula": None}, "formula", "need the formula"),
])
def test_bad_chemistry_is_refused_at_load_naming_the_field(tmp_path, changes, field, words):
    path = _cathode_yaml(tmp_path, **changes)
    with pytest.raises(InputError) as exc:
        materials.load_file(path)
    message = str(exc.value)
    # pydantic prefixes the record's role: field 'cathode_active.formula'
    assert f"{field}'" in message and words in message and path in message


def test_web_intake_refuses_the_datasheet_before_storing():
    # the platform's intake validates the datasheet into a record before anything is written
    from cellbench.web.samples import datasheet_record

    sheet = {"name": "LPSCl batch 8", "role": "solid_electrolyte", "kind": "sulfide", "density_g_cm3": 1.8,
             "ionic_conductivity_S_cm": 0.003, "formula": "Li6PS5Xx", "sources": {"default": "supplier sheet"}}
    with pytest.raises(InputError, match=r"formula'.*unknown element Xx"):
        datasheet_record(sheet)


def _main(capsys, monkeypatch, *args):
    from cellbench.cli import main

    monkeypatch.setattr(sys, "argv", ["cellbench", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_materials_check_json_and_bad_cif(tmp_path, lpscl_cif, capsys, monkeypatch):
    record = tmp_path / "lpscl.yaml"
    data = materials.load("argyrodite-li6ps5cl").model_dump(mode="json", exclude_none=True)
    record.write_text(yaml.safe_dump({**data, "id": "lpscl-maker", "formula": "Li6PS5Cl", "density_g_cm3": 1.2}))
    code, out, _ = _main(capsys, monkeypatch, "materials", "check", str(record), "--cif", str(lpscl_cif), "--json")
    report = json.loads(out)
    assert code == 0 and report["structure"]["density_g_cm3"] == pytest.approx(1.865, abs=0.001)
    assert report["flags"] and "-36% off" in report["flags"][0]
    code, _, _ = _main(capsys, monkeypatch, "materials", "check", str(record), "--cif", str(lpscl_cif), "--strict")
    assert code == 1
    bad = tmp_path / "bad.cif"
    bad.write_text("this is not a CIF\n")
    code, out, err = _main(capsys, monkeypatch, "materials", "check", str(record), "--cif", str(bad))
    assert code == 1 and "field '--cif'" in err and "Traceback" not in err
