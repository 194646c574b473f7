"""Run mypy on src/cellbench (configuration in pyproject.toml) and write its error count per file to
tests/mypy-baseline.txt, the ceiling tests/test_typing.py holds every file to.

    .venv/bin/python scripts/mypy_baseline.py            # rewrite the baseline
    .venv/bin/python scripts/mypy_baseline.py --check    # print what changed, write nothing

Regenerate after removing errors so that the ceiling comes down with them; never to let a count grow.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
BASELINE = REPOSITORY / "tests" / "mypy-baseline.txt"
HEADER = ("# mypy errors per file of src/cellbench (configuration: [tool.mypy] in pyproject.toml).\n"
          "# tests/test_typing.py fails when a file has more; regenerate with scripts/mypy_baseline.py.\n")
# "src/cellbench/x.py:12: error: ...": notes and the summary line are not errors
ERROR_LINE = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ")


def run_mypy() -> tuple[Counter[str], str]:
    """Error count per file, and mypy's whole output (for a message when it did not run)."""
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", "--show-error-codes"],
                          cwd=REPOSITORY, capture_output=True, text=True)
    # exit status 0: no errors, 1: errors found, 2: mypy itself failed (configuration, crash)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"mypy failed (exit status {done.returncode}):\n{done.stdout}{done.stderr}")
    return count_errors(done.stdout), done.stdout


def count_errors(output: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in output.splitlines():
        match = ERROR_LINE.match(line)
        if match:
            counts[match["path"].replace("\\", "/")] += 1
    return counts


def read_baseline(path: Path = BASELINE) -> Counter[str]:
    counts: Counter[str] = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        count, _, name = line.strip().partition(" ")
        if not count.isdigit() or not name:
            raise ValueError(f"{path}:{number}: expected '<count> <file>', got {line!r}")
        counts[name] = int(count)
    return counts


def format_baseline(counts: Counter[str]) -> str:
    rows = "".join(f"{counts[name]} {name}\n" for name in sorted(counts) if counts[name])
    return f"{HEADER}# total {sum(counts.values())}\n{rows}"


def compare(now: Counter[str], baseline: Counter[str]) -> tuple[list[str], list[str]]:
    """(files with more errors than their baseline, files with fewer), each line 'file: before → now'."""
    grew = [f"{name}: {baseline[name]} → {now[name]}" for name in sorted(now) if now[name] > baseline[name]]
    shrank = [f"{name}: {baseline[name]} → {now[name]}" for name in sorted(baseline) if now[name] < baseline[name]]
    return grew, shrank


def main(argv: list[str]) -> int:
    now, _ = run_mypy()
    if "--check" in argv:
        grew, shrank = compare(now, read_baseline()) if BASELINE.exists() else ([], [])
        for line in grew:
            print("more:", line)
        for line in shrank:
            print("fewer:", line)
        print(f"{sum(now.values())} errors in {len(now)} files")
        return 1 if grew else 0
    BASELINE.write_text(format_baseline(now), encoding="utf-8")
    print(f"wrote {BASELINE.relative_to(REPOSITORY)}: {sum(now.values())} errors in {len(now)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
