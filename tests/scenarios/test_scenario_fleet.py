import pytest

from cellbench.scenarios.fleet import retirements, stock, survival_curve
from cellbench.scenarios.spec import VehicleLife


def test_fixed_life_keeps_exactly_the_last_L_years_of_sales():
    survival = survival_curve(VehicleLife(mean_years=10), 15)
    sales = [float(i + 1) for i in range(15)]           # 1, 2, ..., 15
    on_road = stock(sales, survival)
    assert on_road[9] == sum(range(1, 11))              # all ten cohorts
    assert on_road[14] == sum(range(6, 16))             # cohorts 6..15
    assert retirements(sales, survival)[12] == 3.0      # the third year's cars leave after 10 years


def test_every_vehicle_sold_is_either_on_the_road_or_retired():
    life = VehicleLife(mean_years=11, model="weibull", weibull_shape=3.0)
    survival = survival_curve(life, 40)
    sales = [100.0 * (1.05 ** i) for i in range(40)]
    on_road, retired = stock(sales, survival), retirements(sales, survival)
    for year in (5, 20, 39):
        assert sum(sales[: year + 1]) == pytest.approx(on_road[year] + sum(retired[: year + 1]))


def test_weibull_survival_has_the_requested_mean_life():
    # mean life = Σ over ages of the fraction surviving each year (the first year counted whole)
    survival = survival_curve(VehicleLife(mean_years=11, model="weibull", weibull_shape=3.0), 60)
    assert sum(survival) == pytest.approx(11.0, abs=0.6)
    assert survival[0] == 1.0 and survival[5] > 0.85 and survival[20] < 0.01


def test_fractional_fixed_life_splits_the_last_year():
    assert survival_curve(VehicleLife(mean_years=2.5), 4) == [1.0, 1.0, 0.5, 0.0]
