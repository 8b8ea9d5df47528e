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

The survey's other definitions (issue #21): start-ups are companies formed in the year on a
license or option of our technology (`Company.formed_on`, `depends_on_our_technology`);
licenses are counted by the licensee's size at signing (`Agreement.licensee_size`); a license
is active until it ends (`Agreement.ended_on`), its fixed term is over or its last licensed
patent expires; legal fees are counted when paid (`PatentCost.paid_on`); a PCT first filing
makes its family new in the PCT's year. `Check`s like AUTM's own are run over the figures
before submission, and `NOTES` says what the workbook leaves out.
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
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from tlo import clock
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import get_settings
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.disclosures.rules import fiscal_year_of
from tlo.equity import ledger
from tlo.equity.models import EquityEvent, EquityHolding, HeldFor
from tlo.licensing.agreement_models import Agreement, AgreementStatus, AgreementTechnology
from tlo.licensing.agreement_models import AgreementType as T
from tlo.licensing.agreements import families_of
from tlo.licensing.models import Company, CompanySize
from tlo.licensing.obligations import Terms, end_of_term
from tlo.money import dollars, from_cents, to_cents
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
class Check:
    """A pre-submission check, as AUTM's own survey runs them: what it looks for, what to do
    about a finding, and the records found (none: the check passes)."""

    key: str
    label: str
    advice: str
    found: tuple[str, ...] = ()  # each record found, named so that it can be looked up

    @property
    def passed(self) -> bool:
        return not self.found


# What the workbook says it leaves out, and why.
NOTES = (
    (
        "License income paid to other institutions",
        "Not reported: tlo does not record joint ownership yet (issue #19), so it cannot tell "
        "which income was shared with co-owning institutions. Report it by hand.",
    ),
    (
        "Licensee size at signing",
        "Recorded on each agreement when it is executed. Agreements executed before tlo "
        "recorded it took the company's size of the day of the upgrade (migration 0025).",
    ),
    (
        "Patent term",
        "A licensed patent is taken to run 20 years from the filing that starts its term; "
        "patent term adjustments and extensions are not added.",
    ),
)


@dataclass(frozen=True)
class AutmReport:
    fiscal_year: int
    first_day: date
    last_day: date
    generated_at: datetime
    metrics: list[Metric] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

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


def _size_label(size: str | None) -> str:
    return CompanySize(size).label if size else ""


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
    """US applications filed in the period that are not their family's first filing here:
    they descend from an earlier US application (a conversion, continuation, divisional or
    national phase of a US priority), or from a PCT application that is its family's first
    filing (counted as new in the year of the PCT filing)."""
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
            .where(
                sa.or_(
                    ancestor.jurisdiction == "US",
                    sa.and_(
                        ancestor.application_type == ApplicationType.PCT.value,
                        col(ancestor.parent_id).is_(None),
                    ),
                )
            )
            .distinct()
        ).all()
    )


# What the records need of an application: columns, not entities (an office files thousands).
APPLICATION_FIELDS = (
    PatentApplication.id,
    PatentApplication.jurisdiction,
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
    Agreement.licensee_size,
    Agreement.ended_on,
)


def _application_name(kind: str, number: str) -> str:
    return f"{ApplicationType(kind).label} {number}".strip()


def _us_applications(
    session: Session, first: date, last: date, preview: int | None = None
) -> list[Metric]:
    continuing = _continuing_us_applications(session, first, last)
    pct_first = sa.and_(
        PatentApplication.application_type == ApplicationType.PCT.value,
        col(PatentApplication.parent_id).is_(None),
    )
    rows = session.exec(
        select(*APPLICATION_FIELDS, Disclosure.docket, Disclosure.title)
        .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
        .where(
            sa.or_(PatentApplication.jurisdiction == "US", pct_first),
            col(PatentApplication.filing_date).between(first, last),
        )
        .order_by(PatentApplication.filing_date, PatentApplication.id)
    ).all()
    new = [a for a in rows if a.id not in continuing]
    records = _records(
        preview,
        "Patent applications",
        (
            Column("Docket"),
            Column("Title", width=50),
            Column("Office"),
            Column("Type"),
            Column("Application number"),
            Column("Filed", "date"),
            Column("New (first filing)"),
        ),
        tuple(
            (
                a.docket,
                a.title,
                a.jurisdiction,
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
            "First filings of the fiscal year that protect an invention in the US: a US "
            "application that does not descend from an earlier US application (a first "
            "provisional, or a non-provisional, national phase or continuation without a US "
            "parent), or a PCT application that is its family's first filing (it designates "
            "the US; the family is new in the year of the PCT filing, and its US national "
            "phase is then not new). Conversions of a US provisional and continuations of US "
            "applications are listed but not new.",
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
            "us_applications_new_pct",
            "New patent applications filed first as PCT applications",
            sum(1 for a in new if a.application_type == ApplicationType.PCT),
            "Of the new US applications, the PCT applications that are their family's first "
            "filing.",
            records,
            detail_of="us_applications_new",
        ),
        Metric(
            "us_applications_all",
            "All US patent applications filed",
            len(rows),
            "Every US application filed in the fiscal year, new or not, and the PCT "
            "applications that are their family's first filing.",
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
        select(*AGREEMENT_FIELDS, Company.name.label("company"))
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
            Column("Licensee size at signing"),
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
                _size_label(a.licensee_size),
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
        if a.licensee_size:
            by_size[CompanySize(a.licensee_size)] += 1
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
                f"Licenses and options signed in the fiscal year with a licensee that was a "
                f"{size.label.lower()} on the day of signing (recorded on the agreement when "
                "it was executed; agreements executed before tlo recorded it took the "
                "company's size of the day of the upgrade). Start-up, small (under 500 "
                "employees) and large are mutually exclusive; an agreement without a size "
                "is in none (see the checks).",
            )
            for size in CompanySize
        ),
    ]
    return [total] + [
        Metric(key, label, value, rule, records, detail_of="licenses_executed")
        for key, label, value, rule in splits
    ]


# What makes a company a start-up of ours (AUTM): a license or option of our technology.
STARTUP_AGREEMENTS = (T.STARTUP, T.EXCLUSIVE, T.OPTION)


def _first_agreements(session: Session, company_ids: list[int]) -> dict[int, Any]:
    """Each company's first signed start-up license, exclusive license or option."""
    if not company_ids:
        return {}
    first: dict[int, Any] = {}
    for row in session.exec(
        select(Agreement.company_id, Agreement.id, Agreement.agreement_type, Agreement.signed_on)
        .where(
            col(Agreement.company_id).in_(company_ids),
            col(Agreement.agreement_type).in_([kind.value for kind in STARTUP_AGREEMENTS]),
            col(Agreement.status).in_([status.value for status in SIGNED_STATUSES]),
            col(Agreement.signed_on).is_not(None),
        )
        .order_by(Agreement.signed_on, Agreement.id)
    ).all():
        first.setdefault(row.company_id, row)
    return first


def _startups_formed(
    session: Session, first: date, last: date, preview: int | None = None
) -> list[Metric]:
    # A year forms some tens of companies: read whole.
    companies = session.exec(
        select(Company.id, Company.name, Company.size, Company.formed_on)
        .where(
            col(Company.formed_on).between(first, last),
            col(Company.depends_on_our_technology).is_(True),
        )
        .order_by(Company.formed_on, Company.name)
    ).all()
    licensed = _first_agreements(session, [c.id for c in companies])
    records = _records(
        preview,
        "Start-ups",
        (
            Column("Company", width=30),
            Column("Formed", "date"),
            Column("Size recorded"),
            Column("First license or option"),
            Column("Type", width=30),
            Column("Signed", "date"),
            Column("Counted"),
        ),
        tuple(
            (
                c.name,
                c.formed_on,
                CompanySize(c.size).label,
                agreement_number(licensed[c.id].id) if c.id in licensed else "",
                T(licensed[c.id].agreement_type).label if c.id in licensed else "",
                licensed[c.id].signed_on if c.id in licensed else None,
                "Yes" if c.id in licensed else "No: it holds no license or option",
            )
            for c in companies
        ),
    )
    return [
        Metric(
            "startups_formed",
            "Start-ups formed",
            sum(1 for c in companies if c.id in licensed),
            "Companies formed in the fiscal year (their formation date) that depended on a "
            "license or option of the university's technology for their initiation (as "
            "recorded on the company) and hold one: a signed start-up license, exclusive "
            "license or option. Listed too, not counted: those formed so that hold none yet.",
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


# The day an invoice counts as paid: its payment's, or for a paid invoice recorded without
# that day (the legacy importer's), its own date.
PAID_DAY = sa.func.coalesce(PatentCost.paid_on, PatentCost.invoice_date)


def _invoices(query, first: date, last: date):
    """Outside counsel's invoices paid in the period, with their application and case."""
    return (
        query.select_from(PatentCost)
        .join(PatentApplication, PatentApplication.id == PatentCost.application_id)
        .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
        .where(col(PatentCost.paid).is_(True), PAID_DAY.between(first, last))
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
            PatentCost.paid_on,
            PatentCost.invoice_date,
            PatentCost.invoice_number,
            Disclosure.docket,
            PatentApplication.jurisdiction,
            PatentApplication.application_type,
            PatentApplication.application_number,
            PatentCost.description,
            PatentCost.amount_cents,
        ),
        first,
        last,
    ).order_by(PAID_DAY, PatentCost.invoice_date, PatentCost.id)
    records = _streamed(
        session,
        preview,
        "Legal fees",
        (
            Column("Paid on", "date"),
            Column("Invoice date", "date"),
            Column("Invoice number"),
            Column("Docket"),
            Column("Application", width=30),
            Column("Description", width=40),
            Column("Amount", "money"),
        ),
        query,
        lambda row: (
            row.paid_on,
            row.invoice_date,
            row.invoice_number,
            row.docket,
            f"{row.jurisdiction} "
            + _application_name(row.application_type, row.application_number),
            row.description,
            from_cents(row.amount_cents),
        ),
        int(count),
    )
    return [
        Metric(
            "legal_fees_expended",
            "Legal fees expended",
            from_cents(int(cents)),
            "Outside counsel's patent invoices paid in the fiscal year (the day each was paid; "
            "a paid invoice recorded without that day counts on its invoice date), summed "
            "exactly in cents. Unpaid invoices are not counted.",
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


def _equity_cashed_in(
    session: Session, fiscal_year: int, first: date, last: date, preview: int | None
) -> tuple[Records, int]:
    """Cashed-in equity from the equity ledger: the sales of the university's shares made in
    the fiscal year (a sale's cash is the equity income it became; a sale of shares held for
    the inventors is theirs, not the university's), and the equity cash-out income recorded
    without a sale in the ledger (before tlo kept one, or imported). A sale whose income was
    voided (or whose income was) is not counted, as its income is not. At most some sales a
    year: read whole."""
    sales = session.exec(
        select(
            EquityEvent.occurred_on,
            Company.name,
            EquityHolding.share_class,
            EquityHolding.certificate,
            EquityEvent.shares,
            EquityEvent.price_micros,
            EquityHolding.agreement_id,
        )
        .join(EquityHolding, EquityHolding.id == EquityEvent.holding_id)
        .join(Company, Company.id == EquityHolding.company_id)
        .outerjoin(Income, Income.id == EquityEvent.income_id)
        .where(
            EquityEvent.kind == ledger.EventKind.SALE.value,
            col(EquityEvent.voided_at).is_(None),
            col(EquityEvent.occurred_on).between(first, last),
            EquityHolding.held_for == HeldFor.UNIVERSITY.value,
            col(Income.voided_at).is_(None),  # no income (nothing received) or one that counts
        )
        .order_by(EquityEvent.occurred_on, EquityEvent.id)
    ).all()
    rows = [
        (
            day,
            company,
            f"{share_class} ({certificate})" if certificate else share_class,
            shares,
            ledger.micros_to_price(micros),
            ledger.sale_proceeds(shares, ledger.micros_to_price(micros)),
            agreement_number(agreement_id) if agreement_id else "",
            "Equity ledger",
        )
        for day, company, share_class, certificate, shares, micros, agreement_id in sales
    ]
    from_a_sale = select(EquityEvent.id).where(EquityEvent.income_id == Income.id)
    rows += [
        (
            row.received_on,
            row.name,
            "",
            None,
            None,
            from_cents(row.amount_cents),
            agreement_number(row.agreement_id),
            "Income recorded without a sale in the ledger",
        )
        for row in session.exec(
            select(Income.received_on, Company.name, Income.agreement_id, Income.amount_cents)
            .join(Agreement, Agreement.id == Income.agreement_id)
            .join(Company, Company.id == Agreement.company_id)
            .where(
                Income.fiscal_year == fiscal_year,
                Income.income_type == IncomeType.EQUITY.value,
                counted(),
                ~sa.exists(from_a_sale),
            )
            .order_by(Income.received_on, Income.id)
        ).all()
    ]
    rows.sort(key=lambda row: row[0])
    records = _records(
        preview,
        "Equity cashed in",
        (
            Column("Sold on", "date"),
            Column("Company", width=30),
            Column("Shares (certificate)", width=30),
            Column("Shares sold", "integer"),
            Column("Price per share", "decimal"),
            Column("Cash", "money"),
            Column("Agreement"),
            Column("Source", width=40),
        ),
        tuple(rows),
    )
    return records, sum(to_cents(row[5]) for row in rows)


def _license_income(
    session: Session, fiscal_year: int, first: date, last: date, preview: int | None = None
) -> list[Metric]:
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
    # The ledger's sales are recorded as equity income (the same cash, the same day), so the
    # two agree and the details still add up to the total.
    equity_records, cents[LicenseIncomeKind.CASHED_IN_EQUITY] = _equity_cashed_in(
        session, fiscal_year, first, last, preview
    )
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
        LicenseIncomeKind.CASHED_IN_EQUITY: "Cash from selling equity taken under a license, "
        "from the equity ledger: the sales of the university's shares made in the fiscal year "
        "(shares held for the inventors are theirs; a voided sale counts nowhere), and equity "
        "cash-out income recorded "
        "without a sale in the ledger. Equity not yet sold is not income.",
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
            equity_records if kind is LicenseIncomeKind.CASHED_IN_EQUITY else records,
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


# An application whose patent term runs from its parent's filing: a national or regional
# phase from its PCT's, a continuation or divisional from the application it continues.
TERM_FROM_PARENT = {
    ApplicationType.NATIONAL_PHASE,
    ApplicationType.REGIONAL_PHASE,
    ApplicationType.CONTINUATION,
    ApplicationType.DIVISIONAL,
}
PATENT_TERM = relativedelta(years=20)
PROVISIONAL_YEAR = relativedelta(months=12)  # a non-provisional claims it within a year


def patent_term_ends(application: PatentApplication, family: dict[int, PatentApplication]) -> date:
    """The last day a licensed application (or the patent it becomes) can be in force: 20
    years from the filing that starts its term (its own, or its PCT's or parent's; for a
    provisional, the non-provisional's, at most a year later). Patent term adjustments and
    extensions are not added: a license may outlive this by their length."""
    start, seen = application, {application.id}
    while (
        ApplicationType(start.application_type) in TERM_FROM_PARENT
        and start.parent_id in family
        and start.parent_id not in seen
    ):
        start = family[start.parent_id]
        seen.add(start.id)
    filed = start.filing_date
    if start.application_type == ApplicationType.PROVISIONAL:
        filed += PROVISIONAL_YEAR
    return filed + PATENT_TERM


@dataclass(frozen=True)
class InForce:
    """Why a signed license or option was still in force after the fiscal year's last day."""

    row: Any  # AGREEMENT_FIELDS and the licensee
    runs_until: date | None  # its term's end, or its last licensed patent's
    basis: str


def _in_force_after(session: Session, last: date) -> list[InForce]:
    """Licenses and options signed by `last` that had not ended by then: not ended (or ended
    after it), their fixed term not over, and for one without a fixed term, its last licensed
    patent not expired."""
    candidates = session.exec(
        select(*AGREEMENT_FIELDS, Company.name.label("company"))
        .join(Company, Company.id == Agreement.company_id)
        .where(
            col(Agreement.agreement_type).in_([kind.value for kind in LICENSES_AND_OPTIONS]),
            col(Agreement.status).in_([status.value for status in SIGNED_STATUSES]),
            col(Agreement.signed_on) <= last,
            sa.or_(
                sa.and_(
                    col(Agreement.status).in_([status.value for status in IN_FORCE_STATUSES]),
                    col(Agreement.ended_on).is_(None),
                ),
                col(Agreement.ended_on) > last,
            ),
        )
        .order_by(Agreement.signed_on, Agreement.id)
    ).all()
    families = families_of(session, [a.id for a in candidates if not a.term_months])
    found = []
    for a in candidates:
        if a.term_months:
            start = a.effective_date or a.signed_on
            ends = end_of_term(Terms(T(a.agreement_type), start, a.term_months))
            if ends > last:  # the term still ran the day after the fiscal year's last day
                found.append(InForce(a, ends, f"Term of {a.term_months} months"))
            continue
        members = families.get(a.id, [])
        family = {m.application.id: m.application for m in members}
        licensed = [m.application for m in members if m.licensed]
        if not licensed:
            found.append(InForce(a, None, "No licensed patent and no end recorded"))
            continue
        application = max(licensed, key=lambda app: (patent_term_ends(app, family), app.id))
        expiry = patent_term_ends(application, family)
        if expiry > last:
            found.append(
                InForce(
                    a,
                    expiry,
                    f"Until {application.jurisdiction} "
                    + _application_name(
                        application.application_type, application.application_number
                    )
                    + " expires",
                )
            )
    return found


def _active_at_year_end(session: Session, last: date, preview: int | None = None) -> list[Metric]:
    rows = _in_force_after(session, last)
    records = _records(
        preview,
        "Active at year end",
        (
            Column("Agreement"),
            Column("Type", width=30),
            Column("Licensee", width=30),
            Column("Licensee size at signing"),
            Column("Signed", "date"),
            Column("Runs until", "date"),
            Column("Why", width=40),
            Column("Ended", "date"),
            Column("Status now"),
        ),
        tuple(
            (
                agreement_number(r.row.id),
                T(r.row.agreement_type).label,
                r.row.company,
                _size_label(r.row.licensee_size),
                r.row.signed_on,
                r.runs_until,
                r.basis,
                r.row.ended_on,
                AgreementStatus(r.row.status).label,
            )
            for r in rows
        ),
    )
    return [
        Metric(
            "active_licenses",
            "Active licenses and options at year end",
            len(rows),
            "Licenses and options signed on or before the fiscal year's last day that were "
            "still in force after it: not ended by then (the end date recorded when it expired "
            "or was terminated; one marked ended without a date counts as ended), and running "
            "until its fixed term is over or, without a fixed term, until its last licensed "
            "patent expires (20 years from the filing that starts the patent's term, without "
            "term adjustments). One with neither a licensed patent nor an end counts as active "
            "and is listed in the checks.",
            records,
            short_label="Active licenses & options",
        )
    ]


NO_PATENT_NO_END = "No licensed patent and no end recorded"


def _every(records: Records) -> Iterable[dict[str, Any]]:
    """Every record of a table read whole (not one streamed), by its column headers."""
    headers = [column.header for column in records.columns]
    for row in records.all_rows():
        yield dict(zip(headers, row, strict=True))


def _checks(
    session: Session, fiscal_year: int, first: date, last: date, metrics: list[Metric]
) -> list[Check]:
    """AUTM's kind of pre-submission checks over the metrics of the year and their records."""
    by_key = {metric.key: metric for metric in metrics}
    licenses = by_key["licenses_executed"]
    disclosures_ever = session.exec(
        select(func.count()).where(
            Disclosure.fiscal_year <= fiscal_year,
            Disclosure.status != DisclosureStatus.DRAFT.value,
        )
    ).one()
    unrecorded = session.exec(
        select(Agreement.id, Company.name)
        .join(Company, Company.id == Agreement.company_id)
        .where(
            Agreement.agreement_type == T.STARTUP.value,
            col(Agreement.signed_on).between(first, last),
            sa.or_(
                col(Company.formed_on).is_(None),
                col(Company.depends_on_our_technology).is_(None),
            ),
        )
        .order_by(Agreement.signed_on, Agreement.id)
    ).all()
    ended_undated = session.exec(
        select(Agreement.id, Company.name)
        .join(Company, Company.id == Agreement.company_id)
        .where(
            col(Agreement.agreement_type).in_([kind.value for kind in LICENSES_AND_OPTIONS]),
            col(Agreement.status).in_(
                [AgreementStatus.EXPIRED.value, AgreementStatus.TERMINATED.value]
            ),
            col(Agreement.signed_on) <= last,
            col(Agreement.ended_on).is_(None),
        )
        .order_by(Agreement.signed_on, Agreement.id)
    ).all()
    paid_undated = session.exec(
        _invoices(select(PatentCost.id, PatentCost.invoice_number, Disclosure.docket), first, last)
        .where(col(PatentCost.paid_on).is_(None))
        .order_by(PatentCost.invoice_date, PatentCost.id)
    ).all()
    return [
        Check(
            "licenses_beyond_disclosures",
            "More licenses and options executed in the year than disclosures received ever",
            "Check that every license covers its technologies, and that old disclosures were "
            "imported.",
            (
                f"{licenses.value:,} licenses and options executed; {disclosures_ever:,} "
                "disclosures received up to the year's end",
            )
            if licenses.value > disclosures_ever
            else (),
        ),
        Check(
            "startup_without_license",
            "A start-up formed in the year holds no license or option",
            "Record its license or option, or correct its dependence on our technology: it "
            "is not counted as a start-up until it holds one.",
            tuple(
                f"{row['Company']} (formed {row['Formed']})"
                for row in _every(by_key["startups_formed"].records)
                if row["Counted"] != "Yes"
            ),
        ),
        Check(
            "startup_license_to_unrecorded_company",
            "A start-up license signed in the year with a company whose formation or "
            "dependence on our technology is not recorded",
            "Record the company's formation date and whether it depends on our technology on "
            "the Companies page: it may be a start-up formed that is not counted.",
            tuple(
                f"{agreement_number(agreement_id)} with {name}" for agreement_id, name in unrecorded
            ),
        ),
        Check(
            "size_missing",
            "A license or option executed in the year without the licensee's size at signing",
            "It is counted in no size: record the agreement's licensee size.",
            tuple(
                f"{row['Agreement']} with {row['Licensee']}"
                for row in _every(licenses.records)
                if not row["Licensee size at signing"]
            ),
        ),
        Check(
            "active_without_patent_or_end",
            "An active license or option with no licensed patent and no end",
            "Choose its licensed patents, or record its end (expire or terminate it): it is "
            "counted as active meanwhile.",
            tuple(
                f"{row['Agreement']} with {row['Licensee']}"
                for row in _every(by_key["active_licenses"].records)
                if row["Why"] == NO_PATENT_NO_END
            ),
        ),
        Check(
            "ended_without_date",
            "A license or option marked expired or terminated without the day it ended",
            "It is counted as ended before the year's end; if it ended later, it was active.",
            tuple(
                f"{agreement_number(agreement_id)} with {name}"
                for agreement_id, name in ended_undated
            ),
        ),
        Check(
            "paid_without_date",
            "A counsel invoice marked paid without the day it was paid",
            "It is counted on its invoice date: record when it was paid if that was another "
            "fiscal year.",
            tuple(
                f"Invoice {number or cost_id} ({docket})"
                for cost_id, number, docket in paid_undated
            ),
        ),
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
    (with `preview_rows`) the first of each table and how many there are; and the checks to
    read before submitting it."""
    require(actor, "report.autm")
    fiscal_year = clean_int(
        fiscal_year, what="fiscal year", minimum=EARLIEST_DATE.year + 1, maximum=LATEST_DATE.year
    )
    preview = clean_int(preview_rows, what="rows to preview", minimum=0, required=False)
    first, last = fiscal_year_span(fiscal_year, get_settings().fiscal_year_start_month)
    metrics = [
        *_disclosures_received(session, fiscal_year, preview),
        *_us_applications(session, first, last, preview),
        *_us_patents_issued(session, first, last, preview),
        *_licenses_executed(session, first, last, preview),
        *_startups_formed(session, first, last, preview),
        *_active_at_year_end(session, last, preview),
        *_license_income(session, fiscal_year, first, last, preview),
        *_legal_fees(session, first, last, preview),
        *_legal_fees_reimbursed(session, fiscal_year, preview),
    ]
    return AutmReport(
        fiscal_year=fiscal_year,
        first_day=first,
        last_day=last,
        generated_at=now or utcnow(),
        metrics=metrics,
        checks=_checks(session, fiscal_year, first, last, metrics),
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
    """The summary of every metric, the pre-submission checks, one sheet per table of
    records, the notes on what is left out, and the period covered."""
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
    checks = Sheet(
        "Checks",
        (
            Column("Check", width=60),
            Column("Passed"),
            Column("Found", width=50),
            Column("What to do", width=80),
        ),
        [
            (check.label, _yes(check.passed), found, "" if check.passed else check.advice)
            for check in report.checks
            for found in (check.found or ("",))
        ],
    )
    records = [
        Sheet(table.sheet, table.columns, table.all_rows()) for table in report.record_tables
    ]
    notes = Sheet("Notes", (Column("Topic", width=40), Column("Note", width=100)), list(NOTES))
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
    return workbook_bytes([summary, checks, *records, notes, period])


def autm_workbook_file(session: Session, *, actor: Actor, fiscal_year: int) -> bytes:
    """The workbook of one fiscal year, built when the user downloads it: the metrics first,
    then each table of records streamed from the database into its sheet."""
    report = autm_metrics(session, actor=actor, fiscal_year=fiscal_year, preview_rows=0)
    return autm_workbook(report)
