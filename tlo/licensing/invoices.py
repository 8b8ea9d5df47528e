"""Invoices to licensees (receivables): issued from approved royalty reports and from the
obligations an agreement's terms set (the upfront fee, past patent costs, annual fees,
milestones once achieved), each billed once; numbered INV-<year>-<nnnn> by the year issued;
never edited once issued (voided, with a reason, instead).

What is still owed is aged from the due date: current, 1-30, 31-60, 61-90 and over 90 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case
from sqlmodel import Session, col, func, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require, sees_all
from tlo.errors import NotFound, ValidationError
from tlo.licensing.agreement_models import Agreement
from tlo.licensing.agreements import AgreementAccess, load_agreement
from tlo.licensing.agreements import obligations as agreement_obligations
from tlo.licensing.models import Company, Contact
from tlo.licensing.obligations import PAYMENT_DAYS
from tlo.licensing.receivable_models import (
    InvoiceKind,
    InvoiceStatus,
    LicenseeInvoice,
    PaymentAllocation,
    ReportStatus,
    RoyaltyReport,
)
from tlo.money import dollars, from_cents, to_cents
from tlo.pagination import Page, paginate
from tlo.text import clean_id, clean_text

#: the aging buckets: (label, fewest days past due, most days past due or None)
BUCKETS = (
    ("Current", None, 0),
    ("1-30 days", 1, 30),
    ("31-60 days", 31, 60),
    ("61-90 days", 61, 90),
    ("Over 90 days", 91, None),
)


def paid_cents_column():
    """Each invoice's paid amount, as a correlated sum (for the lists and the aging)."""
    return (
        select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0))
        .where(PaymentAllocation.invoice_id == LicenseeInvoice.id)
        .correlate(LicenseeInvoice)
        .scalar_subquery()
    )


def _next_number(session: Session, year: int) -> str:
    prefix = f"INV-{year}-"
    # The longest, then the greatest: INV-2026-10000 comes after INV-2026-9999.
    last = session.exec(
        select(LicenseeInvoice.number)
        .where(col(LicenseeInvoice.number).startswith(prefix))
        .order_by(func.length(LicenseeInvoice.number).desc(), col(LicenseeInvoice.number).desc())
        .limit(1)
    ).first()
    return f"{prefix}{(int(last[len(prefix) :]) if last else 0) + 1:04d}"


def issue(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    kind: InvoiceKind,
    description: str,
    amount_cents: int,
    due_on: date,
    obligation_key: str | None = None,
    royalty_report_id: int | None = None,
) -> LicenseeInvoice:
    """The one place an invoice is made (callers have checked what it bills)."""
    require(actor, "invoice.issue", AgreementAccess(agreement))
    if amount_cents <= 0:
        raise ValidationError("An invoice is for an amount above zero.")
    today = clock.today()
    invoice = LicenseeInvoice(
        number=_next_number(session, today.year),
        agreement_id=agreement.id,
        kind=InvoiceKind(kind).value,
        description=description,
        obligation_key=obligation_key,
        royalty_report_id=royalty_report_id,
        issued_on=today,
        due_on=due_on,
        amount_cents=amount_cents,
        issued_by_account_id=actor.account_id,
        issued_by_name=actor.name,
    )
    if (
        obligation_key is not None
        and session.exec(
            select(LicenseeInvoice.id).where(LicenseeInvoice.obligation_key == obligation_key)
        ).first()
    ):
        raise ValidationError("This obligation is invoiced already.")
    # Two invoices issued at the same moment may draw the same number: the unique number
    # then fails the second transaction as a whole, and nothing of it is kept.
    session.add(invoice)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="invoice.issued",
        object_type="agreement",
        object_id=agreement.id,
        after={
            "number": invoice.number,
            "kind": invoice.kind,
            "amount_cents": amount_cents,
            "due_on": due_on,
        },
    )
    return invoice


def _kind_of(key: str) -> InvoiceKind | None:
    name = key.split(":", 1)[0]
    return {
        "upfront_fee": InvoiceKind.UPFRONT_FEE,
        "past_patent_costs": InvoiceKind.PAST_PATENT_COSTS,
        "annual_fee": InvoiceKind.ANNUAL_FEE,
        "milestone": InvoiceKind.MILESTONE,
        "patent_cost": InvoiceKind.PATENT_COSTS,
    }.get(name)


@dataclass(frozen=True)
class Billable:
    key: str  # agr<id>:<obligation key>
    kind: InvoiceKind
    description: str
    due: date
    amount_cents: int
    invoice_number: str | None  # None: not billed yet


def billable(session: Session, *, actor: Actor, agreement_id: int) -> list[Billable]:
    """The agreement's payment obligations (fees, past costs, milestones with an amount) and,
    where it reimburses ongoing costs, the counsel invoices on its licensed patents dated from
    its effective date; each with whether it is billed. A milestone is billed once its
    officer marks it achieved (done)."""
    require(actor, "invoice.issue")
    entries = agreement_obligations(session, actor=actor, agreement_id=agreement_id)
    billed = dict(
        session.exec(
            select(LicenseeInvoice.obligation_key, LicenseeInvoice.number).where(
                col(LicenseeInvoice.obligation_key).startswith(f"agr{agreement_id}:"),
                LicenseeInvoice.status == InvoiceStatus.OPEN.value,
            )
        ).all()
    )
    found = []
    for entry in entries:
        kind = _kind_of(entry.obligation.key)
        if kind is None or not entry.obligation.amount:
            continue
        # A milestone is billed once achieved (marked done); a fee while it is open (done:
        # received already, before tlo billed it); nothing waived.
        achieved = entry.state == "done"
        if entry.state == "waived" or achieved != (kind is InvoiceKind.MILESTONE):
            continue
        found.append(
            Billable(
                entry.key,
                kind,
                entry.obligation.description,
                entry.obligation.due,
                to_cents(entry.obligation.amount),
                billed.get(entry.key),
            )
        )
    if not entries:  # not executed: nothing to bill
        return found
    return (
        found
        + _patent_costs(session, agreement_id, billed)
        + _reports_to_bill_again(session, agreement_id)
    )


def _reports_to_bill_again(session: Session, agreement_id: int) -> list[Billable]:
    """Approved reports that owe something and have no open invoice (theirs was voided)."""
    invoiced = select(LicenseeInvoice.id).where(
        LicenseeInvoice.royalty_report_id == RoyaltyReport.id,
        LicenseeInvoice.status == InvoiceStatus.OPEN.value,
    )
    reports = session.exec(
        select(RoyaltyReport)
        .where(
            RoyaltyReport.agreement_id == agreement_id,
            RoyaltyReport.status == ReportStatus.APPROVED.value,
            RoyaltyReport.total_due_cents > 0,
            ~invoiced.exists(),
        )
        .order_by(RoyaltyReport.period_end)
    ).all()
    agreement = session.get(Agreement, agreement_id)
    return [
        Billable(
            f"report:{report.id}",
            InvoiceKind.ROYALTY,
            f"Royalties for {report.period_start.isoformat()} to {report.period_end.isoformat()}",
            report.period_end + timedelta(days=agreement.report_due_days),
            report.total_due_cents,
            None,
        )
        for report in reports
    ]


def _patent_costs(session: Session, agreement_id: int, billed: dict) -> list[Billable]:
    """Counsel invoices on the licensed patents, from the effective date, to re-bill."""
    from tlo.licensing.agreements import families_of, patent_label
    from tlo.patents.models import PatentCost

    agreement = session.get(Agreement, agreement_id)
    if not agreement.reimburse_ongoing_costs or agreement.effective_date is None:
        return []
    licensed = {
        member.application.id: member.application
        for member in families_of(session, [agreement_id]).get(agreement_id, [])
        if member.licensed
    }
    if not licensed:
        return []
    costs = session.exec(
        select(PatentCost)
        .where(
            col(PatentCost.application_id).in_(sorted(licensed)),
            PatentCost.invoice_date >= agreement.effective_date,
        )
        .order_by(PatentCost.invoice_date, PatentCost.id)
    ).all()
    # A counsel invoice is re-billed once, to one licensee, whichever licenses its patent.
    keys = [f"patent_cost:{cost.id}" for cost in costs]
    billed = billed | dict(
        session.exec(
            select(LicenseeInvoice.obligation_key, LicenseeInvoice.number).where(
                col(LicenseeInvoice.obligation_key).in_(keys),
                LicenseeInvoice.status == InvoiceStatus.OPEN.value,
            )
        ).all()
        if keys
        else {}
    )
    found = []
    for cost in costs:
        key = f"patent_cost:{cost.id}"
        what = cost.description or "counsel invoice"
        number = f" {cost.invoice_number}" if cost.invoice_number else ""
        found.append(
            Billable(
                key,
                InvoiceKind.PATENT_COSTS,
                f"Patent costs, {patent_label(licensed[cost.application_id])}: {what}{number} "
                f"of {cost.invoice_date.isoformat()}",
                cost.invoice_date,
                cost.amount_cents,
                billed.get(key),
            )
        )
    return found


def invoice_obligation(
    session: Session, *, actor: Actor, agreement_id: int, key: str
) -> LicenseeInvoice:
    """Bill one payment obligation: due on its own date, or 30 days from today if later."""
    agreement = load_agreement(session, actor, agreement_id, "invoice.issue")
    key = clean_text(key, what="obligation", max_length=120, multiline=False)
    found = {b.key: b for b in billable(session, actor=actor, agreement_id=agreement.id)}
    if key not in found:
        raise NotFound(f"{agreement.number} has no obligation {key!r} to bill (yet).")
    item = found[key]
    if item.invoice_number:
        raise ValidationError(f"{item.description} is billed already ({item.invoice_number}).")
    report_id = int(key.split(":", 1)[1]) if key.startswith("report:") else None
    return issue(
        session,
        actor=actor,
        agreement=agreement,
        kind=item.kind,
        description=item.description,
        amount_cents=item.amount_cents,
        due_on=max(item.due, clock.today() + timedelta(days=PAYMENT_DAYS)),
        obligation_key=None if report_id else key,
        royalty_report_id=report_id,
    )


def void_invoice(session: Session, *, actor: Actor, invoice_id: int, reason: str) -> None:
    invoice = session.get(LicenseeInvoice, clean_id(invoice_id, what="invoice"))
    if invoice is None:
        raise NotFound(f"There is no invoice {invoice_id}.")
    agreement = session.get(Agreement, invoice.agreement_id)
    require(actor, "invoice.issue", AgreementAccess(agreement))
    reason = clean_text(reason, what="reason", column=LicenseeInvoice.void_reason, required=True)
    if invoice.status == InvoiceStatus.VOID.value:
        raise ValidationError(f"{invoice.number} is void already.")
    if session.exec(
        select(PaymentAllocation.id).where(PaymentAllocation.invoice_id == invoice.id)
    ).first():
        raise ValidationError(
            f"{invoice.number} is paid in part or in full: it stays as it was paid (a "
            "correction is a new invoice, or a credit)."
        )
    invoice.status = InvoiceStatus.VOID.value
    invoice.void_reason = reason
    # The obligation or report may be billed again (by a corrected invoice).
    invoice.obligation_key = None
    invoice.royalty_report_id = None
    session.add(invoice)
    audit.record(
        session,
        actor=actor,
        action="invoice.voided",
        object_type="agreement",
        object_id=agreement.id,
        after={"number": invoice.number, "reason": reason},
    )


@dataclass(frozen=True)
class InvoiceRow:
    invoice: LicenseeInvoice
    agreement_number: str
    company: str
    paid_cents: int = 0

    @property
    def state(self) -> str:
        if self.invoice.status == InvoiceStatus.VOID.value:
            return "Void"
        if self.paid_cents >= self.invoice.amount_cents:
            return "Paid"
        return "Part paid" if self.paid_cents else "Open"


def _visible(query, actor: Actor):
    if not sees_all(actor, "invoice.read"):
        query = query.where(col(Agreement.company_id).in_(sorted(actor.company_ids) or [-1]))
    return query


def list_invoices(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int | None = None,
    open_only: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> Page[InvoiceRow]:
    require(actor, "invoice.read")
    paid = paid_cents_column()
    query = _visible(
        select(LicenseeInvoice, Agreement, Company.name, paid)
        .join(Agreement, Agreement.id == LicenseeInvoice.agreement_id)
        .join(Company, Company.id == Agreement.company_id),
        actor,
    )
    if agreement_id is not None:
        query = query.where(
            LicenseeInvoice.agreement_id == clean_id(agreement_id, what="agreement")
        )
    if open_only:
        query = query.where(
            LicenseeInvoice.status == InvoiceStatus.OPEN.value, LicenseeInvoice.amount_cents > paid
        )
    page = paginate(
        session,
        query.order_by(col(LicenseeInvoice.issued_on).desc(), col(LicenseeInvoice.id).desc()),
        offset=offset,
        limit=limit,
    )
    return Page(
        [InvoiceRow(i, a.number, name, int(done)) for i, a, name, done in page.items],
        page.total,
        page.offset,
        page.limit,
    )


@dataclass(frozen=True)
class AgingRow:
    company_id: int
    company: str
    buckets: tuple[int, ...]  # cents per bucket, in BUCKETS' order

    @property
    def total_cents(self) -> int:
        return sum(self.buckets)


def aging(session: Session, *, actor: Actor, on: date | None = None) -> list[AgingRow]:
    """What is still to pay of the open invoices, by licensee in aging buckets of days past
    due on `on` (today), summed in SQL; largest total first."""
    require(actor, "invoice.read")
    on = on or clock.today()
    open_cents = LicenseeInvoice.amount_cents - paid_cents_column()
    columns = []
    for _, low, high in BUCKETS:
        # days past due > high  <=>  due_on < on - high
        conditions = []
        if low is not None:
            conditions.append(LicenseeInvoice.due_on <= on - timedelta(days=low))
        if high is not None:
            conditions.append(LicenseeInvoice.due_on >= on - timedelta(days=high))
        columns.append(func.coalesce(func.sum(case((and_(*conditions), open_cents), else_=0)), 0))
    query = _visible(
        select(Company.id, Company.name, *columns)
        .join(Agreement, Agreement.company_id == Company.id)
        .join(LicenseeInvoice, LicenseeInvoice.agreement_id == Agreement.id)
        .where(LicenseeInvoice.status == InvoiceStatus.OPEN.value, open_cents > 0)
        .group_by(Company.id, Company.name),
        actor,
    )
    rows = [
        AgingRow(company_id, name, tuple(int(v) for v in values))
        for company_id, name, *values in session.exec(query).all()
    ]
    return sorted(rows, key=lambda row: (-row.total_cents, row.company))


# -- the invoice as a document and as an e-mail ------------------------------------------------

TEMPLATE = "invoice"


def _invoice(session: Session, invoice_id: object) -> tuple[LicenseeInvoice, Agreement]:
    invoice = session.get(LicenseeInvoice, clean_id(invoice_id, what="invoice"))
    if invoice is None:
        raise NotFound(f"There is no invoice {invoice_id}.")
    return invoice, session.get(Agreement, invoice.agreement_id)


def _lines(session: Session, invoice: LicenseeInvoice) -> list[dict]:
    if invoice.kind != InvoiceKind.ROYALTY.value or invoice.royalty_report_id is None:
        return [
            {
                "description": invoice.description,
                "amount": dollars(from_cents(invoice.amount_cents)),
            }
        ]
    report = session.get(RoyaltyReport, invoice.royalty_report_id)
    parts = [
        ("running royalty", report.running_royalty_cents),
        ("minimum annual royalty: the year's shortfall", report.minimum_top_up_cents),
        ("sublicense fees", report.sublicense_fees_cents),
    ]
    return [
        {"description": f"{invoice.description}: {label}", "amount": dollars(from_cents(cents))}
        for label, cents in parts
        if cents
    ]


def invoice_context(session: Session, *, actor: Actor, invoice_id: int) -> dict:
    invoice, agreement = _invoice(session, invoice_id)
    require(actor, "invoice.read", AgreementAccess(agreement))
    from tlo import office_settings
    from tlo.licensing.drafts import written_date
    from tlo.licensing.terms import percent_text

    parties = office_settings.parties(session)
    company = session.get(Company, agreement.company_id)
    paid = session.exec(
        select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0)).where(
            PaymentAllocation.invoice_id == invoice.id
        )
    ).one()
    return {
        "number": invoice.number,
        "issued_on": written_date(invoice.issued_on),
        "due_on": written_date(invoice.due_on),
        "agreement": agreement.number,
        "agreement_title": agreement.title,
        "licensee": company.name,
        "licensee_address": parties.one_line(company.notice_address or ""),
        "licensee_reference": "",
        "lines": _lines(session, invoice),
        "total": dollars(from_cents(invoice.amount_cents)),
        "paid": dollars(from_cents(paid)) if paid else "",
        "still_to_pay": dollars(from_cents(invoice.amount_cents - paid)),
        "late_interest": f"{percent_text(agreement.late_interest_bp)} %"
        if agreement.late_interest_bp
        else "",
        "payment_instructions": parties.payment_instructions,
        "office_name": parties.office_name,
        "office_address": parties.one_line(parties.office_address),
        "office_email": parties.office_email,
        "office_phone": parties.office_phone,
        "university": parties.university_legal_name,
    }


def file_name(invoice: LicenseeInvoice) -> str:
    return f"{invoice.number}.docx"


def _render(session: Session, context: dict) -> bytes:
    from tlo import documents, word_templates

    template = word_templates.current_template(session, TEMPLATE)
    return documents.render(TEMPLATE, context, template=template.content)


def invoice_docx(session: Session, *, actor: Actor, invoice_id: int) -> bytes:
    """The invoice as a Word file, from the current invoice template."""
    return _render(session, invoice_context(session, actor=actor, invoice_id=invoice_id))


def billing_contacts(session: Session, *, actor: Actor, invoice_id: int) -> list[Contact]:
    """The licensee's contacts with an e-mail address, to send the invoice to."""
    require(actor, "invoice.issue")
    _, agreement = _invoice(session, invoice_id)
    return list(
        session.exec(
            select(Contact)
            .where(Contact.company_id == agreement.company_id, Contact.email != "")
            .order_by(Contact.name)
        ).all()
    )


def send_invoice(session: Session, *, actor: Actor, invoice_id: int, contact_id: int) -> None:
    """E-mail the invoice, its Word file attached, to one of the licensee's contacts (through
    the outbox, in this transaction: sent by the next `tlo send-mail`)."""
    from tlo.notify import outbox
    from tlo.notify.kinds import Kind

    invoice, agreement = _invoice(session, invoice_id)
    require(actor, "invoice.issue", AgreementAccess(agreement))
    if invoice.status != InvoiceStatus.OPEN.value:
        raise ValidationError(f"{invoice.number} is void: it is not sent.")
    contact = session.get(Contact, clean_id(contact_id, what="contact"))
    if contact is None or contact.company_id != agreement.company_id or not contact.email:
        raise ValidationError("Choose a contact of the licensee with an e-mail address.")
    parties_ = invoice_context(session, actor=actor, invoice_id=invoice.id)
    content = _render(session, parties_)
    outbox.queue(
        session,
        kind=Kind.INVOICE,
        recipient_email=contact.email,
        recipient_name=contact.name,
        subject=f"Invoice {invoice.number} ({agreement.number}): {parties_['total']} due "
        f"{invoice.due_on.isoformat()}",
        body=(
            f"Dear {contact.name},\n\nPlease find attached invoice {invoice.number} under "
            f"{agreement.number} ({agreement.title}): {invoice.description}, "
            f"{parties_['total']}, due on {parties_['due_on']}.\n\nHow to pay:\n"
            f"{parties_['payment_instructions']}\n\n{parties_['office_name']}\n"
            f"{parties_['office_email']}"
        ),
        attachment=(file_name(invoice), content),
    )
    invoice.sent_to = contact.email
    invoice.sent_at = clock.utcnow()
    session.add(invoice)
    audit.record(
        session,
        actor=actor,
        action="invoice.sent",
        object_type="agreement",
        object_id=agreement.id,
        after={"number": invoice.number, "to": contact.email},
    )
