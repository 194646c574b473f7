"""The conduction solve, cellbench's default τ: hand-calculated paths, its error estimate, its multigrid."""

from __future__ import annotations

import numpy as np
import pytest

import cellbench.microstructure as ms


def staircase(length: int, pitch: int = 4, columns: int = 2) -> tuple[np.ndarray, float]:
    """Separate one-voxel staircases climbing one y step per x step, and τ by hand.

    Each path enters the x = 0 face in one voxel, then alternates a step in x and a step in y, and leaves
    the x = L−1 face from one voxel: N = 2L − 2 voxels in series. With unit conductance between voxels and
    conductance 2 for the half voxel at each face, its resistance is (N − 1) + ½ + ½ = N, so one path in a
    cross-section A carries σ_eff/σ = (1/N)·L/A while its volume fraction is N/(L·A): τ = (N/L)², → 4 for
    long paths.
    """
    ny = length + 1
    phase = np.zeros((length, ny, columns * pitch), dtype=bool)
    for c in range(columns):
        z = c * pitch
        phase[0, 0, z] = True
        for x in range(1, length - 1):
            phase[x, x - 1, z] = True
            phase[x, x, z] = True
        phase[length - 1, length - 2, z] = True
    n = 2 * length - 2
    assert phase[..., 0].sum() == n
    return phase, (n / length) ** 2


@pytest.mark.parametrize("length", [8, 40])
def test_staircase_matches_the_hand_calculation(length):
    phase, tau = staircase(length)
    solved = ms.solve_conduction(phase, axis=0)
    assert solved.percolates
    assert solved.tau == pytest.approx(tau, rel=1e-4)
    assert solved.tau_error <= 1e-4 * solved.tau
    assert solved.flux_imbalance < 1e-3
    # N/L → 2 for long stairs: τ tends to 4 (3.61 at L = 40)
    assert (length == 8 and tau == pytest.approx(3.0625)) or (length == 40 and 3.5 < tau < 4)


def test_staircase_random_walk_agrees():
    phase, tau = staircase(12, columns=3)
    walk = ms.random_walk_tau(phase, axis=0, target_rel_stderr=0.02, seed=5)
    assert walk.tau == pytest.approx(tau, abs=3 * walk.tau_stderr + 0.02 * tau)


@pytest.fixture(scope="module")
def packing() -> np.ndarray:
    volume = ms.sphere_packing((48, 48, 48), voxel_size_um=0.3, seed=3,
                               fractions={"active_material": 0.405, "solid_electrolyte": 0.452, "void": 0.143},
                               radius_um={"active_material": 2.5, "void": 0.6})
    return volume.mask("solid_electrolyte")


@pytest.fixture(scope="module")
def near_threshold() -> np.ndarray:
    """Electrolyte voxels placed at random at 36 %, just above site percolation (≈ 31 %): τ ≈ 49."""
    volume = ms.random_blocks((48, 48, 48), voxel_size_um=1.0, seed=3,
                              fractions={"active_material": 0.5, "solid_electrolyte": 0.36, "void": 0.14})
    return volume.mask("solid_electrolyte")


@pytest.mark.parametrize("structure", ["packing", "near_threshold"])
def test_error_estimate_covers_the_iteration_error(structure, request):
    phase = request.getfixturevalue(structure)
    exact = ms.solve_conduction(phase, axis=0, rtol=1e-9)
    assert exact.tau > (1.5 if structure == "packing" else 20)  # a real detour
    for rtol in (1e-2, 1e-3, 1e-4):
        loose = ms.solve_conduction(phase, axis=0, rtol=rtol)
        # τ from the dissipated power approaches the exact τ from below, by about the estimated error
        assert loose.tau <= exact.tau * (1 + 1e-9)
        assert exact.tau - loose.tau <= 3 * loose.tau_error + 1e-9
        assert loose.tau_error <= 3 * rtol * loose.tau
    default = ms.solve_conduction(phase, axis=0)
    assert default.tau == pytest.approx(exact.tau, rel=5e-4)


def test_multigrid_keeps_the_iteration_count_small(packing, near_threshold):
    # a Jacobi preconditioner needed ~700 iterations on the 96³ volume; multigrid needs tens at any size
    small = ms.solve_conduction(packing[:24, :24, :24], axis=0)
    large = ms.solve_conduction(packing, axis=0)
    assert large.iterations <= 40
    assert large.iterations <= 2 * small.iterations + 10
    assert ms.solve_conduction(near_threshold, axis=0).iterations <= 40


def test_conduction_tau_per_axis_and_spanning_fraction(packing):
    for axis in range(3):
        solved = ms.solve_conduction(packing, axis=axis)
        assert solved.percolates and 1.2 < solved.tau < 4
        assert 0 < solved.spanning_fraction <= solved.phase_fraction
        assert solved.effective_conductivity_ratio == pytest.approx(solved.phase_fraction / solved.tau)


def test_rtol_out_of_range_is_refused(packing):
    from cellbench.errors import InputError

    with pytest.raises(InputError, match="rtol"):
        ms.solve_conduction(packing, axis=0, rtol=0)
