"""`cellbench simulate` (the virtual cycler) and `cellbench export-bpx`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table


def _number(value: float | None, spec: str) -> str:
    """A table cell; a step that ended at once right after a set state has no voltage or temperature of its own."""
    return "–" if value is None else format(value, spec)


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    @app.command("simulate")
    def simulate_command(
        cell: str = typer.Option(..., "--cell", help="catalogue id, cell YAML file or BPX JSON file"),
        protocol: str = typer.Option(..., "--protocol",
                                     help="protocol YAML file, bundled protocol name, or steps \"STEP; STEP\""),
        temperature: float = typer.Option(25.0, "--temperature", help="ambient temperature in °C"),
        model: str = typer.Option("dfn", "--model", help="dfn, spme or spm"),
        thermal: str = typer.Option("lumped", "--thermal", help="lumped or isothermal"),
        out: Path = typer.Option(None, "--out", help="write the time series to this Parquet file"),
        time_limit: float = typer.Option(300.0, "--time-limit", help="seconds before the run is stopped"),
        json: bool = typer.Option(False, "--json", help="print the per-step summary as JSON"),
    ) -> None:
        """Simulate a cell under a protocol with PyBaMM and write a canonical (BDF) time series."""
        from cellbench.simulate import simulate
        from cellbench.simulate.summary import step_summary

        measurement = simulate(cell, protocol, temperature_C=temperature, model=model, thermal=thermal,
                               time_limit_s=time_limit)
        if out is not None:
            measurement.to_parquet(out)
        rows = step_summary(measurement)
        if json:
            extra = measurement.metadata.extra
            print_json({"cell": measurement.metadata.cell_id, "protocol": measurement.metadata.provenance["protocol"],
                        "out": str(out) if out else None, "rows": measurement.data.height,
                        "min_anode_potential_V": extra.get("min_anode_potential_V"),
                        "plating_limited": extra.get("plating_limited"),
                        "calibrated": extra.get("calibrated"), "calibration_overrides": extra.get("calibration_overrides"),
                        "calibration_warnings": extra.get("calibration_warnings") or [],
                        "provenance": measurement.metadata.provenance, "steps": rows})
            return
        table = Table(title=f"{measurement.metadata.cell_id}: {measurement.metadata.provenance['protocol']}")
        for col in ("cycle", "step", "type", "time s", "charge mAh", "discharge mAh", "energy mWh", "end V", "max °C",
                    "ended by"):
            table.add_column(col, justify="left" if col in ("step", "type", "ended by") else "right")
        for r in rows:
            energy = r["discharge_energy_Wh"] - r["charge_energy_Wh"]
            table.add_row(str(r["cycle"]), r["step"], r["step_type"], f"{r['duration_s']:.0f}",
                          f"{r['charge_capacity_Ah'] * 1000:.4g}", f"{r['discharge_capacity_Ah'] * 1000:.4g}",
                          f"{energy * 1000:.4g}", _number(r["end_voltage_V"], ".3f"), _number(r["max_temperature_C"], ".1f"),
                          r["ended_by"])
        console.print(table)
        extra = measurement.metadata.extra
        if extra.get("min_anode_potential_V") is not None:
            lowest = extra["min_anode_potential_V"]
            verdict = ("[bold red]below 0 V vs Li: plating-limited[/]" if extra["plating_limited"]
                       else "above 0 V vs Li: no plating expected")
            console.print(f"lowest anode potential while charging: {lowest * 1000:.0f} mV ({verdict})")
        if extra.get("calibrated"):
            changed = ", ".join(f"{k} = {v:g}" for k, v in extra["calibration_overrides"].items())
            console.print(f"calibrated cell: this result depends on its calibration file ({changed})", highlight=False)
        for warning in extra.get("calibration_warnings") or []:
            console.print(f"warning: {warning}", highlight=False, markup=False)
        if out is not None:
            console.print(f"wrote {measurement.data.height} rows to {out}")

    @app.command("export-bpx")
    def export_bpx_command(
        cell: str = typer.Option(..., "--cell", help="catalogue id or cell YAML file"),
        out: Path = typer.Option(..., "--out", help="BPX JSON file to write"),
        json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Export a cell as a Battery Parameter eXchange (BPX) file that PyBaMM and other tools read."""
        from cellbench.simulate.bpx_io import write_bpx
        from cellbench.simulate.virtual_cycler import as_pybamm_cell

        path = write_bpx(as_pybamm_cell(cell), out)
        if json:
            print_json({"cell": cell, "out": str(path)})
        else:
            console.print(f"wrote {path}")
