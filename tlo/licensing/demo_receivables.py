"""Demo royalty reports and invoices: the demo's licensee account belongs to the licensee of
the tiered license; one of its reports is approved and invoiced, its latest period is left for
the licensee to report (upload or a zero report), and another license's report waits for
finance to review."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from tlo.auth import services as accounts
from tlo.auth.permissions import system_actor
from tlo.licensing import royalty_reports
from tlo.licensing.agreement_models import Agreement, RoyaltyRate, RoyaltyTier


def _tiered_license(session: Session) -> Agreement | None:
    tiers = (
        select(func.count(RoyaltyTier.id))
        .join(RoyaltyRate, RoyaltyRate.id == RoyaltyTier.royalty_rate_id)
        .where(RoyaltyRate.agreement_id == Agreement.id)
        .scalar_subquery()
    )
    return session.exec(
        select(Agreement).where(Agreement.status == "active", tiers > 1).order_by(Agreement.id)
    ).first()


def _sales(agreement: Agreement, number: int) -> list[dict]:
    return [
        {
            "product": "Net sales of licensed products",
            "gross_sales": f"{180_000 + 23_500 * number + 911 * (agreement.id % 5)}.40",
            "deductions": f"{4_200 + 310 * number}.00",
            "units": 1_150 + 90 * number,
            "country_of_manufacture": "US",
            "country_of_sale": "US",
        }
    ]


def seed(session: Session, *, today: date, licensee_account_id: int, finance_account_id: int):
    finance = accounts.load_actor(session, finance_account_id)
    tiered = _tiered_license(session)
    if tiered is None:
        return
    accounts.set_licensee_company(
        session,
        actor=system_actor("demo data"),  # linking an account is the administrator's
        account_id=licensee_account_id,
        company_id=tiered.company_id,
    )
    periods = [p for p in royalty_reports.periods_of(tiered) if p.end < today]
    if len(periods) >= 2:
        earlier = periods[-2]
        report = royalty_reports.submit_report(
            session,
            actor=finance,
            agreement_id=tiered.id,
            period_end=earlier.end,
            lines=_sales(tiered, len(periods)),
            note="Entered from the licensee's paper report",
        )
        royalty_reports.approve_report(session, actor=finance, report_id=report.id)
    others = session.exec(
        select(Agreement)
        .where(Agreement.status == "active", Agreement.id != tiered.id)
        .order_by(Agreement.id)
    ).all()
    for agreement in others:
        if not royalty_reports.periods_of(agreement):
            continue
        open_periods = [
            p
            for p, report in royalty_reports.reportable_periods(
                session, actor=finance, agreement_id=agreement.id
            )
            if report is None
        ]
        if open_periods:
            royalty_reports.submit_report(
                session,
                actor=finance,
                agreement_id=agreement.id,
                period_end=open_periods[0].end,
                lines=_sales(agreement, 3),
                sublicense_income="12500.00",
                remitted="12000.00",  # short of what it owes: finance sees by how much
                note="Received by e-mail",
            )
            return
