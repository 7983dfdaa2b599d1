"""One row per theme of each analysed comment (``comment_themes``), filled from the analyses.

Revision ID: text_0002
Revises: text_0001
Create Date: 2026-12-05 02:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "text_0002"
down_revision: str | Sequence[str] | None = "text_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    themes = op.create_table(
        "comment_themes",
        sa.Column("response_id", sa.String(length=128), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("sentiment", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.response_id"],
            name=op.f("fk_comment_themes_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "theme", name=op.f("pk_comment_themes")),
    )
    op.create_index(op.f("ix_comment_themes_theme"), "comment_themes", ["theme"], unique=False)
    analyses = sa.table("comment_analyses", sa.column("response_id"), sa.column("themes"))
    bind = op.get_bind()
    rows = []
    for response_id, stored in bind.execute(sa.select(analyses.c.response_id, analyses.c.themes)):
        mentions = json.loads(stored) if isinstance(stored, str) else stored or []
        seen = set()
        for mention in mentions:
            if mention["theme"] not in seen:
                seen.add(mention["theme"])
                rows.append(
                    {
                        "response_id": response_id,
                        "theme": mention["theme"],
                        "sentiment": mention["sentiment"],
                    }
                )
    if rows:
        op.bulk_insert(themes, rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_comment_themes_theme"), table_name="comment_themes")
    op.drop_table("comment_themes")
