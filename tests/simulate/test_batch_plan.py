"""Which job a free worker of simulate_many takes: the plan groups jobs by model structure (no model is built
here), starts the largest group first and lets a worker join another's group only when that saves time."""

from cellbench.errors import SimulationError
from cellbench.simulate import simulate_many
from cellbench.simulate.batch import BUILD_S, RUN_S, _Plan, _prepare, _structure, simulate_as_completed

PULSE = "Set SOC to 50%; Discharge at 1C for 10 s"


def worker(*built, job=None, phase="run", since=0.0):
    return {"built": set(built), "job": job, "phase": phase, "since": since}


def jobs_of(std21):
    lumped = [(std21, PULSE, {}) for _ in range(6)]
    isothermal = [(std21, PULSE, {"thermal": "isothermal"}) for _ in range(2)]
    spm = [(std21, PULSE, {"model": "spm", "thermal": "isothermal"})]
    return [_prepare(job) for job in lumped + isothermal + spm]


def test_largest_group_first_then_own_structure_then_the_small_ones(std21):
    prepared = jobs_of(std21)
    lumped, isothermal, spm = (_structure(prepared[i]) for i in (0, 6, 8))
    assert len({lumped, isothermal, spm}) == 3
    plan = _Plan(prepared, list(range(len(prepared))))
    assert plan.shared() is None  # the lumped group does not outweigh the other two together: no build in the parent
    a, b = worker(), worker()
    first = plan.take(a, [b], now=0.0)
    assert first == 0  # the six lumped DFN runs: the largest group
    a.update(job=first, built={lumped})
    second = plan.take(b, [a], now=0.0)
    assert second == 6  # nobody has the isothermal DFN yet, and it outweighs the single SPM run
    b.update(job=second, built={isothermal})
    assert plan.take(b, [a], now=0.0) == 7  # its own structure before anything else
    assert plan.take(b, [a], now=0.0) == 8  # then the small group nobody has
    b["built"].add(spm)
    # what is left is a's: three short runs are not worth a second build of a's structure
    assert BUILD_S["dfn"] > 4 * RUN_S["dfn"]
    assert plan.take(b, [a], now=0.0) is None
    # but once a's runs prove long, b builds the structure too and takes the last job (a takes from the front)
    plan.ran_for(0, 2.0)
    assert plan.take(b, [a], now=0.0) == 5
    assert plan.take(a, [b], now=0.0) == 1


def test_a_worker_joins_a_group_whose_owner_is_still_building(std21):
    prepared = [_prepare((std21, PULSE, {})) for _ in range(8)]
    plan = _Plan(prepared, list(range(8)))
    # one structure: simulate_many builds it in the parent so that both workers inherit it ...
    assert plan.shared() == _structure(prepared[0])
    # ... and were it not, the second worker would build it too rather than wait
    a, b = worker(), worker()
    a.update(job=plan.take(a, [b], now=0.0), phase="build", since=0.0)
    a["built"].add(_structure(prepared[0]))
    # b builds it too at once, since a has the whole build ahead of it before its first run
    assert plan.take(b, [a], now=0.0) == 7
    # late in a's build the same seven short runs would not pay for it
    plan.groups[_structure(prepared[0])].append(7)
    assert plan.take(b, [a], now=BUILD_S["dfn"]) is None


def test_results_as_completed_are_the_results_in_order(std21):
    jobs = [(std21, PULSE, {}), (std21, PULSE, {"colour": "red"}),  # an unknown option: refused
            (std21, "Set SOC to 50%; Discharge at 2C for 10 s", {"thermal": "isothermal"}), (std21, PULSE, {})]
    streamed = list(simulate_as_completed(jobs, workers=2, timeout_s=60))
    assert streamed[0][0] == 1 and isinstance(streamed[0][1], SimulationError)  # refused before any run
    assert "unknown option(s) colour" in str(streamed[0][1])
    assert sorted(index for index, _ in streamed) == [0, 1, 2, 3]
    in_order = simulate_many(jobs, workers=2, timeout_s=60)
    for index, result in streamed:
        if index != 1:
            assert result.data.equals(in_order[index].data)


def test_a_job_queued_behind_one_that_times_out_runs_elsewhere(std21):
    # one structure, built in the parent: the first worker takes the long job and holds job 1 as its next; when
    # the long job passes its limit that worker is killed, and job 1 goes back to be run by another
    long_protocol = "(Discharge at 1C for 600 s; Charge at 1C for 600 s) x 500"
    jobs = [(std21, long_protocol, {}), (std21, PULSE, {}), (std21, "Discharge at 2C for 10 s", {})]
    results = simulate_many(jobs, workers=2, timeout_s=1.0)
    assert isinstance(results[0], SimulationError) and "time limit of 1 s" in str(results[0])
    assert [type(r).__name__ for r in results[1:]] == ["Measurement", "Measurement"]
