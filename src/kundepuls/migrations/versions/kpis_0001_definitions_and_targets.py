"""Custom KPI definitions and KPI targets set through the API.

Revision ID: kpis_0001
Revises:
Create Date: 2026-12-04 20:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kundepuls.db

revision: str = "kpis_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("kpis",)
depends_on: str | Sequence[str] | None = "0001"


def upgrade() -> None:
    op.create_table(
        "kpi_definitions",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column(
            "definition",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", kundepuls.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_kpi_definitions")),
    )
    op.create_table(
        "kpi_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi", sa.String(length=100), nullable=False),
        sa.Column("segment", sa.String(length=500), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_at", kundepuls.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_targets")),
        sa.UniqueConstraint("kpi", "segment", name=op.f("uq_kpi_targets_kpi_segment")),
    )
    op.create_index(op.f("ix_kpi_targets_kpi"), "kpi_targets", ["kpi"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kpi_targets_kpi"), table_name="kpi_targets")
    op.drop_table("kpi_targets")
    op.drop_table("kpi_definitions")
