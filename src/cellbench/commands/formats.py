"""`cellbench formats`: every cycler file format cellbench reads, with its extensions, the vendor software
versions known to work and the header it recognises."""

from __future__ import annotations

import typer


def formats(json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """List every file format `convert`, `summarize` and `ingest` read (detected from content, not the name)."""
    from rich.table import Table

    from cellbench.terminal import console, print_json
    from cellbench.measurements.readers import catalogue

    entries = catalogue()
    if json:
        print_json([{"format": e.format, "vendor": e.vendor, "extensions": list(e.extensions),
                     "software": list(e.software), "header": e.header, "reader": e.reader} for e in entries])
        return
    table = Table(title="cycler file formats (detected from the content; --format NAME skips detection)")
    for column in ("format", "vendor", "extensions", "known to work", "recognised header"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(e.format, e.vendor, " ".join(e.extensions), "\n".join(e.software), e.header)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("formats")(formats)
