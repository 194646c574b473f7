"""Write the JSON Schemas that come from code into docs/: results.json's (docs/evaluation-results.schema.json, from
the typed evaluation result) and the `--json` shapes of cellbench.commands.schemas (docs/cli-*.schema.json).
Run after changing one of those models or shapes; tests/evaluation/test_results_schema.py and
tests/cli/test_json_schemas.py fail while a file differs from what this writes."""

import json
from pathlib import Path

from cellbench.commands.schemas import generated
from cellbench.evaluation.result import json_schema

docs = Path(__file__).resolve().parents[1] / "docs"
for name, document in {"evaluation-results.schema.json": json_schema(), **generated()}.items():
    target = docs / name
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {target}")
