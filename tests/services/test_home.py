"""The home page's data on a real database: an officer's cases, deadlines, follow-ups and the
disclosures waiting for them; an inventor's disclosures and income by fiscal year."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from tests.clock import TODAY
from tests.factories import (
    EVERY_SCORE_4,
    case_approved_for_filing,
    complete_form,
    make_actor,
    submitted_case,
)
from tests.services.test_agreements import exclusive_form, filed_technology, licensee, save
from tests.services.test_revenue import distribute, receive, signed_license, technology
from tlo.auth.models import Role
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.disclosures import casework, intake
from tlo.disclosures.casework import Scorecard
from tlo.disclosures.intake import PublicDisclosureEntry
from tlo.disclosures.models import DisclosureStatus
from tlo.disclosures.rules import fiscal_year_of
from tlo.disclosures.workflow import Action
from tlo.errors import PermissionDenied
from tlo.licensing import agreements, outreach
from tlo.licensing.agreement_models import AgreementStatus
from tlo.licensing.models import Stage
from tlo.reports import home
from tlo.reports.home import WaitingReason
from tlo.revenue import statements

A_YEAR_AGO = TODAY - relativedelta(months=12)


def assigned(engine, office, officer=None, **form) -> int:
    """A case of office.inventor assigned to `officer` (office.officer by default)."""
    officer = officer or office.officer
    case_id = submitted_case(engine, office.inventor, **form)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=officer.person_id,
        )
    return case_id


def disclosed_publicly(on: date) -> dict:
    """Form fields of a case whose invention was published `on`: the US grace period for
    filing ends a year later."""
    return {"public_disclosures": [PublicDisclosureEntry(on, "paper", "Nature")]}


def overview(engine, actor, today=TODAY) -> home.OfficerOverview:
    with unit_of_work(engine) as session:
        return home.officer_overview(session, actor=actor, today=today)


def test_an_officer_sees_their_cases_by_status_and_only_theirs(engine, office):
    assigned(engine, office, title="Assigned one")
    assigned(engine, office, title="Assigned two")
    case_approved_for_filing(engine, office, title="Approved")
    assigned(engine, office, office.other_officer, title="Someone else's")
    submitted_case(engine, office.inventor, title="In intake")
    abandoned = assigned(engine, office, title="Given up")
    with unit_of_work(engine) as session:
        casework.record_evaluation(
            session,
            actor=office.officer,
            disclosure_id=abandoned,
            scorecard=Scorecard(EVERY_SCORE_4, {}),
        )
        casework.record_filing_decision(
            session,
            actor=office.officer,
            disclosure_id=abandoned,
            decision=Action.ABANDON,
            rationale="No market",
        )
    mine = overview(engine, office.officer)
    assert [(c.status, c.cases) for c in mine.cases_by_status] == [
        (DisclosureStatus.ASSIGNED, 2),
        (DisclosureStatus.FILING, 1),
        (DisclosureStatus.ABANDONED, 1),
    ]
    assert mine.open_cases == 3  # an abandoned case is no longer worked
    theirs = overview(engine, office.other_officer)
    assert [(c.status, c.cases) for c in theirs.cases_by_status] == [(DisclosureStatus.ASSIGNED, 1)]


def test_new_disclosures_and_unscored_cases_of_mine_wait_for_me(engine, office):
    new = submitted_case(engine, office.inventor, title="Just received")
    to_score = assigned(engine, office, title="Not yet scored")
    scored = assigned(engine, office, title="Scored")
    assigned(engine, office, office.other_officer, title="Marcus's")
    case_approved_for_filing(engine, office, title="Decided")
    with unit_of_work(engine) as session:
        casework.record_evaluation(
            session,
            actor=office.officer,
            disclosure_id=scored,
            scorecard=Scorecard(EVERY_SCORE_4, {}),
        )
    waiting = overview(engine, office.officer).waiting
    assert [(w.case_id, w.title, w.reason) for w in waiting] == [
        (to_score, "Not yet scored", WaitingReason.EVALUATE),
        (new, "Just received", WaitingReason.TRIAGE),
    ]
    assert waiting[0].docket.startswith("S") and waiting[1].received_on == TODAY
    # The other officer has the same intake queue, and their own case to score.
    theirs = overview(engine, office.other_officer).waiting
    assert [(w.title, w.reason) for w in theirs] == [
        ("Marcus's", WaitingReason.EVALUATE),
        ("Just received", WaitingReason.TRIAGE),
    ]


def test_a_deferred_case_waits_for_its_officer_from_its_review_date(engine, office):
    case_id = assigned(engine, office, title="Wait for the mouse data")
    review_on = TODAY + timedelta(days=20)
    with unit_of_work(engine) as session:
        casework.record_evaluation(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            scorecard=Scorecard(EVERY_SCORE_4, {}),
        )
        casework.record_filing_decision(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            decision=Action.DEFER,
            rationale="Wait for the mouse data",
            review_on=review_on,
        )
    assert overview(engine, office.officer, today=review_on - timedelta(days=1)).waiting == []
    on_the_day = overview(engine, office.officer, today=review_on).waiting
    assert [(w.case_id, w.reason, w.review_on) for w in on_the_day] == [
        (case_id, WaitingReason.REVIEW, review_on)
    ]
    assert overview(engine, office.other_officer, today=review_on).waiting == []


GRACE = "File in the US within the one-year grace period"


def test_deadlines_and_obligations_are_bucketed_overdue_30_and_90_days(engine, office):
    late = assigned(engine, office, **disclosed_publicly(A_YEAR_AGO - timedelta(days=20)))
    soon = assigned(engine, office, **disclosed_publicly(A_YEAR_AGO + timedelta(days=15)))
    later = assigned(engine, office, **disclosed_publicly(A_YEAR_AGO + timedelta(days=60)))
    assigned(engine, office, **disclosed_publicly(A_YEAR_AGO + timedelta(days=150)))
    assigned(
        engine, office, office.other_officer, **disclosed_publicly(A_YEAR_AGO + timedelta(days=5))
    )
    technology, _ = filed_technology(engine, office)
    agreement_id = save(
        engine, office.officer, exclusive_form(licensee(engine, office), [technology])
    )
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY,
        )
    mine = overview(engine, office.officer)

    def patent(deadlines):
        return [(d.case_id, d.label) for d in deadlines if d.kind == "patent"]

    assert patent(mine.overdue) == [(late, GRACE)]
    assert patent(mine.due_soon) == [(soon, GRACE)]
    assert patent(mine.due_later) == [(later, GRACE)]  # the fourth is due after 90 days
    # The grace period ends a year after the publication (a day either way at a month end,
    # e.g. from a leap day), then rolls forward past a closed USPTO day (at most three:
    # Saturday, Sunday and a Monday holiday): a rolled deadline is *less* overdue.
    assert mine.overdue[0].overdue and 20 - 1 - 3 <= -mine.overdue[0].days_left <= 20 + 1
    assert 15 - 1 <= mine.due_soon[0].days_left <= 15 + 1 + 3
    # The licence's fees are due 30 days after its effective date: still "within 30 days".
    # They open the case file of the technology the agreement covers.
    obligations = [d for d in mine.due_soon if d.kind == "license"]
    assert sorted((d.label, d.days_left, d.case_id) for d in obligations) == [
        ("Reimbursement of past patent costs", 30, technology),
        ("Upfront (issue) fee", 30, technology),
    ]
    assert {d.docket for d in obligations} == {f"AGR-{agreement_id:05d}"}
    assert {d.subject for d in obligations} == {"VoltCell & Sons Inc."}
    assert all(d.days_left <= home.HORIZON_DAYS for d in mine.due_later)
    assert all(d.days_left > home.SOON_DAYS for d in mine.due_later)


def test_follow_ups_due_this_week_or_late_are_the_officers_own(engine, office):
    case_id = assigned(engine, office)
    theirs = assigned(engine, office, office.other_officer)
    with unit_of_work(engine) as session:
        companies = [
            outreach.save_company(
                session,
                actor=office.officer,
                form=outreach.CompanyForm(name=name, size="small"),
            ).id
            for name in ("Acme Batteries", "Borealis Cells", "Cobalt Labs", "Dynamo Power")
        ]
    with unit_of_work(engine) as session:
        due = {}
        for company_id, follow_up in zip(companies[:3], (3, -2, 30), strict=True):
            started = outreach.start_outreach(
                session, actor=office.officer, disclosure_id=case_id, company_id=company_id
            )
            outreach.set_follow_up(
                session,
                actor=office.officer,
                outreach_id=started.id,
                next_follow_up=TODAY + timedelta(days=follow_up),
            )
            due[company_id] = started.id
        other = outreach.start_outreach(
            session, actor=office.other_officer, disclosure_id=theirs, company_id=companies[3]
        )
        outreach.set_follow_up(
            session, actor=office.other_officer, outreach_id=other.id, next_follow_up=TODAY
        )
    follow_ups = overview(engine, office.officer).follow_ups
    assert [(f.company, f.days_left, f.late, f.case_id) for f in follow_ups] == [
        ("Borealis Cells", -2, True, case_id),
        ("Acme Batteries", 3, False, case_id),
    ]
    assert follow_ups[0].stage is Stage.IDENTIFIED


def test_only_staff_who_run_the_docket_have_an_officers_home(engine, office):
    for actor in (office.inventor, office.finance):
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            home.officer_overview(session, actor=actor)
    assert overview(engine, office.director).cases_by_status == []


def test_an_inventor_sees_their_disclosures_newest_first_with_their_status(engine, office):
    first = submitted_case(engine, office.inventor, title="First")
    second = assigned(engine, office, title="Second")
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session,
            actor=office.inventor,
            form=intake.DisclosureForm(title="Half written"),
        ).id
    submitted_case(engine, office.officer, title="Not mine")
    with unit_of_work(engine) as session:
        mine = home.inventor_overview(session, actor=office.inventor)
        newest_two = home.inventor_overview(session, actor=office.inventor, limit=2)
    assert [(row.id, row.status) for row in mine.disclosures] == [
        (draft, DisclosureStatus.DRAFT),
        (second, DisclosureStatus.ASSIGNED),
        (first, DisclosureStatus.SUBMITTED),
    ]
    assert mine.disclosures_total == 3
    assert [row.id for row in newest_two.disclosures] == [draft, second]
    assert newest_two.disclosures_total == 3
    assert mine.income_by_year == [] and mine.income_to_date == Decimal("0.00")


def test_a_co_inventor_is_told_how_many_shares_wait_for_their_confirmation(engine, office):
    co_inventor = make_actor(engine, Role.INVENTOR, name="Bob Okafor")
    named = [(office.inventor.person_id, "60"), (co_inventor.person_id, "40")]
    first = submitted_case(engine, office.inventor, *named, title="First")
    submitted_case(engine, office.inventor, *named, title="Second")
    with unit_of_work(engine) as session:
        intake.save_draft(
            session,
            actor=office.inventor,
            form=complete_form(*named, title="Not yet submitted"),
        )
    with unit_of_work(engine) as session:
        intake.confirm_share(session, actor=co_inventor, disclosure_id=first)
    with unit_of_work(engine) as session:
        theirs = home.inventor_overview(session, actor=co_inventor)
        submitters = home.inventor_overview(session, actor=office.inventor)
    assert theirs.shares_to_confirm == 1  # the second case; a draft asks nobody yet
    assert [(row.title, row.awaiting_my_confirmation) for row in theirs.disclosures] == [
        ("Not yet submitted", False),
        ("Second", True),
        ("First", False),
    ]
    assert submitters.shares_to_confirm == 0  # submitting confirms one's own share


def test_an_inventors_income_is_summed_by_fiscal_year(engine, office):
    agreement_id = signed_license(engine, office, [technology(engine, office)])
    this_year, last_year = TODAY - timedelta(days=5), TODAY - timedelta(days=400)
    for amount, received_on in (("200,000.00", this_year), ("50,000.00", last_year)):
        income_id = receive(engine, office, agreement_id, amount, received_on=received_on)
        distribute(engine, office, income_id)
    with unit_of_work(engine) as session:
        alices = home.inventor_overview(session, actor=office.inventor)
        statement = statements.inventor_statement(
            session, actor=office.inventor, person_id=office.inventor.person_id
        )
    start_month = get_settings().fiscal_year_start_month
    # Alice holds 60 %. Her part of the first income posted is the statements test's known
    # answer; the second one, received a fiscal year earlier, is charted in that year.
    assert alices.income_by_year == [
        (fiscal_year_of(last_year, start_month), Decimal("8501.70")),
        (fiscal_year_of(this_year, start_month), Decimal("30006.00")),
    ]
    assert alices.income_to_date == Decimal("38507.70") == statement.total
    assert dict(alices.income_by_year) == statement.by_fiscal_year()
