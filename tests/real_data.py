"""The third-party real cycler files beside the project, and the one way a test skips without them.

The files are measured data from other projects (see ``../shared/data/real/SOURCES.md``); they stay outside
the repository. CI has them; a plain clone does not, and its tests that need them skip with one reason:

>>> path = real_file("neware_uio.csv")        # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: ``../shared/data/real`` seen from the repository root
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
SKIP_REASON = "third-party real files not present: ../shared/data/real (CI has them)"

#: mark for a test or module that reads the folder at collection or run time
needs_real_data = pytest.mark.skipif(not REAL_DATA.is_dir(), reason=SKIP_REASON)


def real_data() -> Path:
    """The folder; skips the calling test when it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(SKIP_REASON)
    return REAL_DATA


def real_file(name: str) -> Path:
    """One real file (``name`` relative to the folder); skips the calling test when it is absent."""
    path = real_data() / name
    if not path.exists():
        pytest.skip(f"third-party real file not present: ../shared/data/real/{name} (CI has it)")
    return path
