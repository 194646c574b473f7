"""Fuzz every text reader: mutated and random inputs either read or raise InputError — nothing else.

Each reader is fuzzed on both parsing routes (in memory and from disk) with CELLBENCH_FUZZ_EXAMPLES / 2
inputs each: 1,300 per reader by default, so every `make test` runs the issue's full fuzz
(9 readers × 1,300 = 11,700 inputs, about a minute); ``CELLBENCH_FUZZ_EXAMPLES=120`` for a quick local run.
Inputs are small so the whole run stays within seconds per reader.
"""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cellbench.errors import InputError
from cellbench.measurements import Measurement
from cellbench.measurements.readers import (arbin, basytec, bdf, biologic_text, generic, maccor, neware, novonix, pec,
                                             tabular)

EXAMPLES = int(os.environ.get("CELLBENCH_FUZZ_EXAMPLES", "1300"))

SEEDS = {
    arbin: b"Data_Point,Test_Time,DateTime,Step_Index,Cycle_Index,Current,Voltage,Charge_Capacity,Discharge_Capacity\n"
           b"0,1.0,1494645243.4,1,1,0.5,3.3,0.0,0.0\n1,2.0,1494645244.4,1,1,0.5,3.4,0.0001,0.0\n"
           b"2,3.0,1494645245.4,2,1,-0.5,3.2,0.0001,0.0001\n",
    maccor: b"Today's Date 03/07/2018  Date of Test:\t11/02/2016\t Filename:\tC:\\a.041 Procedure: P\tComment/Barcode: \n"
            b"Rec#\tCyc#\tStep\tTestTime\tStepTime\tAmp-hr\tWatt-hr\tAmps\tVolts\tState\tES\tDPt Time\n"
            b"1\t0\t1\t  0d 00:00:00.0000\t  0d 00:00:00.0000\t0.0\t0.0\t0.0\t3.9\tR\t0\t11/02/2016 15:57:53\n"
            b"2\t0\t2\t  0d 00:00:01.0000\t  0d 00:00:01.0000\t0.001\t0.004\t1.0\t3.95\tC\t1\t11/02/2016 15:57:54\n",
    neware: b"DataPoint,Cycle Index,Step Index,Step Type,Time,Cumulative Time,Current(A),Voltage(V),Chg. Cap.(Ah),"
            b"DChg. Cap.(Ah),Date\n1,1,1,Rest,00:00:00,00:00:00,0.0,2.9,0,0,2022-05-18 16:27:52\n"
            b"2,1,2,CC DChg,00:01:00,00:01:00,-0.001,2.8,0,0.00002,2022-05-18 16:28:52\n",
    novonix: b"[Summary]\nNovonix HPC data file\nChannel: 01\nStarted: 2022-04-11 10:58:07 AM\n[End Summary]\n[Data]\n"
             b"\"Date and Time,Cycle Number,Step Type,Run Time (h),Step Time (h),Current (A),Potential (V),Capacity (Ah),"
             b"Energy (Wh),Step Number\"\n\"2022-04-11 10:58:07 AM,1,0,0.0,0.0,0.0,3.1,0.0,0.0,1\"\n"
             b"\"2022-04-11 10:58:08 AM,1,1,0.001,0.001,0.01,3.2,0.00001,0.00003,2\"\n",
    pec: b"#RESULTS CHECK\n#Test:,1\n#END RESULTS CHECK\nTest,Cell ID,Step,Cycle,Total Time (Seconds),Voltage (mV),"
         b"Current (mA),Charge Capacity (mAh),Discharge Capacity (mAh)\n1,A,1,1,0,3500,0,0,0\n1,A,2,1,10,3600,100,0.3,0\n",
    biologic_text: b"EC-Lab ASCII FILE\nNb header lines : 4\n\nmode\ttime/s\tEwe/V\tI/mA\tQ charge/discharge/mA.h\t"
                   b"half cycle\n1\t0\t3,0\t1\t0\t0\n1\t10\t3,1\t1\t0,003\t0\n",
    bdf: b"Test Time / h,Current / A,Voltage / V,Cycle Count / 1,Step Index / 1,Charge Capacity / Ah,"
         b"Discharge Capacity / Ah\n0.1,0.006,3.3,1,1,0,0\n0.2,0.006,3.29,1,1,0,0.0006\n",
    basytec: b"~Resultfile from Basytec Battery Test System\n~Start of Test: 19.06.2023 17:56:53\n~\n"
             b"~Time[s]\tDataSet\tLine\tCommand\tU[V]\tI[A]\tAh-Cyc-Charge\tAh-Cyc-Discharge\tT1[\xb0C]\tCyc-Count\n"
             b"0\t1\t3\tPause\t3.5\t0\t0\t0\t25.4\t1\n60\t2\t4\tCharge\t3.6\t0.45\t0.0075\t0\t25.5\t1\n",
    generic: b"# PRIME\nnumber of headers ;3;;\n# PRIME\nindex;test_time;step;cycle;current;voltage;charge_capacity\n"
             b"0;120.00;1;1;0.00;1.14;0.00\n1;240.00;1;2;0.10;1.15;0.01\n",
}

TOKENS = [b",", b";", b"\t", b"\n", b"\r\n", b'"', b"nan", b"inf", b"-", b"e", b"1e308", b"", b" ", b"\x00", b"\xff",
          b"0d 99:99:99", b"[Data]", b"Rec#", b"Step", b"99999999999999999999", b":", b".", b"/", b"(mA)"]

edits = st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "replace", "truncate"]),
                           st.one_of(st.sampled_from(TOKENS), st.binary(max_size=6)), st.integers(1, 12)),
                 min_size=1, max_size=6)


def mutate(seed: bytes, changes) -> bytes:
    data = bytearray(seed)
    for where, op, token, length in changes:
        at = int(where * len(data))
        if op == "insert":
            data[at:at] = token
        elif op == "delete":
            del data[at:at + length]
        elif op == "replace":
            data[at:at + len(token)] = token
        else:
            del data[at:]
    return bytes(data)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@pytest.fixture(params=["in-memory", "from-disk"])
def route(request, monkeypatch):
    """Large files are parsed from disk, small ones from bytes: fuzz both routes on small inputs."""
    if request.param == "from-disk":
        monkeypatch.setattr(tabular, "FILE_PARSE_MIN_BYTES", 0)
    return request.param


@pytest.mark.parametrize("reader", list(SEEDS), ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_reader_raises_only_input_error(reader, scratch, route):
    target = scratch / f"fuzz_{reader.__name__.rsplit('.', 1)[1]}_{route}.txt"
    seed = SEEDS[reader]
    assert isinstance(reader.read(_write(target, seed)), Measurement), "the seed itself must read"

    @settings(max_examples=EXAMPLES // 2, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(edits.map(lambda changes: mutate(seed, changes)), st.binary(max_size=200)))
    def check(content: bytes) -> None:
        try:
            result = reader.read(_write(target, content))
        except InputError:
            return
        assert isinstance(result, Measurement)

    check()


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
