"""Update and delete counters for the comment tables the KPI engine reads.

Survey KPIs break down by the sentiment of a comment (``comment_analyses``) and by its
themes (``comment_themes``); re-analysing comments rewrites those rows, so their counters
tell the engine's copy to read them again (see ``kpis_0002``). SQLite only.

Revision ID: kpis_0003
Revises: kpis_0002
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "kpis_0003"
down_revision: str | Sequence[str] | None = "kpis_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("text_0002",)

TABLES = ("comment_analyses", "comment_themes")
EVENTS = ("UPDATE", "DELETE")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TABLES:
        op.execute(f"INSERT INTO kpi_table_versions (name) VALUES ('{name}')")  # noqa: S608
        for event in EVENTS:
            bump = f"UPDATE kpi_table_versions SET rewrites = rewrites + 1 WHERE name = '{name}'"  # noqa: S608
            op.execute(
                f"CREATE TRIGGER kpi_{name}_{event.lower()} AFTER {event} ON {name} "
                f"BEGIN {bump}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TABLES:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS kpi_{name}_{event.lower()}")
        op.execute(f"DELETE FROM kpi_table_versions WHERE name = '{name}'")  # noqa: S608
