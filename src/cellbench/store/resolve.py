"""One way for commands to name a measurement: a file path or a stored test (id or content-hash prefix)."""

from __future__ import annotations

from pathlib import Path

from cellbench.errors import NotFound
from cellbench.measurements import Measurement
from cellbench.store.sources import read_measurement
from cellbench.store.store import Store


def resolve_measurement(ref: str | Path, *, store: Store | None = None) -> Measurement:
    """Load a Measurement from an existing file, else from the store by test id or content-hash prefix.

    A path that exists wins, so a file named ``12`` is still read as a file.

    >>> m = resolve_measurement("17")                    # doctest: +SKIP  (stored test 17)
    >>> m = resolve_measurement("cycler/cell-017.csv")   # doctest: +SKIP  (a file)
    """
    path = Path(ref)
    if path.exists():
        return read_measurement(path)
    text = str(ref)
    looks_like_test = text.isdigit() or (len(text) >= 6 and all(c in "0123456789abcdef" for c in text.lower()))
    if not looks_like_test:
        raise NotFound(f"no file '{text}' (and it is not a test id or content-hash prefix)")
    if store is not None:
        return store.load(text)
    with Store.open() as opened:
        return opened.load(text)
