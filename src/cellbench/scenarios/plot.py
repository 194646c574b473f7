"""An interactive HTML page of scenario results (Plotly, plotly.js embedded so it opens offline).

>>> write_plot(rows, "scenarios.html")   # writes scenarios.html  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from cellbench.errors import InputError
from cellbench.scenarios.calculator import QUANTITIES, Row

# (quantity, divisor, axis title): one panel each
PANELS: list[tuple[str, float, str]] = [
    ("assb_vehicle_sales", 1e6, "ASSB vehicle sales, M/yr"),
    ("xev_sales", 1e6, "EV+PHEV sales, M/yr"),
    ("xev_stock", 1e6, "EV+PHEV stock, M"),
    ("battery_GWh", 1.0, "Battery sold, GWh/yr"),
    ("battery_revenue_billion_yen", 1.0, "Battery revenue, billion yen/yr"),
    ("co2_saved_Mt", 1.0, "CO₂ saved net of charging, Mt/yr"),
    ("eol_battery_GWh", 1.0, "End-of-life packs, GWh/yr"),
    ("fast_chargers_needed", 1e3, "Fast chargers needed, thousands"),
]


def scenario_figure(rows: list[Row]):
    """A grid of line charts, one panel per quantity, one line per scenario."""
    from plotly.subplots import make_subplots  # imported here: only plotting needs it

    columns = 2
    fig = make_subplots(rows=(len(PANELS) + 1) // columns, cols=columns, subplot_titles=[p[2] for p in PANELS])
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    for n, (quantity, divisor, _title) in enumerate(PANELS):
        for k, name in enumerate(scenarios):
            mine = [r for r in rows if r["scenario"] == name]
            fig.add_scatter(x=[r["year"] for r in mine], y=[float(r[quantity]) / divisor for r in mine],
                            name=name, legendgroup=name, showlegend=(n == 0), mode="lines+markers",
                            line={"color": _COLOURS[k % len(_COLOURS)]},
                            hovertemplate=f"{name} %{{x}}: %{{y:.3g}}<extra>{QUANTITIES[quantity][1]}</extra>",
                            row=n // columns + 1, col=n % columns + 1)
    fig.update_layout(title="cellbench scenarios", height=260 * ((len(PANELS) + 1) // columns), template="plotly_white")
    return fig


def write_plot(rows: list[Row], path: str | Path) -> Path:
    """Write the figure as a self-contained HTML file (whole or not at all) and return its path."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"--plot: folder {path.parent} does not exist", source=str(path))
    html = scenario_figure(rows).to_html(include_plotlyjs=True, full_html=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(html, encoding="utf-8")
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"--plot: cannot write ({exc.strerror})", source=str(path)) from exc
    return path


_COLOURS = ["#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3"]
