"""Statements: what posted distributions paid each inventor, department and school, and each
outside co-inventor's institution, line by line with the technology, the income and the rule;
and the whole ledger. Only posted lines count (a reversal shows as a negative line). Word for
inventors, Excel for everyone.

Outside institutions are shown apart from departments and schools. Lines posted before the
policy said how an outside co-inventor is paid (issue #16) named their institution as a
department and as a school, with no department or school of ours: those stay as they were
posted, and are shown with the institutions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from sqlmodel import Session, col, func, select

from tlo import clock
from tlo.auth.permissions import Actor, require, sees_all
from tlo.disclosures.models import Disclosure
from tlo.errors import NotFound, PermissionDenied
from tlo.licensing.agreement_models import Agreement
from tlo.licensing.models import Company
from tlo.money import dollars, from_cents
from tlo.people.models import Person
from tlo.reports.excel import Column, Sheet, workbook_bytes
from tlo.revenue.models import (
    Distribution,
    DistributionLine,
    DistributionStatus,
    Income,
    counted,
)
from tlo.revenue.types import IncomeType

PERSONAL_CLASSES = ("inventor", "lab")
# The statements of units: departments, schools and outside co-inventors' institutions, and
# the co-owners of jointly owned technologies (what we owe each under its IIA, as the lead).
UNIT_KINDS = {
    "department": "Departments",
    "school": "Schools",
    "institution": "Outside institutions",
    "co_owner": "Co-owners",
}


@dataclass(frozen=True)
class StatementLine:
    posted_on: date
    received_on: date
    fiscal_year: int
    income_type: str
    agreement: str
    licensee: str
    docket: str
    technology: str
    recipient: str
    recipient_class: str
    amount: Decimal
    rule: str
    distribution_id: int


@dataclass(frozen=True)
class Statement:
    person_id: int
    name: str
    lines: list[StatementLine]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def whose_share(self, reader_person_id: int | None) -> str:
        """How a page names the share it shows: "Your share" to the inventor themself,
        "Alice Chen's share" to finance or the director reading it."""
        return "Your share" if reader_person_id == self.person_id else f"{self.name}'s share"

    def by_fiscal_year(self) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = {}
        for line in self.lines:
            totals[line.fiscal_year] = totals.get(line.fiscal_year, Decimal(0)) + line.amount
        return dict(sorted(totals.items()))


def _posted_lines(session: Session, *conditions) -> list[StatementLine]:
    # Columns, not whole rows of six tables: a statement can hold thousands of lines.
    rows = session.exec(
        select(
            Distribution.posted_at,
            Income.received_on,
            Income.fiscal_year,
            Income.income_type,
            Agreement.id,
            Company.name,
            Disclosure.docket,
            Disclosure.title,
            DistributionLine.recipient,
            DistributionLine.recipient_class,
            DistributionLine.amount_cents,
            DistributionLine.rule,
            Distribution.id,
        )
        .select_from(DistributionLine)
        .join(Distribution, Distribution.id == DistributionLine.distribution_id)
        .join(Income, Income.id == Distribution.income_id)
        .join(Agreement, Agreement.id == Distribution.agreement_id)
        .join(Company, Company.id == Agreement.company_id)
        .join(Disclosure, Disclosure.id == Distribution.disclosure_id)
        .where(Distribution.status == DistributionStatus.POSTED.value, counted(), *conditions)
        .order_by(Income.received_on, Distribution.id, DistributionLine.position)
    ).all()
    numbers: dict[int, str] = {}  # an agreement's number is made from its id, by the model
    return [
        StatementLine(
            posted_on=clock.office_date(posted_at) if posted_at else received_on,
            received_on=received_on,
            fiscal_year=fiscal_year,
            income_type=IncomeType(income_type).value,
            agreement=numbers.get(agreement_id)
            or numbers.setdefault(agreement_id, Agreement(id=agreement_id).number),
            licensee=licensee,
            docket=docket or "",
            technology=title,
            recipient=recipient,
            recipient_class=recipient_class,
            amount=from_cents(amount_cents),
            rule=rule,
            distribution_id=distribution_id,
        )
        for (
            posted_at,
            received_on,
            fiscal_year,
            income_type,
            agreement_id,
            licensee,
            docket,
            title,
            recipient,
            recipient_class,
            amount_cents,
            rule,
            distribution_id,
        ) in rows
    ]


def inventor_statement(
    session: Session, *, actor: Actor, person_id: int, fiscal_year: int | None = None
) -> Statement:
    """What reached one inventor (and their lab): an inventor may read only their own."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person {person_id}.")
    require(actor, "statement.read", person)
    conditions = [
        DistributionLine.person_id == person_id,
        col(DistributionLine.recipient_class).in_(PERSONAL_CLASSES),
    ]
    if fiscal_year is not None:
        conditions.append(Income.fiscal_year == fiscal_year)
    return Statement(person.id, person.full_name, _posted_lines(session, *conditions))


def people_paid(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Everyone who has received something, for finance to pick a statement."""
    _require_all(actor)
    # EXISTS stops at each person's first posted line; a join would read every line first.
    paid = sa.exists().where(
        DistributionLine.person_id == Person.id,
        Distribution.id == DistributionLine.distribution_id,
        Distribution.status == DistributionStatus.POSTED.value,
        Income.id == Distribution.income_id,
        counted(),
    )
    return [
        (person_id, name)
        for person_id, name in session.exec(
            select(Person.id, Person.full_name).where(paid).order_by(Person.full_name, Person.id)
        ).all()
    ]


def _require_all(actor: Actor) -> None:
    require(actor, "statement.read")
    if not sees_all(actor, "statement.read"):
        raise PermissionDenied(f"{actor.name} may read only their own statement.")


LINE_COLUMNS = (
    Column("Received", "date"),
    Column("Fiscal year", "integer"),
    Column("Income type"),
    Column("Agreement"),
    Column("Licensee"),
    Column("Docket"),
    Column("Technology", width=40),
    Column("Recipient"),
    Column("Class"),
    Column("Amount", "money"),
    Column("Rule", width=60),
    Column("Distribution", "integer"),
)


def _line_row(line: StatementLine) -> tuple:
    return (
        line.received_on,
        line.fiscal_year,
        line.income_type,
        line.agreement,
        line.licensee,
        line.docket,
        line.technology,
        line.recipient,
        line.recipient_class,
        line.amount,
        line.rule,
        line.distribution_id,
    )


def _totals_sheet(title: str, lines: list[StatementLine]) -> Sheet:
    totals: dict[tuple[str, str], Decimal] = {}
    for line in lines:
        key = (line.recipient_class, line.recipient)
        totals[key] = totals.get(key, Decimal(0)) + line.amount
    return Sheet(
        title,
        (Column("Class"), Column("Recipient"), Column("Total", "money")),
        [(klass, name, total) for (klass, name), total in sorted(totals.items())],
    )


def inventor_statement_xlsx(
    session: Session, *, actor: Actor, person_id: int, fiscal_year: int | None = None
) -> bytes:
    statement = inventor_statement(
        session, actor=actor, person_id=person_id, fiscal_year=fiscal_year
    )
    return workbook_bytes(
        [
            _totals_sheet("Summary", statement.lines),
            Sheet("Lines", LINE_COLUMNS, [_line_row(line) for line in statement.lines]),
        ]
    )


def inventor_statement_docx(
    session: Session, *, actor: Actor, person_id: int, fiscal_year: int | None = None
) -> bytes:
    statement = inventor_statement(
        session, actor=actor, person_id=person_id, fiscal_year=fiscal_year
    )
    document = Document()
    document.add_heading("Statement of license income shared", level=1)
    period = f"fiscal year {fiscal_year}" if fiscal_year else "all years"
    document.add_paragraph(
        f"{statement.name} · {period} · prepared {clock.today():%d %B %Y}".lstrip("0")
    )
    document.add_paragraph(
        "Each line is your part of one income a licensee paid for a technology you invented, "
        "under the revenue-sharing policy in force when it was received (or, where the policy "
        "applies by it, when the invention was disclosed)."
    )
    table = document.add_table(rows=1, cols=6)
    table.style = "Light Grid Accent 1"
    for cell, text in zip(
        table.rows[0].cells,
        ("Received", "Technology", "Agreement", "Income", "Rule", "Amount"),
        strict=True,
    ):
        cell.text = text
    for line in statement.lines:
        cells = table.add_row().cells
        cells[0].text = f"{line.received_on:%Y-%m-%d}"
        cells[1].text = f"{line.docket} {line.technology}"
        cells[2].text = f"{line.agreement} · {line.licensee}"
        cells[3].text = line.income_type.replace("_", " ")
        cells[4].text = line.rule
        cells[5].text = f"{dollars(line.amount)}"
        cells[5].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    total = document.add_paragraph()
    total.add_run(f"Total: {dollars(statement.total)}").bold = True
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _unit_kind():
    """Which statement of units a line belongs to: department, school or institution. A
    department or school line with no department or school of ours was an outside
    co-inventor's institution, posted before they were told apart."""
    line = DistributionLine
    return sa.case(
        (line.recipient_class == "co_owner", "co_owner"),
        (
            sa.and_(line.recipient_class == "department", col(line.department_id).is_not(None)),
            "department",
        ),
        (sa.and_(line.recipient_class == "school", col(line.school_id).is_not(None)), "school"),
        else_="institution",
    )


def _of_unit_kind(kind: str):
    return sa.and_(
        col(DistributionLine.recipient_class).in_(tuple(UNIT_KINDS)), _unit_kind() == kind
    )


@dataclass(frozen=True)
class UnitTotal:
    kind: str  # department, school or institution (see UNIT_KINDS)
    recipient: str
    amount: Decimal


def unit_totals(
    session: Session, *, actor: Actor, fiscal_year: int | None = None
) -> dict[str, list[UnitTotal]]:
    """What posted distributions paid each department, school and outside institution,
    summed in SQL, by kind (every kind of UNIT_KINDS, in its order) and then by name."""
    _require_all(actor)
    kind = _unit_kind().label("kind")
    query = (
        select(kind, DistributionLine.recipient, func.sum(DistributionLine.amount_cents))
        .join(Distribution, Distribution.id == DistributionLine.distribution_id)
        .join(Income, Income.id == Distribution.income_id)
        .where(
            Distribution.status == DistributionStatus.POSTED.value,
            counted(),
            col(DistributionLine.recipient_class).in_(tuple(UNIT_KINDS)),
        )
        .group_by(kind, DistributionLine.recipient)
        .order_by(kind, DistributionLine.recipient)
    )
    if fiscal_year is not None:
        query = query.where(Income.fiscal_year == fiscal_year)
    totals: dict[str, list[UnitTotal]] = {name: [] for name in UNIT_KINDS}
    for name, recipient, cents in session.exec(query).all():
        totals[name].append(UnitTotal(name, recipient, from_cents(int(cents))))
    return totals


def units_statement_xlsx(
    session: Session, *, actor: Actor, fiscal_year: int | None = None
) -> bytes:
    """Departments, schools and outside co-inventors' institutions, each apart: their
    totals and every line that reached them."""
    _require_all(actor)
    sheets = []
    for klass, title in UNIT_KINDS.items():
        conditions = [_of_unit_kind(klass)]
        if fiscal_year is not None:
            conditions.append(Income.fiscal_year == fiscal_year)
        lines = _posted_lines(session, *conditions)
        sheets += [
            _totals_sheet(f"{title} totals", lines),
            Sheet(f"{title} lines", LINE_COLUMNS, [_line_row(line) for line in lines]),
        ]
    return workbook_bytes(sheets)


def ledger_xlsx(session: Session, *, actor: Actor, fiscal_year: int | None = None) -> bytes:
    """Every posted line, with the totals by recipient."""
    _require_all(actor)
    conditions = [] if fiscal_year is None else [Income.fiscal_year == fiscal_year]
    lines = _posted_lines(session, *conditions)
    return workbook_bytes(
        [
            _totals_sheet("Totals", lines),
            Sheet("Ledger", LINE_COLUMNS, [_line_row(line) for line in lines]),
        ]
    )


def income_by_year(session: Session, *, actor: Actor, person_id: int) -> list[tuple[int, Decimal]]:
    """An inventor's income per fiscal year, summed in SQL (for the inventor's home chart)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person {person_id}.")
    require(actor, "statement.read", person)
    rows = session.exec(
        select(Income.fiscal_year, func.sum(DistributionLine.amount_cents))
        .join(Distribution, Distribution.id == DistributionLine.distribution_id)
        .join(Income, Income.id == Distribution.income_id)
        .where(
            Distribution.status == DistributionStatus.POSTED.value,
            counted(),
            DistributionLine.person_id == person_id,
            col(DistributionLine.recipient_class).in_(PERSONAL_CLASSES),
        )
        .group_by(Income.fiscal_year)
        .order_by(Income.fiscal_year)
    ).all()
    return [(year, from_cents(cents)) for year, cents in rows]
