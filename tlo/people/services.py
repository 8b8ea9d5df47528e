"""Use cases of the organisation: schools, departments and people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, or_, select

from tlo import audit
from tlo.auth.models import Account
from tlo.auth.permissions import Actor, require, sees_all
from tlo.errors import NotFound, ValidationError
from tlo.pagination import Page, paginate
from tlo.people.models import Department, Person, School
from tlo.text import (
    clean_bool,
    clean_email,
    clean_id,
    clean_int,
    clean_optional_id,
    clean_text,
)


def _required_text(value: str, what: str, *, column) -> str:
    value = clean_text(value, what=what, column=column, multiline=False)
    if not value:
        raise ValidationError(f"Enter the {what}.")
    return value


def normalise_email(email: str) -> str:
    """Lower-cased and checked for shape (no DNS look-up: the office may be offline)."""
    return clean_email(email)


def create_school(session: Session, *, actor: Actor, name: str, code: str) -> School:
    require(actor, "org.manage")
    name = _required_text(name, "school's name", column=School.name)
    code = _required_text(code, "school's code", column=School.code).upper()
    clash = session.exec(
        select(School).where(or_(func.lower(School.name) == name.lower(), School.code == code))
    ).first()
    if clash:
        raise ValidationError(f"A school named {clash.name!r} or coded {clash.code!r} exists.")
    school = School(name=name, code=code)
    session.add(school)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="school.created",
        object_type="school",
        object_id=school.id,
        after=audit.snapshot(school),
    )
    return school


def create_department(
    session: Session, *, actor: Actor, name: str, code: str, school_id: int
) -> Department:
    require(actor, "org.manage")
    name = _required_text(name, "department's name", column=Department.name)
    code = _required_text(code, "department's code", column=Department.code).upper()
    if session.get(School, clean_id(school_id, what="school")) is None:
        raise NotFound("Choose the school the department belongs to.")
    clash = session.exec(
        select(Department).where(
            or_(func.lower(Department.name) == name.lower(), Department.code == code)
        )
    ).first()
    if clash:
        raise ValidationError(f"A department named {clash.name!r} or coded {clash.code!r} exists.")
    department = Department(name=name, code=code, school_id=school_id)
    session.add(department)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="department.created",
        object_type="department",
        object_id=department.id,
        after=audit.snapshot(department),
    )
    return department


def _set_active(session: Session, *, actor: Actor, model, kind: str, active: bool) -> None:
    active = clean_bool(active, what=f"whether the {kind} is active")
    if model.active == active:
        return
    model.active = active
    session.add(model)
    audit.record(
        session,
        actor=actor,
        action=f"{kind}.{'activated' if active else 'deactivated'}",
        object_type=kind,
        object_id=model.id,
        before={"active": not active},
        after={"active": active},
    )


def set_school_active(session: Session, *, actor: Actor, school_id: int, active: bool) -> None:
    require(actor, "org.manage")
    active = clean_bool(active, what="whether the school is active")
    school = session.get(School, clean_id(school_id, what="school"))
    if school is None:
        raise NotFound(f"There is no school {school_id}.")
    _set_active(session, actor=actor, model=school, kind="school", active=active)


def set_department_active(
    session: Session, *, actor: Actor, department_id: int, active: bool
) -> None:
    require(actor, "org.manage")
    active = clean_bool(active, what="whether the department is active")
    department = session.get(Department, clean_id(department_id, what="department"))
    if department is None:
        raise NotFound(f"There is no department {department_id}.")
    _set_active(session, actor=actor, model=department, kind="department", active=active)


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    name: str
    code: str
    school_id: int
    school_name: str
    active: bool


def list_schools(session: Session, *, actor: Actor, include_inactive: bool = False) -> list[School]:
    require(actor, "org.read")
    query = select(School).order_by(School.name)
    if not include_inactive:
        query = query.where(School.active)
    return list(session.exec(query).all())


def list_departments(
    session: Session, *, actor: Actor, include_inactive: bool = False
) -> list[DepartmentRow]:
    require(actor, "org.read")
    query = (
        select(Department, School)
        .join(School, School.id == Department.school_id)
        .order_by(School.name, Department.name)
    )
    if not include_inactive:
        query = query.where(Department.active)
    return [
        DepartmentRow(
            id=department.id,
            name=department.name,
            code=department.code,
            school_id=school.id,
            school_name=school.name,
            active=department.active,
        )
        for department, school in session.exec(query).all()
    ]


def _label(name: str, department: str | None, organisation: str | None) -> str:
    return f"{name} · {department or organisation or 'University'}"


@dataclass(frozen=True)
class PersonOption:
    id: int
    label: str


def lookup_people(
    session: Session, *, actor: Actor, search: str, limit: int = 20
) -> list[PersonOption]:
    """Directory look-up for naming co-inventors: name, department or organisation only."""
    require(actor, "person.lookup")
    search = clean_text(search, what="search", max_length=200, multiline=False)
    limit = clean_int(limit, what="number of matches", minimum=1, maximum=1000)
    if len(search) < 2:
        return []
    pattern = f"%{search.lower()}%"
    rows = session.exec(
        select(Person.id, Person.full_name, Department.name, Person.organisation)
        .join(Department, Department.id == Person.department_id, isouter=True)
        .where(Person.active)
        .where(or_(func.lower(Person.full_name).like(pattern), col(Person.email).like(pattern)))
        .order_by(Person.full_name)
        .limit(limit)
    ).all()
    return [
        PersonOption(person_id, _label(name, department, organisation))
        for person_id, name, department, organisation in rows
    ]


def person_labels(session: Session, *, actor: Actor, person_ids: list[int]) -> dict[int, str]:
    """The look-up labels of the given people (for showing a saved list of co-inventors)."""
    require(actor, "person.lookup")
    rows = session.exec(
        select(Person.id, Person.full_name, Department.name, Person.organisation)
        .join(Department, Department.id == Person.department_id, isouter=True)
        .where(col(Person.id).in_(person_ids))
    ).all()
    return {
        person_id: _label(name, department, organisation)
        for person_id, name, department, organisation in rows
    }


def add_external_person(
    session: Session, *, actor: Actor, full_name: str, email: str, organisation: str
) -> Person:
    """An inventor names a co-inventor from outside the university."""
    require(actor, "person.add_external")
    organisation = clean_text(
        organisation, what="organisation", column=Person.organisation, multiline=False
    )
    if not organisation:
        raise ValidationError("Name the co-inventor's organisation.")
    return _create_person(
        session,
        actor=actor,
        full_name=full_name,
        email=email,
        organisation=organisation,
        is_external=True,
    )


def create_person(
    session: Session,
    *,
    actor: Actor,
    full_name: str,
    email: str,
    department_id: int | None = None,
    organisation: str | None = None,
    is_external: bool = False,
) -> Person:
    require(actor, "person.manage")
    return _create_person(
        session,
        actor=actor,
        full_name=full_name,
        email=email,
        department_id=department_id,
        organisation=organisation,
        is_external=is_external,
    )


def _create_person(
    session: Session,
    *,
    actor: Actor,
    full_name: str,
    email: str,
    department_id: int | None = None,
    organisation: str | None = None,
    is_external: bool = False,
) -> Person:
    full_name = _required_text(full_name, "person's full name", column=Person.full_name)
    email = normalise_email(email)
    organisation = clean_text(
        organisation, what="organisation", column=Person.organisation, multiline=False
    )
    is_external = clean_bool(is_external, what="whether the person is external")
    department_id = clean_optional_id(department_id, what="department")
    if is_external and department_id is not None:
        raise ValidationError("An external person has an organisation, not a department.")
    if department_id is not None and session.get(Department, department_id) is None:
        raise NotFound(f"There is no department {department_id}.")
    if session.exec(select(Person).where(Person.email == email)).first():
        raise ValidationError(f"Someone with the e-mail {email} is already recorded.")
    person = Person(
        full_name=full_name,
        email=email,
        department_id=department_id,
        organisation=organisation or None,
        is_external=is_external,
    )
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="person.created",
        object_type="person",
        object_id=person.id,
        after=audit.snapshot(person),
    )
    return person


def get_person(session: Session, *, actor: Actor, person_id: int) -> Person:
    person = session.get(Person, clean_id(person_id, what="person"))
    if person is None:
        raise NotFound(f"There is no person {person_id}.")
    require(actor, "person.read", person)
    return person


def set_person_active(session: Session, *, actor: Actor, person_id: int, active: bool) -> None:
    """Deactivating a person also deactivates their account: they can no longer sign in."""
    from tlo.auth.services import active_admin_count

    require(actor, "person.manage")
    active = clean_bool(active, what="whether the person is active")
    person = session.get(Person, clean_id(person_id, what="person"))
    if person is None:
        raise NotFound(f"There is no person {person_id}.")
    if person_id == actor.person_id and not active:
        raise ValidationError("You cannot deactivate yourself.")
    account = session.exec(select(Account).where(Account.person_id == person_id)).first()
    if account is not None and account.active and not active:
        # Their work must not be left with someone who cannot sign in: the Accounts page shows
        # it and hands it over in the same transaction as the deactivation.
        from tlo.auth import handover

        held = handover.holdings(session, actor=actor, account_id=account.id)
        if held.holds_anything:
            raise ValidationError(
                f"{person.full_name} still holds {held.summary}: deactivate their account "
                "on the Accounts page, which hands it over first."
            )
    _set_active(session, actor=actor, model=person, kind="person", active=active)
    if account is not None and not active:
        _set_active(session, actor=actor, model=account, kind="account", active=False)
    session.flush()
    if active_admin_count(session) == 0:
        raise ValidationError("At least one active account must keep the admin role.")


@dataclass(frozen=True)
class PersonRow:
    id: int
    full_name: str
    email: str
    department: str | None
    school: str | None
    organisation: str | None
    is_external: bool
    active: bool
    has_account: bool


def list_people(
    session: Session,
    *,
    actor: Actor,
    search: str = "",
    include_inactive: bool = False,
    without_account: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> Page[PersonRow]:
    """People by name, one page at a time; an inventor sees only themselves."""
    require(actor, "person.read")
    search = clean_text(search, what="search", max_length=200, multiline=False)
    offset = clean_int(offset, what="offset", minimum=0)
    limit = clean_int(limit, what="page size", minimum=1, maximum=1000)
    query = (
        select(Person, Department.name, School.name, Account.id)
        .join(Department, Department.id == Person.department_id, isouter=True)
        .join(School, School.id == Department.school_id, isouter=True)
        .join(Account, Account.person_id == Person.id, isouter=True)
    )
    if not sees_all(actor, "person.read"):
        query = query.where(Person.id == actor.person_id)
    if not include_inactive:
        query = query.where(Person.active)
    if without_account:
        query = query.where(col(Account.id).is_(None))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Person.full_name).like(pattern), col(Person.email).like(pattern))
        )
    page = paginate(
        session, query.order_by(Person.full_name, Person.id), offset=offset, limit=limit
    )
    rows = [
        PersonRow(
            id=person.id,
            full_name=person.full_name,
            email=person.email,
            department=department,
            school=school,
            organisation=person.organisation,
            is_external=person.is_external,
            active=person.active,
            has_account=account_id is not None,
        )
        for person, department, school, account_id in page.items
    ]
    return Page(items=rows, total=page.total, offset=page.offset, limit=page.limit)
