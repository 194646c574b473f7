"""A microstructure result replaces the Bruggeman default in a cell design."""

from __future__ import annotations

import math

import pytest

import cellbench.microstructure as ms
from cellbench import cells
from cellbench.errors import InputError


def _result(**changes) -> ms.TortuosityResult:
    values = dict(phase="solid_electrolyte", axis="x", tau=2.4, tau_stderr=0.02, effective_conductivity_ratio=0.19,
                  phase_fraction=0.452, spanning_fraction=0.45, percolates=True, porosity=0.14, contact_ratio=0.62,
                  statement="", walkers=4096, steps=10000, seed=0)
    return ms.TortuosityResult(**(values | changes))


def test_cathode_takes_tau_and_contact_ratio_and_the_original_is_unchanged():
    design = cells.load("std-2.1")
    new = ms.apply_to_design(design, "cathode", _result())
    assert new.cathode.path_resistance_coefficient == 2.4
    assert new.cathode.contact_ratio == 0.62
    assert design.cathode.path_resistance_coefficient is None and design.cathode.contact_ratio == 1.0
    assert new.anode == design.anode and new.separator == design.separator


def test_separator_takes_tau_only():
    new = ms.apply_to_design(cells.load("std-2.1"), "separator", _result(tau=1.7))
    assert new.separator.path_resistance_coefficient == 1.7


def test_tau_just_below_one_is_noise_and_clamped_to_one():
    new = ms.apply_to_design(cells.load("std-2.1"), "separator", _result(tau=0.995))
    assert new.separator.path_resistance_coefficient == 1.0


def test_non_percolating_result_is_refused():
    with pytest.raises(InputError, match="does not connect the two x faces"):
        ms.apply_to_design(cells.load("std-2.1"), "cathode", _result(tau=math.inf, percolates=False))


def test_unknown_layer_is_refused():
    with pytest.raises(InputError, match="unknown layer 'electrolyte'"):
        ms.apply_to_design(cells.load("std-2.1"), "electrolyte", _result())


def test_layer_fractions_of_the_standard_cathode():
    fractions = ms.layer_phase_fractions(cells.load("std-2.1"), "cathode")
    # std-2.1 cathode: porosity 0.10; NCM811:SE:C 70:27:3 wt% at 4.75, 1.86 and 1.9 g/cm3 gives
    # NCM811 0.430, argyrodite 0.424, carbon black 0.046 by volume
    assert fractions["solid_electrolyte"] == pytest.approx(0.424, abs=1e-3)
    assert fractions["active_material"] == pytest.approx(0.430, abs=1e-3)
    assert fractions["void"] == pytest.approx(0.10 + 0.046, abs=1e-3)


def test_generated_cathode_feeds_the_design():
    design = cells.load("std-2.1")
    volume = ms.sphere_packing((32, 32, 32), voxel_size_um=0.5, seed=1,
                               fractions=ms.layer_phase_fractions(design, "cathode"),
                               radius_um={"active_material": 2.5, "void": 0.75})
    result = ms.tortuosity(volume, axis="x", target_rel_stderr=0.03)
    new = ms.apply_to_design(design, "cathode", result)
    assert new.cathode.path_resistance_coefficient == pytest.approx(result.tau)
    assert 0 < new.cathode.contact_ratio < 1
    assert new.cathode.contact_ratio == pytest.approx(result.contact_ratio)
