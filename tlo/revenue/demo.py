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
from tlo.licensing import agreements
from tlo.licensing.agreement_models import Agreement, AgreementType
from tlo.revenue import services as revenue
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
    current = fiscal_year_of(today, get_settings().fiscal_year_start_month)
    for year in revenue.fiscal_years_with_income(session, actor=actor)[::-1]:
        if year < current:
            revenue.annual_run(session, actor=actor, fiscal_year=year)
