"""A check-up time series built from an electrode balance (OCV + ohmic drop): the hand-made ground truth for
diagnosis tests, where the injected losses are known exactly."""

from __future__ import annotations

import numpy as np
import polars as pl

from cellbench.durability.electrode_balance import ElectrodeBalance
from cellbench.measurements import Measurement


def checkup(balance: ElectrodeBalance, *, resistance_ohm: float, rated_Ah: float, noise_mV: float = 1.0,
            seed: int = 0, cycle: int = 1, time_offset_s: float = 0.0) -> pl.DataFrame:
    """Rest at full charge, C/20 discharge to the bottom voltage, 1 h rest, 10 s 1C discharge pulse."""
    rng = np.random.default_rng(seed)
    i_low = -rated_Ah / 20.0
    q, ocv = balance.curve(400)
    t_dis = 600.0 + q / abs(i_low) * 3600.0
    v_dis = ocv + i_low * resistance_ohm
    end_ocv = float(ocv[-1])
    t_rest = t_dis[-1] + np.linspace(1.0, 3600.0, 20)
    t_pulse = t_rest[-1] + np.linspace(1.0, 10.0, 10)
    i_pulse = -rated_Ah
    t = np.concatenate([np.linspace(0.0, 599.0, 10), t_dis, t_rest, t_pulse])
    v = np.concatenate([np.full(10, ocv[0]), v_dis, np.full(20, end_ocv), np.full(10, end_ocv + i_pulse * resistance_ohm)])
    i = np.concatenate([np.zeros(10), np.full(len(t_dis), i_low), np.zeros(20), np.full(10, i_pulse)])
    v = v + rng.normal(0.0, noise_mV / 1000.0, len(v))
    return pl.DataFrame({"test_time_second": t + time_offset_s, "voltage_volt": v, "current_ampere": i,
                         "cycle_dimensionless": np.full(len(t), cycle)})


def measurement(*frames: pl.DataFrame) -> Measurement:
    return Measurement(pl.concat(frames))
