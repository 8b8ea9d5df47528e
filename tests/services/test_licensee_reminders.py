"""Reminders to licensees on a real database: an invoice past due with something still to
pay and a report not received by its due date are reminded once, to the contact the invoice
went to (else the licensee's first contact), not again within the interval, and each reminder
is logged on the agreement; what is paid, reported or marked is not reminded."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.services.test_licensee_payments import billed, pay  # noqa: F401 (a fixture)
from tests.services.test_royalty_reports import licensee_of, quarter_end
from tlo.__main__ import main
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied
from tlo.licensing import dunning, outreach, royalty_reports
from tlo.licensing.receivable_models import LicenseeReminder
from tlo.notify.models import OutboxMessage
from tlo.people.models import Person


def remind(engine, today=TODAY, **kw):
    with unit_of_work(engine) as session:
        return [item.key for item in dunning.send_reminders(session, today=today, **kw)]


def test_overdue_invoices_and_reports_are_reminded_once_an_interval(engine, office, billed):  # noqa: F811
    agreement, company, royalty, fee = billed
    with unit_of_work(engine) as session:
        outreach.add_contact(
            session,
            actor=office.officer,
            company_id=company,
            name="Ann Payable",
            email="ap@assay.example",
        )
    # Today the invoices are not due yet (the royalty's today, the fee's in 30 days); every
    # quarter but the first (approved) is late.
    first = remind(engine)
    assert first and all(":royalty_report:" in key for key in first)
    assert f"agr{agreement}:royalty_report:{quarter_end(2)}" in first
    assert f"agr{agreement}:royalty_report:{quarter_end(1)}" not in first
    assert not set(remind(engine, today=TODAY + timedelta(days=13))) & set(first)
    later = remind(engine, today=TODAY + timedelta(days=60))
    assert set(first) <= set(later)  # 14 days on: reminded again
    assert {f"invoice:{royalty}", f"invoice:{fee}"} <= set(later)
    with unit_of_work(engine) as session:
        messages = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "licensee_reminder")
        ).all()
        logged = session.exec(
            select(AuditEntry).where(AuditEntry.action == "agreement.licensee_reminded")
        ).all()
        rows = session.exec(select(LicenseeReminder)).all()
    assert {m.recipient_email for m in messages} == {"ap@assay.example"}
    assert any("still to pay" in m.subject for m in messages)
    assert len(logged) == len(messages) == len(rows)
    assert {str(e.object_id) for e in logged} == {str(agreement)}


def test_what_is_paid_reported_or_marked_is_not_reminded(engine, office, billed):  # noqa: F811
    agreement, company, royalty, fee = billed
    lena = licensee_of(engine, agreement)  # its account: where a reminder goes without contact
    pay(engine, office, company, "54200.00", [(royalty, "4200.00"), (fee, "50000.00")])
    with unit_of_work(engine) as session:
        royalty_reports.submit_zero_report(
            session, actor=lena, agreement_id=agreement, period_end=quarter_end(2)
        )
    later = TODAY + timedelta(days=60)
    with unit_of_work(engine) as session:
        items = dunning.overdue(session, actor=office.finance, today=later)
    keys = {item.key for item in items}
    assert not any(k.startswith("invoice:") for k in keys)
    assert f"agr{agreement}:royalty_report:{quarter_end(2)}" not in keys
    assert f"agr{agreement}:royalty_report:{quarter_end(3)}" in keys
    # no contact with an e-mail address: the reminders go to the licensee's account
    with unit_of_work(engine) as session:
        lena_email = session.get(Person, lena.person_id).email
    assert {item.recipient[1] for item in items} == {lena_email}
    remind(engine, today=later)
    with unit_of_work(engine) as session:
        sent = set(session.exec(select(LicenseeReminder.sent_to)).all())
    assert sent == {lena_email}


def test_a_licensee_sees_only_its_own_overdue_items(engine, office, billed):  # noqa: F811
    agreement, company, _royalty, _fee = billed
    lena = licensee_of(engine, agreement)
    with unit_of_work(engine) as session:
        mine = dunning.overdue(session, actor=lena, today=TODAY + timedelta(days=60))
        assert mine and {item.company_id for item in mine} == {company}
        with pytest.raises(PermissionDenied):
            dunning.overdue(session, actor=office.inventor, today=TODAY)


def test_the_command_reminds_licensees(engine, office, billed, database_url, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("TLO_DATABASE_URL", database_url)
    _agreement, company, _, _ = billed
    with unit_of_work(engine) as session:
        outreach.add_contact(
            session, actor=office.officer, company_id=company, name="Ann", email="ann@a.example"
        )
    assert main(["remind", "--licensees", "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert "<ann@a.example>: The royalty report for" in shown and "dry run" in shown
    with unit_of_work(engine) as session:
        assert session.exec(select(LicenseeReminder)).all() == []
    assert main(["remind", "--licensees"]) == 0
    assert "Queued" in capsys.readouterr().out
    assert main(["remind", "--licensees"]) == 0
    assert "No licensee has anything overdue" in capsys.readouterr().out
