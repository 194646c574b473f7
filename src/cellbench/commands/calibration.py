"""`cellbench calibrate` (fit model parameters to measured tests) and `cellbench validate` (compare with tests)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.table import Table


def _discharges(refs: list[str], temperature: float | None):
    """Measured discharges from cycler files or stored tests (id or content-hash prefix), the one way commands
    name a measurement (:func:`cellbench.store.resolve_measurement`); a file that exists wins."""
    from cellbench.calibration import read_discharge
    from cellbench.calibration.discharges import discharge_of
    from cellbench.store import resolve_measurement

    out = []
    for ref in refs:
        if Path(ref).exists():
            out.append(read_discharge(ref, temperature_C=temperature))
        else:
            measurement = resolve_measurement(ref)
            out.append(discharge_of(measurement, source=f"stored test {ref}", sha256=measurement.content_hash(),
                                    temperature_C=temperature))
    return out


START_HELP = "rested: each test starts from the SOC its rested voltage shows; full: from 100 %"


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    @app.command("calibrate")
    def calibrate_command(
        cell: str = typer.Argument(..., help="catalogue id or cell YAML file"),
        files: list[str] = typer.Argument(..., help="measured tests: cycler files or stored test ids / "
                                                    "content-hash prefixes (each: its first CC discharge)"),
        parameters: str = typer.Option(..., "--parameters", "-p",
                                       help="comma-separated names to fit (docs/calibration.md lists them)"),
        out: Path = typer.Option(None, "--out", help="calibration YAML to write (default: <cell>-calibration.yaml)"),
        temperature: float = typer.Option(None, "--temperature",
                                          help="start temperature in °C for every file (default: each file's "
                                               "chamber temperature, else its rested cell temperature, else 25)"),
        model: str = typer.Option("dfn", "--model", help="dfn, spme or spm"),
        thermal: str = typer.Option("lumped", "--thermal", help="lumped or isothermal"),
        start: str = typer.Option("rested", "--start", help=START_HELP),
        max_evaluations: int = typer.Option(60, "--max-evaluations", help="optimiser's budget of residual evaluations"),
        starts: int = typer.Option(1, "--starts", help="run the optimiser from this many starts (the cell's own values "
                                                         "and a spread over the search box) and keep the best; lists "
                                                         "every optimum found"),
        spread: str = typer.Option(None, "--spread",
                                   help="comma-separated parameters the fit keeps at their sourced values but the "
                                        "data may not decide: the fit is repeated with them free too, and optima "
                                        "as good are kept as alternatives (validate reports how far they disagree)"),
        json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    ) -> None:
        """Fit model parameters of a cell to measured discharges (scipy least squares over PyBaMM inputs).

        Writes a calibration file: fitted values with 95 % confidence intervals, content hashes of the data,
        residuals per test and the conditions covered. Fitted values are inputs, not predictions.
        """
        from cellbench.calibration import calibrate
        from cellbench.calibration.parameters import open_parameters, parse_parameters
        from cellbench.simulate.calibration import save_calibration

        # a misspelt name fails before any file is read
        open_parameters(parse_parameters(parameters), spread or ())
        tests = _discharges(files, temperature)
        from cellbench.terminal import progress

        with progress(console, "model runs", disable=json) as bar:  # a count: the optimiser decides the total
            task = bar.add_task("calibrate", total=None)
            result = calibrate(cell, tests, parameters, model=model, thermal=thermal, max_evaluations=max_evaluations,
                               initial_state=start, starts=starts, spread=spread or (),
                               progress=lambda done, total: bar.update(task, completed=done, total=total))
        path = save_calibration(result.calibration, out or Path(f"{result.calibration.cell}-calibration.yaml"))
        cal = result.calibration
        if json:
            print_json({"out": str(path), "seconds": round(result.seconds, 2), "evaluations": result.evaluations,
                        "converged": result.success, "message": result.message,
                        "optima": cal.method.get("optima"),
                        **cal.model_dump(mode="json",
                                         include={"cell", "label", "fitted", "residuals", "conditions", "spread"})})
            return
        table = Table(title=f"{cal.cell}: fitted to {len(tests)} test(s) ({cal.label})", box=box.SIMPLE)
        for col in ("parameter", "value", "95 % interval", "start"):
            table.add_column(col, justify="left" if col == "parameter" else "right", no_wrap=True)
        for name, v in cal.fitted.items():
            ci = f"{v.ci95[0]:.4g} – {v.ci95[1]:.4g}" if v.ci95 else "—"
            table.add_row(name, f"{v.value:.4g} {v.unit}" + (" (at bound)" if v.at_bound else ""), ci, f"{v.start:.4g}")
        console.print(table)
        residuals = Table(title="residuals (before → after)", box=box.SIMPLE)
        for col in ("file", "capacity error %", "voltage RMSE mV", "temperature RMSE K"):
            residuals.add_column(col, justify="left" if col == "file" else "right", no_wrap=col == "file")
        for r in cal.residuals:
            residuals.add_row(r.file, f"{r.before_capacity_error_pct:+.2f} → {r.capacity_error_pct:+.2f}",
                              f"{r.before_voltage_rmse_mV:.1f} → {r.voltage_rmse_mV:.1f}",
                              "—" if r.temperature_rmse_K is None else f"{r.temperature_rmse_K:.2f}")
        console.print(residuals)
        if cal.method.get("optima"):
            _print_optima(cal.method["optima"])
        if cal.spread is not None:
            _print_spread(cal.spread)
        console.print(f"{result.evaluations} simulations in {result.seconds:.1f} s ({result.message}); wrote {path}")

    @app.command("validate")
    def validate_command(
        cell: str = typer.Argument(..., help="catalogue id or cell YAML file"),
        files: list[str] = typer.Argument(..., help="measured tests the calibration was not fitted on: cycler "
                                                    "files or stored test ids / content-hash prefixes"),
        calibration: Path = typer.Option(None, "--calibration",
                                         help="calibration YAML (default: the cell's own, if it has one)"),
        uncalibrated: bool = typer.Option(False, "--uncalibrated", help="compare the cell without any calibration"),
        temperature: float = typer.Option(None, "--temperature", help="start temperature in °C for every file"),
        plot: Path = typer.Option(None, "--plot", help="write both curves to this HTML file"),
        tolerance: float = typer.Option(3.0, "--tolerance", help="mean |capacity error| in % for PASS"),
        model: str = typer.Option("dfn", "--model", help="dfn, spme or spm"),
        thermal: str = typer.Option("lumped", "--thermal", help="lumped or isothermal"),
        start: str = typer.Option("rested", "--start", help=START_HELP),
        json: bool = typer.Option(False, "--json", help="print the comparison as JSON"),
    ) -> None:
        """Compare the (calibrated) cell with measured discharges: capacity, energy, mean-voltage and voltage-RMSE
        errors per test, a plot, a verdict, warnings where the calibration's conditions are left, and, for a
        calibration with alternatives (calibrate --spread), how far fits as good disagree on each test."""
        from cellbench.calibration import plot_html, validate
        from cellbench.errors import InputError

        if uncalibrated and calibration is not None:
            raise InputError("--uncalibrated and --calibration exclude each other", location="options")
        tests = _discharges(files, temperature)
        report = validate(cell, tests, calibration=calibration, calibrated=not uncalibrated, model=model,
                          thermal=thermal, initial_state=start, tolerance_pct=tolerance)
        if plot is not None:
            plot_html(report, plot)
        if json:
            print_json({**report.as_dict(), "plot": str(plot) if plot else None})
            return
        table = Table(title=f"{report.cell} against measured tests (calibration: {report.calibration_source})",
                      box=box.SIMPLE, padding=(0, 1), pad_edge=False)
        # SOC₀: where the simulation started (from the rested voltage); ΔQ, ΔE: capacity and energy errors
        # (simulated − measured); ΔV̄: mean-voltage error
        # spread %: how far fits as good (the calibration's alternatives) disagree on the capacity
        with_spread = bool(report.open_parameters)
        for col in ("file", "A", "°C", "SOC₀", "Ah", "ΔQ %", "ΔE %", "ΔV̄ mV", "RMSE mV", "RMSE K") \
                + (("spread %",) if with_spread else ()):
            table.add_column(col, justify="left" if col == "file" else "right", no_wrap=col != "file",
                             overflow="fold")
        for row in report.rows:
            e = row.errors
            spread_cell = (("—" if row.spread_pct is None else f"{row.spread_pct:.1f}"),) if with_spread else ()
            table.add_row(row.test.label, f"{row.test.current_A:.3g}",
                          "—" if row.test.start_temperature_C is None else f"{row.test.start_temperature_C:.1f}",
                          f"{100.0 * row.simulated.initial_soc:.1f}", f"{e['measured_capacity_Ah']:.3f}",
                          f"{e['capacity_error_pct']:+.2f}",
                          f"{e['energy_error_pct']:+.2f}", f"{e['mean_voltage_error_mV']:+.0f}",
                          f"{e['voltage_rmse_mV']:.0f}",
                          "—" if e["temperature_rmse_K"] is None else f"{e['temperature_rmse_K']:.1f}", *spread_cell)
        console.print(table)
        for warning in report.warnings:
            console.print(f"warning: {warning}", highlight=False, markup=False)
        if plot is not None:
            console.print(f"wrote {plot}")
        console.print(report.verdict, highlight=False, markup=False)


def _print_spread(spread) -> None:
    from cellbench.terminal import console

    if not spread.alternatives:
        console.print(f"with {', '.join(spread.parameters)} free as well, no optimum from {spread.starts} start(s) "
                      f"fits within {spread.cost_ratio:g}× the calibration's cost: no alternatives kept")
        return
    names = list(spread.alternatives[0].values)
    table = Table(title=f"alternatives: fits within {spread.cost_ratio:g}× the cost with "
                        f"{', '.join(spread.parameters)} free as well", box=box.SIMPLE)
    table.add_column("cost ×", justify="right")
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
    for a in spread.alternatives:
        table.add_row(f"{a.cost_vs_fit:.3g}", *(f"{a.values[n]:.4g}" for n in names))
    console.print(table)


def _print_optima(optima: list[dict]) -> None:
    from cellbench.calibration.fit import NEAR_OPTIMUM_COST
    from cellbench.terminal import console

    names = list(optima[0]["value"])
    table = Table(title="optima from each start (cost relative to the best)", box=box.SIMPLE)
    table.add_column("start", justify="right")
    table.add_column("cost ×", justify="right")
    for name in names:
        table.add_column(name, justify="right", no_wrap=True)
    for k, o in enumerate(optima, 1):
        table.add_row(str(k), f"{o['cost_vs_best']:.3g}", *(f"{o['value'][n]:.4g}" for n in names))
    console.print(table)
    near = [o for o in optima if o["cost_vs_best"] <= NEAR_OPTIMUM_COST]
    spread = [n for n in names
              if max(o["value"][n] for o in near) > 1.2 * min(o["value"][n] for o in near) + 1e-12]
    if len(near) > 1 and spread:
        console.print(f"[yellow]warning:[/yellow] {len(near)} optima fit within {NEAR_OPTIMUM_COST:g}× the best cost "
                      f"with different {', '.join(spread)}: the data do not determine "
                      f"{'it' if len(spread) == 1 else 'them'}; predictions outside the data's conditions differ "
                      "between them (compare with `cellbench validate --calibration`)")
