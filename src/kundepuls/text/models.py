"""ORM table of the text domain: one analysis per survey response with a comment."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kundepuls.db import Attributes, Base, UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class CommentAnalysis(Base):
    """Language, sentiment, themes and the masked text of one response's comment."""

    __tablename__ = "comment_analyses"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.response_id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(10), index=True)
    sentiment: Mapped[str] = mapped_column(String(10), index=True)
    score: Mapped[float] = mapped_column(Float)
    themes: Mapped[list[dict[str, Any]]] = mapped_column(Attributes, default=list)
    masked_comment: Mapped[str] = mapped_column(Text)
    model_version: Mapped[str] = mapped_column(String(50))
    analysed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class CommentTheme(Base):
    """One theme a response's comment is about, with the sentiment of that mention.

    The same themes as ``CommentAnalysis.themes``, one row each, so that the KPI engine
    can break any survey KPI down by theme (a comment about two themes counts in both).
    """

    __tablename__ = "comment_themes"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.response_id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    sentiment: Mapped[str] = mapped_column(String(10))
