"""Every query of the text domain."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, RowMapping, Select, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from kundepuls.facts.models import Customer, Response
from kundepuls.text.models import CommentAnalysis, CommentTheme

Row = tuple[str, str, str | None, str | None, str | None]


def responses_with_comments(
    session: Session, *, pending_only: bool, batch: int = 500
) -> Iterator[Row]:
    """(response_id, comment, response language, customer language, customer name) rows."""
    query = (
        select(
            Response.response_id,
            Response.comment,
            Response.language,
            Customer.language,
            Customer.name,
        )
        .outerjoin(Customer, Customer.customer_id == Response.customer_id)
        .where(Response.comment.is_not(None))
        .order_by(Response.response_id)
    )
    if pending_only:
        query = query.outerjoin(
            CommentAnalysis, CommentAnalysis.response_id == Response.response_id
        ).where(CommentAnalysis.response_id.is_(None))
    for row in session.execute(query.execution_options(yield_per=batch)):
        yield row[0], row[1] or "", row[2], row[3], row[4]


def save_analysis(session: Session, response_id: str, values: dict[str, Any]) -> None:
    """Insert or replace the analysis of one response, and its rows in ``comment_themes``."""
    existing = session.get(CommentAnalysis, response_id)
    if existing is None:
        session.add(CommentAnalysis(response_id=response_id, **values))
    else:
        for key, value in values.items():
            setattr(existing, key, value)
        session.execute(sa.delete(CommentTheme).where(CommentTheme.response_id == response_id))
    mentions = {m["theme"]: m["sentiment"] for m in reversed(values.get("themes", []))}
    session.add_all(
        CommentTheme(response_id=response_id, theme=theme, sentiment=sentiment)
        for theme, sentiment in mentions.items()
    )


def scored_comments(session: Session) -> list[tuple[str, int | None, int | None, int | None]]:
    """(comment, nps, csat, ces) of every response with a comment and at least one score."""
    query = select(Response.comment, Response.nps, Response.csat, Response.ces).where(
        Response.comment.is_not(None),
        (Response.nps.is_not(None)) | (Response.csat.is_not(None)) | (Response.ces.is_not(None)),
    )
    return [(str(r[0]), r[1], r[2], r[3]) for r in session.execute(query)]


def get_analysis(session: Session, response_id: str) -> CommentAnalysis | None:
    """The stored analysis of one response."""
    return session.get(CommentAnalysis, response_id)


def masked_comments_without_themes(session: Session, limit: int = 5000) -> list[str]:
    """Masked comments of analyses that matched no theme (newest analyses first)."""
    query = (
        select(CommentAnalysis.masked_comment, CommentAnalysis.themes)
        .order_by(CommentAnalysis.analysed_at.desc())
        .limit(limit * 4)
    )
    rows = [r[0] for r in session.execute(query) if not r[1] and r[0] and r[0].strip()]
    return rows[:limit]


# --- The comments page: filtered analyses joined to their responses ----------------------

BANDS = ("low", "mid", "high")
# Per scale, the top of its low band and the bottom of its high band: NPS detractors and
# promoters, CSAT 1–2 and 4–5, CES 1–3 (hard) and 5–7 (easy). A comment is banded by the
# first score its response has, in the order NPS, CSAT, CES.
_BAND_EDGES = ((Response.nps, 6, 9), (Response.csat, 2, 4), (Response.ces, 3, 5))


@dataclass(frozen=True)
class CommentQuery:
    """What the comments page asks for; ``start``/``end`` are UTC bounds (end exclusive)."""

    start: datetime | None = None
    end: datetime | None = None
    theme: str | None = None
    sentiment: str | None = None
    language: str | None = None
    band: str | None = None
    survey: str | None = None
    touchpoint: str | None = None
    text: str | None = None


def has_theme(dialect: str, theme: str) -> ColumnElement[bool]:
    """Whether an analysis names ``theme`` (a bound parameter on either backend)."""
    if dialect == "postgresql":
        return sa.type_coerce(CommentAnalysis.themes, JSONB).contains([{"theme": theme}])
    each = sa.func.json_each(CommentAnalysis.themes).table_valued("value").alias("mention")
    return sa.exists(
        sa.select(1).select_from(each).where(sa.func.json_extract(each.c.value, "$.theme") == theme)
    )


def _band(band: str) -> ColumnElement[bool]:
    options = []
    earlier: list[ColumnElement[bool]] = []
    for column, low_top, high_bottom in _BAND_EDGES:
        test = {
            "low": column <= low_top,
            "mid": sa.and_(column > low_top, column < high_bottom),
            "high": column >= high_bottom,
        }[band]
        options.append(sa.and_(*earlier, column.is_not(None), test))
        earlier.append(column.is_(None))
    return sa.or_(*options)


def conditions(query: CommentQuery, dialect: str, *, theme: bool = True) -> list[Any]:
    """The WHERE conditions of ``query``; every value is a bound parameter."""
    where: list[Any] = []
    if query.start is not None:
        where.append(Response.submitted_at >= query.start)
    if query.end is not None:
        where.append(Response.submitted_at < query.end)
    if theme and query.theme:
        where.append(has_theme(dialect, query.theme))
    if query.sentiment:
        where.append(CommentAnalysis.sentiment == query.sentiment)
    if query.language:
        where.append(CommentAnalysis.language == query.language)
    if query.band in BANDS:
        where.append(_band(query.band))
    if query.survey:
        where.append(Response.survey == query.survey)
    if query.touchpoint:
        where.append(Response.touchpoint == query.touchpoint)
    if query.text:
        # Only the masked text is searched: a search must not find what the page hides.
        where.append(CommentAnalysis.masked_comment.icontains(query.text, autoescape=True))
    return where


def _joined(*columns: Any) -> Select[Any]:
    return (
        sa.select(*columns)
        .select_from(CommentAnalysis)
        .join(Response, Response.response_id == CommentAnalysis.response_id)
    )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def theme_mentions(
    session: Session, query: CommentQuery, batch: int = 2000
) -> Iterator[tuple[str, float, list[dict[str, Any]]]]:
    """(sentiment, score, themes) of every comment matching ``query`` (its theme filter
    ignored)."""
    stmt = _joined(CommentAnalysis.sentiment, CommentAnalysis.score, CommentAnalysis.themes)
    stmt = stmt.where(*conditions(query, _dialect(session), theme=False))
    for sentiment, score, themes in session.execute(stmt.execution_options(yield_per=batch)):
        yield sentiment, score, themes or []


def count_comments(session: Session, query: CommentQuery) -> int:
    stmt = _joined(sa.func.count()).where(*conditions(query, _dialect(session)))
    return int(session.execute(stmt).scalar_one())


_LISTED = (
    CommentAnalysis.response_id,
    Response.submitted_at,
    CommentAnalysis.masked_comment,
    CommentAnalysis.language,
    CommentAnalysis.sentiment,
    CommentAnalysis.score,
    CommentAnalysis.themes,
    Response.nps,
    Response.csat,
    Response.ces,
    Response.survey,
    Response.touchpoint,
)


def list_comments(
    session: Session, query: CommentQuery, offset: int, limit: int
) -> list[RowMapping]:
    """One page of matching comments, newest first."""
    stmt = (
        _joined(*_LISTED)
        .where(*conditions(query, _dialect(session)))
        .order_by(Response.submitted_at.desc(), CommentAnalysis.response_id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.execute(stmt).mappings())


def theme_examples(
    session: Session, query: CommentQuery, theme: str, *, most_negative: bool, limit: int = 1
) -> list[RowMapping]:
    """The most negative (or positive) matching comments that name ``theme``."""
    dialect = _dialect(session)
    order = CommentAnalysis.score.asc() if most_negative else CommentAnalysis.score.desc()
    stmt = (
        _joined(*_LISTED)
        .where(*conditions(query, dialect, theme=False), has_theme(dialect, theme))
        .where(CommentAnalysis.score < 0 if most_negative else CommentAnalysis.score > 0)
        .order_by(order, Response.submitted_at.desc())
        .limit(limit)
    )
    return list(session.execute(stmt).mappings())


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The surveys, touchpoints and languages that analysed comments have."""
    found = {}
    for name, column in (
        ("survey", Response.survey),
        ("touchpoint", Response.touchpoint),
        ("language", CommentAnalysis.language),
    ):
        stmt = _joined(column).where(column.is_not(None)).distinct().order_by(column)
        found[name] = [str(v) for v in session.scalars(stmt)]
    return found


def newest_comment_time(session: Session) -> datetime | None:
    """When the newest analysed comment was given."""
    newest: datetime | None = session.execute(
        _joined(sa.func.max(Response.submitted_at))
    ).scalar_one()
    return newest


def unanalysed_count(session: Session) -> int:
    """Responses with a comment that has no analysis yet."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(Response)
        .outerjoin(CommentAnalysis, CommentAnalysis.response_id == Response.response_id)
        .where(Response.comment.is_not(None), CommentAnalysis.response_id.is_(None))
    )
    return int(session.execute(stmt).scalar_one())
