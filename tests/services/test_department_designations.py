"""Inventors designating the department of their departmental share, on a real database,
SQLite and PostgreSQL (#19, item 5): under Stanford's policy (which allows it) the departmental
share following an inventor's own goes to the department they name, one income or the annual
run alike; under a policy that does not allow it the home department keeps it; who may
designate for whom; outside co-inventors and strangers refused; every change audited."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import make_department
from tests.services.test_outside_inventors import outside_technology
from tests.services.test_revenue import distribute, receive, signed_license, technology
from tests.services.test_revenue_annual_run import posted_both_ways
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.disclosures.models import DisclosureInventor
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.people.models import Department, Person
from tlo.revenue import designations
from tlo.revenue import services as revenue
from tlo.revenue.models import DepartmentDesignation, DistributionLine

STANFORD = (revenue.POLICIES_FOLDER / "stanford.toml").read_text("utf-8")


def bob_of(engine, case_id) -> int:
    with unit_of_work(engine) as session:
        return session.exec(
            select(Person.id)
            .join(DisclosureInventor, DisclosureInventor.person_id == Person.id)
            .where(
                DisclosureInventor.disclosure_id == case_id,
                Person.full_name.startswith("Bob Okafor"),
            )
        ).one()


def designate(engine, actor, case_id, person_id, department_id) -> None:
    with unit_of_work(engine) as session:
        designations.designate_department(
            session,
            actor=actor,
            disclosure_id=case_id,
            person_id=person_id,
            department_id=department_id,
        )


def department_lines(engine, distribution_id) -> list[tuple[str, int, int]]:
    with unit_of_work(engine) as session:
        return [
            (line.recipient, line.department_id, line.amount_cents)
            for line in revenue.lines_of(session, distribution_id)
            if line.recipient_class == "department"
        ]


def names(engine, *ids) -> list[str]:
    with unit_of_work(engine) as session:
        return [session.get(Department, i).name for i in ids]


def test_under_stanfords_policy_the_designated_department_receives_the_share(engine, office):
    case_id = technology(engine, office, costs="0")
    agreement_id = signed_license(engine, office, [case_id])
    [plain] = distribute(engine, office, receive(engine, office, agreement_id, "10000"))
    before = department_lines(engine, plain)
    lab = make_department(engine)
    designate(engine, office.inventor, case_id, office.inventor.person_id, lab)
    [designated] = distribute(engine, office, receive(engine, office, agreement_id, "10000"))
    after = department_lines(engine, designated)
    # Alice's departmental share (the first line, 60 % of the departments' part) now goes to
    # the department she named; Bob's stays with his; the amounts are the same.
    [lab_name] = names(engine, lab)
    assert [(to, dept) for to, dept, _ in after] == [(lab_name, lab), before[1][:2]]
    assert [cents for *_, cents in after] == [cents for *_, cents in before]
    with unit_of_work(engine) as session:
        shown = designations.designations(session, actor=office.officer, disclosure_id=case_id)
        assert designations.policy_allows(session)
    assert [(d.inventor, d.designated_department) for d in shown] == [
        ("Alice Chen", lab_name),
        (shown[1].inventor, None),
    ]
    # Back to her home department: the designation is gone.
    with unit_of_work(engine) as session:
        home = session.get(Person, office.inventor.person_id).department_id
    designate(engine, office.inventor, case_id, office.inventor.person_id, home)
    with unit_of_work(engine) as session:
        assert session.exec(select(DepartmentDesignation)).all() == []
        actions = session.exec(
            select(AuditEntry.after).where(AuditEntry.action == "disclosure.department_designated")
        ).all()
    assert [a["department"] for a in actions] == [lab_name, names(engine, home)[0]]


def test_a_policy_that_does_not_let_inventors_designate_keeps_the_home_department(engine, office):
    text = (
        STANFORD.replace("2020-09-01", (TODAY - timedelta(days=365)).isoformat())
        .replace('name = "Stanford University"', 'name = "Home departments only"')
        .replace("inventors_designate_department = true", "inventors_designate_department = false")
    )
    with unit_of_work(engine) as session:
        revenue.add_policy(session, actor=office.finance, text=text)
    case_id = technology(engine, office, costs="0")
    with unit_of_work(engine) as session:
        home = session.get(Person, office.inventor.person_id).department_id
    designate(engine, office.inventor, case_id, office.inventor.person_id, make_department(engine))
    agreement_id = signed_license(engine, office, [case_id])
    [distribution_id] = distribute(engine, office, receive(engine, office, agreement_id, "500"))
    assert department_lines(engine, distribution_id)[0][1] == home
    with unit_of_work(engine) as session:
        assert not designations.policy_allows(session)


def test_the_annual_run_pays_the_designated_department_as_one_income_at_a_time_does(engine, office):
    case_id = technology(engine, office, costs="1000")
    lab = make_department(engine)
    designate(engine, office.officer, case_id, bob_of(engine, case_id), lab)
    agreement_id = signed_license(engine, office, [case_id])
    first = receive(engine, office, agreement_id, "7777.77")
    receive(engine, office, agreement_id, "123.45")
    posted = posted_both_ways(engine, office, first)
    paid = {line[1] for *_, lines in posted for line in lines if line[2] == "department"}
    assert names(engine, lab)[0] in paid  # the run paid Bob's part to the lab he named


def test_who_may_designate_for_whom(engine, office):
    case_id = technology(engine, office, costs="0")
    bob, lab = bob_of(engine, case_id), make_department(engine)
    for actor, person in [
        (office.inventor, bob),  # Alice, for Bob
        (office.other_officer, bob),  # not the case's officer
        (office.finance, bob),
    ]:
        with pytest.raises(PermissionDenied):
            designate(engine, actor, case_id, person, lab)
    designate(engine, office.officer, case_id, bob, lab)  # the case's officer, for Bob
    designate(engine, office.director, case_id, bob, None)  # and back


def test_outside_co_inventors_strangers_and_missing_departments_are_refused(engine, office):
    case_id, henrik = outside_technology(engine, office)
    lab = make_department(engine)
    with pytest.raises(ValidationError, match="outside co-inventor"):
        designate(engine, office.officer, case_id, henrik, lab)
    other = technology(engine, office, costs="0", title="Another")
    with pytest.raises(NotFound, match="not an inventor"):
        designate(engine, office.officer, case_id, bob_of(engine, other), lab)
    with pytest.raises(NotFound, match="no department"):
        designate(engine, office.officer, case_id, office.inventor.person_id, 10**6)
    with pytest.raises(NotFound):
        designate(engine, office.officer, case_id, "1", lab)
    with unit_of_work(engine) as session:
        assert session.exec(select(DepartmentDesignation)).all() == []
        assert session.exec(select(DistributionLine)).all() == []
