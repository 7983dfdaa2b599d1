"""The comment_analyses table of the text domain.

Revision ID: text_0001
Revises:
Create Date: 2026-12-04 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kundepuls.db

revision: str = "text_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("text",)
depends_on: str | Sequence[str] | None = "0001"


def upgrade() -> None:
    op.create_table(
        "comment_analyses",
        sa.Column("response_id", sa.String(length=128), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("sentiment", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "themes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("masked_comment", sa.Text(), nullable=False),
        sa.Column("model_version", sa.String(length=50), nullable=False),
        sa.Column("analysed_at", kundepuls.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.response_id"],
            name=op.f("fk_comment_analyses_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_comment_analyses")),
    )
    op.create_index(
        op.f("ix_comment_analyses_language"), "comment_analyses", ["language"], unique=False
    )
    op.create_index(
        op.f("ix_comment_analyses_sentiment"), "comment_analyses", ["sentiment"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_comment_analyses_sentiment"), table_name="comment_analyses")
    op.drop_index(op.f("ix_comment_analyses_language"), table_name="comment_analyses")
    op.drop_table("comment_analyses")
