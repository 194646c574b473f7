"""The compiled passes read a column where Polars holds it, chunk by chunk (a CSV parser returns each column in many
chunks). Where the chunks begin must not matter: the same rows in one chunk or in many give the same table bit for
bit, the same vendor totals and the same errors, with chunk boundaries on a new cycle, a new step, inside a step
and a single row long; and both agree with the Polars expressions that handle frames with nulls."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from cellbench.errors import InputError
from cellbench.measurements import MeasurementMetadata
from cellbench.measurements import schema as S
from cellbench.measurements.readers import canonical as C


def cycler_frame(flip: bool = False) -> pl.DataFrame:
    """3 cycles of charge (step 1, +1 A), discharge (step 2, -1 A) and rest (step 3), 50 rows a step, 10 s apart,
    with the vendor's counters restarting each cycle (Arbin's way). ``flip``: current positive on discharge."""
    rows = []
    t = 0.0
    for cycle in (1, 2, 3):
        charged = 0.0
        discharged = 0.0
        for step, current in ((1, 1.0), (2, -1.0), (3, 0.0)):
            for _ in range(50):
                t += 10.0
                charged += 10.0 / 3600 if current > 0 else 0.0
                discharged += 10.0 / 3600 if current < 0 else 0.0
                rows.append((t, 3.7 + 0.2 * current + 1e-4 * cycle, -current if flip else current, cycle, step,
                             charged, discharged))
    columns = (S.TIME, S.VOLTAGE, S.CURRENT, S.CYCLE, S.STEP, C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY)
    return pl.DataFrame(rows, schema=columns, orient="row")


def in_chunks(frame: pl.DataFrame, cuts: list[int]) -> pl.DataFrame:
    """The same rows with every column split into chunks at ``cuts``."""
    bounds = [0, *cuts, frame.height]
    chunked = pl.concat([frame.slice(a, b - a) for a, b in zip(bounds, bounds[1:])], rechunk=False)
    assert chunked[S.TIME].n_chunks() == len(bounds) - 1
    return chunked


# 150: the first row of cycle 2; 50: the first row of step 2; 77: inside a step; 200, 201: a one-row chunk
CUTS = [[150], [50, 77], [1, 2, 3], [200, 201, 350, 449], list(range(7, 450, 13))]


def measure(frame: pl.DataFrame):
    return C.to_measurement(frame, MeasurementMetadata(source_file="chunks.csv"),
                            C.CounterRestarts.changes_of(S.CYCLE))


@pytest.mark.parametrize("flip", [False, True], ids=["as recorded", "current positive on discharge"])
@pytest.mark.parametrize("cuts", CUTS, ids=[str(c[:4]) for c in CUTS])
def test_chunk_boundaries_change_nothing(cuts, flip):
    frame = cycler_frame(flip)
    whole, chunked = measure(frame), measure(in_chunks(frame, cuts))
    assert chunked.content_hash() == whole.content_hash()
    assert chunked.metadata.extra == whole.metadata.extra
    assert ("assumptions" in whole.metadata.extra) is flip  # the sign vote saw the flip through every chunk
    vendor = whole.metadata.extra["vendor_cycle_counters"]
    assert vendor["cycle"] == [1, 2, 3]
    assert vendor["charge_capacity_Ah"] == pytest.approx([50 * 10 / 3600] * 3)


def test_the_compiled_passes_agree_with_the_polars_expressions():
    frame = in_chunks(cycler_frame(), CUTS[-1])
    compiled = measure(frame).data
    counters = [C.VENDOR_CHARGE_CAPACITY, C.VENDOR_DISCHARGE_CAPACITY]
    expressions, _, _ = C._derive_with_expressions(frame, counters, C.CounterRestarts.changes_of(S.CYCLE))
    assert compiled.columns == expressions.columns
    for name in compiled.columns:
        assert np.allclose(compiled[name].to_numpy(), expressions[name].to_numpy(), rtol=0, atol=1e-12), name
    # counters restart each cycle; made cumulative they run on: 3 cycles of 50 charge rows, 10 s at 1 A each
    assert compiled[S.CHARGE_CAPACITY][-1] == pytest.approx(3 * 50 * 10 / 3600)
    # discharge at 3.5 V: 49 whole 10 s intervals a cycle, and half of the one into the rest (the trapezoid from
    # -3.5 W to 0 W); the interval from charge into discharge averages +0.2 W and counts as charge
    assert compiled[S.DISCHARGE_ENERGY][-1] == pytest.approx(3 * 49.5 * 10 / 3600 * 3.5, rel=1e-3)


@pytest.mark.parametrize("at", [150, 151, 77])
def test_time_going_back_is_found_at_or_after_a_chunk_boundary(at):
    frame = cycler_frame()
    time = frame[S.TIME].to_numpy().copy()
    time[at] = time[at - 1] - 5.0  # backwards, within the same cycle and step (rows 150 and 151: cycle 2, step 1)
    cycle, step = frame[S.CYCLE].to_numpy().copy(), frame[S.STEP].to_numpy().copy()
    if at == 150:  # row 149 (the last rest of cycle 1) moved into cycle 2's first step, so 150 goes back within it
        cycle[149], step[149] = 2, 1
    frame = frame.with_columns(pl.Series(S.TIME, time), pl.Series(S.CYCLE, cycle), pl.Series(S.STEP, step))
    with pytest.raises(InputError, match=rf"time goes backwards within a step at record {at + 1} "):
        measure(in_chunks(frame, [at, at + 7]))


def test_a_non_finite_voltage_as_a_chunk_s_first_row_is_an_error():
    frame = cycler_frame()
    voltage = frame[S.VOLTAGE].to_numpy().copy()
    voltage[200] = np.inf
    with pytest.raises(InputError, match=r"expected a finite number at record 201 \(inf\)"):
        measure(in_chunks(frame.with_columns(pl.Series(S.VOLTAGE, voltage)), [200]))
