"""The examples in the docstrings of the actions, cases and webhook modules run as written."""

import doctest
import importlib

import pytest

MODULES = [
    "kundepuls.actions.effect",
    "kundepuls.actions.service",
    "kundepuls.cases.service",
    "kundepuls.kit.webhooks",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
