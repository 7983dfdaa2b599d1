"""The examples in the docstrings of the stats package run and give what they say."""

import doctest
import importlib

import pytest

MODULES = ["intervals", "compare", "multiple", "targets", "methods", "power"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"kundepuls.stats.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
