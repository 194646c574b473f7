"""Which part of a phase connects the two faces of a volume along an axis.

Voxels connect through shared faces (6-connectivity), the same neighbours the random walk and the
conduction solve use, so "percolates" means the same thing everywhere in this package.

>>> import numpy as np
>>> phase = np.zeros((4, 3, 3), dtype=bool); phase[:, 1, 1] = True   # one straight channel along x
>>> bool(spanning_cluster(phase, axis=0).any()), bool(spanning_cluster(phase, axis=1).any())
(True, False)
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

_FACE_NEIGHBOURS = ndimage.generate_binary_structure(3, 1)


def spanning_cluster(phase: np.ndarray, axis: int) -> np.ndarray:
    """Boolean mask of the voxels of ``phase`` whose cluster touches both faces normal to ``axis``."""
    clusters, n_clusters = ndimage.label(phase, structure=_FACE_NEIGHBOURS)
    if n_clusters == 0:
        return np.zeros(phase.shape, dtype=bool)
    first = np.unique(np.take(clusters, 0, axis=axis))
    last = np.unique(np.take(clusters, -1, axis=axis))
    spanning = np.intersect1d(first, last)
    spanning = spanning[spanning > 0]
    return np.isin(clusters, spanning)
