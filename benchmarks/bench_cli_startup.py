"""Command-line start-up: `cellbench --help` and `cellbench cells list` beside Python's own start-up, same run.

The claim (issue 25, item 4): both answer in ≤ 0.5 s. Each command runs as a fresh process (the installed
`cellbench` entry point), several times, interleaved with the anchors; the best and the median wall-clock
times are printed, with the CPU time of the process (user + system), which other work on the machine
disturbs less than the wall clock.

Anchors, each the plain, documented way to start the same thing:
- ``python -c pass``: the interpreter alone, the floor no Python command line goes below;
- ``python -c "import typer, rich.console"``: the CLI libraries cellbench is built on;
- ``python -c "import pybamm"``: what every start-up cost before the imports were made lazy, and what a
  command that simulates still pays.

The processes run with Python's bytecode cache on, as after a normal install (pip compiles what it installs;
an editable install writes ``__pycache__`` on first use): ``PYTHONDONTWRITEBYTECODE`` is dropped from their
environment, and a warm-up run of each command comes first.

Run: ``python benchmarks/bench_cli_startup.py [--runs 7]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

LIMIT_S = 0.5


def cellbench() -> list[str]:
    script = Path(sys.executable).with_name("cellbench")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cellbench.cli"]


ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def once(command: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120,
                   env=ENVIRONMENT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    commands = {
        "python -c pass (anchor)": [sys.executable, "-c", "pass"],
        "import typer, rich (anchor)": [sys.executable, "-c", "import typer, rich.console"],
        "import pybamm (anchor)": [sys.executable, "-c", "import pybamm"],
        "cellbench --help": [*cellbench(), "--help"],
        "cellbench cells list": [*cellbench(), "cells", "list"],
    }
    for command in commands.values():  # warm the file cache and the bytecode
        once(command)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(once(command))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.runs} runs each, interleaved")
    print(f"{'':30s} {'best s':>7} {'median s':>9} {'CPU s':>6}")
    summary = {}
    for name, runs in times.items():
        walls = [w for w, _ in runs]
        cpus = [c for _, c in runs]
        summary[name] = (min(walls), statistics.median(walls), statistics.median(cpus))
        print(f"{name:30s} {min(walls):7.3f} {statistics.median(walls):9.3f} {statistics.median(cpus):6.3f}")
    floor = summary["python -c pass (anchor)"][0]
    pybamm = summary["import pybamm (anchor)"][0]
    ok = True
    for name in ("cellbench --help", "cellbench cells list"):
        best, median, cpu = summary[name]
        print(f"{name}: best {best:.3f} s = {best / floor:.0f}× bare Python, {best / pybamm:.2f}× importing PyBaMM; "
              f"CPU {cpu:.3f} s (target ≤ {LIMIT_S} s)")
        ok &= best <= LIMIT_S
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
