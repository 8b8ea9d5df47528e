"""Voiding a payment recorded by mistake (#16 item 2): before anything of it is posted, with a
reason; kept in the database, marked voided, counted nowhere, audited. After a posting the
correction is a reversal; the database's triggers (migration 0020 beside 0015's) hold it too."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from tests.clock import TODAY
from tests.services.test_revenue import License, distribute, receive, signed_license, technology
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.reports import autm
from tlo.revenue import services as revenue
from tlo.revenue import statements
from tlo.revenue.models import Distribution, DistributionLine, Income

INCOMES = Income.__table__


@pytest.fixture
def license_(engine, office) -> License:
    """A signed license on one technology of Alice Chen (60 %) and a colleague (40 %), with no
    patent costs: every payment reaches the inventors."""
    case_id = technology(engine, office, costs="0")
    return License(
        signed_license(engine, office, [case_id]), [case_id], office.inventor.person_id, 0
    )


def void(engine, actor, income_id, reason="Recorded twice: the licensee paid once"):
    with unit_of_work(engine) as session:
        return revenue.void_income(session, actor=actor, income_id=income_id, reason=reason)


def row_of(engine, income_id) -> sa.Row:
    with engine.connect() as connection:
        return connection.execute(sa.select(INCOMES).where(INCOMES.c.id == income_id)).one()


def state_of(engine, office, income_id) -> str:
    with unit_of_work(engine) as session:
        rows = revenue.list_incomes(session, actor=office.finance).items
    return next(row.state for row in rows if row.income.id == income_id)


def distributions_of(engine, income_id) -> int:
    with unit_of_work(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(Distribution)
            .where(Distribution.income_id == income_id)
        ).one()


def test_finance_voids_a_payment_recorded_by_mistake_and_it_stays_marked_and_audited(
    engine, office, license_
):
    income_id = receive(engine, office, license_.agreement_id, "5000")
    voided = void(engine, office.finance, income_id)
    assert voided.voided
    row = row_of(engine, income_id)  # still there, facts untouched
    assert (row.amount_cents, row.voided_by_name, row.voided_by_account_id) == (
        500_000,
        "Fiona Nakamura",
        office.finance.account_id,
    )
    assert row.void_reason == "Recorded twice: the licensee paid once"
    assert row.voided_at is not None
    assert state_of(engine, office, income_id) == "voided"
    with unit_of_work(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.action == "income.voided", AuditEntry.object_id == str(income_id)
            )
        ).one()
    assert entry.actor_account_id == office.finance.account_id
    assert entry.after == {
        "reason": "Recorded twice: the licensee paid once",
        "amount": "5000.00",
        "received_on": (TODAY - timedelta(days=5)).isoformat(),
    }


def test_voiding_discards_the_payments_drafts_in_the_same_transaction(engine, office, license_):
    income_id = receive(engine, office, license_.agreement_id, "5000")
    [draft] = distribute(engine, office, income_id, post=False)
    assert state_of(engine, office, income_id) == "draft"
    void(engine, office.finance, income_id)
    assert distributions_of(engine, income_id) == 0
    with unit_of_work(engine) as session:
        assert (
            session.exec(
                select(DistributionLine).where(DistributionLine.distribution_id == draft)
            ).all()
            == []
        )
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "income.voided")).one()
    assert entry.before == {"drafts": [draft]}


def test_a_payment_with_a_posted_distribution_is_not_voided_but_reversed(engine, office, license_):
    income_id = receive(engine, office, license_.agreement_id, "5000")
    distribute(engine, office, income_id)
    with pytest.raises(ValidationError, match="reverse its distribution instead"):
        void(engine, office.finance, income_id)
    assert row_of(engine, income_id).voided_at is None
    with unit_of_work(engine) as session:
        revenue.reverse_income(
            session, actor=office.finance, income_id=income_id, reason="Not ours to share"
        )
    void(engine, office.finance, income_id)  # nothing stands now: the mistake can be voided
    assert state_of(engine, office, income_id) == "voided"
    assert distributions_of(engine, income_id) == 2  # the posting and its reversal, kept


def test_a_voided_payment_is_never_distributed_nor_voided_again(engine, office, license_):
    income_id = receive(engine, office, license_.agreement_id, "5000")
    void(engine, office.finance, income_id)
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="was voided"):
            revenue.compute_distribution(session, actor=office.finance, income_id=income_id)
        with pytest.raises(ValidationError, match="was voided"):
            revenue.post_income(session, actor=office.finance, income_id=income_id)
        with pytest.raises(ValidationError, match=f"already voided by Fiona Nakamura on {TODAY}"):
            revenue.void_income(session, actor=office.finance, income_id=income_id, reason="x")
        with pytest.raises(ValidationError, match="nothing to reverse"):
            revenue.reverse_income(session, actor=office.finance, income_id=income_id, reason="x")


def test_a_void_needs_a_reason_and_the_right_to_void(engine, office, license_):
    income_id = receive(engine, office, license_.agreement_id, "5000")
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError), unit_of_work(engine) as session:
            revenue.void_income(session, actor=office.finance, income_id=income_id, reason=reason)
    for actor in (office.officer, office.inventor):
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            revenue.void_income(session, actor=actor, income_id=income_id, reason="Mistake")
    with pytest.raises(NotFound, match="There is no income"):
        void(engine, office.finance, 987_654)
    assert row_of(engine, income_id).voided_at is None
    void(engine, office.director, income_id)  # the director may, as with recording


def test_a_voided_payment_counts_in_no_run_report_or_statement(engine, office, license_):
    kept = receive(engine, office, license_.agreement_id, "10000")
    mistaken = receive(engine, office, license_.agreement_id, "7000")
    reversed_ = receive(engine, office, license_.agreement_id, "3000")
    distribute(engine, office, reversed_)
    with unit_of_work(engine) as session:
        revenue.reverse_income(session, actor=office.finance, income_id=reversed_, reason="Wrong")
        year = session.get(Income, kept).fiscal_year
    void(engine, office.finance, mistaken)
    void(engine, office.finance, reversed_)
    with unit_of_work(engine) as session:
        assert [i.id for i in revenue.undistributed_incomes(session, year)] == [kept]
        preview = revenue.preview_annual_run(session, actor=office.finance, fiscal_year=year)
        summary = revenue.annual_run(
            session, actor=office.finance, fiscal_year=year, fingerprint=preview.fingerprint
        )
    assert (preview.incomes, preview.total) == (1, Decimal("10000.00"))
    assert (summary.incomes, summary.total) == (1, Decimal("10000.00"))
    assert distributions_of(engine, mistaken) == 0
    with unit_of_work(engine) as session:
        report = autm.autm_metrics(session, actor=office.director, fiscal_year=year)
        statement = statements.inventor_statement(
            session, actor=office.finance, person_id=license_.alice
        )
        by_year = statements.income_by_year(session, actor=office.finance, person_id=license_.alice)
        paid = statements.people_paid(session, actor=office.finance)
    assert report["license_income"].value == Decimal("10000.00")
    assert len(report["license_income"].records.as_dicts()) == 1
    # Alice's statement holds the kept payment's line alone: the voided one, posted and
    # reversed before its void, shows neither line.
    [line] = statement.lines
    assert line.received_on == row_of(engine, kept).received_on
    assert statement.total == sum(amount for _, amount in by_year) == line.amount
    assert license_.alice in {person_id for person_id, _ in paid}


def test_the_database_holds_a_void_final_and_refuses_to_void_posted_money(engine, office, license_):
    posted = receive(engine, office, license_.agreement_id, "5000")
    distribute(engine, office, posted)
    voided = receive(engine, office, license_.agreement_id, "100")
    void(engine, office.finance, voided)
    later = TODAY - timedelta(days=1)
    refused = {
        "voiding an income whose posted distribution stands": (
            sa.update(Income).where(Income.id == posted).values(voided_at=sa.func.now()),
            "no posted distribution of it stands",
        ),
        "voiding again": (
            sa.update(Income).where(Income.id == voided).values(voided_at=None),
            "voided income stays as it was voided",
        ),
        "changing the reason": (
            sa.update(Income).where(Income.id == voided).values(void_reason="other"),
            "voided income stays as it was voided",
        ),
        "changing its amount": (
            sa.update(Income).where(Income.id == voided).values(amount_cents=1),
            "voided income stays as it was voided",
        ),
        "deleting it": (
            sa.delete(Income).where(Income.id == voided),
            "voided income stays as it was voided and is never deleted",
        ),
        # 0015 still holds for the posted one.
        "changing a posted income's date": (
            sa.update(Income).where(Income.id == posted).values(received_on=later),
            "income with a posted distribution is final",
        ),
    }
    before = {income_id: row_of(engine, income_id) for income_id in (posted, voided)}
    for statement, message in refused.values():
        with pytest.raises(sa.exc.IntegrityError, match=message), unit_of_work(engine) as session:
            session.execute(statement)
    assert {income_id: row_of(engine, income_id) for income_id in before} == before
    # Its note may still be completed, as a posted income's.
    with unit_of_work(engine) as session:
        session.execute(sa.update(Income).where(Income.id == voided).values(note="cheque 1042"))
    assert row_of(engine, voided).note == "cheque 1042"


def test_the_database_adds_no_distribution_to_a_voided_income(engine, office, license_):
    draft_of = receive(engine, office, license_.agreement_id, "5000")
    [draft] = distribute(engine, office, draft_of, post=False)
    voided = receive(engine, office, license_.agreement_id, "100")
    void(engine, office.finance, voided)
    table = Distribution.__table__
    with engine.connect() as connection:
        row = dict(connection.execute(sa.select(table).where(table.c.id == draft)).one()._mapping)
    del row["id"]
    with (
        pytest.raises(sa.exc.IntegrityError, match="voided income is not distributed"),
        unit_of_work(engine) as session,
    ):
        session.execute(sa.insert(table).values(**(row | {"income_id": voided})))
    # A draft moved onto the voided income by hand is not posted either.
    with (
        pytest.raises(sa.exc.IntegrityError, match="voided income is not distributed"),
        engine.begin() as connection,
    ):
        connection.execute(
            sa.text("UPDATE distribution SET income_id = :i WHERE id = :d"),
            {
                "i": voided,
                "d": draft,
            },
        )
        connection.execute(sa.update(table).where(table.c.id == draft).values(status="posted"))
    assert distributions_of(engine, voided) == 0
