"""The next step always in view: service-level targets per stage, a case's next step, and the
cases past target (issue #18, "The next step, always in view")."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import EVERY_SCORE_4, make_actor, submitted_case
from tlo import audit, clock
from tlo.audit import AuditFilters
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import casework, queries, targets
from tlo.disclosures.casework import Scorecard
from tlo.disclosures.models import Disclosure, StatusChange
from tlo.disclosures.models import DisclosureStatus as S
from tlo.disclosures.targets import StageTarget, Who
from tlo.disclosures.workflow import Action
from tlo.errors import PermissionDenied, ValidationError


def days_ago(engine, case_id: int, days: int) -> None:
    """Move the case's whole history `days` earlier, as if it had been received then."""
    with unit_of_work(engine) as session:
        for change in session.exec(
            select(StatusChange).where(StatusChange.disclosure_id == case_id)
        ).all():
            change.at -= timedelta(days=days)
            session.add(change)
        disclosure = session.get(Disclosure, case_id)
        disclosure.submitted_at -= timedelta(days=days)
        disclosure.created_at -= timedelta(days=days)
        session.add(disclosure)


def assign(engine, office, case_id, officer=None):
    officer = officer or office.officer
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session, actor=officer, disclosure_id=case_id, officer_person_id=officer.person_id
        )


def evaluate(engine, actor, case_id):
    with unit_of_work(engine) as session:
        casework.record_evaluation(
            session, actor=actor, disclosure_id=case_id, scorecard=Scorecard(EVERY_SCORE_4, {})
        )


def decide(engine, actor, case_id, decision, *, review_on=None):
    with unit_of_work(engine) as session:
        casework.record_filing_decision(
            session,
            actor=actor,
            disclosure_id=case_id,
            decision=decision,
            rationale="The committee's view",
            review_on=review_on,
        )


def step_of(engine, actor, case_id):
    with unit_of_work(engine) as session:
        view = queries.get_case(session, actor=actor, disclosure_id=case_id)
        return targets.next_step(session, view.disclosure, view.timeline)


def test_a_fresh_office_has_the_default_targets(engine, office):
    with unit_of_work(engine) as session:
        days = targets.targets(session)
    assert days[S.SUBMITTED] == 14 and days[S.EVALUATING] == 90
    assert days[S.MARKETING] is None  # a licensee takes what it takes
    assert S.DRAFT not in days and S.DEFERRED not in days  # the inventor's; the review date


def test_the_director_sets_targets_and_the_log_says_before_and_after(engine, office):
    with unit_of_work(engine) as session:
        targets.save_targets(
            session, actor=office.director, days={"evaluating": "120", "filed": ""}
        )
    with unit_of_work(engine) as session:
        days = targets.targets(session)
        view = targets.targets_view(session, actor=office.director)
        (entry,) = audit.list_entries(
            session, actor=office.director, filters=AuditFilters(object_type="office_settings")
        ).items
    assert days[S.EVALUATING] == 120 and days[S.FILED] is None
    assert days[S.SUBMITTED] == 14  # not given: kept
    assert view.updated_by_name == "Diane Whitfield"
    assert entry.sentence == (
        "Diane Whitfield changed the service-level targets of each stage in the office settings"
    )
    assert entry.before["evaluating"] == 90 and entry.after["evaluating"] == 120


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"evaluating": "0"}, "1 to 1095 days"),
        ({"evaluating": 2000}, "1 to 1095 days"),
        ({"evaluating": "four months"}, "whole number of days"),
        ({"evaluating": True}, "whole number of days"),
        ({"evaluating": 1.5}, "whole number of days"),
        ({"draft": 10}, "not a stage"),
        ({"'; DROP TABLE stage_target; --": 10}, "not a stage"),
    ],
)
def test_a_bad_target_is_refused_and_nothing_is_saved(engine, office, days, message):
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match=message):
        targets.save_targets(session, actor=office.director, days={"submitted": 7, **days})
    with unit_of_work(engine) as session:
        assert session.exec(select(StageTarget)).all() == []


def test_only_the_director_and_the_administrator_set_targets(engine, office):
    admin = make_actor(engine, Role.ADMIN, name="Ada Admin")
    with unit_of_work(engine) as session:
        targets.save_targets(session, actor=admin, days={"submitted": 7})
    for actor in (office.officer, office.finance, office.inventor):
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            targets.save_targets(session, actor=actor, days={"submitted": 1})
    with unit_of_work(engine) as session:
        assert targets.targets(session)[S.SUBMITTED] == 7


def test_the_inventor_reads_what_happens_next_who_does_it_and_by_when(engine, office):
    case_id = submitted_case(engine, office.inventor)
    received = step_of(engine, office.inventor, case_id)
    assert received.stage is S.SUBMITTED and received.who is Who.OFFICE
    assert received.entered_on == TODAY and received.due_on == TODAY + timedelta(days=14)
    assert received.who_label == "The licensing office" and received.days_past_target == 0

    assign(engine, office, case_id)
    assigned = step_of(engine, office.inventor, case_id)
    assert assigned.stage is S.ASSIGNED and assigned.due_on == TODAY + timedelta(days=30)
    assert assigned.who_label == "Olivia Ortega, your licensing officer"
    assert assigned.officer_email and "@" in assigned.officer_email

    days_ago(engine, case_id, 40)
    late = step_of(engine, office.inventor, case_id)
    assert late.days_in_stage == 40 and late.days_past_target == 10


def test_a_deferred_case_is_due_on_its_review_date_and_a_released_one_has_no_next_step(
    engine, office
):
    case_id = submitted_case(engine, office.inventor)
    assign(engine, office, case_id)
    evaluate(engine, office.officer, case_id)
    review_on = TODAY + timedelta(days=45)
    decide(engine, office.officer, case_id, Action.DEFER, review_on=review_on)
    assert step_of(engine, office.inventor, case_id).due_on == review_on
    decide(engine, office.officer, case_id, Action.RELEASE)
    assert step_of(engine, office.inventor, case_id) is None


def test_an_officer_sees_their_own_cases_past_target_the_longest_past_first(engine, office):
    on_time = submitted_case(engine, office.inventor, title="Received today")
    assign(engine, office, on_time)
    a_bit_late = submitted_case(engine, office.inventor, title="Assigned 35 days ago")
    assign(engine, office, a_bit_late)
    days_ago(engine, a_bit_late, 35)  # 5 days past the 30 to start evaluating
    very_late = submitted_case(engine, office.inventor, title="Under evaluation 200 days")
    assign(engine, office, very_late)
    evaluate(engine, office.officer, very_late)
    days_ago(engine, very_late, 200)  # 110 days past the 90 for a decision
    someone_elses = submitted_case(engine, office.inventor, title="Marcus's, late too")
    assign(engine, office, someone_elses, officer=office.other_officer)
    days_ago(engine, someone_elses, 100)
    unassigned = submitted_case(engine, office.inventor, title="Nobody took it")
    days_ago(engine, unassigned, 20)  # 6 days past the 14 to assign

    with unit_of_work(engine) as session:
        mine, total = targets.cases_past_target(
            session, actor=office.officer, officer_person_id=office.officer.person_id
        )
        everyone, office_total = targets.cases_past_target(session, actor=office.director, limit=2)
    assert [(c.case_id, c.stage, c.days_past) for c in mine] == [
        (very_late, S.EVALUATING, 110),
        (a_bit_late, S.ASSIGNED, 5),
    ]
    assert total == 2 and mine[0].due_on == TODAY - timedelta(days=110)
    assert office_total == 4 and len(everyone) == 2  # at most the limit, all counted
    assert everyone[0].case_id == very_late and everyone[1].officer == "Marcus Lee"

    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        targets.cases_past_target(session, actor=office.inventor)


def test_a_target_the_office_lengthens_takes_a_case_off_the_late_list(engine, office):
    case_id = submitted_case(engine, office.inventor)
    days_ago(engine, case_id, 20)
    with unit_of_work(engine) as session:
        assert targets.cases_past_target(session, actor=office.director)[1] == 1
        targets.save_targets(session, actor=office.director, days={"submitted": 21})
    with unit_of_work(engine) as session:
        assert targets.cases_past_target(session, actor=office.director)[1] == 0
        targets.save_targets(session, actor=office.director, days={"submitted": None})
    with unit_of_work(engine) as session:  # no target: never late
        assert targets.cases_past_target(session, actor=office.director)[1] == 0


def test_the_dashboard_counts_each_stage_per_officer_with_the_median_days(engine, office):
    for days in (10, 20, 40, 50):  # assigned to Olivia: median 30 days, two past 30 days
        case_id = submitted_case(engine, office.inventor)
        assign(engine, office, case_id)
        days_ago(engine, case_id, days)
    for days in (3, 16, 30):  # unassigned: median 16 days, two past 14 days
        days_ago(engine, submitted_case(engine, office.inventor), days)
    closed = submitted_case(engine, office.inventor)  # released: not counted
    assign(engine, office, closed)
    evaluate(engine, office.officer, closed)
    decide(engine, office.officer, closed, Action.RELEASE)
    with unit_of_work(engine) as session:
        loads = targets.stage_loads(session, actor=office.director)
    assert [(load.stage, load.officer, load.cases, load.past_target) for load in loads] == [
        (S.SUBMITTED, "Unassigned", 3, 2),
        (S.ASSIGNED, "Olivia Ortega", 4, 2),
    ]
    assert [load.median_days for load in loads] == [16, 30]
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        targets.stage_loads(session, actor=office.inventor)


def test_a_case_counts_from_its_last_move_into_its_stage(engine, office):
    case_id = submitted_case(engine, office.inventor)
    days_ago(engine, case_id, 100)  # received 100 days ago ...
    assign(engine, office, case_id)  # ... assigned today
    with unit_of_work(engine) as session:
        assert targets.cases_past_target(session, actor=office.director)[1] == 0
        disclosure = session.get(Disclosure, case_id)
        timeline = session.exec(
            select(StatusChange).where(StatusChange.disclosure_id == case_id)
        ).all()
        moved = targets.entered_stage_at(disclosure, list(timeline))
    assert clock.office_date(moved) == TODAY
