"""τ by conduction solve and by random walk against hand calculations and against each other."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

import cellbench.microstructure as ms


def test_straight_channels_give_tau_one_within_one_percent(straight_channels):
    estimate = ms.random_walk_tau(straight_channels, axis=0, steps=64, target_rel_stderr=0.003,
                                  max_walkers=1_000_000, seed=1)
    assert estimate.percolates
    assert estimate.tau_stderr < 0.004
    assert abs(estimate.tau - 1.0) < 0.01
    assert estimate.effective_conductivity_ratio == pytest.approx(0.25, rel=0.01)


def test_straight_channels_conduction_is_exact(straight_channels):
    solved = ms.solve_conduction(straight_channels, axis=0)
    assert solved.effective_conductivity_ratio == pytest.approx(0.25, rel=1e-6)
    assert solved.tau == pytest.approx(1.0, rel=1e-6)


def test_channels_do_not_percolate_across(straight_channels):
    walk = ms.random_walk_tau(straight_channels, axis=1, seed=1)
    solved = ms.solve_conduction(straight_channels, axis=1)
    assert not walk.percolates and math.isinf(walk.tau) and walk.effective_conductivity_ratio == 0
    assert not solved.percolates and math.isinf(solved.tau)


def test_dead_ends_add_phase_but_no_current(channel_with_dead_ends):
    # hand calculation in conftest: τ = 20/144 · 9 = 1.25
    solved = ms.solve_conduction(channel_with_dead_ends, axis=0)
    assert solved.tau == pytest.approx(1.25, rel=1e-6)
    walk = ms.random_walk_tau(channel_with_dead_ends, axis=0, steps=4000, target_rel_stderr=0.01, seed=2)
    assert walk.tau == pytest.approx(1.25, abs=3 * walk.tau_stderr + 0.005)


def test_same_seed_same_tau_whatever_the_thread_count():
    volume = ms.random_blocks((20, 20, 20), voxel_size_um=1.0, seed=4,
                              fractions={"active_material": 0.3, "solid_electrolyte": 0.6, "void": 0.1})
    phase = volume.mask("solid_electrolyte")
    first = ms.random_walk_tau(phase, 0, steps=2000, target_rel_stderr=0.05, seed=9)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        single = ms.random_walk_tau(phase, 0, steps=2000, target_rel_stderr=0.05, seed=9)
    finally:
        numba.set_num_threads(threads)
    other = ms.random_walk_tau(phase, 0, steps=2000, target_rel_stderr=0.05, seed=10)
    assert first.tau == single.tau
    assert first.tau != other.tau


@pytest.mark.parametrize("kind", ["random_blocks", "sphere_packing"])
def test_random_walk_agrees_with_conduction_within_five_percent(kind):
    if kind == "random_blocks":
        volume = ms.random_blocks((24, 24, 24), voxel_size_um=0.5, grain_um=1.0, seed=11,
                                  fractions={"active_material": 0.35, "solid_electrolyte": 0.5, "void": 0.15})
    else:
        volume = ms.sphere_packing((24, 24, 24), voxel_size_um=0.5, seed=11,
                                   fractions={"active_material": 0.5, "solid_electrolyte": 0.35, "void": 0.15},
                                   radius_um={"active_material": 2.0, "void": 1.0})
    # 1.5 % standard error: the 5 % bound is over 3σ away
    result = ms.tortuosity(volume, phase="solid_electrolyte", axis="x", method="random_walk", check=True,
                           target_rel_stderr=0.015, seed=3)
    assert result.method == "random_walk" and result.check_method == "conduction"
    assert result.percolates
    assert result.check_tau > 2  # a real detour, not a trivially open structure
    assert abs(result.tau / result.check_tau - 1) < 0.05
    assert result.effective_conductivity_ratio == pytest.approx(result.phase_fraction / result.tau)
    # the same check the other way round: conduction by default, the walk beside it
    default = ms.tortuosity(volume, phase="solid_electrolyte", axis="x", check=True, target_rel_stderr=0.015, seed=3)
    assert default.method == "conduction" and default.check_method == "random_walk"
    assert default.tau == result.check_tau
    assert default.check_tau == result.tau


def test_blocked_phase_is_infinite_with_a_statement():
    labels = np.full((10, 6, 6), 2, dtype=np.uint8)
    labels[5] = 1  # a wall of active material across x
    volume = ms.Volume(labels, voxel_size_um=1.0)
    result = ms.tortuosity(volume, phase="solid_electrolyte", axis="x")
    assert not result.percolates
    assert math.isinf(result.tau)
    assert result.effective_conductivity_ratio == 0
    assert "does not connect the two x faces" in result.statement
    assert result.to_json()["tau"] is None
    along_y = ms.tortuosity(volume, phase="solid_electrolyte", axis="y", method="random_walk",
                            target_rel_stderr=0.05, steps=400)
    assert along_y.percolates and along_y.tau == pytest.approx(1.0, abs=0.08)
    assert ms.tortuosity(volume, phase="solid_electrolyte", axis="y").tau == pytest.approx(1.0, rel=1e-6)
