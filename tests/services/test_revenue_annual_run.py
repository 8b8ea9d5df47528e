"""The annual run in bulk: exactly the distributions that computing and posting each income in
turn gives, on a small office with reversals, drafts, cost recovery, a reimbursement, tiers
per agreement and technologies shared between agreements; and a number of SQL statements
that does not grow with the payments."""

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tests.clock import TODAY
from tests.services.test_agreements import exclusive_form, licensee, save
from tests.services.test_revenue import distribute, receive, signed_license, technology
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.licensing import agreements
from tlo.licensing.agreement_models import AgreementStatus
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution, DistributionLine, Income

RECEIVED = TODAY - timedelta(days=3)  # one day for all: the run takes them in id order


def posted_since(session: Session, distribution_id: int, audit_id: int) -> tuple[list, list]:
    """What was posted after the given ids, as comparable values (no ids, no times): each
    distribution with its lines, in the order of the incomes; and the incomes audited."""
    rows = session.exec(
        select(Distribution)
        .join(Income, Income.id == Distribution.income_id)
        .where(Distribution.id > distribution_id, Distribution.status == "posted")
        .order_by(Income.received_on, Income.id, Distribution.disclosure_id)
    ).all()
    posted = []
    for d in rows:
        lines = session.exec(
            select(DistributionLine)
            .where(DistributionLine.distribution_id == d.id)
            .order_by(DistributionLine.position)
        ).all()
        posted.append(
            (
                d.income_id,
                d.disclosure_id,
                d.agreement_id,
                d.amount_cents,
                d.policy_name,
                d.policy_effective_from,
                d.costs_outstanding_cents,
                d.cumulative_before_cents,
                d.costs_recovered_cents,
                d.split_base_cents,
                d.reverses_id,
                d.posted_by_name,
                [
                    (
                        line.position,
                        line.recipient,
                        line.recipient_class,
                        line.person_id,
                        line.department_id,
                        line.school_id,
                        line.amount_cents,
                        line.rule,
                    )
                    for line in lines
                ],
            )
        )
    audited = session.exec(
        select(AuditEntry.action, AuditEntry.object_id)
        .where(AuditEntry.id > audit_id, AuditEntry.action == "distribution.posted")
        .order_by(AuditEntry.id)
    ).all()
    return posted, [tuple(entry) for entry in audited]


def rolled_back(engine, work):
    """What `work(session)` posts, in a transaction that is then rolled back."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            # Posted ones only: SQLite gives a discarded draft's id to the next distribution.
            distribution_id = (
                session.exec(
                    select(func.max(Distribution.id)).where(Distribution.status == "posted")
                ).one()
                or 0
            )
            audit_id = session.exec(select(func.max(AuditEntry.id))).one() or 0
            result = work(session)
            return result, posted_since(session, distribution_id, audit_id)
        finally:
            session.rollback()


def one_at_a_time(office, year):
    """The path an officer takes: each undistributed income computed and posted in turn."""

    def work(session):
        page = revenue.list_incomes(session, actor=office.finance, fiscal_year=year, limit=1000)
        waiting = sorted(
            (row.income for row in page.items if row.state != "posted"),
            key=lambda income: (income.received_on, income.id),
        )
        for income in waiting:
            revenue.compute_distribution(session, actor=office.finance, income_id=income.id)
            revenue.post_income(session, actor=office.finance, income_id=income.id)
        return [income.id for income in waiting]

    return work


def posted_both_ways(engine, office, income_id) -> list:
    """What the annual run of `income_id`'s fiscal year posts, after checking it is exactly
    what computing and posting each of the year's incomes in turn posts (both rolled back)."""
    with Session(engine) as session:
        year = session.get(Income, income_id).fiscal_year
    _, expected = rolled_back(engine, one_at_a_time(office, year))
    _, got = rolled_back(
        engine, lambda session: revenue.annual_run(session, actor=office.finance, fiscal_year=year)
    )
    assert got == expected
    posted, _ = got
    return posted


def executed(engine, office, company: str, technologies: list[int], **terms) -> int:
    """A license to `company`, executed a month ago."""
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(licensee(engine, office, company), technologies, **terms),
    )
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY - timedelta(days=30),
        )
    return agreement_id


def small_office(engine, office) -> dict[str, int]:
    """Three technologies (patent costs on two), three agreements (one technology on two of
    them), and a year's incomes: one posted, one posted then reversed, one left a draft, the
    rest undistributed. Returns the income ids by name, and the fiscal year."""
    battery = technology(engine, office, costs="20000", title="Solid-state battery")
    anode = technology(engine, office, costs="150000", title="Silicon anode")
    sensor = technology(engine, office, costs="0", title="Strain sensor")
    both = executed(
        engine, office, "First Licensee Inc.", [battery, anode], allocations=["70", "30"]
    )
    second = executed(engine, office, "Second Co", [battery], field_of_use="Grid")
    third = executed(engine, office, "Third Co", [sensor])
    incomes = {}

    def income(name, agreement_id, amount, kind="royalty"):
        incomes[name] = receive(engine, office, agreement_id, amount, kind, received_on=RECEIVED)

    income("posted", both, "10000")
    income("reversed", both, "2500000")
    income("draft", second, "50000")
    income("reimbursement", both, "30000", kind="cost_reimbursement")
    income("crosses the tier", both, "1800000")
    income("three cents", third, "0.03", kind="upfront")
    income("milestone", second, "123456.78", kind="milestone")
    income("small", both, "777.77")
    income("after the tier", both, "4321.09", kind="annual_fee")
    distribute(engine, office, incomes["posted"])
    distribute(engine, office, incomes["reversed"])
    with unit_of_work(engine) as session:
        revenue.reverse_income(
            session, actor=office.finance, income_id=incomes["reversed"], reason="Wrong amount"
        )
    distribute(engine, office, incomes["draft"], post=False)
    with unit_of_work(engine) as session:
        incomes["year"] = session.get(Income, incomes["posted"]).fiscal_year
    return incomes


def test_the_annual_run_posts_exactly_what_distributing_each_income_in_turn_posts(engine, office):
    incomes = small_office(engine, office)
    year = incomes["year"]
    waiting, expected = rolled_back(engine, one_at_a_time(office, year))
    summary, got = rolled_back(
        engine,
        lambda session: revenue.annual_run(session, actor=office.finance, fiscal_year=year),
    )
    assert got == expected
    posted, audited = got
    assert [name for name, income_id in incomes.items() if income_id in waiting] == [
        "reversed",
        "draft",
        "reimbursement",
        "crosses the tier",
        "three cents",
        "milestone",
        "small",
        "after the tier",
    ]
    assert [object_id for _, object_id in audited] == [str(income_id) for income_id in waiting]
    # The office exercises what it is meant to: costs recovered until none are left, a
    # reimbursement, the agreement's tier crossed, parts of one income on two technologies.
    rules = [line[-1] for *_, lines in posted for line in lines]
    assert any(rule.startswith("patent-cost reimbursement") for rule in rules)
    assert any("split tier 1" in rule and "split tier 2" in rule for rule in rules)
    assert any(rule.startswith("patent costs recovered") for rule in rules)
    assert sum(1 for d in posted if d[0] == incomes["crosses the tier"]) == 2
    assert (summary.incomes, summary.distributions) == (len(waiting), len(posted))
    assert summary.total * 100 == sum(d[3] for d in posted)
    by_recipient = {}
    for *_, lines in posted:
        for line in lines:
            key = (line[1], line[2])
            by_recipient[key] = by_recipient.get(key, 0) + line[6]
    assert {(t.recipient, t.recipient_class): t.amount * 100 for t in summary.by_recipient} == (
        by_recipient
    )


def statements_of_a_run(engine, office, year) -> int:
    count = 0

    def counted(*_args) -> None:
        nonlocal count
        count += 1

    with Session(engine) as session:
        try:
            sa.event.listen(engine, "before_cursor_execute", counted)
            summary = revenue.annual_run(session, actor=office.finance, fiscal_year=year)
        finally:
            sa.event.remove(engine, "before_cursor_execute", counted)
            session.rollback()
    assert summary.incomes > 0
    return count


def test_the_annual_run_needs_no_more_statements_for_ten_payments_than_for_two(engine, office):
    battery = technology(engine, office, costs="20000")
    agreement_id = signed_license(engine, office, [battery])
    first = receive(engine, office, agreement_id, "1000", received_on=RECEIVED)
    receive(engine, office, agreement_id, "2000", received_on=RECEIVED)
    with unit_of_work(engine) as session:
        year = session.get(Income, first).fiscal_year
    for_two = statements_of_a_run(engine, office, year)
    for amount in range(8):
        receive(engine, office, agreement_id, f"{300 + amount}", received_on=RECEIVED)
    for_ten = statements_of_a_run(engine, office, year)
    assert for_ten == for_two
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count(col(Income.id)))).one() == 10
