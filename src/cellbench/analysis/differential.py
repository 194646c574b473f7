"""dQ/dV and dV/dQ, importable from here as before.

The code lives in :mod:`cellbench.measurements.differential`, beside the
Measurement whose methods call it, so that the two packages import one way (analysis → measurements)."""

from cellbench.measurements.differential import (  # noqa: F401 (re-exported)
    dqdv, dvdq,
)

__all__ = ["dqdv", "dvdq"]
