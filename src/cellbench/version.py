"""The installed version of cellbench, looked up once on first use.

Modules that record provenance import :func:`version` from here rather than reading ``cellbench.__version__``:
the package ``__init__`` names every subpackage (for type checkers), so importing it from a subpackage would close
an import circle. ``cellbench.__version__`` itself is this function's value.
"""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    """The distribution version of cellbench (``"0.0.0+source"`` when run from a source tree without installation).

    >>> version() == version()
    True
    """
    # importlib.metadata costs ~0.05 s that `cellbench --help` skips: imported here, on first call
    from importlib.metadata import PackageNotFoundError, version as distribution_version

    try:
        return distribution_version("cellbench")
    except PackageNotFoundError:
        return "0.0.0+source"
