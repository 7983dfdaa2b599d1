"""Survey KPIs by the sentiment and the themes of the answers' comments, against pandas."""

import random

import numpy as np
import pandas as pd
import pytest
from ibis.backends import BaseBackend
from sqlalchemy import select
from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.config import get_settings
from kundepuls.facts.models import Response
from kundepuls.kit.errors import UsageError
from kundepuls.kpis import service
from kundepuls.text import repository
from kundepuls.text.models import CommentTheme
from kundepuls.text.service import analyze_responses
from tests.kpis.factory import Data
from tests.kpis.reference import nps

THEMES = ("delivery", "price", "staff", "waiting_time")
SENTIMENTS = ("negative", "neutral", "positive")


def _analyse(session: Session, data: Data, seed: int = 7) -> pd.DataFrame:
    """Store an analysis for two answers in three, with zero to three themes each.

    Returns one row per (response, theme); answers without a theme have theme None.
    """
    rnd = random.Random(seed)
    rows = []
    for i, response_id in enumerate(data.responses.response_id):
        if i % 3 == 0:  # the same answers have comments whatever the seed
            continue
        sentiment = rnd.choice(SENTIMENTS)
        themes = rnd.sample(THEMES, rnd.choice([0, 1, 1, 2, 3]))
        mentions = [{"theme": t, "sentiment": rnd.choice(SENTIMENTS), "score": 0.0} for t in themes]
        repository.save_analysis(
            session,
            response_id,
            {
                "language": "nb",
                "sentiment": sentiment,
                "score": 0.0,
                "themes": mentions,
                "masked_comment": "…",
                "model_version": "test",
            },
        )
        for theme in themes or [None]:
            rows.append({"response_id": response_id, "sentiment": sentiment, "theme": theme})
    session.commit()
    return pd.DataFrame(rows)


def _joined(data: Data, analyses: pd.DataFrame) -> pd.DataFrame:
    """Answers with their comment's sentiment and one row per theme (pandas, independently)."""
    return data.responses.merge(analyses, on="response_id", how="left")


def _by(rows: pd.DataFrame, column: str) -> dict[object, tuple[int, float]]:
    ref = nps(rows.assign(region=rows[column]))
    return {
        (None if pd.isna(r.region) else r.region): (int(r.n), float(r.value))
        for r in ref.itertuples()
    }


def test_nps_by_theme_and_by_sentiment_match_pandas(
    session: Session, data: Data, backend: BaseBackend
) -> None:
    joined = _joined(data, _analyse(session, data))
    settings = get_settings()
    for dimension in ("theme", "sentiment"):
        rows = service.show(session, settings, "nps", service.make_query(by=[dimension]), backend)
        column = joined if dimension == "theme" else joined.drop_duplicates("response_id")
        expected = _by(column, dimension)
        got = {
            (None if pd.isna(r[dimension]) else r[dimension]): (int(r["n"]), float(r["value"]))
            for r in rows.to_dict("records")
            if r["n"] > 0
        }
        assert got.keys() == expected.keys()
        for key, (n, value) in expected.items():
            assert got[key][0] == n
            assert got[key][1] == pytest.approx(value)


def test_a_theme_filter_counts_each_answer_once(
    session: Session, data: Data, backend: BaseBackend
) -> None:
    joined = _joined(data, _analyse(session, data))
    settings = get_settings()
    query = service.make_query(by=["touchpoint"], where=["theme=price"])
    rows = service.show(session, settings, "csat", query, backend)
    mine = joined[(joined.theme == "price") & joined.csat.notna()]
    assert mine.response_id.is_unique
    for row in rows.itertuples():
        part = mine[mine.touchpoint == row.touchpoint]
        assert row.n == len(part)
        assert row.value == pytest.approx(100 * (part.csat >= 4).mean())


def test_each_theme_against_the_answers_without_it(
    session: Session, data: Data, backend: BaseBackend
) -> None:
    """Themes overlap: the rest of a theme is every other answer, counted once."""
    joined = _joined(data, _analyse(session, data))
    settings = get_settings()
    rows = service.compare(
        session, settings, "nps", service.make_query(by=["theme"]), "rest", backend=backend
    )
    answers = data.responses.dropna(subset=["nps"])
    for row in rows.itertuples():
        if row.n == 0:
            continue
        if row.theme is None:
            ids = set(joined.response_id[joined.theme.isna()]) | (
                set(data.responses.response_id) - set(joined.response_id)
            )
        else:
            ids = set(joined.response_id[joined.theme == row.theme])
        mine, rest = answers[answers.response_id.isin(ids)], answers[~answers.response_id.isin(ids)]
        expected = stats.compare_nps(
            [len(mine)], [(mine.nps >= 9).sum()], [(mine.nps <= 6).sum()],
            [len(rest)], [(rest.nps >= 9).sum()], [(rest.nps <= 6).sum()],
        )  # fmt: skip
        assert (row.n, row.baseline_n) == (len(mine), len(rest))
        assert row.diff == pytest.approx(expected.diff[0])
        assert row.p_value == pytest.approx(expected.p_value[0])
    # Means too: the rest's mean and sd come from the whole, not from the sum of themes.
    rows = service.compare(
        session, settings, "ces", service.make_query(by=["theme"]), "rest", backend=backend
    )
    answers = data.responses.dropna(subset=["ces"])
    for row in rows.itertuples():
        if row.theme is None or row.n < 2:
            continue
        ids = set(joined.response_id[joined.theme == row.theme])
        mine, rest = answers[answers.response_id.isin(ids)], answers[~answers.response_id.isin(ids)]
        expected = stats.compare_means(
            [len(mine)], [mine.ces.mean()], [mine.ces.std()],
            [len(rest)], [rest.ces.mean()], [rest.ces.std()],
        )  # fmt: skip
        assert row.diff == pytest.approx(expected.diff[0])
        assert row.p_value == pytest.approx(expected.p_value[0])


def test_reanalysis_replaces_the_themes_and_the_numbers_follow(
    session: Session, data: Data, backend: BaseBackend
) -> None:
    _analyse(session, data, seed=1)
    settings = get_settings()
    query = service.make_query(by=["theme"])
    before = service.show(session, settings, "nps", query, backend)
    joined = _joined(data, _analyse(session, data, seed=2))  # the same answers, new themes
    stored = session.execute(select(CommentTheme.response_id, CommentTheme.theme)).all()
    assert len(stored) == len(set(stored)) == joined.theme.notna().sum()
    after = service.show(session, settings, "nps", query, backend)
    expected = _by(joined, "theme")
    got = {r["theme"]: int(r["n"]) for r in after.to_dict("records") if r["n"] > 0}
    assert got == {k: n for k, (n, _) in expected.items()}
    assert not before[["theme", "n"]].equals(after[["theme", "n"]])


def test_analysing_comments_fills_the_theme_rows(session: Session, data: Data) -> None:
    ids = list(data.responses.response_id[:3])
    comments = [
        "Leveringen var ikke rask, men kundeservice var kjempehyggelig",
        "Alt for dyrt.",
        "Takk!",
    ]
    for response_id, comment in zip(ids, comments, strict=True):
        session.get_one(Response, response_id).comment = comment
    session.flush()
    assert analyze_responses(session) == 3
    rows = session.execute(
        select(CommentTheme.response_id, CommentTheme.theme, CommentTheme.sentiment).order_by(
            CommentTheme.response_id, CommentTheme.theme
        )
    ).all()
    by_answer = {(r[0], r[1]): r[2] for r in rows}
    assert by_answer[(ids[0], "delivery")] == "negative"
    assert by_answer[(ids[0], "customer_service")] == "positive"
    assert (ids[1], "price") in by_answer
    assert not [r for r in rows if r[0] == ids[2]]


def test_comment_dimensions_belong_to_survey_answers(
    session: Session, data: Data, backend: BaseBackend
) -> None:
    settings = get_settings()
    with pytest.raises(UsageError, match="dimension of survey answers"):
        service.show(session, settings, "aov", service.make_query(by=["theme"]), backend)
    with pytest.raises(UsageError, match="did you mean theme"):
        service.show(session, settings, "nps", service.make_query(by=["themes"]), backend)
    assert np.isfinite(
        service.show(session, settings, "nps", service.make_query(by=["sentiment"]), backend)
        .value.dropna()
        .to_numpy(dtype=float)
    ).all()
