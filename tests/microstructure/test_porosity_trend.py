"""The programme's trend: effective conductivity falls as porosity rises, for SE shares 54, 35, 21, 10 %."""

from __future__ import annotations

import pytest

import cellbench.microstructure as ms

POROSITIES = (0.05, 0.20, 0.35)


def test_conductivity_falls_as_porosity_rises_for_every_se_share():
    points = ms.porosity_sweep(ms.PROGRAMME_SE_SHARES, POROSITIES, shape=(24, 24, 24), method="conduction")
    by_share: dict[float, list[float]] = {}
    for p in points:
        by_share.setdefault(p.se_share_of_solids, []).append(p.effective_conductivity_ratio)
    assert sorted(by_share) == sorted(ms.PROGRAMME_SE_SHARES)
    for share, ratios in by_share.items():
        assert ratios[0] > 0, f"SE share {share}: the densest layer must conduct"
        for denser, more_porous in zip(ratios, ratios[1:]):
            # strictly falling while it conducts; once the SE path is cut it stays cut
            assert more_porous < denser or (more_porous == 0 and denser == 0), (share, ratios)
    # and at every porosity, more SE conducts better
    for i in range(len(POROSITIES)):
        column = [by_share[s][i] for s in ms.PROGRAMME_SE_SHARES]
        assert column == sorted(column, reverse=True)


def test_random_walk_sees_the_same_fall():
    walk = ms.porosity_sweep([0.54], (0.05, 0.35), shape=(24, 24, 24), target_rel_stderr=0.03, seed=2,
                              method="random_walk")
    solve = ms.porosity_sweep([0.54], (0.05, 0.35), shape=(24, 24, 24), method="conduction", seed=2)
    assert walk[0].effective_conductivity_ratio > 1.5 * walk[1].effective_conductivity_ratio
    for w, s in zip(walk, solve):
        assert w.effective_conductivity_ratio == pytest.approx(s.effective_conductivity_ratio, rel=0.1)
