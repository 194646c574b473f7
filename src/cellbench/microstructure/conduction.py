"""Steady-state conduction through one phase: the reference the random walk is checked against.

A finite-volume solve on the voxel grid: every face between two conducting voxels is a conductance of 1
(in units of σ·voxel), the two faces normal to the axis are held at potentials 1 and 0 half a voxel outside
the first and last voxel layers (conductance 2 for that half voxel), the side faces carry no current. Only
the voxels of clusters that connect both faces take part (the rest carry no current and would make the
system singular). The system is symmetric positive definite and solved by conjugate gradients with a
Jacobi preconditioner.

The effective conductivity ratio is the current divided by the current through the same box full of the
phase (cross-section / length in voxels), and τ = ε / (σ_eff/σ) with ε the phase's volume fraction —
the same definitions TauFactor uses.

>>> import numpy as np
>>> channel = np.zeros((8, 3, 3), dtype=bool); channel[:, 1, 1] = True
>>> round(solve_conduction(channel, axis=0).effective_conductivity_ratio * 9, 6)   # one of 9 columns conducts
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, diags
from scipy.sparse.linalg import cg

from cellbench.errors import SimulationError
from cellbench.microstructure.percolation import spanning_cluster


@dataclass(frozen=True)
class ConductionResult:
    """σ_eff/σ and τ along one axis from the steady-state solve (τ = inf when the phase does not percolate)."""

    effective_conductivity_ratio: float
    tau: float
    phase_fraction: float
    percolates: bool
    iterations: int
    residual: float


def solve_conduction(phase: np.ndarray, axis: int, *, rtol: float = 1e-8, max_iterations: int = 20000
                     ) -> ConductionResult:
    """Solve for the potential in ``phase`` (boolean 3-D array) with a unit potential drop along ``axis``."""
    phase = np.asarray(phase, dtype=bool)
    phase_fraction = float(np.count_nonzero(phase)) / phase.size
    cluster = spanning_cluster(phase, axis)
    if not cluster.any():
        return ConductionResult(0.0, float("inf"), phase_fraction, False, 0, 0.0)
    # work with the axis first so the Dirichlet faces are index 0 and -1 of the first axis
    cluster = np.moveaxis(cluster, axis, 0)
    length = cluster.shape[0]
    cross_section = cluster.shape[1] * cluster.shape[2]

    index = np.full(cluster.shape, -1, dtype=np.int64)
    n_unknowns = int(np.count_nonzero(cluster))
    index[cluster] = np.arange(n_unknowns)

    rows, cols = [], []
    for a in range(3):
        lo = [slice(None)] * 3
        hi = [slice(None)] * 3
        lo[a] = slice(0, -1)
        hi[a] = slice(1, None)
        both = cluster[tuple(lo)] & cluster[tuple(hi)]
        rows.append(index[tuple(lo)][both])
        cols.append(index[tuple(hi)][both])
    i = np.concatenate(rows)
    j = np.concatenate(cols)
    degree = np.bincount(i, minlength=n_unknowns) + np.bincount(j, minlength=n_unknowns)
    degree = degree.astype(np.float64)
    inlet = index[0][cluster[0]]
    outlet = index[-1][cluster[-1]]
    degree[inlet] += 2.0
    degree[outlet] += 2.0
    rhs = np.zeros(n_unknowns)
    rhs[inlet] += 2.0  # potential 1 behind the inlet face

    off = coo_matrix((-np.ones(i.size), (i, j)), shape=(n_unknowns, n_unknowns))
    matrix = (off + off.T + diags(degree)).tocsr()
    # a linear drop along the axis is close to the answer and saves most of the iterations
    position = np.broadcast_to(np.arange(length, dtype=np.float64)[:, None, None], cluster.shape)[cluster]
    guess = 1.0 - (position + 0.5) / length
    preconditioner = diags(1.0 / degree)
    iterations = [0]

    def count(_: np.ndarray) -> None:
        iterations[0] += 1

    potential, info = cg(matrix, rhs, x0=guess, rtol=rtol, maxiter=max_iterations, M=preconditioner,
                         callback=count)
    if info > 0:
        raise SimulationError(f"conduction solve did not converge in {max_iterations} iterations "
                              f"(axis {axis}, {n_unknowns} voxels)")
    residual = float(np.linalg.norm(matrix @ potential - rhs) / np.linalg.norm(rhs))
    current_in = float(np.sum(2.0 * (1.0 - potential[inlet])))
    current_out = float(np.sum(2.0 * potential[outlet]))
    current = 0.5 * (current_in + current_out)
    full_current = cross_section / length
    ratio = current / full_current
    tau = phase_fraction / ratio if ratio > 0 else float("inf")
    return ConductionResult(ratio, tau, phase_fraction, True, iterations[0], residual)

