"""Generated volumes: exact fractions, grain size, reproducibility; contact ratio by hand."""

from __future__ import annotations

import numpy as np
import pytest

import cellbench.microstructure as ms
from cellbench.errors import InputError

FRACTIONS = {"active_material": 0.45, "solid_electrolyte": 0.4, "void": 0.15}


def test_random_blocks_hit_fractions_and_grain_size():
    volume = ms.random_blocks((40, 40, 40), voxel_size_um=0.5, grain_um=2.0, fractions=FRACTIONS, seed=3)
    # 10×10×10 grains of 4 voxels: 450/400/150 grains exactly
    assert volume.fraction("active_material") == pytest.approx(0.45, abs=1e-12)
    assert volume.fraction("void") == pytest.approx(0.15, abs=1e-12)
    grains = volume.labels.reshape(10, 4, 10, 4, 10, 4)
    assert np.all(grains == grains[:, :1, :, :1, :, :1])  # every 4×4×4 grain is one phase
    assert volume.size_um == (20.0, 20.0, 20.0)


def test_sphere_packing_hits_fractions_exactly():
    volume = ms.sphere_packing((30, 30, 30), voxel_size_um=0.5, fractions=FRACTIONS, seed=5,
                               radius_um={"active_material": 2.0, "void": 0.8}, radius_cv=0.3)
    counts = np.bincount(volume.labels.ravel(), minlength=3)
    assert counts.tolist() == [round(0.15 * 27000), round(0.45 * 27000), round(0.40 * 27000)]


@pytest.mark.parametrize("generate", [
    lambda seed: ms.random_blocks((16, 16, 16), voxel_size_um=1.0, fractions=FRACTIONS, seed=seed),
    lambda seed: ms.sphere_packing((16, 16, 16), voxel_size_um=1.0, fractions=FRACTIONS, seed=seed,
                                   radius_um={"active_material": 3.0, "void": 1.5}),
])
def test_same_seed_same_volume(generate):
    assert np.array_equal(generate(7).labels, generate(7).labels)
    assert not np.array_equal(generate(7).labels, generate(8).labels)


def test_fractions_must_sum_to_one():
    with pytest.raises(InputError, match="sum to 1"):
        ms.random_blocks((8, 8, 8), voxel_size_um=1.0, fractions={"void": 0.5, "solid_electrolyte": 0.4})


def test_unknown_phase_in_fractions_is_named():
    with pytest.raises(InputError, match="unknown phase 'binder'"):
        ms.random_blocks((8, 8, 8), voxel_size_um=1.0, fractions={"binder": 0.5, "solid_electrolyte": 0.5})


def test_contact_ratio_by_hand():
    # along x: void | AM | SE | AM | AM  → AM faces: (void,AM) (AM,SE) (SE,AM); 2 of 3 touch SE
    labels = np.array([0, 1, 2, 1, 1], dtype=np.uint8).reshape(5, 1, 1)
    volume = ms.Volume(np.tile(labels, (1, 2, 2)), voxel_size_um=1.0)
    # the copies along y and z add only AM–AM and same-phase faces, so the ratio stays 2/3
    assert ms.contact_ratio(volume) == pytest.approx(2 / 3)


def test_contact_ratio_of_a_particle_fully_wetted_and_half_wetted():
    labels = np.full((6, 6, 6), 2, dtype=np.uint8)
    labels[2:4, 2:4, 2:4] = 1  # a 2×2×2 particle: 24 outer faces, all against SE
    assert ms.contact_ratio(ms.Volume(labels, voxel_size_um=1.0)) == 1.0
    labels[:2] = 0  # void fills x < 2: the 4 faces on the particle's x− side now touch void
    assert ms.contact_ratio(ms.Volume(labels, voxel_size_um=1.0)) == pytest.approx(20 / 24)


def test_contact_ratio_absent_without_active_material():
    labels = np.full((4, 4, 4), 2, dtype=np.uint8)
    labels[0] = 0
    assert ms.contact_ratio(ms.Volume(labels, voxel_size_um=1.0)) is None


def test_contact_ratio_matches_a_face_by_face_count():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=(7, 6, 5)).astype(np.uint8)
    contact = surface = 0
    for x, y, z in np.ndindex(labels.shape):
        if labels[x, y, z] != 1:
            continue
        for dx, dy, dz in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)):
            nx, ny, nz = x + dx, y + dy, z + dz
            if not (0 <= nx < 7 and 0 <= ny < 6 and 0 <= nz < 5) or labels[nx, ny, nz] == 1:
                continue
            surface += 1
            contact += labels[nx, ny, nz] == 2
    assert ms.contact_ratio(ms.Volume(labels, voxel_size_um=1.0)) == pytest.approx(contact / surface)
