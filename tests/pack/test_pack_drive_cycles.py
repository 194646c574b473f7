"""Drive-cycle data against the published UN GTR No. 15 figures, and malformed user cycles."""

import numpy as np
import pytest

from cellbench.errors import InputError
from cellbench.pack import constant_speed, load_cycle


def test_wltc3b_matches_the_published_cycle():
    c = load_cycle("wltc3b")
    assert c.duration_s == 1800 and len(c.time_s) == 1801
    assert round(c.distance_km, 2) == 23.27
    assert c.max_speed_km_h == 131.3
    # GTR 15, class 3b phases: durations (s), distances (m), maximum speeds (km/h)
    published = [("low", 589, 3095, 56.5), ("medium", 433, 4756, 76.6), ("high", 455, 7162, 97.4),
                 ("extra_high", 323, 8254, 131.3)]
    rows = c.phase_table()
    assert [r["phase"] for r in rows] == [p[0] for p in published]
    for row, (_, duration, distance, vmax) in zip(rows, published):
        assert row["duration_s"] == duration
        assert abs(row["distance_m"] - distance) < 1.0
        assert row["max_speed_km_h"] == vmax


def test_other_classes_totals():
    c1, c2, c3a = load_cycle("wltc1"), load_cycle("wltc2"), load_cycle("wltc3a")
    assert c1.duration_s == 1611 and c1.max_speed_km_h == 64.4            # low, medium, low
    assert [r["phase"] for r in c1.phase_table()] == ["low", "medium", "low"]
    assert c2.duration_s == 1800 and round(c2.distance_km, 2) == 22.65 and c2.max_speed_km_h == 123.1
    assert c3a.duration_s == 1800 and c3a.max_speed_km_h == 131.3
    # 3a (v_max < 120 km/h) shares the low and extra-high phases with 3b; medium and high differ
    c3b = load_cycle("wltc3b")
    differs = np.flatnonzero(c3a.speed_km_h != c3b.speed_km_h)
    assert differs.size > 0 and differs.min() >= 590 and differs.max() <= 1477


def test_repeat_and_constant():
    c = load_cycle("wltc3b").repeated(3)
    assert c.duration_s == 5400 and abs(c.distance_km - 3 * 23.266) < 0.01
    k = constant_speed(90, 3600)
    assert abs(k.distance_km - 90.0) < 1e-9


def _write(tmp_path, text):
    p = tmp_path / "cycle.csv"
    p.write_text(text)
    return p


@pytest.mark.parametrize("body, expected, line", [
    ("time_s,speed_km_h\n0,0\n1,5\n3,10\n", "gap in the trace: 1 s is followed by 3 s", "line 4"),
    ("time_s,speed_km_h\n0,0\n1,-2\n2,0\n", "speed -2 km/h at 1 s", "line 3"),
    ("time_s,speed_km_h\n0,0\n1,fast\n", "'fast' is not a number", "line 3"),
    ("time,speed\n0,0\n1,1\n", "missing column 'time_s'", "line 1"),
])
def test_bad_cycles_name_the_line(tmp_path, body, expected, line):
    with pytest.raises(InputError) as err:
        load_cycle(_write(tmp_path, body))
    assert expected in str(err.value) and line in str(err.value)


def test_unknown_cycle_name():
    with pytest.raises(InputError, match="wltc3b"):
        load_cycle("nedc-ish")
