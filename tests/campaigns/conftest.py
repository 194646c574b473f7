"""Campaign tests keep their studies in a fresh SQLite store under tmp_path."""

from __future__ import annotations

import pytest


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    """CELLBENCH_DATABASE_URL and CELLBENCH_DATA_DIR pointing into tmp_path; returns the database URL."""
    url = f"sqlite:///{tmp_path / 'cellbench.db'}"
    monkeypatch.setenv("CELLBENCH_DATABASE_URL", url)
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path / "data"))
    return url


def design_only_spec(**update) -> dict:
    """A campaign that needs no simulation (milliseconds per evaluation)."""
    spec = {
        "name": "design-only",
        "base_cell": "std-1",
        "parameters": {"separator_thickness_um": {"low": 20, "high": 170},
                       "cathode_thickness_um": {"low": 30, "high": 120},
                       "np_ratio": {"low": 1.0, "high": 1.3}},  # about a third of the draws break N/P >= 1.1
        "objectives": [{"metric": "wh_per_l_stack", "direction": "maximize"},
                       {"metric": "cathode_areal_capacity_mAh_cm2", "direction": "minimize"}],
        "constraints": [{"metric": "np_ratio", "min": 1.1}],
        "budget": 8,
        "seed": 3,
    }
    spec.update(update)
    return spec
