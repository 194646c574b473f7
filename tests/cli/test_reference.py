"""docs/cli.md is the application's own help, and shell completion answers from the same application."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cellbench.commands.reference import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_is_what_the_app_says():
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/cli.md is out of date: run `python -m cellbench.commands.reference` (or `make cli-docs`)")


def test_the_reference_holds_every_command_with_its_options():
    text = markdown()
    for heading in ("## `cellbench evaluate`", "## `cellbench cells list`", "## `cellbench tortuosity`"):
        assert heading in text, heading
    assert "`--wide`" in text and "`--install-completion`" in text


def complete(words: str) -> list[str]:
    env = dict(os.environ, _CELLBENCH_COMPLETE="complete_bash", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split()) - 1))
    run = subprocess.run([sys.executable, "-c", "import sys; sys.argv = ['cellbench']; "
                          "from cellbench.cli import main; main()"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.split()


def test_completion_names_commands_and_subcommands():
    assert complete("cellbench cel") == ["cells"]
    assert complete("cellbench cells sh") == ["show"]
    assert "--wide" in complete("cellbench cells list --w")


def test_completion_installs_with_one_command(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), SHELL="/bin/bash")
    run = subprocess.run([sys.executable, "-m", "cellbench.cli", "--install-completion", "bash"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "_CELLBENCH_COMPLETE" in (tmp_path / ".bash_completions" / "cellbench.sh").read_text()
    assert "cellbench.sh" in (tmp_path / ".bashrc").read_text()
