"""Themes with the sentiment of each mention, the editable taxonomy and theme discovery."""

from pathlib import Path

import pytest

from kundepuls.kit.errors import KundepulsError
from kundepuls.text.discovery import discover
from kundepuls.text.lexicon import default_lexicon
from kundepuls.text.service import analyze
from kundepuls.text.themes import _taxonomy_from, default_taxonomy, load_taxonomy


def themes(text: str) -> dict[str, str]:
    return {m.theme: m.sentiment for m in analyze(text).themes}


def test_the_issue_example() -> None:
    result = analyze("Leveringen var ikke rask, men kundeservice var kjempehyggelig")
    assert [(m.theme, m.sentiment) for m in result.themes] == [
        ("delivery", "negative"),
        ("customer_service", "positive"),
    ]
    assert result.language == "nb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Lang ventetid i kassa, men hyggelige ansatte",
            {"waiting_time": "negative", "staff": "positive"},
        ),
        (
            "Appen krasjer hele tiden. Ingen svarer på kundeservice",
            {"website_app": "negative", "customer_service": "negative"},
        ),
        (
            "Great price but the jacket fell apart after a week",
            {"price": "positive", "product_quality": "negative"},
        ),
        (
            "Dei tilsette var hjelpsame og butikken var rein",
            {"staff": "positive", "store": "positive", "cleanliness": "positive"},
        ),
        (
            "Returen gikk greit, men refusjonen tok altfor lang tid",
            {"returns_refunds": "negative", "waiting_time": "negative"},
        ),
        ("Betalte med Vipps, enkelt og greit", {"payment": "positive"}),
        ("Stengt på søndager, synd", {"opening_hours": "negative"}),
    ],
)
def test_several_themes_each_with_its_sentiment(text: str, expected: dict[str, str]) -> None:
    assert themes(text) == expected


def test_compounds_and_inflections_match() -> None:
    assert "delivery" in themes("Hjemleveringen var rask")
    assert "waiting_time" in themes("Ventetida var lang")
    assert "customer_service" in themes("Kundeservicen svarte fort")
    assert "price" in themes("Prisane er høge")


def test_weak_terms_count_only_alone() -> None:
    assert themes("Kjempefornøyd med varen") == {"product_quality": "positive"}
    assert themes("Varen ble levert til feil adresse") == {"delivery": "negative"}


def test_a_comment_without_theme_words_has_none() -> None:
    assert themes("Takk!") == {}
    assert themes("") == {}


def test_the_theme_file_can_be_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text(
        "themes:\n  parking:\n    label: {nb: Parkering}\n    terms: [parkering*, parking]\n",
        "utf-8",
    )
    monkeypatch.setenv("KUNDEPULS_THEMES_FILE", str(path))
    _taxonomy_from.cache_clear()
    try:
        assert themes("Parkeringen var full og leveringen treg") == {"parking": "negative"}
    finally:
        monkeypatch.delenv("KUNDEPULS_THEMES_FILE")
        _taxonomy_from.cache_clear()
    assert "delivery" in themes("leveringen var treg")


def test_a_broken_theme_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KundepulsError, match="not a valid theme file"):
        load_taxonomy("themes: [unclosed", "my.yaml")
    with pytest.raises(KundepulsError, match="no themes"):
        load_taxonomy("other: 1", "my.yaml")
    missing = tmp_path / "missing.yaml"
    with pytest.raises(KundepulsError, match=r"missing\.yaml"):
        _taxonomy_from(str(missing))


def test_mentions_from_a_lexicon_reading() -> None:
    reading = default_lexicon().analyze("Rask levering!")
    mentions = default_taxonomy().mentions(reading)
    assert [(m.theme, m.sentiment, m.terms) for m in mentions] == [
        ("delivery", "positive", ["levering"])
    ]


def test_discovery_clusters_unthemed_comments() -> None:
    parking = [f"parkeringen var full igjen {i}" for i in range(6)]
    music = [f"musikken i lokalet var altfor høy {i}" for i in range(6)]
    clusters = discover(parking + music, n_clusters=2)
    assert sorted(c.size for c in clusters) == [6, 6]
    tops = {c.top_terms[0].split()[0] for c in clusters}
    assert any(t.startswith("parkering") for t in tops)
    assert all(len(c.examples) == 3 for c in clusters)
    assert discover([]) == []
    assert discover(["og i det"])[0].size == 1
    assert discover(["og", "i", "det"])[0].top_terms == []
