"""Time runs on across 'Set SOC' steps, so the IEC power item finds all three pulses (regression)."""

import pytest

from cellbench import cells
from cellbench.analysis import metrics
from cellbench.simulate import simulate

PULSES = ("Set SOC to 80%; Rest for 10 s; Discharge at 2C for 10 s; Set SOC to 50%; Rest for 10 s; "
          "Discharge at 2C for 10 s; Set SOC to 20%; Rest for 10 s; Discharge at 2C for 10 s")


@pytest.mark.slow
def test_three_pulses_at_three_socs():
    m = simulate(cells.load("std-2.1"), PULSES, thermal="isothermal")
    t = m.data["test_time_second"].to_numpy()
    assert (t[1:] >= t[:-1]).all()
    r = [metrics.pulse_resistance(m, occurrence=k).value for k in range(3)]
    assert all(x > 0 for x in r)
    # OCV is lower at low SOC, so the voltage under the same current is too
    power = [metrics.pulse_power(m, occurrence=k).value for k in range(3)]
    assert power[0] > power[1] > power[2]


@pytest.mark.slow
def test_simulate_many_reports_progress_in_order():
    from cellbench.simulate import simulate_many

    seen = []
    jobs = [(cells.load("std-2.1"), f"Set SOC to 100%; Discharge at {c}C for 30 s", {"thermal": "isothermal"})
            for c in (1, 2, 3)]
    results = simulate_many(jobs, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert len(results) == 3 and all(hasattr(r, "data") for r in results)
    assert seen[-1] == (3, 3)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
