"""docs/evaluation-results.schema.json is the JSON Schema of the typed result (regenerate it when the model changes:
`python scripts/write_schemas.py`)."""

import json
from pathlib import Path

from cellbench.evaluation.result import EvaluationResult, json_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "evaluation-results.schema.json"


def test_published_schema_is_the_models():
    assert json.loads(SCHEMA_FILE.read_text()) == json_schema()


def test_schema_requires_band_and_effect_on_every_metric_row():
    row = json_schema()["$defs"]["MetricRow"]
    assert {"verdict", "effect", "direction"} <= set(row["required"])
    assert set(row["properties"]["verdict"]["enum"]) == {"better", "worse", "same", "n/a", "not assessed"}
    assert EvaluationResult.model_fields["schema_"].default == "cellbench.evaluation/2"
