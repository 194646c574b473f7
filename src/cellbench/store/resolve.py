"""One way for commands to name a measurement: a file path or a stored test (id or content-hash prefix)."""

from __future__ import annotations

import re
from pathlib import Path

from cellbench.errors import NotFound
from cellbench.measurements import Measurement, read
from cellbench.store import config
from cellbench.store.store import Store

_TEST_REF = re.compile(r"^(\d+|[0-9a-fA-F]{6,64})$")


def resolve_measurement(ref: str | Path, *, store: Store | None = None,
                        format: str | None = None) -> Measurement:  # noqa: A002  (the readers' own keyword)
    """Load a Measurement from an existing file, else from the store by test id or content-hash prefix.

    A path that exists wins, so a file named ``12`` is still read as a file; ``format`` skips format
    detection for files (see :func:`cellbench.measurements.read`).

    >>> stored = resolve_measurement("17")  # needs a stored test and a file of yours  # doctest: +SKIP
    >>> from_file = resolve_measurement("cycler/cell-017.csv")  # doctest: +SKIP
    """
    path = Path(ref)
    if path.exists():
        return read(path, format=format)
    text = str(ref)
    if not _TEST_REF.match(text):
        raise NotFound("no such file (and not a stored test id or content-hash prefix)", source=text)
    try:
        if store is not None:
            return store.load(text)
        url = config.database_url()
        database = Path(url.split("///", 1)[1]) if url.startswith("sqlite:///") else None
        if database is not None and not database.exists():
            # Do not create an empty store just to say that it is empty.
            raise NotFound(f"no stored tests yet ({database} does not exist)")
        with Store.open() as opened:
            return opened.load(text)
    except NotFound as exc:
        raise NotFound(f"no such file, and {exc}", source=text) from exc
