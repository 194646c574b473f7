"""The CC-CV charger: CC at the set current up to Vmax, then CV at Vmax with the current never above the CC current."""

import numpy as np
import pytest

from cellbench import cells
from cellbench import simulate as sim
from cellbench.errors import InputError
from cellbench.measurements import schema as S
from cellbench.pack.charger import run_cc_cv

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lgm50():
    return sim.to_pybamm(cells.load("lg-m50"))


@pytest.fixture(scope="module")
def full_charge(lgm50):
    return run_cc_cv(lgm50, c_rate=1.0, from_soc=0.2, to_soc=1.0, model="spme")


def test_cc_then_cv_within_both_limits(full_charge, lgm50):
    data = full_charge.data
    current, voltage = data[S.CURRENT].to_numpy(), data[S.VOLTAGE].to_numpy()
    one_c = lgm50.nominal_capacity_Ah
    assert current.max() <= one_c * (1 + 1e-6) and voltage.max() <= lgm50.voltage_max_V + 1e-3
    cc = data.filter(data[S.STEP] == 1)
    cv = data.filter(data[S.STEP] == 2)
    # CC at 1C until the voltage nears Vmax (output points are interpolated across the switch, a few seconds)
    below = cc.filter(cc[S.VOLTAGE] < lgm50.voltage_max_V - 0.01)
    assert below.height > 0.9 * cc.height and below[S.CURRENT].to_numpy() == pytest.approx(one_c, rel=1e-4)
    assert cv[S.VOLTAGE].to_numpy() == pytest.approx(lgm50.voltage_max_V, abs=1e-3)   # CV at Vmax
    assert cc[S.TIME][-1] < cv[S.TIME][0]                                 # CC first, then CV
    assert np.all(np.diff(cv[S.CURRENT].to_numpy()) <= 1e-6 * one_c)      # the CV current only falls
    # 20 % -> 100 % SOC is reached by the charged capacity or the C/20 end current, whichever comes first
    assert full_charge.metadata.extra["ended_by"] in ("target SOC reached", "end current reached")
    if full_charge.metadata.extra["ended_by"] == "end current reached":
        assert current[-1] == pytest.approx(one_c / 20, rel=1e-3)


def test_the_charger_agrees_with_the_cycler_steps_where_the_cv_current_only_falls(full_charge, lgm50):
    # the same CC-CV as two cycler steps: the charged capacity agrees (the charger's cap never binds in CV here)
    steps = sim.simulate(lgm50, "Set SOC to 20%; Charge at 1C until Vmax; Hold at Vmax until C/20", model="spme",
                         temperature_C=25.0)
    charger_Ah = full_charge.data[S.CHARGE_CAPACITY][-1]
    steps_Ah = steps.data[S.CHARGE_CAPACITY][-1]
    if full_charge.metadata.extra["ended_by"] == "end current reached":
        assert charger_Ah == pytest.approx(steps_Ah, rel=0.01)
    else:  # stopped at the design's 100 % by the charged capacity
        assert charger_Ah == pytest.approx(0.8 * lgm50.nominal_capacity_Ah, rel=1e-3)
        assert charger_Ah <= steps_Ah * 1.01


def test_bad_charger_settings_are_refused(lgm50):
    with pytest.raises(InputError, match="C-rate"):
        run_cc_cv(lgm50, c_rate=0, from_soc=0.1, to_soc=0.8)
    with pytest.raises(InputError, match="from_soc"):
        run_cc_cv(lgm50, c_rate=1, from_soc=0.8, to_soc=0.5)
