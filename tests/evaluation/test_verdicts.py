"""The verdict, change, band and sensitivity logic on hand-made numbers (no simulation)."""

import math

import pytest

from cellbench.evaluation.result import improvement_directions
from cellbench.evaluation.verdicts import (change_pct, numerical_band_pct, numerical_bands, parameter_band,
                                          stated_half_ranges_pct, verdict)


@pytest.mark.parametrize("base, cand, expected", [
    (2.0, 2.5, 25.0), (4.0, 3.0, -25.0), (-2.0, -1.0, 50.0), (0.0, 1.0, None), (None, 1.0, None), (1.0, None, None),
    (math.inf, math.inf, 0.0), (0.0, 0.0, 0.0), (1.0, math.inf, math.inf), (math.inf, 1.0, -math.inf),
])
def test_change_pct(base, cand, expected):
    assert change_pct(base, cand) == expected


@pytest.mark.parametrize("metric, change, band, expected", [
    ("discharge_capacity", 0.0, 0.1, "same"),
    ("discharge_capacity", 0.1, 0.1, "same"),       # on the band's edge: not resolved
    ("discharge_capacity", 0.11, 0.1, "better"),
    ("discharge_capacity", -0.11, 0.1, "worse"),
    ("pulse_resistance", -5.0, 1.0, "better"),      # lower is better
    ("pulse_resistance", 5.0, 1.0, "worse"),
    ("charge_time_to", -2.0, 3.0, "same"),          # a real change, but inside a wide band
    ("resistance_growth", 40.0, 0.4, "worse"),
    ("discharge_capacity", None, 0.1, "n/a"),
    ("discharge_capacity", float("nan"), 0.1, "n/a"),
])
def test_verdict_uses_direction_and_band(metric, change, band, expected):
    assert verdict(metric, change, band_pct=band) == expected


def test_numerical_bands_are_measured_and_floored():
    bands = numerical_bands()
    assert {"discharge_capacity", "pulse_resistance", "charged_fraction", "capacity_retention"} <= set(bands)
    assert all(v > 0 for v in bands.values())
    # every metric has at least the floor, including one the measurement did not cover
    assert numerical_band_pct("no-such-metric") == pytest.approx(0.1)
    assert numerical_band_pct("discharge_capacity") >= 0.1


def test_stated_ranges_become_half_widths():
    from cellbench import materials

    rec = materials.load("lgps").model_copy(update={"ranges": {"ionic_conductivity_S_cm": (0.009, 0.015)}})
    assert stated_half_ranges_pct(rec) == {"ionic_conductivity_S_cm": pytest.approx(25.0)}
    assert stated_half_ranges_pct(materials.load("lgps")) == {}


def test_a_range_must_contain_its_value(tmp_path):
    import yaml

    from cellbench import materials
    from cellbench.errors import InputError

    record = materials.load("lgps").model_dump()
    record.update(id="lgps-bad-range", ranges={"ionic_conductivity_S_cm": [0.02, 0.03]})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(record))
    with pytest.raises(InputError, match="must contain the value 0.012"):
        materials.load(str(path))


def _row(prop, target, step, effect, item="i", metric="m", label="", key=True):
    return {"property": prop, "target": target, "step_pct": step, "item": item, "metric": metric, "label": label,
            "key": key, "effect_pct": effect, "verdict": "better" if effect > 0 else "worse"}


def test_parameter_band_propagates_ranges_in_quadrature():
    rows = [_row("conductivity", "material.ionic_conductivity_S_cm", 20, 4.0),
            _row("conductivity", "material.ionic_conductivity_S_cm", -20, -4.0),
            _row("particle size", "material.particle_size_d50_um", 20, -1.0),
            _row("particle size", "material.particle_size_d50_um", -20, 1.0),
            _row("contact", "cathode.contact_ratio", 20, 9.0),               # a design field: no stated range
            _row("conductivity", "material.ionic_conductivity_S_cm", 20, 50.0, item="other")]
    band, used = parameter_band(rows, {"ionic_conductivity_S_cm": 30.0, "particle_size_d50_um": 40.0}, "i", "m", "")
    # slopes 0.2 and 0.05 %/%: sqrt((0.2*30)^2 + (0.05*40)^2) = sqrt(36 + 4)
    assert band == pytest.approx(math.sqrt(40.0))
    assert used == ("conductivity", "particle size")
    assert parameter_band(rows, {}, "i", "m", "") == (None, ())


def test_improvement_directions_name_the_strongest_property_first():
    rows = [_row("conductivity", "material.ionic_conductivity_S_cm", 20, 4.0),
            _row("particle size", "material.particle_size_d50_um", 20, -0.5),
            _row("film", "cathode.film_resistance_ohm_cm2", 20, 0.2),
            _row("conductivity", "material.ionic_conductivity_S_cm", 20, 9.0, key=False, metric="not-key")]
    lines = improvement_directions(rows)
    assert len(lines) == 1   # only key metrics give a direction
    assert lines[0].startswith("m [i]: raising conductivity by 20% changes it by +4.0%")
    assert lines[0].endswith("film, particle size change it by less than 1%")
