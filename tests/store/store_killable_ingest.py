"""Run one ingest (or one watcher pass) in a child process that stops at a named point, to be SIGKILLed there.

Usage: python store_killable_ingest.py DATABASE_URL DATA_DIR PATH POINT
POINT is where the child prints "AT <POINT>" and sleeps until killed:
  writing-blob   the Parquet bytes are in a temporary file, not yet renamed into place
  blob-in-place  the blob is complete, the metadata row not yet inserted
  row-flushed    the row is inserted inside the open transaction, not yet committed
  watch-noted    the watcher stored the test but has not yet noted the file as handled
  none           run to the end
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

import cellbench.measurements.measurement as measurement_module
from cellbench.store import Store, Watcher
from cellbench.store.blobs import BlobStore
from cellbench.store.models import Test


def stop_here(point: str) -> None:
    print(f"AT {point}", flush=True)
    time.sleep(600)


def main(url: str, data_dir: str, path: str, point: str) -> None:
    if point == "writing-blob":
        write_table = measurement_module.pq.write_table

        def write_then_stop(table, where, *args, **kwargs):
            write_table(table, where, *args, **kwargs)
            stop_here(point)

        measurement_module.pq.write_table = write_then_stop
    elif point == "blob-in-place":
        put = BlobStore.put

        def put_then_stop(self, measurement):
            put(self, measurement)
            stop_here(point)

        BlobStore.put = put_then_stop
    elif point == "row-flushed":
        @event.listens_for(Session, "after_flush")
        def flushed(session, _context):
            if any(isinstance(obj, Test) for obj in session.new) or any(
                    isinstance(obj, Test) for obj in session.identity_map.values()):
                stop_here(point)
    elif point == "watch-noted":
        Watcher._note = lambda *args, **kwargs: stop_here(point)

    with Store.open(url, data_dir=data_dir) as store:
        if point == "watch-noted":
            Watcher(store, Path(path).parent).run(0.01, once=True)
        else:
            print(store.ingest(path).status, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
