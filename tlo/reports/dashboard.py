"""The director's dashboard: the data of each chart, aggregated in the database.

Every chart takes the same filters. The fiscal-year range applies to each chart's own date
(a disclosure's fiscal year, an invoice's date, a license's signature, a deadline's due date,
the fiscal year recorded with an income); the school, department and officer narrow the
technologies counted: cases with an inventor in that school or department, cases of that
officer. Licenses count when they cover at least one such technology.

Income is the licensee's payment, on an agreement that may cover several technologies. With
no technology filter the charts add up the incomes themselves. Once technologies are
selected, or technologies ranked, each income is credited to the technologies of its
agreement (`tlo.revenue.credit`; the charts read the stored credit, `IncomeCredit`, kept
equal to the credit computed from the records, `_credited_income`): once distributed, by its
posted distributions (a reversal is posted negated, so it cancels what it reverses); until
then, by the part the agreement's allocation gives each technology, rounded to the cent as
the distribution engine rounds it. So an income's credits add up to the income exactly, and
the technologies' totals to the unfiltered totals (only income on an agreement that covers no
technology is credited to none, and a partly reversed income counts its standing parts alone
until distributed again).

License income and patent-cost reimbursements are kept apart as the AUTM report keeps them
(see `tlo.reports.autm`): the income charts show license income, and reimbursements appear
beside the patent spend they pay back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo.auth.permissions import Actor, require
from tlo.config import get_settings
from tlo.disclosures.models import Disclosure, DisclosureInventor, DisclosureStatus
from tlo.disclosures.rules import HUNDRED_PERCENT_BP, fiscal_year_of
from tlo.errors import ValidationError
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.licensing.models import Company, CompanySize, Outreach
from tlo.money import from_cents
from tlo.patents import services as patents
from tlo.patents.models import PatentApplication, PatentCost
from tlo.patents.services import DocketFilters
from tlo.people.models import Department, Person, School
from tlo.reports.autm import (
    LICENSE_INCOME_TYPES,
    LICENSE_TYPES,
    LICENSES_AND_OPTIONS,
    REIMBURSEMENT_TYPES,
    SIGNED_STATUSES,
    Exclusivity,
    current_fiscal_year,
    fiscal_year_span,
    local_date,
)
from tlo.reports.excel import Column, Sheet, workbook_bytes
from tlo.revenue import credit
from tlo.revenue.models import Income, IncomeCredit, counted
from tlo.revenue.types import IncomeType
from tlo.text import EARLIEST_DATE, LATEST_DATE, clean_int, clean_optional_id

OUTSIDE = "Outside the university"  # inventors with no department
TOP = 10  # technologies and licensees ranked by income
LICENSE_INCOME_LABELS = [kind.label for kind in LICENSE_INCOME_TYPES]  # in the charts' order
DOCKET_KINDS = {"patent": "Patent", "bayh_dole": "Bayh-Dole", "license": "License obligation"}


@dataclass(frozen=True)
class DashboardFilters:
    first_fiscal_year: int
    last_fiscal_year: int
    school_id: int | None = None
    department_id: int | None = None
    officer_person_id: int | None = None

    def span(self) -> tuple[date, date]:
        """The first day of the first fiscal year and the last day of the last."""
        for year, what in ((self.first_fiscal_year, "first"), (self.last_fiscal_year, "last")):
            clean_int(
                year,
                what=f"{what} fiscal year",
                minimum=EARLIEST_DATE.year + 1,
                maximum=LATEST_DATE.year,
            )
        clean_optional_id(self.school_id, what="school")
        clean_optional_id(self.department_id, what="department")
        clean_optional_id(self.officer_person_id, what="officer")
        if self.first_fiscal_year > self.last_fiscal_year:
            raise ValidationError("The first fiscal year comes after the last; swap them.")
        start_month = get_settings().fiscal_year_start_month
        return (
            fiscal_year_span(self.first_fiscal_year, start_month)[0],
            fiscal_year_span(self.last_fiscal_year, start_month)[1],
        )

    @property
    def narrows_technologies(self) -> bool:
        return any(
            value is not None
            for value in (self.school_id, self.department_id, self.officer_person_id)
        )


def _technologies(filters: DashboardFilters):
    """The ids of the technologies the school, department and officer filters select, as a
    subquery; None when no such filter is set."""
    if not filters.narrows_technologies:
        return None
    query = select(Disclosure.id)
    if filters.officer_person_id is not None:
        query = query.where(Disclosure.officer_person_id == filters.officer_person_id)
    if filters.school_id is not None or filters.department_id is not None:
        inventors = select(DisclosureInventor.disclosure_id).join(
            Person, Person.id == DisclosureInventor.person_id
        )
        if filters.department_id is not None:
            inventors = inventors.where(Person.department_id == filters.department_id)
        if filters.school_id is not None:
            inventors = inventors.join(Department, Department.id == Person.department_id).where(
                Department.school_id == filters.school_id
            )
        query = query.where(col(Disclosure.id).in_(inventors))
    return query


def _received_in(filters: DashboardFilters) -> tuple:
    """Disclosures received in the fiscal years (by their docket's year; drafts are not)."""
    return (
        col(Disclosure.fiscal_year).between(filters.first_fiscal_year, filters.last_fiscal_year),
        Disclosure.status != DisclosureStatus.DRAFT.value,
    )


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


# --- filter choices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class DepartmentChoice:
    id: int
    name: str
    school_id: int


@dataclass(frozen=True)
class FilterChoices:
    fiscal_years: list[int]  # oldest first, every year from the first disclosure's to now
    schools: list[Choice]
    departments: list[DepartmentChoice]
    officers: list[Choice]  # everyone who has been the officer of a case

    def departments_of(self, school_id: int | None) -> list[DepartmentChoice]:
        return [d for d in self.departments if school_id is None or d.school_id == school_id]


def filter_choices(session: Session, *, actor: Actor, today: date | None = None) -> FilterChoices:
    require(actor, "report.dashboard")
    current = current_fiscal_year(today)
    earliest, latest = session.exec(
        select(func.min(Disclosure.fiscal_year), func.max(Disclosure.fiscal_year))
    ).one()
    first, last = min(earliest or current, current), max(latest or current, current)
    officers = session.exec(
        select(Person.id, Person.full_name)
        .where(
            col(Person.id).in_(
                select(Disclosure.officer_person_id).where(
                    col(Disclosure.officer_person_id).is_not(None)
                )
            )
        )
        .order_by(Person.full_name)
    ).all()
    return FilterChoices(
        fiscal_years=list(range(first, last + 1)),
        schools=[
            Choice(id, name)
            for id, name in session.exec(select(School.id, School.name).order_by(School.name))
        ],
        departments=[
            DepartmentChoice(id, name, school_id)
            for id, name, school_id in session.exec(
                select(Department.id, Department.name, Department.school_id).order_by(
                    Department.name
                )
            )
        ],
        officers=[Choice(id, name) for id, name in officers],
    )


# --- disclosures per fiscal year by school ----------------------------------------------------


@dataclass(frozen=True)
class DisclosureCredit:
    fiscal_year: int
    unit_kind: str  # "School", or "Department" once a school or department is chosen
    unit: str
    disclosures: Decimal  # credited by inventor share: a year's credits add up to its cases


def disclosures_by_school(
    session: Session, *, actor: Actor, filters: DashboardFilters
) -> list[DisclosureCredit]:
    """Disclosures received per fiscal year, credited to schools by their inventors' shares (a
    case with two inventors at 50 % in two schools counts 0.5 for each), so that each year's
    bar adds up to the cases received. With a school or department chosen, only its inventors'
    credit counts, by department."""
    require(actor, "report.dashboard")
    filters.span()
    by_department = filters.school_id is not None or filters.department_id is not None
    unit = (Department.name if by_department else School.name).label("unit")
    query = (
        select(Disclosure.fiscal_year, unit, func.sum(DisclosureInventor.share_bp))
        .join(DisclosureInventor, DisclosureInventor.disclosure_id == Disclosure.id)
        .join(Person, Person.id == DisclosureInventor.person_id)
        .join(Department, Department.id == Person.department_id, isouter=True)
        .join(School, School.id == Department.school_id, isouter=True)
        .where(*_received_in(filters))
        .group_by(Disclosure.fiscal_year, unit)
    )
    if filters.officer_person_id is not None:
        query = query.where(Disclosure.officer_person_id == filters.officer_person_id)
    if filters.department_id is not None:
        query = query.where(Person.department_id == filters.department_id)
    if filters.school_id is not None:
        query = query.where(Department.school_id == filters.school_id)
    kind = "Department" if by_department else "School"
    rows = [
        DisclosureCredit(year, kind, name or OUTSIDE, Decimal(int(bp)) / HUNDRED_PERCENT_BP)
        for year, name, bp in session.exec(query).all()
    ]
    # Databases disagree where NULL sorts: the university's own units first, then outsiders.
    return sorted(rows, key=lambda row: (row.fiscal_year, row.unit == OUTSIDE, row.unit))


# --- the pipeline funnel ----------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    label: str
    technologies: int
    percent_of_disclosed: Decimal | None
    percent_of_previous: Decimal | None


def pipeline_funnel(
    session: Session, *, actor: Actor, filters: DashboardFilters
) -> list[FunnelStage]:
    """Of the technologies disclosed in the fiscal years, how many were ever filed (have a
    patent application), marketed (have outreach to a company) and licensed (are covered by a
    license that was signed). A later stage need not pass through the earlier ones."""
    require(actor, "report.dashboard")
    filters.span()
    filed = sa.exists().where(PatentApplication.disclosure_id == Disclosure.id)
    marketed = sa.exists().where(Outreach.disclosure_id == Disclosure.id)
    licensed = sa.exists().where(
        AgreementTechnology.disclosure_id == Disclosure.id,
        Agreement.id == AgreementTechnology.agreement_id,
        col(Agreement.agreement_type).in_([kind.value for kind in LICENSE_TYPES]),
        col(Agreement.status).in_([status.value for status in SIGNED_STATUSES]),
    )

    def count(condition):
        return func.coalesce(func.sum(sa.case((condition, 1), else_=0)), 0)

    query = select(func.count(), count(filed), count(marketed), count(licensed)).where(
        *_received_in(filters)
    )
    technologies = _technologies(filters)
    if technologies is not None:
        query = query.where(col(Disclosure.id).in_(technologies))
    counts = [int(n) for n in session.exec(query).one()]
    stages = [
        ("disclosed", "Disclosed"),
        ("filed", "Patent filed"),
        ("marketed", "Marketed"),
        ("licensed", "Licensed"),
    ]
    return [
        FunnelStage(
            stage,
            label,
            counts[index],
            _percent(counts[index], counts[0]),
            _percent(counts[index], counts[index - 1]) if index else None,
        )
        for index, (stage, label) in enumerate(stages)
    ]


# --- income -----------------------------------------------------------------------------------


def _incomes_in(filters: DashboardFilters, income_types) -> tuple:
    return (
        col(Income.fiscal_year).between(filters.first_fiscal_year, filters.last_fiscal_year),
        col(Income.income_type).in_([kind.value for kind in income_types]),
        counted(),  # a payment voided as a mistake was never received
    )


def _credited_income(filters: DashboardFilters, income_types):
    """(income_id, disclosure_id, agreement_id, fiscal_year, income_type, cents): the incomes of
    the fiscal years credited to the technologies of their agreement, computed from the records
    on the spot, as a subquery of rows to add up (`tlo.revenue.credit.computed_credit` says
    how). The reference that the stored credit (`IncomeCredit`), which the charts read, is
    kept equal to."""
    return credit.computed_credit(*_incomes_in(filters, income_types)).subquery("credited")


def _credit_in(filters: DashboardFilters, income_types, technologies) -> tuple:
    """Where-clauses on the stored credit: the fiscal years, the types, the technologies (all
    when None). A voided income has no stored credit."""
    conditions = (
        col(IncomeCredit.fiscal_year).between(filters.first_fiscal_year, filters.last_fiscal_year),
        col(IncomeCredit.income_type).in_([kind.value for kind in income_types]),
    )
    if technologies is None:
        return conditions
    return (*conditions, col(IncomeCredit.disclosure_id).in_(technologies))


def _income_amounts(session: Session, filters: DashboardFilters, income_types, *group_by):
    """A query of (*group_by, payments, cents) over the incomes of the fiscal years: the
    incomes themselves or, with a technology filter, what is credited to the selected
    technologies (the stored credit). `payments` counts incomes (one credited to two selected
    technologies counts once). Columns of Income in `group_by` are read from the credit when it
    is the source."""
    technologies = _technologies(filters)
    if technologies is None:
        source = Income
        payments, cents = func.count(Income.id), func.sum(Income.amount_cents)
        conditions = _incomes_in(filters, income_types)
    else:
        credit.refresh_pending(session)  # what this session changed, before it is read
        source = IncomeCredit
        payments = func.count(sa.distinct(IncomeCredit.income_id))
        cents = func.sum(IncomeCredit.cents)
        conditions = _credit_in(filters, income_types, technologies)
    keys = [
        getattr(source, column.key) if getattr(column, "class_", None) is Income else column
        for column in group_by
    ]
    return (
        select(*keys, payments.label("payments"), cents.label("cents"))
        .select_from(source)
        .where(*conditions)
        .group_by(*keys)
    )


@dataclass(frozen=True)
class IncomeByType:
    fiscal_year: int
    income_type: str  # an IncomeType label
    payments: int
    amount: Decimal


def income_by_type(
    session: Session, *, actor: Actor, filters: DashboardFilters
) -> list[IncomeByType]:
    """License income (every kind but patent-cost reimbursements) per fiscal year and kind.
    Filtered by technology, the income credited to the selected technologies."""
    require(actor, "report.dashboard")
    filters.span()
    order = list(IncomeType)
    query = _income_amounts(
        session, filters, LICENSE_INCOME_TYPES, Income.fiscal_year, Income.income_type
    )
    rows = session.exec(query).all()
    return [
        IncomeByType(fiscal_year, IncomeType(kind).label, int(payments), from_cents(int(cents)))
        for fiscal_year, kind, payments, cents in sorted(
            rows, key=lambda row: (row[0], order.index(IncomeType(row[1])))
        )
    ]


@dataclass(frozen=True)
class TechnologyIncome:
    docket: str
    title: str
    payments: int
    amount: Decimal


def top_technologies(
    session: Session, *, actor: Actor, filters: DashboardFilters
) -> list[TechnologyIncome]:
    """The ten technologies credited with the most license income in the fiscal years."""
    require(actor, "report.dashboard")
    filters.span()
    credit.refresh_pending(session)  # what this session changed, before it is read
    cents = func.sum(IncomeCredit.cents)
    # Each technology's total first (an income and technology are one stored row, so the
    # rows count the payments), then the ten ranked are named.
    ranked = (
        select(
            IncomeCredit.disclosure_id,
            func.count().label("payments"),
            cents.label("cents"),
        )
        .where(*_credit_in(filters, LICENSE_INCOME_TYPES, _technologies(filters)))
        .group_by(IncomeCredit.disclosure_id)
        .having(cents != 0)
        .order_by(cents.desc(), IncomeCredit.disclosure_id)
        .limit(TOP)
        .subquery("ranked")
    )
    query = (
        select(Disclosure.docket, Disclosure.title, ranked.c.payments, ranked.c.cents)
        .join(Disclosure, Disclosure.id == ranked.c.disclosure_id)
        .order_by(ranked.c.cents.desc(), ranked.c.disclosure_id)
    )
    return [
        TechnologyIncome(docket or "", title, int(payments), from_cents(int(total)))
        for docket, title, payments, total in session.exec(query).all()
    ]


@dataclass(frozen=True)
class LicenseeIncome:
    licensee: str
    licensee_size: str  # a CompanySize label
    payments: int
    amount: Decimal


def top_licensees(
    session: Session, *, actor: Actor, filters: DashboardFilters
) -> list[LicenseeIncome]:
    """The ten licensees that paid the most license income in the fiscal years (for the
    selected technologies, once technologies are filtered)."""
    require(actor, "report.dashboard")
    filters.span()
    # Added up per agreement first, then per licensee: a few thousand agreements are joined
    # to their company, not every payment.
    paid = _income_amounts(session, filters, LICENSE_INCOME_TYPES, Income.agreement_id).subquery(
        "paid"
    )
    cents = func.sum(paid.c.cents)
    rows = session.exec(
        select(Company.id, Company.name, Company.size, func.sum(paid.c.payments), cents)
        .select_from(paid)
        .join(Agreement, Agreement.id == paid.c.agreement_id)
        .join(Company, Company.id == Agreement.company_id)
        .group_by(Company.id, Company.name, Company.size)
        .having(cents != 0)
        .order_by(cents.desc(), Company.id)
        .limit(TOP)
    ).all()
    return [
        LicenseeIncome(name, CompanySize(size).label, int(payments), from_cents(int(total)))
        for _, name, size, payments, total in rows
    ]


# --- patent spend and reimbursement -----------------------------------------------------------


@dataclass(frozen=True)
class PatentSpend:
    fiscal_year: int
    invoices: int
    amount: Decimal
    reimbursements: int
    reimbursed: Decimal


def patent_spend(session: Session, *, actor: Actor, filters: DashboardFilters) -> list[PatentSpend]:
    """Outside counsel's invoices per fiscal year of their date, and what licensees paid back
    (income recorded as patent-cost reimbursement, by its fiscal year: AUTM's "legal fees
    reimbursed"), every year of the range. Patent costs recovered out of royalties by the
    revenue-sharing policy are not reimbursements: they are license income."""
    require(actor, "report.dashboard")
    first, last = filters.span()
    year = sa.extract("year", PatentCost.invoice_date)
    month = sa.extract("month", PatentCost.invoice_date)
    query = (
        select(year, month, func.count(), func.sum(PatentCost.amount_cents))
        .where(col(PatentCost.invoice_date).between(first, last))
        .group_by(year, month)
    )
    technologies = _technologies(filters)
    if technologies is not None:
        query = query.join(
            PatentApplication, PatentApplication.id == PatentCost.application_id
        ).where(col(PatentApplication.disclosure_id).in_(technologies))
    start_month = get_settings().fiscal_year_start_month
    invoices: Counter[int] = Counter()
    cents: Counter[int] = Counter()
    for in_year, in_month, count, total in session.exec(query).all():
        fiscal_year = fiscal_year_of(date(int(in_year), int(in_month), 1), start_month)
        invoices[fiscal_year] += int(count)
        cents[fiscal_year] += int(total)
    reimbursements: Counter[int] = Counter()
    reimbursed: Counter[int] = Counter()
    query = _income_amounts(session, filters, REIMBURSEMENT_TYPES, Income.fiscal_year)
    for fiscal_year, count, total in session.exec(query).all():
        reimbursements[fiscal_year], reimbursed[fiscal_year] = int(count), int(total)
    return [
        PatentSpend(
            fiscal_year,
            invoices[fiscal_year],
            from_cents(cents[fiscal_year]),
            reimbursements[fiscal_year],
            from_cents(reimbursed[fiscal_year]),
        )
        for fiscal_year in range(filters.first_fiscal_year, filters.last_fiscal_year + 1)
    ]


# --- licenses by licensee size and exclusivity ------------------------------------------------


@dataclass(frozen=True)
class LicenseCount:
    licensee_size: str  # a CompanySize label
    exclusivity: str  # an Exclusivity label
    licenses: int


def _license_conditions(filters: DashboardFilters, first: date, last: date) -> list:
    conditions = [
        col(Agreement.agreement_type).in_([kind.value for kind in LICENSES_AND_OPTIONS]),
        col(Agreement.signed_on).between(first, last),
    ]
    technologies = _technologies(filters)
    if technologies is not None:
        conditions.append(
            col(Agreement.id).in_(
                select(AgreementTechnology.agreement_id).where(
                    col(AgreementTechnology.disclosure_id).in_(technologies)
                )
            )
        )
    return conditions


def licenses_by_size(
    session: Session, *, actor: Actor, filters: DashboardFilters
) -> list[LicenseCount]:
    """Licenses and options signed in the fiscal years, by the licensee's size and whether
    the license is exclusive (start-up licenses are); every combination, zeros included. The
    size is the licensee's at signing (recorded on the agreement when it is executed, as the
    AUTM survey counts it); the company's present size only where none was recorded."""
    require(actor, "report.dashboard")
    first, last = filters.span()
    counts: Counter[tuple[CompanySize, Exclusivity]] = Counter()
    size_at_signing = func.coalesce(Agreement.licensee_size, Company.size)
    for size, kind, count in session.exec(
        select(size_at_signing, Agreement.agreement_type, func.count())
        .join(Company, Company.id == Agreement.company_id)
        .where(*_license_conditions(filters, first, last))
        .group_by(size_at_signing, Agreement.agreement_type)
    ).all():
        counts[CompanySize(size), Exclusivity.of(kind)] += int(count)
    return [
        LicenseCount(size.label, exclusivity.label, counts[size, exclusivity])
        for size in CompanySize
        for exclusivity in Exclusivity
    ]


# --- time from disclosure to first license ----------------------------------------------------


@dataclass(frozen=True)
class TimeToLicense:
    docket: str
    title: str
    received_on: date
    first_licensed_on: date
    days: int


def time_to_first_license(
    session: Session, *, actor: Actor, filters: DashboardFilters
) -> list[TimeToLicense]:
    """For each technology whose first license was signed in the fiscal years: the days from
    its disclosure to that license (one row per technology, for a histogram)."""
    require(actor, "report.dashboard")
    first, last = filters.span()
    first_license = func.min(Agreement.signed_on)
    query = (
        select(Disclosure.docket, Disclosure.title, Disclosure.submitted_at, first_license)
        .join(AgreementTechnology, AgreementTechnology.disclosure_id == Disclosure.id)
        .join(Agreement, Agreement.id == AgreementTechnology.agreement_id)
        .where(
            col(Agreement.agreement_type).in_([kind.value for kind in LICENSE_TYPES]),
            col(Agreement.signed_on).is_not(None),
            col(Disclosure.submitted_at).is_not(None),
        )
        .group_by(Disclosure.id, Disclosure.docket, Disclosure.title, Disclosure.submitted_at)
        .having(first_license.between(first, last))
        .order_by(first_license, Disclosure.docket)
    )
    technologies = _technologies(filters)
    if technologies is not None:
        query = query.where(col(Disclosure.id).in_(technologies))
    rows = []
    for docket, title, submitted_at, licensed_on in session.exec(query).all():
        received_on = local_date(submitted_at)
        rows.append(
            TimeToLicense(
                docket or "", title, received_on, licensed_on, (licensed_on - received_on).days
            )
        )
    return rows


# --- the docket by month ----------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineMonth:
    month: date  # its first day
    fiscal_year: int
    kind: str  # a DOCKET_KINDS label
    deadlines: int
    still_open: int


def deadlines_by_month(
    session: Session, *, actor: Actor, filters: DashboardFilters, today: date | None = None
) -> list[DeadlineMonth]:
    """Deadlines of live cases and license obligations due in the fiscal years, per month and
    kind, with how many are still open. Computed by the docket (which needs "docket.read")."""
    require(actor, "report.dashboard")
    first, last = filters.span()
    technologies = None
    if filters.school_id is not None or filters.department_id is not None:
        technologies = _technologies(filters)
    start_month = get_settings().fiscal_year_start_month
    deadlines: Counter[tuple[date, str]] = Counter()
    still_open: Counter[tuple[date, str]] = Counter()
    # Counted in SQL on the stored docket, by day; the days are grouped into months here.
    for due, kind, state, count in patents.docket_counts_by_day(
        session,
        actor=actor,
        filters=DocketFilters(officer_person_id=filters.officer_person_id, include_closed=True),
        first=first,
        last=last,
        technologies=technologies,
        today=today,
    ):
        key = (due.replace(day=1), kind)
        deadlines[key] += count
        still_open[key] += count if state == "open" else 0
    return [
        DeadlineMonth(
            month,
            fiscal_year_of(month, start_month),
            DOCKET_KINDS[kind],
            count,
            still_open[month, kind],
        )
        for (month, kind), count in sorted(deadlines.items())
    ]


def fiscal_months() -> list[int]:
    """The months of a fiscal year in their order (9, 10, ..., 8 with a September start)."""
    start_month = get_settings().fiscal_year_start_month
    return [(start_month - 1 + offset) % 12 + 1 for offset in range(12)]


# --- each chart's data as Excel ---------------------------------------------------------------


@dataclass(frozen=True)
class ChartExport:
    title: str
    data: Callable[..., Sequence[Any]]
    columns: tuple[Column, ...]
    row: Callable[[Any], tuple]


CHARTS: dict[str, ChartExport] = {
    "disclosures": ChartExport(
        "Disclosures by school",
        disclosures_by_school,
        (
            Column("Fiscal year", "integer"),
            Column("School or department", width=40),
            Column("Disclosures (credited by share)", "decimal"),
        ),
        lambda r: (r.fiscal_year, r.unit, r.disclosures),
    ),
    "funnel": ChartExport(
        "Pipeline funnel",
        pipeline_funnel,
        (
            Column("Stage"),
            Column("Technologies", "integer"),
            Column("% of disclosed", "percent"),
            Column("% of previous stage", "percent"),
        ),
        lambda r: (r.label, r.technologies, r.percent_of_disclosed, r.percent_of_previous),
    ),
    "income": ChartExport(
        "License income by type",
        income_by_type,
        (
            Column("Fiscal year", "integer"),
            Column("Type", width=28),
            Column("Payments", "integer"),
            Column("Amount", "money"),
        ),
        lambda r: (r.fiscal_year, r.income_type, r.payments, r.amount),
    ),
    "patent_spend": ChartExport(
        "Patent spend and reimbursement",
        patent_spend,
        (
            Column("Fiscal year", "integer"),
            Column("Invoices", "integer"),
            Column("Invoiced", "money"),
            Column("Reimbursements", "integer"),
            Column("Reimbursed", "money"),
        ),
        lambda r: (r.fiscal_year, r.invoices, r.amount, r.reimbursements, r.reimbursed),
    ),
    "top_technologies": ChartExport(
        "Top technologies by income",
        top_technologies,
        (
            Column("Docket"),
            Column("Title", width=50),
            Column("Payments", "integer"),
            Column("License income", "money"),
        ),
        lambda r: (r.docket, r.title, r.payments, r.amount),
    ),
    "top_licensees": ChartExport(
        "Top licensees by income",
        top_licensees,
        (
            Column("Licensee", width=40),
            Column("Licensee size"),
            Column("Payments", "integer"),
            Column("License income", "money"),
        ),
        lambda r: (r.licensee, r.licensee_size, r.payments, r.amount),
    ),
    "licenses": ChartExport(
        "Licenses by licensee size",
        licenses_by_size,
        (
            Column("Licensee size"),
            Column("Exclusivity"),
            Column("Licenses and options", "integer"),
        ),
        lambda r: (r.licensee_size, r.exclusivity, r.licenses),
    ),
    "time_to_license": ChartExport(
        "Time to first license",
        time_to_first_license,
        (
            Column("Docket"),
            Column("Title", width=50),
            Column("Received", "date"),
            Column("First licensed", "date"),
            Column("Days", "integer"),
        ),
        lambda r: (r.docket, r.title, r.received_on, r.first_licensed_on, r.days),
    ),
    "deadlines": ChartExport(
        "Deadlines by month",
        deadlines_by_month,
        (
            Column("Month", "date"),
            Column("Fiscal year", "integer"),
            Column("Kind"),
            Column("Deadlines", "integer"),
            Column("Still open", "integer"),
        ),
        lambda r: (r.month, r.fiscal_year, r.kind, r.deadlines, r.still_open),
    ),
}


def describe_filters(session: Session, filters: DashboardFilters) -> list[tuple[str, str]]:
    """The filters in words, as a reader of an exported chart needs them."""

    def name(model, attribute, key, everyone):
        if key is None:
            return everyone
        return session.exec(select(getattr(model, attribute)).where(model.id == key)).one()

    return [
        ("Fiscal years", f"FY{filters.first_fiscal_year} to FY{filters.last_fiscal_year}"),
        ("School", name(School, "name", filters.school_id, "Every school")),
        ("Department", name(Department, "name", filters.department_id, "Every department")),
        ("Officer", name(Person, "full_name", filters.officer_person_id, "Every officer")),
    ]


def chart_excel_file(
    session: Session, *, actor: Actor, chart: str, filters: DashboardFilters
) -> bytes:
    """One chart's data as a formatted workbook, with the filters it was drawn with."""
    export = CHARTS[chart]
    rows = export.data(session, actor=actor, filters=filters)
    return workbook_bytes(
        [
            Sheet(export.title, export.columns, [export.row(r) for r in rows]),
            Sheet(
                "Filters",
                (Column("Filter"), Column("Value", width=40)),
                describe_filters(session, filters),
            ),
        ]
    )
