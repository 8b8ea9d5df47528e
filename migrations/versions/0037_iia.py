"""inter-institutional agreements: an IIA per jointly owned technology and its co-owners

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-04 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "iia",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("lead_position", sa.Integer(), nullable=False),
        sa.Column("prosecution_position", sa.Integer(), nullable=False),
        sa.Column("lead_fee_bp", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("updated_by_account_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.ForeignKeyConstraint(["updated_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("disclosure_id"),
    )
    op.create_table(
        "iia_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iia_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ownership_bp", sa.Integer(), nullable=False),
        sa.Column("cost_share_bp", sa.Integer(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(["iia_id"], ["iia.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iia_id", "position"),
    )
    op.create_index("ix_iia_party_iia_id", "iia_party", ["iia_id"])


def downgrade() -> None:
    op.drop_table("iia_party")
    op.drop_table("iia")
