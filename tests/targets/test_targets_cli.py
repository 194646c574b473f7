"""`cellbench targets ...` and the target checks other commands add to their output."""

from __future__ import annotations

import json
import sys

import pytest


def cellbench(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    """The real entry point (`main`), in-process: exit code, stdout, stderr."""
    from cellbench.cli import main

    monkeypatch.setattr(sys, "argv", ["cellbench", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_and_show(capsys, monkeypatch):
    code, out, _ = cellbench(capsys, monkeypatch, "targets", "list", "--json")
    sets = {s["id"]: s for s in json.loads(out)}
    assert code == 0 and sets["gi-fund"]["targets"] == 4 and sets["gi-fund"]["stages"] == ["pack", "end_of_life"]
    code, out, _ = cellbench(capsys, monkeypatch, "targets", "show", "solid-ev", "--json")
    shown = json.loads(out)
    assert [t["value"] for t in shown["targets"]] == [450, 10, 800]
    assert shown["targets"][1]["interpretation"].startswith("a 6C charge fills the cell in 10 minutes")


def test_check_several_results_and_sets_at_once(tmp_path, capsys, monkeypatch):
    recycled = tmp_path / "recycle.json"
    recycled.write_text(json.dumps({"elements": {"Li": {"recovery_rate": 0.75}, "Ni": {"recovery_rate": 0.96},
                                                 "Co": {"recovery_rate": 0.90}}}))
    code, out, _ = cellbench(capsys, monkeypatch, "targets", "check", "--recycle", str(recycled),
                             "--figure", "pack_cost_yen_per_kwh=9500", "--set", "gi-fund", "--set",
                             "battery-strategy-2026", "--assessed-only", "--json")
    assert code == 0
    doc = json.loads(out)
    status = {(c["set"], c["target"]): c["status"] for c in doc["checks"]}
    assert status[("gi-fund", "recovery-li")] == "met" and status[("gi-fund", "recovery-co")] == "not met"
    assert status[("battery-strategy-2026", "pack-price")] == "met"
    assert all(s != "not assessed" for s in status.values())
    gate = {(r["set"], r["stage"]): r for r in doc["stage_gate"]}
    assert gate[("gi-fund", "end_of_life")]["missing"] == ["recovery-co"]
    assert gate[("battery-strategy-2026", "pack")]["passes"] is True
    assert doc["origins"]["pack_cost_yen_per_kwh"] == "given on the command line"


@pytest.mark.parametrize("args, words", [
    (["targets", "check"], "nothing to check"),
    (["targets", "check", "--figure", "wh_per_litre=700"], "option '--figure': expected NAME=VALUE"),
    (["targets", "check", "--figure", "pack_wh_per_l=lots"], "'lots' is not a number"),
    (["targets", "check", "--figure", "pack_wh_per_l=700", "--set", "nope"], "unknown target set 'nope'"),
    (["targets", "check", "--figure", "pack_wh_per_l=700", "--stage", "moon"], "unknown stage moon"),
    (["targets", "show", "gi-fnd"], "unknown target set 'gi-fnd'"),
])
def test_bad_arguments_are_one_line_exit_2(capsys, monkeypatch, args, words):
    code, out, err = cellbench(capsys, monkeypatch, *args)
    assert code == 2 and words in err and "Traceback" not in err


def test_not_json_result_file_names_the_file(tmp_path, capsys, monkeypatch):
    bad = tmp_path / "cfp.json"
    bad.write_text("{\"stages\": {}}")
    code, _, err = cellbench(capsys, monkeypatch, "targets", "check", "--cfp", str(bad))
    assert code == 1 and f"{bad}: not a `cellbench cfp --json` result" in err


def test_cells_show_json_carries_the_cell_checks(capsys, monkeypatch):
    code, out, _ = cellbench(capsys, monkeypatch, "cells", "show", "std-2.1", "--json")
    doc = json.loads(out)
    checks = {(c["set"], c["target"]): c for c in doc["target_checks"]}
    gen1 = checks[("solid-ev", "gen1-energy-density")]
    assert gen1["value"] == pytest.approx(doc["wh_per_l_stack"])
    assert gen1["margin"] == pytest.approx(doc["wh_per_l_stack"] - 450)
    assert {c["stage"] for c in doc["target_checks"]} == {"cell"}
    # a solid-state cell is not held to a liquid cell's targets, nor checked for pack figures it does not have
    assert not [c for c in doc["target_checks"] if c["target"].startswith("panasonic")]


def test_recycle_and_cfp_json_carry_their_checks(capsys, monkeypatch):
    code, out, _ = cellbench(capsys, monkeypatch, "recycle", "--cell", "std-2.1", "--route", "hydro", "--json")
    doc = json.loads(out)
    li = next(c for c in doc["target_checks"] if (c["set"], c["target"]) == ("gi-fund", "recovery-li"))
    assert li["value"] == pytest.approx(100 * doc["elements"]["Li"]["recovery_rate"])
    assert li["status"] == ("met" if li["value"] >= 70 else "not met")
    code, out, _ = cellbench(capsys, monkeypatch, "cfp", "--cell", "std-2.1", "--samples", "0", "--json")
    doc = json.loads(out)
    [reported] = doc["target_checks"]
    assert reported["target"] == "cfp-reported" and reported["value"] == pytest.approx(doc["total_kg_co2e_per_kwh"])


def test_pack_design_json_carries_pack_and_cell_checks(capsys, monkeypatch):
    code, out, _ = cellbench(capsys, monkeypatch, "pack", "design", "--cell", "nextgen-std", "--json")
    doc = json.loads(out)
    checks = {(c["set"], c["target"]): c for c in doc["target_checks"]}
    assert checks[("gi-fund", "pack-energy-density")]["value"] == pytest.approx(doc["wh_per_l"])
    assert checks[("gi-fund", "pack-energy-density")]["status"] == ("met" if doc["meets_wh_per_l_target"] else "not met")
    assert checks[("gi-fund-themes", "apb-packing-efficiency")]["value"] == pytest.approx(100 * doc["packing_efficiency"])
    assert checks[("gi-fund-themes", "honda-cell-energy-density")]["value"] == pytest.approx(doc["cell_wh_per_l"])


def test_drive_result_gives_the_vehicle_stage(tmp_path, capsys, monkeypatch):
    drive = tmp_path / "drive.json"
    drive.write_text(json.dumps({"distance_km": 23.3, "wh_per_km": 140.0, "range_km": 392.9}))
    code, out, _ = cellbench(capsys, monkeypatch, "targets", "check", "--drive", str(drive), "--stage", "vehicle",
                             "--json")
    checks = {c["target"]: c for c in json.loads(out)["checks"]}
    assert checks["vehicle-range-2030"]["status"] == "not met"
    assert checks["vehicle-range-2030"]["margin"] == pytest.approx(392.9 - 500)
    bad = tmp_path / "notdrive.json"
    bad.write_text("[]")
    code, _, err = cellbench(capsys, monkeypatch, "targets", "check", "--drive", str(bad))
    assert code == 1 and "not a `cellbench drive --json` result" in err
