"""Random-walk tortuosity: how much slower walkers spread in the structure than in free space.

Walkers live on the voxel grid of the conducting phase. At each step a walker picks one of the six face
neighbours at random; if that voxel is not conducting it stays where it is and the step still counts
("blind ant"). In free space the mean squared displacement along an axis grows as t/3 (t in steps); in the
structure it grows, in the long-time limit, as t/(3τ). This dynamics is the discrete diffusion equation
with no-flux walls, so τ from the walk is the same τ the steady conduction solve gives (σ_eff/σ = ε/τ).

Boundaries are mirrors: the volume is continued by its mirror images in every direction, so a walker
leaving through a face walks on into the reflected structure. That continuation is exactly the conduction
problem with potentials fixed on the two faces and insulating sides, and it percolates along an axis exactly
when the phase connects the two faces.

Estimator: walkers start uniformly in the clusters that span the axis (walkers elsewhere have no long-time
displacement along it; they enter through the factor ε/ε_spanning). For each walker the growth of its squared
displacement between t₁ = T/4 and T gives one sample of the slope, which removes the fast early spreading;
the walk length T grows with τ (a pilot batch estimates it) so that walkers spread well past the volume;
τ = 1/(3·mean slope) and its standard error follows from the sample spread. Walkers are added in batches
until the relative standard error reaches the target. Each walker has its own random stream derived from
the seed and its number, so results do not depend on the number of threads.

>>> import numpy as np
>>> free = np.ones((16, 16, 16), dtype=bool)
>>> est = random_walk_tau(free, axis=0, steps=400, target_rel_stderr=0.02, seed=3)
>>> abs(est.tau - 1) < 0.08
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from cellbench.errors import InputError
from cellbench.microstructure.percolation import spanning_cluster

BATCH_WALKERS = 2048


@dataclass(frozen=True)
class WalkEstimate:
    """τ along one axis from the random walk, with its standard error and what it took to get it."""

    tau: float
    tau_stderr: float
    phase_fraction: float
    spanning_fraction: float
    percolates: bool
    walkers: int
    steps: int

    @property
    def effective_conductivity_ratio(self) -> float:
        return self.phase_fraction / self.tau if self.percolates else 0.0


def default_steps(shape: tuple[int, ...], tau: float = 2.0) -> int:
    """Walk length for a structure of tortuosity about ``tau``: long enough that a walker in the structure
    spreads (RMS, along one axis) about 1.4 times the largest edge, i.e. t ≈ 6·N²·τ steps.

    The slow approach to the long-time limit is the walk's main bias (it makes τ too low), so the length
    grows with τ; ``tau`` below 2 is taken as 2.
    """
    return int(6 * max(shape) ** 2 * min(max(tau, 2.0), 50.0))


def random_walk_tau(phase: np.ndarray, axis: int, *, steps: int | None = None, target_rel_stderr: float = 0.02,
                    max_walkers: int = 200_000, min_walkers: int = BATCH_WALKERS, seed: int = 0
                    ) -> WalkEstimate:
    """τ of ``phase`` (boolean 3-D array) along ``axis`` by random walk; τ = inf if it does not percolate."""
    phase = np.ascontiguousarray(np.asarray(phase, dtype=bool))
    if not 0 < target_rel_stderr < 1:
        raise InputError(f"target relative standard error must lie in (0, 1), got {target_rel_stderr}",
                         location="target_rel_stderr")
    n_phase = int(np.count_nonzero(phase))
    phase_fraction = n_phase / phase.size
    cluster = spanning_cluster(phase, axis)
    n_cluster = int(np.count_nonzero(cluster))
    if n_cluster == 0:
        return WalkEstimate(float("inf"), 0.0, phase_fraction, 0.0, False, 0, 0)
    start_voxels = np.flatnonzero(cluster.ravel())
    conducting = phase.astype(np.uint8)

    def batch_slopes(batch: int, steps: int) -> np.ndarray:
        rng = np.random.default_rng([seed, axis, batch])
        starts = np.stack(np.unravel_index(rng.choice(start_voxels, BATCH_WALKERS), phase.shape), axis=1)
        checkpoints = np.array([steps // 4, steps], dtype=np.int64)
        displacement = _walk(conducting, starts.astype(np.int64), checkpoints,
                             np.uint64(seed), np.uint64(batch * BATCH_WALKERS))
        d_early = displacement[:, 0, axis].astype(np.float64)
        d_late = displacement[:, 1, axis].astype(np.float64)
        return (d_late ** 2 - d_early ** 2) / (checkpoints[1] - checkpoints[0])

    slopes: list[np.ndarray] = []
    if steps is None:
        # a pilot batch at the length for τ = 2 tells how long the walk must be for this structure
        steps = default_steps(phase.shape)
        pilot = batch_slopes(0, steps)
        pilot_tau = 1.0 / (3.0 * pilot.mean()) if pilot.mean() > 0 else 50.0
        if default_steps(phase.shape, pilot_tau) > steps:
            steps = default_steps(phase.shape, pilot_tau)
        else:
            slopes.append(pilot)
    steps = int(steps)
    if steps < 4:
        raise InputError(f"a walk needs at least 4 steps, got {steps}", location="steps")
    while True:
        if not slopes or sum(len(x) for x in slopes) < min_walkers:
            slopes.append(batch_slopes(len(slopes), steps))
            continue
        samples = np.concatenate(slopes)
        mean = float(samples.mean())
        stderr = float(samples.std(ddof=1) / np.sqrt(samples.size))
        rel = stderr / mean if mean > 0 else np.inf
        if rel <= target_rel_stderr or samples.size >= max_walkers:
            break
        slopes.append(batch_slopes(len(slopes), steps))
    n_walkers = int(samples.size)
    spanning_fraction = n_cluster / phase.size
    tau_cluster = 1.0 / (3.0 * mean)
    scale = phase_fraction / spanning_fraction
    return WalkEstimate(tau_cluster * scale, tau_cluster * rel * scale, phase_fraction, spanning_fraction, True,
                        n_walkers, steps)


@numba.njit(cache=True, inline="always")
def _splitmix64(state: np.uint64) -> np.uint64:
    z = state + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(parallel=True, cache=True)
def _walk(conducting: np.ndarray, starts: np.ndarray, checkpoints: np.ndarray, seed: np.uint64,
          first_walker: np.uint64) -> np.ndarray:
    """Displacements (walker, checkpoint, axis) of blind-ant walks in the mirror-continued volume."""
    nx, ny, nz = conducting.shape
    n_walkers = starts.shape[0]
    n_checks = checkpoints.shape[0]
    out = np.zeros((n_walkers, n_checks, 3), dtype=np.int64)
    for w in numba.prange(n_walkers):
        # xorshift64* stream seeded from (seed, walker number): independent of thread scheduling
        state = _splitmix64(seed * np.uint64(0x100000001B3) + first_walker + np.uint64(w))
        if state == np.uint64(0):
            state = np.uint64(1)
        x = starts[w, 0]
        y = starts[w, 1]
        z = starts[w, 2]
        # unfolded displacement and the orientation of the mirror image the walker is in
        dx = 0
        dy = 0
        dz = 0
        sx = 1
        sy = 1
        sz = 1
        t = 0
        for c in range(n_checks):
            until = checkpoints[c]
            while t < until:
                state ^= state >> np.uint64(12)
                state ^= state << np.uint64(25)
                state ^= state >> np.uint64(27)
                r = (state * np.uint64(0x2545F4914F6CDD1D)) >> np.uint64(32)
                move = (r * np.uint64(6)) >> np.uint64(32)
                step = 1 if (move & np.uint64(1)) else -1
                a = move >> np.uint64(1)
                if a == 0:
                    nxt = x + sx * step
                    if nxt < 0 or nxt >= nx:
                        # through the face into the mirror image: same voxel, orientation flips
                        sx = -sx
                        dx += step
                    elif conducting[nxt, y, z]:
                        x = nxt
                        dx += step
                elif a == 1:
                    nxt = y + sy * step
                    if nxt < 0 or nxt >= ny:
                        sy = -sy
                        dy += step
                    elif conducting[x, nxt, z]:
                        y = nxt
                        dy += step
                else:
                    nxt = z + sz * step
                    if nxt < 0 or nxt >= nz:
                        sz = -sz
                        dz += step
                    elif conducting[x, y, nxt]:
                        z = nxt
                        dz += step
                t += 1
            out[w, c, 0] = dx
            out[w, c, 1] = dy
            out[w, c, 2] = dz
    return out
