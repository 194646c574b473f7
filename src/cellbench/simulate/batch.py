"""Run many simulations in parallel processes, each with a time limit.

The parent translates each design and groups the jobs by model structure, then forks the workers. A worker builds
a structure and compiles its solver the first time it takes one of its jobs and keeps taking that structure's
jobs; a free worker starts the largest group no worker has yet, so the small groups come last and fill the tail,
and joins a group another worker has built only when that group holds more work than a second build costs. Only a
structure whose group outweighs all the others together (a batch of one structure), which every worker would
build, is built once in the parent before forking, so that the workers inherit it. A worker also holds its next job
of a structure it has built, so it does not wait for the parent between two runs. A job's time limit counts from
the end of its build (a build has at least BUILD_LIMIT_S); a worker that passes it is killed and replaced, and the
job's result is a SimulationError, never a hang.

:func:`simulate_as_completed` yields each result as it finishes, so the caller can work on one (make metrics of
it) while the others run; :func:`simulate_many` returns them in job order.

>>> from cellbench.simulate import simulate_many
>>> results = simulate_many([("std-2.1", "Set SOC to 100%; Discharge at 1C until Vmin", {}),
...                          ("std-2.1", "Set SOC to 100%; Discharge at 2C until Vmin", {})])  # PyBaMM  # doctest: +SKIP
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from contextlib import closing
from multiprocessing.connection import wait
from typing import Any, Callable, Generator, Iterable, Iterator

from cellbench.errors import CellbenchError, SimulationError
from cellbench.measurements import Measurement
from cellbench.protocols import Protocol
from cellbench.simulate import model_build as mb
from cellbench.simulate.design_to_pybamm import with_overrides
from cellbench.simulate.pybamm_cell import PybammCell
from cellbench.simulate.runner import RawRun, run_raw
from cellbench.simulate.virtual_cycler import as_pybamm_cell

Job = tuple[Any, Any, dict[str, Any]]  # (design, protocol, options for simulate())
Result = Measurement | CellbenchError
_OPTION_NAMES = {"temperature_C", "model", "thermal", "overrides", "extra_columns"}

# Rough CPU seconds of a model build with its solver's compilation, and of one run, by model (std-2.1 on the
# project's 2-core machine). Only their ratio matters: which group a free worker starts first, and whether joining
# a group another worker has built pays for a second build. Measured run times replace the guess as jobs finish.
BUILD_S = {"dfn": 0.8, "spme": 0.5, "spm": 0.3}
RUN_S = {"dfn": 0.06, "spme": 0.02, "spm": 0.01}
#: the least time a worker gets to build a structure and compile its solver, whatever a job's own time limit
BUILD_LIMIT_S = 60.0


def simulate_many(jobs: Iterable[Job], *, workers: int = 2, timeout_s: float = 120.0,
                  progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Simulate every (design, protocol, options) job; results in job order, an error object in place of a
    failed job. Options are simulate()'s keywords: temperature_C, model, thermal, overrides, extra_columns.
    `progress(done, total)` is called in this process as jobs finish (for a progress bar)."""
    jobs = list(jobs)
    results: list[Any] = [None] * len(jobs)
    report = progress or (lambda done, total: None)
    report(0, len(jobs))
    with closing(simulate_as_completed(jobs, workers=workers, timeout_s=timeout_s)) as finished:
        for done, (index, result) in enumerate(finished, start=1):
            results[index] = result
            report(done, len(jobs))
    return results


def simulate_as_completed(jobs: Iterable[Job], *, workers: int = 2,
                          timeout_s: float = 120.0) -> Generator[tuple[int, Result], None, None]:
    """Simulate every job as :func:`simulate_many` does, yielding (job index, Measurement or error) in the order
    the jobs finish: jobs refused before simulating first, then each run as its worker returns it.

    Work done by the caller between two results overlaps with the runs still going (the workers already have their
    next jobs). The workers never touch Polars, so a Measurement handled here cannot disturb them. Close the
    iterator (or run it to the end) to stop the workers."""
    prepared = [_prepare(job) for job in jobs]
    runnable = {i: p for i, p in enumerate(prepared) if isinstance(p, _Prepared)}
    for index, p in enumerate(prepared):
        if isinstance(p, CellbenchError):
            yield index, p
    if workers <= 1 or len(runnable) <= 1 or not _fork_available():
        finished: Iterator[tuple[int, Any]] = ((i, _run(p, timeout_s, warm=True)) for i, p in runnable.items())
    else:
        finished = _run_in_workers(prepared, list(runnable), workers, timeout_s)
    for index, result in finished:
        yield index, result.to_measurement() if isinstance(result, RawRun) else result


# -- preparation in the parent ----------------------------------------------------------------------------
class _Prepared:
    __slots__ = ("cell", "protocol", "options")

    def __init__(self, cell: PybammCell, protocol: Protocol, options: dict[str, Any]):
        self.cell, self.protocol, self.options = cell, protocol, options


def _prepare(job: Job) -> "_Prepared | CellbenchError":
    try:
        design, protocol, options = job
        options = dict(options or {})
        unknown = set(options) - _OPTION_NAMES
        if unknown:
            raise SimulationError(f"unknown option(s) {', '.join(sorted(unknown))}: expected {', '.join(sorted(_OPTION_NAMES))}")
        cell = with_overrides(as_pybamm_cell(design), options.pop("overrides", None) or {})
        return _Prepared(cell, Protocol.from_any(protocol), options)
    except CellbenchError as exc:
        return exc


def _structure(p: _Prepared):
    return p.cell.structure_key(p.options.get("model", "dfn"), p.options.get("thermal", "lumped"))


def _model(p: _Prepared) -> str:
    return p.options.get("model", "dfn")


def _warm_up(p: _Prepared) -> bool:
    """Build the job's model structure and compile its solver with a one-second rest, once per process (a built
    model is cached with its solver), so that a job's time limit covers its own run only. True if it built."""
    try:
        if mb.build(p.cell, model=_model(p), thermal=p.options.get("thermal", "lumped")).solver is not None:
            return False
        # run_raw, not run_protocol: no Measurement (Polars) in a worker
        run_raw(p.cell, Protocol.parse("Rest for 1 s"), model=_model(p), thermal=p.options.get("thermal", "lumped"),
                time_limit_s=None)
    except Exception:
        pass  # the job itself will report it
    return True


def _run(p: _Prepared, timeout_s: float | None, warm: bool = False) -> RawRun | CellbenchError:
    if warm:
        _warm_up(p)
    try:
        return run_raw(p.cell, p.protocol, time_limit_s=timeout_s, **p.options)
    except CellbenchError as exc:
        return exc
    except Exception as exc:  # a solver crash must not take the batch down
        return SimulationError(f"{p.cell.name}, protocol '{p.protocol.name}': unexpected failure "
                               f"({type(exc).__name__}: {exc})")


def _fork_available() -> bool:
    return "fork" in mp.get_all_start_methods()


# -- workers -------------------------------------------------------------------------------------------
def _worker(conn, prepared: list[_Prepared]) -> None:
    # BLAS threads would fight over the two cores with the other worker.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # What the fork inherited, and each model built here (cached for the worker's life), is never garbage: frozen,
    # the collector no longer walks those objects, which makes each later build ≈ 10 % faster.
    gc.freeze()
    while True:
        index = conn.recv()
        if index is None:
            return
        if _warm_up(prepared[index]):
            gc.freeze()
        conn.send(("started", index))  # the job's time limit starts now, after the build
        conn.send(("done", index, _run(prepared[index], None)))


class _Plan:
    """Which job a free worker takes next. Jobs are grouped by model structure; a worker keeps to the structures
    it has built, starts the largest group nobody has, and joins another worker's group only when that saves time."""

    def __init__(self, prepared: list[_Prepared], pending: list[int]):
        self.groups: dict[str, list[int]] = {}  # structure -> its jobs not handed out yet, in job order
        self.model: dict[str, str] = {}
        for index in pending:
            key = _structure(prepared[index])
            self.groups.setdefault(key, []).append(index)
            self.model.setdefault(key, _model(prepared[index]))
        self.key = {index: key for key, indices in self.groups.items() for index in indices}
        self.ran: dict[str, list[float]] = {}  # structure -> [seconds run, runs]

    def __bool__(self) -> bool:
        return any(self.groups.values())

    def build_s(self, key: str) -> float:
        return BUILD_S.get(self.model[key], BUILD_S["dfn"])

    def run_s(self, key: str) -> float:
        seconds, runs = self.ran.get(key, (0.0, 0))
        return seconds / runs if runs else RUN_S.get(self.model[key], RUN_S["dfn"])

    def ran_for(self, index: int, seconds: float) -> None:
        tally = self.ran.setdefault(self.key[index], [0.0, 0])
        tally[0] += seconds
        tally[1] += 1

    def work(self, key: str) -> float:
        return self.run_s(key) * len(self.groups[key])

    def shared(self) -> str | None:
        """The structure whose group outweighs all the others together (a batch of one structure), which every
        worker would end up building; None when the groups can be shared out whole."""
        cost = {key: self.build_s(key) + self.work(key) for key, indices in self.groups.items() if indices}
        largest = max(cost, key=cost.__getitem__, default=None)
        if largest is None or cost[largest] <= sum(cost.values()) - cost[largest]:
            return None
        return largest

    def take_own(self, worker: dict) -> int | None:
        """A job of a structure `worker` has built (the next it holds while it runs one), or None."""
        mine = [key for key, indices in self.groups.items() if indices and key in worker["built"]]
        return self.groups[max(mine, key=self.work)].pop(0) if mine else None

    def take(self, worker: dict, others: list[dict], now: float) -> int | None:
        """The next job for `worker`, or None when it had better wait (every job left is another worker's, and
        building that structure too would take longer than leaving the jobs to it)."""
        left = [key for key, indices in self.groups.items() if indices]
        if not left:
            return None
        mine = [key for key in left if key in worker["built"]]
        if mine:
            return self.groups[max(mine, key=self.work)].pop(0)
        taken = set().union(*(w["built"] for w in others))
        free = [key for key in left if key not in taken]
        if free:  # the largest first, so that the small groups come last and fill the tail
            return self.groups[max(free, key=lambda k: self.build_s(k) + self.work(k))].pop(0)
        best, gain = None, 0.0
        for key in left:
            owners = [w for w in others if key in w["built"]]
            # an owner still building this structure has that much of its build left before it runs any job
            building = max((max(0.0, self.build_s(key) - (now - w["since"])) for w in owners
                            if w["phase"] == "build" and w["job"] is not None and self.key[w["job"]] == key),
                           default=0.0)
            saved = building + self.work(key) / max(1, len(owners)) - self.build_s(key) - self.run_s(key)
            if saved > gain:
                best, gain = key, saved
        if best is None:
            if any(w["job"] is not None for w in others):
                return None
            best = max(left, key=self.work)  # nobody else is working: take it anyway
        return self.groups[best].pop()  # from the end: the owner takes from the front


def _run_in_workers(prepared: list, pending: list[int], workers: int,
                    timeout_s: float) -> Iterator[tuple[int, RawRun | CellbenchError]]:
    """Run the pending jobs on forked workers; yields (index, result) as each finishes.

    Each worker holds its running job and, when there is one of a structure it has built, the next (it starts
    that one as soon as it sends a result, without waiting for this process to read it)."""
    ctx = mp.get_context("fork")
    pool: dict[Any, dict[str, Any]] = {}
    plan = _Plan(prepared, pending)
    limit = {"build": max(timeout_s, BUILD_LIMIT_S), "run": timeout_s}
    shared = plan.shared()
    if shared is not None:  # every worker would build it: build it once here, and the forks inherit it
        _warm_up(prepared[plan.groups[shared][0]])
    inherited = {shared} - {None}

    def start_worker() -> None:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, prepared), daemon=True)
        proc.start()
        child.close()
        # queue: the jobs sent, the first running (its phase "build" until the worker says it started, since when)
        pool[parent] = {"proc": proc, "queue": [], "job": None, "phase": "build", "since": 0.0,
                        "built": set(inherited)}

    def dispatch() -> None:
        now = time.monotonic()
        for conn, w in pool.items():
            while len(w["queue"]) < 2 and plan:
                others = [o for o in pool.values() if o is not w]
                index = plan.take(w, others, now) if not w["queue"] else plan.take_own(w)
                if index is None:
                    break
                if not w["queue"]:
                    w["job"], w["phase"], w["since"] = index, "build", now
                w["queue"].append(index)
                w["built"].add(plan.key[index])
                conn.send(index)

    def retire(conn) -> None:
        """Replace a worker that died or was killed; the jobs it had not started go back to the plan."""
        for index in reversed(pool[conn]["queue"][1:]):
            plan.groups[plan.key[index]].insert(0, index)
        _replace(pool, conn, start_worker)

    for _ in range(min(workers, len(pending))):
        start_worker()
    try:
        dispatch()
        while any(w["job"] is not None for w in pool.values()):
            busy = [c for c, w in pool.items() if w["job"] is not None]
            deadline = min(pool[c]["since"] + limit[pool[c]["phase"]] for c in busy)
            ready = wait(busy, timeout=max(0.0, deadline - time.monotonic()))
            finished: list[tuple[int, Any]] = []
            for conn in ready:
                w = pool[conn]
                try:
                    message = conn.recv()
                except EOFError:  # the worker died (segfault, out of memory)
                    index = w["job"]
                    finished.append((index, SimulationError(
                        f"job {index} ({prepared[index].cell.name}): the worker process died")))
                    retire(conn)
                    continue
                if message[0] == "started":
                    w["phase"], w["since"] = "run", time.monotonic()
                    continue
                _, index, result = message
                now = time.monotonic()
                plan.ran_for(index, now - w["since"])
                finished.append((index, result))
                w["queue"].pop(0)
                w["job"], w["phase"], w["since"] = (w["queue"] or [None])[0], "build", now
            now = time.monotonic()
            for conn in [c for c, w in pool.items() if w["job"] is not None and now - w["since"] > limit[w["phase"]]]:
                w = pool[conn]
                p = prepared[w["job"]]
                if w["phase"] == "run":
                    what = (f"no result within the time limit of {timeout_s:g} s; likely cause: a stiff state or a "
                            "very long protocol (raise timeout_s or shorten the protocol)")
                else:
                    what = f"its model was not built within {limit['build']:g} s"
                finished.append((w["job"], SimulationError(f"{p.cell.name}, protocol '{p.protocol.name}': {what}")))
                retire(conn)
            dispatch()  # before the caller sees the results: the workers run while it handles them
            yield from finished
    finally:
        for conn, w in pool.items():
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            w["proc"].join(timeout=1.0)
            if w["proc"].is_alive():
                w["proc"].kill()


def _replace(pool: dict, conn, start_worker) -> None:
    proc = pool.pop(conn)["proc"]
    proc.kill()
    proc.join(timeout=1.0)
    conn.close()
    start_worker()
