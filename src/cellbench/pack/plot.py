"""Plots of a drive, a fast charge and the combined scenario: interactive Plotly pages that open offline.

>>> from cellbench.pack.plot import drive_figure      # needs a drive result; writes drive.html  # doctest: +SKIP
>>> drive_figure(result).write_html("drive.html")    # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path


def drive_figure(result, *, title: str | None = None):
    """Speed, pack power, SOC and cell temperatures (mean cell and hottest cell of the row) against time."""
    from plotly.subplots import make_subplots  # only plotting needs plotly

    fig = make_subplots(rows=4, cols=1, shared_xaxes=True, vertical_spacing=0.04,
                        subplot_titles=("speed (km/h)", "pack power (kW, + discharge)", "SOC", "cell temperature (°C)"))
    t = result.time_s
    fig.add_scatter(x=t, y=result.speed_km_h, name="speed", row=1, col=1)
    fig.add_scatter(x=t, y=result.pack_power_kW, name="pack power", row=2, col=1)
    fig.add_scatter(x=t, y=result.soc, name="SOC", row=3, col=1)
    fig.add_scatter(x=t, y=result.cell_run.temperature_C, name="mean cell", row=4, col=1)
    fig.add_scatter(x=result.heat.time_s, y=result.heat.temperature_C.max(axis=0), name="hottest cell", row=4, col=1)
    fig.update_xaxes(title_text="time (s)", row=4, col=1)
    fig.update_layout(title=title or f"{result.cycle}, grade {result.grade_pct:g}%, cooling {result.cooling}",
                      height=900, template="plotly_white")
    return fig


def charge_figure(result, *, title: str | None = None):
    """Voltage, current and temperature of a fast charge (one cell), hottest cell of the row."""
    from plotly.subplots import make_subplots

    from cellbench.measurements import schema as S

    data = result.measurement.data
    t = data[S.TIME].to_numpy() - data[S.TIME][0]
    end = t <= result.time_s + 1e-9
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.05,
                        subplot_titles=("cell voltage (V)", "cell current (A, + charge)", "temperature (°C)"))
    fig.add_scatter(x=t[end], y=data[S.VOLTAGE].to_numpy()[end], name="voltage", row=1, col=1)
    fig.add_scatter(x=t[end], y=data[S.CURRENT].to_numpy()[end], name="current", row=2, col=1)
    fig.add_scatter(x=t[end], y=data[S.CELL_TEMPERATURE].to_numpy()[end], name="mean cell", row=3, col=1)
    fig.add_scatter(x=result.heat.time_s, y=result.heat.temperature_C.max(axis=0), name="hottest cell", row=3, col=1)
    fig.update_xaxes(title_text="time (s)", row=3, col=1)
    fig.update_layout(title=title or f"fast charge {result.from_soc:.0%} → {result.to_soc:.0%}, cooling {result.cooling}",
                      height=750, template="plotly_white")
    return fig


def write_html(fig, path: str | Path) -> Path:
    """Write a self-contained page (plotly.js embedded, so it opens without a network)."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(fig.to_html(include_plotlyjs=True, full_html=True))
    tmp.replace(path)  # whole or not at all
    return path
