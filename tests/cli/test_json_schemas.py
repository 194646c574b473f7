"""`--json` output has the shape its schema in docs/ says (docs/cli-*.schema.json, JSON Schema 2020-12).

Every command that prints a result takes `--json` and has a schema; each schema is checked here against the
output of a real run of its command on small inputs (the long commands — evaluate, calibrate, campaign — on the
smallest inputs that still run the real code: a one-item suite, three model runs, a design-only campaign).
Schemas made from typed models are written by `scripts/write_schemas.py` (a test keeps them equal to the models);
the others are written by hand.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer.main
import yaml
from jsonschema import Draft202012Validator

from cellbench import cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

# commands whose --json output is a document with its own schema file (results.json is what evaluate prints)
SCHEMA_FILE = {"evaluate": "evaluation-results.schema.json"}
# commands that print no result, so take no --json, and why
NO_RESULT = {
    "serve": "runs the web server until stopped",
}


def schema_path(name: str) -> Path:
    return DOCS / SCHEMA_FILE.get(name, f"cli-{name}.schema.json")


def schema(name: str) -> dict:
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


def assert_valid(name: str, document) -> None:
    errors = sorted(Draft202012Validator(schema(name)).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def leaf_commands():
    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, path + [name])
        else:
            yield path, {opt for p in command.params for opt in getattr(p, "opts", [])}

    return list(walk(typer.main.get_command(cli.app), []))


def _durability_checkup():
    """tests/durability/checkup.py: a check-up from an electrode balance (OCV + ohmic drop), the diagnosis tests'
    ground truth."""
    spec = importlib.util.spec_from_file_location("durability_checkup", ROOT / "tests" / "durability" / "checkup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_inputs(folder: Path) -> dict[str, Path]:
    """Small input files for the commands, each made by cellbench's own code or by hand."""
    from cellbench import cells, safety
    from cellbench.durability import ElectrodeBalance
    from cellbench.measurements import Measurement

    rng = np.random.default_rng(0)
    np.save(folder / "mixed.npy", rng.integers(0, 3, (12, 12, 12)).astype(np.uint8))
    # a phase that never crosses the volume: τ is infinite, written as null
    blocked = np.full((8, 6, 6), 2, dtype=np.uint8)
    blocked[4] = 0
    np.save(folder / "blocked.npy", blocked)
    t = np.linspace(0, 7200, 200)
    Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": 3.0 + 1.2 * np.abs(np.sin(t / 7200 * np.pi)),
                              "current_ampere": np.where(t < 3600, 1.0, -1.0)})).to_csv(folder / "test.csv",
                                                                                      header_style="human")
    # an ARC run of the lumped heat-wait-search model, as the instrument would log it
    safety.simulate_heat_wait_search(safety.load_chemistry("liquid_lco_graphite")).to_csv(folder / "arc.csv")
    # an impedance spectrum by hand: R0 + R1‖C1 + R2‖C2 (10 mΩ, 20 mΩ at τ = 1 ms, 30 mΩ at τ = 1 s)
    f = np.logspace(4, -2, 40)
    w = 2 * np.pi * f
    z = 0.010 + 0.020 / (1 + 1j * w * 1e-3) + 0.030 / (1 + 1j * w * 1.0)
    (folder / "eis.csv").write_text("freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm\n"
                                    + "".join(f"{a:.6g},{b.real:.6g},{-b.imag:.6g}\n" for a, b in zip(f, z)))
    # check-ups of std-2.1: fresh, and with 6 % of its lithium lost (tests/durability's hand-made ground truth)
    checkup = _durability_checkup()
    fresh = ElectrodeBalance.from_design(cells.load("std-2.1"))
    checkup.measurement(checkup.checkup(fresh, resistance_ohm=5.0, rated_Ah=0.008, noise_mV=0.2)).to_parquet(
        folder / "fresh.parquet")
    checkup.measurement(checkup.checkup(fresh.aged(lli=0.06), resistance_ohm=5.0, rated_Ah=0.008, noise_mV=0.2,
                                        seed=4)).to_parquet(folder / "aged.parquet")
    # two cycles of check-ups, for the ΔQ(V) features between cycle 1 and cycle 2
    checkup.measurement(
        checkup.checkup(fresh, resistance_ohm=5.0, rated_Ah=0.008, noise_mV=0.2, cycle=1),
        checkup.checkup(fresh.aged(lli=0.02), resistance_ohm=5.0, rated_Ah=0.008, noise_mV=0.2, cycle=2,
                        time_offset_s=1e6)).to_parquet(folder / "cycling.parquet")
    # check-ups at three temperatures following 1 − A·exp(−Ea/RT)·√t with Ea = 50 kJ/mol (tests/durability/test_cli)
    temps, days = np.repeat([25.0, 45.0, 60.0], 4), np.tile([0.0, 30.0, 60.0, 120.0], 3)
    loss = 0.002 * np.exp(-50e3 / 8.314462618 * (1 / (temps + 273.15) - 1 / 298.15)) * np.sqrt(days)
    (folder / "checkups.csv").write_text("temperature_C,time_days,retention\n" + "".join(
        f"{T},{d},{100 * (1 - x):.6f}\n" for T, d, x in zip(temps, days, loss)))
    # a one-item evaluation suite (the 6C charge), a design-only campaign (no simulation per trial)
    (folder / "suite.yaml").write_text(yaml.safe_dump({
        "id": "fast-charge-only", "version": "1", "name": "the 6C item alone",
        "items": [{"id": "fast-charge-6C", "test": "fast charge", "conditions": {"rate_C": 6, "to_soc_pct": 80},
                   "temperature_C": 25,
                   "protocol": "Set SOC to 0%; Charge at 6C until Vmax; Hold at Vmax for 20 minutes or until C/20",
                   "metrics": [{"fn": "charge_time_to", "args": {"fraction": 0.8}}]}]}))
    (folder / "campaign.yaml").write_text(yaml.safe_dump({
        "name": "design-only", "base_cell": "std-1",
        "parameters": {"separator_thickness_um": {"low": 20, "high": 170},
                       "cathode_thickness_um": {"low": 30, "high": 120}, "np_ratio": {"low": 1.0, "high": 1.3}},
        "objectives": [{"metric": "wh_per_l_stack", "direction": "maximize"},
                       {"metric": "cathode_areal_capacity_mAh_cm2", "direction": "minimize"}],
        "constraints": [{"metric": "np_ratio", "min": 1.1}], "budget": 4, "seed": 3}))
    # materials with a formula, to check against what it gives (tests/materials/test_informatics's records)
    from cellbench import materials

    lpscl = materials.load("argyrodite-li6ps5cl").model_dump(mode="json", exclude_none=True)
    (folder / "lpscl.yaml").write_text(yaml.safe_dump({**lpscl, "id": "lpscl-maker", "formula": "Li6PS5Cl",
                                                        "density_g_cm3": 1.2}))
    ncm = materials.load("ncm811").model_dump(mode="json", exclude_none=True)
    (folder / "ncm811.yaml").write_text(yaml.safe_dump({**ncm, "formula": "LiNi0.8Mn0.1Co0.1O2",
                                                        "redox": {"Ni": 4, "Co": 4},
                                                        "oxidation_states": {"Mn": 4, "Co": 3}}))
    return {p.stem: p for p in folder.iterdir()} | {
        "out": folder / "out.parquet", "bpx": folder / "cell.bpx.json", "pack": folder / "pack.yaml",
        "evaluation": folder / "evaluation", "calibration": folder / "calibration.yaml",
        "discharge": folder / "discharge.csv", "batterypass": folder / "batterypass.json"}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("json")
    with pytest.MonkeyPatch.context() as env:
        # a store and a passport folder of this module's own (ingest, tests, safety store, admin, passports)
        env.setenv("CELLBENCH_DATABASE_URL", f"sqlite:///{folder / 'lab.db'}")
        env.setenv("CELLBENCH_DATA_DIR", str(folder / "data"))
        made = make_inputs(folder)
        assert cli.run(["pack", "design", "-o", str(made["pack"]), "--json"]) == 0
        # a measured 1C discharge of lg-m50 to calibrate and validate against: the simulator's own, as a CSV
        assert cli.run(["simulate", "--cell", "lg-m50", "--protocol", "Discharge at 1C until 2.5 V", "--model", "spm",
                        "--out", str(made["out"]), "--json"]) == 0
        from cellbench.measurements import read

        read(made["out"]).to_csv(made["discharge"], header_style="human")
        yield made


def run_json(capsys, files, arguments: list[str], expect: int = 0):
    """Run a command with --json; its exit status checked, its stdout parsed."""
    capsys.readouterr()
    code = cli.run([a.format(**{k: str(v) for k, v in files.items()}) for a in arguments] + ["--json"])
    out, err = capsys.readouterr()
    assert code == expect, err
    return json.loads(out)


CASES = [
    ("cells-list", ["cells", "list"]),
    ("cells-show", ["cells", "show", "std-2.1"]),
    ("cells-show", ["cells", "show", "lg-m50"]),
    ("materials-list", ["materials", "list"]),
    ("materials-show", ["materials", "show", "lgps"]),
    ("materials-show", ["materials", "show", "ncm811"]),
    ("materials-show", ["materials", "show", "lithium-metal"]),
    ("materials-show", ["materials", "show", "al-laminate-pouch"]),
    ("materials-check", ["materials", "check", "{ncm811}"]),
    ("materials-check", ["materials", "check", "{lpscl}"]),
    ("formats", ["formats"]),
    ("tortuosity", ["tortuosity", "{mixed}"]),
    ("tortuosity", ["tortuosity", "{mixed}", "--check", "--stderr", "0.2"]),
    ("tortuosity", ["tortuosity", "{blocked}"]),
    ("tortuosity", ["tortuosity", "{mixed}", "--axis", "all"]),
    ("summarize", ["summarize", "{test}"]),
    ("summarize", ["summarize", "{test}", "--steps"]),
    ("convert", ["convert", "{test}", "-o", "{out}"]),
    ("targets-list", ["targets", "list"]),
    ("targets-show", ["targets", "show", "battery-strategy-2026"]),
    ("targets-check", ["targets", "check", "--cell", "std-2.1"]),
    ("targets-check", ["targets", "check", "--material", "lgps", "--figure", "pack_cost_yen_per_kwh=12000",
                       "--assessed-only"]),
    ("cfp", ["cfp", "--cell", "std-2.1"]),
    ("recycle", ["recycle", "--cell", "std-2.1", "--route", "hydro"]),
    ("recycle", ["recycle", "--cell", "lg-m50", "--route", "pyro"]),
    ("ageing-plan", ["ageing", "plan"]),
    ("ageing-fit", ["ageing", "fit", "{checkups}"]),
    ("ageing-fit", ["ageing", "fit", "{checkups}", "--exponent", "free"]),
    ("ageing-predict", ["ageing", "predict", "{checkups}"]),
    ("ageing-run", ["ageing", "run", "std-2.1", "--checkpoints", "0,28"]),
    ("ageing-early-life", ["ageing", "early-life", "{cycling}", "--early", "1", "--late", "2"]),
    ("diagnose", ["diagnose", "{aged}", "--cell", "std-2.1", "--reference", "{fresh}"]),
    ("eis", ["eis", "{eis}"]),
    ("arc", ["arc", "{arc}"]),
    ("safety-tests", ["safety", "tests"]),
    ("safety-show", ["safety", "show", "ni_nail"]),
    ("safety-judge", ["safety", "judge", str(EXAMPLES.parent / "src/cellbench/safety/data/examples/records/"
                                             "record_ni_nail_assb.yaml"), "-d",
                      str(EXAMPLES.parent / "src/cellbench/safety/data/examples")]),
    ("safety-heat", ["safety", "heat"]),
    ("safety-heat", ["safety", "heat", "--mode", "arc"]),
    ("scenario-run", ["scenario", "run", str(EXAMPLES / "scenarios" / "s2.yaml"), "--years", "2030,2035"]),
    ("scenario-run", ["scenario", "run", str(EXAMPLES / "scenarios" / "s2.yaml"), "--years", "2030",
                      "--by-segment"]),
    ("scenario-run", ["scenario", "run", str(EXAMPLES / "scenarios" / "outcome.yaml"), "--compare"]),
    ("pack-design", ["pack", "design"]),
    ("pack-heat", ["pack", "heat", "--pack", "{pack}", "--scenario", "charge", "--cooling", "none,liquid"]),
    ("drive", ["drive", "--pack", "{pack}", "--cycle", "constant", "--speed-km-h", "50", "--duration-s", "120"]),
    ("fastcharge", ["fastcharge", "--pack", "{pack}", "--to-soc", "0.3"]),
    ("fastcharge", ["fastcharge", "--pack", "{pack}", "--to-soc", "0.3", "--then-drive", "wltc1"]),
    ("simulate", ["simulate", "--cell", "std-2.1", "--protocol", "capacity-1c", "--model", "spm"]),
    ("simulate", ["simulate", "--cell", "std-1", "--protocol", "Discharge at 1C until 3.0 V", "--model", "spm",
                  "--out", "{out}"]),
    ("export-bpx", ["export-bpx", "--cell", "std-2.1", "--out", "{bpx}"]),
    ("passport-list", ["passport", "list"]),
    ("passport-show", ["passport", "show", "demo"]),
    ("passport-show", ["passport", "show", "demo", "--as", "legitimate_interest"]),
    ("passport-due-diligence", ["passport", "due-diligence", "--battery", "demo", "--as", "authorities"]),
    ("passport-soh", ["passport", "soh", "--battery", "demo", "--soh", "93.5", "--resistance-increase", "12"]),
    ("passport-soh", ["passport", "soh", "--battery", "demo", "--measurement", "{discharge}"]),
    ("passport-export", ["passport", "export", "--battery", "demo", "-o", "{batterypass}"]),
    ("passport-export", ["passport", "export", "--battery", "demo", "-o", "{batterypass}", "--as", "public"]),
    ("passport-import", ["passport", "import", str(ROOT / "src/cellbench/sustainability/data/passports/demo.yaml")]),
    ("validate", ["validate", "lg-m50", "{discharge}", "--model", "spm", "--thermal", "isothermal"]),
    ("calibrate", ["calibrate", "lg-m50", "{discharge}", "-p", "heat_transfer_W_m2K", "--model", "spm",
                   "--max-evaluations", "3", "--out", "{calibration}"]),
    ("evaluate", ["evaluate", "--cell", "std-2.1", "--material", "lgps", "--suite", "{suite}", "--no-sensitivity",
                  "--workers", "1", "--out", "{evaluation}"]),
]
# commands that keep state in the store, in the order a user would run them: (schema, arguments, exit status)
STORE_SEQUENCE = [
    ("ingest", ["ingest", "{test}", "{arc}"], 1),  # the ARC log is no cycler file: recorded as a failure
    ("ingest", ["ingest", "{test}"], 0),  # already stored
    ("tests-list", ["tests", "list"], 0),
    ("tests-show", ["tests", "show", "1"], 0),
    ("tests-flag", ["tests", "flag", "1", "--negative", "no plateau"], 0),
    ("tests-failures", ["tests", "failures"], 0),
    ("safety-store", ["safety", "store", str(ROOT / "src/cellbench/safety/data/examples/records/"
                                              "record_ni_nail_assb.yaml"),
                      "-d", str(ROOT / "src/cellbench/safety/data/examples")], 0),
    ("safety-records", ["safety", "records"], 0),
    ("admin-organisation", ["admin", "organisation", "Cell Lab"], 0),
    ("admin-organisation", ["admin", "organisation", "Materials Co"], 0),
    ("admin-user", ["admin", "user", "a@lab.example", "--organisation", "Cell Lab", "--password", "correct horse"], 0),
    ("admin-token", ["admin", "token", "a@lab.example"], 0),
    ("admin-consortium", ["admin", "consortium", "ASSB", "--member", "Cell Lab", "--member", "Materials Co"], 0),
    ("campaign-run", ["campaign", "run", "{campaign}", "--workers", "0"], 0),
    ("campaign-resume", ["campaign", "resume", "--latest", "--budget", "6", "--workers", "0"], 0),
    ("campaign-show", ["campaign", "show"], 0),
    ("campaign-show", ["campaign", "show", "--trials"], 0),
    # a lab campaign: its round proposes samples to make and test (the other shape of run and resume)
    ("campaign-run", ["campaign", "run", str(EXAMPLES / "campaigns" / "lab-loop.yaml")], 0),
    ("campaign-resume", ["campaign", "resume", "--latest"], 0),
]


@pytest.mark.parametrize("name, arguments", CASES, ids=[" ".join(a) for _, a in CASES])
def test_json_output_matches_its_schema(capsys, files, name, arguments):
    assert_valid(name, run_json(capsys, files, arguments))


def test_json_of_the_commands_that_keep_state_matches_their_schemas(capsys, files):
    for name, arguments, expect in STORE_SEQUENCE:
        assert_valid(name, run_json(capsys, files, arguments, expect))


def test_watch_prints_one_document_per_handled_file(capsys, files, tmp_path):
    from cellbench.measurements import Measurement

    folder = tmp_path / "exports"
    folder.mkdir()
    for k in range(2):
        t = np.linspace(0, 3600, 61)
        Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": 4.2 - 0.3 * t / 3600 - 0.01 * k,
                                  "current_ampere": np.full(61, -1.0)})).to_parquet(folder / f"cell-{k}.parquet")
    capsys.readouterr()
    assert cli.run(["watch", str(folder), "--once", "--interval", "0", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert_valid("watch", json.loads(line))


def test_every_command_that_prints_a_result_has_json_and_a_schema():
    missing = []
    for path, options in leaf_commands():
        name = " ".join(path)
        if name in NO_RESULT:
            assert "--json" not in options, f"{name} takes --json: give it a schema and a case, not an exemption"
            continue
        if "--json" not in options:
            missing.append(f"{name}: no --json")
        elif not schema_path("-".join(path)).exists():
            missing.append(f"{name}: no {schema_path('-'.join(path)).relative_to(ROOT)}")
    assert missing == []


def test_every_schema_is_valid_says_what_it_describes_and_is_checked_here():
    paths = sorted(DOCS.glob("cli-*.schema.json"))
    checked = {n for n, _ in CASES} | {n for n, _, _ in STORE_SEQUENCE} | {"watch"}
    assert {p.name.removeprefix("cli-").removesuffix(".schema.json") for p in paths} == checked - set(SCHEMA_FILE)
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(doc)
        assert doc["title"].startswith("cellbench ") and doc["title"].endswith(" --json") and doc["description"]


def test_the_schemas_made_from_models_are_what_the_generator_writes():
    from cellbench.commands.schemas import generated

    made = generated()
    assert len(made) >= 10
    for filename, document in made.items():
        assert json.loads((DOCS / filename).read_text(encoding="utf-8")) == document, (
            f"docs/{filename} is out of date: run `python scripts/write_schemas.py`")


def test_a_schema_rejects_output_of_the_wrong_shape(capsys):
    assert cli.run(["cells", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    validator = Draft202012Validator(schema("cells-list"))
    assert validator.is_valid(rows)
    rows[0]["capacity_mAh"] = "11 mAh"
    del rows[1]["wh_per_kg"]
    messages = sorted(e.message for e in validator.iter_errors(rows))
    assert messages == ["'11 mAh' is not of type 'number', 'null'", "'wh_per_kg' is a required property"]


def test_a_model_schema_rejects_a_record_missing_a_field():
    from cellbench.store import IngestResult

    good = json.loads(IngestResult(source="x.csv", status="stored", test_id=3, row_count=10).model_dump_json())
    validator = Draft202012Validator(schema("watch"))
    assert validator.is_valid(good)
    assert [e.message for e in validator.iter_errors({k: v for k, v in good.items() if k != "status"})] == [
        "'status' is a required property"]
    assert not validator.is_valid(good | {"status": "half stored"})
