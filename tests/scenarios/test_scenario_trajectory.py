import math

import pytest
from pydantic import ValidationError

from cellbench.scenarios.trajectory import Trajectory, check_share


def traj(data):
    return Trajectory.model_validate(data)


def test_constant_is_the_same_every_year():
    assert traj(60).at(1990) == 60.0 and traj(60).at(2100) == 60.0


def test_table_interpolates_linearly_and_holds_its_ends():
    t = traj({2020: 20_000, 2030: 10_000})
    assert t.at(2024) == pytest.approx(16_000)     # 20000 - 4/10 * 10000
    assert t.at(2010) == 20_000 and t.at(2040) == 10_000


def test_geometric_interpolation_follows_a_constant_growth_rate():
    # the outcome model: 7.5 M in 2035 growing to 12.3 M in 2040 at a constant annual rate
    t = Trajectory(points={2035: 7.5e6, 2040: 12.3e6}, interpolation="geometric")
    assert t.at(2036) == pytest.approx(7.5e6 * (12.3 / 7.5) ** 0.2)
    assert t.at(2038) / t.at(2037) == pytest.approx(t.at(2037) / t.at(2036))


def test_s_curve_is_half_saturation_at_its_midpoint_and_zero_before_start():
    t = traj({"s_curve": {"saturation": 0.5, "midpoint_year": 2027, "growth_per_year": 0.45, "start_year": 2022}})
    assert t.at(2027) == pytest.approx(0.25)
    assert t.at(2030) == pytest.approx(0.5 / (1 + math.exp(-0.45 * 3)))
    assert t.at(2021) == 0.0


def test_percent_strings_are_fractions():
    assert traj("8%").at(2035) == pytest.approx(0.08)
    assert traj({2027: "0%", 2035: "8 %"}).at(2031) == pytest.approx(0.04)


def test_years_out_of_order_are_refused_naming_both_years():
    with pytest.raises(ValidationError, match="years out of order: 2025 is written after 2030"):
        traj({2030: 1.0, 2025: 2.0})


def test_share_above_100_percent_is_refused():
    with pytest.raises(ValueError, match=r"assb_share reaches 1.2 \(120%\), above 100%"):
        check_share(traj({2025: 0.2, 2030: 1.2}), "assb_share")
    assert check_share(traj("100%"), "x").at(2030) == 1.0


def test_non_numbers_are_refused_with_the_expected_forms():
    with pytest.raises(ValidationError, match=r"expected a number, a table \{year: value\}"):
        traj("lots")
