"""The outbox: queued in the caller's transaction, sent to a real local SMTP server."""

from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

import tlo.notify.models  # noqa: F401  (the outbox tables)
from tests.factories import make_actor
from tests.smtp import Inbox, free_port
from tlo import file_store
from tlo.auth.models import Role
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.errors import ValidationError
from tlo.notify import inbox, outbox
from tlo.notify.models import OutboxMessage


class Refusing:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 no such user"


def _server(handler):
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def _settings(port):
    return replace(get_settings(), smtp_host="127.0.0.1", smtp_port=port, mail_from="otl@u.example")


def _queue(session, **kw):
    return outbox.queue(
        session,
        kind="disclosure_submitted",
        recipient_email="alice@u.example",
        subject="Disclosure received: S26-0001",
        body="We received it.",
        link="/?case=S26-0001",
        **kw,
    )


def test_a_rolled_back_change_queues_nothing(engine):
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        _queue(session)
        raise RuntimeError("the change failed")
    with unit_of_work(engine) as session:
        assert session.exec(select(OutboxMessage)).all() == []


def test_a_queued_message_is_sent_once_with_its_link(engine):
    inbox = Inbox()
    controller, port = _server(inbox)
    try:
        with unit_of_work(engine) as session:
            _queue(session)
        with unit_of_work(engine) as session:
            assert outbox.send_due(session, _settings(port)) == (1, 0)
        with unit_of_work(engine) as session:
            assert outbox.send_due(session, _settings(port)) == (0, 0)
    finally:
        controller.stop()
    ((_, message),) = inbox.messages
    assert message["Subject"] == "Disclosure received: S26-0001"
    assert "/?case=S26-0001" in message.get_content()


def test_a_refusing_server_is_retried_with_backoff_then_marked_failed(engine):
    controller, port = _server(Refusing())
    try:
        with unit_of_work(engine) as session:
            _queue(session)
        with unit_of_work(engine) as session:
            assert outbox.send_due(session, _settings(port)) == (0, 1)
            # backoff: not due again at once
            assert outbox.send_due(session, _settings(port)) == (0, 0)
            (failing,) = outbox.failures(session)
            assert failing.attempts == 1 and "550" in failing.last_error
            for _ in range(outbox.MAX_ATTEMPTS - 1):
                failing.next_attempt_at = failing.created_at
                session.add(failing)
                outbox.send_due(session, _settings(port))
            assert failing.status == "failed"
    finally:
        controller.stop()


def test_preferences_send_a_weekly_digest_or_nothing_but_deadlines_stay_on(engine):
    alice = make_actor(engine, Role.INVENTOR, name="Alice Chen")
    with unit_of_work(engine) as session:
        outbox.set_preference(
            session, person_id=alice.person_id, kind="disclosure_submitted", mode="weekly"
        )
        outbox.set_preference(session, person_id=alice.person_id, kind="case_assigned", mode="off")
        with pytest.raises(ValidationError):
            outbox.set_preference(session, person_id=alice.person_id, kind="deadline", mode="off")
        weekly = _queue(session, recipient_person_id=alice.person_id)
        off = outbox.queue(
            session,
            kind="case_assigned",
            recipient_email="alice@u.example",
            recipient_person_id=alice.person_id,
            subject="x",
            body="y",
        )
        assert (weekly.status, off.status) == ("digest", "off")
        assert outbox.build_digests(session) == 1
        digest = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")).one()
        assert "S26-0001" in digest.body and digest.status == "queued"
        # In the app: the two messages, not the digest e-mail that gathered one of them.
        assert inbox.unread_count(session, actor=alice) == 2


def test_a_message_whose_attachment_is_gone_waits_and_the_others_go(engine, smtp_server):
    inbox, port = smtp_server
    with unit_of_work(engine) as session:
        lost = outbox.queue(
            session,
            kind="invoice",
            recipient_email="ap@l.example",
            subject="Invoice",
            body="Attached.",
            attachment=("INV-1.docx", b"PK\x03\x04 an invoice"),
        )
        _queue(session)
    file_store.path_of("outbox", lost.attachment_sha256).unlink()
    with unit_of_work(engine) as session:
        assert outbox.send_due(session, _settings(port)) == (1, 1)
        kept = session.get(OutboxMessage, lost.id)
        assert kept.status == "queued" and "attachment is missing" in kept.last_error
    assert [to for to, _ in inbox.messages] == [["alice@u.example"]]
