"""Cells whose published energy is a rated discharge: the simulated discharge at that rate reproduces it within ±3%."""

import pytest

from cellbench import cells
from cellbench.cells.figures import outline_volume_cm3, stack_volume_cm3
from cellbench.simulate import simulate

RATED = [d.id for d in cells.list_cells() if d.nominal and d.nominal.rated_discharge_C and d.nominal.wh_per_l]


@pytest.mark.slow
@pytest.mark.parametrize("cell_id", RATED)
def test_rated_energy_density_from_a_simulated_discharge(cell_id):
    design = cells.load(cell_id)
    n = design.nominal
    m = simulate(design, f"Set SOC to 100%; Discharge at {n.rated_discharge_C:g}C until Vmin", thermal="isothermal")
    energy_Wh = float(m.data["discharging_energy_watt_hour"][-1])
    volume_cm3 = outline_volume_cm3(design) if n.wh_per_l_basis == "outline" else stack_volume_cm3(design)
    assert energy_Wh / volume_cm3 * 1000 == pytest.approx(n.wh_per_l, rel=0.03)
    if n.wh_per_kg:  # a rated Wh/kg is the same discharge energy over the cell's mass
        assert energy_Wh / cells.figures(design).mass_g * 1000 == pytest.approx(n.wh_per_kg, rel=0.03)


def test_lg_m50_is_in_the_rated_list():
    assert "lg-m50" in RATED
