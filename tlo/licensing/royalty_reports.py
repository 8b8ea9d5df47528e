"""Royalty reports: a licensee (or finance for it) reports an agreement's period; finance reviews
what it owes under the agreement's terms and approves it (an invoice for the amount owed) or
rejects it with a reason the licensee reads.

What a report owes is `tlo.licensing.royalty.compute`, the function `python -m tlo royalty due`
runs, fed from the database: the terms of the agreement (`terms.royalty_terms`), the cumulative
net sales per category and the year's running royalties of the reports approved before it.
So that those are right, reports are approved in period order: a report waits while an earlier
period's report waits for review, and none is approved after a later period's.

A period is one the agreement's terms schedule (its report obligations); the report of a period
not yet ended is refused. A period has at most one live report (submitted or approved); once
rejected, a new one may be filed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, func, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require, sees_all, system_actor
from tlo.errors import FormErrors, NotFound, Problem, ValidationError
from tlo.licensing import invoices, royalty
from tlo.licensing import terms as royalty_terms
from tlo.licensing.agreement_models import (
    Agreement,
    AgreementStatus,
    AgreementType,
    ReportPeriod,
)
from tlo.licensing.agreements import AgreementAccess, load_agreement
from tlo.licensing.models import Company
from tlo.licensing.obligations import Terms, derive_obligations
from tlo.licensing.receivable_models import (
    InvoiceKind,
    LicenseeInvoice,
    ReportStatus,
    RoyaltyReport,
    RoyaltyReportLine,
)
from tlo.money import MAX_AMOUNT, from_cents, to_cents
from tlo.pagination import Page, paginate
from tlo.patents.models import DocketItemState
from tlo.text import clean_date, clean_decimal_money, clean_id, clean_text

MAX_LINES = 500
COUNTRY = re.compile(r"[A-Z]{2}")
RATE = re.compile(r"\d{1,6}(\.\d{1,12})?")  # up to 999,999 of the currency to the dollar
#: the agreement statuses under which royalties are reported
REPORTING = {
    AgreementStatus.EXECUTED,
    AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRED,
    AgreementStatus.TERMINATED,
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due_on: date
    obligation_key: str  # agr<id>:royalty_report:<end>


def marked_periods(session: Session, agreement_id: int) -> set[str]:
    """The report obligations of the agreement marked done or waived (their docket keys)."""
    return set(
        session.exec(
            select(DocketItemState.key).where(
                col(DocketItemState.key).startswith(f"agr{agreement_id}:royalty_report:")
            )
        ).all()
    )


def _report(session: Session, report_id: object) -> tuple[RoyaltyReport, Agreement]:
    report = session.get(RoyaltyReport, clean_id(report_id, what="royalty report"))
    if report is None:
        raise NotFound(f"There is no royalty report {report_id}.")
    return report, session.get(Agreement, report.agreement_id)


def periods_of(agreement: Agreement) -> list[Period]:
    """The reporting periods the agreement's terms schedule, in order (none before it is
    executed or for an agreement that is not a license)."""
    if (
        agreement.effective_date is None
        or not AgreementType(agreement.agreement_type).is_license
        or AgreementStatus(agreement.status) not in REPORTING
    ):
        return []
    terms = Terms(
        agreement_type=AgreementType(agreement.agreement_type),
        effective_date=agreement.effective_date,
        term_months=agreement.term_months,
        report_period=ReportPeriod(agreement.royalty_report_period),
        report_due_days=agreement.report_due_days,
    )
    periods: list[Period] = []
    start = agreement.effective_date
    for obligation in derive_obligations(terms):
        if obligation.kind != "report":
            continue
        end = date.fromisoformat(obligation.key.split(":", 1)[1])
        if agreement.ended_on is not None and start > agreement.ended_on:
            break  # terminated or expired: no report after the period it ended in
        periods.append(Period(start, end, obligation.due, f"agr{agreement.id}:{obligation.key}"))
        start = end + timedelta(days=1)
    return periods


def _period(session: Session, agreement: Agreement, period_end: object) -> Period:
    end = clean_date(period_end, what="period end")
    for period in periods_of(agreement):
        if period.end == end:
            return period
    raise ValidationError(
        f"{end.isoformat()} is not the end of a reporting period of {agreement.number}."
    )


def reportable_periods(
    session: Session, *, actor: Actor, agreement_id: int
) -> list[tuple[Period, RoyaltyReport | None]]:
    """The periods that have ended and ask for a report, latest first, each with its live
    report (None: not reported yet), for whoever may file the agreement's reports."""
    agreement = load_agreement(session, actor, agreement_id, "royalty_report.submit")
    today = clock.today()
    live = {
        report.period_end: report
        for report in session.exec(
            select(RoyaltyReport).where(
                RoyaltyReport.agreement_id == agreement.id, col(RoyaltyReport.live_key).is_not(None)
            )
        ).all()
    }
    # A period whose report obligation the office marked done or waived (a report that came
    # before tlo, say) asks for no report; one reported in tlo shows with its report.
    marked = marked_periods(session, agreement.id)
    ended = [
        p
        for p in periods_of(agreement)
        if p.end < today and (p.end in live or p.obligation_key not in marked)
    ]
    return [(p, live.get(p.end)) for p in reversed(ended)]


# -- submitting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedLine:
    product: str
    gross_cents: int
    deductions_cents: int
    currency: str
    to_usd: str
    units: int | None
    made_in: str
    sold_in: str


def _country(value: object, what: str) -> str:
    text = clean_text(value, what=what, max_length=2, multiline=False).upper()
    if text and not COUNTRY.fullmatch(text):
        raise ValidationError(f"The {what} is a two-letter country code such as US or DE.")
    return text


def _line(raw: object, categories: list[str], currencies: list[str]) -> CheckedLine:
    if not isinstance(raw, dict):
        raise ValidationError("A line gives the product, gross sales and the rest by name.")
    product = clean_text(
        raw.get("product"), what="product category", required=True, max_length=200, multiline=False
    )
    if product not in categories:
        raise ValidationError(
            f"{product!r} is not a product category of the agreement "
            f"({', '.join(repr(c) for c in categories)})."
        )
    gross = clean_decimal_money(raw.get("gross_sales"), what="gross sales")
    deductions = clean_decimal_money(raw.get("deductions"), what="deductions", required=False)
    if gross < 0 or deductions < 0:
        raise ValidationError("Gross sales and deductions are not negative.")
    if deductions > gross:
        raise ValidationError(f"The deductions {deductions} are more than the gross sales {gross}.")
    currency = clean_text(
        raw.get("currency") or "USD", what="currency", max_length=3, multiline=False
    ).upper()
    if currency not in currencies:
        raise ValidationError(
            f"The agreement takes reports in {', '.join(currencies)}, not {currency!r}."
        )
    rate = raw.get("to_usd")
    if rate is None or (isinstance(rate, str) and not rate.strip()):
        if currency != "USD":
            raise ValidationError(f"A line in {currency} gives its rate to USD.")
        rate = "1"
    if isinstance(rate, bool) or not isinstance(rate, str | int | Decimal):
        raise ValidationError("The rate to USD is a number such as 1.0842.")
    rate = str(rate).strip()
    if not RATE.fullmatch(rate) or Decimal(rate) <= 0:
        raise ValidationError(f"The rate to USD {rate!r} is a positive number such as 1.0842.")
    if currency == "USD" and Decimal(rate) != 1:
        raise ValidationError("A line in USD has the rate 1.")
    if (gross - deductions) * Decimal(rate) >= MAX_AMOUNT:
        raise ValidationError("The line's net sales in USD are more than tlo can take.")
    units = raw.get("units")
    if units is not None and units != "":
        if isinstance(units, str) and units.strip().isascii() and units.strip().isdecimal():
            units = int(units.strip())
        if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units < 10**15:
            raise ValidationError("The units are a whole number, not negative.")
    else:
        units = None
    return CheckedLine(
        product=product,
        gross_cents=to_cents(gross),
        deductions_cents=to_cents(deductions),
        currency=currency,
        to_usd=rate,
        units=units,
        made_in=_country(raw.get("country_of_manufacture"), "country of manufacture"),
        sold_in=_country(raw.get("country_of_sale"), "country of sale"),
    )


def check_lines(
    session: Session, agreement: Agreement, lines: object, names: list[str] | None = None
) -> list[CheckedLine]:
    """Every line checked; every problem listed at once ("Line 3: ...", or as `names` call
    the lines: "Row 12" of a workbook), nothing kept."""
    if not isinstance(lines, list | tuple):
        raise ValidationError("Give the report's lines as a list.")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"A report has at most {MAX_LINES} lines; this one has {len(lines)}.")
    categories = [rate.applies_to for rate in royalty_terms.schedule_of(session, agreement.id)]
    currencies = royalty_terms.currencies_of(agreement)
    checked, problems = [], []
    for number, raw in enumerate(lines, 1):
        try:
            checked.append(_line(raw, categories, currencies))
        except ValidationError as err:
            name = names[number - 1] if names and len(names) >= number else f"Line {number}"
            problems.append(Problem(f"{name}: {err}", (f"lines.{number}",)))
    if problems:
        raise FormErrors(problems)
    return checked


def submit_report(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int,
    period_end: date,
    lines: list[dict],
    sublicense_income: object = "0",
    note: str = "",
    source: str = "entered",
    line_names: list[str] | None = None,
    remitted: object = None,
) -> RoyaltyReport:
    """File the report of a period that has ended: all of it or nothing."""
    agreement = load_agreement(session, actor, agreement_id, "royalty_report.submit")
    if not royalty_terms.schedule_of(session, agreement.id):
        raise ValidationError(f"{agreement.number} has no royalty rates to report against.")
    period = _period(session, agreement, period_end)
    if period.end >= clock.today():
        raise ValidationError(
            f"The period ending {period.end.isoformat()} has not ended yet: report it after."
        )
    if source not in ("entered", "uploaded", "zero"):
        raise ValidationError("A report is entered, uploaded or a zero report.")
    checked = check_lines(session, agreement, lines, line_names)
    sublicense = clean_decimal_money(sublicense_income, what="sublicense income", required=False)
    if sublicense < 0:
        raise ValidationError("The sublicense income is not negative.")
    note = clean_text(note, what="note", column=RoyaltyReport.note)
    if remitted is None or (isinstance(remitted, str) and not remitted.strip()):
        remitted_cents = None
    else:
        paid = clean_decimal_money(remitted, what="amount paid with the report")
        if paid < 0:
            raise ValidationError("The amount paid with the report is not negative.")
        remitted_cents = to_cents(paid)
    zero = source == "zero"
    if zero and (checked or sublicense):
        raise ValidationError("A zero report has no sales and no sublicense income.")
    if not zero and not checked and not sublicense:
        raise ValidationError("Give the report's sales, or file a zero report.")
    live_key = f"{agreement.id}:{period.end.isoformat()}"
    taken = session.exec(select(RoyaltyReport).where(RoyaltyReport.live_key == live_key)).first()
    if taken is not None:
        raise ValidationError(
            f"The period ending {period.end.isoformat()} of {agreement.number} is already "
            f"reported ({ReportStatus(taken.status).label.lower()})."
        )
    report = RoyaltyReport(
        agreement_id=agreement.id,
        period_start=period.start,
        period_end=period.end,
        live_key=live_key,
        zero=zero,
        sublicense_income_cents=to_cents(sublicense),
        remitted_cents=remitted_cents,
        note=note,
        source=source,
        submitted_by_account_id=actor.account_id,
        submitted_by_name=actor.name,
    )
    session.add(report)
    session.flush()
    session.add_all(
        RoyaltyReportLine(
            report_id=report.id,
            position=position,
            product=line.product,
            gross_sales_cents=line.gross_cents,
            deductions_cents=line.deductions_cents,
            currency=line.currency,
            to_usd=line.to_usd,
            units=line.units,
            country_of_manufacture=line.made_in,
            country_of_sale=line.sold_in,
        )
        for position, line in enumerate(checked, 1)
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="royalty_report.submitted",
        object_type="agreement",
        object_id=agreement.id,
        after={
            "report_id": report.id,
            "period_end": period.end,
            "source": source,
            "lines": len(checked),
            "sublicense_income": str(sublicense),
        },
    )
    return report


def submit_zero_report(
    session: Session, *, actor: Actor, agreement_id: int, period_end: date, note: str = ""
) -> RoyaltyReport:
    """No sales and no sublicense income in the period: one click."""
    return submit_report(
        session,
        actor=actor,
        agreement_id=agreement_id,
        period_end=period_end,
        lines=[],
        note=note,
        source="zero",
    )


# -- what it owes ----------------------------------------------------------------------------


def _lines(session: Session, report_id: int) -> list[RoyaltyReportLine]:
    return list(
        session.exec(
            select(RoyaltyReportLine)
            .where(RoyaltyReportLine.report_id == report_id)
            .order_by(RoyaltyReportLine.position)
        ).all()
    )


def _approved_before(report: RoyaltyReport):
    return (
        RoyaltyReport.agreement_id == report.agreement_id,
        RoyaltyReport.status == ReportStatus.APPROVED.value,
        RoyaltyReport.period_end < report.period_start,
    )


def report_json(session: Session, report: RoyaltyReport, agreement: Agreement) -> dict:
    """The report as the royalty function reads it, with what the approved reports before it
    bring: cumulative net sales per category and the calendar year's running royalties."""
    before = dict(
        session.exec(
            select(RoyaltyReportLine.product, func.sum(RoyaltyReportLine.net_sales_usd_cents))
            .join(RoyaltyReport, RoyaltyReport.id == RoyaltyReportLine.report_id)
            .where(*_approved_before(report))
            .group_by(RoyaltyReportLine.product)
        ).all()
    )
    earlier_this_year = session.exec(
        select(func.coalesce(func.sum(RoyaltyReport.running_royalty_cents), 0)).where(
            *_approved_before(report),
            RoyaltyReport.period_end >= date(report.period_end.year, 1, 1),
        )
    ).one()
    return {
        "agreement": agreement.number,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "lines": [
            {
                "product": line.product,
                "gross_sales": str(from_cents(line.gross_sales_cents)),
                "deductions": str(from_cents(line.deductions_cents)),
                "currency": line.currency,
                "to_usd": line.to_usd,
                **({"units": line.units} if line.units is not None else {}),
            }
            for line in _lines(session, report.id)
        ],
        "sublicense_income": str(from_cents(report.sublicense_income_cents)),
        "cumulative_net_sales_before": {
            product: str(from_cents(int(total or 0))) for product, total in before.items()
        },
        "running_royalties_earlier_this_year": str(from_cents(int(earlier_this_year))),
        "due_on": (report.period_end + timedelta(days=agreement.report_due_days)).isoformat(),
    }


def owed(session: Session, report: RoyaltyReport, agreement: Agreement) -> dict:
    terms = royalty_terms.royalty_terms(session, agreement.id, actor=system_actor("royalty due"))
    parsed = royalty.parse_terms(terms)
    return royalty.compute(
        parsed, royalty.parse_report(report_json(session, report, agreement), parsed)
    )


@dataclass(frozen=True)
class ReportView:
    report: RoyaltyReport
    agreement: Agreement
    company: Company
    lines: list[RoyaltyReportLine]
    # What it owes: as approved, or as it would be approved now (None: it cannot be, see why).
    owed: dict | None
    cannot_approve: str | None  # why finance cannot approve it now
    invoice_number: str | None = None

    @property
    def short_paid_cents(self) -> int | None:
        """What the report owes less what the licensee says it paid with it (None: it said
        nothing, or what it owes is not known yet); below 0: paid more."""
        if self.report.remitted_cents is None or self.owed is None:
            return None
        return to_cents(Decimal(self.owed["total_due"])) - self.report.remitted_cents


def _order_problem(session: Session, report: RoyaltyReport) -> str | None:
    agreement = session.get(Agreement, report.agreement_id)
    approved = set(
        session.exec(
            select(RoyaltyReport.period_end).where(
                RoyaltyReport.agreement_id == report.agreement_id,
                RoyaltyReport.status == ReportStatus.APPROVED.value,
                RoyaltyReport.period_end < report.period_end,
            )
        ).all()
    )
    marked = marked_periods(session, agreement.id)
    missing = next(
        (
            p
            for p in periods_of(agreement)
            if p.end < report.period_end
            and p.end not in approved
            and p.obligation_key not in marked
        ),
        None,
    )
    waiting = session.exec(
        select(RoyaltyReport.period_end)
        .where(
            RoyaltyReport.agreement_id == report.agreement_id,
            RoyaltyReport.status == ReportStatus.SUBMITTED.value,
            RoyaltyReport.period_end < report.period_end,
        )
        .order_by(RoyaltyReport.period_end)
    ).first()
    if waiting is not None:
        return (
            f"The report of the period ending {waiting.isoformat()} waits for review: review "
            "it first (its sales count towards this one's tiers)."
        )
    if missing is not None:
        return (
            f"The period ending {missing.end.isoformat()} is not reported yet: its report comes "
            "first (its sales count towards this one's tiers and the year's minimum), or mark "
            "that obligation done or waived on the agreement."
        )
    later = session.exec(
        select(RoyaltyReport.period_end)
        .where(
            RoyaltyReport.agreement_id == report.agreement_id,
            RoyaltyReport.status == ReportStatus.APPROVED.value,
            RoyaltyReport.period_end > report.period_end,
        )
        .order_by(RoyaltyReport.period_end)
    ).first()
    if later is not None:
        return (
            f"The report of the later period ending {later.isoformat()} is approved already; "
            "its tiers counted the sales before it without this report's."
        )
    return None


def get_report(session: Session, *, actor: Actor, report_id: int) -> ReportView:
    report, agreement = _report(session, report_id)
    require(actor, "royalty_report.read", AgreementAccess(agreement))
    invoice = session.exec(
        select(LicenseeInvoice.number).where(LicenseeInvoice.royalty_report_id == report.id)
    ).first()
    problem = None
    figures = None
    status = ReportStatus(report.status)
    if status is ReportStatus.APPROVED:
        figures = _approved_figures(session, report)
    elif status is ReportStatus.SUBMITTED:
        problem = _order_problem(session, report)
        if problem is None:
            try:
                figures = owed(session, report, agreement)
            except ValidationError as err:
                problem = f"What it owes cannot be worked out: {err}"
    return ReportView(
        report=report,
        agreement=agreement,
        company=session.get(Company, agreement.company_id),
        lines=_lines(session, report.id),
        owed=figures,
        cannot_approve=problem,
        invoice_number=invoice,
    )


def _approved_figures(session: Session, report: RoyaltyReport) -> dict:
    def text(cents: int | None) -> str:
        return str(from_cents(cents or 0))

    return {
        "lines": [
            {
                "product": line.product,
                "net_sales_usd": text(line.net_sales_usd_cents),
                "royalty": text(line.royalty_cents),
            }
            for line in _lines(session, report.id)
        ],
        "running_royalty": text(report.running_royalty_cents),
        "sublicense_fees": text(report.sublicense_fees_cents),
        "minimum_top_up": text(report.minimum_top_up_cents),
        "interest": "0.00",
        "total_due": text(report.total_due_cents),
    }


# -- review ----------------------------------------------------------------------------------


def _cents(text: str) -> int:
    return to_cents(Decimal(text))


def approve_report(session: Session, *, actor: Actor, report_id: int):
    """Fix what the report owes, invoice it (nothing to invoice for a zero total) and mark the
    period's report obligation done; returns the invoice or None."""
    report, agreement = _report(session, report_id)
    require(actor, "royalty_report.review", AgreementAccess(agreement))
    if report.status != ReportStatus.SUBMITTED.value:
        raise ValidationError(f"This report is {ReportStatus(report.status).label.lower()}.")
    problem = _order_problem(session, report)
    if problem:
        raise ValidationError(problem)
    figures = owed(session, report, agreement)
    for line, result in zip(_lines(session, report.id), figures["lines"], strict=True):
        line.net_sales_usd_cents = _cents(result["net_sales_usd"])
        line.royalty_cents = _cents(result["royalty"])
        session.add(line)
    report.running_royalty_cents = _cents(figures["running_royalty"])
    report.sublicense_fees_cents = _cents(figures["sublicense_fees"])
    report.minimum_top_up_cents = _cents(figures["minimum_top_up"])
    report.total_due_cents = _cents(figures["total_due"])
    report.status = ReportStatus.APPROVED.value
    report.reviewed_by_account_id = actor.account_id
    report.reviewed_by_name = actor.name
    report.reviewed_at = clock.utcnow()
    session.add(report)
    key = f"agr{agreement.id}:royalty_report:{report.period_end.isoformat()}"
    if session.exec(select(DocketItemState).where(DocketItemState.key == key)).first() is None:
        session.add(
            DocketItemState(
                key=key,
                state="done",
                note="Report approved",
                marked_by_account_id=actor.account_id,
                marked_by_name=actor.name,
            )
        )
    invoice = None
    if report.total_due_cents > 0:
        invoice = invoices.issue(
            session,
            actor=actor,
            agreement=agreement,
            kind=InvoiceKind.ROYALTY,
            description=(
                f"Royalties for {report.period_start.isoformat()} to "
                f"{report.period_end.isoformat()}"
            ),
            amount_cents=report.total_due_cents,
            due_on=max(
                report.period_end + timedelta(days=agreement.report_due_days), clock.today()
            ),
            royalty_report_id=report.id,
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="royalty_report.approved",
        object_type="agreement",
        object_id=agreement.id,
        after={
            "report_id": report.id,
            "period_end": report.period_end,
            "total_due": figures["total_due"],
            "invoice": invoice.number if invoice else None,
        },
    )
    return invoice


def reject_report(session: Session, *, actor: Actor, report_id: int, reason: str) -> None:
    """Send the report back with a reason the licensee reads; the period may be reported again."""
    report, agreement = _report(session, report_id)
    require(actor, "royalty_report.review", AgreementAccess(agreement))
    reason = clean_text(reason, what="reason", column=RoyaltyReport.reject_reason, required=True)
    if report.status != ReportStatus.SUBMITTED.value:
        raise ValidationError(f"This report is {ReportStatus(report.status).label.lower()}.")
    report.status = ReportStatus.REJECTED.value
    report.live_key = None
    report.reject_reason = reason
    report.reviewed_by_account_id = actor.account_id
    report.reviewed_by_name = actor.name
    report.reviewed_at = clock.utcnow()
    session.add(report)
    audit.record(
        session,
        actor=actor,
        action="royalty_report.rejected",
        object_type="agreement",
        object_id=agreement.id,
        after={"report_id": report.id, "period_end": report.period_end, "reason": reason},
    )


# -- lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    report: RoyaltyReport
    agreement_number: str
    company: str


def list_reports(
    session: Session,
    *,
    actor: Actor,
    status: ReportStatus | None = None,
    agreement_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[ReportRow]:
    """Reports, the latest filed first: all of them for staff, a licensee's own company's."""
    require(actor, "royalty_report.read")
    query = (
        select(RoyaltyReport, Agreement, Company.name)
        .join(Agreement, Agreement.id == RoyaltyReport.agreement_id)
        .join(Company, Company.id == Agreement.company_id)
    )
    if not sees_all(actor, "royalty_report.read"):
        query = query.where(col(Agreement.company_id).in_(sorted(actor.company_ids) or [-1]))
    if status is not None:
        query = query.where(RoyaltyReport.status == ReportStatus(status).value)
    if agreement_id is not None:
        query = query.where(RoyaltyReport.agreement_id == clean_id(agreement_id, what="agreement"))
    page = paginate(
        session,
        query.order_by(col(RoyaltyReport.submitted_at).desc(), col(RoyaltyReport.id).desc()),
        offset=offset,
        limit=limit,
    )
    return Page(
        items=[ReportRow(r, a.number, name) for r, a, name in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )
