"""What a licensee sees of its own company's agreements: their non-confidential summary (the
title, field, territory, dates and what they ask of the licensee), the reporting periods and
their reports, and the invoices. Never the cases, the inventors, the office's notes or another
company's anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from tlo.auth.permissions import Actor, require, system_actor
from tlo.licensing import royalty_reports
from tlo.licensing import terms as royalty_terms
from tlo.licensing.agreement_models import Agreement, AgreementType, ReportPeriod
from tlo.licensing.agreements import load_agreement
from tlo.licensing.models import Company
from tlo.licensing.receivable_models import ReportStatus, RoyaltyReport


@dataclass(frozen=True)
class PortalAgreement:
    id: int
    number: str
    title: str
    kind: str
    status: str
    company: str
    field_of_use: str
    territory: str
    effective_date: date | None
    reporting: str  # "Quarterly, due 45 days after each period"
    categories: list[str]
    currencies: list[str]


def my_agreements(session: Session, *, actor: Actor) -> list[PortalAgreement]:
    """The licensee's company's agreements that report royalties (executed licenses)."""
    require(actor, "licensee.portal")
    if not actor.company_ids:
        return []
    rows = session.exec(
        select(Agreement, Company.name)
        .join(Company, Company.id == Agreement.company_id)
        .where(
            col(Agreement.company_id).in_(sorted(actor.company_ids)),
            col(Agreement.status).in_([s.value for s in royalty_reports.REPORTING]),
        )
        .order_by(Agreement.id)
    ).all()
    found = []
    for agreement, company in rows:
        if not AgreementType(agreement.agreement_type).is_license:
            continue
        found.append(
            PortalAgreement(
                id=agreement.id,
                number=agreement.number,
                title=agreement.title,
                kind=AgreementType(agreement.agreement_type).label,
                status=agreement.status.capitalize(),
                company=company,
                field_of_use=agreement.field_of_use,
                territory=agreement.territory,
                effective_date=agreement.effective_date,
                reporting=(
                    f"{ReportPeriod(agreement.royalty_report_period).value.capitalize()}, due "
                    f"{agreement.report_due_days} days after each period"
                ),
                categories=[
                    rate.applies_to for rate in royalty_terms.schedule_of(session, agreement.id)
                ],
                currencies=royalty_terms.currencies_of(agreement),
            )
        )
    return found


def rejected_reports(session: Session, *, actor: Actor, agreement_id: int) -> list[RoyaltyReport]:
    """The agreement's reports sent back, the latest first, each with its reason."""
    agreement = load_agreement(session, actor, agreement_id, "royalty_report.read")
    return list(
        session.exec(
            select(RoyaltyReport)
            .where(
                RoyaltyReport.agreement_id == agreement.id,
                RoyaltyReport.status == ReportStatus.REJECTED.value,
            )
            .order_by(col(RoyaltyReport.reviewed_at).desc())
        ).all()
    )


@dataclass(frozen=True)
class PortalObligation:
    description: str
    kind: str  # payment, report, milestone, diligence, expiry
    due: date
    amount: str | None  # "$50,000.00", or None
    state: str  # Open, Done, Waived


def obligations_of(session: Session, *, actor: Actor, agreement_id: int) -> list[PortalObligation]:
    """What the license asks of the licensee and when, with what is done (the office's marks
    and approved reports), for its own company's license only."""
    from tlo.licensing.agreements import obligations
    from tlo.money import dollars

    agreement = load_agreement(session, actor, agreement_id, "licensee.portal")
    entries = obligations(session, actor=system_actor("licensee portal"), agreement_id=agreement.id)
    return [
        PortalObligation(
            entry.obligation.description,
            entry.obligation.kind,
            entry.obligation.due,
            dollars(entry.obligation.amount) if entry.obligation.amount else None,
            entry.state.capitalize(),
        )
        for entry in entries
    ]
