"""The full-size demo, built once per test session into a SQLite store and read back."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from kundepuls.db import make_engine, migrate, session_scope
from kundepuls.demo.planted import Planted
from kundepuls.demo.service import DemoBuild, build_demo
from kundepuls.facts.models import FACT_MODELS

TODAY = date(2026, 12, 1)


@dataclass
class BuiltDemo:
    url: str
    build: DemoBuild
    frames: dict[str, pd.DataFrame]

    @property
    def planted(self) -> Planted:
        return self.build.planted


def read_back(url: str) -> dict[str, pd.DataFrame]:
    """Every fact table as a DataFrame, read through the store's own column types."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                kind: pd.read_sql(sa.select(model.__table__), conn)
                for kind, model in FACT_MODELS.items()
            }
    finally:
        engine.dispose()


def build_store(path: Path, **options: object) -> BuiltDemo:
    url = f"sqlite:///{path}"
    migrate(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            build = build_demo(session, today=TODAY, **options)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    return BuiltDemo(url=url, build=build, frames=read_back(url))


@pytest.fixture(scope="session")
def full_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    """The default demo (seed 42, 5,000 customers) with data up to 2026-11-30."""
    return build_store(tmp_path_factory.mktemp("demo") / "kundepuls-demo.db")


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltDemo:
    """A small demo (300 customers) for the web tests."""
    return build_store(tmp_path_factory.mktemp("small") / "kundepuls-demo.db", customers=300)
