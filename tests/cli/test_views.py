"""What a notebook shows of a measurement and a material, and the tables and figures they hand over."""

from __future__ import annotations

import html

import numpy as np
import polars as pl
import pytest

from cellbench.errors import InputError
from cellbench.measurements import Measurement


@pytest.fixture
def two_cycles() -> Measurement:
    """Two 1 A charge/discharge cycles of one hour each way; the second discharge stops at 0.9 Ah."""
    t, i, cycle = [], [], []
    for n, discharge_s in ((1, 3600), (2, 3240)):
        start = t[-1] + 1 if t else 0.0
        charge = np.linspace(start, start + 3600, 61)
        dis = np.linspace(start + 3601, start + 3601 + discharge_s, 61)
        t += list(charge) + list(dis)
        i += [1.0] * 61 + [-1.0] * 61
        cycle += [n] * 122
    v = 3.0 + 1.2 * np.abs(np.sin(np.linspace(0, 2 * np.pi, len(t))))
    return Measurement(pl.DataFrame({"test_time_second": t, "voltage_volt": v, "current_ampere": i,
                                     "cycle_dimensionless": cycle}))


def test_cycles_and_steps_are_polars_frames_with_the_capacities(two_cycles):
    cycles = two_cycles.cycles()
    assert isinstance(cycles, pl.DataFrame) and cycles["cycle"].to_list() == [1, 2]
    assert cycles["discharge_capacity_Ah"].to_list() == pytest.approx([1.0, 0.9], abs=1e-3)
    steps = two_cycles.steps()
    assert steps["step_type"].to_list() == ["charge", "discharge"] * 2
    assert len(steps.to_pandas()) == 4


def test_the_html_view_is_the_cycle_table(two_cycles):
    view = two_cycles._repr_html_()
    assert view.startswith("<b>Measurement</b> (cycler; 244 rows)")
    assert "discharge_capacity_Ah" in view and "0.9" in view
    assert "shape: (2, 12)" in view  # one row per cycle, not the first rows of the time series


def test_plot_returns_the_test_page_figures(two_cycles):
    fade = two_cycles.plot("capacity_fade")
    assert list(fade.data[0].y) == pytest.approx([1.0, 0.9], abs=1e-3)
    assert fade.layout.title.text == "Capacity fade"
    curves = two_cycles.plot()
    assert [trace.name for trace in curves.data] == ["cycle 1 charge", "cycle 1 discharge", "cycle 2 charge",
                                                     "cycle 2 discharge"]
    with pytest.raises(InputError, match="unknown plot 'ragone': expected one of voltage_capacity, capacity_fade"):
        two_cycles.plot("ragone")


def test_a_material_lists_each_property_with_its_range_and_source():
    from cellbench import materials

    lgps = materials.load("lgps")
    stated = lgps.model_copy(update={"ranges": {"ionic_conductivity_S_cm": (0.008, 0.014)}})
    view = stated._repr_html_()
    row = next(r for r in view.split("<tr>") if r.startswith("<td>ionic_conductivity_S_cm</td>"))
    assert f"{lgps.ionic_conductivity_S_cm:.4g} [0.008, 0.014]" in row
    assert html.escape(lgps.source_of("ionic_conductivity_S_cm")) in row
    assert "<td>id</td>" not in view and "<td>sources</td>" not in view
