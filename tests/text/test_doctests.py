"""The examples in the text domain's docstrings run and hold."""

import doctest
import importlib

import pytest

MODULES = [
    "conv",
    "discovery",
    "evaluate",
    "language",
    "learn",
    "lexicon",
    "masking",
    "norec",
    "service",
    "themes",
    "tokens",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"kundepuls.text.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
