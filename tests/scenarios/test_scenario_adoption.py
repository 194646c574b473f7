import math

import pytest

from cellbench.scenarios.adoption import (
    AttributeLevels, conjoint_shares, logit_shares, purchases, respondent_groups, utility,
)
from cellbench.scenarios.spec import PartWorths, Segment

PW = PartWorths(power_type={"petrol": 0.0, "phev": -1.0, "ev": -2.0}, price_gap_per_10k_yen=-0.01,
                phev_range_per_km=0.01, ev_range_per_km=0.005, running_cost_per_10k_yen_year=-0.02,
                resale_value_per_percent=0.02, fast_charge_time_per_min=-0.02, fast_chargers_per_10k=0.1)


def test_logit_shares_match_hand_calculation():
    shares = logit_shares({"petrol": 0.0, "ev": math.log(3.0)})
    assert shares["ev"] == pytest.approx(0.75) and shares["petrol"] == pytest.approx(0.25)


def test_logit_is_stable_for_large_utilities():
    assert logit_shares({"a": 1000.0, "b": 1000.0})["a"] == pytest.approx(0.5)


def test_utility_sums_the_eight_attributes():
    # EV: -2 (power type) - 0.5 (50 万円 gap) + 2.0 (400 km) - 0.1 (5 万円/yr) + 0.8 (40 %) - 0.6 (30 min) + 0.3 (30 k chargers)
    assert utility(AttributeLevels("ev", 50, 400, 5, 40, 30, 30), PW) == pytest.approx(-0.1)
    # PHEV: range counts with the PHEV part-worth (0.01/km × 60 km)
    assert utility(AttributeLevels("phev", 0, 60, 0, 0, 0, 0), PW) == pytest.approx(-1.0 + 0.6)
    # petrol: chargers, range and charge time do not apply
    assert utility(AttributeLevels("petrol", 0, 999, 12, 50, 99, 99), PW) == pytest.approx(-0.24 + 1.0)


def _conjoint_segment(**ev_fields):
    groups = [{"name": "all", "weight": 1.0, "part_worths": PW.model_dump()}]
    return Segment.model_validate({"adoption": {
        "model": "conjoint", "part_worths": groups, "fast_chargers_thousand": 0,
        "alternatives": {
            "petrol": {"powertrain": "petrol"},
            "ev_liquid": {"powertrain": "ev", "battery": "liquid", "electric_range_km": 400},   # U = -2 + 2 = 0
            "ev_assb": {"powertrain": "ev", "battery": "assb", "electric_range_km": 400, **ev_fields},
        }}})


def test_availability_enters_as_log_term():
    # three alternatives with U = 0; ASSB offered by half the market: weights 1, 1, 0.5
    segment = _conjoint_segment(availability=0.5)
    shares = conjoint_shares(segment.adoption, segment, 2030)
    assert shares["ev_assb"] == pytest.approx(0.5 / 2.5)
    assert shares["petrol"] == pytest.approx(1 / 2.5)


def test_alternative_is_not_on_sale_before_launch():
    segment = _conjoint_segment(available_from=2025)
    assert "ev_assb" not in conjoint_shares(segment.adoption, segment, 2024)
    assert conjoint_shares(segment.adoption, segment, 2025)["ev_assb"] == pytest.approx(1 / 3)


def test_subsidy_reduces_the_price_gap():
    segment = _conjoint_segment(price_gap_10k_yen=100, subsidy_10k_yen=100)   # net gap 0 → same as liquid EV
    shares = conjoint_shares(segment.adoption, segment, 2030)
    assert shares["ev_assb"] == pytest.approx(shares["ev_liquid"])


def test_range_derived_from_pack_volume_and_Wh_per_L():
    # 100 L × 600 Wh/L = 60 kWh; at 150 Wh/km → 400 km, the same utility as the liquid EV's 400 km
    segment = _conjoint_segment(electric_range_km=None, pack_volume_L=100, pack_Wh_per_L=600,
                                consumption_Wh_per_km=150)
    shares = conjoint_shares(segment.adoption, segment, 2030)
    assert shares["ev_assb"] == pytest.approx(1 / 3)
    bought = {p.battery: p for p in purchases(segment, 3000, 2030)}
    assert bought["assb"].pack_kWh == pytest.approx(60.0) and bought["assb"].vehicles == pytest.approx(1000)


def test_respondent_groups_are_weighted():
    users = PW.model_copy(update={"power_type": {"petrol": 0.0, "phev": 0.0, "ev": 0.0}})
    groups = [{"name": "others", "weight": 0.75, "part_worths": PW.model_dump()},
              {"name": "users", "weight": 0.25, "part_worths": users.model_dump()}]
    segment = Segment.model_validate({"adoption": {
        "model": "conjoint", "part_worths": groups, "fast_chargers_thousand": 0,
        "alternatives": {"petrol": {"powertrain": "petrol"},
                         "ev": {"powertrain": "ev", "battery": "liquid", "electric_range_km": 0}}}})
    ev = conjoint_shares(segment.adoption, segment, 2030)["ev"]
    # others: 1/(1+e^2); users: 1/2
    assert ev == pytest.approx(0.75 / (1 + math.exp(2.0)) + 0.25 * 0.5)


def test_share_model_splits_sales_by_powertrain_and_chemistry():
    segment = Segment.model_validate({"adoption": {"model": "s_curve", "xev_share": 0.5, "ev_fraction": 0.8,
                                                   "assb_share": 0.25, "assb_ev_fraction": 0.4}})
    got = {(p.powertrain, p.battery): p.vehicles for p in purchases(segment, 1000, 2030)}
    # 500 xEV: 125 ASSB (50 EV, 75 PHEV), 375 liquid (300 EV, 75 PHEV)
    assert got == pytest.approx({("ev", "liquid"): 300, ("phev", "liquid"): 75, ("ev", "assb"): 50,
                                 ("phev", "assb"): 75})


def test_packaged_part_worths_keep_the_reports_importance_ranking():
    # §3.2.2: power type matters most to EV/PHEV users, price gap weighs more for non-users
    others, users = respondent_groups("japan-passenger-2021")
    assert others.weight + users.weight == pytest.approx(1.0)
    assert users.part_worths.power_type["ev"] > 0 > others.part_worths.power_type["ev"]
    assert others.part_worths.price_gap_per_10k_yen < users.part_worths.price_gap_per_10k_yen < 0


def test_nested_logit_by_hand():
    from cellbench.scenarios.adoption import nested_logit_shares

    u = {"petrol": 0.0, "ev_liquid": 0.0, "ev_assb": math.log(3.0)}
    lam = 0.5
    # inside the nest: exp(0/0.5)=1 and exp(ln3/0.5)=9 → 10% and 90%; nest utility 0.5·ln 10
    nest_u = lam * math.log(10.0)
    p_nest = math.exp(nest_u) / (1 + math.exp(nest_u))
    shares = nested_logit_shares(u, {"ev_liquid", "ev_assb"}, lam)
    assert shares["ev_assb"] == pytest.approx(p_nest * 0.9)
    assert shares["petrol"] == pytest.approx(1 - p_nest)
    assert nested_logit_shares(u, {"ev_liquid", "ev_assb"}, 1.0) == pytest.approx(logit_shares(u))


def test_nest_makes_a_better_plug_in_draw_from_other_plug_ins():
    from cellbench.scenarios.adoption import nested_logit_shares

    nest = {"ev_liquid", "ev_assb"}
    before = {"petrol": 0.0, "ev_liquid": 0.0, "ev_assb": 0.0}
    after = {**before, "ev_assb": 1.0}                # e.g. a subsidy on the ASSB car
    ratios = {}
    for lam in (1.0, 0.4):
        b, a = nested_logit_shares(before, nest, lam), nested_logit_shares(after, nest, lam)
        ratios[lam] = (b["ev_liquid"] - a["ev_liquid"]) / (b["petrol"] - a["petrol"])
    # plain logit: buyers come from the others in proportion to their shares (equal here); nested: more
    # from the other plug-in than from the petrol car
    assert ratios[1.0] == pytest.approx(1.0)
    assert ratios[0.4] > 1.3
