"""The overview over HTTP: the tiles carry the KPI engine's numbers, on SQLite and PostgreSQL."""

import math
from datetime import date
from zoneinfo import ZoneInfo

import httpx
import pandas as pd
import pytest

from kundepuls import kpis
from kundepuls.config import get_settings
from kundepuls.dashboard import periods, service
from kundepuls.db import make_engine, session_scope
from kundepuls.kit.i18n import Formats
from kundepuls.kpis.backends import backend_for
from tests.dashboard.helpers import csrf, tiles
from tests.kpis.factory import Data
from tests.support import sign_in

START, END = "2026-03-01", "2026-04-30"
TZ = ZoneInfo("Europe/Oslo")


def close(shown: str, expected: float) -> bool:
    if not shown:
        return math.isnan(expected)
    return math.isclose(float(shown), expected, rel_tol=1e-9, abs_tol=1e-9)


def test_tiles_show_the_kpi_engines_numbers(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url, "viewer")
    page = client.get("/", params={"from": START, "to": END})
    assert page.status_code == 200
    shown = tiles(page.text)
    assert list(shown) == list(service.DEFAULT_TILES)
    for key, tile in shown.items():
        row = kpis.show(key, start=START, end=END).iloc[0]
        assert int(tile["data-n"]) == row["n"], key
        assert close(tile["data-value"], row["value"]), key
        assert close(tile["data-ci-low"], row["ci_low"]), key
        assert close(tile["data-ci-high"], row["ci_high"]), key
        change = kpis.compare(key, start=START, end=END, against="previous").iloc[0]
        assert close(tile["data-diff"], change["diff"]), key
        assert close(tile["data-p"], change["p_value"]), key
        assert f'href="/kpis/{key}?period=custom&amp;from={START}&amp;to={END}"' in tile["html"]
        assert '<svg class="spark"' in tile["html"]
    assert '<html lang="nb">' in page.text
    assert "Siste 30 dager" in page.text


def test_the_nps_tile_agrees_with_pandas(
    client: httpx.Client, database_url: str, data: Data
) -> None:
    sign_in(client, database_url)
    tile = tiles(client.get("/", params={"from": START, "to": END}).text)["nps"]
    r = data.responses
    local = pd.to_datetime(r["submitted_at"], utc=True).dt.tz_convert(TZ).dt.date
    scores = r.loc[(local >= date(2026, 3, 1)) & (local <= date(2026, 4, 30)), "nps"].dropna()
    expected = 100 * ((scores >= 9).mean() - (scores <= 6).mean())
    assert int(tile["data-n"]) == len(scores)
    assert math.isclose(float(tile["data-value"]), expected)
    # In Bokmål formats, NPS in whole points.
    assert f'<span class="num" data-value>{Formats("nb").number(expected)}</span>' in tile["html"]


def test_sparkline_points_are_the_grains_rows(database_url: str, data: Data) -> None:
    settings = get_settings()
    period = periods.resolve(None, START, END, date(2026, 12, 4))
    assert period.grain == "month"
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        overview = service.overview(session, settings, engine, period, backend_for(settings))
    engine.dispose()
    csat = next(t for t in overview.tiles if t.key == "csat")
    rows = kpis.show("csat", grain="month", start=period.spark_start, end=period.end)
    assert len(csat.numbers.spark) == 12 == len(rows)
    for point, (_, row) in zip(csat.numbers.spark, rows.iterrows(), strict=True):
        assert point.start.isoformat() == row["period_start"]
        assert point.n == row["n"]
        assert (math.isnan(point.value) and math.isnan(row["value"])) or math.isclose(
            point.value, row["value"]
        )


def test_a_small_sample_is_greyed_and_marked(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url)
    page = client.get("/", params={"from": "2026-03-02", "to": "2026-03-03"}).text
    for key, tile in tiles(page).items():
        assert int(tile["data-n"]) < 30, key
        assert "is-low" in tile["class"], key
        assert "Lite utvalg" in tile["html"], key


def test_period_picker_and_bad_periods(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url)
    page = client.get("/", params={"period": "last_month"}).text
    today = date.today()
    expected = periods.resolve("last_month", None, None, today)
    assert f"from={expected.start}&amp;to={expected.end}" in page
    assert '<a href="/?period=last_month" aria-current="true">Forrige måned</a>' in page
    bad = client.get("/", params={"period": "fortnight"})
    assert bad.status_code == 200
    assert 'role="alert"' in bad.text
    assert "fortnight" in bad.text
    fragment = client.get("/overview/tiles", params={"from": START, "to": END})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert set(tiles(fragment.text)) == set(service.DEFAULT_TILES)
    assert fragment.headers["x-kundepuls-marker"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_english_texts_and_number_formats(client: httpx.Client, database_url: str) -> None:
    sign_in(client, database_url)
    token = csrf(client)
    answer = client.post("/account/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert answer.status_code in (200, 303)
    page = client.get("/", params={"from": START, "to": END}).text
    assert '<html lang="en">' in page
    assert "Overview" in page
    assert "Last 30 days" in page
    assert "vs previous period" in page
    csat = tiles(page)["csat"]
    value = float(csat["data-value"])
    assert f"{value:.1f}" in csat["html"]  # 73.3, not 73,3


def test_overview_needs_a_login(client: httpx.Client) -> None:
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    assert client.get("/live", follow_redirects=False).status_code == 303
