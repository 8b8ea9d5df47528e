"""A signed-in user's notifications, their choices per kind, and the administrator's list of
failed messages: the services behind pages/notifications.py.

A notification is an outbox message addressed to the user's person (what was e-mailed, or
kept without e-mail when they switched its kind off). The weekly digest that gathers several
is an e-mail only: the in-app list shows the messages it gathered, not the digest itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select, update

from tlo import audit
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.errors import NotFound, ValidationError
from tlo.notify import outbox
from tlo.notify.kinds import ALWAYS_ON, DIGEST, Kind
from tlo.notify.models import OutboxMessage
from tlo.text import clean_choice, clean_id

LIST_LIMIT = 200  # the newest this many; older ones stay in the outbox
MODE_LABELS = {"immediately": "Immediately", "weekly": "Weekly digest", "off": "Not at all"}


def _own(actor: Actor):
    require(actor, "notification.own")
    if actor.person_id is None:
        raise ValidationError("Only a person has notifications.")
    return (
        OutboxMessage.recipient_person_id == actor.person_id,
        OutboxMessage.kind != DIGEST,
    )


def my_notifications(
    session: Session, *, actor: Actor, limit: int = LIST_LIMIT
) -> list[OutboxMessage]:
    """The user's notifications, newest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(*_own(actor))
            .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
            .limit(limit)
        ).all()
    )


def unread_count(session: Session, *, actor: Actor) -> int:
    """How many of the user's notifications they have not marked read (the sidebar's count)."""
    if actor.person_id is None:
        return 0
    return session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(*_own(actor), col(OutboxMessage.read_at).is_(None))
    ).one()


def mark_read(session: Session, *, actor: Actor, message_id: int | None = None) -> int:
    """Mark one of the user's notifications read (`message_id`), or all of them (None);
    returns how many were unread."""
    conditions = [*_own(actor), col(OutboxMessage.read_at).is_(None)]
    if message_id is not None:
        message_id = clean_id(message_id, what="notification")
        message = session.get(OutboxMessage, message_id)
        if message is None or message.recipient_person_id != actor.person_id:
            raise NotFound("There is no such notification of yours.")
        conditions.append(OutboxMessage.id == message_id)
    changed = session.exec(
        update(OutboxMessage).where(*conditions).values(read_at=utcnow())
    ).rowcount
    if changed:
        audit.record(
            session,
            actor=actor,
            action="notification.read",
            object_type="person",
            object_id=actor.person_id,
            after={"read": changed, **({"message": message_id} if message_id else {})},
        )
    session.expire_all()
    return changed


@dataclass(frozen=True)
class PreferenceView:
    kind: Kind
    label: str
    mode: str
    always_on: bool  # cannot be switched off (legal deadlines to officers)

    @property
    def modes(self) -> list[str]:
        """The choices to offer: all of outbox.MODES, but "off" where it cannot be had."""
        return [mode for mode in outbox.MODES if not (self.always_on and mode == "off")]


def my_preferences(session: Session, *, actor: Actor) -> list[PreferenceView]:
    """How the user receives each kind of message (immediately unless they chose otherwise)."""
    _own(actor)
    return [
        PreferenceView(
            kind, kind.label, outbox.mode_for(session, actor.person_id, kind), kind in ALWAYS_ON
        )
        for kind in Kind
    ]


def change_my_preference(session: Session, *, actor: Actor, kind: Kind | str, mode: str) -> None:
    _own(actor)
    kind = clean_choice(kind, Kind, what="kind of message")
    before = outbox.mode_for(session, actor.person_id, kind)
    outbox.set_preference(session, person_id=actor.person_id, kind=kind, mode=mode)
    if before != mode:
        audit.record(
            session,
            actor=actor,
            action="notification.preference_changed",
            object_type="person",
            object_id=actor.person_id,
            before={"kind": kind.label, "mode": before},
            after={"kind": kind.label, "mode": mode},
        )


def change_my_preferences(session: Session, *, actor: Actor, modes: dict) -> int:
    """Several choices at once (the page's form), all or none; returns how many changed."""
    if not isinstance(modes, dict):
        raise ValidationError("Choose how you receive each kind of message.")
    changed = 0
    for kind, mode in modes.items():
        kind = clean_choice(kind, Kind, what="kind of message")
        if outbox.mode_for(session, actor.person_id, kind) != mode:
            change_my_preference(session, actor=actor, kind=kind, mode=mode)
            changed += 1
    return changed


def failed_messages(session: Session, *, actor: Actor) -> list[OutboxMessage]:
    """Messages given up on or still failing, with their last error (the administrator)."""
    require(actor, "notification.failures")
    return outbox.failures(session)


def retry(session: Session, *, actor: Actor, message_id: int) -> OutboxMessage:
    """Send a failed message again on the next `send-mail` round, with its attempts anew."""
    require(actor, "notification.failures")
    message_id = clean_id(message_id, what="message")
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound(f"There is no message {message_id}.")
    if message.status not in ("failed", "queued") or (
        message.status == "queued" and message.attempts == 0
    ):
        raise ValidationError(f"Message {message_id} has not failed: there is nothing to retry.")
    before = {"status": message.status, "attempts": message.attempts}
    message.status = "queued"
    message.attempts = 0
    message.next_attempt_at = utcnow()
    session.add(message)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notification.retried",
        object_type="outbox_message",
        object_id=message.id,
        before=before,
        after={"status": "queued", "last_error": message.last_error},
    )
    return message
