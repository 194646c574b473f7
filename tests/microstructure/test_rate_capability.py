"""Done-when check of issue 7: an ASSB cell built from generated cathodes loses rate capability as the
cathode's porosity rises (more detours, less contact)."""

from __future__ import annotations

import pytest

import cellbench.microstructure as ms
from cellbench import cells
from cellbench.measurements import schema as S


@pytest.mark.slow
def test_rate_capability_falls_as_cathode_porosity_rises():
    from cellbench.protocols import Protocol
    from cellbench.simulate import run_protocol
    from cellbench.simulate.design_to_pybamm import to_pybamm

    base = cells.load("std-2.1")
    retention, taus = [], []
    for porosity in (0.05, 0.25):
        design = base.model_copy(update={"cathode": base.cathode.model_copy(update={"porosity": porosity})})
        volume = ms.sphere_packing((24, 24, 24), voxel_size_um=0.5, seed=1,
                                   fractions=ms.layer_phase_fractions(design, "cathode"),
                                   radius_um={"active_material": 2.5, "void": 0.75})
        result = ms.tortuosity(volume, axis="x", target_rel_stderr=0.05)
        design = ms.apply_to_design(design, "cathode", result)
        measurement = run_protocol(to_pybamm(design), Protocol.parse(f"Discharge at 2C until {base.voltage_min_V} V"))
        delivered_mAh = 1000 * float(measurement.data[S.DISCHARGE_CAPACITY].max())
        retention.append(delivered_mAh / cells.figures(design).capacity_mAh)
        taus.append(result.tau)
    # a more porous cathode: longer ion paths (τ up) and a smaller share of its capacity at 2C
    assert taus[1] > 1.3 * taus[0]
    assert retention[1] < retention[0] - 0.03, retention
