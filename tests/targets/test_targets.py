"""Programme targets as data and the check of results against them."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from cellbench import targets
from cellbench.errors import InputError, NotFound

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "seeds"


def test_builtin_sets_load_and_every_target_has_a_source():
    sets = {s.id: s for s in targets.list_sets()}
    assert {"gi-fund", "gi-fund-themes", "solid-ev", "battery-strategy-2026", "eu-2023-1542"} <= set(sets)
    for s in sets.values():
        for t in s.targets:
            assert t.source.document and t.source.section, f"{s.id}/{t.id}"
            assert t.quantity in targets.QUANTITIES


def test_programme_figures_as_the_documents_state_them():
    def value(set_id, target_id):
        t = next(t for t in targets.load_set(set_id).targets if t.id == target_id)
        return t.comparison, t.value, t.year

    assert value("gi-fund", "pack-energy-density") == (">=", 700, 2030)
    assert [value("gi-fund", f"recovery-{el}")[1] for el in ("li", "ni", "co")] == [70, 95, 95]
    assert value("gi-fund-themes", "honda-cell-energy-density") == (">=", 955, 2026)
    assert value("gi-fund-themes", "honda-pack-cost") == ("<=", 10000, 2026)   # 10 yen/Wh
    assert value("solid-ev", "gen1-energy-density")[1] == 450 and value("solid-ev", "gen2-energy-density")[1] == 800
    assert value("battery-strategy-2026", "pack-price") == ("<=", 10000, 2030)
    assert value("eu-2023-1542", "recovery-li-2031") == (">=", 80, 2031)


def _cited_lines(section: str) -> list[tuple[int, int]]:
    return [(int(a), int(b or a)) for a, b in re.findall(r"lines? (\d+)(?:–(\d+))?", section)]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")
def test_quotes_stand_in_the_cited_lines_of_the_seed_documents():
    checked = 0
    for s in targets.list_sets():
        for t in s.targets:
            m = re.match(r"seeds/(\d{3})", t.source.document)
            if not m:
                continue
            assert t.quote, f"{s.id}/{t.id}: a target from a seed document carries its words (quote)"
            text = next(SEEDS.glob(f"{m.group(1)}_*.txt")).read_text(encoding="utf-8").splitlines()
            spans = _cited_lines(t.source.section)
            assert spans, f"{s.id}/{t.id}: the section names no line"
            found = any(t.quote in " ".join(text[a - 2:b + 1]) or t.quote in "".join(text[a - 2:b + 1])
                        for a, b in spans)
            assert found, f"{s.id}/{t.id}: '{t.quote}' is not in {t.source.document} {t.source.section}"
            checked += 1
    assert checked >= 30


def test_other_packages_state_the_same_targets():
    # pack and recycling still carry their own copies of two targets (one place is the goal): they must agree
    from cellbench.pack.design import defaults
    from cellbench.sustainability.recycling import targets as recovery_sets

    gi = {t.id: t.value for t in targets.load_set("gi-fund").targets}
    themes = {t.id: t.value for t in targets.load_set("gi-fund-themes").targets}
    pack_t = defaults()["targets"]
    assert pack_t["pack_wh_per_l"][0] == gi["pack-energy-density"]
    assert 100 * pack_t["packing_efficiency"] == pytest.approx(themes["apb-packing-efficiency"])
    _, rates, _ = recovery_sets("gi-fund")
    assert {el: 100 * v for el, v in rates.items()} == pytest.approx(
        {"Li": gi["recovery-li"], "Ni": gi["recovery-ni"], "Co": gi["recovery-co"]})
    eu = {t.id: t.value for t in targets.load_set("eu-2023-1542").targets}
    for year, name in (("2027", "eu-2027"), ("2031", "eu-2031")):
        _, rates, _ = recovery_sets(name)
        assert {el: 100 * v for el, v in rates.items()} == pytest.approx(
            {el: eu[f"recovery-{el.lower()}-{year}"] for el in rates})


def test_met_not_met_and_margin():
    checks = targets.assess({"recovery_li_pct": 65.0, "recovery_ni_pct": 97.0}, ["gi-fund"], stages=["end_of_life"])
    by = {c.target: c for c in checks}
    assert by["recovery-li"].status == "not met"
    assert by["recovery-li"].margin == pytest.approx(-5.0)
    assert by["recovery-li"].margin_pct == pytest.approx(-5.0 / 70 * 100)
    assert by["recovery-ni"].status == "met" and by["recovery-ni"].margin == pytest.approx(2.0)
    assert by["recovery-co"].status == "not assessed" and "no recovery_co_pct figure" in by["recovery-co"].note
    # a '<=' target: the margin is what is left below the threshold
    price = targets.assess({"pack_cost_yen_per_kwh": 12000.0}, ["battery-strategy-2026"], stages=["pack"])
    cost = next(c for c in price if c.target == "pack-price")
    assert cost.status == "not met" and cost.margin == pytest.approx(-2000.0)
    # exactly on the threshold is met
    on = targets.assess({"pack_wh_per_l": 700.0}, ["gi-fund"], stages=["pack"])[0]
    assert on.status == "met" and on.margin == 0.0


def test_reported_target_is_met_by_any_figure_and_unbounded_charge_fails():
    cfp = targets.assess({"cfp_kg_co2e_per_kwh": 80.0}, ["battery-strategy-2026"], stages=["pack"])
    assert next(c for c in cfp if c.target == "cfp-reported").status == "met"
    never = targets.assess({"charge_time_to_80pct_min": math.inf}, ["solid-ev"], stages=["cell"])
    six_c = next(c for c in never if c.target == "gen1-6c-charge")
    assert six_c.status == "not met" and six_c.value is None and "unbounded" in six_c.note


def test_targets_for_another_electrolyte_are_left_out():
    liquid = targets.assess({"pack_wh_per_l": 750.0}, ["gi-fund-themes"], stages=["pack"], electrolyte_type="liquid")
    ids = {c.target for c in liquid}
    assert "panasonic-pack-energy-density" in ids and "honda-pack-energy-density" not in ids
    solid = targets.assess({"pack_wh_per_l": 750.0}, ["gi-fund-themes"], stages=["pack"], electrolyte_type="solid")
    assert "honda-pack-energy-density" in {c.target for c in solid}
    assert "panasonic-pack-energy-density" not in {c.target for c in solid}


def test_stage_gate_per_set_and_stage():
    checks = targets.assess({"stack_wh_per_l": 500.0, "charge_time_to_80pct_min": 9.0}, ["solid-ev"])
    gate = targets.stage_gate(checks)
    assert gate == [{"set": "solid-ev", "stage": "cell", "met": 2, "not met": 1, "not assessed": 0,
                     "missing": ["gen2-energy-density"], "passes": False}]
    nothing = targets.stage_gate(targets.assess({}, ["gi-fund"]))
    assert all(r["passes"] is None for r in nothing)


def test_cell_figures_take_the_design_bases():
    from cellbench import cells
    from cellbench.cells.report import cell_summary

    summary = cell_summary(cells.load("nextgen-std"))
    f = targets.cell_figures(summary)
    assert f["stack_wh_per_l"] == summary["wh_per_l_stack"] and f["cell_wh_per_l"] == summary["wh_per_l_outline"]
    checks = {c.target: c for c in targets.assess(f, ["solid-ev"], electrolyte_type=summary["electrolyte_type"])}
    gen2 = checks["gen2-energy-density"]
    assert gen2.value == pytest.approx(summary["wh_per_l_stack"])
    assert gen2.status == ("met" if summary["wh_per_l_stack"] >= 800 else "not met")


def test_evaluation_figures_from_metric_rows():
    design = {"wh_per_l_outline": 60.0, "wh_per_l_stack": 820.0, "wh_per_kg": 300.0, "electrolyte_type": "solid"}
    rows = [{"metric": "charge_time_to", "item": "fast-charge-6C", "test": "fast charge",
             "conditions": {"to_soc_pct": 80.0}, "candidate": 570.0},
            {"metric": "charge_time_to", "item": "fast-charge-3C", "test": "fast charge",
             "conditions": {"to_soc_pct": 80.0}, "candidate": "inf"},
            {"metric": "capacity_retention", "item": "cycle-life-45C", "test": "cycle life", "conditions": {},
             "candidate": 96.5}]
    figures, origins = targets.evaluation_figures(design, rows)
    assert figures["charge_time_to_80pct_min"] == pytest.approx(9.5)   # the fastest item, in minutes
    assert "fast-charge-6C" in origins["charge_time_to_80pct_min"]
    assert figures["capacity_retention_pct"] == 96.5
    checks = {c.target: c for c in targets.check_evaluation(design, rows, sets=["solid-ev"])}
    assert checks["gen1-6c-charge"].status == "met" and checks["gen1-6c-charge"].margin == pytest.approx(0.5)
    assert checks["gen2-energy-density"].status == "met"


def test_material_figures():
    from cellbench import materials

    f = targets.material_figures(materials.load("argyrodite-li6ps5cl"))
    assert f == {"ionic_conductivity_mS_cm": pytest.approx(2.5)}
    idemitsu = next(c for c in targets.assess(f, ["gi-fund-themes"], stages=["material"]))
    assert idemitsu.status == "not met" and idemitsu.margin == pytest.approx(-1.5)


def test_user_set_from_yaml_and_its_errors(tmp_path):
    good = tmp_path / "mine.yaml"
    good.write_text("id: lab-2027\nversion: '1'\nname: our lab's gate\nprogramme: internal\ntargets:\n"
                    "  - {id: stack, quantity: stack_wh_per_l, comparison: '>=', value: 600, year: 2027,\n"
                    "     statement: 600 Wh/L stack, source: {document: lab plan 2025, section: '2.1'}}\n")
    s = targets.load_set(str(good))
    checks = targets.assess({"stack_wh_per_l": 610.0}, [s, "solid-ev"], stages=["cell"])
    assert {c.set for c in checks} == {"lab-2027", "solid-ev"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("stack_wh_per_l", "stack_wh_per_litre"))
    with pytest.raises(InputError, match=r"bad.yaml: field 'targets.0': .*unknown quantity 'stack_wh_per_litre'"):
        targets.load_set(str(bad))
    nosource = tmp_path / "nosource.yaml"
    nosource.write_text(good.read_text().replace(", source: {document: lab plan 2025, section: '2.1'}", ""))
    with pytest.raises(InputError, match=r"field 'targets.0.source': Field required"):
        targets.load_set(str(nosource))
    with pytest.raises(NotFound, match="unknown target set 'gi-fnd'; built-in sets: .*gi-fund"):
        targets.load_set("gi-fnd")
    with pytest.raises(InputError, match="unknown stage moon"):
        targets.assess({}, stages=["moon"])


def test_drive_figures_leave_out_an_unbounded_range():
    assert targets.drive_figures({"range_km": 512.0}) == {"vehicle_range_km": 512.0}
    assert targets.drive_figures({"range_km": math.inf}) == {}
