"""Use cases of the officer's side: triage, evaluation, filing decisions, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tlo import audit
from tlo.auth.models import Account, AccountRole, Role
from tlo.auth.permissions import Actor, can, require
from tlo.disclosures.access import CaseAccess, load_case
from tlo.disclosures.models import CaseNote, DisclosureStatus, Evaluation, FilingDecision
from tlo.disclosures.rules import CRITERIA, check_score, evaluation_weights, weighted_score
from tlo.disclosures.status import change_status
from tlo.disclosures.workflow import FILING_DECISIONS, Action
from tlo.errors import ValidationError
from tlo.notify import hooks
from tlo.people.models import Person
from tlo.text import clean_choice, clean_date, clean_id, clean_text


@dataclass(frozen=True)
class OfficerOption:
    person_id: int
    name: str


def list_officers(session: Session, *, actor: Actor) -> list[OfficerOption]:
    """Active licensing officers, who can be given cases."""
    require(actor, "disclosure.triage")
    rows = session.exec(
        select(Person.id, Person.full_name)
        .join(Account, Account.person_id == Person.id)
        .join(AccountRole, AccountRole.account_id == Account.id)
        .where(AccountRole.role == Role.OFFICER.value, Account.active, Person.active)
        .order_by(Person.full_name)
    ).all()
    return [OfficerOption(person_id, name) for person_id, name in rows]


def may_assign(actor: Actor, case: CaseAccess) -> bool:
    """Any officer triages a new case; once it has its officer, only the director reassigns."""
    if not can(actor, "disclosure.triage", case) or case.status is DisclosureStatus.DRAFT:
        return False
    return case.status is DisclosureStatus.SUBMITTED or actor.has_role(Role.DIRECTOR)


def assign_officer(
    session: Session, *, actor: Actor, disclosure_id: int, officer_person_id: int
) -> None:
    """Triage a new case to an officer; later, only the director reassigns it (giving the
    reason: `reassign_officer`)."""
    _assign(session, actor, disclosure_id, officer_person_id, reason="")


REASSIGN_REASON_MAX_LENGTH = 500


def reassign_officer(
    session: Session, *, actor: Actor, disclosure_id: int, officer_person_id: int, reason: str
) -> None:
    """Give a case that has its officer to another one (the director), saying why: the reason
    is kept in the audit log ("... reassigned S26-0001 from Olivia Ortega to Marcus Lee:
    “Olivia is on leave until May”")."""
    reason = clean_text(
        reason,
        what="reason for reassigning the case",
        max_length=REASSIGN_REASON_MAX_LENGTH,
        required=True,
    )
    clean_id(officer_person_id, what="officer")
    case = load_case(session, actor, disclosure_id, "disclosure.triage", for_update=True)
    current = case.disclosure.officer_person_id
    if current is None:
        raise ValidationError(
            f"{case.disclosure.docket or 'The case'} has no officer yet: assign it first."
        )
    if current == officer_person_id:
        raise ValidationError("Choose another officer: the case is already theirs.")
    _assign(session, actor, disclosure_id, officer_person_id, reason=reason, case=case)


def _assign(
    session: Session,
    actor: Actor,
    disclosure_id: int,
    officer_person_id: int,
    *,
    reason: str,
    case: CaseAccess | None = None,
) -> None:
    clean_id(officer_person_id, what="officer")
    if case is None:
        case = load_case(session, actor, disclosure_id, "disclosure.triage", for_update=True)
    officers = {option.person_id: option.name for option in list_officers(session, actor=actor)}
    if officer_person_id not in officers:
        raise ValidationError("Choose an active licensing officer.")
    disclosure = case.disclosure
    before = disclosure.officer_person_id
    if before == officer_person_id:
        return
    if case.status is DisclosureStatus.DRAFT:
        raise ValidationError("A draft is assigned once its inventors have submitted it.")
    if not may_assign(actor, case):
        raise ValidationError(
            f"{disclosure.docket} already has its officer; the director reassigns cases."
        )
    if before is not None and not reason:
        raise ValidationError(
            f"{disclosure.docket} already has its officer: reassigning it asks for a reason."
        )
    disclosure.officer_person_id = officer_person_id
    session.add(disclosure)
    if case.status is DisclosureStatus.SUBMITTED:
        change_status(
            session, actor, case, Action.ASSIGN, note=f"Assigned to {officers[officer_person_id]}"
        )
    audit.record(
        session,
        actor=actor,
        action="disclosure.officer_assigned",
        object_type="disclosure",
        object_id=disclosure_id,
        before={"officer_person_id": before},
        after={"officer_person_id": officer_person_id, **({"reason": reason} if reason else {})},
    )
    hooks.case_assigned(session, actor=actor, disclosure=disclosure)


@dataclass
class Scorecard:
    scores: dict[str, int]
    notes: dict[str, str]
    prior_art_notes: str = ""
    recommendation: Action | str | None = None


def _clean_scorecard(scorecard: object) -> Scorecard:
    """Scores from 1 to 5, notes as text, a recommendation that is a filing decision."""
    if (
        not isinstance(scorecard, Scorecard)
        or not isinstance(scorecard.scores, dict)
        or not isinstance(scorecard.notes, dict)
    ):
        raise ValidationError("Fill in the scorecard: a score from 1 to 5 for each criterion.")
    scores = {name: check_score(name, scorecard.scores.get(name)) for name in CRITERIA}
    notes = {
        name: clean_text(scorecard.notes.get(name), what=f"note on {label.lower()}")
        for name, label in CRITERIA.items()
    }
    recommendation = None
    if scorecard.recommendation:
        recommendation = clean_choice(scorecard.recommendation, Action, what="recommendation")
        if recommendation not in FILING_DECISIONS:
            raise ValidationError("Recommend one of the filing decisions.")
    return Scorecard(
        scores,
        notes,
        clean_text(scorecard.prior_art_notes, what="prior-art notes"),
        recommendation,
    )


EVALUABLE = {
    DisclosureStatus.ASSIGNED,
    DisclosureStatus.EVALUATING,
    DisclosureStatus.DEFERRED,
    DisclosureStatus.FILING,
}


def record_evaluation(
    session: Session, *, actor: Actor, disclosure_id: int, scorecard: Scorecard
) -> Evaluation:
    """Score the case; the first scorecard starts its evaluation. Scorecards are kept as
    history: a new one never overwrites an older one."""
    scorecard = _clean_scorecard(scorecard)
    case = load_case(session, actor, disclosure_id, "disclosure.work", for_update=True)
    if case.status not in EVALUABLE:
        raise ValidationError(f"A case that is '{case.status.label}' is not being evaluated.")
    scores = scorecard.scores
    recommendation = scorecard.recommendation
    if case.status is DisclosureStatus.ASSIGNED:
        change_status(session, actor, case, Action.START_EVALUATION)
    evaluation = Evaluation(
        disclosure_id=disclosure_id,
        **scores,
        **{f"{name}_note": scorecard.notes.get(name, "").strip() for name in CRITERIA},
        weighted_score_x100=int(weighted_score(scores, evaluation_weights()) * 100),
        prior_art_notes=scorecard.prior_art_notes.strip(),
        recommendation=recommendation.value if recommendation else "",
        evaluated_by_account_id=actor.account_id,
        evaluated_by_name=actor.name,
    )
    session.add(evaluation)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="disclosure.evaluated",
        object_type="disclosure",
        object_id=disclosure_id,
        after=audit.snapshot(evaluation),
    )
    return evaluation


def record_filing_decision(
    session: Session,
    *,
    actor: Actor,
    disclosure_id: int,
    decision: Action | str,
    rationale: str,
    review_on: date | None = None,
    today: date | None = None,
) -> FilingDecision:
    """File provisional / PCT / non-provisional, defer, release or abandon, with a rationale."""
    decision = clean_choice(decision, Action, what="filing decision")
    rationale = clean_text(rationale, what="rationale", column=FilingDecision.rationale)
    review_on = clean_date(review_on, what="review date", required=False)
    today = clean_date(today, what="day of the decision", required=False)
    if decision not in FILING_DECISIONS:
        raise ValidationError(f"'{decision.label}' is not a filing decision.")
    case = load_case(session, actor, disclosure_id, "disclosure.work", for_update=True)
    has_evaluation = (
        session.exec(
            select(Evaluation.id).where(Evaluation.disclosure_id == disclosure_id).limit(1)
        ).first()
        is not None
    )
    change_status(
        session,
        actor,
        case,
        decision,
        rationale=rationale,
        review_on=review_on,
        today=today,
        has_evaluation=has_evaluation,
    )
    record = FilingDecision(
        disclosure_id=disclosure_id,
        decision=decision.value,
        rationale=rationale.strip(),
        review_on=review_on if decision is Action.DEFER else None,
        decided_by_account_id=actor.account_id,
        decided_by_name=actor.name,
    )
    session.add(record)
    hooks.filing_decision(
        session, actor=actor, disclosure=case.disclosure, decision_label=decision.label
    )
    return record


# Status steps an officer takes by hand; filing decisions and triage have their own use cases.
MANUAL_ACTIONS = (
    Action.RECORD_FILING,
    Action.START_MARKETING,
    Action.LICENSE,
    Action.CLOSE,
    Action.REOPEN,
)


def take_action(
    session: Session, *, actor: Actor, disclosure_id: int, action: Action | str, rationale: str
) -> DisclosureStatus:
    action = clean_choice(action, Action, what="step")
    rationale = clean_text(rationale, what="rationale")
    if action not in MANUAL_ACTIONS:
        raise ValidationError(f"'{action.label}' is taken through its own form.")
    case = load_case(session, actor, disclosure_id, "disclosure.work", for_update=True)
    return change_status(session, actor, case, action, rationale=rationale)


def add_note(session: Session, *, actor: Actor, disclosure_id: int, text: str) -> CaseNote:
    text = clean_text(text, what="note", column=CaseNote.text)
    load_case(session, actor, disclosure_id, "disclosure.work")
    if not text:
        raise ValidationError("Write the note before saving it.")
    note = CaseNote(
        disclosure_id=disclosure_id,
        text=text.strip(),
        written_by_account_id=actor.account_id,
        written_by_name=actor.name,
    )
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="disclosure.note_added",
        object_type="disclosure",
        object_id=disclosure_id,
        after={"note_id": note.id},
    )
    return note
