"""Tortuosity of a 96³ electrode volume: cellbench's random walk against TauFactor on the CPU, same run.

The claim (issue 7): cellbench's random walk reaches ≤5 % statistical error within 2× TauFactor's time.
The volume is a generated composite cathode (the std-2.1 cathode's phase fractions, spheres of active
material and void in a solid-electrolyte matrix); the conducting phase is the electrolyte, axis x.
cellbench's own steady-state conduction solve (finite volumes, conjugate gradients) runs too, as the
reference τ that does not need TauFactor.

Run: ``python benchmarks/bench_tortuosity.py`` (TauFactor is in the ``bench`` extra; install the CPU
build of torch first). Without TauFactor the anchor is cellbench's conduction solve, and it says so.
"""

from __future__ import annotations

import sys
import time

from importlib.metadata import version

import numba
import numpy as np

import cellbench.microstructure as ms

SHAPE = (96, 96, 96)
FRACTIONS = {"active_material": 0.405, "solid_electrolyte": 0.452, "void": 0.143}  # std-2.1 cathode
TARGET_REL_STDERR = 0.05


def main() -> int:
    volume = ms.sphere_packing(SHAPE, voxel_size_um=0.3, fractions=FRACTIONS, seed=7,
                               radius_um={"active_material": 2.5, "void": 0.6})
    phase = volume.mask("solid_electrolyte")
    threads = numba.get_num_threads()
    print(f"volume {SHAPE}, electrolyte fraction {phase.mean():.3f}, {threads} threads")

    ms.random_walk_tau(phase[:8, :8, :8], 0, steps=100, target_rel_stderr=0.5)  # compile (cached) outside the timing
    start = time.perf_counter()
    walk = ms.random_walk_tau(phase, 0, target_rel_stderr=TARGET_REL_STDERR, seed=1)
    walk_s = time.perf_counter() - start
    print(f"cellbench random walk : tau = {walk.tau:.4f} ± {walk.tau_stderr:.4f} "
          f"({walk.tau_stderr / walk.tau:.1%}), {walk.walkers} walkers × {walk.steps} steps, {walk_s:.2f} s")

    start = time.perf_counter()
    solved = ms.solve_conduction(phase, 0)
    solve_s = time.perf_counter() - start
    print(f"cellbench conduction  : tau = {solved.tau:.4f}, {solve_s:.2f} s")

    anchor_name, anchor_tau, anchor_s = "cellbench conduction solve", solved.tau, solve_s
    try:
        import taufactor
        import torch
    except ImportError:
        print("TauFactor not installed (pip install -e '.[bench]'): anchoring on the conduction solve")
    else:
        torch.set_num_threads(threads)
        start = time.perf_counter()
        solver = taufactor.Solver(phase.astype(np.uint8), device=torch.device("cpu"))
        solver.solve(verbose="")
        anchor_s = time.perf_counter() - start
        anchor_tau = float(np.asarray(solver.tau).ravel()[0])
        anchor_name = f"TauFactor {version('taufactor')} (torch {torch.__version__})"
        print(f"TauFactor (CPU)       : tau = {anchor_tau:.4f}, {anchor_s:.2f} s")

    ratio = walk_s / anchor_s
    deviation = walk.tau / anchor_tau - 1
    print(f"time ratio cellbench / {anchor_name}: {ratio:.2f} (target ≤ 2)")
    print(f"tau deviation from {anchor_name}: {deviation:+.2%} (statistical error {walk.tau_stderr / walk.tau:.1%})")
    rel_stderr = walk.tau_stderr / walk.tau
    # the walk's τ should sit within its own noise (3σ) plus the ~1% the finite walk length leaves
    ok = ratio <= 2 and rel_stderr <= TARGET_REL_STDERR and abs(deviation) <= 3 * rel_stderr + 0.01
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
