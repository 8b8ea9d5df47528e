"""Queue messages in the caller's transaction; send them with retry and backoff."""

from __future__ import annotations

import mimetypes
import smtplib
from collections import defaultdict
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr

from sqlmodel import Session, col, select

from tlo import file_store
from tlo.clock import utcnow
from tlo.config import Settings
from tlo.errors import DomainError, ValidationError
from tlo.notify.kinds import ALWAYS_ON, DIGEST, Kind
from tlo.notify.models import NotificationPreference, OutboxMessage

# Every kind of message, by its label (tlo/notify/kinds.py).
KINDS = {kind.value: kind.label for kind in Kind}
MODES = ("immediately", "weekly", "off")
MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 30, 120, 720)


def _effective(kind: str, mode: str | None) -> str:
    mode = mode or "immediately"
    return "immediately" if kind in ALWAYS_ON and mode == "off" else mode


def mode_for(session: Session, person_id: int | None, kind: str) -> str:
    if person_id is None:
        return "immediately"
    preference = session.exec(
        select(NotificationPreference).where(
            NotificationPreference.person_id == person_id, NotificationPreference.kind == kind
        )
    ).first()
    return _effective(kind, preference.mode if preference else None)


CHUNK = 1000  # ids per IN (...): well under SQLite's and PostgreSQL's parameter limits


def modes_for(session: Session, wanted: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """Each (person, kind)'s mode, in a query per thousand people (a step telling many)."""
    person_ids = sorted({person_id for person_id, _ in wanted})
    chosen: dict[tuple[int, str], str] = {}
    for start in range(0, len(person_ids), CHUNK):
        chosen |= {
            (person_id, kind): mode
            for person_id, kind, mode in session.exec(
                select(
                    NotificationPreference.person_id,
                    NotificationPreference.kind,
                    NotificationPreference.mode,
                ).where(
                    col(NotificationPreference.person_id).in_(person_ids[start : start + CHUNK])
                )
            )
        }
    return {(p, k): _effective(k, chosen.get((p, k))) for p, k in wanted}


def set_preference(session: Session, *, person_id: int, kind: str, mode: str) -> None:
    if kind not in KINDS:
        raise ValidationError(f"Unknown kind of message: {kind!r}.")
    if mode not in MODES:
        raise ValidationError(f"Choose one of {', '.join(MODES)}.")
    if kind in ALWAYS_ON and mode == "off":
        raise ValidationError("Legal deadlines cannot be switched off.")
    preference = session.exec(
        select(NotificationPreference).where(
            NotificationPreference.person_id == person_id, NotificationPreference.kind == kind
        )
    ).first()
    if preference is None:
        preference = NotificationPreference(person_id=person_id, kind=kind, mode=mode)
    preference.mode = mode
    session.add(preference)
    session.flush()


def queue(
    session: Session,
    *,
    kind: str,
    recipient_email: str,
    subject: str,
    body: str,
    recipient_person_id: int | None = None,
    recipient_name: str = "",
    link: str | None = None,
    mode: str | None = None,
    flush: bool = True,
    attachment: tuple[str, bytes] | None = None,
) -> OutboxMessage:
    """Add a message in the caller's transaction: a rolled-back change queues nothing.

    `mode`: the recipient's choice for this kind when the caller has looked it up already
    (`modes_for`, for many recipients at once); `flush=False` leaves the insert to the
    caller's next flush."""
    if kind not in KINDS:
        raise ValidationError(f"Unknown kind of message: {kind!r}.")
    if not recipient_email or "@" not in recipient_email:
        raise ValidationError("A message needs an e-mail address.")
    mode = _effective(kind, mode) if mode else mode_for(session, recipient_person_id, kind)
    status = {"immediately": "queued", "weekly": "digest", "off": "off"}[mode]
    message = OutboxMessage(
        kind=kind,
        recipient_person_id=recipient_person_id,
        recipient_email=recipient_email.strip(),
        recipient_name=recipient_name.strip()[:200],
        subject=subject[:300],
        body=body + (f"\n\n{link}" if link else ""),
        link=link,
        status=status,
    )
    if attachment is not None:
        name, content = attachment
        message.attachment_name = name[:255]
        message.attachment_sha256 = file_store.put("outbox", content)
    session.add(message)
    if flush:
        session.flush()
    return message


def build_digests(session: Session) -> int:
    """Gather each person's waiting digest messages into one queued message; returns how many."""
    waiting = session.exec(
        select(OutboxMessage).where(OutboxMessage.status == "digest").order_by(OutboxMessage.id)
    ).all()
    by_address: dict[str, list[OutboxMessage]] = defaultdict(list)
    for message in waiting:
        by_address[message.recipient_email].append(message)
    for address, messages in by_address.items():
        lines = ["Your weekly summary from the technology licensing office:", ""]
        for message in messages:
            lines.append(f"- {message.subject}" + (f" ({message.link})" if message.link else ""))
            message.status = "digested"
            session.add(message)
        session.add(
            OutboxMessage(
                kind=DIGEST,
                recipient_person_id=messages[0].recipient_person_id,
                recipient_email=address,
                recipient_name=messages[0].recipient_name,
                subject=f"tlo: {len(messages)} update(s) this week",
                body="\n".join(lines),
            )
        )
    session.flush()
    return len(by_address)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts - 1, len(BACKOFF_MINUTES) - 1)])


def send_due(session: Session, settings: Settings) -> tuple[int, int]:
    """Send every queued message that is due; returns (sent, failed this round)."""
    now = utcnow()
    due = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
    ).all()
    if not due or not settings.smtp_host:
        return 0, 0
    sent = failed = 0
    try:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
    except OSError as error:
        for message in due:
            _failed(session, message, f"cannot connect: {error}", now)
        session.flush()
        return 0, len(due)
    with smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for message in due:
            email = EmailMessage()
            email["From"] = settings.mail_from
            email["To"] = formataddr((message.recipient_name, message.recipient_email))
            email["Subject"] = message.subject
            email.set_content(message.body)
            if message.attachment_sha256:
                try:
                    content = file_store.get("outbox", message.attachment_sha256)
                except DomainError as error:  # the data folder lost it: this message waits
                    _failed(session, message, f"its attachment is missing: {error}", now)
                    failed += 1
                    continue
                maintype, _, subtype = (
                    mimetypes.guess_type(message.attachment_name or "")[0]
                    or "application/octet-stream"
                ).partition("/")
                email.add_attachment(
                    content, maintype=maintype, subtype=subtype, filename=message.attachment_name
                )
            try:
                smtp.send_message(email)
            except (smtplib.SMTPException, OSError) as error:
                _failed(session, message, str(error), now)
                failed += 1
                continue
            message.status = "sent"
            message.sent_at = now
            message.attempts += 1
            session.add(message)
            sent += 1
    session.flush()
    return sent, failed


def _failed(session: Session, message: OutboxMessage, error: str, now) -> None:
    message.attempts += 1
    message.last_error = error[:1000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.next_attempt_at = now + _backoff(message.attempts)
    session.add(message)


def failures(session: Session) -> list[OutboxMessage]:
    """Messages given up on, or still failing (for the administrator)."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(
                (OutboxMessage.status == "failed")
                | ((OutboxMessage.status == "queued") & (OutboxMessage.attempts > 0))
            )
            .order_by(OutboxMessage.id)
        ).all()
    )
