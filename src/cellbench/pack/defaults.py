"""The pack, vehicle and pack-heat defaults, read once from `pack/data/pack_defaults.yaml` (values with sources).

>>> from cellbench.pack.defaults import defaults
>>> defaults()["swelling"]["thickness_allowance_pct"]
2.0
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cellbench.documents import read_yaml

DATA_DIR = Path(__file__).parent / "data"


@cache
def defaults() -> dict:
    return read_yaml(DATA_DIR / "pack_defaults.yaml")
