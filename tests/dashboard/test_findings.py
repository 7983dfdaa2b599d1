"""Top findings: segment changes from ``kpi compare``, BH over the whole scan (statsmodels)."""

import math
from datetime import UTC, date, datetime, timedelta

import httpx
import numpy as np
from sqlalchemy.orm import Session
from statsmodels.stats.multitest import multipletests

from kundepuls import kpis
from kundepuls.config import get_settings
from kundepuls.dashboard import findings, periods
from kundepuls.db import make_engine, session_scope
from kundepuls.facts.models import Response
from tests.kpis.factory import Data
from tests.support import sign_in

START, END = "2026-04-01", "2026-04-30"


def plant(session: Session, data: Data) -> None:
    """Region Nord's promoters in March turn detractors in April."""
    nord = data.customers.loc[data.customers["region"] == "Nord", "customer_id"].tolist()
    rows = []
    for i in range(80):
        for month, score in ((3, 10), (4, 0)):
            at = datetime(2026, month, 5, 12, tzinfo=UTC) + timedelta(hours=5 * i)
            rows.append(Response(response_id=f"p{month}-{i}", submitted_at=at,
                                 customer_id=nord[i % len(nord)], nps=score))  # fmt: skip
    session.add_all(rows)
    session.commit()


def test_findings_are_compare_rows_with_pooled_bh(
    database_url: str, data: Data, session: Session
) -> None:
    plant(session, data)
    settings = get_settings()
    period = periods.resolve(None, START, END, date(2026, 12, 4))
    engine = make_engine(database_url)
    with session_scope(engine) as s:
        scanned = findings.scan(s, settings, engine, period)
        top = findings.top_findings(s, settings, engine, period)
    engine.dispose()
    assert scanned
    expected_q = multipletests([f.p_value for f in scanned], method="fdr_bh")[1]
    assert np.allclose([f.q_value for f in scanned], expected_q)
    # Each finding is a row of `kpi compare --by DIM --against previous`.
    for f in scanned[:: max(1, len(scanned) // 8)]:
        rows = kpis.compare(f.kpi, by=[f.dimension], start=START, end=END, against="previous")
        row = rows[rows[f.dimension].astype(str) == f.segment].iloc[0]
        assert math.isclose(f.diff, row["diff"])
        assert math.isclose(f.p_value, row["p_value"])
        assert min(row["n"], row["baseline_n"]) >= settings.min_sample
    assert top
    assert all(f.q_value < 0.05 for f in top)
    assert (top[0].kpi, top[0].dimension, top[0].segment) == ("nps", "region", "Nord")
    assert top[0].diff < -50


def test_the_findings_fragment_and_page(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url)
    fragment = client.get("/overview/findings", params={"from": START, "to": END, "fragment": 1})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    page = client.get("/overview/findings", params={"from": START, "to": END})
    assert '<html lang="nb">' in page.text
    assert "Viktigste funn" in page.text
    # Once scanned, the overview shows the findings inline (no script needed).
    overview = client.get("/", params={"from": START, "to": END}).text
    assert "Vis viktigste funn" not in overview
