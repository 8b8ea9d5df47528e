"""What licensees report and are billed: royalty reports with their lines, and the invoices
(receivables) issued from approved reports and from the agreements' obligations.

Amounts are integer cents (64-bit); an exchange rate is kept as the exact decimal it was
given (text), since the royalty function converts with it exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for finance
    APPROVED = "approved"  # what it owes is invoiced
    REJECTED = "rejected"  # with a reason the licensee reads; a new report may follow

    @property
    def label(self) -> str:
        return {"submitted": "Waiting for review"}.get(self.value, self.value.capitalize())


class RoyaltyReport(SQLModel, table=True):
    """A licensee's royalty report of one agreement and period, entered by finance or
    uploaded by the licensee; a zero report has no lines."""

    __tablename__ = "royalty_report"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    period_start: date
    period_end: date
    status: str = Field(default=ReportStatus.SUBMITTED.value, max_length=20, index=True)
    # "<agreement id>:<period end>" while submitted or approved, None once rejected: at most
    # one live report per period, kept by the database (two NULLs never collide).
    live_key: str | None = Field(default=None, max_length=40, unique=True)
    zero: bool = False
    sublicense_income_cents: int = Field(default=0, sa_type=sa.BigInteger)
    # What the licensee says it paid with the report (None: not said): finance compares it
    # with what the report owes.
    remitted_cents: int | None = Field(default=None, sa_type=sa.BigInteger)
    note: str = Field(default="", max_length=1000)
    # How it came: entered (by finance), uploaded (the licensee's workbook) or zero.
    source: str = Field(max_length=20)
    submitted_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    submitted_by_name: str = Field(max_length=200)
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reviewed_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    reviewed_by_name: str | None = Field(default=None, max_length=200)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reject_reason: str | None = Field(default=None, max_length=1000)
    # What it owes, fixed when approved (None before).
    running_royalty_cents: int | None = Field(default=None, sa_type=sa.BigInteger)
    sublicense_fees_cents: int | None = Field(default=None, sa_type=sa.BigInteger)
    minimum_top_up_cents: int | None = Field(default=None, sa_type=sa.BigInteger)
    total_due_cents: int | None = Field(default=None, sa_type=sa.BigInteger)


class RoyaltyReportLine(SQLModel, table=True):
    """Sales of one product category in one currency (and countries, as iEdison asks)."""

    __tablename__ = "royalty_report_line"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="royalty_report.id", index=True)
    position: int  # 1, 2, ...: lines of a category accumulate in this order
    product: str = Field(max_length=200)
    gross_sales_cents: int = Field(sa_type=sa.BigInteger)  # in the line's currency
    deductions_cents: int = Field(default=0, sa_type=sa.BigInteger)
    currency: str = Field(default="USD", max_length=3)
    to_usd: str = Field(default="1", max_length=24)  # the exact rate given
    units: int | None = Field(default=None, sa_type=sa.BigInteger)
    country_of_manufacture: str = Field(default="", max_length=2)
    country_of_sale: str = Field(default="", max_length=2)
    # Fixed when the report is approved (None before).
    net_sales_usd_cents: int | None = Field(default=None, sa_type=sa.BigInteger)
    royalty_cents: int | None = Field(default=None, sa_type=sa.BigInteger)


class InvoiceKind(StrEnum):
    ROYALTY = "royalty"  # an approved royalty report
    UPFRONT_FEE = "upfront_fee"
    PAST_PATENT_COSTS = "past_patent_costs"
    ANNUAL_FEE = "annual_fee"
    MILESTONE = "milestone"
    PATENT_COSTS = "patent_costs"  # counsel invoices on licensed patents, re-billed
    INTEREST = "interest"  # on a payment made after its invoice was due, at the agreed rate

    @property
    def label(self) -> str:
        return {
            "patent_costs": "Patent costs",
            "interest": "Late-payment interest",
            "royalty": "Royalties",
            "upfront_fee": "Upfront fee",
            "past_patent_costs": "Past patent costs",
            "annual_fee": "Annual fee",
            "milestone": "Milestone",
        }[self.value]


class InvoiceStatus(StrEnum):
    OPEN = "open"
    VOID = "void"  # issued by mistake: kept, never deleted, with its reason


class LicenseeInvoice(SQLModel, table=True):
    """An invoice to a licensee: numbered, never edited once issued (voided instead)."""

    __tablename__ = "licensee_invoice"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # INV-2026-0001
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    kind: str = Field(max_length=30)
    description: str = Field(max_length=300)
    # The obligation it bills (agr<id>:<key>) or the report: each is billed once.
    obligation_key: str | None = Field(default=None, max_length=120, unique=True)
    royalty_report_id: int | None = Field(
        default=None, foreign_key="royalty_report.id", unique=True
    )
    issued_on: date = Field(index=True)
    due_on: date = Field(index=True)
    amount_cents: int = Field(sa_type=sa.BigInteger)
    status: str = Field(default=InvoiceStatus.OPEN.value, max_length=10, index=True)
    void_reason: str | None = Field(default=None, max_length=1000)
    issued_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    issued_by_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Last e-mailed to (the licensee's billing contact) and when (None: not sent yet).
    sent_to: str | None = Field(default=None, max_length=320)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LicenseePayment(SQLModel, table=True):
    """Money a licensee paid against its invoices: applied to them (PaymentAllocation), what
    is left over kept as the company's credit until applied to a later invoice."""

    __tablename__ = "licensee_payment"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    received_on: date
    amount_cents: int = Field(sa_type=sa.BigInteger)
    reference: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=1000)
    recorded_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    recorded_by_name: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PaymentAllocation(SQLModel, table=True):
    """Part of a payment applied to an invoice: the income revenue sharing distributes (one
    income per part of the invoice it pays: the royalty, the sublicense fees, a fee)."""

    __tablename__ = "payment_allocation"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="licensee_payment.id", index=True)
    invoice_id: int = Field(foreign_key="licensee_invoice.id", index=True)
    income_id: int = Field(foreign_key="income.id", index=True)
    amount_cents: int = Field(sa_type=sa.BigInteger)
    applied_on: date


class LicenseeReminder(SQLModel, table=True):
    """A reminder e-mailed to a licensee about an overdue invoice or report (tlo remind
    --licensees): at most one per item every few days, and each logged on its agreement."""

    __tablename__ = "licensee_reminder"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    # "invoice:<id>" or the report obligation's docket key (agr<id>:royalty_report:<end>)
    item_key: str = Field(max_length=120, index=True)
    sent_on: date
    sent_to: str = Field(max_length=320)
    message_id: int | None = Field(default=None, foreign_key="outbox_message.id")
