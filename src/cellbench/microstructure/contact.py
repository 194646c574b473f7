"""Contact ratio: the share of active-material surface that touches solid electrolyte.

The surface is counted in voxel faces: every face between an active-material voxel and a voxel of another
phase is surface; the contact ratio is the share of those faces whose other side is electrolyte. Faces on
the outer boundary of the volume are left out (what lies beyond is unknown).

>>> import numpy as np
>>> labels = np.array([0, 1, 2], dtype=np.uint8).reshape(3, 1, 1)   # void | AM | SE along x
>>> contact_ratio(labels == 1, labels == 2)
0.5
"""

from __future__ import annotations

import numpy as np


def surface_faces(active: np.ndarray, other: np.ndarray) -> int:
    """Number of voxel faces shared by an ``active`` voxel and an ``other`` voxel."""
    total = 0
    for axis in range(3):
        a_lo = _slice(active, axis, 0, -1)
        a_hi = _slice(active, axis, 1, None)
        o_lo = _slice(other, axis, 0, -1)
        o_hi = _slice(other, axis, 1, None)
        total += int(np.count_nonzero(a_lo & o_hi)) + int(np.count_nonzero(a_hi & o_lo))
    return total


def contact_ratio(active: np.ndarray, electrolyte: np.ndarray) -> float | None:
    """Faces active–electrolyte ÷ faces active–(anything not active); None when there is no such surface."""
    not_active = ~active
    surface = surface_faces(active, not_active)
    if surface == 0:
        return None
    return surface_faces(active, electrolyte & not_active) / surface


def _slice(array: np.ndarray, axis: int, start: int, stop: int | None) -> np.ndarray:
    index = [slice(None)] * array.ndim
    index[axis] = slice(start, stop)
    return array[tuple(index)]
