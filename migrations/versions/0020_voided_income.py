"""voided incomes, and who computed a distribution

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 07:00:00.000000

An income recorded by mistake is voided, never deleted: `voided_at`, `voided_by_account_id`,
`voided_by_name` and `void_reason` say who, when and why, and a voided income counts nowhere.
A distribution keeps the account that computed it (`computed_by_account_id`), so that with
four eyes on (TLO_FOUR_EYES) someone else posts it.

The database holds the void final, as 0010 and 0015 hold posted money, by triggers on both
databases:

- an income is voided only while no posted distribution of it stands (posted, not reversed);
  otherwise its distribution is reversed first;
- a voided income stays voided, with its facts and the record of the void, and is never
  deleted;
- no distribution is added to a voided income, and none of its drafts is posted.

Columns are added in place, not by a batch copy: on SQLite a copy would drop the triggers of
0010 and 0015 on `income` and `distribution` (and an added column needs no copy).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STANDS = 'an income is voided only while no posted distribution of it stands; reverse it first'
VOID_FINAL = 'a voided income stays as it was voided and is never deleted'
NOT_TO_VOIDED = 'a voided income is not distributed'

# A posted distribution of the income that stands: neither a reversal nor reversed.
STANDING = (
    "EXISTS (SELECT 1 FROM distribution AS d WHERE d.income_id = OLD.id "
    "AND d.status = 'posted' AND d.reverses_id IS NULL "
    "AND NOT EXISTS (SELECT 1 FROM distribution AS r WHERE r.reverses_id = d.id))"
)
VOIDED_INCOME = (
    'EXISTS (SELECT 1 FROM income WHERE income.id = NEW.income_id '
    'AND income.voided_at IS NOT NULL)'
)
KEPT = (
    'voided_at', 'voided_by_account_id', 'voided_by_name', 'void_reason',
    'amount_cents', 'income_type', 'received_on', 'fiscal_year', 'agreement_id',
)
# SQLite's IS NOT compares NULLs too; PostgreSQL says IS DISTINCT FROM.
KEPT_CHANGED = {
    dialect: ' OR '.join(f'NEW.{column} {operator} OLD.{column}' for column in KEPT)
    for dialect, operator in (('sqlite', 'IS NOT'), ('postgresql', 'IS DISTINCT FROM'))
}

# name: (timing and event, table, condition by dialect, message)
TRIGGERS = {
    'income_voided_when_nothing_stands': (
        'BEFORE UPDATE',
        'income',
        lambda dialect: f'NEW.voided_at IS NOT NULL AND OLD.voided_at IS NULL AND {STANDING}',
        STANDS,
    ),
    'income_voided_stays_voided': (
        'BEFORE UPDATE',
        'income',
        lambda dialect: f'OLD.voided_at IS NOT NULL AND ({KEPT_CHANGED[dialect]})',
        VOID_FINAL,
    ),
    'income_voided_no_delete': (
        'BEFORE DELETE', 'income', lambda dialect: 'OLD.voided_at IS NOT NULL', VOID_FINAL
    ),
    'distribution_not_of_voided_income': (
        'BEFORE INSERT', 'distribution', lambda dialect: VOIDED_INCOME, NOT_TO_VOIDED
    ),
    'distribution_of_voided_income_not_posted': (
        'BEFORE UPDATE',
        'distribution',
        lambda dialect: f"NEW.status = 'posted' AND OLD.status <> 'posted' AND {VOIDED_INCOME}",
        NOT_TO_VOIDED,
    ),
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    if name not in ('sqlite', 'postgresql'):
        raise NotImplementedError(f'No triggers for {name}; tlo runs on SQLite and PostgreSQL.')
    return name


def _add_columns(dialect: str) -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.add_column(
        'income', sa.Column('voided_at', tlo.db.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column('income', sa.Column('voided_by_name', text(length=200), nullable=True))
    op.add_column(
        'income', sa.Column('void_reason', text(), server_default='', nullable=False)
    )
    # The two account columns refer to `account`. SQLite adds a column with its REFERENCES in
    # place (ALTER TABLE ... ADD COLUMN); alembic would only add a constraint by a table copy.
    for table, column in (
        ('income', 'voided_by_account_id'),
        ('distribution', 'computed_by_account_id'),
    ):
        if dialect == 'sqlite':
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES account (id)')
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(
                f'fk_{table}_{column}_account', table, 'account', [column], ['id']
            )


def upgrade() -> None:
    dialect = _dialect()
    _add_columns(dialect)
    for name, (event, table, condition_of, message) in TRIGGERS.items():
        condition = condition_of(dialect)
        if dialect == 'sqlite':
            op.execute(
                f'CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW WHEN {condition} '
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
            continue
        # As in 0015: the function tests the condition (a WHEN clause holds no subquery there).
        result = 'OLD' if event.endswith('DELETE') else 'NEW'
        op.execute(
            f'CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f"IF {condition} THEN RAISE EXCEPTION '{message}' USING ERRCODE = "
            f"'restrict_violation'; END IF; RETURN {result}; END $$"
        )
        op.execute(
            f'CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()'
        )


def downgrade() -> None:
    dialect = _dialect()
    for name, (_event, table, _condition, _message) in TRIGGERS.items():
        if dialect == 'sqlite':
            op.execute(f'DROP TRIGGER {name}')
        else:
            op.execute(f'DROP TRIGGER {name} ON {table}')
            op.execute(f'DROP FUNCTION {name}()')
    # SQLite (3.35 and later) drops a column in place too, its REFERENCES with it.
    for table, column in (
        ('distribution', 'computed_by_account_id'),
        ('income', 'voided_by_account_id'),
    ):
        if dialect == 'postgresql':
            op.drop_constraint(f'fk_{table}_{column}_account', table, type_='foreignkey')
        op.drop_column(table, column)
    for column in ('void_reason', 'voided_by_name', 'voided_at'):
        op.drop_column('income', column)
