"""Work moved for speed must give what the slower path gave: the runner's own cumulative columns against the
measurement package's derivation from time, current and voltage alone."""

import numpy as np
import polars as pl

from cellbench.measurements import Measurement
from cellbench.measurements import schema as S
from cellbench.protocols import Protocol
from cellbench.simulate.runner import run_raw

DERIVED = (S.POWER, S.CHARGE_CAPACITY, S.DISCHARGE_CAPACITY, S.CHARGE_ENERGY, S.DISCHARGE_ENERGY)


def test_the_runners_cumulative_columns_are_the_measurements_own(std21):
    raw = run_raw(std21, Protocol.parse("Set SOC to 80%; Discharge at 2C for 300 s; Rest for 60 s; "
                                        "Charge at 1C for 200 s; Discharge at 1C for 100 s"))
    ours = raw.to_measurement().data
    base = {name: values for name, values in raw.columns.items() if name not in DERIVED}
    theirs = Measurement(pl.DataFrame(base)).data
    assert ours.columns == theirs.columns  # same order: same content hash as before the change
    for name in DERIVED:
        np.testing.assert_allclose(ours[name].to_numpy(), theirs[name].to_numpy(), rtol=1e-12, atol=1e-15)
    # both directions were integrated: charge and discharge each moved a known share of the capacity
    q = std21.nominal_capacity_Ah
    assert abs(ours[S.DISCHARGE_CAPACITY][-1] - q * (2 * 300 + 100) / 3600) < 1e-3 * q
    assert abs(ours[S.CHARGE_CAPACITY][-1] - q * 200 / 3600) < 1e-3 * q
