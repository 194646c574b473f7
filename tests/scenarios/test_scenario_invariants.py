"""Properties any scenario must keep, over many generated inputs."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cellbench.scenarios import run_scenario
from cellbench.scenarios.spec import Scenario

share = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=40, deadline=None)
@given(xev_2025=share, xev_2040=share, ev_fraction=share, assb=share, life=st.floats(min_value=1, max_value=20),
       weibull=st.booleans(), market=st.floats(min_value=0, max_value=5e6), reuse=share,
       lag=st.integers(min_value=0, max_value=8))
def test_flows_balance(xev_2025, xev_2040, ev_fraction, assb, life, weibull, market, reuse, lag):
    scenario = Scenario.model_validate({
        "name": "p", "years": {"first": 2025, "last": 2045}, "market": {2025: {"cars": market}},
        "segments": {"cars": {
            "adoption": {"model": "s_curve", "xev_share": {2025: xev_2025, 2040: xev_2040},
                         "ev_fraction": ev_fraction, "assb_share": assb},
            "vehicle_life": {"mean_years": life, "model": "weibull" if weibull else "fixed"}}},
        "recycling": {"reuse_fraction": reuse, "second_life_years": lag}})
    rows = run_scenario(scenario)
    sold = retired = nickel_out = nickel_recovered = 0.0
    for row in rows:
        sold += row["xev_sales"]
        retired += row["eol_batteries"]
        nickel_out += row["eol_Ni_t"]
        nickel_recovered += row["recoverable_Ni_t"]
        assert 0 <= row["assb_vehicle_sales"] <= row["xev_sales"] * (1 + 1e-12) + 1e-9
        assert row["xev_sales"] <= row["new_vehicle_sales"] * (1 + 1e-12) + 1e-9
        assert row["xev_stock"] >= -1e-6
        # every vehicle sold is on the road or retired
        assert sold == pytest.approx(row["xev_stock"] + retired, rel=1e-9, abs=1e-6)
        # recyclers never get more than has left the road, and recover at most 95% of its nickel
        assert nickel_recovered <= 0.95 * nickel_out * (1 + 1e-9) + 1e-9
    fed = sum(r["recycling_feed_GWh"] for r in rows)
    left = sum(r["eol_battery_GWh"] for r in rows)
    assert fed <= left * (1 + 1e-9) + 1e-9
    if lag == 0:
        assert fed == pytest.approx(left, rel=1e-9, abs=1e-9)
