"""Synthetic three-phase electrode volumes, reproducible from a seed.

Two generators:

* :func:`random_blocks` — the SOLiD-EV procedure: a block of electrode (about 20 µm on a side) in which the
  phases are placed at random at given volume fractions. The unit that is placed is a cubic grain of
  ``grain_um`` (one voxel by default), so the grain sets the particle size of the structure.
* :func:`sphere_packing` — particles as spheres with a log-normal size distribution per phase, placed at
  random (overlap allowed: pressed, deformed particles), with one *matrix* phase filling the space left —
  the natural picture of a soft sulfide electrolyte pressed around active-material particles.

Both hit the requested fractions exactly (to one grain or one voxel).

>>> v = random_blocks((20, 20, 20), voxel_size_um=1.0,
...                   fractions={"active_material": 0.5, "solid_electrolyte": 0.4, "void": 0.1}, seed=1)
>>> round(v.fraction("void"), 3)
0.1
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from cellbench.errors import InputError
from cellbench.microstructure.volume import DEFAULT_PHASES, SOLID_ELECTROLYTE, Volume, check_voxel_size

_LABEL_OF = {name: label for label, name in DEFAULT_PHASES.items()}


def random_blocks(shape: Sequence[int], *, voxel_size_um: float, fractions: Mapping[str, float],
                  grain_um: float | None = None, seed: int = 0) -> Volume:
    """Place the phases at random, grain by grain, at the given volume fractions.

    ``shape`` is in voxels; ``grain_um`` the edge of the cubic grain that gets one phase (default one voxel);
    ``fractions`` maps phase names (``void``, ``active_material``, ``solid_electrolyte``) to volume fractions
    summing to 1. The number of grains of each phase is fixed by the fractions (largest remainder), and the
    grains are shuffled, so the fractions are exact up to one grain.
    """
    shape = _check_shape(shape)
    voxel_size_um = check_voxel_size(voxel_size_um)
    targets = _check_fractions(fractions)
    grain_voxels = 1 if grain_um is None else max(1, int(round(grain_um / voxel_size_um)))
    grid = tuple(-(-n // grain_voxels) for n in shape)  # ceil: edge grains are cropped
    n_grains = int(np.prod(grid))
    counts = _counts_for(targets, n_grains)
    grain_labels = np.concatenate([np.full(count, _LABEL_OF[name], dtype=np.uint8)
                                   for name, count in counts.items()])
    np.random.default_rng(seed).shuffle(grain_labels)
    grains = grain_labels.reshape(grid)
    labels = grains
    for axis in range(3):
        labels = np.repeat(labels, grain_voxels, axis=axis)
    labels = labels[: shape[0], : shape[1], : shape[2]]
    return Volume(np.ascontiguousarray(labels), voxel_size_um=voxel_size_um, phases=dict(DEFAULT_PHASES))


def sphere_packing(shape: Sequence[int], *, voxel_size_um: float, fractions: Mapping[str, float],
                   radius_um: Mapping[str, float], radius_cv: float = 0.2,
                   matrix: str = SOLID_ELECTROLYTE, seed: int = 0) -> Volume:
    """Spheres of each non-matrix phase, log-normal radii, placed at random in a matrix phase.

    ``radius_um`` gives the mean sphere radius of each non-matrix phase, ``radius_cv`` the coefficient of
    variation of the radii (0 = all equal). Phases are placed in the order of ``radius_um``; a sphere only
    claims voxels still held by the matrix, and the last sphere of a phase is trimmed (its voxels nearest the
    centre kept) so the fraction is exact. Spheres wrap around the faces.
    """
    shape = _check_shape(shape)
    voxel_size_um = check_voxel_size(voxel_size_um)
    targets = _check_fractions(fractions)
    if matrix not in _LABEL_OF:
        raise InputError(f"unknown matrix phase {matrix!r}: expected one of {sorted(_LABEL_OF)}",
                         location="matrix")
    for name in targets:
        if name != matrix and targets[name] > 0 and name not in radius_um:
            raise InputError(f"no sphere radius for phase {name!r}", location=f"radius_um.{name}")
    if radius_cv < 0:
        raise InputError(f"radius_cv must be ≥ 0, got {radius_cv}", location="radius_cv")
    rng = np.random.default_rng(seed)
    n_total = int(np.prod(shape))
    counts = _counts_for(targets, n_total)
    matrix_label = _LABEL_OF[matrix]
    labels = np.full(shape, matrix_label, dtype=np.uint8)
    for name, mean_radius_um in radius_um.items():
        if name == matrix or counts.get(name, 0) == 0:
            continue
        if mean_radius_um <= 0:
            raise InputError(f"sphere radius must be positive, got {mean_radius_um} µm",
                             location=f"radius_um.{name}")
        _place_spheres(labels, _LABEL_OF[name], counts[name], mean_radius_um / voxel_size_um,
                       radius_cv, matrix_label, rng)
    return Volume(labels, voxel_size_um=voxel_size_um, phases=dict(DEFAULT_PHASES))


def _place_spheres(labels: np.ndarray, label: int, target: int, mean_radius_vox: float, cv: float,
                   matrix_label: int, rng: np.random.Generator) -> None:
    # log-normal with the requested mean and coefficient of variation
    sigma = np.sqrt(np.log1p(cv * cv))
    mu = np.log(mean_radius_vox) - sigma * sigma / 2
    placed = 0
    shape = labels.shape
    while placed < target:
        radius = float(rng.lognormal(mu, sigma)) if cv > 0 else mean_radius_vox
        radius = max(radius, 0.5)
        centre = rng.uniform(0, shape)
        reach = int(np.ceil(radius))
        axes = [np.arange(int(np.floor(c)) - reach, int(np.floor(c)) + reach + 2) for c in centre]
        d2 = ((axes[0][:, None, None] + 0.5 - centre[0]) ** 2
              + (axes[1][None, :, None] + 0.5 - centre[1]) ** 2
              + (axes[2][None, None, :] + 0.5 - centre[2]) ** 2)
        index = np.ix_(*(a % n for a, n in zip(axes, shape)))
        window = labels[index]
        free = (d2 <= radius * radius) & (window == matrix_label)
        n_free = int(np.count_nonzero(free))
        if n_free == 0:
            continue
        if placed + n_free > target:
            # trim the last sphere to a smaller concentric one so the fraction is exact
            distances = np.where(free, d2, np.inf).ravel()
            keep = np.argsort(distances, kind="stable")[: target - placed]
            free = np.zeros(free.size, dtype=bool)
            free[keep] = True
            free = free.reshape(d2.shape)
            n_free = target - placed
        window[free] = label
        labels[index] = window
        placed += n_free


def _check_shape(shape: Sequence[int]) -> tuple[int, int, int]:
    dims = tuple(int(n) for n in shape)
    if len(dims) != 3 or min(dims) < 2:
        raise InputError(f"volume shape must be three axes of at least 2 voxels, got {tuple(shape)}",
                         location="shape")
    return dims  # type: ignore[return-value]


def _check_fractions(fractions: Mapping[str, float]) -> dict[str, float]:
    targets: dict[str, float] = {}
    for name, value in fractions.items():
        if name not in _LABEL_OF:
            raise InputError(f"unknown phase {name!r}: expected one of {sorted(_LABEL_OF)}",
                             location=f"fractions.{name}")
        if not 0 <= float(value) <= 1:
            raise InputError(f"volume fraction must lie in 0..1, got {value}", location=f"fractions.{name}")
        targets[name] = float(value)
    total = sum(targets.values())
    if abs(total - 1) > 1e-6:
        raise InputError(f"volume fractions must sum to 1, got {total:.6g}", location="fractions")
    return targets


def _counts_for(targets: Mapping[str, float], n: int) -> dict[str, int]:
    """Whole counts summing to ``n`` that are nearest to ``fraction * n`` (largest-remainder rounding)."""
    exact = {name: value * n for name, value in targets.items()}
    counts = {name: int(np.floor(value)) for name, value in exact.items()}
    short = n - sum(counts.values())
    for name in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:short]:
        counts[name] += 1
    return counts
