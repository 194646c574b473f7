"""`--json` output has the shape its schema in docs/ says (docs/cli-*.schema.json, JSON Schema 2020-12)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from jsonschema import Draft202012Validator

from cellbench import cli

DOCS = Path(__file__).resolve().parents[2] / "docs"


def schema(name: str) -> dict:
    return json.loads((DOCS / f"cli-{name}.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    from cellbench.measurements import Measurement

    folder = tmp_path_factory.mktemp("json")
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
    return {"mixed": folder / "mixed.npy", "blocked": folder / "blocked.npy", "csv": folder / "test.csv",
            "out": folder / "out.parquet"}


CASES = [
    ("cells-list", ["cells", "list"]),
    ("cells-show", ["cells", "show", "std-2.1"]),
    ("cells-show", ["cells", "show", "lg-m50"]),
    ("materials-list", ["materials", "list"]),
    ("materials-show", ["materials", "show", "lgps"]),
    ("materials-show", ["materials", "show", "ncm811"]),
    ("materials-show", ["materials", "show", "lithium-metal"]),
    ("materials-show", ["materials", "show", "al-laminate-pouch"]),
    ("formats", ["formats"]),
    ("tortuosity", ["tortuosity", "{mixed}"]),
    ("tortuosity", ["tortuosity", "{mixed}", "--check", "--stderr", "0.2"]),
    ("tortuosity", ["tortuosity", "{blocked}"]),
    ("summarize", ["summarize", "{csv}"]),
    ("summarize", ["summarize", "{csv}", "--steps"]),
    ("convert", ["convert", "{csv}", "-o", "{out}"]),
    ("targets-list", ["targets", "list"]),
    ("cfp", ["cfp", "--cell", "std-2.1"]),
    ("ageing-plan", ["ageing", "plan"]),
    ("safety-tests", ["safety", "tests"]),
    ("safety-heat", ["safety", "heat"]),
    ("targets-show", ["targets", "show", "battery-strategy-2026"]),
    ("recycle", ["recycle", "--cell", "std-2.1", "--route", "hydro"]),
    ("recycle", ["recycle", "--cell", "lg-m50", "--route", "pyro"]),
    ("pack-design", ["pack", "design"]),
    ("simulate", ["simulate", "--cell", "std-2.1", "--protocol", "capacity-1c", "--model", "spm"]),
    ("simulate", ["simulate", "--cell", "std-1", "--protocol", "Discharge at 1C until 3.0 V", "--model", "spm",
                  "--out", "{out}"]),
]


@pytest.mark.parametrize("name, arguments", CASES, ids=[" ".join(a) for _, a in CASES])
def test_json_output_matches_its_schema(capsys, files, name, arguments):
    code = cli.run([a.format(**{k: str(v) for k, v in files.items()}) for a in arguments] + ["--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    errors = sorted(Draft202012Validator(schema(name)).iter_errors(json.loads(out)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_every_schema_is_valid_and_says_what_it_describes():
    paths = sorted(DOCS.glob("cli-*.schema.json"))
    assert {p.name.removeprefix("cli-").removesuffix(".schema.json") for p in paths} == {n for n, _ in CASES}
    for path in paths:
        doc = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(doc)
        assert doc["title"].startswith("cellbench ") and doc["title"].endswith(" --json") and doc["description"]


def test_a_schema_rejects_output_of_the_wrong_shape(capsys):
    assert cli.run(["cells", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    validator = Draft202012Validator(schema("cells-list"))
    assert validator.is_valid(rows)
    rows[0]["capacity_mAh"] = "11 mAh"
    del rows[1]["wh_per_kg"]
    messages = sorted(e.message for e in validator.iter_errors(rows))
    assert messages == ["'11 mAh' is not of type 'number', 'null'", "'wh_per_kg' is a required property"]
