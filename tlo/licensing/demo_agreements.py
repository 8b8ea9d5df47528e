"""Demo agreements: licenses on the licensed demo technologies (executed, with obligations),
options and drafts under negotiation on marketed ones, CDAs with interested companies.

Every license, option and inter-institutional agreement licenses its technology's whole
patent family (the default), except the research-tools licenses: US only, so they name the
US applications and leave the PCT and European ones out. Licenses, options and CDAs name the
licensee's first contact as its signatory; the material transfers and the inter-institutional
agreement name none yet (their drafts leave the lines blank).

The first exclusive license has royalty terms of a real license (issue 17): 4 % of cumulative
net sales up to $5M, 3 % up to $20M and 2 % after, a minimum annual royalty from its third
calendar year, 12 % late-payment interest and reports in USD or EUR."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from tlo import clock
from tlo.auth.models import Role
from tlo.auth.permissions import Actor, system_actor
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing import agreements, drafts, outreach
from tlo.licensing.agreement_models import Agreement, AgreementStatus, AgreementType
from tlo.licensing.agreements import AgreementForm, MilestoneEntry
from tlo.licensing.models import Company, CompanySize, Outreach, Stage
from tlo.licensing.outreach import CompanyForm
from tlo.licensing.terms import TierEntry
from tlo.patents.models import DocketItemState

S = DisclosureStatus
# 4 % of cumulative net sales up to $5M, 3 % up to $20M, 2 % after.
TIERED = [TierEntry("4", "5000000"), TierEntry("3", "20000000"), TierEntry("2")]
INTERESTED = {Stage.INTERESTED, Stage.CDA_SIGNED, Stage.EVALUATING, Stage.TERM_SHEET}


def _officer(case_or_agreement: Disclosure | Agreement, names: dict[int, str]) -> Actor:
    person_id = case_or_agreement.officer_person_id
    return Actor(None, person_id, names[person_id], "demo", frozenset({Role.OFFICER}))


def _partners(session: Session, case: Disclosure, stages: set[Stage]) -> list[int]:
    return list(
        session.exec(
            select(Outreach.company_id)
            .where(
                Outreach.disclosure_id == case.id,
                col(Outreach.stage).in_([s.value for s in stages]),
            )
            .order_by(Outreach.id)
        ).all()
    )


def _partner(session: Session, case: Disclosure, stages: set[Stage]) -> int | None:
    return next(iter(_partners(session, case, stages)), None)


def _signatory(session: Session, officer: Actor, company_id: int) -> int | None:
    """Who signs for the licensee: its first contact (by name), as an officer would choose."""
    contacts = outreach.contacts_of(session, actor=officer, company_id=company_id)
    return contacts[0].id if contacts else None


def _cases(session: Session, status: DisclosureStatus) -> list[Disclosure]:
    return list(
        session.exec(
            select(Disclosure).where(Disclosure.status == status.value).order_by(Disclosure.id)
        ).all()
    )


def _move(session, officer, agreement_id, *statuses, signed_on=None, today) -> None:
    for status in statuses:
        agreements.change_agreement_status(
            session,
            actor=officer,
            agreement_id=agreement_id,
            status=status,
            signed_on=signed_on if status is AgreementStatus.EXECUTED else None,
            today=today,
        )


def seed(session: Session, *, today: date, officer_names: dict[int, str]) -> None:
    """About twenty agreements of every type and status, each with a generated Word draft."""
    licensed = _cases(session, S.LICENSED)
    _licenses(session, licensed, today=today, officer_names=officer_names)
    _options_before_licenses(session, licensed, today=today, officer_names=officer_names)
    _non_exclusive_licenses(session, licensed, today=today, officer_names=officer_names)
    marketed = _cases(session, S.MARKETING)
    _agreements_in_marketing(session, marketed, today=today, officer_names=officer_names)
    _negotiated_license(session, marketed, today=today, officer_names=officer_names)
    _research_agreements(
        session, _cases(session, S.FILED), today=today, officer_names=officer_names
    )
    _drafts(session, today=today, officer_names=officer_names)


def _licenses(session, licensed, *, today: date, officer_names: dict[int, str]) -> None:
    tiered_yet = False  # the first exclusive license gets the tiered royalty terms
    for index, case in enumerate(licensed):
        company_id = _partner(session, case, {Stage.LICENSED})
        if company_id is None:
            continue
        signed = clock.office_date(case.submitted_at) + timedelta(days=900 + 40 * index)
        signed = min(signed, today - timedelta(days=30))
        startup = index % 2 == 1
        officer = _officer(case, officer_names)
        tiered = not startup and not tiered_yet
        tiered_yet = tiered_yet or tiered
        rate = TIERED if tiered else ("2.5" if startup else "4")
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
                royalty_rates=[("Net sales of licensed products", rate)],
                minimum_annual_royalty=[
                    (signed.year + years, amount)
                    for years, amount in ((2, "50000"), (3, "75000"), (4, "100000"))
                ]
                if tiered
                else [],
                late_interest_percent="12" if tiered else "0",
                report_currencies="USD, EUR" if tiered else "USD",
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
                licensee_signatory_contact_id=_signatory(session, officer, company_id),
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
        # Every other licensee is behind with its latest report or payment, whatever the day
        # the demo is loaded: officers see late obligations on their home page and docket.
        _obligations_met(session, officer, agreement.id, today=today, one_late=index % 2 == 0)


def _agreements_in_marketing(session, marketed, *, today: date, officer_names) -> None:
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
                licensee_signatory_contact_id=_signatory(session, officer, company_id),
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


def _obligations_met(
    session, officer: Actor, agreement_id: int, *, today: date, one_late: bool = False
) -> None:
    """The licensee has met everything that fell due before the last two weeks; `one_late`:
    all but the latest of them, which stays overdue."""
    past_due = [
        entry
        for entry in agreements.obligations(session, actor=officer, agreement_id=agreement_id)
        if entry.obligation.due < today - timedelta(days=14)
    ]
    if one_late and past_due:
        latest = max(entry.obligation.due for entry in past_due)
        past_due = [entry for entry in past_due if entry.obligation.due != latest]
    for entry in past_due:
        session.add(
            DocketItemState(
                key=entry.key, state="done", note="Received", marked_by_name=officer.name
            )
        )


def _options_before_licenses(session, licensed, *, today: date, officer_names) -> None:
    """The licensee of the first technologies held a year's option first: executed, expired."""
    for case in licensed[:3]:
        company_id = _partner(session, case, {Stage.LICENSED})
        if company_id is None:
            continue
        officer = _officer(case, officer_names)
        signed = clock.office_date(case.submitted_at) + timedelta(days=400)
        option = agreements.save_agreement(
            session,
            actor=officer,
            form=AgreementForm(
                agreement_type="option",
                company_id=company_id,
                title=f"Option: {case.title}",
                technologies=[case.id],
                field_of_use="All fields",
                effective_date=signed,
                term_months=12,
                upfront_fee="10000",
                licensee_signatory_contact_id=_signatory(session, officer, company_id),
            ),
        )
        _move(
            session,
            officer,
            option.id,
            AgreementStatus.EXECUTED,
            AgreementStatus.ACTIVE,
            AgreementStatus.EXPIRED,
            signed_on=signed,
            today=today,
        )


def _non_exclusive_licenses(session, licensed, *, today: date, officer_names) -> None:
    """A second licensee takes research-tool rights in the US, under the US applications
    only; the last one has since terminated."""
    pairs = [
        (case, partners[1])
        for case in licensed
        if len(partners := _partners(session, case, INTERESTED | {Stage.LICENSED})) > 1
    ]
    for index, (case, company_id) in enumerate(pairs):
        officer = _officer(case, officer_names)
        signed = min(
            clock.office_date(case.submitted_at) + timedelta(days=1000), today - timedelta(days=60)
        )
        us_applications = [
            member.application.id
            for member in agreements.offered_patents(
                session, actor=officer, disclosure_ids=[case.id]
            )
            if member.licensed and member.application.jurisdiction == "US"
        ]
        license_ = agreements.save_agreement(
            session,
            actor=officer,
            form=AgreementForm(
                agreement_type="nonexclusive_license",
                company_id=company_id,
                title=f"Non-exclusive license (research tools): {case.title}",
                technologies=[case.id],
                field_of_use="Research tools and contract research services",
                territory="United States",
                patent_ids=us_applications,
                licenses_whole_family=False,
                effective_date=signed,
                upfront_fee="10000",
                annual_fees=["5000"],
                royalty_rates=[("Net sales of research tools", "1.5")],
                milestones=[
                    MilestoneEntry("First sale of a research kit", "0", signed + timedelta(365))
                ],
                licensee_signatory_contact_id=_signatory(session, officer, company_id),
            ),
        )
        ending = [AgreementStatus.TERMINATED] if index == len(pairs) - 1 else []
        _move(
            session,
            officer,
            license_.id,
            AgreementStatus.EXECUTED,
            AgreementStatus.ACTIVE,
            *ending,
            signed_on=signed,
            today=today,
        )
        _obligations_met(session, officer, license_.id, today=today)


def _negotiated_license(session, marketed, *, today: date, officer_names) -> None:
    """An exclusive license under negotiation, with the milestones on the table."""
    for case in marketed:
        company_id = _partner(session, case, {Stage.TERM_SHEET, Stage.NEGOTIATING})
        if company_id is None:
            continue
        officer = _officer(case, officer_names)
        start = today + timedelta(days=45)
        license_ = agreements.save_agreement(
            session,
            actor=officer,
            form=AgreementForm(
                agreement_type="exclusive_license",
                company_id=company_id,
                title=f"Exclusive license: {case.title}",
                technologies=[case.id],
                field_of_use="Human diagnostics",
                territory="United States and Europe",
                effective_date=start,
                upfront_fee="60000",
                annual_fees=["15000", "25000"],
                royalty_rates=[("Net sales of licensed products", "3")],
                milestones=[
                    MilestoneEntry("FDA 510(k) clearance", "100000", start + timedelta(days=900)),
                    MilestoneEntry("First commercial sale", "200000", start + timedelta(1200)),
                ],
                sublicense_share="20",
                past_patent_costs="24000",
                reimburse_ongoing_costs=True,
                licensee_signatory_contact_id=_signatory(session, officer, company_id),
            ),
        )
        _move(session, officer, license_.id, AgreementStatus.NEGOTIATING, today=today)
        return


def _research_agreements(session, filed, *, today: date, officer_names) -> None:
    """Material transfers to companies and an inter-institutional agreement with a co-owner."""
    co_owner = outreach.save_company(
        session,
        actor=system_actor("demo data"),
        form=CompanyForm(
            name="Pacific Coast University",
            size=CompanySize.LARGE,
            sector="Higher education",
            notes="Co-owner of jointly invented technologies.",
            entity_kind="nonprofit public benefit corporation",
            jurisdiction="California",
        ),
    )
    companies = session.exec(select(Company.id).order_by(Company.id).limit(2)).all()
    plans = [
        ("mta", companies[0], "Material transfer (cell line)", [AgreementStatus.EXECUTED]),
        ("mta", companies[1], "Material transfer (prototype sensor)", []),
        (
            "inter_institutional",
            co_owner.id,
            "Inter-institutional agreement",
            [AgreementStatus.NEGOTIATING],
        ),
    ]
    for case, (kind, company_id, title, statuses) in zip(filed, plans, strict=False):
        officer = _officer(case, officer_names)
        agreement = agreements.save_agreement(
            session,
            actor=officer,
            form=AgreementForm(
                agreement_type=kind,
                company_id=company_id,
                title=f"{title}: {case.title}",
                technologies=[case.id],
                effective_date=today - timedelta(days=10),
                term_months=24,
            ),
        )
        _move(
            session,
            officer,
            agreement.id,
            *statuses,
            signed_on=today - timedelta(days=10),
            today=today,
        )


def _drafts(session, *, today: date, officer_names) -> None:
    """A Word draft of every agreement that has a template; two for those in negotiation."""
    for agreement in session.exec(select(Agreement).order_by(Agreement.id)).all():
        if AgreementType(agreement.agreement_type) not in drafts.TEMPLATES:
            continue
        officer = _officer(agreement, officer_names)
        negotiating = agreement.status == AgreementStatus.NEGOTIATING.value
        for _ in range(2 if negotiating else 1):
            drafts.generate_draft(session, actor=officer, agreement_id=agreement.id)
