"""`cellbench evaluate`: a new material in a standard cell against the standard material."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cellbench.terminal import progress as progress_bar


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    @app.command("evaluate")
    def evaluate_cmd(
        cell: str = typer.Option(..., "--cell", help="standard cell id (or a design YAML)"),
        material: Path = typer.Option(..., "--material", help="the new material's YAML file (or a library id)"),
        role: str = typer.Option("auto", "--role", help="role it takes in the cell; auto = the material's own role"),
        suite: str = typer.Option("iec62660-1-assb", "--suite", help="bundled suite id or a suite YAML"),
        out: Path = typer.Option(Path("evaluation-output"), "--out", help="folder for results.json, report.html, Parquet"),
        workers: int = typer.Option(2, "--workers", min=1),
        sensitivity: bool = typer.Option(True, "--sensitivity/--no-sensitivity"),
        basis: str = typer.Option("volume", "--basis", help="what the substitution keeps: 'volume' (each layer's "
                                  "volume fractions; default) or 'mass' (its weight fractions)"),
        json: bool = typer.Option(False, "--json", help="print results.json instead of the table"),
        safety_records: list[Path] = typer.Option(None, "--safety", help="safety test record YAML of the candidate's "
                                                  "cells, judged into the report (repeatable)"),
    ) -> None:
        """Put MATERIAL into CELL in place of the standard material, run the suite on both, compare and report."""
        from cellbench import evaluation
        from cellbench.safety import section_from_record_files

        safety = section_from_record_files(safety_records) if safety_records else None  # bad files refused first
        # simulations done of total, time left; nothing on a pipe or with --json (streams left alone for the forks)
        with progress_bar(console, "simulations", disable=json) as bar:
            task = bar.add_task("sim", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            ev = evaluation.evaluate(cell, str(material) if material.exists() else material.name, role=role,
                                     suite=suite, sensitivity=sensitivity, workers=workers, basis=basis,
                                     progress=progress)
        if safety is not None:
            ev.safety = safety
        doc = evaluation.results_document(ev)
        paths = evaluation.write(ev, out, doc)
        if json:
            print_json(doc)
            return
        table = Table(title=f"{doc['material']['name']} in {doc['cell']['id']} (baseline: standard material)")
        for col in ("item", "metric", "baseline", "candidate", "Δ %", "band %", "verdict"):
            table.add_column(col, justify="right" if col in ("baseline", "candidate", "Δ %", "band %") else "left",
                             no_wrap=col == "item")
        style = {"better": "green", "worse": "red"}
        fmt = lambda v, unit="": "—" if v is None else (v if isinstance(v, str) else f"{v:.4g} {unit}".strip())
        for r in doc["metrics"]:
            table.add_row(r["item"], r["name"], fmt(r["baseline"], r["unit"]), fmt(r["candidate"], r["unit"]),
                          fmt(r["change_pct"] if not isinstance(r["change_pct"], float) else round(r["change_pct"], 2)),
                          f"±{r['band']['total_pct']:.2g}" if r.get("band") else "—",
                          r["verdict"] + (" (design)" if r["effect"] == "design" else ""), style=style.get(r["verdict"]))
        console.print(table)
        for line in doc["improvement_directions"]:
            console.print(f"direction: {line}", highlight=False, markup=False)
        for n in doc["not_assessed"]:
            console.print(f"not assessed: {n['variant']} {n['item']}: {n['reason']}", highlight=False, markup=False)
        if doc["calibration"]:
            console.print(f"calibration ({doc['calibration']['cell']}): {doc['calibration']['note']}", highlight=False,
                          markup=False)
        for n in doc["not_run"]:
            console.print(f"not run: {n['item']} ({n['needs']})", highlight=False, markup=False)
        for c in doc.get("target_checks", []):
            if c["status"] != "not assessed":
                margin = "" if c["margin"] is None else f" ({c['margin']:+.4g} {c['unit']})"
                console.print(f"target {c['set']}/{c['target']}: {c['status']}{margin}", highlight=False, markup=False)
        for r in doc["safety"]["records"]:
            console.print(f"safety: {r['test']} v{r['test_version']} · {r['sample']}: {r['status']}", highlight=False,
                          markup=False)
        if doc["failures"]:
            console.print(f"[yellow]{len(doc['failures'])} simulation or metric failures; see results.json[/]")
        console.print(f"{doc['run']['simulations']} simulations in {doc['run']['seconds']:.1f} s")
        console.print(f"report: {paths['report'].resolve()}", markup=False)
        console.print(f"results: {paths['results'].resolve()}", markup=False)
