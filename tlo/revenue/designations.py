"""Inventors' designations of the department that receives their departmental share (#19,
item 5): where the revenue-sharing policy lets inventors designate it (Stanford's does,
`inventors_designate_department = true`), the departmental share that follows an inventor's
own share of a technology goes to the department they name instead of their home department.

A designation is kept per technology and inventor (table `department_designation`, migration
0040) and read by revenue sharing with the inventors (`services._inventor_rows`): it applies to
every distribution computed under a policy that allows it, one income or the annual run, and
is ignored under one that does not. An inventor designates for themselves; the case's officer
or the director may record one for them. An outside co-inventor's share follows the policy's
[outside_inventors] table, never a department of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, Scope, scopes_of
from tlo.disclosures.access import load_case
from tlo.disclosures.models import DisclosureInventor
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.people.models import Department, Person
from tlo.revenue.models import DepartmentDesignation
from tlo.revenue.policy import DisclosureDateNeeded, policy_in_force
from tlo.text import clean_id, clean_optional_id

PERMISSION = "disclosure.designate_department"


@dataclass(frozen=True)
class DesignationView:
    person_id: int
    inventor: str
    home_department: str  # "" for an outside co-inventor
    designated_department: str | None  # None: the home department's
    outside: bool


def designations(session: Session, *, actor: Actor, disclosure_id: int) -> list[DesignationView]:
    """The technology's inventors, each with their home department and the one they
    designated (if any), in the order of the case."""
    load_case(session, actor, disclosure_id, "disclosure.read")
    chosen = aliased(Department)
    rows = session.exec(
        select(Person, Department.name, chosen.name)
        .join(DisclosureInventor, DisclosureInventor.person_id == Person.id)
        .join(Department, Department.id == Person.department_id, isouter=True)
        .join(
            DepartmentDesignation,
            (DepartmentDesignation.disclosure_id == DisclosureInventor.disclosure_id)
            & (DepartmentDesignation.person_id == Person.id),
            isouter=True,
        )
        .join(chosen, chosen.id == DepartmentDesignation.department_id, isouter=True)
        .where(DisclosureInventor.disclosure_id == disclosure_id)
        .order_by(DisclosureInventor.position, DisclosureInventor.id)
    ).all()
    return [
        DesignationView(
            person_id=person.id,
            inventor=person.full_name,
            home_department=home or "",
            designated_department=designated,
            outside=person.is_external or home is None,
        )
        for person, home, designated in rows
    ]


def policy_allows(session: Session, on: date | None = None) -> bool:
    """Whether the policy in force today (for an invention disclosed today) lets inventors
    designate the department: what the page tells them."""
    from tlo.revenue.services import policies

    day = on or clock.today()
    try:
        return policy_in_force(policies(session), day, disclosed=day).inventors_designate_department
    except (DisclosureDateNeeded, ValidationError):
        return False


def designate_department(
    session: Session,
    *,
    actor: Actor,
    disclosure_id: int,
    person_id: int,
    department_id: int | None,
) -> None:
    """Name the department that receives the departmental share following this inventor's
    share of the technology (None: their home department again). Audited."""
    case = load_case(session, actor, disclosure_id, PERMISSION)
    person_id = clean_id(person_id, what="inventor")
    department_id = clean_optional_id(department_id, what="department")
    if scopes_of(actor, PERMISSION) == {Scope.OWN} and actor.person_id != person_id:
        raise PermissionDenied("An inventor designates the department for their own share only.")
    link = session.exec(
        select(DisclosureInventor).where(
            DisclosureInventor.disclosure_id == case.disclosure.id,
            DisclosureInventor.person_id == person_id,
        )
    ).first()
    if link is None:
        raise NotFound("That person is not an inventor of this technology.")
    person = session.get(Person, person_id)
    if person.is_external or person.department_id is None:
        raise ValidationError(
            f"{person.full_name} is an outside co-inventor: their share follows the policy's "
            "rule for outside inventors, not a department of ours."
        )
    department = None
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None:
            raise NotFound(f"There is no department {department_id}.")
    existing = session.exec(
        select(DepartmentDesignation).where(
            DepartmentDesignation.disclosure_id == case.disclosure.id,
            DepartmentDesignation.person_id == person_id,
        )
    ).first()
    before = None
    if existing is not None:
        before = {"department": session.get(Department, existing.department_id).name}
        session.delete(existing)
        session.flush()
    if department is not None and department.id != person.department_id:
        session.add(
            DepartmentDesignation(
                disclosure_id=case.disclosure.id,
                person_id=person_id,
                department_id=department.id,
                designated_by_account_id=actor.account_id,
                designated_by_name=actor.name,
            )
        )
        session.flush()
    after = {
        "inventor": person.full_name,
        "department": department.name if department else "their home department",
    }
    audit.record(
        session,
        actor=actor,
        action="disclosure.department_designated",
        object_type="disclosure",
        object_id=case.disclosure.id,
        before=before,
        after=after,
    )
