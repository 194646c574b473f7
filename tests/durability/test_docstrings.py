"""The docstring examples of the durability modules run and hold."""

import doctest

import pytest

from cellbench.durability import (acceleration, ageing, degradation_map, diagnosis, early_life, eis,
                                  electrode_balance, evaluation_items)


@pytest.mark.parametrize("module", [acceleration, ageing, degradation_map, diagnosis, early_life, eis,
                                    electrode_balance, evaluation_items], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_docstring_examples(module):
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
