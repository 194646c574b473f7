"""Run a campaign: Optuna proposes, Dask evaluates, the database remembers.

The loop keeps one evaluation in flight per worker: when one finishes it is told to the study (so the sampler
learns from it) and the next trial is asked. Every tell is committed to the database at once, so a killed run
loses at most the trials that were in flight; :func:`resume` queues those again.

Execution: ``workers=N`` starts a Dask ``LocalCluster`` with N single-threaded worker processes;
``scheduler="tcp://host:8786"`` uses a running cluster (SLURM via dask-jobqueue, Kubernetes via dask-kubernetes
or the Dask Helm chart; docs/campaigns.md). ``workers=0`` evaluates in this process (no Dask).

>>> import optuna
>>> from cellbench.campaigns import load_campaign, run_campaign
>>> summary = run_campaign(load_campaign("examples/campaigns/quick.yaml"), storage=optuna.storages.InMemoryStorage(),
...                        budget=4, workers=1)  # PyBaMM on Dask, minutes  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable

from cellbench.campaigns import study as st
from cellbench.campaigns.evaluation import evaluate_trial
from cellbench.campaigns.spec import CampaignSpec


@dataclass
class RunSummary:
    campaign_id: str
    budget: int
    finished: int
    ran_now: int
    wall_time_s: float
    workers: int | str
    recovered: list[int] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def evaluations_per_s(self) -> float:
        return self.ran_now / self.wall_time_s if self.wall_time_s > 0 else 0.0


def _variant_id(study_name: str, number: int) -> str:
    return f"{study_name}-t{number:04d}"


def _suggest(trial, spec: CampaignSpec) -> dict[str, float | str]:
    return {name: (trial.suggest_categorical(name, b.choices) if b.choices else
                   trial.suggest_float(name, b.low, b.high, log=b.log))
            for name, b in spec.parameters.items()}


def open_client(workers: int, scheduler: str | None):
    """A Dask client: a running scheduler if given, else a LocalCluster of `workers` single-threaded processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    # processes, not threads: PyBaMM's model build holds the GIL; spawned workers also keep Polars' pool intact
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def drive(study, spec: CampaignSpec, *, budget: int, workers: int = 1, scheduler: str | None = None,
          client=None, on_result: Callable[[int, dict], None] | None = None) -> RunSummary:
    """Ask, evaluate and tell until `budget` evaluations have finished in this study."""
    spec_data = spec.model_dump(mode="json")
    started = time.perf_counter()
    ran = 0
    recovered = st.recover_interrupted(study)
    own_client, cluster = None, None

    def remaining() -> int:
        return budget - st.finished_count(study)

    if workers == 0 and scheduler is None and client is None:
        while remaining() > 0:
            trial = study.ask()
            params = _suggest(trial, spec)
            result = evaluate_trial(spec_data, params, variant_id=_variant_id(study.study_name, trial.number))
            st.record_result(study, trial, spec, result)
            ran += 1
            if on_result:
                on_result(trial.number, result)
    else:
        from distributed import as_completed

        if client is None:
            own_client, cluster = open_client(workers, scheduler)
            client = own_client
        try:
            # one evaluation in flight per worker thread of the cluster
            slots = max(1, sum(client.nthreads().values()))
            in_flight: dict = {}
            pool = as_completed()

            def submit_next() -> None:
                trial = study.ask()
                params = _suggest(trial, spec)
                future = client.submit(evaluate_trial, spec_data, params, pure=False,
                                       variant_id=_variant_id(study.study_name, trial.number))
                in_flight[future] = trial
                pool.add(future)

            for _ in range(min(slots, remaining())):
                submit_next()
            for future in pool:
                trial = in_flight.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # a worker died or the task could not run: record it, go on
                    result = {"status": "failed", "values": {}, "constraints": [], "provenance": {},
                              "error": f"task failed on the cluster: {type(exc).__name__}: {exc}"}
                st.record_result(study, trial, spec, result)
                ran += 1
                if on_result:
                    on_result(trial.number, result)
                if remaining() - len(in_flight) > 0:
                    submit_next()
        finally:
            if own_client is not None:
                own_client.close()
            if cluster is not None:
                cluster.close()
    counts: dict[str, int] = {}
    for t in study.get_trials(deepcopy=False):
        status = t.user_attrs.get("status", "running")
        counts[status] = counts.get(status, 0) + 1
    return RunSummary(study.study_name, budget, st.finished_count(study), ran, time.perf_counter() - started,
                      scheduler or workers, recovered, counts)


def run_campaign(spec: CampaignSpec, *, storage, budget: int | None = None, workers: int = 1,
                 scheduler: str | None = None, on_start: Callable[[str], None] | None = None,
                 on_result: Callable[[int, dict], None] | None = None) -> RunSummary:
    """Start a new campaign study in ``storage`` (an Optuna storage: ``cellbench.store.campaigns`` opens the store's)
    and run it to its budget (the spec's, or `budget`)."""
    spec.check()
    if spec.lab is not None:
        from cellbench.errors import InputError

        raise InputError(f"campaign '{spec.name}' is a lab campaign: it proposes experiments "
                         "(cellbench.store.campaigns.run_lab, or 'cellbench campaign run' on the file)", location="lab")
    if budget is not None:
        spec = spec.model_copy(update={"budget": budget})
    study = st.new_study(spec, storage)
    if on_start:
        on_start(study.study_name)
    return drive(study, spec, budget=spec.budget, workers=workers, scheduler=scheduler, on_result=on_result)


def resume_campaign(campaign_id: str | None = None, *, storage, budget: int | None = None, workers: int = 1,
                    scheduler: str | None = None, on_result: Callable[[int, dict], None] | None = None) -> RunSummary:
    """Continue a campaign in ``storage`` (the newest when `campaign_id` is None) after a kill or to a larger
    budget."""
    study, spec = st.open_study(campaign_id, storage)
    return drive(study, spec, budget=budget or spec.budget, workers=workers, scheduler=scheduler, on_result=on_result)
