"""Scenario rows as a Rich table for the terminal (the JSON output carries every quantity).

>>> table = rows_table([{"year": 2030, "scenario": "S2", "assb_vehicle_sales": 1.43e6}])
>>> table.columns[2].header
'ASSB sales\\nM/yr'
"""

from __future__ import annotations

from rich.table import Table

from cellbench.scenarios.calculator import Row
from cellbench.scenarios.comparison import Comparison

# two tables that each fit an 80-column terminal; quantity -> (header, divisor, format)
VEHICLE_COLUMNS: dict[str, tuple[str, float, str]] = {
    "xev_sales": ("xEV sales\nM/yr", 1e6, "{:.2f}"),
    "assb_vehicle_sales": ("ASSB sales\nM/yr", 1e6, "{:.2f}"),
    "xev_stock": ("xEV stock\nM", 1e6, "{:.1f}"),
    "assb_vehicle_stock": ("ASSB stock\nM", 1e6, "{:.2f}"),
    "fast_chargers_needed": ("chargers\nthousand", 1e3, "{:.0f}"),
}
IMPACT_COLUMNS: dict[str, tuple[str, float, str]] = {
    "battery_GWh": ("battery\nGWh/yr", 1.0, "{:.1f}"),
    "battery_revenue_billion_yen": ("revenue\nbn yen/yr", 1.0, "{:.0f}"),
    "co2_saved_Mt": ("CO₂ saved\nnet Mt/yr", 1.0, "{:.2f}"),
    "eol_battery_GWh": ("EOL packs\nGWh/yr", 1.0, "{:.2f}"),
    "recoverable_Ni_t": ("Ni recov.\nkt/yr", 1e3, "{:.2f}"),
    "recoverable_Li_t": ("Li recov.\nkt/yr", 1e3, "{:.2f}"),
}
COLUMNS = {**VEHICLE_COLUMNS, **IMPACT_COLUMNS}


def rows_table(rows: list[Row], title: str | None = None,
               columns: dict[str, tuple[str, float, str]] = COLUMNS) -> Table:
    """One line per year, scenario (and segment, when the rows have one)."""
    with_segment = any("segment" in r for r in rows)
    shown = [q for q in columns if any(q in r for r in rows)]
    table = Table(title=title, header_style="bold")
    table.add_column("year", justify="right")
    table.add_column("scenario", no_wrap=True)
    if with_segment:
        table.add_column("segment")
    for q in shown:
        table.add_column(columns[q][0], justify="right")
    for r in rows:
        cells = [str(r["year"]), str(r["scenario"])] + ([str(r.get("segment", ""))] if with_segment else [])
        for q in shown:
            header, divisor, fmt = columns[q]
            cells.append(fmt.format(float(r[q]) / divisor) if q in r else "")
        table.add_row(*cells)
    return table


def comparison_table(comparisons: list[Comparison]) -> Table:
    """The report's figures beside cellbench's and the difference (``--json`` adds tolerance and source)."""
    table = Table(title="SOLiD-EV report vs cellbench", header_style="bold",
                  caption="calibrated: the examples' inputs were fitted to that figure, so agreeing with it is not "
                          "validation; not fitted: the figure chose no input, so agreeing with it is a check")
    for name, justify in (("scenario", "left"), ("year", "right"), ("quantity", "left"),
                          ("report", "right"), ("cellbench", "right"), ("diff %", "right"), ("basis", "left")):
        table.add_column(name, justify=justify, no_wrap=name != "quantity")
    for c in comparisons:
        row = c.as_row()
        mark = "" if c.within_tolerance else " ✗"
        label = row["scenario"] if row["segment"] == "all" else f"{row['scenario']}/{row['segment']}"
        table.add_row(label, str(row["year"]),
                      _LABELS.get(row["quantity"], row["quantity"]), _compact(row["report"]),
                      _compact(row["cellbench"]), f"{row['difference_percent']:+.2f}{mark}", row["basis"])
    return table


_LABELS = {
    "assb_vehicle_sales": "ASSB sales", "assb_vehicle_stock": "ASSB stock", "xev_sales": "xEV sales",
    "xev_stock": "xEV stock", "assb_battery_revenue_billion_yen": "ASSB revenue, bn yen",
    "assb_co2_saved_Mt": "ASSB CO₂ net, Mt", "assb_co2_saved_gross_Mt": "ASSB CO₂ gross, Mt",
    "fast_chargers_needed": "fast chargers",
}


def _compact(value: float) -> str:
    """1430000 → '1.43 M', 560000 → '560 k', 2.1 → '2.1'."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g} M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.3g} k"
    return f"{value:.4g}"
