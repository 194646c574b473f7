"""`cellbench pack design|heat`, `cellbench drive` and `cellbench fastcharge`: from a standard cell to a car."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cellbench.errors import InputError


def _table(title: str, rows: dict) -> Table:
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in rows.items():
        if isinstance(value, (dict, list)) and key != "target_wh_per_l":
            continue
        table.add_row(key, f"{value:.4g}" if isinstance(value, float) else str(value))
    return table


def _pack(path: Path):
    from cellbench import pack

    if not path.exists():
        raise InputError(f"no pack file '{path}': make one with 'cellbench pack design ... -o {path}'", location="--pack")
    return pack.PackSpec.load(path)


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, err_console, print_json

    pack_app = typer.Typer(help="Pack design and pack heat (large-format cells, series/parallel, Wh/L vs targets).",
                           no_args_is_help=True)
    app.add_typer(pack_app, name="pack")

    @pack_app.command("design")
    def design(cell: str = typer.Option("nextgen-std", "--cell", help="catalogue cell id (its electrode design)"),
               energy_kwh: float = typer.Option(55.0, "--energy-kwh"), voltage: float = typer.Option(400.0, "--voltage"),
               capacity_ah: float = typer.Option(None, "--capacity-ah", help="large cell capacity (default: fit the energy)"),
               parallel: int = typer.Option(None, "--parallel", help="cells in parallel (default 2 when fitting)"),
               width_mm: float = typer.Option(None, "--width-mm", help="electrode width of the large cell"),
               length_mm: float = typer.Option(None, "--length-mm", help="electrode length of the large cell"),
               output: Path = typer.Option(None, "-o", "--output", help="write the pack YAML here"),
               json: bool = typer.Option(False, "--json")) -> None:
        """A pack of large-format cells for a target energy and voltage: Wh/L, Wh/kg, packing efficiency."""
        from cellbench import pack

        spec = pack.design_pack(cell, energy_kWh=energy_kwh, voltage_V=voltage, parallel=parallel,
                                capacity_Ah=capacity_ah, width_mm=width_mm, length_mm=length_mm)
        if output:
            spec.save(output)
        figures = pack.pack_figures(spec).as_dict()
        from cellbench.commands.targets import print_result_checks, result_checks
        from cellbench.targets import pack_figures as target_figures

        checks = result_checks(target_figures(figures), ("cell", "pack"),
                               electrolyte_type=spec.cell_design().electrolyte_type, origin=f"pack {spec.name}")
        if json:
            print_json(figures | {"pack": spec.model_dump(mode="json"), "file": str(output) if output else None,
                                  "target_checks": [c.model_dump(mode="json") for c in checks]})
            return
        console.print(_table(spec.name, figures))
        print_result_checks(console, checks)
        if output:
            console.print(f"pack: {output}")

    @pack_app.command("heat")
    def heat(pack_file: Path = typer.Option(..., "--pack", help="pack YAML from 'pack design'"),
             scenario: str = typer.Option("combined", "--scenario", help="combined (6C then WLTC 3b on 5%), charge or drive"),
             cooling: str = typer.Option("none,air,liquid", "--cooling", help="comma-separated cooling modes"),
             limit: float = typer.Option(None, "--limit", help="temperature limit °C (default 45 liquid, 60 solid)"),
             c_rate: float = typer.Option(6.0, "--c-rate"), grade: float = typer.Option(5.0, "--grade"),
             cycle: str = typer.Option("wltc3b", "--cycle"),
             json: bool = typer.Option(False, "--json")) -> None:
        """Is cooling needed? The hottest cell and the spread for each cooling mode against a temperature limit."""
        from cellbench import pack

        spec = _pack(pack_file)
        rows = []
        for mode in [m.strip() for m in cooling.split(",") if m.strip()]:
            if scenario == "combined":
                r = pack.charge_then_drive(spec, c_rate=c_rate, cycle=cycle, grade_pct=grade, cooling=mode,
                                           temperature_limit=limit)
                spread = max(r.charge.temperature_spread_K, r.drive.temperature_spread_K)
                hottest, lim = r.max_cell_temperature_C, r.drive.temperature_limit_C
            elif scenario == "charge":
                r = pack.fast_charge(spec, c_rate=c_rate, cooling=mode, temperature_limit=limit)
                spread, hottest, lim = r.temperature_spread_K, r.max_cell_temperature_C, r.temperature_limit_C
            elif scenario == "drive":
                r = pack.drive(spec, cycle, grade_pct=grade, cooling=mode, temperature_limit=limit)
                spread, hottest, lim = r.temperature_spread_K, r.max_cell_temperature_C, r.temperature_limit_C
            else:
                raise InputError(f"unknown scenario '{scenario}': expected combined, charge or drive", location="--scenario")
            rows.append({"cooling": mode, "max_cell_temperature_C": round(hottest, 2),
                         "temperature_spread_K": round(spread, 2), "temperature_limit_C": lim,
                         "within_limit": hottest <= lim})
        uncooled = next((r for r in rows if r["cooling"] == "none"), None)
        answer = {"scenario": scenario, "modes": rows,
                  "cooling_needed": None if uncooled is None else not uncooled["within_limit"]}
        if json:
            print_json(answer)
            return
        table = Table(title=f"pack heat, {scenario}")
        for col in ("cooling", "hottest cell °C", "spread K", "limit °C", "within limit"):
            table.add_column(col)
        for r in rows:
            table.add_row(r["cooling"], f"{r['max_cell_temperature_C']:.1f}", f"{r['temperature_spread_K']:.2f}",
                          f"{r['temperature_limit_C']:g}", "yes" if r["within_limit"] else "no")
        console.print(table)
        if answer["cooling_needed"] is not None:
            console.print(f"cooling needed: {'yes' if answer['cooling_needed'] else 'no'}")

    @app.command("drive")
    def drive(pack_file: Path = typer.Option(..., "--pack", help="pack YAML from 'pack design'"),
              cycle: str = typer.Option("wltc3b", "--cycle", help="wltc1|wltc2|wltc3a|wltc3b|constant or a CSV file"),
              grade: float = typer.Option(0.0, "--grade", help="road grade, %"),
              repeat: int = typer.Option(1, "--repeat"),
              speed_km_h: float = typer.Option(None, "--speed-km-h", help="for --cycle constant"),
              duration_s: float = typer.Option(None, "--duration-s", help="for --cycle constant"),
              cooling: str = typer.Option("none", "--cooling", help="none, air or liquid"),
              start_soc: float = typer.Option(0.9, "--start-soc"),
              vehicle: Path = typer.Option(None, "--vehicle", help="vehicle YAML (fields of cellbench.pack.Vehicle)"),
              model: str = typer.Option("spme", "--model", help="spme (default), dfn or spm"),
              output: Path = typer.Option(None, "-o", "--output", help="write the cell's time series (Parquet)"),
              plot: Path = typer.Option(None, "--plot", help="write an interactive plot (HTML) here"),
              json: bool = typer.Option(False, "--json")) -> None:
        """Drive the pack's car through a cycle: distance, Wh/km, energy, range, hottest cell, final SOC.

        On a terminal a bar counts the drive's stages done (the pack and cycle read, the cell driven through the
        cycle in one PyBaMM solve, the time series and plot written) with the time taken.
        """
        from cellbench.terminal import console, progress  # looked up here, where the bar is drawn

        stages = 2 + bool(output) + bool(plot)
        with progress(console, "drive stages", disable=json) as bar:
            task = bar.add_task("drive", total=stages)
            bar.refresh()

            def stage_done() -> None:  # drawn at once: a stage may end before the bar's next timer tick
                bar.update(task, advance=1, refresh=True)

            from cellbench import pack

            spec = _pack(pack_file)
            trace = pack.load_cycle(cycle, speed_km_h=speed_km_h, duration_s=duration_s)
            car = pack.Vehicle.from_yaml(vehicle) if vehicle else None
            stage_done()
            result = pack.drive(spec, trace, grade_pct=grade, repeat=repeat, vehicle=car, cooling=cooling,
                                start_soc=start_soc, model=model)
            stage_done()
            if output:
                result.cell_run.to_measurement(cell_id=spec.cell_design().id,
                                               procedure=f"drive {trace.name}").to_parquet(output)
                stage_done()
            if plot:
                from cellbench.pack.plot import drive_figure, write_html

                write_html(drive_figure(result), plot)
                stage_done()
        summary = result.summary()
        from cellbench.commands.targets import print_result_checks, result_checks
        from cellbench.targets import drive_figures

        checks = result_checks(drive_figures(summary), ("vehicle",), origin=f"{trace.name}, grade {grade:g}%")
        if json:
            print_json(summary | {"target_checks": [c.model_dump(mode="json") for c in checks]})
        else:
            console.print(_table(f"{spec.name}: {trace.name}, grade {grade:g}%", summary))
            print_result_checks(console, checks)
        if result.shortfall is not None:
            err_console.print(f"error: {result.shortfall.message(spec.cell_count)}", highlight=False, markup=False)
            raise typer.Exit(3)

    @app.command("fastcharge")
    def fastcharge(pack_file: Path = typer.Option(..., "--pack", help="pack YAML from 'pack design'"),
                   c_rate: float = typer.Option(6.0, "--c-rate", help="CC-CV charge rate"),
                   stage: list[str] = typer.Option(None, "--stage", help="a charge stage sentence (repeatable), "
                                                   "e.g. 'Charge at 6C until 4.1 V'; replaces the CC-CV"),
                   from_soc: float = typer.Option(0.10, "--from-soc"), to_soc: float = typer.Option(0.80, "--to-soc"),
                   cooling: str = typer.Option("none", "--cooling", help="none, air or liquid"),
                   then_drive: str = typer.Option(None, "--then-drive", help="a cycle to drive after the charge"),
                   grade: float = typer.Option(5.0, "--grade", help="grade of the drive after the charge, %"),
                   limit: float = typer.Option(None, "--limit", help="temperature limit °C"),
                   plot: Path = typer.Option(None, "--plot", help="write an interactive plot (HTML) here"),
                   json: bool = typer.Option(False, "--json")) -> None:
        """Fast charge from 10 to 80% SOC (6C CC-CV or stages): time, energy, temperature rise; optionally then drive."""
        from cellbench import pack

        spec = _pack(pack_file)
        if then_drive:
            result = pack.charge_then_drive(spec, c_rate=c_rate, stages=stage or None, from_soc=from_soc, to_soc=to_soc,
                                            cycle=then_drive, grade_pct=grade, cooling=cooling, temperature_limit=limit)
        else:
            result = pack.fast_charge(spec, c_rate=c_rate, stages=stage or None, from_soc=from_soc, to_soc=to_soc,
                                      cooling=cooling, temperature_limit=limit)
        if plot:
            from cellbench.pack.plot import charge_figure, drive_figure, write_html

            fig = charge_figure(result.charge if then_drive else result)
            write_html(fig, plot)
            if then_drive:
                write_html(drive_figure(result.drive), plot.with_name(plot.stem + "-drive" + plot.suffix))
        summary = result.summary()
        if json:
            print_json(summary)
            return
        if then_drive:
            console.print(_table("fast charge", summary["charge"]))
            console.print(_table(f"then {then_drive} on {grade:g}%", summary["drive"]))
            console.print(f"hottest cell {summary['max_cell_temperature_C']:.1f} °C, limit "
                          f"{summary['temperature_limit_C']:g} °C: {'within' if summary['within_limit'] else 'over'}")
        else:
            console.print(_table("fast charge", summary))
        for text in (summary["charge"] if then_drive else summary)["ended_at_start"]:
            console.print(f"'{text}' ended at once: its limit held at the start (the charge went on to the next stage)",
                          highlight=False, markup=False)
