"""Tables of the reports domain: weekly-summary subscriptions and deliveries.

Revision ID: reports_0001
Revises:
Create Date: 2026-12-04 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kundepuls.db

revision: str = "reports_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("reports",)
depends_on: str | Sequence[str] | None = "accounts_0001"


def upgrade() -> None:
    op.create_table(
        "report_subscriptions",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("weekly_summary", sa.Boolean(), nullable=False),
        sa.Column("updated_at", kundepuls.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_report_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_report_subscriptions")),
    )
    op.create_table(
        "report_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", kundepuls.db.UTCDateTime(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", kundepuls.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", kundepuls.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_report_deliveries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_deliveries")),
        sa.UniqueConstraint("kind", "period", "user_id", name=op.f("uq_report_deliveries_kind")),
    )
    op.create_index(
        op.f("ix_report_deliveries_status"), "report_deliveries", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_report_deliveries_user_id"), "report_deliveries", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_report_deliveries_user_id"), table_name="report_deliveries")
    op.drop_index(op.f("ix_report_deliveries_status"), table_name="report_deliveries")
    op.drop_table("report_deliveries")
    op.drop_table("report_subscriptions")
