"""Every action from every status: allowed where the table says, a clear error elsewhere."""

from datetime import date

import pytest

from tlo.disclosures.models import DisclosureStatus as S
from tlo.disclosures.workflow import TRANSITIONS, Action, Party, allowed_actions, plan
from tlo.errors import InvalidTransition, PermissionDenied, ValidationError

EVERYONE = set(Party)
TODAY = date(2026, 11, 25)

EXPECTED = {
    Action.SUBMIT: ({S.DRAFT}, S.SUBMITTED),
    Action.ASSIGN: ({S.SUBMITTED}, S.ASSIGNED),
    Action.START_EVALUATION: ({S.ASSIGNED}, S.EVALUATING),
    Action.FILE_PROVISIONAL: ({S.EVALUATING, S.DEFERRED, S.FILING}, S.FILING),
    Action.FILE_PCT: ({S.EVALUATING, S.DEFERRED, S.FILING}, S.FILING),
    Action.FILE_NONPROVISIONAL: ({S.EVALUATING, S.DEFERRED, S.FILING}, S.FILING),
    Action.DEFER: ({S.EVALUATING, S.DEFERRED, S.FILING}, S.DEFERRED),
    Action.RELEASE: ({S.EVALUATING, S.DEFERRED, S.FILING}, S.RELEASED),
    Action.ABANDON: ({S.EVALUATING, S.DEFERRED, S.FILING}, S.ABANDONED),
    Action.RECORD_FILING: ({S.FILING}, S.FILED),
    Action.START_MARKETING: ({S.FILING, S.FILED, S.RELEASED}, S.MARKETING),
    Action.LICENSE: ({S.FILED, S.MARKETING}, S.LICENSED),
    Action.CLOSE: ({S.RELEASED, S.ABANDONED, S.LICENSED, S.MARKETING}, S.CLOSED),
    Action.REOPEN: ({S.ABANDONED, S.CLOSED, S.RELEASED}, S.EVALUATING),
}
ALL_DATA = {"rationale": "Strong claims", "review_on": date(2027, 3, 1), "has_evaluation": True}


def test_the_table_covers_every_action():
    assert set(TRANSITIONS) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(Action))
def test_every_transition_is_allowed_exactly_where_the_table_says(status, action):
    sources, target = EXPECTED[action]
    if status in sources:
        assert plan(status, action, parties=EVERYONE, today=TODAY, **ALL_DATA) is target
    else:
        with pytest.raises(InvalidTransition, match=f"cannot be moved by '{action.label}'"):
            plan(status, action, parties=EVERYONE, today=TODAY, **ALL_DATA)


@pytest.mark.parametrize(
    ("action", "status", "allowed", "refused"),
    [
        (Action.SUBMIT, S.DRAFT, {Party.INVENTOR}, {Party.ASSIGNED_OFFICER}),
        (Action.ASSIGN, S.SUBMITTED, {Party.OFFICER}, {Party.INVENTOR}),
        (
            Action.FILE_PROVISIONAL,
            S.EVALUATING,
            {Party.ASSIGNED_OFFICER},
            {Party.OFFICER, Party.INVENTOR},
        ),
        (Action.FILE_PROVISIONAL, S.EVALUATING, {Party.DIRECTOR}, {Party.OFFICER}),
        (Action.REOPEN, S.ABANDONED, {Party.DIRECTOR}, {Party.ASSIGNED_OFFICER}),
    ],
)
def test_who_may_take_an_action(action, status, allowed, refused):
    assert plan(status, action, parties=allowed, today=TODAY, **ALL_DATA)
    with pytest.raises(PermissionDenied, match="Only"):
        plan(status, action, parties=refused, today=TODAY, **ALL_DATA)


def test_a_decision_needs_a_rationale():
    with pytest.raises(ValidationError, match="Give the rationale for 'Abandon'"):
        plan(S.EVALUATING, Action.ABANDON, parties=EVERYONE, rationale="  ")


def test_a_deferral_needs_a_future_review_date():
    with pytest.raises(ValidationError, match="date to review"):
        plan(S.EVALUATING, Action.DEFER, parties=EVERYONE, rationale="wait for data")
    with pytest.raises(ValidationError, match="in the future"):
        plan(
            S.EVALUATING,
            Action.DEFER,
            parties=EVERYONE,
            rationale="wait for data",
            review_on=TODAY,
            today=TODAY,
        )


def test_a_decision_to_file_needs_a_scorecard_first():
    with pytest.raises(ValidationError, match="evaluation scorecard"):
        plan(S.EVALUATING, Action.FILE_PCT, parties=EVERYONE, rationale="big market")
    assert plan(S.EVALUATING, Action.RELEASE, parties=EVERYONE, rationale="no market") is (
        S.RELEASED
    )


def test_allowed_actions_lists_what_a_party_can_do_now():
    assert allowed_actions(S.EVALUATING, {Party.INVENTOR}) == []
    assert allowed_actions(S.EVALUATING, {Party.ASSIGNED_OFFICER}) == [
        Action.FILE_PROVISIONAL,
        Action.FILE_PCT,
        Action.FILE_NONPROVISIONAL,
        Action.DEFER,
        Action.RELEASE,
        Action.ABANDON,
    ]
