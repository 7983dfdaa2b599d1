"""The comments page over HTTP: masked text, themes with sentiment, search and filters."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from kundepuls.db import session_scope
from kundepuls.facts.models import Customer, Response
from kundepuls.text import service
from kundepuls.text.models import CommentAnalysis
from tests.pages_support import app_client, cheap_hashes, log_in

NEWEST = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
COMMENTS = [
    # (days before NEWEST, nps, survey, touchpoint, language, comment)
    (
        0,
        2,
        "etter-kjop",
        "purchase",
        "nb",
        "Leveringen var treg og pakken kom aldri. Skriv til kari.nordmann@example.no",
    ),
    (
        1,
        3,
        "etter-kjop",
        "purchase",
        "nb",
        "Ring meg på 912 34 567, Kari Nordmann, levering var elendig",
    ),
    (2, 10, "etter-kjop", "purchase", "nb", "Kjempefin kundeservice, rask og hyggelig hjelp!"),
    (3, 9, "support", "support", "en", "The delivery was fast and the staff were lovely"),
    (4, 7, "support", "support", "nn", "Prisen er grei, men ventetida på telefon var lang"),
    (5, 1, "support", "support", "nb", "100% misfornøyd med prisen"),
    (6, 8, "etter-kjop", "purchase", "nb", "Det var 'greit' nok, levering til avtalt tid"),
    (120, 4, "etter-kjop", "purchase", "nb", "Levering tok evigheter i fjor"),
]


@pytest.fixture(autouse=True)
def _cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashes(monkeypatch)


@pytest.fixture
def comments_store(database_url: str, engine: Engine) -> str:
    with session_scope(engine) as session:
        session.add(Customer(customer_id="c1", name="Kari Nordmann", language="nb"))
        session.flush()
        for i, (days, nps, survey, touchpoint, lang, text) in enumerate(COMMENTS):
            session.add(
                Response(
                    response_id=f"r{i}",
                    submitted_at=NEWEST - timedelta(days=days),
                    customer_id="c1",
                    survey=survey,
                    touchpoint=touchpoint,
                    nps=nps,
                    comment=text,
                    language=lang,
                )
            )
        session.flush()
        service.analyze_responses(session)
    return database_url


def _analyses(engine: Engine) -> dict[str, CommentAnalysis]:
    with session_scope(engine) as session:
        return {a.response_id: a for a in session.query(CommentAnalysis).all()}


def _listed(page: str) -> list[str]:
    """The texts of the comment list (not the examples)."""
    listing = page.split('id="list-heading"')[1]
    return re.findall(r'<blockquote lang="[a-z]+">([^<]*)</blockquote>', listing)


def test_comments_are_masked_and_tagged_with_their_language(
    comments_store: str, engine: Engine
) -> None:
    with app_client(comments_store) as client:
        log_in(client, comments_store, "viewer")
        page = client.get("/comments").text
    assert "kari.nordmann@example.no" not in page
    assert "912 34 567" not in page
    assert "Kari Nordmann" not in page
    assert "[e-post]" in page
    assert "[telefon]" in page
    assert '<blockquote lang="en">The delivery was fast' in page
    assert '<blockquote lang="nn">' in page
    # The default period is the 90 days up to the newest comment: last year's is outside.
    assert len(_listed(page)) == 7
    assert "i fjor" not in "".join(_listed(page))


def test_the_theme_table_counts_mentions_by_sentiment(comments_store: str, engine: Engine) -> None:
    analyses = _analyses(engine)
    recent = [a for rid, a in analyses.items() if rid != "r7"]
    expected: dict[str, list[str]] = {}
    for analysis in recent:
        for mention in analysis.themes:
            expected.setdefault(mention["theme"], []).append(mention["sentiment"])
    assert "delivery" in expected
    with app_client(comments_store) as client:
        log_in(client, comments_store, "viewer")
        page = client.get("/comments").text
    for theme, sentiments in expected.items():
        row = re.search(rf'<tr data-theme="{theme}"[^>]*>(.*?)</tr>', page, re.S)
        assert row, theme
        assert f'data-count="{len(sentiments)}"' in row.group(1)
        negative = 100 * sentiments.count("negative") / len(sentiments)
        assert f"{round(negative)} %" in row.group(1).replace("\xa0", " ")
    # The table is sorted by volume, largest first.
    counts = [int(n) for n in re.findall(r'<td class="num" data-count="(\d+)"', page)]
    assert counts[:-1] == sorted(counts[:-1], reverse=True) or counts == sorted(
        counts, reverse=True
    )


def test_search_and_filters_are_parameterised(comments_store: str, engine: Engine) -> None:
    with app_client(comments_store) as client:
        log_in(client, comments_store, "viewer")
        get = lambda **params: client.get("/comments", params=params)  # noqa: E731
        assert len(_listed(get(q="levering").text)) == 3
        # A % or _ matches only itself, a quote is just a character.
        percent = get(q="%")
        assert percent.status_code == 200
        assert _listed(percent.text) == ["100% misfornøyd med prisen"]
        quoted = get(q="'greit'")
        assert quoted.status_code == 200
        assert [html.unescape(t) for t in _listed(quoted.text)] == [COMMENTS[6][5]]
        assert _listed(get(q="' OR 1=1 --").text) == []
        assert _listed(get(q="_").text) == []
        # Searching a masked address finds nothing: the search sees what the page shows.
        assert _listed(get(q="example.no").text) == []
        analyses = _analyses(engine)
        delivery = {
            a.masked_comment
            for rid, a in analyses.items()
            if rid != "r7" and any(m["theme"] == "delivery" for m in a.themes)
        }
        assert len(delivery) >= 3
        listed = _listed(get(theme="delivery").text)
        assert {html.unescape(t) for t in listed} == delivery
        assert _listed(get(language="en").text) == [
            "The delivery was fast and the staff were lovely"
        ]
        low = _listed(get(band="low").text)
        assert len(low) == 3  # NPS 0–6 within the period
        assert len(_listed(get(survey="support", touchpoint="support").text)) == 3
        negative = _listed(get(sentiment="negative").text)
        assert len(negative) == sum(
            1 for rid, a in analyses.items() if a.sentiment == "negative" and rid != "r7"
        )
        everything = _listed(get(**{"from": "2026-01-01", "to": "2026-12-31"}).text)
        assert len(everything) == 8
        # Filters stay in the URL of the theme links and the pager.
        page = get(language="nb", q="levering").text
        assert "language=nb" in page
        assert "q=levering" in page
        bad = get(**{"from": "i går"})
        assert bad.status_code == 200
        assert "Ugyldig dato" in bad.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_page_speaks_english_and_pages(comments_store: str, engine: Engine) -> None:
    with session_scope(engine) as session:
        for i in range(45):
            session.add(
                Response(
                    response_id=f"x{i}",
                    submitted_at=NEWEST - timedelta(hours=i + 1),
                    nps=5,
                    comment=f"Kommentar nummer {i} om levering",
                )
            )
        session.flush()
        service.analyze_responses(session)
    with app_client(comments_store) as client:
        log_in(client, comments_store, "viewer", language="en")
        first = client.get("/comments").text
        assert "All comments" in first
        assert "Page 1 of 3" in first
        third = client.get("/comments", params={"page": "3"}).text
        assert "Page 3 of 3" in third
        assert len(_listed(third)) == 52 - 40


def test_downloads_are_masked_and_need_the_export_permission(comments_store: str) -> None:
    with app_client(comments_store) as client:
        log_in(client, comments_store, "viewer")
        assert "Last ned CSV" not in client.get("/comments").text
        assert client.get("/comments", params={"format": "csv"}).status_code == 403
        log_in(client, comments_store, "analyst")
        assert "Last ned CSV" in client.get("/comments").text
        themes = client.get("/comments", params={"format": "csv", "table": "themes"})
        assert themes.status_code == 200
        assert themes.text.lstrip("\ufeff").startswith("Tema;Antall;")
        listed = client.get(
            "/comments", params={"format": "csv", "table": "comments", "q": "levering"}
        )
        body = listed.content.decode("utf-8-sig")
        assert "Kari Nordmann" not in body
        assert "[telefon]" in body
        assert len(body.strip().splitlines()) == 1 + 3
        excel = client.get("/comments", params={"format": "xlsx", "table": "comments"})
        assert excel.content[:2] == b"PK"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_text_is_masked_again_on_the_way_out(comments_store: str, engine: Engine) -> None:
    # An analysis stored before a masking rule existed still shows no address or number.
    with session_scope(engine) as session:
        analysis = session.get(CommentAnalysis, "r2")
        assert analysis is not None
        analysis.masked_comment = "Svar meg på ola@example.com eller 22 33 44 55"
    with app_client(comments_store) as client:
        log_in(client, comments_store, "viewer")
        page = client.get("/comments").text
    assert "ola@example.com" not in page
    assert "22 33 44 55" not in page
    assert "Svar meg på [e-post] eller [telefon]" in page


def test_each_theme_shows_the_nps_of_those_who_wrote_about_it(
    comments_store: str, engine: Engine
) -> None:
    """Detractors' themes stand out: NPS per theme equals the plain count over its answers."""
    analyses = _analyses(engine)
    scores = {f"r{i}": row[1] for i, row in enumerate(COMMENTS) if row[0] <= 90}
    by_theme: dict[str, list[int]] = {}
    for rid, analysis in analyses.items():
        for mention in analysis.themes:
            if rid in scores:
                by_theme.setdefault(mention["theme"], []).append(scores[rid])
    with app_client(comments_store) as client:
        log_in(client, comments_store, "viewer")
        page = client.get("/comments").text
    assert "/kpis/nps?by=theme&amp;from=" in page
    for theme, values in by_theme.items():
        row = re.search(rf'<tr data-theme="{theme}"[^>]*>(.*?)</tr>', page, re.S)
        assert row, theme
        shown = float(re.search(r'data-nps="([^"]*)"', row.group(1)).group(1))  # type: ignore[union-attr]
        promoters = sum(v >= 9 for v in values)
        detractors = sum(v <= 6 for v in values)
        assert shown == pytest.approx(100 * (promoters - detractors) / len(values))
    assert min(by_theme["delivery"]) <= 6
