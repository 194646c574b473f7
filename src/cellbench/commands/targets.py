"""`cellbench targets list|show|check` and `cellbench materials check`: programme targets and intake informatics."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from cellbench.errors import InputError

SET_HELP = "target set id or YAML path (repeatable; default: every built-in set)"


def targets_table(checks, title: str = "targets") -> Table:
    """One row per check: set, target, threshold, figure, verdict (used by every command that shows targets)."""
    table = Table(title=title)
    for col in ("set", "target", "stage", "target value", "figure", "verdict"):
        table.add_column(col, justify="right" if col in ("target value", "figure") else "left")
    style = {"met": "green", "not met": "red", "not assessed": "dim"}
    for c in checks:
        threshold = "reported" if c.comparison == "reported" else f"{c.comparison} {c.threshold:g} {c.unit}"
        if c.year:
            threshold += f" ({c.year})"
        figure = "—" if c.value is None else f"{c.value:.4g}"
        table.add_row(c.set, c.target, c.stage, threshold, figure,
                      f"[{style[c.status]}]{c.verdict_text()}[/]")
    return table


def result_checks(figures: dict[str, float], stages: tuple[str, ...], *, electrolyte_type: str | None = None,
                  origin: str = "") -> list:
    """The checks a result command adds to its output: every built-in set, the stages the result speaks to."""
    from cellbench import targets

    return targets.assess(figures, stages=stages, electrolyte_type=electrolyte_type,
                          origins={k: origin for k in figures} if origin else None)


def print_result_checks(console, checks) -> None:
    """The assessed checks as a table under a result (the rest are in --json, or `cellbench targets check`)."""
    assessed = [c for c in checks if c.status != "not assessed"]
    if assessed:
        console.print(targets_table(assessed, title="against the programme targets"))


def gate_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="stage gate (per set and stage)")
    for col in ("set", "stage", "met", "not met", "not assessed", "passes", "missing"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["set"], r["stage"], str(r["met"]), str(r["not met"]), str(r["not assessed"]),
                      {None: "—", True: "yes", False: "no"}[r["passes"]], ", ".join(r["missing"]))
    return table


def _read_json(path: Path, what: str) -> dict:
    try:
        return jsonlib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {what} ({exc.strerror})", source=str(path)) from None
    except ValueError as exc:
        raise InputError(f"not JSON ({exc})", source=str(path)) from None


def _parse_figures(items: list[str]) -> dict[str, float]:
    from cellbench.targets import QUANTITIES

    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in QUANTITIES:
            raise InputError(f"expected NAME=VALUE with NAME one of {', '.join(QUANTITIES)}; got '{item}'",
                             location="option '--figure'")
        try:
            out[name] = float(value)
        except ValueError:
            raise InputError(f"'{value}' is not a number", location=f"option '--figure' {name}") from None
    return out


def gather_figures(cell: str | None, pack: Path | None, results: Path | None, cfp: Path | None,
                   recycle: Path | None, material: str | None, figure: list[str],
                   drive: Path | None = None) -> tuple[dict, dict, str | None]:
    """Figures (and where each came from) from the results named on the command line."""
    from cellbench import targets

    figures: dict[str, float] = {}
    origins: dict[str, str] = {}
    electrolyte = None

    def add(new: dict, origin: str) -> None:
        for k, v in new.items():
            figures[k], origins[k] = v, origin

    if cell:
        from cellbench import cells
        from cellbench.cells.report import cell_summary

        summary = cell_summary(cells.load(cell))
        add(targets.cell_figures(summary), f"cell {summary['id']}")
        electrolyte = summary["electrolyte_type"]
    if pack:
        from cellbench import pack as pack_pkg

        if not pack.exists():
            raise InputError(f"no pack file '{pack}'", location="option '--pack'")
        spec = pack_pkg.PackSpec.load(pack)
        add(targets.pack_figures(pack_pkg.pack_figures(spec).as_dict()), f"pack {pack}")
        electrolyte = electrolyte or spec.cell_design().electrolyte_type
    if results:
        doc = _read_json(results, "an evaluation's results.json")
        try:
            from cellbench import materials

            record = None
            try:
                record = materials.load(doc["material"]["id"])
            except InputError:
                pass  # a user's material file that is not at hand: its figures are simply not assessed
            f, o = targets.evaluation_figures(doc["candidate_design"], doc["metrics"], record)
            electrolyte = electrolyte or doc["candidate_design"].get("electrolyte_type")
        except (KeyError, TypeError) as exc:
            raise InputError(f"not an evaluation results.json (missing {exc})", source=str(results)) from None
        figures.update(f)
        origins.update({k: f"{results}: {v}" for k, v in o.items()})
    if cfp:
        try:
            add(targets.footprint_figures(_read_json(cfp, "a `cfp --json` result")), f"cfp {cfp}")
        except (KeyError, TypeError):
            raise InputError("not a `cellbench cfp --json` result", source=str(cfp)) from None
    if recycle:
        try:
            add(targets.recovery_figures(_read_json(recycle, "a `recycle --json` result")), f"recycling {recycle}")
        except (KeyError, TypeError, AttributeError):
            raise InputError("not a `cellbench recycle --json` result", source=str(recycle)) from None
    if drive:
        doc = _read_json(drive, "a `drive --json` result")
        if not isinstance(doc, dict) or "range_km" not in doc:
            raise InputError("not a `cellbench drive --json` result (no range_km)", source=str(drive))
        add(targets.drive_figures(doc), f"drive {drive}")
    if material:
        from cellbench import materials

        add(targets.material_figures(materials.load(material)), f"material {material}")
    add(_parse_figures(figure), "given on the command line")
    return figures, origins, electrolyte


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    targets_app = typer.Typer(help="Programme targets as data (GI Fund, SOLiD-EV, battery strategy, EU) and checks "
                              "of results against them.", no_args_is_help=True)
    app.add_typer(targets_app, name="targets")

    @targets_app.command("list")
    def targets_list(json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """The built-in target sets."""
        from cellbench import targets

        rows = [{"id": s.id, "version": s.version, "name": s.name, "programme": s.programme,
                 "targets": len(s.targets), "stages": sorted({t.stage for t in s.targets}, key=targets.STAGES.index)}
                for s in targets.list_sets()]
        if json:
            print_json(rows)
            return
        table = Table(title="target sets")
        for col in ("id", "version", "targets", "stages", "name"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["id"], r["version"], str(r["targets"]), ", ".join(r["stages"]), r["name"])
        console.print(table)

    @targets_app.command("show")
    def targets_show(target_set: str = typer.Argument(..., help="target set id or YAML path"),
                     json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Every target of a set with its year and source."""
        from cellbench import targets

        s = targets.load_set(target_set)
        if json:
            print_json(s.model_dump(mode="json"))
            return
        console.print(f"[bold]{s.name}[/] ({s.id} v{s.version}) — {s.programme}", highlight=False)
        if s.description:
            console.print(s.description, highlight=False)
        table = Table()
        for col in ("target", "stage", "threshold", "year", "for", "statement", "source"):
            table.add_column(col)
        for t in s.targets:
            threshold = "reported" if t.comparison == "reported" else f"{t.comparison} {t.value:g} {t.unit}"
            statement = t.statement + (f" [cellbench reads: {t.interpretation}]" if t.interpretation else "")
            table.add_row(t.id, t.stage, threshold, str(t.year or "—"), t.applies_to, statement, str(t.source))
        console.print(table)

    @targets_app.command("check")
    def targets_check(
        target_sets: list[str] = typer.Option(None, "--set", help=SET_HELP),
        cell: str = typer.Option(None, "--cell", help="catalogue cell id or design YAML"),
        pack: Path = typer.Option(None, "--pack", help="pack YAML from 'pack design -o'"),
        results: Path = typer.Option(None, "--results", help="an evaluation's results.json"),
        cfp: Path = typer.Option(None, "--cfp", help="a `cfp --json` result"),
        recycle: Path = typer.Option(None, "--recycle", help="a `recycle --json` result"),
        drive: Path = typer.Option(None, "--drive", help="a `drive --json` result (range on one charge)"),
        material: str = typer.Option(None, "--material", help="material id or YAML (material-stage targets)"),
        figure: list[str] = typer.Option(None, "--figure", help="NAME=VALUE for a figure cellbench does not compute "
                                         "(e.g. pack_cost_yen_per_kwh=12000, cycle_life_cycles=800); repeatable"),
        stage: list[str] = typer.Option(None, "--stage", help="only these stages (material, cell, pack, vehicle, "
                                        "end_of_life); repeatable"),
        assessed_only: bool = typer.Option(False, "--assessed-only", help="leave out targets without a figure"),
        json: bool = typer.Option(False, "--json", help="machine-readable output"),
    ) -> None:
        """Check results (cell, pack, evaluation, CFP, recycling, given figures) against target sets, with the stage gate."""
        from cellbench import targets

        figures, origins, electrolyte = gather_figures(cell, pack, results, cfp, recycle, material, figure, drive)
        if not figures:
            raise InputError("nothing to check: give --cell, --pack, --results, --cfp, --recycle, --drive, --material "
                             "or --figure")
        checks = targets.assess(figures, target_sets or None, stages=stage or None, electrolyte_type=electrolyte,
                                origins=origins)
        if assessed_only:
            checks = [c for c in checks if c.status != "not assessed"]
        gate = targets.stage_gate(checks)
        if json:
            print_json({"figures": figures, "origins": origins, "electrolyte_type": electrolyte,
                        "checks": [c.model_dump(mode="json") for c in checks], "stage_gate": gate})
            return
        console.print(targets_table(checks))
        console.print(gate_table(gate))


def register_materials_check(materials_app: typer.Typer) -> None:
    """`cellbench materials check FILE [--cif CIF]` (attached to the materials group by commands/catalogue.py)."""
    from cellbench.terminal import console, print_json

    @materials_app.command("check")
    def materials_check(material: str = typer.Argument(..., help="material YAML (or a library id) with a 'formula'"),
                        cif: Path = typer.Option(None, "--cif", help="crystal structure (CIF) of the material"),
                        strict: bool = typer.Option(False, "--strict", help="exit 1 when a value is flagged"),
                        json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Derive molar mass, theoretical capacity and (with --cif) density and lithium sites; flag submitted values
        that do not fit. Nothing is stored."""
        from cellbench import materials
        from cellbench.materials.informatics import check_record, read_structure

        record = materials.load(material)
        structure = read_structure(cif, field="--cif") if cif else None
        report = check_record(record, structure)
        if json:
            print_json(report.model_dump(mode="json"))
        else:
            console.print(f"[bold]{record.name}[/] ({record.id}, {record.role}) — {report.formula}", highlight=False)
            table = Table(title="derived beside submitted")
            for col in ("field", "derived", "submitted", "deviation", "fits"):
                table.add_column(col, justify="left" if col == "field" else "right", no_wrap=col == "field")
            for c in report.comparisons:
                table.add_row(c.field, "—" if c.derived is None else f"{c.derived:.4g} {c.unit}",
                              "—" if c.submitted is None else f"{c.submitted:.4g} {c.unit}",
                              "—" if c.deviation_pct is None else f"{c.deviation_pct:+.1f}%",
                              "—" if c.submitted is None else "[red]no[/]" if c.flag else "yes")
            console.print(table)
            for c in report.comparisons:
                console.print(f"  {c.field}: derived from {c.derived_source}"
                              + (f"; submitted per {c.submitted_source}" if c.submitted is not None else ""),
                              highlight=False, markup=False)
            if report.capacity:
                cap = report.capacity
                states = ", ".join(f"{el} {v:+.3g}" for el, v in cap.oxidation_states.items())
                console.print(f"theoretical capacity {cap.capacity_mAh_g:.1f} mAh/g: {cap.exchanged_per_formula_unit:.3g} "
                              f"e⁻ per formula unit, limited by {cap.limited_by}"
                              + (f"; as-made oxidation states {states}" if states else ""), highlight=False)
            if report.structure:
                s = report.structure
                console.print(f"structure {s.reduced_formula}, Z = {s.formula_units_per_cell:g}, V = {s.volume_A3:.1f} Å³, "
                              f"density {s.density_g_cm3:.3f} g/cm³; lithium on {s.lithium_sites} of {s.sites} sites "
                              f"(fraction {s.li_site_fraction:.3f}, occupancy "
                              f"{'—' if s.li_site_occupancy is None else f'{s.li_site_occupancy:.2f}'}), "
                              f"{'—' if s.volume_per_li_A3 is None else f'{s.volume_per_li_A3:.1f}'} Å³ per Li",
                              highlight=False)
            for flag in report.flags:
                console.print(f"[red]flag:[/] {flag}", highlight=False)
            if not report.flags:
                console.print("[green]consistent:[/] the submitted values fit what the formula"
                              + (" and structure give" if report.structure else " gives"))
        if strict and report.flags:
            raise typer.Exit(1)
