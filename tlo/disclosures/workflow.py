"""The one state machine of a disclosure: which action leads from which status to which, who
may take it, and what it needs. Services ask `plan()` before they change a case's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tlo.disclosures.models import DisclosureStatus as S
from tlo.errors import InvalidTransition, PermissionDenied, ValidationError


class Action(StrEnum):
    SUBMIT = "submit"
    ASSIGN = "assign"
    START_EVALUATION = "start_evaluation"
    FILE_PROVISIONAL = "file_provisional"
    FILE_PCT = "file_pct"
    FILE_NONPROVISIONAL = "file_nonprovisional"
    DEFER = "defer"
    RELEASE = "release"
    ABANDON = "abandon"
    RECORD_FILING = "record_filing"
    START_MARKETING = "start_marketing"
    LICENSE = "license"
    CLOSE = "close"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return _ACTION_LABELS.get(self, self.value.replace("_", " ").capitalize())


_ACTION_LABELS = {
    Action.FILE_PROVISIONAL: "File provisional",
    Action.FILE_PCT: "File PCT",
    Action.FILE_NONPROVISIONAL: "File non-provisional",
    Action.DEFER: "Defer",
    Action.RELEASE: "Release to inventors",
    Action.ABANDON: "Abandon",
}

# The filing decisions an officer records on the case page, in the order they are offered.
FILING_DECISIONS = (
    Action.FILE_PROVISIONAL,
    Action.FILE_PCT,
    Action.FILE_NONPROVISIONAL,
    Action.DEFER,
    Action.RELEASE,
    Action.ABANDON,
)


class Party(StrEnum):
    """How the acting user stands to this case."""

    INVENTOR = "an inventor on the case"
    OFFICER = "a licensing officer"
    ASSIGNED_OFFICER = "the case's licensing officer"
    DIRECTOR = "the director"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[S]
    target: S
    parties: frozenset[Party]
    needs_rationale: bool = False
    needs_review_date: bool = False
    needs_evaluation: bool = False


_CASE_OWNERS = frozenset({Party.ASSIGNED_OFFICER, Party.DIRECTOR})
_DECIDABLE = frozenset({S.EVALUATING, S.DEFERRED, S.FILING})


def _decision(action: Action, target: S, **needs: bool) -> Transition:
    return Transition(action, _DECIDABLE, target, _CASE_OWNERS, needs_rationale=True, **needs)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        Transition(
            Action.SUBMIT,
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            frozenset({Party.INVENTOR, Party.OFFICER, Party.DIRECTOR}),
        ),
        Transition(
            Action.ASSIGN,
            frozenset({S.SUBMITTED}),
            S.ASSIGNED,
            frozenset({Party.OFFICER, Party.DIRECTOR}),
        ),
        Transition(Action.START_EVALUATION, frozenset({S.ASSIGNED}), S.EVALUATING, _CASE_OWNERS),
        _decision(Action.FILE_PROVISIONAL, S.FILING, needs_evaluation=True),
        _decision(Action.FILE_PCT, S.FILING, needs_evaluation=True),
        _decision(Action.FILE_NONPROVISIONAL, S.FILING, needs_evaluation=True),
        _decision(Action.DEFER, S.DEFERRED, needs_review_date=True),
        _decision(Action.RELEASE, S.RELEASED),
        _decision(Action.ABANDON, S.ABANDONED),
        Transition(Action.RECORD_FILING, frozenset({S.FILING}), S.FILED, _CASE_OWNERS),
        Transition(
            Action.START_MARKETING,
            frozenset({S.FILING, S.FILED, S.RELEASED}),
            S.MARKETING,
            _CASE_OWNERS,
        ),
        Transition(
            Action.LICENSE,
            frozenset({S.FILED, S.MARKETING}),
            S.LICENSED,
            _CASE_OWNERS,
            needs_rationale=True,
        ),
        Transition(
            Action.CLOSE,
            frozenset({S.RELEASED, S.ABANDONED, S.LICENSED, S.MARKETING}),
            S.CLOSED,
            _CASE_OWNERS,
            needs_rationale=True,
        ),
        Transition(
            Action.REOPEN,
            frozenset({S.ABANDONED, S.CLOSED, S.RELEASED}),
            S.EVALUATING,
            frozenset({Party.DIRECTOR}),
            needs_rationale=True,
        ),
    ]
}


def allowed_actions(status: S, parties: set[Party]) -> list[Action]:
    """What these parties may do to a case in `status`, in the table's order."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources and t.parties & parties]


def plan(
    status: S,
    action: Action,
    *,
    parties: set[Party],
    rationale: str = "",
    review_on: date | None = None,
    today: date | None = None,
    has_evaluation: bool = False,
) -> S:
    """The status `action` leads to, or the error that says why it may not happen."""
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise InvalidTransition(
            f"A case that is '{status.label}' cannot be moved by '{action.label}'. "
            f"That is possible only from: {', '.join(s.label for s in transition.sources)}."
        )
    if not transition.parties & parties:
        who = " or ".join(sorted(p.value for p in transition.parties))
        raise PermissionDenied(f"Only {who} may '{action.label}' this case.")
    if transition.needs_rationale and not rationale.strip():
        raise ValidationError(f"Give the rationale for '{action.label}'.")
    if transition.needs_review_date:
        if review_on is None:
            raise ValidationError("A deferred decision needs the date to review it again.")
        if today is not None and review_on <= today:
            raise ValidationError("The review date of a deferral must be in the future.")
    if transition.needs_evaluation and not has_evaluation:
        raise ValidationError("Score the case on the evaluation scorecard before deciding to file.")
    return transition.target
