"""Campaign throughput: evaluations per second on a Dask LocalCluster with 1 and 2 workers, and a 100-worker projection.

Claim (issue 11): 2 workers deliver >= 1.7x the evaluations per second of 1 worker. The anchor is the 1-worker
run measured in this same run, on the same evaluations; the ratio is what is reported.

Each evaluation is one campaign trial of the showcase kind (a std-1 variant, 6C charge, SPMe, lumped thermal):
a new design, so a new model build, and one solve. Workers are started and warmed up (PyBaMM imported, one
evaluation run) before timing, as they are in a long campaign. The driver overhead (Optuna ask + tell and the
SQL writes, per trial) is measured apart on design-only trials that take microseconds to evaluate.

Projection to 100 workers (stated assumptions):
- evaluations are independent and each worker is as fast as one here (one core per worker, no contention);
- the Dask scheduler's per-task cost is what the 1-worker run shows beyond the evaluation time itself;
- the driver (one process asking and telling Optuna) is serial, so the cluster cannot go faster than
  1 / (driver overhead per trial); the projection is the smaller of the two limits.

Run:  .venv/bin/python benchmarks/bench_campaign.py [--evaluations 8]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from cellbench.campaigns import CampaignSpec
from cellbench.campaigns.evaluation import evaluate_trial

SPEC = {
    "name": "bench", "base_cell": "std-1", "model": "spme", "thermal": "lumped",
    "parameters": {"cathode_thickness_um": {"low": 30, "high": 120}, "separator_thickness_um": {"low": 20, "high": 170},
                   "np_ratio": {"low": 1.1, "high": 1.3}},
    "objectives": [{"metric": "wh_per_l_stack", "direction": "maximize"},
                   {"metric": "fast_charge_soc_10min_pct", "direction": "maximize"}],
}


def parameter_sets(count: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"cathode_thickness_um": float(rng.uniform(30, 120)), "separator_thickness_um": float(rng.uniform(20, 170)),
             "np_ratio": float(rng.uniform(1.1, 1.3))} for _ in range(count)]


def throughput(workers: int, params: list[dict]) -> tuple[float, float]:
    """(evaluations per second, mean evaluation time inside the worker) on a fresh LocalCluster."""
    from distributed import Client, LocalCluster

    spec = CampaignSpec.model_validate(SPEC).check().model_dump(mode="json")
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=40) as cluster, Client(cluster) as client:
        # warm-up: every worker imports PyBaMM and runs one evaluation before the clock starts
        warm = parameter_sets(workers, seed=99)
        futures = [client.submit(evaluate_trial, spec, p, pure=False, workers=[w])
                   for p, w in zip(warm, client.nthreads())]
        client.gather(futures)
        started = time.perf_counter()
        results = client.gather(client.map(evaluate_trial, [spec] * len(params), params, pure=False))
        wall = time.perf_counter() - started
    failed = [r for r in results if r["status"] == "failed"]
    if failed:
        raise SystemExit(f"{len(failed)} evaluations failed: {failed[0]['error']}")
    return len(params) / wall, float(np.mean([r["wall_time_s"] for r in results]))


def driver_overhead_s(trials: int = 40) -> float:
    """Seconds per trial spent asking and telling Optuna and writing the study (SQLite), evaluation excluded."""
    from cellbench.store.campaigns import run_campaign

    design_only = {**SPEC, "objectives": [{"metric": "wh_per_l_stack", "direction": "maximize"},
                                          {"metric": "np_ratio", "direction": "minimize"}], "budget": trials}
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CELLBENCH_DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
        os.environ["CELLBENCH_DATA_DIR"] = folder
        run_campaign(CampaignSpec.model_validate({**design_only, "budget": 2}), workers=0)  # imports, tables
        summary = run_campaign(CampaignSpec.model_validate(design_only), workers=0)
    return summary.wall_time_s / summary.ran_now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=8)
    args = parser.parse_args()
    params = parameter_sets(args.evaluations, seed=1)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    one, eval_1 = throughput(1, params)
    two, eval_2 = throughput(2, params)
    overhead = driver_overhead_s()
    print(f"1 worker  (anchor):    {one:.3f} evaluations/s  (mean evaluation {eval_1:.2f} s in the worker)")
    print(f"2 workers (cellbench): {two:.3f} evaluations/s  (mean evaluation {eval_2:.2f} s in the worker)")
    print(f"ratio 2 workers / 1 worker: {two / one:.2f}x  (target >= 1.7x)")
    # How busy Dask kept the workers: evaluations/s x seconds per evaluation / workers. Near 1 means the loop
    # and scheduler add little; a ratio below 2 with busy workers means the evaluations themselves slowed down
    # (the mean evaluation time rose: the cores were shared with other work).
    print(f"worker utilisation: 1 worker {one * eval_1:.0%}, 2 workers {two * eval_2 / 2:.0%}; "
          f"evaluation slowdown with 2 workers {eval_2 / eval_1:.2f}x (1.00x on two free cores)")
    dispatch = max(0.0, 1.0 / one - eval_1)  # what 1 worker spends per evaluation beyond evaluating
    per_eval = eval_1 + dispatch
    cluster_limit = 100 / per_eval
    driver_limit = 1.0 / overhead
    projected = min(cluster_limit, driver_limit)
    print(f"driver overhead (Optuna ask+tell, SQLite writes): {overhead * 1000:.1f} ms/trial")
    print(f"projection, 100 workers: {projected:.1f} evaluations/s = {projected * 3600:.0f}/h "
          f"(cluster limit 100/{per_eval:.2f} s = {cluster_limit:.1f}/s; driver limit {driver_limit:.1f}/s; "
          f"{'driver' if driver_limit < cluster_limit else 'cluster'}-bound)")


if __name__ == "__main__":
    main()
