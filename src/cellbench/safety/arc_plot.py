"""Compare ARC runs on one Plotly figure: self-heating rate against temperature, and temperature against time.

>>> from cellbench.safety import analyse_arc, load_chemistry, simulate_heat_wait_search, trace_from_columns
>>> run = simulate_heat_wait_search(load_chemistry("liquid_lco_graphite"), start_C=120.0)
>>> result = analyse_arc(trace_from_columns(run.trace["time_s"], run.trace["temperature_C"]))
>>> len(comparison_figure([result]).data)
2
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cellbench.safety.arc import RUNAWAY_THRESHOLD_C_PER_MIN, SELF_HEATING_THRESHOLD_C_PER_MIN, ArcResult


def comparison_figure(results: Sequence[ArcResult]) -> go.Figure:
    """Self-heating rate (log) against temperature with the 0.02 and 1 °C/min lines, and the temperature logs."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Self-heating rate", "Temperature"))
    for n, result in enumerate(results):
        name = Path(result.source).name
        positive = result.rate_C_per_min > 0
        color = f"hsl({(n * 137) % 360},65%,45%)"
        figure.add_trace(go.Scatter(x=result.rate_temperature_C[positive], y=result.rate_C_per_min[positive],
                                    mode="markers", marker={"size": 3, "color": color}, name=name,
                                    legendgroup=name), row=1, col=1)
        if result.trace is not None:
            figure.add_trace(go.Scatter(x=result.trace.time_s / 3600.0, y=result.trace.temperature_C, mode="lines",
                                        line={"color": color}, name=name, legendgroup=name, showlegend=False),
                             row=1, col=2)
        for onset in (result.self_heating_onset_C, result.runaway_onset_C):
            if onset is not None:
                figure.add_vline(x=onset, line={"color": color, "dash": "dot", "width": 1}, row=1, col=1)
    for level, label in ((SELF_HEATING_THRESHOLD_C_PER_MIN, "self-heating 0.02 °C/min"),
                         (RUNAWAY_THRESHOLD_C_PER_MIN, "runaway 1 °C/min")):
        figure.add_hline(y=level, line={"color": "grey", "dash": "dash", "width": 1}, annotation_text=label,
                         row=1, col=1)
    figure.update_yaxes(type="log", title_text="dT/dt (°C/min)", row=1, col=1)
    figure.update_xaxes(title_text="temperature (°C)", row=1, col=1)
    figure.update_xaxes(title_text="time (h)", row=1, col=2)
    figure.update_yaxes(title_text="temperature (°C)", row=1, col=2)
    figure.update_layout(title="ARC comparison", template="plotly_white", height=480)
    return figure


def write_comparison_html(results: Sequence[ArcResult], path: str | Path) -> Path:
    """Write the figure as a self-contained HTML file (plotly.js embedded, works offline)."""
    path = Path(path)
    comparison_figure(results).write_html(path, include_plotlyjs=True, full_html=True)
    return path
