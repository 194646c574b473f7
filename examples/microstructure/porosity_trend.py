"""Effective conductivity against porosity for SE shares of 54, 35, 21 and 10 % (the SOLiD-EV trend).

For each SE share of the solids and each porosity, a composite layer is generated (active-material and
void spheres in a solid-electrolyte matrix), the electrolyte's tortuosity along x is measured by random
walk, and σ_eff/σ = ε_SE/τ is plotted against porosity. The steady-state conduction solve on the same
volumes is drawn beside it as dashed lines. Where the electrolyte no longer connects the two faces
(the 10 % share at high porosity), σ_eff/σ is 0: the ion path is cut.

    python examples/microstructure/porosity_trend.py                    # writes porosity_trend.html
    python examples/microstructure/porosity_trend.py --size 48 --stderr 0.02 --output trend.html

Takes one to two minutes at the defaults on two cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import plotly.graph_objects as go

import cellbench.microstructure as ms

POROSITIES = (0.05, 0.15, 0.25, 0.35)
COLOURS = {0.54: "#1f77b4", 0.35: "#2ca02c", 0.21: "#ff7f0e", 0.10: "#d62728"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=32, help="volume edge in voxels (0.5 µm each)")
    parser.add_argument("--stderr", type=float, default=0.03, help="target relative standard error of τ")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=Path("porosity_trend.html"))
    args = parser.parse_args()

    shape = (args.size,) * 3
    walk = ms.porosity_sweep(ms.PROGRAMME_SE_SHARES, POROSITIES, shape=shape, target_rel_stderr=args.stderr,
                             seed=args.seed, method="random_walk")
    solve = ms.porosity_sweep(ms.PROGRAMME_SE_SHARES, POROSITIES, shape=shape, seed=args.seed,
                              method="conduction")

    print(f"{'SE share':>8} {'porosity':>8} {'ε_SE':>6} {'τ walk':>14} {'τ solve':>8} {'σ_eff/σ':>8}")
    for w, s in zip(walk, solve):
        tau = f"{w.tau:.2f} ± {w.tau_stderr:.2f}" if w.percolates else "inf (cut)"
        print(f"{w.se_share_of_solids:>8.0%} {w.porosity:>8.0%} {w.se_fraction:>6.3f} {tau:>14} "
              f"{s.tau:>8.2f} {w.effective_conductivity_ratio:>8.4f}")

    figure = go.Figure()
    for share in ms.PROGRAMME_SE_SHARES:
        rows = [w for w in walk if w.se_share_of_solids == share]
        refs = [s for s in solve if s.se_share_of_solids == share]
        colour = COLOURS.get(share)
        figure.add_trace(go.Scatter(
            x=[r.porosity * 100 for r in rows], y=[r.effective_conductivity_ratio for r in rows],
            error_y=dict(type="data", array=[r.effective_conductivity_ratio * r.tau_stderr / r.tau
                                             if r.percolates else 0 for r in rows]),
            mode="lines+markers", name=f"SE {share:.0%} of solids (random walk)", line=dict(color=colour)))
        figure.add_trace(go.Scatter(
            x=[r.porosity * 100 for r in refs], y=[r.effective_conductivity_ratio for r in refs],
            mode="lines", name=f"SE {share:.0%} (conduction solve)", line=dict(color=colour, dash="dash")))
    figure.update_layout(title="Effective electrolyte conductivity falls as porosity rises",
                         xaxis_title="porosity (%)", yaxis_title="σ_eff / σ_SE", template="plotly_white")
    figure.write_html(args.output, include_plotlyjs=True)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
