"""posted distributions are final

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 10:12:00.000000

The database refuses any change to a posted distribution or to its lines, whatever statement
tries (the ORM guard in tlo/revenue/models.py cannot see bulk UPDATE and DELETE statements):

- a distribution whose stored status is 'posted' is never updated or deleted (a draft may be
  updated to 'posted': its old status is 'draft');
- a line is inserted only into a draft, never moved into or out of a posted distribution,
  never updated or deleted while its distribution is posted.

So a reversal is inserted as a draft, given its lines, then posted.

Triggers are invisible to autogenerate (tests/services/test_migrations.py). On SQLite they
are dropped with their table: a later batch migration that copies `distribution` or
`distribution_line` must create them again.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = 'posted distributions are final; reverse them instead'

POSTED_PARENT = (
    "EXISTS (SELECT 1 FROM distribution WHERE id = {}.distribution_id AND status = 'posted')"
)

# name: (timing and event, table, condition) -- the SQLite triggers; PostgreSQL's have the same
# names and do the same in plpgsql (a WHEN clause there cannot hold a subquery).
SQLITE_TRIGGERS = {
    'distribution_posted_no_update': (
        'BEFORE UPDATE', 'distribution', "OLD.status = 'posted'"
    ),
    'distribution_posted_no_delete': (
        'BEFORE DELETE', 'distribution', "OLD.status = 'posted'"
    ),
    'distribution_line_posted_no_insert': (
        'BEFORE INSERT', 'distribution_line', POSTED_PARENT.format('NEW')
    ),
    'distribution_line_posted_no_update': (
        'BEFORE UPDATE',
        'distribution_line',
        f"{POSTED_PARENT.format('OLD')} OR {POSTED_PARENT.format('NEW')}",
    ),
    'distribution_line_posted_no_delete': (
        'BEFORE DELETE', 'distribution_line', POSTED_PARENT.format('OLD')
    ),
}

# restrict_violation (23001) is an integrity error to every driver, as SQLite's RAISE(ABORT) is.
POSTGRESQL_FUNCTIONS = {
    'posted_distribution_is_final': f"""
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END
    """,
    'posted_distribution_line_is_final': f"""
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                IF {POSTED_PARENT.format('OLD')} THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
                END IF;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                IF {POSTED_PARENT.format('NEW')} THEN
                    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
                END IF;
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END
    """,
}

# name: (timing and event, table, WHEN condition or None, function)
POSTGRESQL_TRIGGERS = {
    'distribution_posted_no_update': (
        'BEFORE UPDATE', 'distribution', "OLD.status = 'posted'", 'posted_distribution_is_final'
    ),
    'distribution_posted_no_delete': (
        'BEFORE DELETE', 'distribution', "OLD.status = 'posted'", 'posted_distribution_is_final'
    ),
    'distribution_line_posted_no_insert': (
        'BEFORE INSERT', 'distribution_line', None, 'posted_distribution_line_is_final'
    ),
    'distribution_line_posted_no_update': (
        'BEFORE UPDATE', 'distribution_line', None, 'posted_distribution_line_is_final'
    ),
    'distribution_line_posted_no_delete': (
        'BEFORE DELETE', 'distribution_line', None, 'posted_distribution_line_is_final'
    ),
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    if name not in ('sqlite', 'postgresql'):
        raise NotImplementedError(f'No triggers for {name}; tlo runs on SQLite and PostgreSQL.')
    return name


def upgrade() -> None:
    if _dialect() == 'postgresql':
        for name, body in POSTGRESQL_FUNCTIONS.items():
            op.execute(
                f'CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$'
            )
        for name, (event, table, condition, function) in POSTGRESQL_TRIGGERS.items():
            when = f'WHEN ({condition}) ' if condition else ''
            op.execute(
                f'CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW {when}'
                f'EXECUTE FUNCTION {function}()'
            )
    else:
        for name, (event, table, condition) in SQLITE_TRIGGERS.items():
            op.execute(
                f'CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW WHEN {condition} '
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade() -> None:
    if _dialect() == 'postgresql':
        for name, (_event, table, _condition, _function) in POSTGRESQL_TRIGGERS.items():
            op.execute(f'DROP TRIGGER {name} ON {table}')
        for name in POSTGRESQL_FUNCTIONS:
            op.execute(f'DROP FUNCTION {name}()')
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER {name}')
