"""Reassigning a case says why (issue #16, item 11): the director gives a case that has its
officer to another one with a reason, which the audit log keeps and its sentence reads."""

import pytest
from sqlmodel import select

from tests.factories import case_approved_for_filing, make_actor, submitted_case
from tlo import audit
from tlo.audit import AuditEntry
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.disclosures.models import Disclosure
from tlo.errors import PermissionDenied, ValidationError

REASON = "Olivia is on leave until May & asked for it"


def reassign(engine, actor, case_id, officer, reason=REASON) -> None:
    with unit_of_work(engine) as session:
        casework.reassign_officer(
            session,
            actor=actor,
            disclosure_id=case_id,
            officer_person_id=officer.person_id,
            reason=reason,
        )


def officer_of(engine, case_id) -> int | None:
    with unit_of_work(engine) as session:
        return session.get(Disclosure, case_id).officer_person_id


def assignments(engine, case_id) -> list[AuditEntry]:
    with unit_of_work(engine) as session:
        entries = session.exec(
            select(AuditEntry)
            .where(
                AuditEntry.action == "disclosure.officer_assigned",
                AuditEntry.object_id == str(case_id),
            )
            .order_by(AuditEntry.id)
        ).all()
        session.expunge_all()
        return list(entries)


def test_the_director_reassigns_a_case_giving_the_reason_the_audit_log_reads(engine, office):
    case_id = case_approved_for_filing(engine, office)
    reassign(engine, office.director, case_id, office.other_officer, reason=f"  {REASON}\n")
    assert officer_of(engine, case_id) == office.other_officer.person_id
    entry = assignments(engine, case_id)[-1]
    assert entry.before == {"officer_person_id": office.officer.person_id}
    assert entry.after == {"officer_person_id": office.other_officer.person_id, "reason": REASON}

    admin = make_actor(engine, Role.ADMIN)
    with unit_of_work(engine) as session:
        docket = session.get(Disclosure, case_id).docket
        read = {
            reader: audit.list_entries(
                session, actor=actor, object_type="disclosure", object_id=case_id
            ).items[0]
            for reader, actor in (("director", office.director), ("admin", admin))
        }
    assert read["director"].sentence == (
        f"Diane Whitfield reassigned {docket} from Olivia Ortega to Marcus Lee: “{REASON}”"
    )
    # The reason is the case's content: an administrator reads who did it, not why.
    assert read["admin"].sentence == f"Diane Whitfield assigned an officer to {docket}"


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_a_reassignment_without_a_reason_is_refused_and_changes_nothing(engine, office, reason):
    case_id = case_approved_for_filing(engine, office)
    before = len(assignments(engine, case_id))
    with pytest.raises(ValidationError, match="Give the reason for reassigning the case"):
        reassign(engine, office.director, case_id, office.other_officer, reason=reason)
    assert officer_of(engine, case_id) == office.officer.person_id
    assert len(assignments(engine, case_id)) == before


def test_a_reason_longer_than_its_limit_is_refused_with_the_limit(engine, office):
    case_id = case_approved_for_filing(engine, office)
    with pytest.raises(ValidationError, match="at most 500 are kept"):
        reassign(engine, office.director, case_id, office.other_officer, reason="x" * 501)


def test_only_the_director_reassigns_a_case(engine, office):
    case_id = case_approved_for_filing(engine, office)
    with pytest.raises(ValidationError, match="the director reassigns"):
        reassign(engine, office.other_officer, case_id, office.other_officer)
    with pytest.raises(PermissionDenied):
        reassign(engine, office.inventor, case_id, office.other_officer)
    assert officer_of(engine, case_id) == office.officer.person_id


def test_a_case_is_reassigned_to_another_active_officer_only(engine, office):
    case_id = case_approved_for_filing(engine, office)
    with pytest.raises(ValidationError, match="already theirs"):
        reassign(engine, office.director, case_id, office.officer)
    with pytest.raises(ValidationError, match="active licensing officer"):
        reassign(engine, office.director, case_id, office.finance)
    new_case = submitted_case(engine, office.inventor)  # no officer yet: triage assigns it
    with pytest.raises(ValidationError, match="has no officer yet"):
        reassign(engine, office.director, new_case, office.officer)
