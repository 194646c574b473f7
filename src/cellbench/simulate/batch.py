"""Run many simulations in parallel processes, each with a time limit.

The parent translates each design, builds each distinct model structure once and compiles its solver,
then forks the workers, so every worker starts with the built models in memory. A worker that passes a
job's time limit is killed and replaced; the job's result is a SimulationError, never a hang.

>>> from cellbench.simulate import simulate_many
>>> results = simulate_many([("std-2.1", "Set SOC to 100%; Discharge at 1C until Vmin", {}),
...                          ("std-2.1", "Set SOC to 100%; Discharge at 2C until Vmin", {})])  # PyBaMM  # doctest: +SKIP
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from multiprocessing.connection import wait
from typing import AbstractSet, Any, Callable, Iterable


from cellbench.errors import CellbenchError, SimulationError
from cellbench.measurements import Measurement
from cellbench.protocols import Protocol
from cellbench.simulate.design_to_pybamm import with_overrides
from cellbench.simulate.pybamm_cell import PybammCell
from cellbench.simulate.runner import RawRun, run_raw
from cellbench.simulate.virtual_cycler import as_pybamm_cell

Job = tuple[Any, Any, dict[str, Any]]  # (design, protocol, options for simulate())
_OPTION_NAMES = {"temperature_C", "model", "thermal", "overrides", "extra_columns"}


def simulate_many(jobs: Iterable[Job], *, workers: int = 2, timeout_s: float = 120.0,
                  progress: Callable[[int, int], None] | None = None) -> list[Measurement | CellbenchError]:
    """Simulate every (design, protocol, options) job; results in job order, an error object in place of a
    failed job. Options are simulate()'s keywords: temperature_C, model, thermal, overrides, extra_columns.
    `progress(done, total)` is called in this process as jobs finish (for a progress bar)."""
    prepared = [_prepare(job) for job in jobs]
    runnable = [p for p in prepared if not isinstance(p, CellbenchError)]
    total = len(prepared)
    report = progress or (lambda done, total: None)
    report(total - len(runnable), total)
    if workers <= 1 or len(runnable) <= 1 or not _fork_available():
        _warm_up(runnable)
        results = []
        for p in prepared:
            results.append(p if isinstance(p, CellbenchError) else _run(p, timeout_s))
            report(len(results), total)
    else:
        # Only the structure most jobs share is built here, before forking, so both workers start with it; each
        # other structure is built by the worker that first takes one of its jobs, which keeps taking its jobs
        counts: dict = {}
        for p in runnable:
            counts[_structure(p)] = counts.get(_structure(p), 0) + 1
        built = _warm_up(runnable, only={max(counts, key=counts.get)})
        results = list(prepared)
        pending = [i for i, p in enumerate(prepared) if not isinstance(p, CellbenchError)]
        _run_in_workers(prepared, pending, results, workers, timeout_s, built=built,
                        on_done=lambda finished: report(total - len(runnable) + finished, total))
    return [r.to_measurement() if isinstance(r, RawRun) else r for r in results]


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


def _warm_up(prepared: list[_Prepared], only: set | None = None) -> set:
    """Build each model structure once (or those in `only`) and compile its solver with a one-second rest;
    returns the structures built."""
    seen = set()
    for p in prepared:
        key = _structure(p)
        if key in seen or (only is not None and key not in only):
            continue
        seen.add(key)
        try:
            # run_raw, not run_protocol: no Measurement (Polars) in this process before the workers fork
            run_raw(p.cell, Protocol.parse("Rest for 1 s"), model=p.options.get("model", "dfn"),
                    thermal=p.options.get("thermal", "lumped"), time_limit_s=None)
        except CellbenchError:
            pass  # the job itself will report it
    return seen


def _run(p: _Prepared, timeout_s: float | None) -> RawRun | CellbenchError:
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
    while True:
        index = conn.recv()
        if index is None:
            return
        conn.send((index, _run(prepared[index], None)))


def _run_in_workers(prepared, pending: list[int], results: list, workers: int, timeout_s: float,
                    on_done: Callable[[int], None] = lambda finished: None, built: AbstractSet = frozenset()) -> None:
    ctx = mp.get_context("fork")
    pool: dict[Any, dict[str, Any]] = {}
    keys = {i: _structure(prepared[i]) for i in pending}

    def start_worker():
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, prepared), daemon=True)
        proc.start()
        pool[parent] = {"proc": proc, "job": None, "started": 0.0, "built": set(built)}

    def next_job(worker: dict) -> int:
        """A job whose model this worker has built; else one of a structure no other worker has; else the first."""
        others = set().union(*(w["built"] for w in pool.values() if w is not worker))
        for want in (lambda k: k in worker["built"], lambda k: k not in others):
            for position, index in enumerate(queue):
                if want(keys[index]):
                    return queue.pop(position)
        return queue.pop(0)

    for _ in range(min(workers, len(pending))):
        start_worker()
    queue = list(pending)
    finished = 0

    def done(index: int, result) -> None:
        nonlocal finished
        results[index] = result
        finished += 1
        on_done(finished)

    try:
        while queue or any(w["job"] is not None for w in pool.values()):
            for conn, w in pool.items():
                if w["job"] is None and queue:
                    w["job"], w["started"] = next_job(w), time.monotonic()
                    w["built"].add(keys[w["job"]])
                    conn.send(w["job"])
            busy = [c for c, w in pool.items() if w["job"] is not None]
            deadline = min(pool[c]["started"] + timeout_s for c in busy)
            ready = wait(busy, timeout=max(0.0, deadline - time.monotonic()))
            for conn in ready:
                try:
                    index, result = conn.recv()
                except EOFError:  # the worker died (segfault, out of memory)
                    index = pool[conn]["job"]
                    result = SimulationError(f"job {index} ({prepared[index].cell.name}): the worker process died")
                    _replace(pool, conn, start_worker)
                    done(index, result)
                    continue
                done(index, result)
                pool[conn]["job"] = None
            now = time.monotonic()
            for conn in [c for c, w in pool.items() if w["job"] is not None and now - w["started"] > timeout_s]:
                index = pool[conn]["job"]
                p = prepared[index]
                done(index, SimulationError(
                    f"{p.cell.name}, protocol '{p.protocol.name}': no result within the time limit of {timeout_s:g} s; "
                    "likely cause: a stiff state or a very long protocol (raise timeout_s or shorten the protocol)"))
                _replace(pool, conn, start_worker)
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
