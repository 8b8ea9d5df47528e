"""collection agents: an agreement's agent terms (its share of what it collects, who bears costs)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-04 03:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=False),
        sa.Column("costs_borne_by", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("updated_by_account_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["updated_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id"),
    )


def downgrade() -> None:
    op.drop_table("agent_terms")
