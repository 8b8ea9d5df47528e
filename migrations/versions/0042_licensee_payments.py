"""licensee payments (#17): money received against invoices, applied to them in parts that
become income; what is left over is the company's credit

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-04 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "licensee_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("recorded_by_account_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["recorded_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_licensee_payment_company_id", "licensee_payment", ["company_id"])
    op.create_table(
        "payment_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("income_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["licensee_payment.id"]),
        sa.ForeignKeyConstraint(["invoice_id"], ["licensee_invoice.id"]),
        sa.ForeignKeyConstraint(["income_id"], ["income.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_payment_allocation_payment_id", "payment_allocation", ["payment_id"])
    op.create_index("ix_payment_allocation_invoice_id", "payment_allocation", ["invoice_id"])
    op.create_index("ix_payment_allocation_income_id", "payment_allocation", ["income_id"])


def downgrade() -> None:
    op.drop_table("payment_allocation")
    op.drop_table("licensee_payment")
