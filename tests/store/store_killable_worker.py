"""An evaluation worker process to be SIGKILLed mid-run (the crash tests' stand-in for a server worker).

Usage: python store_killable_worker.py DATABASE_URL DATA_DIR
Claims the queued evaluations with the real EvaluationWorker (heartbeat every 0.1 s), prints "CLAIMED <id>" when
its runner starts, and takes a second before it would write a result ("done" by "the killed worker").
"""

from __future__ import annotations

import sys
import time

from cellbench.store import Store
from cellbench.web import EvaluationOptions
from cellbench.web.evaluations import EvaluationWorker


def runner(store: Store, run_id: int, options) -> None:
    from cellbench.web import evaluations

    print(f"CLAIMED {run_id}", flush=True)
    time.sleep(1.0)
    evaluations._write_if_still_ours(store, run_id, evaluations._claim.get(), status="done", error=None,
                                     results_json='{"by": "the killed worker"}')


def main(url: str, data_dir: str) -> None:
    with Store.open(url, data_dir=data_dir) as store:
        worker = EvaluationWorker(store, EvaluationOptions(), runner, poll_seconds=0.05, heartbeat_seconds=0.1,
                                  stale_after_seconds=0.5)
        worker.resume()
        time.sleep(600)


if __name__ == "__main__":
    main(*sys.argv[1:3])
