"""royalty terms: tiers by cumulative net sales, minimum annual royalties, late interest

Revision ID: 0031
Revises: 0029
Create Date: 2026-12-03 08:30:00.000000

Issue 17, "Terms that can express real licenses". A royalty rate's percent moves to its tiers
(`royalty_tier`: the percent on the category's cumulative net sales up to a bound, the last
tier without one); every rate recorded before keeps its percent as a one-tier schedule. A
minimum annual royalty per calendar year (`minimum_royalty`), simple late-payment interest a
year (`agreement.late_interest_bp`, 0 for the agreements recorded before: none agreed), the
days after a period ends that its report is due (`agreement.report_due_days`, 45 as before,
when it was a constant) and the currencies reports may use (`agreement.report_currencies`,
USD) are new terms of the agreement.

Going down puts each category's first tier back as its single rate (a tiered schedule loses
its later tiers) and forgets the minimums, interest, days and currencies.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0031"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    # Added in place (SQLite adds a column with a constant default without copying the
    # table that income, drafts and links point at).
    op.add_column(
        "agreement",
        sa.Column("report_due_days", sa.Integer(), nullable=False, server_default="45"),
    )
    op.add_column(
        "agreement",
        sa.Column("late_interest_bp", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "agreement",
        sa.Column(
            "report_currencies", text(length=100), nullable=False, server_default="USD"
        ),
    )
    op.create_table(
        "royalty_tier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("royalty_rate_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("up_to_cents", sa.BigInteger(), nullable=True),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["royalty_rate_id"], ["royalty_rate.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("royalty_rate_id", "position"),
    )
    op.create_index("ix_royalty_tier_royalty_rate_id", "royalty_tier", ["royalty_rate_id"])
    op.execute(
        "INSERT INTO royalty_tier (royalty_rate_id, position, up_to_cents, rate_bp) "
        "SELECT id, 1, NULL, rate_bp FROM royalty_rate"
    )
    # In place on both (SQLite 3.35 and later drops an unindexed column without a copy).
    op.drop_column("royalty_rate", "rate_bp")
    op.create_table(
        "minimum_royalty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id", "year"),
    )
    op.create_index("ix_minimum_royalty_agreement_id", "minimum_royalty", ["agreement_id"])


def downgrade() -> None:
    op.drop_table("minimum_royalty")
    op.add_column(
        "royalty_rate",
        sa.Column("rate_bp", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE royalty_rate SET rate_bp = COALESCE((SELECT t.rate_bp FROM royalty_tier t "
        "WHERE t.royalty_rate_id = royalty_rate.id ORDER BY t.position LIMIT 1), 0)"
    )
    op.drop_table("royalty_tier")
    op.drop_column("agreement", "report_currencies")
    op.drop_column("agreement", "late_interest_bp")
    op.drop_column("agreement", "report_due_days")
