"""Demo income: what the demo licensees paid as their obligations fell due (fees, past patent
costs, milestones, a royalty with each report), distributed and posted fiscal year by fiscal
year; the current fiscal year is left undistributed for finance to work through."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from tlo.auth.permissions import Actor
from tlo.config import get_settings
from tlo.disclosures.rules import fiscal_year_of
from tlo.equity import demo as equity_demo
from tlo.licensing import agreements
from tlo.licensing.agreement_models import Agreement, AgreementType
from tlo.revenue import services as revenue
from tlo.revenue.models import Income
from tlo.revenue.services import IncomeForm
from tlo.revenue.types import IncomeType

PAID_WITHIN = timedelta(days=20)  # demo licensees pay three weeks after the due date
LICENSES = [t.value for t in AgreementType if t.is_license]


def _royalty(agreement_id: int, number: int) -> Decimal:
    """A plausible, varied royalty: growing sales, different per licensee, never round."""
    return Decimal(4_000 + 1_750 * number + 617 * (agreement_id % 7)) + Decimal("0.37") * number


def _payments(session: Session, actor: Actor, agreement: Agreement, today: date):
    reports = 0
    for entry in agreements.obligations(session, actor=actor, agreement_id=agreement.id):
        obligation = entry.obligation
        received = obligation.due + PAID_WITHIN
        if received > today:
            continue
        key = obligation.key
        if key == "upfront_fee":
            yield received, IncomeType.UPFRONT, obligation.amount
        elif key == "past_patent_costs":
            yield received, IncomeType.COST_REIMBURSEMENT, obligation.amount
        elif key.startswith("annual_fee:"):
            yield received, IncomeType.ANNUAL_FEE, obligation.amount
        elif key.startswith("milestone:") and obligation.amount:
            yield received, IncomeType.MILESTONE, obligation.amount
        elif key.startswith("royalty_report:"):
            reports += 1
            yield received, IncomeType.ROYALTY, _royalty(agreement.id, reports)


def seed(session: Session, *, actor: Actor, today: date) -> None:
    licenses = session.exec(
        select(Agreement)
        .where(col(Agreement.agreement_type).in_(LICENSES), col(Agreement.signed_on).is_not(None))
        .order_by(Agreement.id)
    ).all()
    for agreement in licenses:
        for received, kind, amount in sorted(_payments(session, actor, agreement, today)):
            revenue.record_income(
                session,
                actor=actor,
                form=IncomeForm(
                    agreement.id,
                    received,
                    kind,
                    amount,
                    licensee_reference=f"{agreement.number}-{received:%Y%m%d}",
                ),
                today=today,
            )
    _startup_windfall(session, actor, licenses, today)
    current = fiscal_year_of(today, get_settings().fiscal_year_start_month)
    for year in revenue.fiscal_years_with_income(session, actor=actor)[::-1]:
        if year < current:
            revenue.annual_run(session, actor=actor, fiscal_year=year)
    _a_correction(session, actor)


def _startup_windfall(session: Session, actor: Actor, licenses, today: date) -> None:
    """A start-up sublicensed and was acquired: sublicense income, then equity cashed in."""
    startup = next((a for a in licenses if a.agreement_type == AgreementType.STARTUP.value), None)
    if startup is None:
        return
    received = today - timedelta(days=240)
    if received > startup.signed_on:
        revenue.record_income(
            session,
            actor=actor,
            form=IncomeForm(
                startup.id,
                received,
                IncomeType.SUBLICENSE,
                Decimal("40000.00"),
                licensee_reference="M&A",
            ),
            today=today,
        )
    sold_on = today - timedelta(days=200)
    if sold_on > startup.signed_on:  # the equity income: the sale of the license's shares
        equity_demo.sell_on_acquisition(
            session,
            actor=actor,
            startup=startup,
            cash=Decimal("250000.00"),
            sold_on=sold_on,
            today=today,
        )


def _a_correction(session: Session, actor: Actor) -> None:
    """One royalty was posted, then reversed when the licensee corrected its report, and
    distributed again: the ledger shows all three."""
    royalty = session.exec(
        select(Income)
        .where(Income.income_type == IncomeType.ROYALTY.value)
        .order_by(Income.received_on)
    ).first()
    if royalty is None:
        return
    revenue.reverse_income(
        session,
        actor=actor,
        income_id=royalty.id,
        reason="The licensee corrected its royalty report",
    )
    revenue.compute_distribution(session, actor=actor, income_id=royalty.id)
    revenue.post_income(session, actor=actor, income_id=royalty.id)
