"""Comment themes of a period (volume and sentiment), and what to fix first.

The text domain stores one analysis per comment (``comment_analyses``) with the themes it
found, each with its own sentiment. A theme's priority is its number of negative
mentions: volume × share negative, so a rare complaint and a frequent mild one are weighed
by how many customers they actually touch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kundepuls import stats
from kundepuls.config import Settings
from kundepuls.kpis.periods import date_span
from kundepuls.reports import repository
from kundepuls.reports.periods import Period
from kundepuls.text.themes import default_taxonomy

EXAMPLE_CHARS = 140
EXAMPLES = 3


@dataclass
class ThemeLine:
    """One theme in a period: mentions, sentiment shares and an example comment."""

    key: str
    labels: dict[str, str]
    mentions: int = 0
    negative: int = 0
    positive: int = 0
    score_sum: float = 0.0
    negative_low: float | None = None
    negative_high: float | None = None
    # A few negative comments (masked), newest first, so that each theme can show its own.
    examples: list[str] = field(default_factory=list)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("nb") or self.key.replace("_", " ")

    @property
    def negative_share(self) -> float:
        return 100.0 * self.negative / self.mentions if self.mentions else 0.0

    @property
    def positive_share(self) -> float:
        return 100.0 * self.positive / self.mentions if self.mentions else 0.0

    @property
    def mean_score(self) -> float:
        return self.score_sum / self.mentions if self.mentions else 0.0


@dataclass
class ThemeSummary:
    comments: int
    themes: list[ThemeLine]

    def top(self, limit: int = 6) -> list[ThemeLine]:
        """The most mentioned themes."""
        return sorted(self.themes, key=lambda t: (-t.mentions, t.key))[:limit]

    def fix_first(self, limit: int = 3) -> list[ThemeLine]:
        """The themes with the most negative mentions (at least one)."""
        ranked = sorted(self.themes, key=lambda t: (-t.negative, -t.negative_share, t.key))
        return [t for t in ranked if t.negative > 0][:limit]


def theme_summary(session: Session, settings: Settings, period: Period) -> ThemeSummary:
    """Volume and sentiment per theme over the comments submitted in ``period``."""
    start, end = date_span(period.start, period.end, settings.tz)
    if start is None or end is None:  # pragma: no cover - a Period always has both dates
        raise ValueError("a period needs a start and an end")
    taxonomy = default_taxonomy()
    lines: dict[str, ThemeLine] = {}
    comments = 0
    for themes, _sentiment, _score, masked in repository.comment_analyses(session, start, end):
        comments += 1
        for mention in themes:
            key = str(mention.get("theme"))
            theme = taxonomy.themes.get(key)
            line = lines.setdefault(key, ThemeLine(key, dict(theme.labels) if theme else {}))
            line.mentions += 1
            line.score_sum += float(mention.get("score") or 0.0)
            if mention.get("sentiment") == "negative":
                line.negative += 1
                if len(line.examples) < EXAMPLES and masked.strip():
                    line.examples.append(_short(masked))
            elif mention.get("sentiment") == "positive":
                line.positive += 1
    for line in lines.values():
        interval = stats.wilson([line.mentions], [line.negative])
        line.negative_low = float(interval.low[0])
        line.negative_high = float(interval.high[0])
    return ThemeSummary(comments, list(lines.values()))


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXAMPLE_CHARS:
        return text
    cut = text[:EXAMPLE_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
