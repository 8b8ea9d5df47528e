"""AUTM-style annual metrics of one fiscal year, each with the records it counts, and the
formatted workbook that reports them.

A fiscal year is named by the calendar year in which it ends and starts in the configured
month (TLO_FISCAL_YEAR_START_MONTH): with September, FY2026 runs 2025-09-01 to 2026-08-31.
How each metric is counted is written on the metric itself (`Metric.rule`), so the page and
the workbook tell the reader the same thing the code does.

Income follows AUTM's survey. License income is what licensees paid for their licenses:
running royalties, cashed-in equity and all other (issue, annual and maintenance fees,
milestones, sublicense income). Patent-cost reimbursements are not license income: they are
"legal fees reimbursed", the amounts licensees paid back. Patent costs recovered out of
royalties under the revenue-sharing policy are not reimbursements; that money is license income
the office keeps back, already counted once. The dashboard uses the same definitions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from tlo import clock
from tlo.audit import AuditEntry
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import get_settings
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.disclosures.rules import fiscal_year_of
from tlo.licensing.agreement_models import Agreement, AgreementStatus, AgreementTechnology
from tlo.licensing.agreement_models import AgreementType as T
from tlo.licensing.models import Company, CompanySize
from tlo.licensing.obligations import Terms, end_of_term
from tlo.money import dollars, from_cents
from tlo.patents.models import ApplicationType, PatentApplication, PatentCost
from tlo.people.models import Person
from tlo.reports.excel import Column, Sheet, workbook_bytes
from tlo.revenue.models import Income, counted
from tlo.revenue.types import IncomeType
from tlo.text import EARLIEST_DATE, LATEST_DATE, clean_int

# --- definitions the dashboard shares ---------------------------------------------------------

LICENSE_TYPES = tuple(kind for kind in T if kind.is_license)
LICENSES_AND_OPTIONS = (*LICENSE_TYPES, T.OPTION)
# An agreement in one of these statuses was signed, whatever became of it later.
SIGNED_STATUSES = (
    AgreementStatus.EXECUTED,
    AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRED,
    AgreementStatus.TERMINATED,
)
IN_FORCE_STATUSES = (AgreementStatus.EXECUTED, AgreementStatus.ACTIVE)
ENDING_ACTIONS = ("agreement.expired", "agreement.terminated")  # audit actions of an end
TO_SIZE = {
    CompanySize.STARTUP: "start-ups",
    CompanySize.SMALL: "small companies",
    CompanySize.LARGE: "large companies",
}


# Licensees' payments that are license income (AUTM): every kind but a patent-cost reimbursement.
LICENSE_INCOME_TYPES = tuple(IncomeType.shared())
# "Legal fees reimbursed" (AUTM): what licensees paid back of the patent costs.
REIMBURSEMENT_TYPES = (IncomeType.COST_REIMBURSEMENT,)


class LicenseIncomeKind(StrEnum):
    """AUTM's split of license income received. Sublicense income is "all other": AUTM counts
    a running royalty only on sales, and tlo does not record whether a share of sublicense
    income came from a sublicensee's sales or from its fees."""

    RUNNING_ROYALTIES = "running_royalties"
    CASHED_IN_EQUITY = "cashed_in_equity"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "running_royalties": "Running royalties",
            "cashed_in_equity": "Cashed-in equity",
            "other": "All other license income",
        }[self.value]

    @classmethod
    def of(cls, income_type: str) -> LicenseIncomeKind:
        kind = IncomeType(income_type)
        if kind not in LICENSE_INCOME_TYPES:
            raise ValueError(f"{kind.label} is not license income.")
        return {
            IncomeType.ROYALTY: cls.RUNNING_ROYALTIES,
            IncomeType.EQUITY: cls.CASHED_IN_EQUITY,
        }.get(kind, cls.OTHER)


class Exclusivity(StrEnum):
    """How AUTM splits licenses: a start-up license is exclusive. Options are counted on their
    own: an option agreement here does not record whether the license it offers is exclusive."""

    EXCLUSIVE = "exclusive"
    NON_EXCLUSIVE = "nonexclusive"
    OPTION = "option"

    @property
    def label(self) -> str:
        return {"exclusive": "Exclusive", "nonexclusive": "Non-exclusive", "option": "Option"}[
            self.value
        ]

    @classmethod
    def of(cls, agreement_type: str) -> Exclusivity:
        return {
            T.EXCLUSIVE: cls.EXCLUSIVE,
            T.STARTUP: cls.EXCLUSIVE,
            T.NON_EXCLUSIVE: cls.NON_EXCLUSIVE,
            T.OPTION: cls.OPTION,
        }[T(agreement_type)]


def fiscal_year_span(fiscal_year: int, start_month: int) -> tuple[date, date]:
    """The first and last day of a fiscal year (the inverse of rules.fiscal_year_of)."""
    if start_month == 1:
        return date(fiscal_year, 1, 1), date(fiscal_year, 12, 31)
    first = date(fiscal_year - 1, start_month, 1)
    return first, date(fiscal_year, start_month, 1) - timedelta(days=1)


def current_fiscal_year(today: date | None = None) -> int:
    return fiscal_year_of(today or clock.today(), get_settings().fiscal_year_start_month)


def local_date(moment: datetime | None) -> date | None:
    """The office's calendar date of a stored (UTC) moment."""
    return clock.office_date_or_none(moment)


def agreement_number(agreement_id: int) -> str:
    """AGR-00042: the agreement's own rule, for a query that selected only its id (without
    building an Agreement: a model instance costs a millisecond, and an office has 10,000)."""
    return Agreement.number.fget(SimpleNamespace(id=agreement_id))


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Records:
    """The records behind one or more metrics, as a table (and as one sheet of the workbook).

    A full report holds every row. A preview (what the page shows) holds the first rows and
    how many there are in all; `all_rows` then fetches every row again, in chunks, for the
    workbook (only while the session that made the report is open)."""

    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: int | None = None  # every record, when `rows` holds only the first
    more: Callable[[], Iterable[tuple[Any, ...]]] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    @property
    def is_preview(self) -> bool:
        return self.count > len(self.rows)

    def all_rows(self) -> Iterable[tuple[Any, ...]]:
        return self.rows if self.more is None else self.more()

    def as_dicts(self) -> list[dict[str, Any]]:
        headers = [column.header for column in self.columns]
        return [dict(zip(headers, row, strict=True)) for row in self.rows]


def _records(
    preview: int | None, sheet: str, columns: tuple[Column, ...], rows: tuple[tuple, ...]
) -> Records:
    """Records of a table small enough to read whole (at most some thousands a year)."""
    if preview is None:
        return Records(sheet, columns, rows)
    return Records(sheet, columns, rows[:preview], total=len(rows), more=lambda: rows)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: int | Decimal
    rule: str  # how it is counted, in words
    records: Records  # a detail shares the records of the metric it details
    money: bool = False
    detail_of: str | None = None  # the key of the headline metric this one details
    short_label: str = ""  # for a headline's card, where the label must fit a narrow column

    @property
    def card_label(self) -> str:
        return self.short_label or self.label

    @property
    def display(self) -> str:
        return f"{dollars(self.value)}" if self.money else f"{self.value:,}"


@dataclass(frozen=True)
class AutmReport:
    fiscal_year: int
    first_day: date
    last_day: date
    generated_at: datetime
    metrics: list[Metric] = field(default_factory=list)

    def __getitem__(self, key: str) -> Metric:
        for metric in self.metrics:
            if metric.key == key:
                return metric
        raise KeyError(key)

    @property
    def headline(self) -> list[Metric]:
        return [metric for metric in self.metrics if metric.detail_of is None]

    @property
    def record_tables(self) -> list[Records]:
        """Each table of records once, in the order of the metrics."""
        tables: dict[str, Records] = {}
        for metric in self.metrics:
            tables.setdefault(metric.records.sheet, metric.records)
        return list(tables.values())


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _disclosures_received(
    session: Session, fiscal_year: int, preview: int | None = None
) -> list[Metric]:
    rows = session.exec(
        select(
            Disclosure.docket,
            Disclosure.title,
            Disclosure.submitted_at,
            Disclosure.status,
            Person.full_name,
        )
        .join(Person, Person.id == Disclosure.officer_person_id, isouter=True)
        .where(
            Disclosure.fiscal_year == fiscal_year,
            Disclosure.status != DisclosureStatus.DRAFT.value,
        )
        .order_by(Disclosure.docket)
    ).all()
    records = _records(
        preview,
        "Disclosures",
        (
            Column("Docket"),
            Column("Title", width=50),
            Column("Received", "date"),
            Column("Status now"),
            Column("Officer"),
        ),
        tuple(
            (docket, title, local_date(received), DisclosureStatus(status).label, officer or "")
            for docket, title, received, status, officer in rows
        ),
    )
    return [
        Metric(
            "disclosures_received",
            "Invention disclosures received",
            records.count,
            "Disclosures submitted in the fiscal year: the year of their docket number, given "
            "on the day of submission. Drafts are not counted.",
            records,
            short_label="Disclosures received",
        )
    ]


def _continuing_us_applications(session: Session, first: date, last: date) -> set[int]:
    """US applications filed in the period that descend from an earlier US application (a
    conversion, continuation, divisional or national phase of a US priority)."""
    filed = (
        PatentApplication.jurisdiction == "US",
        col(PatentApplication.filing_date).between(first, last),
    )
    ancestry = (
        select(
            PatentApplication.id.label("application_id"),
            PatentApplication.parent_id.label("ancestor_id"),
        )
        .where(*filed, col(PatentApplication.parent_id).is_not(None))
        .cte("ancestry", recursive=True)
    )
    step, parent = ancestry.alias(), aliased(PatentApplication)
    ancestry = ancestry.union(  # UNION, not UNION ALL: a (corrupt) cycle still ends
        select(step.c.application_id, parent.parent_id)
        .join(parent, parent.id == step.c.ancestor_id)
        .where(col(parent.parent_id).is_not(None))
    )
    ancestor = aliased(PatentApplication)
    return set(
        session.exec(
            select(ancestry.c.application_id)
            .join(ancestor, ancestor.id == ancestry.c.ancestor_id)
            .where(ancestor.jurisdiction == "US")
            .distinct()
        ).all()
    )


# What the records need of an application: columns, not entities (an office files thousands).
APPLICATION_FIELDS = (
    PatentApplication.id,
    PatentApplication.application_type,
    PatentApplication.application_number,
    PatentApplication.filing_date,
    PatentApplication.grant_number,
    PatentApplication.grant_date,
)
# What the records need of an agreement.
AGREEMENT_FIELDS = (
    Agreement.id,
    Agreement.agreement_type,
    Agreement.status,
    Agreement.signed_on,
    Agreement.effective_date,
    Agreement.term_months,
)


def _application_name(kind: str, number: str) -> str:
    return f"{ApplicationType(kind).label} {number}".strip()


def _us_applications(
    session: Session, first: date, last: date, preview: int | None = None
) -> list[Metric]:
    continuing = _continuing_us_applications(session, first, last)
    rows = session.exec(
        select(*APPLICATION_FIELDS, Disclosure.docket, Disclosure.title)
        .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
        .where(
            PatentApplication.jurisdiction == "US",
            col(PatentApplication.filing_date).between(first, last),
        )
        .order_by(PatentApplication.filing_date, PatentApplication.id)
    ).all()
    new = [a for a in rows if a.id not in continuing]
    records = _records(
        preview,
        "US applications",
        (
            Column("Docket"),
            Column("Title", width=50),
            Column("Type"),
            Column("Application number"),
            Column("Filed", "date"),
            Column("New (first US filing)"),
        ),
        tuple(
            (
                a.docket,
                a.title,
                ApplicationType(a.application_type).label,
                a.application_number,
                a.filing_date,
                _yes(a.id not in continuing),
            )
            for a in rows
        ),
    )
    return [
        Metric(
            "us_applications_new",
            "New US patent applications filed",
            len(new),
            "US applications filed in the fiscal year that do not descend from an earlier US "
            "application: a first provisional, or a non-provisional, PCT national phase or "
            "continuation without a US parent. Conversions of a US provisional and "
            "continuations of US applications are listed but not new.",
            records,
            short_label="New US applications",
        ),
        Metric(
            "us_applications_new_provisional",
            "New US patent applications that are provisional",
            sum(1 for a in new if a.application_type == ApplicationType.PROVISIONAL),
            "Of the new US applications, those filed as provisionals.",
            records,
            detail_of="us_applications_new",
        ),
        Metric(
            "us_applications_all",
            "All US patent applications filed",
            len(rows),
            "Every US application filed in the fiscal year, new or not.",
            records,
            detail_of="us_applications_new",
        ),
    ]


def _us_patents_issued(
    session: Session, first: date, last: date, preview: int | None = None
) -> list[Metric]:
    rows = session.exec(
        select(*APPLICATION_FIELDS, Disclosure.docket, Disclosure.title)
        .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
        .where(
            PatentApplication.jurisdiction == "US",
            col(PatentApplication.grant_date).between(first, last),
        )
        .order_by(PatentApplication.grant_date, PatentApplication.id)
    ).all()
    records = _records(
        preview,
        "US patents issued",
        (
            Column("Docket"),
            Column("Title", width=50),
            Column("Patent number"),
            Column("Granted", "date"),
            Column("Application"),
            Column("Filed", "date"),
        ),
        tuple(
            (
                a.docket,
                a.title,
                a.grant_number,
                a.grant_date,
                _application_name(a.application_type, a.application_number),
                a.filing_date,
            )
            for a in rows
        ),
    )
    return [
        Metric(
            "us_patents_issued",
            "US patents issued",
            records.count,
            "US applications with a grant date in the fiscal year.",
            records,
        )
    ]


def _dockets_of(session: Session, *conditions) -> dict[int, str]:
    """The dockets each agreement matching `conditions` covers, comma-separated."""
    dockets: dict[int, list[str]] = defaultdict(list)
    for agreement_id, docket in session.exec(
        select(AgreementTechnology.agreement_id, Disclosure.docket)
        .join(Agreement, Agreement.id == AgreementTechnology.agreement_id)
        .join(Disclosure, Disclosure.id == AgreementTechnology.disclosure_id)
        .where(*conditions)
        .order_by(Disclosure.docket)
    ).all():
        dockets[agreement_id].append(docket or "")
    return {agreement_id: ", ".join(items) for agreement_id, items in dockets.items()}


def _licenses_executed(
    session: Session, first: date, last: date, preview: int | None = None
) -> list[Metric]:
    conditions = (
        col(Agreement.agreement_type).in_([kind.value for kind in LICENSES_AND_OPTIONS]),
        col(Agreement.signed_on).between(first, last),
    )
    rows = session.exec(
        select(*AGREEMENT_FIELDS, Company.name.label("company"), Company.size)
        .join(Company, Company.id == Agreement.company_id)
        .where(*conditions)
        .order_by(Agreement.signed_on, Agreement.id)
    ).all()
    dockets = _dockets_of(session, *conditions)
    records = _records(
        preview,
        "Licenses & options",
        (
            Column("Agreement"),
            Column("Type", width=30),
            Column("Exclusivity"),
            Column("Licensee", width=30),
            Column("Licensee size"),
            Column("Signed", "date"),
            Column("Status now"),
            Column("Technologies", width=30),
        ),
        tuple(
            (
                agreement_number(a.id),
                T(a.agreement_type).label,
                Exclusivity.of(a.agreement_type).label,
                a.company,
                CompanySize(a.size).label,
                a.signed_on,
                AgreementStatus(a.status).label,
                dockets.get(a.id, ""),
            )
            for a in rows
        ),
    )
    by_exclusivity = defaultdict(int)
    by_size = defaultdict(int)
    for a in rows:
        by_exclusivity[Exclusivity.of(a.agreement_type)] += 1
        by_size[CompanySize(a.size)] += 1
    total = Metric(
        "licenses_executed",
        "Licenses and options executed",
        len(rows),
        "Exclusive, non-exclusive and start-up licenses and option agreements signed in the "
        "fiscal year (their signature date), whatever their status now.",
        records,
        short_label="Licenses & options signed",
    )
    splits = [
        (
            "licenses_exclusive",
            "Exclusive licenses executed",
            by_exclusivity[Exclusivity.EXCLUSIVE],
            "Exclusive and start-up licenses signed in the fiscal year.",
        ),
        (
            "licenses_nonexclusive",
            "Non-exclusive licenses executed",
            by_exclusivity[Exclusivity.NON_EXCLUSIVE],
            "Non-exclusive licenses signed in the fiscal year.",
        ),
        (
            "options_executed",
            "Options executed",
            by_exclusivity[Exclusivity.OPTION],
            "Option agreements signed in the fiscal year (not split by exclusivity: the "
            "option does not record it).",
        ),
        *(
            (
                f"licenses_to_{size.value}",
                f"Licenses and options to {TO_SIZE[size]}",
                by_size[size],
                f"Licenses and options signed in the fiscal year with a licensee recorded as "
                f"a {size.label.lower()} (the company's size now).",
            )
            for size in CompanySize
        ),
    ]
    return [total] + [
        Metric(key, label, value, rule, records, detail_of="licenses_executed")
        for key, label, value, rule in splits
    ]


def _startups_formed(
    session: Session, first: date, last: date, preview: int | None = None
) -> list[Metric]:
    startup = (Agreement.agreement_type == T.STARTUP.value, col(Agreement.signed_on).is_not(None))
    first_license = (
        select(Agreement.company_id, func.min(Agreement.signed_on).label("signed_on"))
        .where(*startup)
        .group_by(Agreement.company_id)
        .having(func.min(Agreement.signed_on).between(first, last))
        .subquery()
    )
    rows = session.exec(
        select(Company.name, Company.size, first_license.c.signed_on, func.min(Agreement.id))
        .join(first_license, first_license.c.company_id == Company.id)
        .join(
            Agreement,
            sa.and_(
                Agreement.company_id == Company.id,
                Agreement.signed_on == first_license.c.signed_on,
                *startup,
            ),
        )
        .group_by(Company.id, Company.name, Company.size, first_license.c.signed_on)
        .order_by(first_license.c.signed_on, Company.name)
    ).all()
    records = _records(
        preview,
        "Start-ups",
        (
            Column("Company", width=30),
            Column("Size recorded"),
            Column("First start-up license"),
            Column("Signed", "date"),
        ),
        tuple(
            (name, CompanySize(size).label, agreement_number(agreement_id), signed_on)
            for name, size, signed_on, agreement_id in rows
        ),
    )
    return [
        Metric(
            "startups_formed",
            "Start-ups formed",
            len(rows),
            "Companies whose first start-up license (the license with equity) was signed in the "
            "fiscal year. A company counts once, in the year of its first start-up license, "
            "whatever size is recorded for it.",
            records,
        )
    ]


FETCH_ROWS = 1_000  # rows fetched at a time when a table of records is streamed


def _streamed(
    session: Session,
    preview: int | None,
    sheet: str,
    columns: tuple[Column, ...],
    query,
    record: Callable[[Any], tuple[Any, ...]],
    total: int,
) -> Records:
    """Records of a table that grows with the office (a year's payments or invoices): whole
    for a full report; else its first `preview` rows, and the rest fetched in chunks only
    when the workbook is written."""
    if preview is None:
        return Records(sheet, columns, tuple(record(row) for row in session.exec(query).all()))
    first = (
        tuple(record(row) for row in session.exec(query.limit(preview)).all()) if preview else ()
    )

    def every_row() -> Iterable[tuple[Any, ...]]:
        for row in session.exec(query.execution_options(yield_per=FETCH_ROWS)):
            yield record(row)

    return Records(sheet, columns, first, total=total, more=every_row)


def _invoices(query, first: date, last: date):
    """Outside counsel's invoices dated in the period, with their application and case."""
    return (
        query.select_from(PatentCost)
        .join(PatentApplication, PatentApplication.id == PatentCost.application_id)
        .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
        .where(col(PatentCost.invoice_date).between(first, last))
    )


def _legal_fees(
    session: Session, first: date, last: date, preview: int | None = None
) -> list[Metric]:
    # Summed in SQL; the records are columns, not entities: an office has thousands a year.
    count, cents = session.exec(
        _invoices(
            select(func.count(), func.coalesce(func.sum(PatentCost.amount_cents), 0)), first, last
        )
    ).one()
    query = _invoices(
        select(
            PatentCost.invoice_date,
            PatentCost.invoice_number,
            Disclosure.docket,
            PatentApplication.jurisdiction,
            PatentApplication.application_type,
            PatentApplication.application_number,
            PatentCost.description,
            PatentCost.amount_cents,
            PatentCost.paid,
        ),
        first,
        last,
    ).order_by(PatentCost.invoice_date, PatentCost.id)
    records = _streamed(
        session,
        preview,
        "Legal fees",
        (
            Column("Invoice date", "date"),
            Column("Invoice number"),
            Column("Docket"),
            Column("Application", width=30),
            Column("Description", width=40),
            Column("Amount", "money"),
            Column("Paid"),
        ),
        query,
        lambda row: (
            row.invoice_date,
            row.invoice_number,
            row.docket,
            f"{row.jurisdiction} "
            + _application_name(row.application_type, row.application_number),
            row.description,
            from_cents(row.amount_cents),
            _yes(row.paid),
        ),
        int(count),
    )
    return [
        Metric(
            "legal_fees_expended",
            "Legal fees expended",
            from_cents(int(cents)),
            "Outside counsel's patent invoices dated in the fiscal year, paid or not (an invoice "
            "records no payment date), summed exactly in cents.",
            records,
            money=True,
        )
    ]


INCOME_TYPE_LABELS = {kind.value: kind.label for kind in IncomeType}
AUTM_CATEGORY_LABELS = {
    kind.value: LicenseIncomeKind.of(kind.value).label for kind in LICENSE_INCOME_TYPES
}


def _income_received(
    session: Session,
    fiscal_year: int,
    income_types,
    preview: int | None,
    sheet: str,
    columns: tuple[Column, ...],
    record: Callable[[Any, str, str], tuple[Any, ...]],
) -> tuple[Records, dict[str, int]]:
    """The payments of these kinds received in the fiscal year (the year recorded with each
    income from its date, as the annual distribution run uses it), oldest first, with the
    licensee and the technologies of the agreement; and the cents received of each kind
    (summed in SQL, over the same payments)."""
    in_year = (
        Income.fiscal_year == fiscal_year,
        col(Income.income_type).in_([kind.value for kind in income_types]),
        counted(),  # a voided income counts nowhere
    )

    def received(query):
        return (
            query.select_from(Income)
            .join(Agreement, Agreement.id == Income.agreement_id)
            .join(Company, Company.id == Agreement.company_id)
            .where(*in_year)
        )

    by_type = session.exec(
        received(select(Income.income_type, func.count(), func.sum(Income.amount_cents))).group_by(
            Income.income_type
        )
    ).all()
    dockets = _dockets_of(
        session, col(Agreement.id).in_(select(Income.agreement_id).where(*in_year))
    )
    query = received(
        select(
            Income.received_on,
            Income.agreement_id,
            Company.name.label("licensee"),
            Income.income_type,
            Income.licensee_reference,
            Income.amount_cents,
        )
    ).order_by(Income.received_on, Income.id)
    records = _streamed(
        session,
        preview,
        sheet,
        columns,
        query,
        lambda row: record(
            row, agreement_number(row.agreement_id), dockets.get(row.agreement_id, "")
        ),
        sum(int(count) for _, count, _ in by_type),
    )
    return records, {income_type: int(cents) for income_type, _, cents in by_type}


def _license_income(session: Session, fiscal_year: int, preview: int | None = None) -> list[Metric]:
    records, by_type = _income_received(
        session,
        fiscal_year,
        LICENSE_INCOME_TYPES,
        preview,
        "License income",
        (
            Column("Received", "date"),
            Column("Agreement"),
            Column("Licensee", width=30),
            Column("Type", width=26),
            Column("AUTM category", width=24),
            Column("Technologies", width=30),
            Column("Licensee reference", width=24),
            Column("Amount", "money"),
        ),
        lambda row, number, dockets: (
            row.received_on,
            number,
            row.licensee,
            INCOME_TYPE_LABELS[row.income_type],
            AUTM_CATEGORY_LABELS[row.income_type],
            dockets,
            row.licensee_reference,
            from_cents(row.amount_cents),
        ),
    )
    cents = defaultdict(int)
    for income_type, amount in by_type.items():
        cents[LicenseIncomeKind.of(income_type)] += amount
    total = Metric(
        "license_income",
        "License income received",
        from_cents(sum(cents.values())),
        "Payments licensees made for their licenses, received in the fiscal year (the fiscal "
        "year recorded with each income, from the day it was received): running royalties, "
        "cashed-in equity and all other license income, summed exactly in cents. Patent-cost "
        "reimbursements are not license income; they are legal fees reimbursed.",
        records,
        money=True,
        short_label="License income",
    )
    rules = {
        LicenseIncomeKind.RUNNING_ROYALTIES: "Income recorded as running royalties: royalties "
        "on the licensees' sales.",
        LicenseIncomeKind.CASHED_IN_EQUITY: "Income recorded as equity cash-out: cash from "
        "selling equity taken under a license. Equity not yet sold is not income.",
        LicenseIncomeKind.OTHER: "Upfront (issue) fees, annual and maintenance fees, milestone "
        "payments and sublicense income. Sublicense income is counted here, not as running "
        "royalties: tlo does not record whether it came from a sublicensee's sales.",
    }
    return [total] + [
        Metric(
            f"license_income_{kind.value}",
            kind.label,
            from_cents(cents[kind]),
            rules[kind],
            records,
            money=True,
            detail_of="license_income",
        )
        for kind in LicenseIncomeKind
    ]


def _legal_fees_reimbursed(
    session: Session, fiscal_year: int, preview: int | None = None
) -> list[Metric]:
    records, by_type = _income_received(
        session,
        fiscal_year,
        REIMBURSEMENT_TYPES,
        preview,
        "Legal fees reimbursed",
        (
            Column("Received", "date"),
            Column("Agreement"),
            Column("Licensee", width=30),
            Column("Technologies", width=30),
            Column("Licensee reference", width=24),
            Column("Amount", "money"),
        ),
        lambda row, number, dockets: (
            row.received_on,
            number,
            row.licensee,
            dockets,
            row.licensee_reference,
            from_cents(row.amount_cents),
        ),
    )
    return [
        Metric(
            "legal_fees_reimbursed",
            "Legal fees reimbursed",
            from_cents(sum(by_type.values())),
            "Patent costs licensees paid back: income recorded as patent-cost reimbursement, "
            "received in the fiscal year (the fiscal year recorded with it). Patent costs the "
            "revenue-sharing policy recovers out of royalties are not counted: that money is "
            "license income.",
            records,
            money=True,
        )
    ]


def _active_at_year_end(session: Session, last: date, preview: int | None = None) -> list[Metric]:
    after_last_day = clock.start_of_office_day(last + timedelta(days=1))
    ended = (
        select(AuditEntry.object_id, func.min(AuditEntry.at).label("ended_at"))
        .where(AuditEntry.object_type == "agreement", col(AuditEntry.action).in_(ENDING_ACTIONS))
        .group_by(AuditEntry.object_id)
        .subquery()
    )
    conditions = (
        col(Agreement.agreement_type).in_([kind.value for kind in LICENSES_AND_OPTIONS]),
        col(Agreement.signed_on) <= last,
        sa.or_(
            col(Agreement.status).in_([status.value for status in IN_FORCE_STATUSES]),
            sa.and_(
                col(Agreement.status).in_([status.value for status in SIGNED_STATUSES]),
                ended.c.ended_at >= after_last_day,
            ),
        ),
    )
    candidates = session.exec(
        select(*AGREEMENT_FIELDS, Company.name.label("company"), Company.size)
        .join(Company, Company.id == Agreement.company_id)
        .join(ended, ended.c.object_id == sa.cast(Agreement.id, sa.String), isouter=True)
        .where(*conditions)
        .order_by(Agreement.signed_on, Agreement.id)
    ).all()
    rows = []
    for a in candidates:
        start = a.effective_date or a.signed_on
        term_ends = end_of_term(Terms(T(a.agreement_type), start, a.term_months))
        if term_ends > last:  # the term still ran the day after the fiscal year's last day
            rows.append((a, term_ends))
    records = _records(
        preview,
        "Active at year end",
        (
            Column("Agreement"),
            Column("Type", width=30),
            Column("Licensee", width=30),
            Column("Licensee size"),
            Column("Signed", "date"),
            Column("Term ends", "date"),
            Column("Status now"),
        ),
        tuple(
            (
                agreement_number(a.id),
                T(a.agreement_type).label,
                a.company,
                CompanySize(a.size).label,
                a.signed_on,
                term_ends if a.term_months else None,
                AgreementStatus(a.status).label,
            )
            for a, term_ends in rows
        ),
    )
    return [
        Metric(
            "active_licenses",
            "Active licenses and options at year end",
            len(rows),
            "Licenses and options signed on or before the fiscal year's last day that were "
            "still in force after it: not marked expired or terminated by then (the date of "
            "that change in the audit log; one without a recorded date counts as ended) and "
            "their term, from the effective date, not over. A license for the life of the "
            "patents runs 20 years.",
            records,
            short_label="Active licenses & options",
        )
    ]


def autm_metrics(
    session: Session,
    *,
    actor: Actor,
    fiscal_year: int,
    now: datetime | None = None,
    preview_rows: int | None = None,
) -> AutmReport:
    """Every AUTM metric of `fiscal_year`, with the records each one counts: all of them, or
    (with `preview_rows`) the first of each table and how many there are."""
    require(actor, "report.autm")
    fiscal_year = clean_int(
        fiscal_year, what="fiscal year", minimum=EARLIEST_DATE.year + 1, maximum=LATEST_DATE.year
    )
    preview = clean_int(preview_rows, what="rows to preview", minimum=0, required=False)
    first, last = fiscal_year_span(fiscal_year, get_settings().fiscal_year_start_month)
    return AutmReport(
        fiscal_year=fiscal_year,
        first_day=first,
        last_day=last,
        generated_at=now or utcnow(),
        metrics=[
            *_disclosures_received(session, fiscal_year, preview),
            *_us_applications(session, first, last, preview),
            *_us_patents_issued(session, first, last, preview),
            *_licenses_executed(session, first, last, preview),
            *_startups_formed(session, first, last, preview),
            *_active_at_year_end(session, last, preview),
            *_license_income(session, fiscal_year, preview),
            *_legal_fees(session, first, last, preview),
            *_legal_fees_reimbursed(session, fiscal_year, preview),
        ],
    )


def fiscal_years(session: Session, *, actor: Actor, today: date | None = None) -> list[int]:
    """Fiscal years a report can be made for, newest first: from the first disclosure's to
    the current one."""
    require(actor, "report.autm")
    current = current_fiscal_year(today)
    earliest = session.exec(select(func.min(Disclosure.fiscal_year))).one() or current
    return list(range(max(current, earliest), min(current, earliest) - 1, -1))


# --- the workbook -----------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    Column("Metric", width=48),
    Column("Count", "integer"),
    Column("Amount", "money"),
    Column("Records (sheet)", width=20),
    Column("How it is counted", width=90),
)


def autm_workbook(report: AutmReport) -> bytes:
    """The summary of every metric, one sheet per table of records, and the period covered."""
    summary = Sheet(
        "Summary",
        SUMMARY_COLUMNS,
        [
            (
                metric.label,
                None if metric.money else metric.value,
                metric.value if metric.money else None,
                metric.records.sheet,
                metric.rule,
            )
            for metric in report.metrics
        ],
    )
    records = [
        Sheet(table.sheet, table.columns, table.all_rows()) for table in report.record_tables
    ]
    period = Sheet(
        "Fiscal year",
        (
            Column("Fiscal year", width=12),
            Column("First day", "date"),
            Column("Last day", "date"),
            Column("Generated", "datetime"),
        ),
        [(f"FY{report.fiscal_year}", report.first_day, report.last_day, report.generated_at)],
    )
    return workbook_bytes([summary, *records, period])


def autm_workbook_file(session: Session, *, actor: Actor, fiscal_year: int) -> bytes:
    """The workbook of one fiscal year, built when the user downloads it: the metrics first,
    then each table of records streamed from the database into its sheet."""
    report = autm_metrics(session, actor=actor, fiscal_year=fiscal_year, preview_rows=0)
    return autm_workbook(report)
