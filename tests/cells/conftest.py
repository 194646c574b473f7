import copy

import pytest

# A small hand-checkable all-solid-state design: 10 x 10 mm, volume-basis fractions.
HAND_DESIGN = {
    "id": "hand", "version": "1", "name": "hand-calculation cell", "electrolyte_type": "solid",
    "electrode_width_mm": 10.0, "electrode_length_mm": 10.0,
    "cathode": {"thickness_um": 50.0, "porosity": 0.2, "fraction_basis": "volume",
                "components": [{"material": "ncm811", "fraction": 0.5}, {"material": "argyrodite-li6ps5cl", "fraction": 0.5}]},
    "separator": {"material": "argyrodite-li6ps5cl", "thickness_um": 30.0, "porosity": 0.0},
    "anode": {"thickness_um": 60.0, "porosity": 0.1, "components": [
        {"material": "graphite-natural", "fraction": 0.6}, {"material": "argyrodite-li6ps5cl", "fraction": 0.4}]},
    "cathode_collector": {"material": "al-foil", "thickness_um": 15.0},
    "anode_collector": {"material": "cu-foil", "thickness_um": 10.0},
    "packaging": {"kind": "pouch", "material": "al-laminate-pouch", "outline_width_mm": 30.0, "outline_length_mm": 20.0},
    "voltage_min_V": 2.5, "voltage_max_V": 4.2,
}


@pytest.fixture
def hand_design_dict():
    return copy.deepcopy(HAND_DESIGN)
