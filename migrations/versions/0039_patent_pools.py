"""patent pools: a pool agreement's rule and contributed patents, and an income's parts per
technology fixed when a pool statement is recorded

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-04 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pool_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("standard", sa.String(length=200), nullable=False),
        sa.Column("updated_by_account_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["updated_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id"),
    )
    op.create_table(
        "pool_patent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["application_id"], ["patent_application.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "application_id"),
    )
    op.create_index("ix_pool_patent_agreement_id", "pool_patent", ["agreement_id"])
    op.create_table(
        "income_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("income_id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["income_id"], ["income.id"]),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("income_id", "disclosure_id"),
    )
    op.create_index("ix_income_part_income_id", "income_part", ["income_id"])


def downgrade() -> None:
    op.drop_table("income_part")
    op.drop_table("pool_patent")
    op.drop_table("pool_terms")
