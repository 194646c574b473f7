"""docs/cli.md, the command reference, written from the application itself.

Regenerate after changing a command: ``python -m cellbench.commands.reference`` (``make cli-docs`` does the same);
tests/cli/test_reference.py fails while docs/cli.md differs from what the app says.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

PREAMBLE = """\
<!-- Generated from the application by `python -m cellbench.commands.reference`; do not edit by hand. -->

Every command answers `--help`. Commands that print a result take `--json` (shapes: `docs/*.schema.json`).
Off a terminal (a pipe, a file) the output is plain text: no box drawing, no colour. On a terminal, a table
wider than the window is shown one record at a time; long work shows a progress bar with counts.

Exit status:

| status | meaning |
|---|---|
| 0 | done |
| 1 | bad input: the content of a file is wrong (the message names the file, and the line, column or field); a judged result did not pass (`safety judge`, `materials check --strict`); or an internal error (a line starting `internal error:` that names the file holding the traceback; add `--debug` anywhere to print it instead) |
| 2 | usage error: an unknown command or option, a missing or malformed argument or option value, or an unknown id (cell, material, protocol, target set, test…: the message names the closest valid one) |
| 3 | simulation failure (the solver could not run a step; `drive`: the pack cannot deliver the cycle) |
| 4 | access denied |
| 130 | interrupted |

Shell completion: `cellbench --install-completion` (bash, zsh, fish, PowerShell; open a new shell afterwards);
`cellbench --show-completion` prints the script instead.

"""


def markdown(app: "typer.Typer | None" = None) -> str:
    """The reference page for every command, from the Typer app's own help (default: the app
    :func:`cellbench.commands.build_app` makes, the one `cellbench` runs)."""
    import typer
    import typer.main
    from typer.cli import get_docs_for_click

    from cellbench.commands import build_app

    command = typer.main.get_command(app if app is not None else build_app())
    ctx = typer.Context(command)
    body = get_docs_for_click(obj=command, ctx=ctx, name="cellbench", title="cellbench command reference")
    title, _, rest = body.strip().partition("\n")
    return f"{title}\n\n{PREAMBLE}{_schemas()}{rest.strip()}\n"


def _schemas() -> str:
    """The list of documented --json shapes, from the schema files beside this page."""
    import json

    docs = Path(__file__).resolve().parents[3] / "docs"
    lines = []
    for path in sorted(docs.glob("cli-*.schema.json")):
        title = json.loads(path.read_text(encoding="utf-8"))["title"]
        lines.append(f"* `{title}`: [{path.name}]({path.name})")
    lines.append("* `cellbench evaluate --json` (results.json): [evaluation-results.schema.json]"
                 "(evaluation-results.schema.json)")
    return ("JSON shapes, each checked against a real run of its command by tests/cli/test_json_schemas.py (those made "
            "from typed models, or composed around them, are written by `python scripts/write_schemas.py`; "
            "`watch --json` prints one document per line):\n\n" + "\n".join(lines) + "\n\n")


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path(__file__).resolve().parents[3] / "docs" / "cli.md"
    target.write_text(markdown(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
