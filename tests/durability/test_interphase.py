"""Interphase ageing follows the cell's own materials: stability window against electrode potentials, and the
kind of interphase the electrolyte forms (no simulation: the laws and the state they give)."""

import pytest
import yaml

from cellbench import cells, materials
from cellbench.durability.ageing import Storage, age, load_laws
from cellbench.durability.interphase import NotAssessed, assess, material_laws, require_assessed


def _storage_state(design, days=42.0):
    laws, found = material_laws(design, load_laws())
    require_assessed(found)
    return age(laws, [Storage(days, 45.0, 1.0)])


def _se_variant(tmp_path, **changes):
    record = materials.load("argyrodite-li6ps5cl").model_dump()
    record.update(id=changes.pop("id", "argyrodite-variant"), **changes)
    path = tmp_path / f"{record['id']}.yaml"
    path.write_text(yaml.safe_dump(record))
    return str(path)


def test_an_unchanged_electrolyte_ages_exactly_like_the_standard_one(tmp_path):
    base = cells.load("std-2.1")
    copy = base.substitute(_se_variant(tmp_path, id="argyrodite-copy"))
    assert _storage_state(copy).as_dict() == _storage_state(base).as_dict()


def test_lgps_on_graphite_loses_more_lithium_in_storage_than_li6ps5cl():
    """LGPS is reduced to a mixed-conducting interphase (Li-Ge) that keeps growing; Li6PS5Cl's passivates."""
    base = cells.load("std-2.1")
    lgps = base.substitute("lgps")
    kinds = {a.term: a for a in assess(lgps, load_laws())}
    assert kinds["lli-se-reduction"].exponent == 1.0
    assert _storage_state(lgps).lli > 3 * _storage_state(base).lli


def test_a_narrower_window_drives_more_interphase_growth(tmp_path):
    base = cells.load("std-2.1")
    narrow_low = base.substitute(_se_variant(tmp_path, id="se-narrow-low", stability_window_V=[2.1, 2.0 + 0.5]))
    narrow_high = base.substitute(_se_variant(tmp_path, id="se-narrow-high", stability_window_V=[1.7, 1.8]))
    wide = base.substitute(_se_variant(tmp_path, id="se-wide-high", stability_window_V=[1.7, 3.0]))
    ref = _storage_state(base)
    assert _storage_state(narrow_low).lli > ref.lli
    assert _storage_state(narrow_high).cathode_film_resistance_ohm_cm2 > ref.cathode_film_resistance_ohm_cm2
    assert _storage_state(wide).cathode_film_resistance_ohm_cm2 < ref.cathode_film_resistance_ohm_cm2


def test_driving_force_is_the_potential_beyond_the_window():
    base = cells.load("std-2.1")
    found = {a.term: a for a in assess(base, load_laws())}
    red, ox = found["lli-se-reduction"], found["film-se-oxidation"]
    window = base.material("argyrodite-li6ps5cl").stability_window_V
    assert red.electrode_potential_V < 0.2 and ox.electrode_potential_V > 4.0   # graphite and NCM at full charge
    assert red.driving_force_V == pytest.approx(window[0] - red.electrode_potential_V)
    assert ox.driving_force_V == pytest.approx(ox.electrode_potential_V - window[1])
    assert red.factor == pytest.approx(red.driving_force_V / 1.6)


def test_an_electrode_inside_the_window_drives_nothing(tmp_path):
    base = cells.load("std-2.1")
    stable = base.substitute(_se_variant(tmp_path, id="se-stable", stability_window_V=[0.0, 5.0]))
    state = _storage_state(stable)
    assert state.lli == 0.0 and state.cathode_film_resistance_ohm_cm2 == 0.0


def test_missing_data_is_not_assessed_rather_than_assumed(tmp_path):
    base = cells.load("std-2.1")
    no_window = base.substitute(_se_variant(tmp_path, id="se-no-window", stability_window_V=None,
                                            reduction_interphase=None))
    with pytest.raises(NotAssessed, match="se-no-window gives no stability window"):
        _storage_state(no_window)
    no_kind = base.substitute(_se_variant(tmp_path, id="se-no-kind", reduction_interphase=None))
    with pytest.raises(NotAssessed, match="gives no reduction_interphase"):
        _storage_state(no_kind)
