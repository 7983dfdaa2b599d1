"""What measuring an action's effect costs, against reading its rows.

Builds the default demo (5,000 customers) into a fresh SQLite store, adds the planted
weekend-staffing action (weekend=true vs weekend=false) and times, median of 5:

* the baseline: ``pandas.read_sql`` of the tickets' created and first-response times;
* ``measure_effect``: the unit rows plus before/after, time series and diff-in-diff;
* ``open_cases`` for the last 30 days (with each customer's context), once.

Prints each time and its ratio to the baseline measured in the same run.
"""

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from kundepuls.actions import service
from kundepuls.actions.schemas import ActionCreate
from kundepuls.cases import service as cases
from kundepuls.cases.config import CaseSettings
from kundepuls.db import make_engine, migrate, session_factory, session_scope
from kundepuls.demo.service import build_demo
from kundepuls.facts.models import Ticket

TODAY = date(2026, 12, 1)
TZ = ZoneInfo("Europe/Oslo")


def _median(run: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        migrate(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            build = build_demo(session, today=TODAY)
        with session_factory(engine)() as session:
            action = service.add_action(
                session,
                ActionCreate(
                    title="Helgebemanning", kpi="first_response_hours",
                    start_date=build.planted.improvement_start,
                    segment="weekend=true", compare="weekend=false",
                ),
            )  # fmt: skip
            query = sa.select(Ticket.created_at, Ticket.first_response_at)
            base = _median(lambda: pd.read_sql(query, session.connection()))
            measure = _median(
                lambda: service.measure_effect(session, action.id, tz=TZ, today=TODAY)
            )
            result = service.measure_effect(session, action.id, tz=TZ, today=TODAY)
            now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
            started = time.perf_counter()
            opened = cases.open_cases(session, CaseSettings(), now=now - timedelta(hours=1))
            opening = time.perf_counter() - started
            session.rollback()
        engine.dispose()
    print(f"tickets read (baseline):  {base:8.3f} s   1.0×")
    print(f"measure_effect:           {measure:8.3f} s  {measure / base:5.1f}×")
    print(f"open_cases ({len(opened)} cases):  {opening:8.3f} s  {opening / base:5.1f}×")
    print(f"effect: {result.message}")


if __name__ == "__main__":
    main()
