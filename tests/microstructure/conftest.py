"""Small hand-built volumes whose transport figures follow from a pencil-and-paper argument."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def straight_channels() -> np.ndarray:
    """Columns along x on a 2-voxel pitch in y and z: a quarter of the volume, τ_x = 1 exactly."""
    phase = np.zeros((24, 12, 12), dtype=bool)
    phase[:, ::2, ::2] = True
    return phase


@pytest.fixture
def channel_with_dead_ends() -> np.ndarray:
    """One x column of 16 in a 16×3×3 box plus 4 side voxels that lead nowhere.

    Only the column carries current: σ_eff/σ = 1/9 (one of nine columns). The phase fraction is
    (16 + 4)/144, so τ = ε / (σ_eff/σ) = 20/144 · 9 = 1.25.
    """
    phase = np.zeros((16, 3, 3), dtype=bool)
    phase[:, 1, 1] = True
    for x in (3, 7, 11, 13):
        phase[x, 0, 1] = True
    return phase
