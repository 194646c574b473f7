"""`make demo`: the main job on the embedded defaults.

Evaluates an example new solid electrolyte (examples/materials/) in the 1st-generation standard cell 2.1 when
the evaluation package is present; otherwise prints the catalogue and one cell's breakdown.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cellbench.errors import CellbenchError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_MATERIAL = REPO / "examples" / "materials" / "argyrodite-hc.yaml"


def main() -> int:
    from cellbench.cli import app

    try:
        from cellbench import evaluation  # noqa: F401
    except ImportError:
        evaluation = None
    try:
        if evaluation is not None and EXAMPLE_MATERIAL.exists():
            args = ["evaluate", "--cell", "std-2.1", "--material", str(EXAMPLE_MATERIAL), "--out", "demo-output"]
        else:
            app(["cells", "list"], standalone_mode=False)
            args = ["cells", "show", "std-2.1"]
        app(args, standalone_mode=False)
    except CellbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
