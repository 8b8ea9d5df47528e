"""What an agreement obliges the licensee to do, derived from its terms (pure, no database):
the upfront fee and past patent costs, annual fees on each anniversary, royalty reports after
each period, milestones and diligence dates, the end of an option or a CDA."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from tlo.licensing.agreement_models import DEFAULT_REPORT_DUE_DAYS, AgreementType, ReportPeriod

PAYMENT_DAYS = 30  # invoices issued on signature are due 30 days after the effective date
LIFE_OF_PATENTS_MONTHS = 20 * 12  # "life of the patents": reports are scheduled for 20 years
PERIOD_END_MONTHS = {
    ReportPeriod.QUARTERLY: (3, 6, 9, 12),
    ReportPeriod.SEMIANNUAL: (6, 12),
    ReportPeriod.ANNUAL: (12,),
}


@dataclass(frozen=True)
class MilestoneTerm:
    key: str
    event: str
    amount: Decimal
    due: date


@dataclass(frozen=True)
class Terms:
    agreement_type: AgreementType
    effective_date: date
    term_months: int | None = None
    upfront_fee: Decimal = Decimal(0)
    past_patent_costs: Decimal = Decimal(0)
    annual_fees: dict[int, Decimal] = field(default_factory=dict)  # anniversary -> amount
    report_period: ReportPeriod = ReportPeriod.QUARTERLY
    milestones: list[MilestoneTerm] = field(default_factory=list)
    # A royalty report is due this many days after its period ends (the agreement's term).
    report_due_days: int = DEFAULT_REPORT_DUE_DAYS


@dataclass(frozen=True)
class Obligation:
    key: str  # stable within the agreement: marks (done/waived) refer to it
    kind: str  # payment, report, milestone, diligence, expiry
    description: str
    due: date
    amount: Decimal | None = None


def end_of_term(terms: Terms) -> date:
    months = terms.term_months if terms.term_months is not None else LIFE_OF_PATENTS_MONTHS
    return terms.effective_date + relativedelta(months=months)


def _annual_fee(schedule: dict[int, Decimal], year: int) -> Decimal | None:
    """The fee of an anniversary; beyond the schedule the last fee repeats."""
    if not schedule or year < min(schedule):
        return None
    known = [y for y in schedule if y <= year]
    return schedule[max(known)]


def _period_ends(start: date, end: date, period: ReportPeriod):
    year = start.year
    while True:
        for month in PERIOD_END_MONTHS[period]:
            period_end = date(year, month, 1) + relativedelta(months=1) - timedelta(days=1)
            if period_end < start:
                continue
            if period_end > end:
                return
            yield period_end
        year += 1


def derive_obligations(terms: Terms) -> list[Obligation]:
    start, end = terms.effective_date, end_of_term(terms)
    found: list[Obligation] = []
    pay_by = start + timedelta(days=PAYMENT_DAYS)
    if terms.upfront_fee > 0:
        found.append(
            Obligation("upfront_fee", "payment", "Upfront (issue) fee", pay_by, terms.upfront_fee)
        )
    if terms.past_patent_costs > 0:
        found.append(
            Obligation(
                "past_patent_costs",
                "payment",
                "Reimbursement of past patent costs",
                pay_by,
                terms.past_patent_costs,
            )
        )
    year = 1
    while terms.annual_fees and start + relativedelta(years=year) <= end:
        amount = _annual_fee(terms.annual_fees, year)
        if amount is not None and amount > 0:
            found.append(
                Obligation(
                    f"annual_fee:{year}",
                    "payment",
                    f"Annual fee, anniversary {year}",
                    start + relativedelta(years=year),
                    amount,
                )
            )
        year += 1
    if terms.agreement_type.is_license:
        for period_end in _period_ends(start, end, terms.report_period):
            found.append(
                Obligation(
                    f"royalty_report:{period_end.isoformat()}",
                    "report",
                    f"Royalty report for the period ending {period_end}",
                    period_end + timedelta(days=terms.report_due_days),
                )
            )
    for milestone in terms.milestones:
        paid = milestone.amount > 0
        found.append(
            Obligation(
                f"milestone:{milestone.key}",
                "milestone" if paid else "diligence",
                milestone.event,
                milestone.due,
                milestone.amount if paid else None,
            )
        )
    if (
        terms.agreement_type in (AgreementType.OPTION, AgreementType.CDA, AgreementType.MTA)
        and terms.term_months is not None
    ):
        label = {AgreementType.OPTION: "Option expires: exercise or let lapse"}.get(
            terms.agreement_type, "Agreement expires"
        )
        found.append(Obligation("expiry", "expiry", label, end))
    return sorted(found, key=lambda o: (o.due, o.key))
