"""Changing a case's status: the only code that writes Disclosure.status."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from tlo import audit, clock
from tlo.auth.permissions import Actor
from tlo.disclosures.access import CaseAccess
from tlo.disclosures.models import DisclosureStatus, StatusChange
from tlo.disclosures.workflow import Action, plan


def change_status(
    session: Session,
    actor: Actor,
    case: CaseAccess,
    action: Action,
    *,
    note: str = "",
    rationale: str = "",
    review_on: date | None = None,
    today: date | None = None,
    has_evaluation: bool = False,
) -> DisclosureStatus:
    """Take `action` on the case through the state machine; record it on the timeline."""
    before = case.status
    after = plan(
        before,
        action,
        parties=case.parties(actor),
        rationale=rationale,
        review_on=review_on,
        today=today or clock.today(),
        has_evaluation=has_evaluation,
    )
    disclosure = case.disclosure
    disclosure.status = after.value
    disclosure.review_on = review_on if after is DisclosureStatus.DEFERRED else None
    session.add(disclosure)
    session.add(
        StatusChange(
            disclosure_id=disclosure.id,
            from_status=before.value,
            to_status=after.value,
            actor_account_id=actor.account_id,
            actor_name=actor.name,
            note=(note or rationale).strip(),
        )
    )
    audit.record(
        session,
        actor=actor,
        action=f"disclosure.{action.value}",
        object_type="disclosure",
        object_id=disclosure.id,
        before={"status": before},
        after={"status": after},
    )
    return after
