"""What migration 0010 left open, closed by 0015's triggers: a forged "posted" distribution,
posting unbalanced lines, and changing or deleting an income once it has been posted. Each
refusal leaves the database exactly as it was."""

import pytest
import sqlalchemy as sa

from tests.services.test_revenue_final import books, stored  # noqa: F401 (a fixture)
from tlo.db import unit_of_work
from tlo.revenue.models import Distribution, DistributionLine, DistributionStatus, Income

INCOMES = Income.__table__


def income_row(engine, income_id) -> sa.Row:
    with engine.connect() as connection:
        return connection.execute(sa.select(INCOMES).where(INCOMES.c.id == income_id)).one()


def income_of(engine, distribution_id) -> int:
    with unit_of_work(engine) as session:
        return session.get(Distribution, distribution_id).income_id


def forged(engine, books, **changes) -> dict:  # noqa: F811
    """A copy of the posted distribution's row, as an attacker would insert it."""
    row, _ = stored(engine, books.posted)
    values = dict(row._mapping) | {"reverses_id": None} | changes
    del values["id"]
    return values


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_distribution_inserted_as_posted_is_refused(engine, books):  # noqa: F811
    before = count(engine, Distribution.__table__)
    with (
        pytest.raises(sa.exc.IntegrityError, match="inserted as a draft"),
        unit_of_work(engine) as session,
    ):
        session.execute(sa.insert(Distribution).values(**forged(engine, books)))
    assert count(engine, Distribution.__table__) == before


def test_a_draft_whose_lines_do_not_add_up_is_not_posted(engine, books):  # noqa: F811
    before = stored(engine, books.draft)
    with (
        pytest.raises(sa.exc.IntegrityError, match="lines add up to its amount"),
        unit_of_work(engine) as session,
    ):
        session.execute(
            sa.update(DistributionLine)
            .where(DistributionLine.id == before[1][0].id)
            .values(amount_cents=DistributionLine.amount_cents + 1)
        )
        session.execute(
            sa.update(Distribution)
            .where(Distribution.id == books.draft)
            .values(status=DistributionStatus.POSTED.value)
        )
    assert stored(engine, books.draft) == before


def test_a_forged_draft_without_lines_cannot_be_posted(engine, books):  # noqa: F811
    before = count(engine, Distribution.__table__)
    with (
        pytest.raises(sa.exc.IntegrityError, match="lines add up to its amount"),
        unit_of_work(engine) as session,
    ):
        draft = forged(engine, books, status=DistributionStatus.DRAFT.value)
        new_id = session.execute(sa.insert(Distribution).values(**draft)).inserted_primary_key[0]
        session.execute(
            sa.update(Distribution).where(Distribution.id == new_id).values(status="posted")
        )
    assert count(engine, Distribution.__table__) == before


INCOME_CHANGES = {
    "amount": {"amount_cents": 1},
    "type": {"income_type": "upfront"},
    "date": {"received_on": None},  # replaced by a real other day in the test
    "fiscal year": {"fiscal_year": INCOMES.c.fiscal_year + 1},
}


@pytest.mark.parametrize("change", INCOME_CHANGES.values(), ids=INCOME_CHANGES.keys())
def test_the_facts_of_a_posted_income_cannot_be_updated(engine, books, change):  # noqa: F811
    income_id = income_of(engine, books.posted)
    before = income_row(engine, income_id)
    if "received_on" in change:
        other_day = 2 if before.received_on.day == 1 else 1
        change = {"received_on": before.received_on.replace(day=other_day)}
    with (
        pytest.raises(sa.exc.IntegrityError, match="income with a posted distribution is final"),
        unit_of_work(engine) as session,
    ):
        session.execute(sa.update(Income).where(Income.id == income_id).values(**change))
    assert income_row(engine, income_id) == before


def test_a_posted_income_cannot_be_deleted(engine, books):  # noqa: F811
    income_id = income_of(engine, books.posted)
    before = income_row(engine, income_id)
    with (
        pytest.raises(sa.exc.IntegrityError, match="income with a posted distribution is final"),
        unit_of_work(engine) as session,
    ):
        session.execute(sa.delete(DistributionLine).where(sa.false()))
        session.execute(sa.delete(Income).where(Income.id == income_id))
    assert income_row(engine, income_id) == before


def test_a_posted_incomes_note_may_still_be_completed_and_a_draft_income_changed(
    engine,
    books,  # noqa: F811
):
    posted_income, draft_income = income_of(engine, books.posted), income_of(engine, books.draft)
    with unit_of_work(engine) as session:
        session.execute(
            sa.update(Income).where(Income.id == posted_income).values(note="cheque 1042")
        )
        session.execute(
            sa.update(Income).where(Income.id == draft_income).values(amount_cents=60_000)
        )
    assert income_row(engine, posted_income).note == "cheque 1042"
    assert income_row(engine, draft_income).amount_cents == 60_000


# --- least privilege on PostgreSQL (README, "Least privilege on PostgreSQL") -------------------

# What the README tells an operator to run, with the schema and role of this test.
APP_ROLE_GRANTS = """
CREATE ROLE {role} LOGIN;
GRANT USAGE ON SCHEMA {schema} TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
"""


@pytest.fixture
def app_role_engine(engine, database_url):
    """The migrated schema, reached through an application role that owns nothing."""
    if engine.dialect.name != "postgresql":
        pytest.skip("roles and privileges are PostgreSQL's")
    options = engine.url.query.get("options")  # a schema of its own, or a database of its own
    schema = options.removeprefix("-csearch_path=") if options else "public"
    role = f"{engine.url.database if schema == 'public' else schema}_app"
    with engine.begin() as connection:
        for statement in APP_ROLE_GRANTS.format(role=role, schema=schema).split(";"):
            if statement.strip():
                connection.execute(sa.text(statement))
    app_engine = sa.create_engine(engine.url.set(username=role))
    yield app_engine
    app_engine.dispose()
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP OWNED BY "{role}"'))
        connection.execute(sa.text(f'DROP ROLE "{role}"'))


def test_an_application_role_works_but_cannot_switch_the_triggers_off(
    engine,
    books,  # noqa: F811
    app_role_engine,
):
    income_id = income_of(engine, books.draft)
    with unit_of_work(app_role_engine) as session:  # the everyday work goes on
        session.execute(sa.update(Income).where(Income.id == income_id).values(note="checked"))
    with (
        pytest.raises(sa.exc.ProgrammingError, match="must be owner"),
        app_role_engine.begin() as connection,
    ):
        connection.execute(sa.text("ALTER TABLE distribution DISABLE TRIGGER ALL"))
    with (
        pytest.raises(sa.exc.IntegrityError, match="inserted as a draft"),
        unit_of_work(app_role_engine) as session,
    ):
        session.execute(sa.insert(Distribution).values(**forged(engine, books)))
    assert income_row(engine, income_id).note == "checked"
