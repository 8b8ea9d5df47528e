"""What licensees owe late, and the reminders they are sent: an invoice past its due date with
something still to pay, a royalty report not received by its due date (its period's report
obligation neither filed in tlo nor marked done or waived). `python -m tlo remind --licensees`
e-mails one reminder per overdue item, at most one every `TLO_LICENSEE_REMINDER_DAYS` days (14
by default), to the contact the invoice was sent to, else the licensee's first contact with an
e-mail address, else its licensee account; each is logged on the agreement (audited).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from tlo import audit
from tlo.auth.models import Account, LicenseeAccount
from tlo.auth.permissions import Actor, require, sees_all
from tlo.licensing import royalty_reports
from tlo.licensing.agreement_models import Agreement, AgreementType, RoyaltyRate
from tlo.licensing.invoices import paid_cents_column
from tlo.licensing.models import Company, Contact
from tlo.licensing.receivable_models import (
    InvoiceStatus,
    LicenseeInvoice,
    LicenseeReminder,
    RoyaltyReport,
)
from tlo.money import dollars, from_cents
from tlo.notify import outbox
from tlo.notify.kinds import Kind
from tlo.patents.models import DocketItemState
from tlo.people.models import Person

DEFAULT_EVERY_DAYS = 14


@dataclass(frozen=True)
class Overdue:
    key: str  # "invoice:<id>" or "agr<id>:royalty_report:<period end>"
    agreement_id: int
    agreement_number: str
    company_id: int
    company: str
    what: str
    due_on: date
    last_reminded: date | None = None
    recipient: tuple[str, str] | None = None  # (name, e-mail)

    def days_late(self, today: date) -> int:
        return (today - self.due_on).days


def _late_invoices(session: Session, today: date) -> list[Overdue]:
    paid = paid_cents_column()
    rows = session.exec(
        select(LicenseeInvoice, Agreement, Company.name, LicenseeInvoice.amount_cents - paid)
        .join(Agreement, Agreement.id == LicenseeInvoice.agreement_id)
        .join(Company, Company.id == Agreement.company_id)
        .where(
            LicenseeInvoice.status == InvoiceStatus.OPEN.value,
            LicenseeInvoice.due_on < today,
            LicenseeInvoice.amount_cents > paid,
        )
        .order_by(LicenseeInvoice.due_on, LicenseeInvoice.id)
    ).all()
    return [
        Overdue(
            key=f"invoice:{invoice.id}",
            agreement_id=agreement.id,
            agreement_number=agreement.number,
            company_id=agreement.company_id,
            company=name,
            what=(
                f"Invoice {invoice.number} ({invoice.description}): "
                f"{dollars(from_cents(int(left)))} still to pay"
            ),
            due_on=invoice.due_on,
            recipient=("", invoice.sent_to) if invoice.sent_to else None,
        )
        for invoice, agreement, name, left in rows
    ]


def _late_reports(session: Session, today: date) -> list[Overdue]:
    licenses = session.exec(
        select(Agreement, Company.name)
        .join(Company, Company.id == Agreement.company_id)
        .where(
            col(Agreement.status).in_([s.value for s in royalty_reports.REPORTING]),
            col(Agreement.agreement_type).in_([t.value for t in AgreementType if t.is_license]),
            select(RoyaltyRate.id).where(RoyaltyRate.agreement_id == Agreement.id).exists(),
        )
        .order_by(Agreement.id)
    ).all()
    if not licenses:
        return []
    reported = set(
        session.exec(
            select(RoyaltyReport.agreement_id, RoyaltyReport.period_end).where(
                col(RoyaltyReport.live_key).is_not(None)
            )
        ).all()
    )
    # every license's marked report periods in one query (not one query per license)
    marked = set(
        session.exec(
            select(DocketItemState.key).where(col(DocketItemState.key).contains(":royalty_report:"))
        ).all()
    )
    found = []
    for agreement, name in licenses:
        for period in royalty_reports.periods_of(agreement):
            if period.due_on >= today:
                break
            if (agreement.id, period.end) in reported or period.obligation_key in marked:
                continue
            found.append(
                Overdue(
                    key=period.obligation_key,
                    agreement_id=agreement.id,
                    agreement_number=agreement.number,
                    company_id=agreement.company_id,
                    company=name,
                    what=f"The royalty report for {period.start} to {period.end}",
                    due_on=period.due_on,
                )
            )
    return found


def _recipients(session: Session, company_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each company's first contact with an e-mail address, else its licensee account."""
    found: dict[int, tuple[str, str]] = {}
    if not company_ids:
        return found
    for company_id, name, email in session.exec(
        select(Contact.company_id, Contact.name, Contact.email)
        .join(Company, Company.id == Contact.company_id)
        .where(Contact.email != "")
        .order_by(Contact.company_id, Contact.name, Contact.id)
    ).all():
        if company_id in company_ids:
            found.setdefault(company_id, (name, email))
    for company_id, name, email in session.exec(
        select(LicenseeAccount.company_id, Person.full_name, Person.email)
        .join(Account, Account.id == LicenseeAccount.account_id)
        .join(Person, Person.id == Account.person_id)
        .where(Account.active, Person.active)
        .order_by(LicenseeAccount.company_id, Person.full_name)
    ).all():
        if company_id in company_ids:
            found.setdefault(company_id, (name, email))
    return found


def _collect(session: Session, today: date) -> list[Overdue]:
    items = _late_invoices(session, today) + _late_reports(session, today)
    last = dict(
        session.exec(
            select(LicenseeReminder.item_key, func.max(LicenseeReminder.sent_on)).group_by(
                LicenseeReminder.item_key
            )
        ).all()
    )
    recipients = _recipients(session, {item.company_id for item in items})
    return sorted(
        (
            replace(
                item,
                last_reminded=last.get(item.key),
                recipient=item.recipient or recipients.get(item.company_id),
            )
            for item in items
        ),
        key=lambda item: (item.due_on, item.key),
    )


def overdue(session: Session, *, actor: Actor, today: date) -> list[Overdue]:
    """Every invoice and report licensees owe late, the oldest first, with when each was last
    reminded and to whom a reminder would go."""
    require(actor, "invoice.read")
    items = _collect(session, today)
    if sees_all(actor, "invoice.read"):
        return items
    return [item for item in items if item.company_id in actor.company_ids]


def send_reminders(
    session: Session, *, today: date, every_days: int = DEFAULT_EVERY_DAYS, dry_run: bool = False
) -> list[Overdue]:
    """Queue a reminder for each overdue item not reminded in the last `every_days` days that
    has someone to send it to; returns those reminded (or that would be, on a dry run)."""
    due = [
        item
        for item in _collect(session, today)
        if item.recipient is not None
        and (item.last_reminded is None or item.last_reminded <= today - timedelta(every_days))
    ]
    if dry_run:
        return due
    for item in due:
        name, email = item.recipient
        late = item.days_late(today)
        message = outbox.queue(
            session,
            kind=Kind.LICENSEE_REMINDER,
            recipient_email=email,
            recipient_name=name,
            subject=f"Overdue ({item.agreement_number}): {item.what[:200]}",
            body=(
                f"Dear {name or item.company},\n\n{item.what} under {item.agreement_number} was "
                f"due on {item.due_on.isoformat()}, {late} day(s) ago. Please send it at your "
                "earliest convenience, or tell us if it is already on its way.\n\n"
                "The Office of Technology Licensing"
            ),
        )
        session.add(
            LicenseeReminder(
                agreement_id=item.agreement_id,
                item_key=item.key,
                sent_on=today,
                sent_to=email,
                message_id=message.id,
            )
        )
        audit.record(
            session,
            actor=None,
            action="agreement.licensee_reminded",
            object_type="agreement",
            object_id=item.agreement_id,
            after={"item": item.key, "to": email, "days_late": late},
        )
    session.flush()
    return due
