"""cellbench: an open evaluation bench for battery materials and cells.

>>> import cellbench as cb
>>> cell = cb.cells.load("std-2.1")          # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cellbench")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

from cellbench.errors import AccessDenied, CellbenchError, InputError, NotFound, SimulationError  # noqa: E402

__all__ = ["__version__", "CellbenchError", "InputError", "NotFound", "SimulationError", "AccessDenied"]
