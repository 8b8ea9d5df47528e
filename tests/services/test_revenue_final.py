"""A posted distribution and its lines never change: the ORM refuses what goes through the
session (ValidationError), the database's triggers refuse bulk statements (migration 0010).
After every refused change the database holds exactly what it held before."""

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.services.test_revenue import distribute, receive, signed_license, technology
from tlo.db import unit_of_work
from tlo.errors import ValidationError
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution, DistributionLine, DistributionStatus

FINAL = "posted distributions are final"
DISTRIBUTIONS = Distribution.__table__
LINES = DistributionLine.__table__


@dataclass
class Books:
    posted: int  # a posted distribution, with its lines
    draft: int  # a draft distribution of another income, with its lines


@pytest.fixture
def books(engine, office) -> Books:
    agreement_id = signed_license(engine, office, [technology(engine, office)])
    [posted] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    [draft] = distribute(engine, office, receive(engine, office, agreement_id, "500"), post=False)
    return Books(posted, draft)


def stored(engine, distribution_id) -> tuple[sa.Row, list[sa.Row]]:
    """The distribution's row and its lines as the database holds them."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(DISTRIBUTIONS).where(DISTRIBUTIONS.c.id == distribution_id)
        ).one()
        lines = connection.execute(
            sa.select(LINES).where(LINES.c.distribution_id == distribution_id).order_by(LINES.c.id)
        ).all()
    return row, list(lines)


def line_of(session, distribution_id) -> DistributionLine:
    return revenue.lines_of(session, distribution_id)[0]


def a_line_for(distribution_id) -> DistributionLine:
    return DistributionLine(
        distribution_id=distribution_id,
        position=99,
        recipient="office",
        recipient_class="office",
        amount_cents=1,
        rule="added afterwards",
    )


# --- through the session: the ORM guard -------------------------------------------------------


def test_the_amount_of_a_posted_distribution_cannot_be_edited(engine, books):
    before = stored(engine, books.posted)
    with (
        pytest.raises(ValidationError, match="is posted and cannot change"),
        unit_of_work(engine) as session,
    ):
        session.get(Distribution, books.posted).amount_cents = 1
    assert stored(engine, books.posted) == before


def test_no_line_can_be_added_to_a_posted_distribution(engine, books):
    before = stored(engine, books.posted)
    with (
        pytest.raises(ValidationError, match=f"Lines of posted distribution {books.posted}"),
        unit_of_work(engine) as session,
    ):
        session.add(a_line_for(books.posted))
    assert stored(engine, books.posted) == before


def test_a_posted_line_cannot_be_moved_to_a_draft(engine, books):
    before = stored(engine, books.posted), stored(engine, books.draft)
    with (
        pytest.raises(ValidationError, match=f"Lines of posted distribution {books.posted}"),
        unit_of_work(engine) as session,
    ):
        line_of(session, books.posted).distribution_id = books.draft
    assert (stored(engine, books.posted), stored(engine, books.draft)) == before


def test_a_draft_line_cannot_be_moved_into_a_posted_distribution(engine, books):
    before = stored(engine, books.posted), stored(engine, books.draft)
    with (
        pytest.raises(ValidationError, match=f"Lines of posted distribution {books.posted}"),
        unit_of_work(engine) as session,
    ):
        line_of(session, books.draft).distribution_id = books.posted
    assert (stored(engine, books.posted), stored(engine, books.draft)) == before


def test_a_line_of_a_posted_distribution_cannot_be_deleted(engine, books):
    before = stored(engine, books.posted)
    with (
        pytest.raises(ValidationError, match=f"Lines of posted distribution {books.posted}"),
        unit_of_work(engine) as session,
    ):
        session.delete(line_of(session, books.posted))
    assert stored(engine, books.posted) == before


# --- bulk statements: the database's triggers -------------------------------------------------


BULK = {
    "update the distribution": lambda b: (
        sa.update(Distribution).where(Distribution.id == b.posted).values(amount_cents=1)
    ),
    "update it without changing it": lambda b: (
        sa.update(Distribution).where(Distribution.id == b.posted).values(id=Distribution.id)
    ),
    "delete the distribution": lambda b: sa.delete(Distribution).where(Distribution.id == b.posted),
    "delete its lines": lambda b: sa.delete(DistributionLine).where(
        DistributionLine.distribution_id == b.posted
    ),
    "update its lines": lambda b: (
        sa.update(DistributionLine)
        .where(DistributionLine.distribution_id == b.posted)
        .values(amount_cents=DistributionLine.amount_cents + 1)
    ),
    "move its lines to a draft": lambda b: (
        sa.update(DistributionLine)
        .where(DistributionLine.distribution_id == b.posted)
        .values(distribution_id=b.draft)
    ),
    "move a draft's lines into it": lambda b: (
        sa.update(DistributionLine)
        .where(DistributionLine.distribution_id == b.draft)
        .values(distribution_id=b.posted)
    ),
    "insert a line": lambda b: sa.insert(DistributionLine).values(
        distribution_id=b.posted,
        position=99,
        recipient="office",
        recipient_class="office",
        amount_cents=1,
        rule="added afterwards",
    ),
}


@pytest.mark.parametrize("statement", BULK.values(), ids=BULK.keys())
def test_the_database_refuses_a_bulk_statement_on_a_posted_distribution(engine, books, statement):
    before = stored(engine, books.posted), stored(engine, books.draft)
    with pytest.raises(sa.exc.IntegrityError, match=FINAL), unit_of_work(engine) as session:
        session.execute(statement(books))
    assert (stored(engine, books.posted), stored(engine, books.draft)) == before


# --- drafts stay free -------------------------------------------------------------------------


def test_a_draft_can_be_computed_again_and_then_posted(engine, office, books):
    with unit_of_work(engine) as session:
        income_id = session.get(Distribution, books.draft).income_id
    # Computing again deletes the old draft's lines in bulk, then the draft, and makes a new one.
    with unit_of_work(engine) as session:
        [again] = revenue.compute_distribution(session, actor=office.finance, income_id=income_id)
        again_id = again.id
    with unit_of_work(engine) as session:
        of_income = sa.select(Distribution.id).where(Distribution.income_id == income_id)
        assert session.scalars(of_income).all() == [again_id]  # the old draft is gone
        stale_lines = (
            sa.select(sa.func.count())
            .select_from(LINES)
            .where(LINES.c.distribution_id.not_in([books.posted, again_id]))
        )
        assert session.scalar(stale_lines) == 0  # and so are its lines
        revenue.post_income(session, actor=office.finance, income_id=income_id)
    row, lines = stored(engine, again_id)
    assert row.status == DistributionStatus.POSTED.value
    assert sum(line.amount_cents for line in lines) == row.amount_cents == 50_000


def test_a_reversal_is_inserted_as_a_draft_given_its_lines_and_then_posted(engine, books):
    with unit_of_work(engine) as session:
        original = session.get(Distribution, books.posted)
        mirror = Distribution(
            **original.model_dump(exclude={"id", "status", "posted_by_name", "posted_at"}),
        )
        mirror.amount_cents = -original.amount_cents
        mirror.reverses_id = original.id
        session.add(mirror)
        session.flush()
        for line in revenue.lines_of(session, original.id):
            session.add(
                DistributionLine(
                    **line.model_dump(exclude={"id", "distribution_id", "amount_cents"}),
                    distribution_id=mirror.id,
                    amount_cents=-line.amount_cents,
                )
            )
        session.flush()
        session.execute(
            sa.update(Distribution)
            .where(Distribution.id == mirror.id)
            .values(status=DistributionStatus.POSTED.value)
        )
        mirror_id = mirror.id
    row, mirror_lines = stored(engine, mirror_id)
    assert row.status == DistributionStatus.POSTED.value
    assert [-line.amount_cents for line in mirror_lines] == [
        line.amount_cents for line in stored(engine, books.posted)[1]
    ]
