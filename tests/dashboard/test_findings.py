"""Top findings: the insights domain's ranked findings, five of them, one line each."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.orm import Session

from kundepuls.config import get_settings
from kundepuls.dashboard import service
from kundepuls.db import make_engine, session_scope
from kundepuls.facts.models import Response
from kundepuls.insights import service as insights
from tests.kpis.factory import Data
from tests.support import sign_in

LINE = re.compile(r'<li class="finding change-(good|bad)">.*?<a href="([^"]+)">([^<]+)</a>', re.S)


def plant(session: Session, data: Data) -> None:
    """Region Nord's answers turn from promoters to detractors in April."""
    nord = data.customers.loc[data.customers["region"] == "Nord", "customer_id"].tolist()
    rows = []
    for i in range(300):
        at = datetime(2026, 1, 2, 12, tzinfo=UTC) + timedelta(hours=13 * i)
        score = 10 if at < datetime(2026, 4, 1, tzinfo=UTC) else 0
        rows.append(Response(response_id=f"p{i}", submitted_at=at,
                             customer_id=nord[i % len(nord)], nps=score))  # fmt: skip
    session.add_all(rows)
    session.commit()


def test_the_overview_shows_the_insights_top_five(
    client: httpx.Client, database_url: str, data: Data, session: Session
) -> None:
    plant(session, data)
    sign_in(client, database_url)
    fragment = client.get("/overview/findings", params={"fragment": 1})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    shown = LINE.findall(fragment.text)
    engine = make_engine(database_url)
    with session_scope(engine) as s:
        expected = insights.insights(
            s, get_settings(), lang="nb", kpis=list(service.DEFAULT_TILES), priorities=False
        )[:5]
    engine.dispose()
    assert expected, "the planted fall is a finding"
    assert [text for _css, _href, text in shown] == [
        f["text"].replace("<", "&lt;").replace(">", "&gt;") for f in expected
    ]
    assert any(f["kpi"] == "nps" and f["value"] == "Nord" for f in expected)
    nord = next(i for i, f in enumerate(expected) if f["kpi"] == "nps" and f["value"] == "Nord")
    css, href, _text = shown[nord]
    assert css == "bad"
    assert href.startswith("/kpis/nps?period=")
    assert href.endswith("&amp;by=region")
    # Once scanned, the overview shows the findings inline (no script needed).
    overview = client.get("/").text
    assert "Vis viktigste funn" not in overview
    assert LINE.findall(overview) == shown
    page = client.get("/overview/findings")
    assert '<html lang="nb">' in page.text
    assert "Viktigste funn" in page.text
