"""`cellbench scenario run`: social-system scenarios (xEV adoption, ASSB share, revenue, CO₂, recycling)."""

from __future__ import annotations

from pathlib import Path

import typer

from cellbench.errors import InputError

scenario_app = typer.Typer(help="Social-system scenarios: adoption, ASSB share, battery revenue, CO₂, recycling.",
                           no_args_is_help=True)


@scenario_app.command("run")
def run(
    files: list[Path] = typer.Argument(..., metavar="SCENARIO.yaml",
                                       help="Scenario YAML files (e.g. examples/scenarios/s1.yaml s2.yaml)."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON list of rows, one per year and scenario."),
    by_segment: bool = typer.Option(False, "--by-segment", help="One row per year, scenario and segment."),
    years: str = typer.Option("", "--years", help="Only these years, e.g. 2025,2030,2035,2040."),
    plot: Path | None = typer.Option(None, "--plot", help="Also write an interactive HTML plot to this file."),
    compare: bool = typer.Option(False, "--compare", help="Compare with the SOLiD-EV report's published figures."),
) -> None:
    """Run scenarios and print sales, stock, ASSB vehicles, battery GWh and revenue, CO₂ saved, end-of-life
    batteries and recoverable metals, and fast chargers needed, by year."""
    from cellbench.terminal import console, print_json
    from cellbench.scenarios import load_scenario, run_scenario
    from cellbench.scenarios.comparison import compare_with_report

    wanted = _parse_years(years)
    totals, segments = [], []
    for path in files:
        scenario = load_scenario(path)
        totals += run_scenario(scenario)
        if by_segment or compare:
            segments += run_scenario(scenario, by_segment=True)
    shown = segments if by_segment else totals
    shown = [r for r in shown if not wanted or r["year"] in wanted]
    comparisons = compare_with_report(totals, segments) if compare else []
    if plot is not None:
        from cellbench.scenarios.plot import write_plot

        write_plot(totals, plot)
    if json_out:
        if compare:
            print_json({"rows": shown, "comparison": [c.as_row() for c in comparisons]})
        else:
            print_json(shown)
        return
    from cellbench.scenarios.tables import IMPACT_COLUMNS, VEHICLE_COLUMNS, comparison_table, rows_table

    console.print(rows_table(shown, "Vehicles", VEHICLE_COLUMNS))
    console.print(rows_table(shown, "Batteries, CO₂ and recycling", IMPACT_COLUMNS))
    if compare:
        console.print(comparison_table(comparisons) if comparisons else
                      "no report figures for these scenarios (the report covers S2, S3 and the outcome model)")
    if plot is not None:
        console.print(f"plot written to {plot}")


def _parse_years(text: str) -> set[int]:
    if not text.strip():
        return set()
    try:
        return {int(part) for part in text.split(",") if part.strip()}
    except ValueError as exc:
        raise InputError(f"--years: expected years separated by commas (2025,2030), got {text!r}") from exc


def register(app: typer.Typer) -> None:
    app.add_typer(scenario_app, name="scenario")
