"""`cellbench cfp`, `cellbench recycle` and `cellbench passport ...`: carbon footprint, recycling, battery passport."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path

import typer
from rich.table import Table

from cellbench.errors import InputError


def _bill(cell: str | None, pack: str | None):
    from cellbench import cells
    from cellbench.sustainability import bill_of_materials_for_pack, cell_bill

    if bool(cell) == bool(pack):
        raise InputError("give exactly one of --cell ID or --pack FILE")
    return cell_bill(cells.load(cell)) if cell else bill_of_materials_for_pack(pack)


def register(app: typer.Typer) -> None:
    from cellbench.cli import console, print_json

    @app.command("cfp")
    def cfp(cell: str = typer.Option(None, "--cell", help="catalogue cell id"),
            pack: str = typer.Option(None, "--pack", help="pack YAML (cell x count + parts), or a packaged pack id"),
            grid: str = typer.Option(None, "--grid", help="factory country for the grid intensity (JP, CN, KR, DE, SE, ...)"),
            recycled: str = typer.Option(None, "--recycled", help="recycled content: eu-2031, eu-2036 or Ni=0.2,Co=0.16,Li=0.06"),
            recycled_from: Path = typer.Option(None, "--recycled-from", help="a `recycle --json` result: its recovered metal as closed-loop recycled content"),
            route: str = typer.Option(None, "--route", help="end-of-life route for the recycling stage (pyro, hydro, direct)"),
            samples: int = typer.Option(2000, "--samples", help="Monte Carlo samples for the uncertainty band (0: none)"),
            seed: int = typer.Option(0, "--seed", help="random seed of the Monte Carlo band"),
            factors: Path = typer.Option(None, "--factors", help="your own factor file (same shape as the packaged one)"),
            json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Carbon footprint in kg CO2e/kWh by life-cycle stage, with its uncertainty band and the grid-mix effect."""
        from cellbench.sustainability.factors import load_factors, parse_recycled_content
        from cellbench.sustainability.footprint import carbon_footprint
        from cellbench.sustainability.recycling import recycled_content_from

        bill = _bill(cell, pack)
        shares = parse_recycled_content(recycled) if recycled else {}
        if recycled_from:
            try:
                result = jsonlib.loads(recycled_from.read_text(encoding="utf-8"))
                recovered = {el: v["recovered_kg"] for el, v in result["elements"].items()}
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"not a `cellbench recycle --json` result ({exc})", source=str(recycled_from)) from None
            shares.update(recycled_content_from(recovered, bill))
        r = carbon_footprint(bill, grid=grid, factors=load_factors(factors) if factors else None,
                             recycled_content=shares, end_of_life_route=route, samples=samples, seed=seed)
        if json:
            print_json(r.to_dict())
            return
        table = Table(title=f"Carbon footprint of {r.basis['label']} ({r.basis['energy_kWh']:.4g} kWh, "
                            f"grid {r.grid['country']})")
        table.add_column("stage")
        table.add_column("kg CO2e/kWh", justify="right")
        table.add_column("5–95 %", justify="right")
        for stage, value in r.stages.items():
            band = r.uncertainty.get("stages", {}).get(stage)
            table.add_row(stage.replace("_", " "), f"{value:.1f}", f"{band['p05']:.1f}–{band['p95']:.1f}" if band else "")
        u = r.uncertainty
        table.add_row("total", f"{r.total_kg_co2e_per_kwh:.1f}", f"{u['p05']:.1f}–{u['p95']:.1f}" if "p05" in u else "")
        console.print(table)
        console.print(f"electricity {r.grid['electricity_kWh_per_kwh']:.1f} kWh/kWh (dry room "
                      f"{r.grid['dry_room_kWh_per_kwh']:.1f}) × {r.grid['kg_co2e_per_kWh']} kg/kWh = "
                      f"{r.grid['electricity_kg_co2e_per_kwh']:.1f} kg CO2e/kWh; total at other grids: "
                      + ", ".join(f"{c} {v['total_kg_co2e_per_kwh']:.0f}" for c, v in r.grid["by_country"].items()))
        if r.recycled_content["shares"]:
            console.print(f"recycled content {r.recycled_content['shares']} saves "
                          f"{r.recycled_content['saving_kg_co2e_per_kwh']:.1f} kg CO2e/kWh")

    @app.command("recycle")
    def recycle(pack: str = typer.Option(None, "--pack", help="pack YAML (cell x count + parts), or a packaged pack id"),
                cell: str = typer.Option(None, "--cell", help="catalogue cell id (one cell as feed)"),
                route: str = typer.Option(..., "--route", help="pyro, hydro or direct"),
                target_set: str = typer.Option(None, "--targets", help="gi-fund (default: Li 70, Ni 95, Co 95 %), eu-2027 or eu-2031"),
                json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """kg of Li, Ni, Co, Mn, Cu, Al and graphite recovered by a route, against the recovery targets."""
        from cellbench.sustainability.recycling import recover

        r = recover(_bill(cell, pack), route, target_set=target_set)
        if json:
            print_json(r.to_dict())
            return
        table = Table(title=f"{r.route_name}: {r.basis['label']} (targets {r.targets['set']})")
        for col in ("element", "feed kg", "recovered kg", "recovery %", "range %", "target %", "meets"):
            table.add_column(col, justify="left" if col == "element" else "right")
        for el, e in r.elements.items():
            rate = "—" if e["recovery_rate"] is None else f"{100 * e['recovery_rate']:.1f}"
            band = "—" if e["recovery_rate_range"] is None else "–".join(f"{100 * x:.0f}" for x in e["recovery_rate_range"])
            target = "—" if e["target"] is None else f"{100 * e['target']:.0f}"
            meets = {None: "—", True: "yes", False: "no"}[e["meets_target"]]
            table.add_row(el, f"{e['feed_kg']:.3g}", f"{e['recovered_kg']:.3g}", rate, band, target, meets)
        console.print(table)
