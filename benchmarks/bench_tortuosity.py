"""Tortuosity per call, cellbench beside TauFactor on the CPU, on 96³ and 128³ porous volumes, same run.

The claim (issue 25, item 3): a `cellbench tortuosity VOLUME` call takes no longer than TauFactor's, start-up
included, at ≤ 5 % difference in τ; the volume needs no voxel size.

The volumes are generated composite cathodes: spheres of active material and void in a solid-electrolyte
matrix at the std-2.1 cathode's phase fractions, and the programme's random blocks at the same fractions.
The conducting phase is the electrolyte, axis x. Each is written as a bare ``.npy`` (no voxel size).

Both sides run as a fresh process per volume, timed from launch to exit:
- cellbench: the command line, ``cellbench tortuosity VOLUME --json`` (defaults: conduction solve).
- TauFactor (the anchor, used as its documentation recommends): ``taufactor.Solver(img, device="cpu")`` on
  the binary image of the conducting phase, then ``solver.solve()`` with its default convergence criterion,
  in a Python process that imports NumPy, PyTorch and TauFactor (PyTorch's default threads: both cores).
Each side also reports its solve alone (inside the process), so start-up and solve can be told apart; the
wall-clock figures move with whatever else runs on the machine, the CPU seconds of each process less so.

Run: ``python benchmarks/bench_tortuosity.py`` (``--quick``: the 96³ sphere packing only). TauFactor is in
the ``bench`` extra; install the CPU build of torch first (``pip install torch==2.13.0``).
"""

from __future__ import annotations

import argparse
import json
import resource
import os
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

import cellbench.microstructure as ms

FRACTIONS = {"active_material": 0.405, "solid_electrolyte": 0.452, "void": 0.143}  # std-2.1 cathode
ELECTROLYTE = 2
MAX_DEVIATION = 0.05

ANCHOR = """
import json, sys, time
import numpy as np
import torch
import taufactor

labels = np.load(sys.argv[1])
img = (labels == int(sys.argv[2])).astype(np.uint8)   # TauFactor: 1 conducts, 0 does not; axis x is the first
start = time.perf_counter()
solver = taufactor.Solver(img, device=torch.device("cpu"))
solver.solve(verbose=False)
solve_s = time.perf_counter() - start
print(json.dumps({"tau": float(np.asarray(solver.tau).ravel()[0]), "solve_s": solve_s,
                  "threads": torch.get_num_threads()}))
"""


def volumes(quick: bool) -> list[tuple[str, ms.Volume]]:
    sizes = (96,) if quick else (96, 128)
    out = []
    for n in sizes:
        out.append((f"spheres {n}³", ms.sphere_packing((n, n, n), voxel_size_um=0.3, fractions=FRACTIONS, seed=7,
                                                        radius_um={"active_material": 2.5, "void": 0.6})))
        if not quick:
            out.append((f"blocks {n}³", ms.random_blocks((n, n, n), voxel_size_um=0.3, fractions=FRACTIONS,
                                                         grain_um=1.2, seed=7)))
    return out


def timed(command: list[str]) -> tuple[dict, float, float]:
    """Run a process; its JSON output, wall seconds and CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} … failed:\n{run.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(run.stdout), wall, cpu


def cellbench_command() -> list[str]:
    script = Path(sys.executable).with_name("cellbench")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cellbench.cli"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 96³ sphere packing only")
    args = parser.parse_args()
    try:
        import taufactor  # noqa: F401
        import torch
    except ImportError:
        print("TauFactor not installed (pip install torch==2.13.0, then pip install -e '.[bench]'): "
              "no anchor, nothing to compare")
        return 1
    try:
        anchor_name = f"TauFactor {version('taufactor')} (torch {torch.__version__}, CPU)"
    except PackageNotFoundError:
        anchor_name = "TauFactor (CPU)"
    print(f"anchor: {anchor_name}; cellbench: {' '.join(Path(c).name for c in cellbench_command())} "
          f"tortuosity VOLUME --json (conduction solve)")
    ok = True
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, volume in volumes(args.quick):
            path = Path(tmp) / (name.replace(" ", "-").replace("³", "") + ".npy")
            np.save(path, volume.labels)  # a bare array: no voxel size, no description beside it
            phase = volume.labels == ELECTROLYTE
            # in-process solve time of cellbench (imports already paid in this process)
            start = time.perf_counter()
            inside = ms.tortuosity(ms.Volume(volume.labels), phase="solid_electrolyte", axis="x")
            cb_solve_s = time.perf_counter() - start
            anchor, tf_wall, tf_cpu = timed([sys.executable, "-c", ANCHOR, str(path), str(ELECTROLYTE)])
            mine, cb_wall, cb_cpu = timed([*cellbench_command(), "tortuosity", str(path), "--json"])
            deviation = mine["tau"] / anchor["tau"] - 1
            ratio = cb_wall / tf_wall
            rows.append((name, phase.mean(), mine, anchor, cb_wall, tf_wall, cb_cpu, tf_cpu, cb_solve_s))
            print(f"\n{name}: electrolyte fraction {phase.mean():.3f}")
            print(f"  TauFactor  per call {tf_wall:6.2f} s wall, {tf_cpu:6.2f} s CPU; solve {anchor['solve_s']:6.2f} s "
                  f"({anchor['threads']} threads); tau = {anchor['tau']:.4f}")
            print(f"  cellbench  per call {cb_wall:6.2f} s wall, {cb_cpu:6.2f} s CPU; solve {cb_solve_s:6.2f} s; "
                  f"tau = {mine['tau']:.4f} (iteration error ≈ {mine['tau_stderr']:.1e}, {mine['iterations']} "
                  f"iterations)")
            print(f"  per-call time ratio cellbench / TauFactor: {ratio:.2f} (target ≤ 1); CPU ratio "
                  f"{cb_cpu / tf_cpu:.2f}; solve-only ratio {cb_solve_s / anchor['solve_s']:.2f}; "
                  f"tau deviation {deviation:+.2%} (target within ±{MAX_DEVIATION:.0%})")
            ok &= ratio <= 1 and abs(deviation) <= MAX_DEVIATION and inside.tau == mine["tau"]
    print("\nvolume           tau cellbench  tau TauFactor  deviation  per call cb / TF (s)  ratio")
    for name, _, mine, anchor, cb_wall, tf_wall, *_ in rows:
        print(f"{name:15s}  {mine['tau']:13.4f}  {anchor['tau']:13.4f}  {mine['tau'] / anchor['tau'] - 1:+9.2%}  "
              f"{cb_wall:8.2f} / {tf_wall:8.2f}  {cb_wall / tf_wall:5.2f}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other work on the machine slows both sides)")
    sys.exit(main())
