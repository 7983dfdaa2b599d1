"""A demo store per backend, built once per module: building it is the slow part."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.demo.planted import Planted
from kundepuls.demo.service import build_demo
from tests.conftest import BACKENDS, new_store_url

TODAY = date(2026, 12, 1)
CUSTOMERS = 2_000  # small, yet the weekend effect is clear at this size


@dataclass
class Demo:
    url: str
    planted: Planted


@pytest.fixture(scope="module", params=BACKENDS)
def demo_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    with new_store_url(request.param, tmp_path_factory.mktemp("demo")) as url:
        migrate(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            build = build_demo(session, today=TODAY, customers=CUSTOMERS)
        engine.dispose()
        yield Demo(url, build.planted)
