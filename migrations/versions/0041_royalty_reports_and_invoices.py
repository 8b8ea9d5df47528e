"""royalty reports, licensee invoices and licensee accounts (#17): a licensee's account belongs
to a company; reports of an agreement's periods with their lines; invoices issued from approved
reports and from the agreements' obligations

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "licensee_account",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_index("ix_licensee_account_company_id", "licensee_account", ["company_id"])
    op.create_table(
        "royalty_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("live_key", sa.String(length=40), nullable=True),
        sa.Column("zero", sa.Boolean(), nullable=False),
        sa.Column("sublicense_income_cents", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("submitted_by_account_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_name", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_account_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_name", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reject_reason", sa.String(length=1000), nullable=True),
        sa.Column("running_royalty_cents", sa.BigInteger(), nullable=True),
        sa.Column("sublicense_fees_cents", sa.BigInteger(), nullable=True),
        sa.Column("minimum_top_up_cents", sa.BigInteger(), nullable=True),
        sa.Column("total_due_cents", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["submitted_by_account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["reviewed_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("live_key"),
    )
    op.create_index("ix_royalty_report_agreement_id", "royalty_report", ["agreement_id"])
    op.create_index("ix_royalty_report_status", "royalty_report", ["status"])
    op.create_table(
        "royalty_report_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("gross_sales_cents", sa.BigInteger(), nullable=False),
        sa.Column("deductions_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("to_usd", sa.String(length=24), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=True),
        sa.Column("country_of_manufacture", sa.String(length=2), nullable=False),
        sa.Column("country_of_sale", sa.String(length=2), nullable=False),
        sa.Column("net_sales_usd_cents", sa.BigInteger(), nullable=True),
        sa.Column("royalty_cents", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["royalty_report.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_royalty_report_line_report_id", "royalty_report_line", ["report_id"])
    op.create_table(
        "licensee_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("obligation_key", sa.String(length=120), nullable=True),
        sa.Column("royalty_report_id", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("void_reason", sa.String(length=1000), nullable=True),
        sa.Column("issued_by_account_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["royalty_report_id"], ["royalty_report.id"]),
        sa.ForeignKeyConstraint(["issued_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("obligation_key"),
        sa.UniqueConstraint("royalty_report_id"),
    )
    op.create_index("ix_licensee_invoice_agreement_id", "licensee_invoice", ["agreement_id"])
    op.create_index("ix_licensee_invoice_issued_on", "licensee_invoice", ["issued_on"])
    op.create_index("ix_licensee_invoice_due_on", "licensee_invoice", ["due_on"])
    op.create_index("ix_licensee_invoice_status", "licensee_invoice", ["status"])


def downgrade() -> None:
    op.drop_table("licensee_invoice")
    op.drop_table("royalty_report_line")
    op.drop_table("royalty_report")
    op.drop_table("licensee_account")
