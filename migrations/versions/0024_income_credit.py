"""stored income credit per technology

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 16:00:00.000000

What each income counts for each technology of its agreement, stored (`income_credit`, see
`tlo.revenue.credit`), so that the dashboard adds up rows instead of computing the credit from
distributions and allocations with window functions on every render. Filled here from the
records already there, in one INSERT ... SELECT (the credit as `credit.computed_credit`
computes it, written out in SQL that SQLite and PostgreSQL both run); from then on the
services keep it. And an index of income that the charts without a technology filter read
alone (`ix_income_dashboard`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An income with a standing posted distribution (posted, not a reversal, not reversed) is
# credited by its posted distributions; any other one that counts (not voided) by the
# agreement's allocation: rounded down, the leftover cents one each to the largest remainders,
# ties to the lower technology id. One row per income and technology.
FILL = """
INSERT INTO income_credit
    (income_id, disclosure_id, agreement_id, fiscal_year, income_type, cents)
SELECT income_id, disclosure_id, agreement_id, fiscal_year, income_type, SUM(cents)
FROM (
    SELECT d.income_id, d.disclosure_id, i.agreement_id, i.fiscal_year, i.income_type,
           d.amount_cents AS cents
    FROM distribution d JOIN income i ON i.id = d.income_id
    WHERE d.status = 'posted' AND i.voided_at IS NULL
    UNION ALL
    SELECT income_id, disclosure_id, agreement_id, fiscal_year, income_type,
           rounded_down + CASE WHEN part_rank <= leftover THEN 1 ELSE 0 END
    FROM (
        SELECT i.id AS income_id, t.disclosure_id, i.agreement_id, i.fiscal_year,
               i.income_type,
               (i.amount_cents * t.allocation_bp) / 10000 AS rounded_down,
               i.amount_cents - SUM((i.amount_cents * t.allocation_bp) / 10000)
                   OVER (PARTITION BY i.id) AS leftover,
               ROW_NUMBER() OVER (
                   PARTITION BY i.id
                   ORDER BY (i.amount_cents * t.allocation_bp) % 10000 DESC, t.disclosure_id
               ) AS part_rank
        FROM income i JOIN agreement_technology t ON t.agreement_id = i.agreement_id
        WHERE i.voided_at IS NULL AND NOT EXISTS (
            SELECT 1 FROM distribution s
            WHERE s.income_id = i.id AND s.status = 'posted' AND s.reverses_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM distribution r WHERE r.reverses_id = s.id)
        )
    ) allocated
) credited
GROUP BY income_id, disclosure_id, agreement_id, fiscal_year, income_type
"""


def upgrade() -> None:
    op.create_table(
        'income_credit',
        sa.Column('income_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('disclosure_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column(
            'income_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False
        ),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('income_id', 'disclosure_id'),
    )
    op.create_index(
        'ix_income_credit_year_type',
        'income_credit',
        ['fiscal_year', 'income_type', 'disclosure_id', 'cents'],
    )
    op.create_index(
        'ix_income_credit_technology',
        'income_credit',
        ['disclosure_id', 'fiscal_year', 'income_type', 'income_id', 'cents'],
    )
    # Statistics first: without them (SQLite never analysed, PostgreSQL before autovacuum ran)
    # "no standing distribution" is tested by a loop over every posted distribution for each
    # income. On SQLite only the tables holding rows without statistics (as tlo.db.migrate
    # does after the migrations), so that an empty new database is not marked analysed.
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        tlo.db._analyze_unanalyzed_tables(bind)
    else:
        op.execute('ANALYZE income, distribution, agreement_technology')
    op.execute(FILL)
    # The income charts without a technology filter (and the top licensees) read only this.
    op.create_index(
        'ix_income_dashboard',
        'income',
        ['fiscal_year', 'income_type', 'voided_at', 'agreement_id', 'amount_cents'],
    )


def downgrade() -> None:
    op.drop_index('ix_income_dashboard', table_name='income')
    op.drop_index('ix_income_credit_technology', table_name='income_credit')
    op.drop_index('ix_income_credit_year_type', table_name='income_credit')
    op.drop_table('income_credit')
