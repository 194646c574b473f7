"""Write docs/evaluation-results.schema.json from the typed evaluation result (run after changing the model)."""

import json
from pathlib import Path

from cellbench.evaluation.result import json_schema

target = Path(__file__).resolve().parents[1] / "docs" / "evaluation-results.schema.json"
target.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
print(f"wrote {target}")
