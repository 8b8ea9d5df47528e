"""Reminders queued in the outbox and e-mailed through a real SMTP server started by the
test (aiosmtpd)."""

from dataclasses import replace
from datetime import date

from tests.factories import make_actor, submitted_case
from tlo.auth.models import Role
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.disclosures.intake import PublicDisclosureEntry
from tlo.notify import outbox
from tlo.patents import reminders

TODAY = date(2026, 11, 25)


def test_each_officer_gets_their_own_deadlines_by_e_mail(engine, smtp_server):
    inbox, port = smtp_server
    inventor = make_actor(engine, Role.INVENTOR)
    officer = make_actor(engine, Role.OFFICER, name="Olivia Ortega")
    other = make_actor(engine, Role.OFFICER, name="Marcus Lee")
    make_actor(engine, Role.DIRECTOR, name="Diane Whitfield")
    for who, when in ((officer, date(2025, 12, 1)), (other, date(2026, 6, 1))):
        case_id = submitted_case(
            engine,
            inventor,
            title=f"Case of {who.name}",
            public_disclosures=[PublicDisclosureEntry(when, "talk", "X")],
        )
        with unit_of_work(engine) as session:
            casework.assign_officer(
                session, actor=who, disclosure_id=case_id, officer_person_id=who.person_id
            )
    submitted_case(
        engine,
        inventor,
        title="Nobody's case",
        public_disclosures=[PublicDisclosureEntry(date(2025, 12, 3), "paper", "Y")],
    )
    with unit_of_work(engine) as session:
        found = reminders.collect(session, today=TODAY, horizon_days=14)
    settings = replace(
        get_settings(), smtp_host="127.0.0.1", smtp_port=port, mail_from="otl@university.example"
    )
    with unit_of_work(engine) as session:
        assert reminders.queue_all(session, found) == 2
    with unit_of_work(engine) as session:
        sent, failed = outbox.send_due(session, settings)
    # The cases' steps above told their people too (tlo/notify/hooks.py): the reminders are
    # the two docket e-mails among what was sent.
    docket_mail = [(to, m) for to, m in inbox.messages if m["Subject"].startswith("tlo docket")]
    assert (len(docket_mail), failed, sent) == (2, 0, len(inbox.messages))
    by_recipient = {message["To"]: message for _, message in docket_mail}
    olivia = next(m for to, m in by_recipient.items() if "Olivia Ortega" in to)
    assert olivia["Subject"] == "tlo docket: 1 due soon"
    body = olivia.get_content()
    assert "Case of Olivia Ortega" in body and "File in the US within the one-year" in body
    assert "Case of Marcus Lee" not in body  # due in June 2027: beyond the horizon
    director = next(m for to, m in by_recipient.items() if "Diane Whitfield" in to)
    assert "Nobody's case" in director.get_content()
    assert olivia["From"] == "otl@university.example"


def test_without_smtp_nothing_is_sent(engine):
    with unit_of_work(engine) as session:
        found = reminders.collect(session, today=TODAY, horizon_days=14)
        reminders.queue_all(session, found)
        assert outbox.send_due(session, replace(get_settings(), smtp_host=None)) == (0, 0)
