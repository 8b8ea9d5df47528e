"""equity: holdings in the companies we license to, and their events (issue #19, item 2)

Revision ID: 0030
Revises: 0034
Create Date: 2026-12-03 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0030"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "equity_holding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("share_class", sa.String(length=100), nullable=False),
        sa.Column("certificate", sa.String(length=100), nullable=False),
        sa.Column("held_for", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("created_by_account_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["created_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_equity_holding_company_id", "equity_holding", ["company_id"])
    op.create_index("ix_equity_holding_agreement_id", "equity_holding", ["agreement_id"])
    op.create_table(
        "equity_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holding_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("shares", sa.BigInteger(), nullable=False),
        sa.Column("price_micros", sa.BigInteger(), nullable=True),
        sa.Column("ratio_new", sa.Integer(), nullable=True),
        sa.Column("ratio_old", sa.Integer(), nullable=True),
        sa.Column("income_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("created_by_account_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("voided_at", tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("voided_by_account_id", sa.Integer(), nullable=True),
        sa.Column("voided_by_name", sa.String(length=200), nullable=True),
        sa.Column("void_reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["holding_id"], ["equity_holding.id"]),
        sa.ForeignKeyConstraint(["income_id"], ["income.id"]),
        sa.ForeignKeyConstraint(["created_by_account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["voided_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("income_id"),
    )
    op.create_index("ix_equity_event_holding_day", "equity_event", ["holding_id", "occurred_on"])
    op.create_index("ix_equity_event_kind", "equity_event", ["kind"])
    op.create_index("ix_equity_event_occurred_on", "equity_event", ["occurred_on"])


def downgrade() -> None:
    op.drop_table("equity_event")
    op.drop_table("equity_holding")
