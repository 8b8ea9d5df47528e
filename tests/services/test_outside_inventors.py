"""Outside co-inventors in distributions and statements, on a real database (issue #16, item
6): an outside co-inventor's share is paid as the policy in force says, never to a department
or school line; the departments, schools and institutions statements keep institutions apart;
lines posted before stay as they were."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import case_approved_for_filing, make_department
from tests.services.test_revenue import distribute, receive, signed_license
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm
from tlo.people import services as people
from tlo.people.models import Department, Person, School
from tlo.revenue import services as revenue
from tlo.revenue import statements
from tlo.revenue.models import Distribution, DistributionLine, DistributionStatus, Income

STANFORD = (revenue.POLICIES_FOLDER / "stanford.toml").read_text("utf-8")


def outside_technology(engine, office, *, organisation="NovaGen Biologics") -> tuple[int, int]:
    """A technology of Alice (60 %, a department of ours) and Henrik Larsen (40 %, of
    `organisation`), with no patent costs; returns (case id, Henrik's person id)."""
    department = make_department(engine)
    with unit_of_work(engine) as session:
        alice = session.get(Person, office.inventor.person_id)
        if alice.department_id is None:
            alice.department_id = department
        henrik = people.add_external_person(
            session,
            actor=system_actor("tests"),
            full_name="Henrik Larsen",
            email=f"henrik@{organisation.split()[0].lower()}.example",
            organisation=organisation,
        ).id
    case_id = case_approved_for_filing(
        engine, office, (office.inventor.person_id, "60"), (henrik, "40"), title="Gene switch"
    )
    with unit_of_work(engine) as session:  # filed, so that it can be licensed
        patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("US", "provisional", TODAY - timedelta(days=90), "63/7"),
        )
    return case_id, henrik


def adopt(engine, office, *, paid_to: str, units: str) -> None:
    """The Stanford policy with another [outside_inventors], in force from a year ago."""
    text = (
        STANFORD.replace("2020-09-01", (TODAY - timedelta(days=365)).isoformat())
        .replace('name = "Stanford University"', 'name = "Stanford, institutions paid"')
        .replace('paid_to = "inventor"', f'paid_to = "{paid_to}"')
        .replace('departments_and_schools = "university"', f'departments_and_schools = "{units}"')
    )
    with unit_of_work(engine) as session:
        revenue.add_policy(session, actor=office.finance, text=text)


def posted_lines(engine, distribution_id) -> list[tuple[str, str, int | None, int | None, str]]:
    with unit_of_work(engine) as session:
        return [
            (
                line.recipient,
                line.recipient_class,
                line.person_id,
                line.department_id,
                f"{Decimal(line.amount_cents) / 100:.2f}",
            )
            for line in revenue.lines_of(session, distribution_id)
        ]


def test_stanford_pays_the_outside_co_inventor_personally_and_keeps_their_units_parts(
    engine, office
):
    case_id, henrik = outside_technology(engine, office)
    agreement_id = signed_license(engine, office, [case_id])
    [distribution_id] = distribute(engine, office, receive(engine, office, agreement_id, "100000"))
    lines = posted_lines(engine, distribution_id)
    with unit_of_work(engine) as session:
        department = session.get(
            Department, session.get(Person, office.inventor.person_id).department_id
        )
        school = session.get(School, department.school_id)
    # net 85,000 (no costs): see tests/unit/test_revenue_outside_inventors.py for the sums
    assert [(to, klass, amount) for to, klass, _, _, amount in lines] == [
        ("office", "pool", "15000.00"),
        ("Alice Chen", "inventor", "17003.40"),
        ("Henrik Larsen", "inventor", "11335.60"),
        (department.name, "department", "12576.60"),
        (school.name, "school", "10710.00"),
        ("university", "pool", "33374.40"),
    ]
    assert lines[2][2] == henrik  # Henrik's own line, on his statement
    assert lines[3][3] == department.id  # the one department line is Alice's
    assert "NovaGen Biologics" not in {to for to, *_ in lines}
    with unit_of_work(engine) as session:
        his = statements.inventor_statement(session, actor=office.finance, person_id=henrik)
        units = statements.unit_totals(session, actor=office.finance)
    assert his.total == Decimal("11335.60")
    assert units["institution"] == []  # nothing went to an institution
    assert {total.recipient for total in units["department"]} == {lines[3][0]}


def test_a_policy_paying_institutions_gives_theirs_one_line_and_its_own_statement(engine, office):
    adopt(engine, office, paid_to="institution", units="institution")
    case_id, henrik = outside_technology(engine, office)
    agreement_id = signed_license(engine, office, [case_id])
    [distribution_id] = distribute(engine, office, receive(engine, office, agreement_id, "100000"))
    lines = posted_lines(engine, distribution_id)
    novagen = [line for line in lines if line[0] == "NovaGen Biologics"]
    assert novagen == [("NovaGen Biologics", "institution", None, None, "26860.00")]
    assert {klass for _, klass, *_ in lines} == {
        "pool",
        "inventor",
        "department",
        "school",
        "institution",
    }
    assert sum(Decimal(amount) for *_, amount in lines) == Decimal("100000.00")
    with unit_of_work(engine) as session:
        his = statements.inventor_statement(session, actor=office.finance, person_id=henrik)
        paid = dict(statements.people_paid(session, actor=office.finance))
        units = statements.unit_totals(session, actor=office.finance)
        workbook = load_workbook(
            BytesIO(statements.units_statement_xlsx(session, actor=office.finance))
        )
    assert his.lines == [] and henrik not in paid  # his part went to NovaGen
    assert [(t.recipient, t.amount) for t in units["institution"]] == [
        ("NovaGen Biologics", Decimal("26860.00"))
    ]
    assert "NovaGen Biologics" not in {t.recipient for t in units["department"] + units["school"]}
    assert workbook.sheetnames == [
        "Departments totals",
        "Departments lines",
        "Schools totals",
        "Schools lines",
        "Outside institutions totals",
        "Outside institutions lines",
        "Co-owners totals",
        "Co-owners lines",
    ]
    totals = list(workbook["Outside institutions totals"].iter_rows(min_row=2, values_only=True))
    assert totals == [("institution", "NovaGen Biologics", 26860)]
    department_rows = list(workbook["Departments lines"].iter_rows(min_row=2, values_only=True))
    assert department_rows and all(row[7] != "NovaGen Biologics" for row in department_rows)


def test_the_annual_run_pays_outside_co_inventors_as_computing_each_payment_does(engine, office):
    adopt(engine, office, paid_to="inventor", units="institution")
    case_id, _ = outside_technology(engine, office)
    agreement_id = signed_license(engine, office, [case_id])
    one = receive(engine, office, agreement_id, "1000.01")
    receive(engine, office, agreement_id, "2500.00", received_on=TODAY - timedelta(days=4))
    [first] = distribute(engine, office, one)
    expected = posted_lines(engine, first)
    with unit_of_work(engine) as session:
        fiscal_year = session.get(Income, one).fiscal_year
        summary = revenue.annual_run(session, actor=office.finance, fiscal_year=fiscal_year)
    assert summary.incomes == 1
    by_class = {(t.recipient, t.recipient_class) for t in summary.by_recipient}
    assert ("NovaGen Biologics", "institution") in by_class
    assert ("Henrik Larsen", "inventor") in by_class
    assert not {klass for to, klass in by_class if to == "NovaGen Biologics"} - {"institution"}
    assert [line[1] for line in expected if line[0] == "NovaGen Biologics"] == ["institution"]


def test_lines_posted_before_stay_as_they_were_and_show_with_the_institutions(engine, office):
    """Before issue #16 an outside co-inventor's institution was paid as a department and a
    school with no department or school of ours. Those posted lines are never changed; the
    statements show them with the outside institutions."""
    case_id, _ = outside_technology(engine, office)
    agreement_id = signed_license(engine, office, [case_id])
    income_id = receive(engine, office, agreement_id, "100")
    with unit_of_work(engine) as session:  # a distribution as the old code wrote it
        old = Distribution(
            income_id=income_id,
            disclosure_id=case_id,
            agreement_id=agreement_id,
            amount_cents=10000,
            policy_name="Stanford University",
            policy_effective_from=TODAY - timedelta(days=3000),
            costs_outstanding_cents=0,
            cumulative_before_cents=0,
            costs_recovered_cents=0,
            split_base_cents=8500,
            computed_by_name="Fiona Nakamura",
        )
        session.add(old)
        session.flush()
        for position, (to, klass, cents) in enumerate(
            [
                ("office", "pool", 1500),
                ("Alice Chen", "inventor", 2834),
                ("Henrik Larsen", "inventor", 0),
                ("NovaGen Biologics", "department", 2096),
                ("NovaGen Biologics", "school", 1785),
                ("university", "pool", 1785),
            ],
            start=1,
        ):
            if cents:
                session.add(
                    DistributionLine(
                        distribution_id=old.id,
                        position=position,
                        recipient=to,
                        recipient_class=klass,
                        amount_cents=cents,
                        rule="as posted in 2025",
                    )
                )
        session.flush()
        old.status = DistributionStatus.POSTED.value
        old.posted_by_name = "Fiona Nakamura"
        old_id = old.id
    before = posted_lines(engine, old_id)
    # A later payment is shared by today's code; the old lines are as they were.
    distribute(engine, office, receive(engine, office, agreement_id, "50"))
    assert posted_lines(engine, old_id) == before
    with unit_of_work(engine) as session:
        units = statements.unit_totals(session, actor=office.finance)
        with pytest.raises(PermissionDenied):
            statements.unit_totals(session, actor=office.inventor)
    assert [(t.recipient, t.amount) for t in units["institution"]] == [
        ("NovaGen Biologics", Decimal("38.81"))  # 20.96 + 17.85, as posted
    ]
    assert "NovaGen Biologics" not in {t.recipient for t in units["department"] + units["school"]}
    with unit_of_work(engine) as session:
        classes = set(
            session.exec(
                select(DistributionLine.recipient_class).where(
                    DistributionLine.distribution_id == old_id,
                    DistributionLine.recipient == "NovaGen Biologics",
                )
            ).all()
        )
    assert classes == {"department", "school"}  # kept as posted


def test_whose_share_a_statement_shows_is_said_to_the_reader(engine, office):
    case_id, _ = outside_technology(engine, office)
    agreement_id = signed_license(engine, office, [case_id])
    distribute(engine, office, receive(engine, office, agreement_id, "100"))
    with unit_of_work(engine) as session:
        alices = statements.inventor_statement(
            session, actor=office.finance, person_id=office.inventor.person_id
        )
    assert alices.whose_share(office.finance.person_id) == "Alice Chen's share"
    assert alices.whose_share(office.inventor.person_id) == "Your share"
