"""ledger gaps closed

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 01:30:00.000000

Migration 0010 made a posted distribution and its lines final. Three ways around it remained,
each closed here by a trigger on both databases:

- a distribution is born a draft: an INSERT with status 'posted' (a forged posting, with or
  without lines) is refused;
- a draft is posted only when its lines add up to its amount, to the cent (the service
  always adds the lines first, then posts);
- an income with a posted distribution is final too: its amount, type, date, fiscal year
  and agreement are never updated, and it is never deleted (a correction is a reversal and a
  new income). Its note and licensee reference may still be completed.

A database owner (or a superuser) can still disable triggers: README, "Least privilege on
PostgreSQL", says how tlo runs with an application role that owns nothing.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BORN_A_DRAFT = 'a distribution is inserted as a draft and posted afterwards'
UNBALANCED = 'a distribution is posted only when its lines add up to its amount'
INCOME_FINAL = 'an income with a posted distribution is final; reverse it instead'

LINES_TOTAL = (
    'COALESCE((SELECT SUM(amount_cents) FROM distribution_line '
    'WHERE distribution_id = NEW.id), 0)'
)
INCOME_POSTED = (
    "EXISTS (SELECT 1 FROM distribution WHERE income_id = OLD.id AND status = 'posted')"
)
INCOME_FACTS = ('amount_cents', 'income_type', 'received_on', 'fiscal_year', 'agreement_id')
# SQLite's IS NOT compares NULLs too; PostgreSQL says IS DISTINCT FROM.
FACTS_CHANGED = {
    dialect: ' OR '.join(f'NEW.{column} {operator} OLD.{column}' for column in INCOME_FACTS)
    for dialect, operator in (('sqlite', 'IS NOT'), ('postgresql', 'IS DISTINCT FROM'))
}

# name: (timing and event, table, condition, message)
TRIGGERS = {
    'distribution_born_a_draft': (
        'BEFORE INSERT', 'distribution', "NEW.status = 'posted'", BORN_A_DRAFT
    ),
    'distribution_posted_balanced': (
        'BEFORE UPDATE',
        'distribution',
        f"NEW.status = 'posted' AND OLD.status <> 'posted' AND {LINES_TOTAL} <> NEW.amount_cents",
        UNBALANCED,
    ),
    'income_posted_no_update': ('BEFORE UPDATE', 'income', None, INCOME_FINAL),
    'income_posted_no_delete': ('BEFORE DELETE', 'income', INCOME_POSTED, INCOME_FINAL),
}


def _condition(name: str, dialect: str) -> str:
    condition = TRIGGERS[name][2]
    if name == 'income_posted_no_update':
        condition = f'({FACTS_CHANGED[dialect]}) AND {INCOME_POSTED}'
    return condition


def _dialect() -> str:
    name = op.get_bind().dialect.name
    if name not in ('sqlite', 'postgresql'):
        raise NotImplementedError(f'No triggers for {name}; tlo runs on SQLite and PostgreSQL.')
    return name


def upgrade() -> None:
    dialect = _dialect()
    for name, (event, table, _condition_, message) in TRIGGERS.items():
        condition = _condition(name, dialect)
        if dialect == 'sqlite':
            op.execute(
                f'CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW WHEN {condition} '
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
            continue
        # A WHEN clause cannot hold a subquery on PostgreSQL: the function tests the condition.
        # restrict_violation (23001) is an integrity error to every driver, as SQLite's is.
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
    for name, (_event, table, _condition_, _message) in TRIGGERS.items():
        if dialect == 'sqlite':
            op.execute(f'DROP TRIGGER {name}')
        else:
            op.execute(f'DROP TRIGGER {name} ON {table}')
            op.execute(f'DROP FUNCTION {name}()')
