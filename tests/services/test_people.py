import pytest
from sqlmodel import select

from tests.factories import make_actor, make_department
from tlo import audit
from tlo.audit import AuditEntry
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.people import services as people


def test_an_admin_builds_schools_departments_and_people(engine):
    admin = make_actor(engine, Role.ADMIN)
    with unit_of_work(engine) as session:
        school = people.create_school(session, actor=admin, name="School of Law", code="law")
        department = people.create_department(
            session, actor=admin, name="Law and Technology", code="lt", school_id=school.id
        )
        person = people.create_person(
            session,
            actor=admin,
            full_name="  Ada Lovelace ",
            email="Ada@Law.Example",
            department_id=department.id,
        )
    with unit_of_work(engine) as session:
        rows = people.list_people(session, actor=admin, search="lovelace").items
        departments = people.list_departments(session, actor=admin)
    assert [(r.full_name, r.email, r.department, r.school) for r in rows] == [
        ("Ada Lovelace", "ada@law.example", "Law and Technology", "School of Law")
    ]
    assert [(d.code, d.school_name) for d in departments] == [("LT", "School of Law")]
    assert person.id is not None


def test_an_email_belongs_to_one_person_whatever_its_case(engine):
    admin = make_actor(engine, Role.ADMIN)
    with unit_of_work(engine) as session:
        people.create_person(session, actor=admin, full_name="A", email="same@test.example")
    with pytest.raises(ValidationError, match="already recorded"), unit_of_work(engine) as session:
        people.create_person(session, actor=admin, full_name="B", email="SAME@test.example")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"full_name": " ", "email": "x@test.example"}, "Enter the person's full name"),
        ({"full_name": "X", "email": "not-an-email"}, "e-mail address is not valid"),
        ({"full_name": "X", "email": "x@test.example", "department_id": 999}, "no department"),
    ],
)
def test_bad_person_data_is_refused_with_a_reason(engine, fields, message):
    admin = make_actor(engine, Role.ADMIN)
    with pytest.raises((ValidationError, NotFound), match=message), unit_of_work(engine) as session:
        people.create_person(session, actor=admin, **fields)


def test_an_external_person_has_an_organisation_not_a_department(engine):
    admin = make_actor(engine, Role.ADMIN)
    department_id = make_department(engine)
    with (
        pytest.raises(ValidationError, match="organisation, not a department"),
        unit_of_work(engine) as session,
    ):
        people.create_person(
            session,
            actor=admin,
            full_name="E",
            email="e@corp.example",
            department_id=department_id,
            is_external=True,
        )


def test_duplicate_school_and_department_names_are_refused(engine):
    admin = make_actor(engine, Role.ADMIN)
    with unit_of_work(engine) as session:
        school = people.create_school(session, actor=admin, name="School of Law", code="LAW")
        people.create_department(session, actor=admin, name="Tax", code="TAX", school_id=school.id)
    with pytest.raises(ValidationError), unit_of_work(engine) as session:
        people.create_school(session, actor=admin, name="school of law", code="LAW2")
    with pytest.raises(ValidationError), unit_of_work(engine) as session:
        people.create_department(session, actor=admin, name="TAX", code="T2", school_id=school.id)


@pytest.mark.parametrize("role", [Role.INVENTOR, Role.OFFICER, Role.FINANCE])
def test_only_admins_and_the_director_add_people(engine, role):
    someone = make_actor(engine, role)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        people.create_person(session, actor=someone, full_name="X", email="x@test.example")


def test_an_inventor_sees_their_own_record_and_nobody_elses(engine):
    inventor = make_actor(engine, Role.INVENTOR)
    colleague = make_actor(engine, Role.INVENTOR)
    with unit_of_work(engine) as session:
        listed = people.list_people(session, actor=inventor)
        assert [row.id for row in listed.items] == [inventor.person_id]
        assert people.get_person(session, actor=inventor, person_id=inventor.person_id)
        with pytest.raises(PermissionDenied):
            people.get_person(session, actor=inventor, person_id=colleague.person_id)


def test_an_officer_sees_everyone(engine):
    officer = make_actor(engine, Role.OFFICER)
    make_actor(engine, Role.INVENTOR)
    with unit_of_work(engine) as session:
        assert people.list_people(session, actor=officer).total == 2


def test_deactivating_a_person_deactivates_their_account_in_one_change(engine):
    admin = make_actor(engine, Role.ADMIN)
    officer = make_actor(engine, Role.OFFICER)
    with unit_of_work(engine) as session:
        people.set_person_active(session, actor=admin, person_id=officer.person_id, active=False)
    with unit_of_work(engine) as session:
        actions = session.exec(
            select(AuditEntry.action).where(
                AuditEntry.action.in_(["person.deactivated", "account.deactivated"])
            )
        ).all()
        assert sorted(actions) == ["account.deactivated", "person.deactivated"]
        hidden = people.list_people(session, actor=admin)
        shown = people.list_people(session, actor=admin, include_inactive=True)
    assert officer.person_id not in [row.id for row in hidden.items]
    assert officer.person_id in [row.id for row in shown.items]


def test_deactivating_the_last_admin_undoes_the_whole_change(engine):
    director = make_actor(engine, Role.DIRECTOR)
    admin = make_actor(engine, Role.ADMIN)
    with (
        pytest.raises(ValidationError, match="keep the admin role"),
        unit_of_work(engine) as session,
    ):
        people.set_person_active(session, actor=director, person_id=admin.person_id, active=False)
    with unit_of_work(engine) as session:
        assert people.get_person(session, actor=director, person_id=admin.person_id).active
        assert (
            session.exec(
                select(AuditEntry).where(AuditEntry.action == "person.deactivated")
            ).first()
            is None
        )


def test_people_without_an_account_can_be_listed_for_account_creation(engine):
    admin = make_actor(engine, Role.ADMIN)
    with unit_of_work(engine) as session:
        people.create_person(
            session, actor=admin, full_name="No Account", email="none@test.example"
        )
        rows = people.list_people(session, actor=admin, without_account=True).items
    assert [row.full_name for row in rows] == ["No Account"]


def test_the_audit_log_is_for_admins_and_the_director_newest_first(engine):
    admin = make_actor(engine, Role.ADMIN)
    officer = make_actor(engine, Role.OFFICER)
    with unit_of_work(engine) as session:
        people.create_school(session, actor=admin, name="First", code="F1")
        people.create_school(session, actor=admin, name="Second", code="F2")
    with unit_of_work(engine) as session:
        page = audit.list_entries(session, actor=admin, object_type="school")
        assert [entry.after["name"] for entry in page.items] == ["Second", "First"]
        assert page.items[0].actor_name == admin.name
        with pytest.raises(PermissionDenied):
            audit.list_entries(session, actor=officer)


def test_a_person_who_still_holds_cases_is_deactivated_only_through_the_hand_over(engine, office):
    """The People page must not leave open cases with someone who cannot sign in (#16 item 5):
    the Accounts page shows what they hold and hands it over first."""
    from tests.factories import submitted_case
    from tlo.disclosures import casework

    admin = make_actor(engine, Role.ADMIN)
    case_id = submitted_case(engine, office.inventor)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    with (
        pytest.raises(ValidationError, match="Olivia Ortega still holds 1 open case"),
        unit_of_work(engine) as session,
    ):
        people.set_person_active(
            session, actor=admin, person_id=office.officer.person_id, active=False
        )
    with unit_of_work(engine) as session:
        assert not session.exec(
            select(AuditEntry).where(AuditEntry.action == "person.deactivated")
        ).all()
