"""The overview's choice of KPI tiles.

Revision ID: dashboard_0001
Revises:
Create Date: 2026-12-04 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kundepuls.db

revision: str = "dashboard_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("dashboard",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_tiles",
        sa.Column("kpi", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", kundepuls.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kpi", name=op.f("pk_dashboard_tiles")),
    )


def downgrade() -> None:
    op.drop_table("dashboard_tiles")
