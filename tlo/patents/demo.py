"""Demo patent families, counsel invoices and Bayh-Dole records for the filed demo cases.

Deterministic. Dates are placed relative to today so that the docket always shows a realistic
mix: conversions and national phases coming due, a maintenance fee window open, an office
action to answer, Bayh-Dole reports pending on new federal cases.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, col, select

from tlo import clock
from tlo.auth.models import Role
from tlo.auth.permissions import Actor
from tlo.disclosures.models import Disclosure, DisclosureStatus, FundingSource
from tlo.patents import services as patents
from tlo.patents.deadlines import ActionType, months
from tlo.patents.docket import DocketItem
from tlo.patents.models import ApplicationStatus, DocketItemState, PatentApplication
from tlo.patents.services import ApplicationForm, DocketFilters

S = DisclosureStatus
FIRMS = [
    ("Morgan & Reyes LLP", "J. Morgan"),
    ("Whitfield Patent Group", "A. Chu"),
    ("Baxter Lindqvist", "S. Lindqvist"),
]


def _officer(session: Session, person_id: int, name: str) -> Actor:
    from tlo.auth.models import Account

    account_id = session.exec(select(Account.id).where(Account.person_id == person_id)).first()
    return Actor(account_id, person_id, name, "demo", frozenset({Role.OFFICER}))


def seed(session: Session, *, today: date, officer_names: dict[int, str]) -> None:
    rng = random.Random(4242)
    cases = session.exec(
        select(Disclosure)
        .where(col(Disclosure.status).in_([S.FILED.value, S.MARKETING.value, S.LICENSED.value]))
        .order_by(Disclosure.id)
    ).all()
    federal = set(
        session.exec(select(FundingSource.disclosure_id).where(FundingSource.is_federal)).all()
    )
    for index, case in enumerate(cases):
        officer = _officer(session, case.officer_person_id, officer_names[case.officer_person_id])
        received = clock.office_date(case.submitted_at)
        _family(session, officer, case, received, today, rng, index, case.id in federal)
    # An office action to answer now, on the newest family with a non-provisional.
    newest = session.exec(
        select(PatentApplication)
        .where(PatentApplication.application_type == "nonprovisional")
        .order_by(PatentApplication.filing_date.desc())
    ).first()
    if newest is not None:
        case = session.get(Disclosure, newest.disclosure_id)
        patents.add_office_action(
            session,
            actor=_officer(session, case.officer_person_id, officer_names[case.officer_person_id]),
            application_id=newest.id,
            mailed_on=today - timedelta(days=40),
            description="Restriction requirement",
            action_type=ActionType.RESTRICTION,
        )
    # Half the cases approved for filing have their provisional on file: conversions ahead.
    approved = session.exec(
        select(Disclosure).where(Disclosure.status == S.FILING.value).order_by(Disclosure.id)
    ).all()
    for case in approved[1::2]:
        officer = _officer(session, case.officer_person_id, officer_names[case.officer_person_id])
        filed = min(
            clock.office_date(case.submitted_at) + timedelta(days=rng.randint(40, 90)),
            today - timedelta(days=3),
        )
        provisional = _add(
            session,
            officer,
            case,
            case.id in federal,
            jurisdiction="US",
            application_type="provisional",
            filing_date=filed,
            application_number=f"63/{rng.randint(100, 999)},{rng.randint(100, 999)}",
        )
        _invoice(
            session, officer, provisional, rng.randint(35, 60) * 100, "Provisional drafting", False
        )
    for case in session.exec(
        select(Disclosure).where(
            col(Disclosure.id).in_(federal),
            col(Disclosure.status).not_in([S.DRAFT.value, S.SUBMITTED.value]),
        )
    ).all():
        officer = _officer(session, case.officer_person_id, officer_names[case.officer_person_id])
        _bayh_dole(session, officer, case, today, rng)
    _mark_past_items_done(session, today)


def _add(session, officer, case, clause, **fields):
    firm, attorney = FIRMS[case.id % len(FIRMS)]
    return patents.add_application(
        session,
        actor=officer,
        disclosure_id=case.id,
        form=ApplicationForm(
            counsel_firm=firm, counsel_attorney=attorney, government_support_clause=clause, **fields
        ),
    )


def _invoice(session, officer_or_finance, application, amount, what, paid):
    patents.add_cost(
        session,
        actor=officer_or_finance,
        application_id=application.id,
        invoice_date=application.filing_date + timedelta(days=20),
        amount=f"{amount:.2f}",
        description=what,
        invoice_number=f"INV-{application.id:04d}-{len(what)}",
        paid=paid,
    )


def _family(session, officer, case, received, today, rng, index, federal) -> None:
    provisional_on = min(received + timedelta(days=rng.randint(20, 60)), today)
    number = f"63/{rng.randint(100, 999)},{rng.randint(100, 999)}"
    provisional = _add(
        session,
        officer,
        case,
        federal,
        jurisdiction="US",
        application_type="provisional",
        filing_date=provisional_on,
        application_number=number,
    )
    _invoice(session, officer, provisional, rng.randint(35, 60) * 100, "Provisional drafting", True)
    conversion = provisional_on + months(12) - timedelta(days=rng.randint(5, 20))
    if conversion > today:
        return  # the conversion is still ahead: it shows on the docket
    pct = _add(
        session,
        officer,
        case,
        federal,
        jurisdiction="WO",
        application_type="pct",
        filing_date=conversion,
        parent_id=provisional.id,
        application_number=f"PCT/US{conversion.year}/0{rng.randint(10000, 99999)}",
    )
    _invoice(session, officer, pct, rng.randint(40, 55) * 100, "PCT filing", True)
    us = _add(
        session,
        officer,
        case,
        federal,
        jurisdiction="US",
        application_type="nonprovisional",
        filing_date=conversion,
        parent_id=provisional.id,
        application_number=f"{rng.randint(17, 18)}/{rng.randint(100, 999)},{rng.randint(100, 999)}",
    )
    _invoice(session, officer, us, rng.randint(120, 180) * 100, "Non-provisional drafting", True)
    national = provisional_on + months(30) - timedelta(days=rng.randint(10, 30))
    if national <= today:
        ep = _add(
            session,
            officer,
            case,
            False,
            jurisdiction="EP",
            application_type="regional_phase",
            filing_date=national,
            parent_id=pct.id,
            application_number=f"EP{rng.randint(18000000, 23999999)}",
        )
        _invoice(
            session,
            officer,
            ep,
            rng.randint(60, 90) * 100,
            "EPO regional phase",
            national < today - timedelta(days=90),
        )
    action_on = conversion + timedelta(days=rng.randint(300, 500))
    if action_on <= today - timedelta(days=20):
        action = patents.add_office_action(
            session,
            actor=officer,
            application_id=us.id,
            mailed_on=action_on,
            description="Claims 1-14 rejected as obvious (35 U.S.C. 103)",
        )
        answered = action_on + timedelta(days=rng.randint(60, 85))
        if answered < today:
            patents.record_response(
                session, actor=officer, office_action_id=action.id, responded_on=answered
            )
            _invoice(
                session, officer, us, rng.randint(25, 45) * 100, "Office action response", True
            )
    if index % 4 == 0 and conversion + timedelta(days=900) < today:
        granted_on = (
            today - timedelta(days=3 * 365 + rng.randint(60, 160))
            if index % 8 == 0
            else conversion + timedelta(days=rng.randint(700, 900))
        )
        granted_on = max(granted_on, conversion + timedelta(days=200))
        patents.update_application(
            session,
            actor=officer,
            application_id=us.id,
            status=ApplicationStatus.GRANTED,
            grant_number=f"{rng.randint(11, 12)},{rng.randint(100, 999)},{rng.randint(100, 999)}",
            grant_date=granted_on,
        )


def _bayh_dole(session, officer, case, today, rng) -> None:
    received = clock.office_date(case.submitted_at)
    reported = received + timedelta(days=rng.randint(25, 55))
    if reported > today:
        return  # new federal case: the invention report is still to be made
    elected = reported + timedelta(days=rng.randint(200, 400))
    patents.save_bayh_dole(
        session,
        actor=officer,
        disclosure_id=case.id,
        agency="",
        award_number="",
        iedison_number=f"{rng.randint(1000000, 9999999)}",
        reported_on=reported,
        election="elected" if elected <= today else "pending",
        elected_on=elected if elected <= today else None,
    )


def _mark_past_items_done(session, today) -> None:
    """What fell due before today was handled: utilization reports of past years filed, fees
    paid, and foreign filings the office chose, family by family, not to pursue waived with a
    reason, as an officer does on the docket."""
    from tlo.auth.permissions import system_actor

    view = patents.docket(
        session, actor=system_actor("demo data"), filters=DocketFilters(), today=today
    )
    for entry in view.entries:
        item: DocketItem = entry.item
        mark = _past_mark(item, today)
        if mark is not None:
            state, note = mark
            session.add(
                DocketItemState(
                    key=item.key, state=state, note=note, marked_by_name="system (demo data)"
                )
            )


def _past_mark(item: DocketItem, today: date) -> tuple[str, str] | None:
    if item.rule == "bayh_dole_utilization_report":
        return ("done", "Filed in iEdison") if item.due.year < today.year else None
    if item.due >= today:
        return None
    if item.rule.startswith(PAID_RULES):
        return "done", "Paid"
    if item.rule == "bayh_dole_abandonment_notice":
        return "done", "Agency notified in iEdison"
    if item.rule.startswith(DECLINED_RULES):
        return "waived", "Not pursued there: decided at the filing review"
    return None


PAID_RULES = ("ep_renewal_", "maintenance_", "annuity_")
DECLINED_RULES = (
    "priority_year",
    "bayh_dole_foreign_filing",
    "pct_national_phase_",
    "pct_regional_phase_",
)
