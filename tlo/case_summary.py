"""A case's printable summary: one Word file with its status and history, inventors and shares,
funding, patents and deadlines, agreements, income and distributions, and outreach.

Each part is there only for a reader who may read it, by the same permissions the services
check (`SECTION_PERMISSIONS`): an inventor's summary of their own case has its status, history,
inventors and funding; an officer's adds the patents, deadlines, agreements, income and
outreach; finance and the director also read how the income was distributed. A summary says
which parts it leaves out, never what they hold.

Everything is gathered by a fixed number of queries, whatever the case holds (a family of
forty applications, twenty years of royalties): the case and the patents through their own
services, the rest as one query each, income and distributions summed in SQL.

The file is built with python-docx, like the royalty statements: a report of variable parts,
not a document staff edit in Word, so it has no template of its own in templates_docx/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlmodel import Session, func, select

from tlo import clock
from tlo.auth.permissions import Actor, can
from tlo.disclosures import queries
from tlo.disclosures.models import DisclosureStatus, PublicDisclosureKind
from tlo.disclosures.queries import CaseView
from tlo.disclosures.workflow import Action
from tlo.iia import services as iia
from tlo.iia.services import IiaView
from tlo.licensing import outreach
from tlo.licensing.agreement_models import (
    Agreement,
    AgreementStatus,
    AgreementTechnology,
    AgreementType,
)
from tlo.licensing.models import Company
from tlo.licensing.outreach import OutreachRow
from tlo.money import bp_to_percent, dollars, from_cents
from tlo.patents import services as patents
from tlo.patents.deadlines import ActionType
from tlo.patents.models import ApplicationStatus, ApplicationType
from tlo.patents.services import DocketEntry, DocketFilters, PatentCaseView
from tlo.revenue.models import (
    Distribution,
    DistributionLine,
    DistributionStatus,
    Income,
    counted,
)
from tlo.revenue.types import IncomeType
from tlo.text import clean_date

# The parts beyond the case itself, and the permission that reads each (tlo/auth/permissions.py).
SECTION_PERMISSIONS: dict[str, str] = {
    "patents": "patent.read",
    "deadlines": "docket.read",
    "agreements": "agreement.read",
    "income": "income.read",
    "distributions": "distribution.read",
    "outreach": "outreach.read",
    "ownership": "iia.read",
}
SECTION_TITLES = {
    "history": "status history",
    "decisions": "filing decisions",
    "patents": "patents",
    "deadlines": "deadlines",
    "agreements": "agreements",
    "income": "income",
    "distributions": "distributions",
    "outreach": "outreach",
    "ownership": "ownership (inter-institutional agreement)",
}
RECIPIENT_CLASSES = {  # tlo.revenue.engine.LineClass, as a reader calls each
    "pool": "Office and university",
    "costs": "Patent costs recovered",
    "inventor": "Inventors",
    "lab": "Inventors' research programs",
    "department": "Departments",
    "school": "Schools",
    "institution": "Outside institutions",
    "co_owner": "Co-owners (inter-institutional agreement)",
    "agent": "Collection agents",
}


@dataclass(frozen=True)
class AgreementLine:
    number: str
    agreement_type: str
    status: str
    licensee: str
    signed_on: date | None
    effective_date: date | None
    share_of_income: Decimal  # percent of the agreement's income this technology receives


@dataclass(frozen=True)
class IncomeLine:
    fiscal_year: int
    income_type: IncomeType
    payments: int
    received: Decimal  # every payment under the agreements that cover the case
    distributed: Decimal  # this technology's part, as posted (reversals netted)


@dataclass(frozen=True)
class RecipientLine:
    recipient_class: str
    recipient: str
    amount: Decimal


@dataclass(frozen=True)
class Ownership:
    """Who owns the technology: its IIA (None: ours alone)."""

    iia: IiaView | None


@dataclass(frozen=True)
class CaseSummary:
    """What one reader may read of one case; None for a part they may not read."""

    case: CaseView
    prepared_for: str
    prepared_on: date
    patents: PatentCaseView | None
    deadlines: list[DocketEntry] | None
    agreements: list[AgreementLine] | None
    income: list[IncomeLine] | None
    distributions: list[RecipientLine] | None
    outreach: list[OutreachRow] | None
    ownership: Ownership | None = None

    @property
    def left_out(self) -> list[str]:
        """The parts this reader may not read (named, so they know the summary is partial)."""
        missing = [] if self.case.decisions is not None else ["decisions"]
        missing += [name for name in SECTION_PERMISSIONS if getattr(self, name) is None]
        return [SECTION_TITLES[name] for name in missing]


def gather(
    session: Session, *, actor: Actor, disclosure_id: int, today: date | None = None
) -> CaseSummary:
    """Everything the actor may read of the case, for its summary."""
    today = clean_date(today, what="day of the summary", required=False) or clock.today()
    case = queries.get_case(session, actor=actor, disclosure_id=disclosure_id, today=today)

    def may(section: str) -> bool:
        return can(actor, SECTION_PERMISSIONS[section])

    return CaseSummary(
        case=case,
        prepared_for=actor.name,
        prepared_on=today,
        patents=(
            patents.patent_case(session, actor=actor, disclosure_id=disclosure_id)
            if may("patents")
            else None
        ),
        deadlines=(
            patents.docket(
                session,
                actor=actor,
                filters=DocketFilters(disclosure_id=disclosure_id),
                today=today,
            ).entries
            if may("deadlines")
            else None
        ),
        agreements=_agreements(session, disclosure_id) if may("agreements") else None,
        income=_income(session, disclosure_id) if may("income") else None,
        distributions=_distributions(session, disclosure_id) if may("distributions") else None,
        outreach=(
            outreach.pipeline(session, actor=actor, disclosure_id=disclosure_id, today=today)
            if may("outreach")
            else None
        ),
        ownership=(
            Ownership(iia.get_iia(session, actor=actor, disclosure_id=disclosure_id))
            if may("ownership")
            else None
        ),
    )


def _agreements(session: Session, disclosure_id: int) -> list[AgreementLine]:
    rows = session.exec(
        select(
            Agreement.id,
            Agreement.agreement_type,
            Agreement.status,
            Company.name,
            Agreement.signed_on,
            Agreement.effective_date,
            AgreementTechnology.allocation_bp,
        )
        .join(AgreementTechnology, AgreementTechnology.agreement_id == Agreement.id)
        .join(Company, Company.id == Agreement.company_id)
        .where(AgreementTechnology.disclosure_id == disclosure_id)
        .order_by(Agreement.id)
    ).all()
    return [
        AgreementLine(
            number=Agreement(id=agreement_id).number,
            agreement_type=AgreementType(kind).label,
            status=AgreementStatus(status).label,
            licensee=licensee,
            signed_on=signed_on,
            effective_date=effective_date,
            share_of_income=bp_to_percent(allocation_bp),
        )
        for agreement_id, kind, status, licensee, signed_on, effective_date, allocation_bp in rows
    ]


def _income(session: Session, disclosure_id: int) -> list[IncomeLine]:
    """Per fiscal year and kind: what the licensees paid under the agreements covering the case
    and what of it was distributed to this technology. Two grouped queries."""
    received = session.exec(
        select(
            Income.fiscal_year,
            Income.income_type,
            func.count(Income.id),
            func.sum(Income.amount_cents),
        )
        .join(AgreementTechnology, AgreementTechnology.agreement_id == Income.agreement_id)
        .where(AgreementTechnology.disclosure_id == disclosure_id, counted())  # not voided
        .group_by(Income.fiscal_year, Income.income_type)
    ).all()
    distributed = {
        (fiscal_year, income_type): cents
        for fiscal_year, income_type, cents in session.exec(
            select(Income.fiscal_year, Income.income_type, func.sum(Distribution.amount_cents))
            .join(Income, Income.id == Distribution.income_id)
            .where(
                Distribution.disclosure_id == disclosure_id,
                Distribution.status == DistributionStatus.POSTED.value,
            )
            .group_by(Income.fiscal_year, Income.income_type)
        ).all()
    }
    kinds = list(IncomeType)
    return sorted(
        (
            IncomeLine(
                fiscal_year,
                IncomeType(income_type),
                payments,
                from_cents(int(cents or 0)),
                from_cents(int(distributed.get((fiscal_year, income_type)) or 0)),
            )
            for fiscal_year, income_type, payments, cents in received
        ),
        key=lambda line: (line.fiscal_year, kinds.index(line.income_type)),
    )


def _distributions(session: Session, disclosure_id: int) -> list[RecipientLine]:
    """What the posted distributions of the case paid each recipient, summed in SQL (a
    reversal's negative lines cancel what it reversed)."""
    total = func.sum(DistributionLine.amount_cents)
    rows = session.exec(
        select(DistributionLine.recipient_class, DistributionLine.recipient, total)
        .join(Distribution, Distribution.id == DistributionLine.distribution_id)
        .where(
            Distribution.disclosure_id == disclosure_id,
            Distribution.status == DistributionStatus.POSTED.value,
        )
        .group_by(DistributionLine.recipient_class, DistributionLine.recipient)
        .having(total != 0)
    ).all()
    order = {name: index for index, name in enumerate(RECIPIENT_CLASSES)}
    return sorted(
        (
            RecipientLine(klass, recipient, from_cents(int(cents)))
            for klass, recipient, cents in rows
        ),
        key=lambda line: (order.get(line.recipient_class, 99), -line.amount, line.recipient),
    )


def case_summary_docx(
    session: Session, *, actor: Actor, disclosure_id: int, today: date | None = None
) -> bytes:
    """The case's summary as a Word file, with what the actor may read."""
    return summary_document(gather(session, actor=actor, disclosure_id=disclosure_id, today=today))


# --- the Word file ------------------------------------------------------------------------------


def summary_document(summary: CaseSummary) -> bytes:
    case = summary.case
    disclosure = case.disclosure
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    header = document.sections[0].header.paragraphs[0]
    header.text = f"{disclosure.docket or 'Draft'} · confidential"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading(f"Case summary · {disclosure.docket or 'Draft'}", level=0)
    document.add_paragraph().add_run(disclosure.title).bold = True
    document.add_paragraph(
        f"Prepared for {summary.prepared_for} on {summary.prepared_on:%Y-%m-%d}. Confidential: "
        "for the office and the case's inventors, not for licensees."
    )

    _status_section(document, case)
    _inventors_section(document, case)
    _funding_section(document, case)
    if summary.ownership is not None:
        _ownership_section(document, summary.ownership.iia)
    if summary.patents is not None or summary.deadlines is not None:
        _patents_section(document, summary.patents, summary.deadlines)
    if summary.agreements is not None:
        _agreements_section(document, summary.agreements)
    if summary.income is not None or summary.distributions is not None:
        _income_section(document, summary.income, summary.distributions)
    if summary.outreach is not None:
        _outreach_section(document, summary.outreach)
    if summary.left_out:
        note = document.add_paragraph()
        note.add_run(
            "Not in this summary, since your role does not read them: "
            + ", ".join(summary.left_out)
            + "."
        ).italic = True

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, headers: Sequence[str], rows: Sequence[Sequence[str]], *, right=()) -> None:
    """A table with a header row; the columns named in `right` (amounts) aligned right."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    aligned = [index for index, header in enumerate(headers) if header in right]
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if index in aligned:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _none(document, text: str) -> None:
    document.add_paragraph(text).runs[0].italic = True


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def _moment(value) -> str:
    """A moment as the office's calendar day and time."""
    return value.astimezone(clock.office_zone()).strftime("%Y-%m-%d %H:%M") if value else "—"


def _status_section(document, case: CaseView) -> None:
    disclosure = case.disclosure
    document.add_heading("Status and history", level=1)
    facts = [
        ("Status", case.status.label),
        ("Licensing officer", case.officer_name or "not assigned"),
        ("Received", _day(clock.office_date_or_none(disclosure.submitted_at))),
        ("Submitted by", case.submitter_name),
        ("Stage of development", case.stage_label),
        ("Keywords", disclosure.keywords or "—"),
    ]
    if disclosure.review_on:
        facts.append(("Filing decision deferred: review on", _day(disclosure.review_on)))
    for label, value in facts:
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    for flag in case.flags:
        document.add_paragraph(flag, style="List Bullet")
    if disclosure.abstract:
        document.add_heading("Abstract", level=2)
        document.add_paragraph(disclosure.abstract)
    document.add_heading("History", level=2)
    if not case.timeline:
        _none(document, "No status change recorded yet.")
    else:
        _table(
            document,
            ("When", "Status", "By", "Note"),
            [
                (
                    _moment(change.at),
                    DisclosureStatus(change.to_status).label,
                    change.actor_name,
                    change.note or "",
                )
                for change in case.timeline
            ],
        )
    if case.decisions:
        document.add_heading("Filing decisions", level=2)
        _table(
            document,
            ("Decided", "Decision", "By", "Rationale"),
            [
                (
                    _moment(decision.decided_at),
                    Action(decision.decision).label
                    + (f" (review on {_day(decision.review_on)})" if decision.review_on else ""),
                    decision.decided_by_name,
                    decision.rationale,
                )
                for decision in reversed(case.decisions)  # oldest first, like the history
            ],
        )


def _inventors_section(document, case: CaseView) -> None:
    document.add_heading("Inventors and shares", level=1)
    if not case.inventors:
        _none(document, "No inventors recorded.")
        return
    _table(
        document,
        ("Inventor", "Department / organisation", "School", "Share", "Confirmed"),
        [
            (
                line.name,
                line.department or line.organisation or "",
                line.school or "",
                f"{line.share.normalize():f} %",
                _moment(line.confirmed_at) if line.confirmed_at else "not yet",
            )
            for line in case.inventors
        ],
        right=("Share",),
    )
    document.add_paragraph(f"Share version {case.disclosure.share_version}.")


def _ownership_section(document, view: IiaView | None) -> None:
    document.add_heading("Ownership", level=1)
    if view is None:
        _none(document, "Ours alone: no inter-institutional agreement.")
        return
    document.add_paragraph(
        f"Inter-institutional agreement {view.reference or ''}".rstrip()
        + f": {view.lead_name} leads (fee {view.lead_fee_percent.normalize():f} %), "
        f"{view.prosecution_name} manages prosecution"
        + (f", in force from {_day(view.effective_on)}" if view.effective_on else "")
        + "."
    )
    _table(
        document,
        ("Owner", "Ownership", "Share of patent costs", "Patent costs to date"),
        [
            (
                p.name,
                f"{p.ownership_percent.normalize():f} %",
                f"{p.cost_share_percent.normalize():f} %",
                dollars(p.costs_invoiced),
            )
            for p in view.parties
        ],
        right=("Ownership", "Share of patent costs", "Patent costs to date"),
    )


def _funding_section(document, case: CaseView) -> None:
    document.add_heading("Funding", level=1)
    if not case.funding:
        _none(document, "No funding recorded.")
    for source in case.funding:
        federal = f" · federal ({source.agency}): Bayh-Dole applies" if source.is_federal else ""
        document.add_paragraph(
            f"{source.sponsor} · award {source.award_number or '—'}{federal}", style="List Bullet"
        )
    document.add_heading("Public disclosures", level=2)
    if not case.public_disclosures:
        _none(document, "None recorded.")
    for item in case.public_disclosures:
        document.add_paragraph(
            f"{_day(item.disclosed_on)} · {PublicDisclosureKind(item.kind).label} · "
            f"{item.venue or '—'}",
            style="List Bullet",
        )


def _application_name(application) -> str:
    return (
        f"{application.jurisdiction} {ApplicationType(application.application_type).label} "
        f"{application.application_number or '(no number yet)'}"
    )


def _patents_section(document, view: PatentCaseView | None, deadlines) -> None:
    document.add_heading("Patents and deadlines", level=1)
    if view is not None:
        if not view.family:
            _none(document, "No patent application recorded.")
        else:
            rows = []
            for node in view.family:
                app = node.application
                published = (
                    f"{app.publication_number or '(no number)'} on {_day(app.publication_date)}"
                    if app.publication_date or app.publication_number
                    else ""
                )
                granted = f"{app.grant_number} on {_day(app.grant_date)}" if app.grant_date else ""
                rows.append(
                    (
                        "   " * node.depth + ("↳ " if node.depth else "") + _application_name(app),
                        _day(app.filing_date),
                        _day(node.priority_date),
                        ApplicationStatus(app.status).label,
                        published,
                        granted,
                        app.counsel_firm,
                    )
                )
            _table(
                document,
                ("Application", "Filed", "Priority", "Status", "Published", "Granted", "Counsel"),
                rows,
            )
            actions = [
                (node.application, action)
                for node in view.family
                for action in view.office_actions.get(node.application.id, [])
            ]
            if actions:
                document.add_heading("Office actions", level=2)
                for application, action in actions:
                    answered = (
                        f"answered {_day(action.responded_on)}" if action.responded_on else "open"
                    )
                    document.add_paragraph(
                        f"{_application_name(application)}: "
                        f"{ActionType(action.action_type).label} mailed "
                        f"{_day(action.mailed_on)} ({answered})",
                        style="List Bullet",
                    )
        totals = view.totals
        document.add_paragraph(
            f"Patent costs invoiced {dollars(totals.total)}, paid {dollars(totals.paid)}, "
            f"unpaid {dollars(totals.unpaid)}."
        )
        if view.bayh_dole is not None or view.federal:
            document.add_paragraph(
                "Federally funded: the Bayh-Dole obligations are on the docket."
                if view.federal
                else "A Bayh-Dole record is kept."
            )
    if deadlines is not None:
        document.add_heading("Open deadlines", level=2)
        if not deadlines:
            _none(document, "No open deadline.")
        else:
            _table(
                document,
                ("Deadline", "Concerning", "Due", "Act by", "State"),
                [
                    (
                        entry.item.label,
                        entry.item.subject,
                        _day(entry.item.due),
                        _day(entry.item.act_by),
                        "OVERDUE" if entry.overdue else f"{entry.days_left} days left",
                    )
                    for entry in deadlines
                ],
            )


def _agreements_section(document, agreements: list[AgreementLine]) -> None:
    document.add_heading("Agreements", level=1)
    if not agreements:
        _none(document, "No agreement covers this technology.")
        return
    _table(
        document,
        ("Agreement", "Type", "Licensee", "Status", "Signed", "Share of income"),
        [
            (
                line.number,
                line.agreement_type,
                line.licensee,
                line.status,
                _day(line.signed_on),
                f"{line.share_of_income.normalize():f} %",
            )
            for line in agreements
        ],
        right=("Share of income",),
    )


def _income_section(document, income, distributions) -> None:
    document.add_heading("Income and distributions", level=1)
    if income is not None:
        if not income:
            _none(document, "No income received under its agreements.")
        else:
            _table(
                document,
                ("Fiscal year", "Kind", "Payments", "Received", "Distributed to this case"),
                [
                    (
                        f"FY{line.fiscal_year}",
                        line.income_type.label,
                        str(line.payments),
                        dollars(line.received),
                        dollars(line.distributed),
                    )
                    for line in income
                ],
                right=("Payments", "Received", "Distributed to this case"),
            )
            received = sum((line.received for line in income), Decimal("0.00"))
            distributed = sum((line.distributed for line in income), Decimal("0.00"))
            document.add_paragraph(
                f"In all: {dollars(received)} received under the agreements that cover this "
                f"technology (some cover others too); {dollars(distributed)} distributed to it."
            )
    if distributions is not None:
        document.add_heading("Paid to", level=2)
        if not distributions:
            _none(document, "No distribution posted yet.")
        else:
            _table(
                document,
                ("Recipient", "Kind", "Amount"),
                [
                    (
                        line.recipient,
                        RECIPIENT_CLASSES.get(
                            line.recipient_class, line.recipient_class.capitalize()
                        ),
                        dollars(line.amount),
                    )
                    for line in distributions
                ],
                right=("Amount",),
            )


def _outreach_section(document, rows: list[OutreachRow]) -> None:
    document.add_heading("Outreach", level=1)
    if not rows:
        _none(document, "No company approached yet.")
        return
    _table(
        document,
        ("Company", "Stage", "Owner", "Touches", "Last touch", "Next follow-up"),
        [
            (
                row.company,
                row.stage.label,
                row.owner,
                str(row.touches),
                _day(row.last_touch),
                _day(row.next_follow_up),
            )
            for row in rows
        ],
        right=("Touches",),
    )
