"""Test protocols as data: steps written as sentences (PyBaMM's experiment grammar) and YAML files.

>>> from cellbench.protocols import Protocol
>>> Protocol.parse("Charge at 6C until 4.2 V; Hold at 4.2 V until C/20").steps[1].until_c_rate
0.05
"""

from cellbench.protocols.protocol import DATA_DIR, PlannedStep, Protocol, Repeat
from cellbench.protocols.step import Step

__all__ = ["DATA_DIR", "PlannedStep", "Protocol", "Repeat", "Step", "bundled"]


def bundled() -> list[str]:
    """Names of the protocols shipped with cellbench (``Protocol.load(name)`` reads one)."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))
