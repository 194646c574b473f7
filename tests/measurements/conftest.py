from pathlib import Path

import pytest
from real_data import real_data


@pytest.fixture(scope="session")
def real() -> Path:
    """../shared/data/real; the test skips (one reason for all) when the folder is absent."""
    return real_data()
