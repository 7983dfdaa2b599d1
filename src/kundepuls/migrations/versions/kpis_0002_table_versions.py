"""Per-table counters of updates and deletes on the embedded store, kept by triggers.

The KPI engine keeps a columnar copy of the KPI tables in DuckDB. New rows show in the
table's growing ``max(rowid)`` and cost nothing extra; a row updated in place (an upsert,
a survey answer completed) or deleted (erasure) bumps its table's counter here, and the
engine copies that table again. No trigger on INSERT: imports of new rows, the bulk of all
writes, run at full speed. SQLite only: on PostgreSQL KPIs are computed in the database.

Revision ID: kpis_0002
Revises: kpis_0001
Create Date: 2026-12-04 21:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "kpis_0002"
down_revision: str | Sequence[str] | None = "kpis_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("surveys_0001", "predict_0001")

TABLES = (
    "customers",
    "responses",
    "orders",
    "tickets",
    "complaints",
    "invitations",
    "customer_predictions",
)
COUNTER = {"UPDATE": "rewrites", "DELETE": "rewrites"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE kpi_table_versions (name TEXT PRIMARY KEY, "
        "rewrites INTEGER NOT NULL DEFAULT 0)"
    )
    for name in TABLES:
        op.execute(f"INSERT INTO kpi_table_versions (name) VALUES ('{name}')")  # noqa: S608
        for event, column in COUNTER.items():
            bump = f"UPDATE kpi_table_versions SET {column} = {column} + 1"  # noqa: S608
            where = f"WHERE name = '{name}'"
            op.execute(
                f"CREATE TRIGGER kpi_{name}_{event.lower()} AFTER {event} ON {name} "
                f"BEGIN {bump} {where}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TABLES:
        for event in COUNTER:
            op.execute(f"DROP TRIGGER IF EXISTS kpi_{name}_{event.lower()}")
    op.execute("DROP TABLE kpi_table_versions")
