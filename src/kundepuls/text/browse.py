"""Use cases of the comments page: themes with their sentiment, examples, a page of comments.

Every text shown comes from the analyses' masked comments and is masked once more on the
way out, so a comment analysed before a masking rule existed is covered too.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.orm import Session

from kundepuls.text import repository
from kundepuls.text.lexicon import LABELS
from kundepuls.text.masking import mask
from kundepuls.text.repository import CommentQuery
from kundepuls.text.themes import default_taxonomy

NO_THEME = "_none"
PAGE_SIZE = 20
EXAMPLE_THEMES = 6
SORTS = ("volume", "negative", "score", "change")


@dataclass(frozen=True)
class Period:
    """Calendar days ``start``–``end`` (both inclusive) in the configured timezone."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The span of the same length just before."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """UTC-comparable bounds: local midnight of ``start`` up to that after ``end``."""
        first = datetime.combine(self.start, time(), tz)
        return first, datetime.combine(self.end + timedelta(days=1), time(), tz)


@dataclass
class ThemeStat:
    """One theme's volume and sentiment in the period, and its average a period before."""

    key: str
    label: str
    count: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {label: 0 for label in LABELS})
    score_sum: float = 0.0
    previous_count: int = 0
    previous_mean: float | None = None

    def share(self, label: str) -> float:
        return 100 * self.counts[label] / self.count if self.count else 0.0

    @property
    def mean(self) -> float | None:
        return self.score_sum / self.count if self.count else None

    @property
    def change(self) -> float | None:
        """Change of the average sentiment score against the previous period."""
        if self.mean is None or self.previous_mean is None:
            return None
        return self.mean - self.previous_mean


def default_period(session: Session, tz: tzinfo, days: int = 90) -> Period:
    """The last ``days`` days up to the newest analysed comment (today without any)."""
    newest = repository.newest_comment_time(session)
    end = newest.astimezone(tz).date() if newest else datetime.now(tz).date()
    return Period(end - timedelta(days=days - 1), end)


def theme_label(key: str, lang: str) -> str:
    """A theme's name in ``lang`` (its key when the taxonomy does not know it)."""
    theme = default_taxonomy().themes.get(key)
    if theme is None:
        return key
    return theme.labels.get(lang) or theme.labels.get("nb") or key


def theme_choices(lang: str) -> list[tuple[str, str]]:
    """(key, label) of every theme of the taxonomy, by label."""
    keys = default_taxonomy().themes
    return sorted(((k, theme_label(k, lang)) for k in keys), key=lambda kv: kv[1].lower())


def _tally(
    rows: Iterable[tuple[str, float, list[dict[str, Any]]]], lang: str
) -> tuple[dict[str, ThemeStat], dict[str, int]]:
    """Per theme (and for comments without one) the mentions by sentiment and score."""
    stats: dict[str, ThemeStat] = {}
    overall: dict[str, int] = {label: 0 for label in LABELS}
    for sentiment, score, themes in rows:
        overall[sentiment] = overall.get(sentiment, 0) + 1
        mentions = themes or [{"theme": NO_THEME, "sentiment": sentiment, "score": score}]
        for mention in mentions:
            key = str(mention.get("theme"))
            stat = stats.get(key)
            if stat is None:
                stat = stats[key] = ThemeStat(key, theme_label(key, lang))
            stat.count += 1
            label = str(mention.get("sentiment"))
            stat.counts[label] = stat.counts.get(label, 0) + 1
            stat.score_sum += float(mention.get("score") or 0.0)
    return stats, overall


def theme_summary(
    session: Session, query: CommentQuery, period: Period | None, tz: tzinfo, lang: str, sort: str
) -> tuple[list[ThemeStat], dict[str, int]]:
    """Themes of the matching comments with their sentiment, sorted; and the overall counts.

    The theme filter does not narrow this table (it would leave one row); ``change`` compares
    the average sentiment score with the same span just before ``period``.
    """
    stats, overall = _tally(repository.theme_mentions(session, query), lang)
    if period is not None:
        start, end = period.previous().bounds(tz)
        before, _ = _tally(
            repository.theme_mentions(session, replace(query, start=start, end=end)), lang
        )
        for key, stat in stats.items():
            if key in before:
                stat.previous_count = before[key].count
                stat.previous_mean = before[key].mean
    order = {
        "volume": lambda s: (-s.count, s.label),
        "negative": lambda s: (-s.share("negative"), -s.count),
        "score": lambda s: (s.mean if s.mean is not None else 0.0, -s.count),
        "change": lambda s: (s.change if s.change is not None else 0.0, -s.count),
    }[sort if sort in SORTS else "volume"]
    ranked = sorted((s for k, s in stats.items() if k != NO_THEME), key=order)
    if NO_THEME in stats:
        ranked.append(stats[NO_THEME])
    return ranked, overall


@dataclass
class ShownComment:
    """A comment as the page shows it: masked, with its language tag and scores."""

    id: str
    at: datetime
    text: str
    language: str
    sentiment: str
    score: float
    themes: list[tuple[str, str, str]]
    nps: int | None
    csat: int | None
    ces: int | None
    survey: str | None
    touchpoint: str | None

    @property
    def lang_tag(self) -> str:
        """The BCP 47 tag for the ``lang`` attribute ("und" when unknown)."""
        return self.language if self.language in ("nb", "nn", "en") else "und"


def _shown(row: RowMapping, lang: str) -> ShownComment:
    themes = [
        (str(m.get("theme")), theme_label(str(m.get("theme")), lang), str(m.get("sentiment")))
        for m in row["themes"] or []
    ]
    return ShownComment(
        id=row["response_id"],
        at=row["submitted_at"],
        text=mask(row["masked_comment"] or ""),
        language=row["language"],
        sentiment=row["sentiment"],
        score=row["score"],
        themes=themes,
        nps=row["nps"],
        csat=row["csat"],
        ces=row["ces"],
        survey=row["survey"],
        touchpoint=row["touchpoint"],
    )


def comment_page(
    session: Session, query: CommentQuery, page: int, lang: str, size: int = PAGE_SIZE
) -> tuple[list[ShownComment], int]:
    """One page (1-based) of the matching comments, newest first, and how many match."""
    total = repository.count_comments(session, query)
    offset = (max(page, 1) - 1) * size
    rows = repository.list_comments(session, query, offset, size)
    return [_shown(row, lang) for row in rows], total


def examples(
    session: Session, query: CommentQuery, themes: list[ThemeStat], lang: str
) -> list[tuple[ThemeStat, list[ShownComment]]]:
    """For the largest themes (or the chosen one): its most negative and most positive comment."""
    chosen = [s for s in themes if s.key == query.theme] if query.theme else []
    picked = chosen or [s for s in themes if s.key != NO_THEME][:EXAMPLE_THEMES]
    found = []
    for stat in picked:
        rows = [
            *repository.theme_examples(session, query, stat.key, most_negative=True),
            *repository.theme_examples(session, query, stat.key, most_negative=False),
        ]
        found.append((stat, [_shown(row, lang) for row in rows]))
    return found
