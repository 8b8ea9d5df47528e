"""A user's notifications and choices, and the administrator's failed messages, through the
services the notifications page calls."""

import pytest
from sqlmodel import select

from tests.factories import make_actor, submitted_case
from tlo.audit import AuditEntry
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.notify import inbox, outbox
from tlo.notify.kinds import Kind
from tlo.notify.models import OutboxMessage


def test_my_notifications_are_mine_newest_first_and_marked_read_one_or_all(engine, office):
    first = submitted_case(engine, office.inventor)
    second = submitted_case(engine, office.inventor)
    with unit_of_work(engine) as session:
        mine = inbox.my_notifications(session, actor=office.inventor)
        assert len(mine) == 2 and mine[0].id > mine[1].id  # newest first
        assert {m.recipient_person_id for m in mine} == {office.inventor.person_id}
        assert inbox.unread_count(session, actor=office.inventor) == 2
        # The officer's own copy (the intake queue) is theirs, not hers.
        theirs = inbox.my_notifications(session, actor=office.officer)[0]
        with pytest.raises(NotFound):
            inbox.mark_read(session, actor=office.inventor, message_id=theirs.id)
        assert inbox.mark_read(session, actor=office.inventor, message_id=mine[0].id) == 1
        assert inbox.unread_count(session, actor=office.inventor) == 1
        assert inbox.unread_count(session, actor=office.officer) == 2
    with unit_of_work(engine) as session:
        assert inbox.mark_read(session, actor=office.inventor) == 1
        assert inbox.mark_read(session, actor=office.inventor) == 0
        assert inbox.unread_count(session, actor=office.inventor) == 0
    assert first != second


def test_a_choice_is_kept_audited_and_deadlines_stay_on(engine, office):
    with unit_of_work(engine) as session:
        assert (
            inbox.change_my_preferences(
                session,
                actor=office.officer,
                modes={Kind.CASE_ASSIGNED: "weekly", Kind.FILING_DECISION: "immediately"},
            )
            == 1
        )  # the second was already so
        with pytest.raises(ValidationError, match="cannot be switched off"):
            inbox.change_my_preferences(session, actor=office.officer, modes={Kind.DEADLINE: "off"})
        with pytest.raises(ValidationError):
            inbox.change_my_preferences(session, actor=office.officer, modes={"spam": "off"})
        views = {p.kind: p for p in inbox.my_preferences(session, actor=office.officer)}
    assert views[Kind.CASE_ASSIGNED].mode == "weekly"
    assert views[Kind.DEADLINE].always_on and not views[Kind.CASE_ASSIGNED].always_on
    with unit_of_work(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "notification.preference_changed")
        ).one()
        assert entry.after == {"kind": Kind.CASE_ASSIGNED.label, "mode": "weekly"}


def failed_message(session) -> OutboxMessage:
    message = outbox.queue(
        session,
        kind=Kind.DISCLOSURE_SUBMITTED,
        recipient_email="alice@test.example",
        subject="Disclosure received: S26-0001",
        body="We received it.",
    )
    message.status, message.attempts, message.last_error = "failed", 6, "550 no such user"
    session.add(message)
    session.flush()
    return message


def test_only_the_administrator_sees_and_retries_failed_messages(engine, office):
    admin = make_actor(engine, Role.ADMIN, name="Adam Kowalski")
    with unit_of_work(engine) as session:
        message = failed_message(session)
        for someone in (office.director, office.officer, office.inventor):
            with pytest.raises(PermissionDenied):
                inbox.failed_messages(session, actor=someone)
            with pytest.raises(PermissionDenied):
                inbox.retry(session, actor=someone, message_id=message.id)
        (listed,) = inbox.failed_messages(session, actor=admin)
        assert listed.last_error == "550 no such user"
        inbox.retry(session, actor=admin, message_id=message.id)
        assert (message.status, message.attempts) == ("queued", 0)
        assert inbox.failed_messages(session, actor=admin) == []
        # Now it waits to be sent: there is nothing to retry.
        with pytest.raises(ValidationError, match="nothing to retry"):
            inbox.retry(session, actor=admin, message_id=message.id)
        with pytest.raises(NotFound):
            inbox.retry(session, actor=admin, message_id=10**6)
        assert session.exec(
            select(AuditEntry).where(AuditEntry.action == "notification.retried")
        ).one().object_id == str(message.id)
