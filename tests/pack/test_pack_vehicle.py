"""Vehicle road load against hand calculations, and the default compact car on WLTC 3b."""

import math

import numpy as np

from cellbench.pack import EfficiencyMap, Vehicle, load_cycle


def test_cruise_power_is_rolling_plus_drag():
    car = Vehicle(glider_mass_kg=1400, pack_mass_kg=100, payload_kg=0, drag_area_m2=0.6, rolling_resistance=0.01,
                  air_density_kg_m3=1.2, auxiliary_W=0)
    v = 25.0  # m/s
    expected = (1500 * 9.81 * 0.01 + 0.5 * 1.2 * 0.6 * v**2) * v
    assert math.isclose(car.wheel_power_W(np.array([90.0]), np.array([0.0]))[0], expected, rel_tol=1e-12)
    # 5 % grade adds m g sin(atan 0.05) v, and rolling uses cos
    theta = math.atan(0.05)
    graded = (1500 * 9.81 * (0.01 * math.cos(theta) + math.sin(theta)) + 0.5 * 1.2 * 0.6 * v**2) * v
    assert math.isclose(car.wheel_power_W(np.array([90.0]), np.array([0.0]), 5.0)[0], graded, rel_tol=1e-12)


def test_pack_power_traction_and_regeneration():
    car = Vehicle(drivetrain_efficiency=0.8, regen_fraction=0.5, regen_max_kW=1000, auxiliary_W=200,
                  regen_min_speed_km_h=5)
    speed = np.array([50.0, 50.0, 3.0])
    accel = np.array([1.0, -1.0, -1.0])
    wheel = car.wheel_power_W(speed, accel)
    pack = car.pack_power_W(speed, accel)
    assert math.isclose(pack[0], wheel[0] / 0.8 + 200)
    assert math.isclose(pack[1], wheel[1] * 0.8 * 0.5 + 200)
    assert pack[2] == 200  # below the regeneration speed the friction brakes take it all


def test_efficiency_map_interpolates():
    m = EfficiencyMap(speed_km_h=[0, 100], power_kW=[0, 100], efficiency=[[0.7, 0.8], [0.9, 0.95]])
    assert math.isclose(m(np.array([50.0]), np.array([50.0]))[0], (0.7 + 0.8 + 0.9 + 0.95) / 4)
    assert math.isclose(m(np.array([200.0]), np.array([-100.0]))[0], 0.95)  # held at the edges, |P|


def test_compact_car_on_wltc3b_is_plausible():
    """Issue 8: a compact car consumes 120-200 Wh/km at the pack on WLTC 3b."""
    cycle = load_cycle("wltc3b")
    car = Vehicle(pack_mass_kg=250)
    pack = car.pack_power_W(cycle.speed_km_h, cycle.acceleration_m_s2())
    wh_per_km = np.trapezoid(pack, cycle.time_s) / 3600 / cycle.distance_km
    assert 120 <= wh_per_km <= 200
    steep = car.pack_power_W(cycle.speed_km_h, cycle.acceleration_m_s2(), 5.0)
    assert np.trapezoid(steep, cycle.time_s) > 2 * np.trapezoid(pack, cycle.time_s)  # a 5 % climb dominates


def test_example_efficiency_map_vehicle():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "packs" / "vehicle-efficiency-map.yaml"
    car = Vehicle.from_yaml(path).model_copy(update={"pack_mass_kg": 250})
    cycle = load_cycle("wltc3b")
    wheel = car.wheel_power_W(cycle.speed_km_h, cycle.acceleration_m_s2())
    eta = car.efficiency(cycle.speed_km_h, wheel)
    assert 0.55 <= eta.min() and eta.max() <= 0.93
    pack = car.pack_power_W(cycle.speed_km_h, cycle.acceleration_m_s2())
    assert 120 <= np.trapezoid(pack, cycle.time_s) / 3600 / cycle.distance_km <= 200
