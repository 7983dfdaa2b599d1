"""Bad input never crashes the analysis, and what is stored is the text as written."""

import random

import pytest

from kundepuls.text.service import analyze, clean


@pytest.mark.parametrize(
    "comment",
    [
        "",
        "   \n\t  ",
        None,
        "😀😀😀",
        "🙄",
        "!!!???...",
        "<script>alert('x')</script>",
        "<b>Elendig</b> service &amp; <i>treg</i> levering",
        "Leveringen var bra, but the app is terrible, og kundeservice svarte ikkje",
        "a" * 100_000,
        ("Bra levering. " * 8_000)[:100_000],
        "\x00\x01\x02 bra \x7f",
        "\ud800 broken surrogate",
        12345,
    ],
)
def test_bad_input_gives_a_result(comment: object) -> None:
    result = analyze(comment)
    assert result.language in {"nb", "nn", "en", "other"}
    assert result.sentiment in {"negative", "neutral", "positive"}
    assert -1.0 <= result.score <= 1.0
    assert "\x00" not in result.masked


def test_binary_junk() -> None:
    junk = random.Random(4).randbytes(100_000).decode("utf-8", errors="replace")
    result = analyze(junk)
    assert result.sentiment in {"negative", "neutral", "positive"}


def test_html_is_kept_as_text() -> None:
    result = analyze("<script>alert('x')</script> elendig")
    assert result.masked == "<script>alert('x')</script> elendig"
    assert result.sentiment == "negative"


def test_empty_and_emoji_only() -> None:
    assert analyze("").as_dict() == {
        "language": "other",
        "sentiment": "neutral",
        "score": 0.0,
        "themes": [],
        "masked": "",
    }
    assert analyze("😡😡").sentiment == "negative"
    assert analyze("😍", known_language="nb").language == "nb"


def test_mixed_languages_in_one_comment() -> None:
    result = analyze("Leveringen var elendig, but the staff were lovely")
    found = {m.theme: m.sentiment for m in result.themes}
    assert found == {"delivery": "negative", "staff": "positive"}


def test_clean() -> None:
    assert clean(None) == ""
    assert clean("a\x00b\nc") == "a b\nc"
