"""Early-life prediction: ΔQ(V) features, the regression on a simulated cohort, and the real long-cycling file."""

import numpy as np
import pytest
from real_data import real_file

from cellbench import cells
from cellbench.durability.early_life import EarlyLifeModel, delta_q_features, simulated_cohort
from cellbench.errors import InputError
from cellbench.measurements import read


@pytest.fixture(scope="module")
def cohort():
    return simulated_cohort(cells.load("std-2.1"), n_cells=36, seed=7)


def test_regression_trained_on_part_of_a_cohort_predicts_the_rest(cohort):
    features = [delta_q_features(m) for m, _ in cohort]
    lives = [life for _, life in cohort]
    model = EarlyLifeModel.fit(features[:24], lives[:24])
    predictions = [model.predict(f) for f in features[24:]]
    errors = [abs(p["cycle_life"] - life) / life for p, life in zip(predictions, lives[24:])]
    inside = [p["cycle_life_low"] <= life <= p["cycle_life_high"] for p, life in zip(predictions, lives[24:])]
    assert np.mean(errors) < 0.10   # 8 % with var and min of ΔQ; var alone gives 32 % on this cohort
    assert sum(inside) >= 10  # of 12: a 95 % interval may miss one now and then, not most
    # a curve that moves more between cycles 10 and 100 belongs to a shorter-lived cell
    for f in features[24:]:
        doubled = {**f, "log10_var_delta_q": f["log10_var_delta_q"] + np.log10(4), "min_delta_q_Ah": 2 * f["min_delta_q_Ah"]}
        assert model.predict(doubled)["cycle_life"] < model.predict(f)["cycle_life"]
    # the cohort really spreads: the longest-lived cell lives at least twice the shortest
    assert max(lives) > 2 * min(lives)


def test_delta_q_of_a_known_shift_is_the_shift(cohort):
    # cycle-100 curve = cycle-10 curve with ΔQ: mean ΔQ must be negative (capacity lost) and var > 0
    f = delta_q_features(cohort[0][0])
    assert f["mean_delta_q_Ah"] < 0 and f["var_delta_q"] > 0 and not f["identical_curves"]


def _line_of_cells():
    """Eight made-up cells on an exact line, for a fitted model to refuse a feature it cannot use."""
    features = [{"log10_var_delta_q": -8.0 + k * 0.3, "min_delta_q_Ah": -(1e-3 * (1 + k) ** 1.3),
                 "identical_curves": False} for k in range(8)]
    lives = [10 ** (3.0 - 0.5 * (f["log10_var_delta_q"] + 8.0) + 0.01 * k) for k, f in enumerate(features)]
    return features, lives


def test_real_long_cycling_file_has_identical_cycles_10_and_100():
    m = read(real_file("batmo_bdf.csv"))
    same = delta_q_features(m)
    assert same["identical_curves"] and same["log10_var_delta_q"] == -np.inf
    model = EarlyLifeModel.fit(*_line_of_cells())
    with pytest.raises(InputError, match="identical"):
        model.predict(same)
    # its rate-test cycles at the ends differ: a finite feature
    ends = delta_q_features(m, early_cycle=2, late_cycle=108)
    assert not ends["identical_curves"] and -7 < ends["log10_var_delta_q"] < -4


def test_missing_late_cycle_is_named():
    m = read(real_file("neware_uio.csv"))
    with pytest.raises(InputError, match="no discharge in cycle 100.*holds 4 cycle"):
        delta_q_features(m, early_cycle=2, late_cycle=100)
