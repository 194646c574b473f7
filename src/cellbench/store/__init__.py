"""The measurement store: SQL metadata (SQLite or PostgreSQL) over content-addressed Parquet blobs.

>>> from cellbench.store import Store
>>> with Store.open() as store:                       # opens the store in ./cellbench-data  # doctest: +SKIP
...     result = store.ingest("cycler/cell-017.csv")  # stored | already stored | failed
...     measurement = store.load(result.test_id)

See docs/store.md.
"""

from cellbench.store.config import data_dir, database_url
from cellbench.store.resolve import resolve_measurement
from cellbench.store.store import IngestFailureRecord, IngestResult, Store, TestRecord
from cellbench.store.watch import Watcher

__all__ = ["Store", "TestRecord", "IngestResult", "IngestFailureRecord", "Watcher", "resolve_measurement",
           "data_dir", "database_url"]
