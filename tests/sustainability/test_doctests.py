"""The docstring examples of the sustainability modules run and print what they show."""

import doctest
import importlib

import pytest

MODULES = ["__init__", "bill_of_materials", "composition", "data_files", "factors", "footprint", "recycling",
           "passport", "batterypass"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.setenv("CELLBENCH_DATA_DIR", str(tmp_path))
    module = importlib.import_module("cellbench.sustainability" + ("" if name == "__init__" else f".{name}"))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
