"""Demo agreements: licenses on the licensed demo technologies (executed, with obligations),
options and drafts under negotiation on marketed ones, CDAs with interested companies."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from tlo.auth.models import Role
from tlo.auth.permissions import Actor
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing import agreements
from tlo.licensing.agreement_models import AgreementStatus
from tlo.licensing.agreements import AgreementForm, MilestoneEntry
from tlo.licensing.models import Outreach, Stage
from tlo.patents.models import DocketItemState

S = DisclosureStatus


def _officer(case: Disclosure, names: dict[int, str]) -> Actor:
    return Actor(
        None,
        case.officer_person_id,
        names[case.officer_person_id],
        "demo",
        frozenset({Role.OFFICER}),
    )


def _partner(session: Session, case: Disclosure, stages: set[Stage]) -> int | None:
    return session.exec(
        select(Outreach.company_id)
        .where(
            Outreach.disclosure_id == case.id, col(Outreach.stage).in_([s.value for s in stages])
        )
        .order_by(Outreach.id)
    ).first()


def seed(session: Session, *, today: date, officer_names: dict[int, str]) -> None:
    licensed = session.exec(
        select(Disclosure).where(Disclosure.status == S.LICENSED.value).order_by(Disclosure.id)
    ).all()
    for index, case in enumerate(licensed):
        company_id = _partner(session, case, {Stage.LICENSED})
        if company_id is None:
            continue
        signed = case.submitted_at.date() + timedelta(days=900 + 40 * index)
        signed = min(signed, today - timedelta(days=30))
        startup = index % 2 == 1
        officer = _officer(case, officer_names)
        agreement = agreements.save_agreement(
            session,
            actor=officer,
            form=AgreementForm(
                agreement_type="startup_license" if startup else "exclusive_license",
                company_id=company_id,
                title=f"{'Start-up' if startup else 'Exclusive'} license: {case.title}",
                technologies=[case.id],
                field_of_use="All fields",
                effective_date=signed,
                upfront_fee="25000" if startup else "75000",
                annual_fees=["10000", "20000", "30000"],
                royalty_rates=[("Net sales of licensed products", "2.5" if startup else "4")],
                milestones=[
                    MilestoneEntry(
                        "First commercial sale", "150000", signed + timedelta(days=1100)
                    ),
                    MilestoneEntry(
                        "Prototype delivered to a customer", "0", signed + timedelta(days=400)
                    ),
                ],
                sublicense_share="25",
                equity_shares=250_000 if startup else 0,
                equity_percent="5" if startup else "0",
                past_patent_costs="18000",
                reimburse_ongoing_costs=True,
            ),
        )
        agreements.change_agreement_status(
            session,
            actor=officer,
            agreement_id=agreement.id,
            status=AgreementStatus.EXECUTED,
            signed_on=signed,
            today=today,
        )
        agreements.change_agreement_status(
            session,
            actor=officer,
            agreement_id=agreement.id,
            status=AgreementStatus.ACTIVE,
            today=today,
        )
        # The licensee has met everything that fell due before the last two weeks.
        for entry in agreements.obligations(session, actor=officer, agreement_id=agreement.id):
            if entry.obligation.due < today - timedelta(days=14):
                session.add(
                    DocketItemState(
                        key=entry.key, state="done", note="Received", marked_by_name=officer.name
                    )
                )
    marketed = session.exec(
        select(Disclosure).where(Disclosure.status == S.MARKETING.value).order_by(Disclosure.id)
    ).all()
    for index, case in enumerate(marketed):
        officer = _officer(case, officer_names)
        company_id = _partner(
            session,
            case,
            {
                Stage.NEGOTIATING,
                Stage.TERM_SHEET,
                Stage.EVALUATING,
                Stage.CDA_SIGNED,
                Stage.INTERESTED,
            },
        )
        if company_id is None:
            continue
        kind = ["option", "nonexclusive_license", "cda"][index % 3]
        agreement = agreements.save_agreement(
            session,
            actor=officer,
            form=AgreementForm(
                agreement_type=kind,
                company_id=company_id,
                title={
                    "option": "Option",
                    "nonexclusive_license": "Non-exclusive license",
                    "cda": "Confidential disclosure agreement",
                }[kind]
                + f": {case.title}",
                technologies=[case.id],
                effective_date=today - timedelta(days=20 + 10 * index),
                term_months=6 if kind == "option" else (24 if kind == "cda" else None),
                upfront_fee="15000" if kind == "option" else ("20000" if kind != "cda" else "0"),
                royalty_rates=[("Net sales", "2")] if kind == "nonexclusive_license" else [],
            ),
        )
        if kind == "cda" or index % 2 == 0:
            agreements.change_agreement_status(
                session,
                actor=officer,
                agreement_id=agreement.id,
                status=AgreementStatus.EXECUTED
                if kind != "nonexclusive_license"
                else AgreementStatus.NEGOTIATING,
                signed_on=today - timedelta(days=15),
                today=today,
            )
