"""cellbench: an open evaluation bench for battery materials and cells.

>>> import cellbench as cb
>>> cell = cb.cells.load("std-2.1")          # doctest: +SKIP
"""

from cellbench.errors import AccessDenied, CellbenchError, InputError, NotFound, SimulationError

__all__ = ["__version__", "CellbenchError", "InputError", "NotFound", "SimulationError", "AccessDenied"]


def __getattr__(name: str) -> str:
    # the installed version is read on first use: importlib.metadata costs ~0.05 s that `cellbench --help` skips
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("cellbench")
        except PackageNotFoundError:  # running from a source tree without installation
            value = "0.0.0+source"
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'cellbench' has no attribute {name!r}")
