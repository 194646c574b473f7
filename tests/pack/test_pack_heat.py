"""Pack heat network against analytic steady states, and the 'is cooling needed?' limits."""

import numpy as np
import pytest

from cellbench.errors import InputError
from cellbench.pack import CellThermal, Cooling, pack_temperatures, temperature_limit_C

CELL = CellThermal(mass_kg=0.7, specific_heat_J_kgK=900, area_m2=0.08, face_area_m2=0.033, thickness_m=0.01)


def test_single_cell_reaches_q_over_ha():
    t = np.arange(0.0, 20001.0, 10.0)
    cool = Cooling(mode="liquid", heat_transfer_W_m2K=150.0, coolant_temperature_C=20.0)
    r = pack_temperatures(t, np.full(len(t), 6.0), CELL, cooling=cool, cells_per_row=1, resistance_spread_pct=0)
    wall = 5.0 * CELL.face_area_m2 * 2  # both ends of a one-cell row face the enclosure
    assert r.final_C[0] == pytest.approx(20.0 + 6.0 / (150 * 0.08 + wall), abs=1e-3)


def test_adiabatic_start_follows_heat_capacity():
    t = np.arange(0.0, 11.0)
    r = pack_temperatures(t, np.full(11, 63.0), CELL, cooling="none", cells_per_row=1, resistance_spread_pct=0)
    assert r.final_C[0] - 25.0 == pytest.approx(63.0 * 10 / (0.7 * 900), rel=0.01)  # h·A loss negligible in 10 s


def test_better_cooling_means_cooler_hottest_cell():
    t = np.arange(0.0, 1201.0)
    q = np.full(len(t), 20.0)
    hottest = {m: pack_temperatures(t, q, CELL, cooling=m).hottest_C for m in ("none", "air", "liquid")}
    assert hottest["none"] > hottest["air"] > hottest["liquid"] > 25.0


def test_liquid_coolant_warms_downstream():
    t = np.arange(0.0, 3601.0, 5.0)
    r = pack_temperatures(t, np.full(len(t), 20.0), CELL, cooling="liquid", resistance_spread_pct=0)
    assert r.final_C[-2] > r.final_C[1]  # interior cells: downstream is warmer
    assert r.spread_K > 0


def test_limits_differ_for_liquid_and_solid_cells():
    assert temperature_limit_C("liquid") == 45.0
    assert temperature_limit_C("solid") == 60.0


def test_unknown_cooling():
    with pytest.raises(InputError, match="none, air, liquid"):
        Cooling.of("immersion")
