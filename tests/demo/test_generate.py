"""The generator: deterministic for a seed, realistic shapes, consistent rows."""

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kundepuls.demo import reference
from kundepuls.demo.comments import THEMES, compose, typo
from kundepuls.demo.generate import KINDS, generate
from kundepuls.demo.planted import planted_for
from tests.demo.conftest import TODAY, BuiltDemo

OSLO = "Europe/Oslo"


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for kind in KINDS:
        pd.testing.assert_frame_equal(a[kind], b[kind])


def test_same_seed_gives_identical_rows_and_another_seed_different_rows() -> None:
    first = generate(seed=7, today=TODAY, customers=300)
    again = generate(seed=7, today=TODAY, customers=300)
    _same(first.frames, again.frames)
    other = generate(seed=8, today=TODAY, customers=300)
    assert other.counts() != first.counts() or not other.frames["orders"].equals(
        first.frames["orders"]
    )
    assert not other.frames["customers"]["name"].equals(first.frames["customers"]["name"])


def test_the_stored_rows_are_the_generated_rows(small_demo: BuiltDemo) -> None:
    """The rows read back from the store equal the generator's rows for the same seed."""
    made = generate(seed=42, today=TODAY, customers=300)
    assert made.counts() == small_demo.build.counts
    for kind, key in [("responses", "response_id"), ("tickets", "ticket_id")]:
        stored = small_demo.frames[kind].sort_values(key).reset_index(drop=True)
        fresh = made.frames[kind].sort_values(key).reset_index(drop=True)
        for column in fresh.columns:
            if isinstance(fresh[column].dtype, pd.DatetimeTZDtype):
                same = (stored[column] == fresh[column].dt.as_unit("us")) | fresh[column].isna()
                assert same.all(), (kind, column)
            else:
                expected = fresh[column].astype(object).where(fresh[column].notna(), None)
                got = stored[column].astype(object).where(stored[column].notna(), None)
                assert got.tolist() == expected.tolist(), (kind, column)


def test_counts_are_those_of_a_small_web_shop(full_demo: BuiltDemo) -> None:
    counts = full_demo.build.counts
    assert counts["customers"] == 5_000
    assert 15_000 <= counts["orders"] <= 35_000
    assert 4_000 <= counts["tickets"] <= 12_000
    assert 200 <= counts["complaints"] <= 1_500
    assert 8_000 <= counts["responses"] <= 25_000
    assert {kind: len(frame) for kind, frame in full_demo.frames.items()} == counts


def test_customers_spread_over_the_counties_by_population(full_demo: BuiltDemo) -> None:
    customers = full_demo.frames["customers"]
    assert set(customers["region"]) == set(reference.COUNTIES)
    share = customers["region"].value_counts(normalize=True)
    population = pd.Series(reference.COUNTIES, dtype=float)
    expected = population / population.sum()
    assert (share - expected).abs().max() < 0.02
    assert customers["email"].is_unique
    assert customers["email"].str.endswith("@example.org").all()
    language = customers.groupby("region")["language"].apply(lambda s: (s == "nn").mean())
    assert language["Vestland"] > 0.25
    assert language["Oslo"] < 0.06
    assert set(customers["language"]) == {"nb", "nn", "en"}
    assert set(customers["segment"]) == {"privat", "bedrift"}


def test_orders_have_realistic_amounts_channels_and_a_few_refunds(full_demo: BuiltDemo) -> None:
    orders = full_demo.frames["orders"]
    refunds = orders[orders["amount"] < 0]
    assert 0.01 < len(refunds) / len(orders) < 0.06
    assert refunds["order_id"].str.endswith("-R").all()
    buys = orders[orders["amount"] > 0]
    median = buys.groupby("product_line")["amount"].median()
    assert median["Sykkel"] > 5 * median["Tilbehør"]
    assert set(orders["channel"]) == set(reference.ORDER_CHANNELS)
    assert (orders["currency"] == "NOK").all()
    local = orders["ordered_at"].dt.tz_convert(OSLO)
    store = orders["channel"] == "butikk"
    assert (local[store].dt.day_of_week != 6).all()  # the shop is closed on Sundays
    assert local[store].dt.hour.between(10, 19).all()
    signup = full_demo.frames["customers"].set_index("customer_id")["signup_at"]
    assert (orders["ordered_at"] >= orders["customer_id"].map(signup)).all()


def test_every_time_lies_in_the_two_years_before_the_reference_day(full_demo: BuiltDemo) -> None:
    planted = full_demo.planted
    start = pd.Timestamp(planted.start, tz=OSLO)
    end = pd.Timestamp(planted.end, tz=OSLO)
    for kind, column in [
        ("orders", "ordered_at"),
        ("tickets", "created_at"),
        ("complaints", "created_at"),
        ("responses", "submitted_at"),
    ]:
        times = full_demo.frames[kind][column]
        assert times.min() >= start, kind
        assert times.max() < end, kind
    tickets = full_demo.frames["tickets"]
    answered = tickets.dropna(subset=["first_response_at"])
    assert (answered["first_response_at"] >= answered["created_at"]).all()
    resolved = answered.dropna(subset=["resolved_at"])
    assert (resolved["resolved_at"] >= resolved["first_response_at"]).all()
    signup = full_demo.frames["customers"].set_index("customer_id")["signup_at"]
    for kind, column in [("tickets", "created_at"), ("responses", "submitted_at")]:
        known = full_demo.frames[kind].dropna(subset=["customer_id"])
        assert (known[column] >= known["customer_id"].map(signup)).all(), kind
    responses = full_demo.frames["responses"]
    after = responses[responses["touchpoint"] == "etter_kjop"]
    ordered = full_demo.frames["orders"].set_index("order_id")["ordered_at"]
    bought = after["attributes"].map(lambda a: a["ordre_id"]).map(ordered)
    assert (after["submitted_at"] > bought).all()
    live = tickets[tickets["channel"] != "e-post"]["created_at"].dt.tz_convert(OSLO)
    assert live.dt.hour.between(8, 19).all()  # chat and telephone only while support is open


def test_comments_vary_and_come_in_three_languages(full_demo: BuiltDemo) -> None:
    responses = full_demo.frames["responses"]
    comments = responses["comment"].dropna()
    assert len(comments) > 2_000
    assert comments.nunique() / len(comments) >= 0.9
    assert set(responses.loc[comments.index, "language"]) == {"nb", "nn", "en"}
    assert comments.str.contains(r"\b(?:men|selv om)\b").any()
    assert comments.str.contains(r"\b(?:ikkje|eg)\b").any()  # Nynorsk
    assert comments.str.contains(r"\b(?:but|although)\b").any()
    emails = comments.str.contains(r"[\w.]+@example\.org")
    phones = comments.str.contains(r"\b[49]\d\d \d\d \d{3}\b")
    assert 5 <= emails.sum() <= 0.05 * len(comments)
    assert 5 <= phones.sum() <= 0.05 * len(comments)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_theme_and_tone_can_be_written_in_every_language(language: str) -> None:
    rng = np.random.default_rng(3)
    for theme in THEMES:
        for tone in ("pos", "neg", "mixed"):
            texts = [compose(rng, language, theme, tone) for _ in range(20)]
            assert len(set(texts)) >= 10, (theme, tone)
            assert all(text and "{" not in text for text in texts)


def test_a_typo_changes_the_text_but_keeps_it_readable() -> None:
    rng = np.random.default_rng(0)
    text = "Pakken kom utrolig raskt, men kundeservice svarte ikke."
    slips = {typo(rng, text) for _ in range(50)}
    assert text not in slips
    assert len(slips) > 10
    assert all(len(re.findall(r"\w+", s)) == len(re.findall(r"\w+", text)) for s in slips)


def test_planted_dates_follow_the_reference_day() -> None:
    planted = planted_for(date(2026, 12, 1))
    assert planted.end == date(2026, 12, 1)
    assert planted.start == date(2024, 12, 1)
    assert planted.fall_start == date(2026, 9, 1)
    assert planted.improvement_start == date(2026, 7, 4)
