"""Payments against invoices: a licensee's payment is applied to its open invoices (one payment
to several, an invoice paid in parts), each part recorded as the income revenue sharing already
distributes, so nothing is entered twice; what is left over is the company's credit, applied
to a later invoice when finance says so.

An invoice's parts are paid in order: a royalty invoice's running royalty (with any minimum
top-up) first, then its sublicense fees; each part paid becomes income of its own type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.errors import NotFound, ValidationError
from tlo.licensing.agreement_models import Agreement
from tlo.licensing.invoices import paid_cents_column
from tlo.licensing.models import Company
from tlo.licensing.receivable_models import (
    InvoiceKind,
    InvoiceStatus,
    LicenseeInvoice,
    LicenseePayment,
    PaymentAllocation,
    RoyaltyReport,
)
from tlo.money import from_cents, to_cents
from tlo.revenue import services as revenue
from tlo.revenue.services import IncomeForm
from tlo.revenue.types import IncomeType
from tlo.text import clean_date, clean_decimal_money, clean_id, clean_text

MAX_ALLOCATIONS = 200
INCOME_OF = {
    InvoiceKind.UPFRONT_FEE: IncomeType.UPFRONT,
    InvoiceKind.PAST_PATENT_COSTS: IncomeType.COST_REIMBURSEMENT,
    InvoiceKind.ANNUAL_FEE: IncomeType.ANNUAL_FEE,
    InvoiceKind.MILESTONE: IncomeType.MILESTONE,
    InvoiceKind.PATENT_COSTS: IncomeType.COST_REIMBURSEMENT,
    # Interest on late royalties and fees is shared as royalty income is (no type of its own).
    InvoiceKind.INTEREST: IncomeType.ROYALTY,
}


@dataclass(frozen=True)
class OpenInvoice:
    invoice: LicenseeInvoice
    agreement_number: str
    paid_cents: int

    @property
    def open_cents(self) -> int:
        return self.invoice.amount_cents - self.paid_cents


def _company(session: Session, company_id: object) -> Company:
    company = session.get(Company, clean_id(company_id, what="licensee"))
    if company is None:
        raise NotFound(f"There is no company {company_id}.")
    return company


def _locked(session: Session, company_id: object) -> Company:
    """The company, locked for what is applied of its payments: a no-op UPDATE takes its row
    lock (PostgreSQL) or the write lock (SQLite), so that two payments or two uses of one
    credit are applied one after the other, each reading what the other committed."""
    company = _company(session, company_id)
    session.exec(sa.update(Company).where(Company.id == company.id).values(id=Company.id))
    return company


def open_invoices(session: Session, *, actor: Actor, company_id: int) -> list[OpenInvoice]:
    """The company's invoices with something still to pay, the oldest due first."""
    require(actor, "income.record")
    company = _company(session, company_id)
    paid = paid_cents_column()
    rows = session.exec(
        select(LicenseeInvoice, Agreement, paid)
        .join(Agreement, Agreement.id == LicenseeInvoice.agreement_id)
        .where(
            Agreement.company_id == company.id,
            LicenseeInvoice.status == InvoiceStatus.OPEN.value,
            LicenseeInvoice.amount_cents > paid,
        )
        .order_by(LicenseeInvoice.due_on, LicenseeInvoice.id)
    ).all()
    return [OpenInvoice(invoice, agreement.number, int(done)) for invoice, agreement, done in rows]


def companies_owing(session: Session, *, actor: Actor) -> list[tuple[int, str, int]]:
    """(company id, name, open cents) of every licensee with an open invoice, by name."""
    require(actor, "income.record")
    paid = paid_cents_column()
    rows = session.exec(
        select(Company.id, Company.name, func.sum(LicenseeInvoice.amount_cents - paid))
        .join(Agreement, Agreement.company_id == Company.id)
        .join(LicenseeInvoice, LicenseeInvoice.agreement_id == Agreement.id)
        .where(
            LicenseeInvoice.status == InvoiceStatus.OPEN.value,
            LicenseeInvoice.amount_cents > paid,
        )
        .group_by(Company.id, Company.name)
        .order_by(Company.name)
    ).all()
    return [(company_id, name, int(total)) for company_id, name, total in rows]


def credit_cents(session: Session, *, actor: Actor, company_id: int) -> int:
    """What the company paid and is not applied to an invoice yet."""
    require(actor, "income.record")
    return sum(left for _, left in _unapplied(session, clean_id(company_id, what="licensee")))


def _unapplied(session: Session, company_id: int) -> list[tuple[LicenseePayment, int]]:
    applied = (
        select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0))
        .where(PaymentAllocation.payment_id == LicenseePayment.id)
        .correlate(LicenseePayment)
        .scalar_subquery()
    )
    rows = session.exec(
        select(LicenseePayment, LicenseePayment.amount_cents - applied)
        .where(
            LicenseePayment.company_id == company_id,
            LicenseePayment.amount_cents > applied,
        )
        .order_by(LicenseePayment.received_on, LicenseePayment.id)
    ).all()
    return [(payment, int(left)) for payment, left in rows]


def suggest(invoices: list[OpenInvoice], amount: Decimal) -> dict[int, Decimal]:
    """A payment applied to the oldest invoices first: invoice id -> amount."""
    left = to_cents(amount)
    suggested: dict[int, Decimal] = {}
    for item in invoices:
        if left <= 0:
            break
        part = min(left, item.open_cents)
        suggested[item.invoice.id] = from_cents(part)
        left -= part
    return suggested


def _parts(session: Session, invoice: LicenseeInvoice) -> list[tuple[IncomeType, int]]:
    """The invoice's parts in the order they are paid, each with the income type it is."""
    kind = InvoiceKind(invoice.kind)
    if kind is InvoiceKind.ROYALTY:
        report = session.get(RoyaltyReport, invoice.royalty_report_id)
        sublicense = (report.sublicense_fees_cents or 0) if report else 0
        return [
            (IncomeType.ROYALTY, invoice.amount_cents - sublicense),
            (IncomeType.SUBLICENSE, sublicense),
        ]
    return [(INCOME_OF[kind], invoice.amount_cents)]


def _apply(
    session: Session,
    actor: Actor,
    payment: LicenseePayment,
    item: OpenInvoice,
    cents: int,
    applied_on: date,
) -> list[int]:
    """Apply `cents` of `payment` to the invoice: one income per part it reaches."""
    incomes = []
    start, stop = item.paid_cents, item.paid_cents + cents
    floor = 0
    for kind, size in _parts(session, item.invoice):
        low, high = max(start, floor), min(stop, floor + size)
        floor += size
        if high <= low:
            continue
        income = revenue.record_income(
            session,
            actor=actor,
            form=IncomeForm(
                agreement_id=item.invoice.agreement_id,
                received_on=applied_on,
                income_type=kind,
                amount=from_cents(high - low),
                licensee_reference=f"{item.invoice.number} {payment.reference}".strip()[:200],
                note=f"Payment of invoice {item.invoice.number}",
            ),
        )
        session.add(
            PaymentAllocation(
                payment_id=payment.id,
                invoice_id=item.invoice.id,
                income_id=income.id,
                amount_cents=high - low,
                applied_on=applied_on,
            )
        )
        incomes.append(income.id)
    session.flush()
    # late by when the licensee paid (a credit applied later was paid when it came)
    _late_interest(session, actor, payment, item, cents, payment.received_on)
    return incomes


def late_interest_cents(cents: int, rate_bp: int, days_late: int) -> int:
    """Simple interest on `cents` paid `days_late` days late at `rate_bp` a year: computed
    exactly, rounded once to the cent (half up), as the royalty function does."""
    if cents <= 0 or rate_bp <= 0 or days_late <= 0:
        return 0
    exact = Decimal(cents) * rate_bp * days_late / (Decimal(10_000) * 365)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _late_interest(
    session: Session,
    actor: Actor,
    payment: LicenseePayment,
    item: OpenInvoice,
    cents: int,
    paid_on: date,
) -> None:
    """Invoice the agreed interest on a part paid after the invoice's due date."""
    from tlo.licensing import invoices
    from tlo.licensing.terms import percent_text

    invoice = item.invoice
    if invoice.kind == InvoiceKind.INTEREST.value:
        return  # no interest on interest
    agreement = session.get(Agreement, invoice.agreement_id)
    days = (paid_on - invoice.due_on).days
    interest = late_interest_cents(cents, agreement.late_interest_bp, days)
    if interest <= 0:
        return
    invoices.issue(
        session,
        actor=actor,
        agreement=agreement,
        kind=InvoiceKind.INTEREST,
        description=(
            f"Late-payment interest on {invoice.number}: {from_cents(cents):,.2f} paid "
            f"{days} days late at {percent_text(agreement.late_interest_bp)} % a year"
        ),
        amount_cents=interest,
        due_on=clock.today() + timedelta(days=invoices.PAYMENT_DAYS),
        obligation_key=f"agr{agreement.id}:interest:{invoice.id}:{item.paid_cents}",
    )


@dataclass
class PaymentForm:
    company_id: int | None
    received_on: date | None
    amount: str | Decimal
    # (invoice id, amount applied to it); what is left of the amount is kept as credit.
    # None: applied to the oldest invoices first.
    allocations: list[tuple[int, str | Decimal]] | None
    reference: str = ""
    note: str = ""


def _checked_allocations(
    session: Session, actor: Actor, company: Company, allocations: object
) -> list[tuple[OpenInvoice, int]]:
    if not isinstance(allocations, list | tuple):
        raise ValidationError("Give the invoices the payment pays as a list.")
    if len(allocations) > MAX_ALLOCATIONS:
        raise ValidationError(f"A payment pays at most {MAX_ALLOCATIONS} invoices at once.")
    open_by_id = {
        item.invoice.id: item for item in open_invoices(session, actor=actor, company_id=company.id)
    }
    checked, seen = [], set()
    for entry in allocations:
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise ValidationError("Give each invoice paid and the amount applied to it.")
        invoice_id = clean_id(entry[0], what="invoice")
        amount = clean_decimal_money(entry[1], what="amount applied")
        if amount == 0:
            continue
        if amount < 0:
            raise ValidationError("An amount applied to an invoice is more than zero.")
        if invoice_id in seen:
            raise ValidationError("Each invoice is named once in a payment.")
        seen.add(invoice_id)
        item = open_by_id.get(invoice_id)
        if item is None:
            invoice = session.get(LicenseeInvoice, invoice_id)
            raise ValidationError(
                f"{invoice.number if invoice else f'Invoice {invoice_id}'} is not an open "
                f"invoice of {company.name}."
            )
        cents = to_cents(amount)
        if cents > item.open_cents:
            raise ValidationError(
                f"{item.invoice.number} has {from_cents(item.open_cents):,.2f} still to pay, "
                f"not {amount:,.2f}: keep the rest as credit."
            )
        checked.append((item, cents))
    return checked


def record_payment(session: Session, *, actor: Actor, form: PaymentForm) -> LicenseePayment:
    """Record a licensee's payment and apply it to its invoices, in one transaction: every
    part applied becomes income; the rest is kept as the company's credit."""
    require(actor, "income.record")
    if not isinstance(form, PaymentForm):
        raise ValidationError("Fill in the payment: licensee, date, amount and invoices.")
    if form.company_id is None or (type(form.company_id) is int and form.company_id == 0):
        raise ValidationError("Choose the licensee that paid.")
    company = _locked(session, form.company_id)
    received_on = clean_date(form.received_on, what="date the payment was received")
    if received_on > clock.today():
        raise ValidationError("A payment is recorded once it is received, not before.")
    amount = clean_decimal_money(form.amount, what="amount received")
    if amount <= 0:
        raise ValidationError("The amount received must be more than zero.")
    reference = clean_text(
        form.reference,
        what="licensee's reference",
        column=LicenseePayment.reference,
        multiline=False,
    )
    note = clean_text(form.note, what="note", column=LicenseePayment.note)
    allocations = form.allocations
    if allocations is None:
        listed = open_invoices(session, actor=actor, company_id=company.id)
        allocations = list(suggest(listed, amount).items())
    checked = _checked_allocations(session, actor, company, allocations)
    applied = sum(cents for _, cents in checked)
    if applied > to_cents(amount):
        raise ValidationError(
            f"The invoices are given {from_cents(applied):,.2f}, more than the "
            f"{amount:,.2f} received."
        )
    payment = LicenseePayment(
        company_id=company.id,
        received_on=received_on,
        amount_cents=to_cents(amount),
        reference=reference,
        note=note,
        recorded_by_account_id=actor.account_id,
        recorded_by_name=actor.name,
    )
    session.add(payment)
    session.flush()
    for item, cents in checked:
        _apply(session, actor, payment, item, cents, received_on)
    audit.record(
        session,
        actor=actor,
        action="payment.recorded",
        object_type="company",
        object_id=company.id,
        after={
            "amount": str(amount),
            "received_on": received_on,
            "invoices": {item.invoice.number: str(from_cents(c)) for item, c in checked},
            "credit": str(from_cents(to_cents(amount) - applied)),
        },
    )
    return payment


def apply_credit(
    session: Session, *, actor: Actor, company_id: int, invoice_id: int, amount: str | Decimal
) -> None:
    """Apply the company's credit to one of its open invoices (income on the day applied)."""
    require(actor, "income.record")
    company = _locked(session, company_id)
    checked = _checked_allocations(session, actor, company, [(invoice_id, amount)])
    if not checked:
        raise ValidationError("Apply an amount above zero.")
    item, cents = checked[0]
    available = _unapplied(session, company.id)
    credit = sum(unapplied for _, unapplied in available)
    if cents > credit:
        raise ValidationError(
            f"{company.name} has {from_cents(credit):,.2f} of credit, not {from_cents(cents):,.2f}."
        )
    left = cents
    today = clock.today()
    for payment, unapplied in available:
        if left <= 0:
            break
        part = min(left, unapplied)
        _apply(session, actor, payment, item, part, today)
        item = OpenInvoice(item.invoice, item.agreement_number, item.paid_cents + part)
        left -= part
    audit.record(
        session,
        actor=actor,
        action="payment.credit_applied",
        object_type="company",
        object_id=company.id,
        after={"invoice": item.invoice.number, "amount": str(from_cents(cents))},
    )


def payments_of(session: Session, *, actor: Actor, company_id: int) -> list[LicenseePayment]:
    require(actor, "income.read")
    return list(
        session.exec(
            select(LicenseePayment)
            .where(LicenseePayment.company_id == clean_id(company_id, what="licensee"))
            .order_by(col(LicenseePayment.received_on).desc(), col(LicenseePayment.id).desc())
        ).all()
    )
