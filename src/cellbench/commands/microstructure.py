"""`cellbench tortuosity VOLUME`: τ, σ_eff/σ, percolation and contact ratio of a segmented volume."""

from __future__ import annotations

import typer
from rich.table import Table


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    @app.command("tortuosity")
    def tortuosity_command(
        volume_path: str = typer.Argument(..., metavar="VOLUME",
                                          help=".npy or multi-page .tif of phase labels, or its .yaml description"),
        axis: str = typer.Option("x", "--axis", help="x, y, z (x is the first array axis) or all"),
        phase: str = typer.Option("solid_electrolyte", "--phase", help="conducting phase: a label value or a name"),
        voxel_size_um: float = typer.Option(None, "--voxel-size-um",
                                            help="µm per voxel, only for the size shown (τ is dimensionless)"),
        phases: str = typer.Option(None, "--phases",
                                   help="phase map, e.g. 0=void,1=active_material,2=solid_electrolyte"),
        method: str = typer.Option("conduction", "--method",
                                   help="conduction (steady-state solve, default) or random-walk"),
        check: bool = typer.Option(False, "--check", help="also run the other method and show its τ beside"),
        stderr: float = typer.Option(0.02, "--stderr", help="random walk: target relative standard error of τ"),
        seed: int = typer.Option(0, "--seed", help="random walk: random seed (same seed, same τ)"),
        json: bool = typer.Option(False, "--json", help="machine-readable output"),
    ) -> None:
        """Tortuosity (path-resistance coefficient) of one phase of a volume, by conduction solve or random walk."""
        from cellbench import microstructure as ms
        from cellbench.errors import InputError

        chosen = method.strip().lower().replace("-", "_")
        if chosen not in ms.METHODS:
            raise InputError(f"unknown method {method!r}: expected conduction or random-walk", location="--method")
        volume = ms.load_volume(volume_path, voxel_size_um=voxel_size_um,
                                phases=ms.parse_phase_map(phases) if phases else None)
        axes = ms.AXES if axis.strip().lower() == "all" else (ms.AXES[ms.axis_index(axis)],)
        from cellbench.terminal import progress

        results = []
        # a large volume takes seconds an axis: count the solves (axes × methods) on a terminal
        solves = len(axes) * (2 if check else 1)
        with progress(console, "solves", disable=json or solves < 2) as bar:
            task = bar.add_task("tortuosity", total=solves)
            for a in axes:
                results.append(ms.tortuosity(volume, phase=phase, axis=a, method=chosen, check=check,
                                             target_rel_stderr=stderr, seed=seed))
                bar.advance(task, 2 if check else 1)
        if json:
            if len(results) == 1:
                print_json(results[0].to_json())
            else:
                first = results[0]
                print_json({"phase": first.phase, "porosity": first.porosity, "contact_ratio": first.contact_ratio,
                            "phase_fraction": first.phase_fraction,
                            "axes": {r.axis: r.to_json() for r in results}})
            return
        first = results[0]
        size = f" of {volume.voxel_size_um:g} µm" if volume.voxel_size_um is not None else ""
        console.print(f"{volume_path}: {volume.shape[0]}×{volume.shape[1]}×{volume.shape[2]} voxels{size}; "
                      f"{first.phase} fraction {first.phase_fraction:.3f}"
                      + (f", porosity {first.porosity:.3f}" if first.porosity is not None else "")
                      + (f", contact ratio {first.contact_ratio:.3f}" if first.contact_ratio is not None else ""),
                      highlight=False)
        table = Table(title=f"τ by {chosen.replace('_', ' ')}")
        other = next((m for m in ms.METHODS if m != chosen), "") if check else ""
        for column in ("axis", "τ", "±", "σ_eff/σ", "percolates") + ((f"τ {other.replace('_', ' ')}",) if check else ()):
            table.add_column(column, justify="right")
        for r in results:
            row = [r.axis, _number(r.tau), _number(r.tau_stderr) if r.percolates else "",
                   f"{r.effective_conductivity_ratio:.4f}", "yes" if r.percolates else "no"]
            if check:
                row.append(_number(r.check_tau))
            table.add_row(*row)
        console.print(table)
        for r in results:
            if not r.percolates:
                console.print(r.statement, highlight=False)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return "inf" if value == float("inf") else f"{value:.4f}"
