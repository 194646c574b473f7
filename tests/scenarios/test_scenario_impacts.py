import pytest

from cellbench.scenarios.impacts import (
    battery_revenue_billion_yen, charging_t_per_year, co2_gross_and_net_t_per_vehicle_year,
    co2_saved_t_per_vehicle_year, fast_chargers_needed, metal_content,
    packaged_recovery_rates, recoverable_metals_t,
)
from cellbench.scenarios.spec import CO2FromEnergy, CO2PerVehicle
from cellbench.scenarios.trajectory import constant as c


def test_revenue_is_GWh_times_price():
    # the report: 0.56 M vehicles × 48.6 kWh ≈ 27.2 GWh at 10,000 yen/kWh ≈ 270 billion yen
    assert battery_revenue_billion_yen(27.2, 10_000) == pytest.approx(272.0)


def test_per_vehicle_co2_uses_the_ev_figure_for_phevs_unless_given():
    # the stated 1.5 t/yr is gross; charging 10,000 km × 155 Wh/km × 480 g/kWh = 0.744 t comes off it
    co2 = CO2PerVehicle(ev_saved_t_per_year=c(1.5))
    assert co2_gross_and_net_t_per_vehicle_year(co2, "phev", "assb", 15, 10, 2035) == pytest.approx((1.5, 0.756))
    # a PHEV saving 0.8 t drives 0.8/1.5 of the EV's electric km, so it charges that share
    co2 = CO2PerVehicle(ev_saved_t_per_year=c(1.5), phev_saved_t_per_year=c(0.8))
    assert co2_saved_t_per_vehicle_year(co2, "phev", "assb", 15, 10, 2035) == pytest.approx(0.8 - 0.744 * 0.8 / 1.5)


def test_charging_uses_the_projects_grid_factors_or_a_given_intensity():
    from cellbench.errors import InputError
    from cellbench.sustainability.factors import load_factors

    france = CO2PerVehicle(ev_saved_t_per_year=c(1.5), grid="FR")
    expected = 10_000 * 155 * load_factors().grid("FR").value * 1000 / 1e9
    assert charging_t_per_year(france, 1.0, 2030) == pytest.approx(expected)
    given = CO2PerVehicle(ev_saved_t_per_year=c(1.5), grid_gCO2_per_kWh=c(300), ev_Wh_per_km=c(200))
    assert charging_t_per_year(given, 1.0, 2030) == pytest.approx(10_000 * 0.2 * 300 / 1e6)
    with pytest.raises(InputError, match="co2.grid.*'XX'"):
        charging_t_per_year(CO2PerVehicle(ev_saved_t_per_year=c(1.5), grid="XX"), 1.0, 2030)


def test_energy_co2_from_distance_grid_and_battery_footprint():
    energy = CO2FromEnergy(method="energy", km_per_year=c(10_000), petrol_gCO2_per_km=c(150),
                           ev_Wh_per_km=c(150), phev_electric_fraction=c(0.6), grid_gCO2_per_kWh=c(370),
                           battery_cfp_kgCO2_per_kWh={"assb": c(60)})
    # EV: 10,000 km × (150 - 0.15 kWh/km × 370 g/kWh) g/km = 0.945 t; battery 60 kWh × 60 kg / 10 yr = 0.36 t
    assert co2_saved_t_per_vehicle_year(energy, "ev", "assb", 60, 10, 2030) == pytest.approx(0.945 - 0.36)
    # PHEV on electricity 60% of the distance, no CFP given for liquid packs
    assert co2_saved_t_per_vehicle_year(energy, "phev", "liquid", 15, 10, 2030) == pytest.approx(0.6 * 0.945)


def test_recoverable_metals_hand_calculation():
    # 2 GWh of liquid NMC811 packs, GI Fund targets: Ni 2e6 kWh × 0.669 kg × 0.95 = 1271.1 t; Mn not recovered
    got = recoverable_metals_t(2.0, metal_content("nmc811-graphite-liquid"), packaged_recovery_rates("gi-fund-targets"))
    assert got["Ni"] == pytest.approx(1271.1)
    assert got["Li"] == pytest.approx(2e6 * 0.0989 * 0.70 / 1000)
    assert got["Mn"] == 0.0


def test_metal_contents_follow_nmc811_stoichiometry():
    liquid, assb = metal_content("nmc811-graphite-liquid"), metal_content("nmc811-graphite-sulfide")
    # LiNi0.8Mn0.1Co0.1O2: Ni/Co mass ratio = 0.8 × 58.693 / (0.1 × 58.933) = 7.97
    assert liquid["Ni"] / liquid["Co"] == pytest.approx(7.97, rel=0.02)
    # the sulfide electrolyte carries extra lithium, the cathode metals are the same
    assert assb["Li"] > 2 * liquid["Li"] and assb["Ni"] == liquid["Ni"]


def test_fast_chargers_at_the_reports_ratio():
    # S1 in the report: 24.94 M EVs need 267 thousand fast chargers
    assert fast_chargers_needed(24.94e6, 24.94e6 / 267e3) == pytest.approx(267e3)
