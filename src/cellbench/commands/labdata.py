"""`cellbench convert` and `cellbench summarize`: cycler files → canonical BDF, and per-cycle summaries."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cellbench.errors import InputError


def convert(file: Path = typer.Argument(..., help="cycler export (any supported vendor format)"),
            output: Path = typer.Option(..., "-o", "--output", help="OUT.parquet or OUT.csv"),
            header: str = typer.Option("machine", "--header", help="CSV header style: machine or human"),
            format: Optional[str] = typer.Option(None, "--format", help="skip detection: a reader name"),  # noqa: A002
            column_map: Optional[Path] = typer.Option(None, "--column-map", help="YAML column map (generic CSV)"),
            json: bool = typer.Option(False, "--json", help="print what was written as JSON")) -> None:
    """Write a cycler file as canonical Battery Data Format (Parquet or CSV)."""
    from cellbench.terminal import console, print_json
    from cellbench.measurements import read

    if header not in ("machine", "human"):
        raise InputError(f"--header must be 'machine' or 'human', not {header!r}")
    suffix = output.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise InputError(f"output must end in .parquet or .csv, not {output.suffix or '(none)'}", source=str(output))
    measurement = read(file, format=format, column_map=column_map)
    if suffix == ".parquet":
        measurement.to_parquet(output)
    else:
        measurement.to_csv(output, header_style=header)
    if json:
        print_json({"output": str(output), **measurement.to_json_summary()})
    else:
        md = measurement.metadata
        console.print(f"{file} ({md.file_format}, {len(measurement)} rows) → {output}")


def summarize(file: Path = typer.Argument(..., help="cycler export, canonical Parquet, or a stored TEST_ID"),
              steps: bool = typer.Option(False, "--steps", help="also print the step table"),
              format: Optional[str] = typer.Option(None, "--format", help="skip detection: a reader name"),  # noqa: A002
              json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """Per-cycle capacity, energy, coulombic efficiency, mean voltages, max temperature, duration."""
    from cellbench.analysis import summarize as summarize_measurement
    from cellbench.terminal import console, print_json
    from cellbench.store import resolve_measurement

    summary = summarize_measurement(resolve_measurement(file, format=format), steps=steps)
    if json:
        print_json(summary.to_json())
        return
    print_summary(summary, console)


def _table(title: str, frame, columns):
    """A Rich table of a Polars frame: columns as (key, label, format); missing values as a dash."""
    from rich.table import Table

    table = Table(title=title)
    for _, label, _ in columns:
        table.add_column(label, justify="right")
    for row in frame.iter_rows(named=True):
        table.add_row(*["–" if row[key] is None else fmt.format(row[key]) for key, _, fmt in columns])
    return table


def print_summary(summary, console) -> None:
    """Rich tables for a :class:`cellbench.analysis.Summary` (shared with the store's summarize)."""
    console.print(_table("cycles", summary.cycles, [
        ("cycle", "cycle", "{}"), ("charge_capacity_Ah", "Q chg / Ah", "{:.6g}"),
        ("discharge_capacity_Ah", "Q dis / Ah", "{:.6g}"), ("charge_energy_Wh", "E chg / Wh", "{:.6g}"),
        ("discharge_energy_Wh", "E dis / Wh", "{:.6g}"), ("coulombic_efficiency", "CE", "{:.4f}"),
        ("mean_charge_voltage_V", "V̄ chg / V", "{:.4f}"), ("mean_discharge_voltage_V", "V̄ dis / V", "{:.4f}"),
        ("max_temperature_C", "T max / °C", "{:.1f}"), ("duration_s", "duration / s", "{:.0f}")]))
    if summary.steps is not None:
        console.print(_table("steps", summary.steps, [
            ("step_number", "#", "{}"), ("cycle", "cycle", "{}"), ("step_type", "type", "{}"),
            ("duration_s", "duration / s", "{:.0f}"), ("charge_capacity_Ah", "Q chg / Ah", "{:.6g}"),
            ("discharge_capacity_Ah", "Q dis / Ah", "{:.6g}"), ("start_voltage_V", "V start", "{:.4f}"),
            ("end_voltage_V", "V end", "{:.4f}"), ("mean_current_A", "I mean / A", "{:.5g}")]))
    for warning in summary.warnings:
        console.print(f"warning: {warning}", style="yellow", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command("convert")(convert)
    app.command("summarize")(summarize)
