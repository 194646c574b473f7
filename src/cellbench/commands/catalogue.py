"""`cellbench cells ...` and `cellbench materials ...`: the standard-cell catalogue and the material library."""

from __future__ import annotations

import typer
from rich.table import Table

# the catalogue and library (pydantic models, NumPy) are imported inside each command, not for `cellbench --help`


def register(app: typer.Typer) -> None:
    cells_app = typer.Typer(help="The standard-cell catalogue (標準電池モデル).", no_args_is_help=True)
    materials_app = typer.Typer(help="The reference material library.", no_args_is_help=True)
    app.add_typer(cells_app, name="cells")
    app.add_typer(materials_app, name="materials")

    from cellbench.terminal import console, print_json

    @cells_app.command("list")
    def cells_list(json: bool = typer.Option(False, "--json", help="machine-readable output"),
                   wide: bool = typer.Option(False, "--wide", help="also the outline Wh/L, the published figures, "
                                             "predictions and what each design was solved for")) -> None:
        """List the catalogue cells with their derived figures (--wide: beside the published ones)."""
        from cellbench import cells
        from cellbench.cells.report import cell_summary

        rows = [cell_summary(d) for d in cells.list_cells()]
        if json:
            print_json(rows)
            return
        table = Table(title="Standard cells")
        columns = ("id", "ver", "mAh", "Wh/L stack", "Wh/L outline", "Wh/kg", "N/P", "published", "predicted vs published",
                   "solved for")
        shown = columns if wide else ("id", "ver", "mAh", "Wh/L stack", "Wh/kg", "N/P")  # fits 80 columns
        for col in shown:
            table.add_column(col, justify="left" if col in ("id", "solved for") else "right", no_wrap=col == "id")
        for r in rows:
            n = r["nominal"] or {}
            published = ", ".join(x for x in (
                f"{'≥' if 'capacity_mAh' in _lower_bounds(r) else ''}{n['capacity_mAh']:g} mAh" if n.get("capacity_mAh") else "",
                f"{'≥' if 'wh_per_l' in _lower_bounds(r) else ''}{n['wh_per_l']:g} Wh/L {n['wh_per_l_basis']}"
                if n.get("wh_per_l") else "") if x)
            cells_of_row = dict(zip(columns, (
                r["id"], r["version"], f"{r['capacity_mAh']:.1f}", f"{r['wh_per_l_stack']:.0f}",
                f"{r['wh_per_l_outline']:.0f}", f"{r['wh_per_kg']:.0f}", f"{r['np_ratio']:.2f}", published,
                "; ".join(_prediction_text(p) for p in r["predictions"]),
                ", ".join(f"{field} → {s['figure']}" for field, s in r["solved_for"].items()))))
            table.add_row(*(cells_of_row[col] for col in shown))
        console.print(table)

    @cells_app.command("show")
    def cells_show(cell_id: str = typer.Argument(..., help="catalogue id (id@version for an old version) or a YAML path"),
                   json: bool = typer.Option(False, "--json")) -> None:
        """Show one cell: layers, derived figures beside the published ones, mass breakdown, sources."""
        from cellbench import cells
        from cellbench.cells.catalogue import PREDICTION_TOLERANCE
        from cellbench.cells.report import cell_summary

        design = cells.load(cell_id)
        summary = cell_summary(design)
        from cellbench.commands.targets import print_result_checks, result_checks
        from cellbench.targets import cell_figures

        checks = result_checks(cell_figures(summary), ("cell",), electrolyte_type=design.electrolyte_type,
                               origin=f"cell design {design.id}")
        if json:
            print_json(summary | {"target_checks": [c.model_dump(mode="json") for c in checks]})
            return
        console.print(f"[bold]{design.name}[/]  ({design.id} v{design.version}, {design.electrolyte_type} electrolyte)")
        t = Table(show_header=True)
        t.add_column("figure"); t.add_column("value", justify="right"); t.add_column("is")
        solved_targets = {s["figure"]: s for s in summary["solved_for"].values()}
        predicted = {p["figure"]: p for p in summary["predictions"]}
        for key in ("capacity_mAh", "energy_Wh", "mean_voltage_V", "np_ratio", "cathode_areal_capacity_mAh_cm2",
                    "stack_thickness_um", "wh_per_l_stack", "wh_per_l_outline", "mass_g", "wh_per_kg",
                    "stack_thickness_charged_um", "wh_per_l_stack_charged"):
            role = summary["figure_roles"].get(key, "derived")
            if role == "solved":
                what = f"input: solved to give {solved_targets[key]['value']:g}"
            elif role == "predicted":
                p = predicted[key]
                what = (f"prediction: {p['deviation']:+.1%} against {'≥' if p['lower_bound'] else ''}{p['published']:g}"
                        f" published{'' if p['reproduced'] else ' (miss)'}")
            else:
                what = ""
            t.add_row(key, f"{summary[key]:.4g}", what)
        console.print(t)
        if summary["solved_for"]:
            solved = Table(title="solved for (matched by construction, not predicted)")
            for col in ("design value", "figure", "target", "why"):
                solved.add_column(col)
            for field, s in summary["solved_for"].items():
                solved.add_row(field, s["figure"], f"{s['value']:g}", s["why"])
            console.print(solved)
        if summary["predictions"]:
            pred = Table(title=f"predictions (reproduced within ±{PREDICTION_TOLERANCE:.0%})")
            for col in ("figure", "predicted", "published", "deviation", "reproduced"):
                pred.add_column(col, justify="left" if col == "figure" else "right")
            for p in summary["predictions"]:
                pred.add_row(p["figure"], f"{p['predicted']:.4g}", f"{'≥' if p['lower_bound'] else ''}{p['published']:g}",
                             f"{p['deviation']:+.1%}", "yes" if p["reproduced"] else "NO")
            console.print(pred)
            for p in summary["predictions"]:
                if p["why"]:
                    console.print(f"why {p['figure']} differs (documented {p['documented_deviation']:+.1%}): {p['why']}",
                                  highlight=False)
        r = summary["reconciliation"]
        if r:
            bases = ", ".join(f"{k.replace('_', ' ')} {v:.0f}" for k, v in r["wh_per_l"].items())
            console.print(f"Wh/L on each volume: {bases} (published {r['published_wh_per_l']:g}, {r['basis']} basis)",
                          highlight=False)
            if r["closers"]:
                gap = Table(title=f"what the published {r['published_wh_per_l']:g} Wh/L would take: the stack "
                                  f"{r['gap_um_per_unit_cell']:+.1f} µm per unit cell, or one of (a diagnosis, not applied)")
                for col in ("design value", "design", "needed"):
                    gap.add_column(col, justify="left" if col == "design value" else "right")
                for c in r["closers"]:
                    gap.add_row(c["value"], f"{c['design']:.4g}", f"{c['needed']:.4g} {c['unit']}".rstrip())
                console.print(gap)
        layers = Table(title="layers (per unit cell)")
        for col in ("layer", "thickness µm", "porosity", "materials"):
            layers.add_column(col)
        for name in ("cathode", "separator", "anode"):
            layer = getattr(design, name)
            comps = getattr(layer, "components", None)
            what = ", ".join(f"{c.material} {c.fraction:.0%}" for c in comps) if comps else layer.material
            layers.add_row(name, f"{layer.thickness_um:g}", f"{getattr(layer, 'porosity', 0):.2f}", what)
        console.print(layers)
        m = Table(title="mass breakdown (g)")
        m.add_column("part"); m.add_column("g", justify="right")
        for part, grams in summary["mass_breakdown_g"].items():
            m.add_row(part, f"{grams:.4g}")
        console.print(m)
        if design.nominal:
            console.print(f"published: {design.nominal.model_dump(exclude_none=True)}")
        for s in design.sources:
            console.print(f"source: {s}", highlight=False)
        print_result_checks(console, checks)

    @materials_app.command("list")
    def materials_list(role: str = typer.Option(None, help="only this role, e.g. solid_electrolyte"),
                       json: bool = typer.Option(False, "--json")) -> None:
        """List the reference materials."""
        from cellbench import materials

        if role is not None:
            from typing import get_args

            from cellbench.errors import InputError, closest_choice
            from cellbench.materials.records import Role

            if role not in get_args(Role):
                raise InputError(f"unknown role '{role}'{closest_choice(role, get_args(Role))}; roles: "
                                 f"{', '.join(get_args(Role))}", location="--role")
        records = materials.list_materials(role)
        if json:
            print_json([{"id": r.id, "name": r.name, "role": r.role, "density_g_cm3": r.density_g_cm3} for r in records])
            return
        t = Table(title="Materials")
        for col in ("id", "role", "name", "key property"):
            t.add_column(col)
        for r in records:
            t.add_row(r.id, r.role, r.name, _key_property(r))
        console.print(t)

    @materials_app.command("show")
    def materials_show(material_id: str = typer.Argument(..., help="library id or a YAML path"),
                       json: bool = typer.Option(False, "--json")) -> None:
        """Show every field of a material with its source."""
        from cellbench import materials

        record = materials.load(material_id)
        data = record.model_dump(mode="json")
        if json:
            print_json(data)
            return
        t = Table(title=f"{record.name} ({record.id})")
        t.add_column("field"); t.add_column("value"); t.add_column("source")
        for key, value in data.items():
            if key in ("sources",):
                continue
            if key == "ocp" and value:
                value = f"table of {len(value['stoichiometry'])} points"
            bookkeeping = key in ("id", "name", "role", "version", "description", "kind", "supplier")
            t.add_row(key, str(value), "" if bookkeeping else record.source_of(key))
        console.print(t)

    from cellbench.commands.targets import register_materials_check

    register_materials_check(materials_app)


def _lower_bounds(row) -> set[str]:
    return {"wh_per_l" if p["figure"].startswith("wh_per_l") else p["figure"] for p in row["predictions"]
            if p["lower_bound"]}


def _prediction_text(p) -> str:
    name = {"capacity_mAh": "mAh", "wh_per_kg": "Wh/kg"}.get(p["figure"], "Wh/L")
    verdict = "" if p["reproduced"] else " (miss)"
    return f"{name} {p['predicted']:.4g} ({p['deviation']:+.0%}){verdict}"


def _key_property(r) -> str:
    if hasattr(r, "specific_capacity_mAh_g"):
        return f"{r.specific_capacity_mAh_g:g} mAh/g"
    if hasattr(r, "ionic_conductivity_S_cm"):
        return f"{r.ionic_conductivity_S_cm:.2g} S/cm"
    if hasattr(r, "thickness_um"):
        return f"{r.thickness_um:g} µm"
    return f"{r.density_g_cm3:g} g/cm³"
