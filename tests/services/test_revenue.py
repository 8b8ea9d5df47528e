"""Income and distributions on a real database: post, reverse, tiers across incomes, costs
carried forward, allocation between technologies, the annual run (all or nothing)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import case_approved_for_filing, make_department
from tests.services.test_agreements import exclusive_form, licensee, save
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import agreements
from tlo.licensing.agreement_models import AgreementStatus
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm
from tlo.people import services as people
from tlo.people.models import Department, Person
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution, DistributionLine
from tlo.revenue.services import IncomeForm


@dataclass
class License:
    agreement_id: int
    disclosure_ids: list[int]
    alice: int
    bob: int


def technology(engine, office, *, costs="20000", title="Solid-state battery") -> int:
    """A filed technology of Alice (60 %, first department) and Bob (40 %, second department)
    with `costs` of patent invoices."""
    first, second = make_department(engine), make_department(engine)
    with unit_of_work(engine) as session:
        alice = session.get(Person, office.inventor.person_id)
        if alice.department_id is None:
            alice.department_id = first
        bob = people.create_person(
            session,
            actor=system_actor("tests"),
            full_name=f"Bob Okafor {title}",
            email=f"bob.{abs(hash(title))}@test.example",
            department_id=second,
        ).id
    case_id = case_approved_for_filing(
        engine, office, (office.inventor.person_id, "60"), (bob, "40"), title=title
    )
    with unit_of_work(engine) as session:
        application = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("US", "provisional", TODAY - timedelta(days=90), "63/1"),
        )
        if Decimal(costs):
            patents.add_cost(
                session,
                actor=office.finance,
                application_id=application.id,
                invoice_date=TODAY - timedelta(days=60),
                amount=costs,
                description="Provisional filing",
            )
    return case_id


def signed_license(
    engine, office, technologies: list[int], *, company="VoltCell & Sons Inc.", **terms
) -> int:
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


@pytest.fixture
def license_(engine, office) -> License:
    case_id = technology(engine, office)
    agreement_id = signed_license(engine, office, [case_id])
    with unit_of_work(engine) as session:
        bob = session.exec(select(Person.id).where(Person.full_name.startswith("Bob"))).one()
    return License(agreement_id, [case_id], office.inventor.person_id, bob)


def receive(engine, office, agreement_id, amount, kind="royalty", received_on=None) -> int:
    with unit_of_work(engine) as session:
        return revenue.record_income(
            session,
            actor=office.finance,
            form=IncomeForm(agreement_id, received_on or TODAY - timedelta(days=5), kind, amount),
        ).id


def distribute(engine, office, income_id, *, post=True) -> list[int]:
    with unit_of_work(engine) as session:
        made = [
            d.id
            for d in revenue.compute_distribution(
                session, actor=office.finance, income_id=income_id
            )
        ]
    if post:
        with unit_of_work(engine) as session:
            revenue.post_income(session, actor=office.finance, income_id=income_id)
    return made


def lines(engine, distribution_id) -> dict[str, Decimal]:
    with unit_of_work(engine) as session:
        return {
            line.recipient: Decimal(line.amount_cents) / 100
            for line in revenue.lines_of(session, distribution_id)
        }


def by_class(engine, distribution_id) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    with unit_of_work(engine) as session:
        for line in revenue.lines_of(session, distribution_id):
            totals[line.recipient_class] = (
                totals.get(line.recipient_class, 0) + Decimal(line.amount_cents) / 100
            )
    return totals


def test_a_royalty_is_shared_under_the_stanford_policy_and_posted(engine, office, license_):
    income_id = receive(engine, office, license_.agreement_id, "200,000.00")
    [distribution_id] = distribute(engine, office, income_id)
    shared = lines(engine, distribution_id)
    # 15 % fee of 200,000 = 30,000; costs 20,000; net 150,000 split 33.34/24.66/21/21.
    assert shared["office"] == Decimal("30000.00")
    assert shared["patent costs"] == Decimal("20000.00")
    assert shared["Alice Chen"] == Decimal("30006.00")  # 150,000 x 33.34 % x 60 %
    assert shared["university"] == Decimal("31500.00")
    assert by_class(engine, distribution_id) == {
        "pool": Decimal("61500.00"),
        "costs": Decimal("20000.00"),
        "inventor": Decimal("50010.00"),
        "department": Decimal("36990.00"),
        "school": Decimal("31500.00"),
    }
    assert sum(shared.values()) == Decimal("200000.00")
    with unit_of_work(engine) as session:
        [case_id] = license_.disclosure_ids
        assert revenue.costs_outstanding_cents(session, case_id) == 0
        department_lines = session.exec(
            select(DistributionLine.department_id, Department.name)
            .join(Department, Department.id == DistributionLine.department_id)
            .where(DistributionLine.distribution_id == distribution_id)
        ).all()
        page = revenue.list_incomes(session, actor=office.finance)
    assert len(department_lines) == 2  # each department line knows its department
    assert [row.state for row in page.items] == ["posted"]


def test_a_posted_distribution_never_changes(engine, office, license_):
    income_id = receive(engine, office, license_.agreement_id, "1000")
    [distribution_id] = distribute(engine, office, income_id)
    with (
        pytest.raises(ValidationError, match="is posted and cannot change"),
        unit_of_work(engine) as session,
    ):
        session.get(Distribution, distribution_id).amount_cents = 1
    with (
        pytest.raises(ValidationError, match="Lines of posted distribution"),
        unit_of_work(engine) as session,
    ):
        line = revenue.lines_of(session, distribution_id)[0]
        line.amount_cents += 1
    with pytest.raises(ValidationError, match="cannot change"), unit_of_work(engine) as session:
        session.delete(session.get(Distribution, distribution_id))
    with pytest.raises(ValidationError, match="already distributed"):
        distribute(engine, office, income_id, post=False)
    assert sum(lines(engine, distribution_id).values()) == Decimal("1000.00")


def test_a_reversal_restores_costs_and_cumulative_and_allows_a_new_distribution(
    engine, office, license_
):
    [case_id] = license_.disclosure_ids
    income_id = receive(engine, office, license_.agreement_id, "200000")
    [original] = distribute(engine, office, income_id)
    with unit_of_work(engine) as session:
        [mirror] = revenue.reverse_income(
            session, actor=office.finance, income_id=income_id, reason="Wrong licensee report"
        )
        mirror_id = mirror.id
    assert {k: -v for k, v in lines(engine, mirror_id).items()} == lines(engine, original)
    with unit_of_work(engine) as session:
        assert revenue.costs_outstanding_cents(session, case_id) == 2_000_000
        assert (
            revenue.cumulative_cents(
                session,
                revenue.TierBasis.AGREEMENT,
                agreement_id=license_.agreement_id,
                disclosure_id=case_id,
            )
            == 0
        )
        with pytest.raises(ValidationError, match="nothing to reverse"):
            revenue.reverse_income(
                session, actor=office.finance, income_id=income_id, reason="again"
            )
    [again] = distribute(engine, office, income_id)
    assert lines(engine, again) == lines(engine, original)


def test_tiers_follow_the_cumulative_amount_across_incomes(engine, office, license_):
    first = receive(engine, office, license_.agreement_id, "3,500,000")
    distribute(engine, office, first)  # net 3,500,000 - 525,000 - 20,000 = 2,955,000 in tier 1
    second = receive(engine, office, license_.agreement_id, "100,000")
    [distribution_id] = distribute(engine, office, second)
    # Net 85,000: 45,000 fills tier 1 to 3,000,000; 40,000 falls in tier 2.
    # Departments: 45,000 x 24.66 % + 40,000 x 14.66 % = 11,097 + 5,864 = 16,961.
    assert by_class(engine, distribution_id)["department"] == Decimal("16961.00")
    # Schools and the university: 45,000 x 21 % + 40,000 x 26 % = 9,450 + 10,400 = 19,850.
    assert lines(engine, distribution_id)["university"] == Decimal("19850.00")


def test_costs_not_recovered_are_carried_forward_to_the_next_income(engine, office, license_):
    [case_id] = license_.disclosure_ids
    first = receive(engine, office, license_.agreement_id, "10000")
    [d1] = distribute(engine, office, first)
    assert lines(engine, d1)["patent costs"] == Decimal("8500.00")  # all that is left after 15 %
    with unit_of_work(engine) as session:
        assert revenue.costs_outstanding_cents(session, case_id) == 1_150_000
    second = receive(engine, office, license_.agreement_id, "20000")
    [d2] = distribute(engine, office, second)
    assert lines(engine, d2)["patent costs"] == Decimal("11500.00")
    assert by_class(engine, d2)["inventor"] == Decimal("1833.70")  # 5,500 x 33.34 %


def test_a_cost_reimbursement_pays_back_costs_and_is_not_shared(engine, office, license_):
    [case_id] = license_.disclosure_ids
    income_id = receive(engine, office, license_.agreement_id, "5000", kind="cost_reimbursement")
    [distribution_id] = distribute(engine, office, income_id)
    assert lines(engine, distribution_id) == {"patent costs": Decimal("5000.00")}
    with unit_of_work(engine) as session:
        assert revenue.costs_outstanding_cents(session, case_id) == 1_500_000


def test_income_is_allocated_between_technologies_to_the_cent(engine, office):
    first = technology(engine, office, title="Anode")
    second = technology(engine, office, title="Cathode", costs="0")
    agreement_id = signed_license(
        engine, office, [first, second], allocations=["70", "30"], title="Two technologies"
    )
    income_id = receive(engine, office, agreement_id, "1000.01")
    made = distribute(engine, office, income_id)
    with unit_of_work(engine) as session:
        parts = [session.get(Distribution, d).amount_cents for d in made]
    assert parts == [70001, 30000]  # 700.007 and 300.003: the extra cent to the larger remainder
    assert sum(sum(lines(engine, d).values()) for d in made) == Decimal("1000.01")


def test_a_draft_computed_before_another_income_was_posted_must_be_recomputed(
    engine, office, license_
):
    first = receive(engine, office, license_.agreement_id, "10000")
    second = receive(engine, office, license_.agreement_id, "10000")
    distribute(engine, office, first, post=False)
    distribute(engine, office, second)
    with pytest.raises(ValidationError, match="compute it again"), unit_of_work(engine) as session:
        revenue.post_income(session, actor=office.finance, income_id=first)
    distribute(engine, office, first)  # recomputed on the new basis, it posts


def test_the_annual_run_posts_every_undistributed_income_in_order(engine, office, license_):
    received = TODAY - timedelta(days=3)
    for amount in ("10000", "20000"):
        receive(engine, office, license_.agreement_id, amount, received_on=received)
    with unit_of_work(engine) as session:
        year = revenue.list_incomes(session, actor=office.finance).items[0].income.fiscal_year
    seen = []
    with unit_of_work(engine) as session:
        summary = revenue.annual_run(
            session,
            actor=office.finance,
            fiscal_year=year,
            progress=lambda d, t: seen.append((d, t)),
        )
    assert seen == [(1, 2), (2, 2)]
    assert (summary.incomes, summary.distributions, summary.total) == (2, 2, Decimal("30000.00"))
    totals = {t.recipient: t.amount for t in summary.by_recipient}
    assert totals["patent costs"] == Decimal("20000.00")  # 8,500 then 11,500
    assert totals["office"] == Decimal("4500.00")
    assert sum(totals.values()) == Decimal("30000.00")
    with unit_of_work(engine) as session:
        again = revenue.annual_run(session, actor=office.finance, fiscal_year=year)
    assert again.incomes == 0


def test_the_annual_run_is_all_or_nothing(engine, office, license_, monkeypatch):
    for amount in ("10000", "20000"):
        receive(engine, office, license_.agreement_id, amount)
    with unit_of_work(engine) as session:
        year = revenue.list_incomes(session, actor=office.finance).items[0].income.fiscal_year
    real = revenue.engine.distribute
    calls = []

    def fails_the_second_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("the second income cannot be shared")
        return real(*args, **kwargs)

    monkeypatch.setattr(revenue.engine, "distribute", fails_the_second_time)
    with pytest.raises(ValidationError, match="second income"), unit_of_work(engine) as session:
        revenue.annual_run(session, actor=office.finance, fiscal_year=year)
    with unit_of_work(engine) as session:
        assert session.exec(select(Distribution)).all() == []


def test_income_is_recorded_by_finance_on_signed_agreements_only(engine, office, license_):
    draft = save(
        engine,
        office.officer,
        exclusive_form(licensee(engine, office, "Other Co"), license_.disclosure_ids),
    )
    form = IncomeForm(license_.agreement_id, TODAY, "royalty", "100")
    with unit_of_work(engine) as session:
        for actor in (office.officer, office.inventor):
            with pytest.raises(PermissionDenied):
                revenue.record_income(session, actor=actor, form=form)
        with pytest.raises(ValidationError, match="signed agreements"):
            revenue.record_income(
                session, actor=office.finance, form=IncomeForm(draft, TODAY, "royalty", "100")
            )
        with pytest.raises(ValidationError, match="more than zero"):
            revenue.record_income(
                session,
                actor=office.finance,
                form=IncomeForm(license_.agreement_id, TODAY, "royalty", "0"),
            )
        with pytest.raises(ValidationError, match="not before"):
            revenue.record_income(
                session,
                actor=office.finance,
                form=IncomeForm(license_.agreement_id, TODAY + timedelta(days=1), "royalty", "5"),
            )
        with pytest.raises(PermissionDenied):
            revenue.compute_distribution(session, actor=office.officer, income_id=1)


def test_statements_show_each_inventor_only_their_own_lines(engine, office, license_):
    from io import BytesIO

    from docx import Document
    from openpyxl import load_workbook

    from tlo.revenue import statements

    income_id = receive(engine, office, license_.agreement_id, "200,000.00")
    distribute(engine, office, income_id)
    with unit_of_work(engine) as session:
        mine = statements.inventor_statement(
            session, actor=office.inventor, person_id=license_.alice
        )
        with pytest.raises(PermissionDenied):
            statements.inventor_statement(session, actor=office.inventor, person_id=license_.bob)
        with pytest.raises(PermissionDenied):
            statements.ledger_xlsx(session, actor=office.inventor)
        bobs = statements.inventor_statement(session, actor=office.finance, person_id=license_.bob)
        word = statements.inventor_statement_docx(
            session, actor=office.inventor, person_id=license_.alice
        )
        excel = statements.inventor_statement_xlsx(
            session, actor=office.inventor, person_id=license_.alice
        )
        ledger = statements.ledger_xlsx(session, actor=office.finance)
        paid = statements.people_paid(session, actor=office.finance)
        by_year = statements.income_by_year(
            session, actor=office.inventor, person_id=license_.alice
        )
    assert [(line.recipient, line.amount) for line in mine.lines] == [
        ("Alice Chen", Decimal("30006.00"))
    ]
    assert bobs.total == Decimal("20004.00")
    assert [amount for _, amount in by_year] == [Decimal("30006.00")]
    assert {name for _, name in paid} >= {"Alice Chen"}
    text = "\n".join(p.text for p in Document(BytesIO(word)).paragraphs)
    assert "Alice Chen" in text and "Total: $30,006.00" in text
    table = Document(BytesIO(word)).tables[0]
    assert table.rows[1].cells[5].text == "$30,006.00"
    workbook = load_workbook(BytesIO(excel))
    assert workbook.sheetnames == ["Summary", "Lines"]
    assert workbook["Lines"]["J2"].value == 30006
    assert workbook["Lines"]["J2"].number_format == '"$"#,##0.00'
    rows = list(load_workbook(BytesIO(ledger))["Ledger"].iter_rows(min_row=2, values_only=True))
    assert sum(Decimal(str(row[9])) for row in rows) == Decimal("200000.00")


def test_a_new_policy_is_adopted_after_it_validates_and_applies_from_its_date(
    engine, office, license_
):
    uc = (revenue.POLICIES_FOLDER / "uc_1997.toml").read_text("utf-8")
    newer = uc.replace("1997-10-01", (TODAY - timedelta(days=10)).isoformat()).replace(
        'name = "University of California', 'name = "Our new policy'
    )
    broken = newer.replace('"35"', '"36"')
    with unit_of_work(engine) as session:
        with pytest.raises(PermissionDenied):
            revenue.add_policy(session, actor=office.officer, text=newer)
        with pytest.raises(ValidationError, match="add up to"):
            revenue.add_policy(session, actor=office.finance, text=broken)
        with pytest.raises(ValidationError, match="both take effect"):
            revenue.add_policy(session, actor=office.finance, text=uc)  # same day as the file
        tried = revenue.try_policy(session, actor=office.finance, text=newer)
        assert sum(line.amount for line in tried.lines) == Decimal("100000.00")
        revenue.add_policy(session, actor=office.finance, text=newer)
    income_id = receive(engine, office, license_.agreement_id, "1000")
    [distribution_id] = distribute(engine, office, income_id)
    with unit_of_work(engine) as session:
        used = session.get(Distribution, distribution_id).policy_name
        views = revenue.policy_views(session, actor=office.finance)
    assert used.startswith("Our new policy")
    assert [v.policy.name for v in views if v.in_force] == [used]


def test_two_sessions_posting_one_payment_post_it_once(engine, office, license_):
    import threading
    import time

    income_id = receive(engine, office, license_.agreement_id, "1000")
    distribute(engine, office, income_id, post=False)
    first_locked, outcome = threading.Event(), {}

    def first():
        with unit_of_work(engine) as session:
            revenue.post_income(session, actor=office.finance, income_id=income_id)
            first_locked.set()
            time.sleep(0.5)  # the second session tries meanwhile and must wait

    def second():
        first_locked.wait()
        try:
            with unit_of_work(engine) as session:
                revenue.post_income(session, actor=office.director, income_id=income_id)
        except ValidationError as err:
            outcome["second"] = str(err)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcome["second"].startswith("There is no draft to post")
    with unit_of_work(engine) as session:
        posted = session.exec(select(Distribution)).all()
    assert [(d.status, d.posted_by_name) for d in posted] == [("posted", "Fiona Nakamura")]


def test_a_reimbursement_pays_back_the_technologies_that_have_costs(engine, office):
    without_costs = technology(engine, office, title="Anode", costs="0")
    with_costs = technology(engine, office, title="Cathode", costs="10000")
    agreement_id = signed_license(
        engine, office, [without_costs, with_costs], title="Two technologies"
    )
    income_id = receive(engine, office, agreement_id, "10000", kind="cost_reimbursement")
    made = distribute(engine, office, income_id)
    with unit_of_work(engine) as session:
        parts = {
            session.get(Distribution, d).disclosure_id: session.get(Distribution, d).amount_cents
            for d in made
        }
        outstanding = [
            revenue.costs_outstanding_cents(session, case_id)
            for case_id in (without_costs, with_costs)
        ]
    assert parts == {without_costs: 0, with_costs: 1_000_000}
    assert outstanding == [0, 0]  # nothing left to recover twice from royalties


def test_a_draft_is_not_posted_when_it_is_stale_or_not_the_one_reviewed(engine, office, license_):
    income_id = receive(engine, office, license_.agreement_id, "1000")
    [draft] = distribute(engine, office, income_id, post=False)
    with (
        pytest.raises(ValidationError, match="changed since you opened it"),
        unit_of_work(engine) as session,
    ):
        revenue.post_income(
            session, actor=office.finance, income_id=income_id, reviewed=[draft + 1]
        )
    uc = (revenue.POLICIES_FOLDER / "uc_1997.toml").read_text("utf-8")
    with unit_of_work(engine) as session:
        revenue.add_policy(
            session,
            actor=office.finance,
            text=uc.replace("1997-10-01", (TODAY - timedelta(days=20)).isoformat()),
        )
    with pytest.raises(ValidationError, match="another policy"), unit_of_work(engine) as session:
        revenue.post_income(session, actor=office.finance, income_id=income_id, reviewed=[draft])
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        revenue.distributions_of(session, actor=office.officer, income_id=income_id)


def test_two_inventors_of_the_same_name_are_paid_apart(engine, office):
    department = make_department(engine)
    with unit_of_work(engine) as session:
        session.get(Person, office.inventor.person_id).department_id = department
        namesake = people.create_person(
            session,
            actor=system_actor("tests"),
            full_name="Alice Chen",
            email="alice.chen2@test.example",
            department_id=department,
        ).id
    case_id = case_approved_for_filing(
        engine, office, (office.inventor.person_id, "50"), (namesake, "50")
    )
    with unit_of_work(engine) as session:
        patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("US", "provisional", TODAY - timedelta(days=90), "63/2"),
        )
    agreement_id = signed_license(engine, office, [case_id])
    [distribution_id] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    with unit_of_work(engine) as session:
        paid = {
            line.person_id: line.amount_cents
            for line in revenue.lines_of(session, distribution_id)
            if line.recipient_class == "inventor"
        }
    # 850 x 33.34 % = 283.39, halved: 141.695 each; the odd cent to the first listed.
    assert paid == {office.inventor.person_id: 14170, namesake: 14169}
