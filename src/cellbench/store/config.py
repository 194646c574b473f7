"""Where the store lives: the database URL and the data folder, from the environment or defaults that run.

``CELLBENCH_DATABASE_URL`` picks the metadata database (default: SQLite at ``./cellbench-data/cellbench.db``);
``CELLBENCH_DATA_DIR`` picks the folder for time-series blobs (default ``./cellbench-data/``).

>>> normalise_database_url("postgresql://lab@db.example/cellbench")
'postgresql+psycopg://lab@db.example/cellbench'
"""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_ENV = "CELLBENCH_DATABASE_URL"
DATA_DIR_ENV = "CELLBENCH_DATA_DIR"
DEFAULT_DATA_DIR = Path("cellbench-data")
DATABASE_FILE_NAME = "cellbench.db"


def data_dir() -> Path:
    """The data folder: ``$CELLBENCH_DATA_DIR`` or ``./cellbench-data``."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def database_url(folder: Path | None = None) -> str:
    """``$CELLBENCH_DATABASE_URL`` or SQLite inside the data folder."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return normalise_database_url(url)
    db_path = (folder or data_dir()) / DATABASE_FILE_NAME
    return f"sqlite:///{db_path}"


def normalise_database_url(url: str) -> str:
    """Send plain ``postgresql://`` URLs to psycopg 3, the driver cellbench ships with (not psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
