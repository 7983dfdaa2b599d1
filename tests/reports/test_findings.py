"""Findings: the ratio of means against a bootstrap, and a planted segment change found."""

import doctest
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy.orm import Session
from statsmodels.stats.multitest import multipletests

from kundepuls.config import Settings
from kundepuls.facts.models import Customer, Response
from kundepuls.kpis import backends
from kundepuls.reports import findings, service, themes
from kundepuls.reports.findings import ratio_of_means
from kundepuls.reports.periods import parse_period


@pytest.fixture(autouse=True)
def _no_shared_connections() -> Iterator[None]:
    yield
    backends.forget()


def test_the_ratio_interval_agrees_with_a_bootstrap() -> None:
    rng = np.random.default_rng(7)
    weekend, weekday = rng.exponential(6.0, 400), rng.exponential(3.0, 1200)
    ratio = ratio_of_means(len(weekend), weekend.mean(), weekend.std(ddof=1),
                           len(weekday), weekday.mean(), weekday.std(ddof=1))  # fmt: skip
    boot = np.array([
        rng.choice(weekend, len(weekend)).mean() / rng.choice(weekday, len(weekday)).mean()
        for _ in range(4000)
    ])  # fmt: skip
    low, high = np.quantile(boot, [0.025, 0.975])
    assert ratio.value == pytest.approx(weekend.mean() / weekday.mean())
    assert ratio.low == pytest.approx(low, rel=0.03)
    assert ratio.high == pytest.approx(high, rel=0.03)
    assert ratio.p_value < 1e-6


def test_a_ratio_without_data_is_undefined() -> None:
    empty = ratio_of_means(1, 3.0, float("nan"), 50, 2.0, 1.0)
    assert np.isnan(empty.value)
    assert np.isnan(empty.low)


def test_the_docstring_examples_hold() -> None:
    for module in (findings, themes):
        result = doctest.testmod(module)
        assert result.failed == 0


def _planted(session: Session) -> None:
    """Three regions; Nord's NPS falls from about +50 to about −30 from Q2 to Q3 2026."""
    rnd = random.Random(3)
    regions = ("Nord", "Sør", "Vest")
    session.add_all(Customer(customer_id=f"c{i}", region=regions[i % 3]) for i in range(600))
    session.flush()
    rows = []
    for quarter_start, fallen in ((datetime(2026, 4, 2, tzinfo=UTC), False),
                                  (datetime(2026, 7, 2, tzinfo=UTC), True)):  # fmt: skip
        for i in range(900):
            region = regions[i % 3]
            good = 0.7 if not (fallen and region == "Nord") else 0.2
            score = rnd.choice((9, 10)) if rnd.random() < good else rnd.choice((0, 3, 6, 8))
            rows.append(
                Response(
                    response_id=f"{quarter_start:%m}-{i}",
                    customer_id=f"c{i % 600}",
                    submitted_at=quarter_start + timedelta(hours=2 * i),
                    nps=score,
                )
            )
    session.add_all(rows)
    session.commit()


def test_a_planted_segment_change_is_the_top_finding(session: Session, database_url: str) -> None:
    _planted(session)
    settings = Settings(database_url=database_url)
    q3 = parse_period("2026-Q3")
    scan = findings.scan(session, settings, q3, kpis=("nps", "csat"))
    p = np.array([c.p_value for c in scan])
    assert np.allclose([c.q_value for c in scan], multipletests(p, method="fdr_bh")[1])
    top = findings.segment_changes(session, settings, q3)
    assert [(c.kpi, c.dimension, c.segment) for c in top][:1] == [("nps", "region", "Nord")]
    assert top[0].diff < -40
    assert top[0].q_value < 0.001
    assert all(c.segment != "Sør" for c in top)
    report = service.build_report(session, settings, q3, "nb", ["nps"])
    text = service.report_html(report)
    assert "NPS i Nord (region)" in text
