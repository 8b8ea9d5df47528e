"""Answers to an inventor's share other than confirming it oneself (issue #16, item 6).

- An inventor on a submitted case confirms their share (`intake.confirm_share`) or disputes it
  instead (`dispute_share`, with a reason). A disputed share is neither confirmed nor waiting
  for the inventor: it waits for the case's officer, whose home lists it.
- An inventor who cannot confirm in tlo — an outside co-inventor (external), or anyone with no
  active inventor account — answers the office by other means: the case's officer records
  their confirmation (`confirm_share_for`) or dispute (`dispute_share_for`) on their behalf,
  with the evidence: a note (who said what, when, how), a file attached to the case (their
  e-mail, a signed form), or both.
- The officer resolves a dispute by changing the shares (`intake.change_shares`: a new share
  version that everyone confirms again, and every open dispute is closed as "shares changed")
  or by recording it withdrawn (`withdraw_dispute`, with a note). The inventor who confirms
  after all closes their own dispute.

Every answer is a `ShareResponse` row, kept with the share version it answered, and audited.
A dispute counts while it is open and answers the current share version (`open_dispute`).
Who may read a dispute's reason or a confirmation's evidence: the office (disclosure.internal)
and the inventor it is about; their co-inventors see only that the share is disputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tlo import audit
from tlo.auth.models import Account, AccountRole, Role
from tlo.auth.permissions import Actor, can
from tlo.clock import utcnow
from tlo.disclosures import attachments
from tlo.disclosures.access import CaseAccess, load_case
from tlo.disclosures.models import (
    Attachment,
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    ShareResolution,
    ShareResponse,
    ShareResponseKind,
)
from tlo.errors import ValidationError
from tlo.money import bp_to_percent
from tlo.people.models import Person
from tlo.text import clean_id, clean_text

K = ShareResponseKind


def open_dispute(disclosure=Disclosure):
    """Where-clauses for a share dispute still open on the current share version of
    `disclosure` (the Disclosure table, or an alias of it), for EXISTS queries."""
    return (
        ShareResponse.disclosure_id == disclosure.id,
        ShareResponse.kind == K.DISPUTED.value,
        col(ShareResponse.resolved_at).is_(None),
        ShareResponse.share_version == disclosure.share_version,
    )


def _signs_in_as_inventor():
    """Whether the person (Person table) has an active account that may confirm a share."""
    return sa.exists().where(
        Account.person_id == Person.id,
        col(Account.active).is_(True),
        AccountRole.account_id == Account.id,
        AccountRole.role == Role.INVENTOR.value,
    )


# --- reading -----------------------------------------------------------------------------------


class ShareState(StrEnum):
    AWAITING = "awaiting"  # not yet confirmed
    CONFIRMED = "confirmed"  # by the inventor, in tlo
    CONFIRMED_FOR = "confirmed_for"  # recorded by an officer for them, with evidence
    DISPUTED = "disputed"  # open dispute: waits for the officer

    @property
    def label(self) -> str:
        return {
            ShareState.AWAITING: "Awaiting confirmation",
            ShareState.CONFIRMED: "Confirmed",
            ShareState.CONFIRMED_FOR: "Confirmed (recorded by the office)",
            ShareState.DISPUTED: "Disputed",
        }[self]


@dataclass(frozen=True)
class ShareStanding:
    """Where one inventor's share stands on the current share version."""

    person_id: int
    name: str
    share: Decimal
    is_external: bool
    organisation: str | None
    answers_through_office: bool  # cannot confirm in tlo: the officer may answer for them
    state: ShareState
    confirmed_at: datetime | None
    response_id: int | None = None  # the confirmation recorded for them, or the open dispute
    recorded_by: str | None = None  # who recorded that response
    recorded_at: datetime | None = None
    on_behalf: bool = False
    # The dispute's reason or the confirmation's evidence note, for readers who may see it.
    note: str | None = None
    attachment_id: int | None = None
    attachment_name: str | None = None


def share_standings(session: Session, *, actor: Actor, disclosure_id: int) -> list[ShareStanding]:
    """Every inventor of the case with where their share stands, in the case's order."""
    case = load_case(session, actor, disclosure_id, "disclosure.read")
    disclosure = case.disclosure
    rows = session.exec(
        select(
            DisclosureInventor.person_id,
            DisclosureInventor.share_bp,
            DisclosureInventor.confirmed_at,
            Person.full_name,
            Person.is_external,
            Person.organisation,
            _signs_in_as_inventor().label("signs_in"),
        )
        .join(Person, Person.id == DisclosureInventor.person_id)
        .where(DisclosureInventor.disclosure_id == disclosure_id)
        .order_by(DisclosureInventor.position, DisclosureInventor.id)
    ).all()
    responses = {
        response.person_id: (response, name)
        for response, name in session.exec(
            select(ShareResponse, Attachment.original_name)
            .join(Attachment, Attachment.id == ShareResponse.attachment_id, isouter=True)
            .where(
                ShareResponse.disclosure_id == disclosure_id,
                ShareResponse.share_version == disclosure.share_version,
                sa.or_(
                    sa.and_(
                        ShareResponse.kind == K.DISPUTED.value,
                        col(ShareResponse.resolved_at).is_(None),
                    ),
                    ShareResponse.kind == K.CONFIRMED_FOR.value,
                ),
            )
            .order_by(ShareResponse.id)
        ).all()
    }
    office = can(actor, "disclosure.internal")
    standings = []
    for person_id, share_bp, confirmed_at, name, external, organisation, signs_in in rows:
        response, attachment_name = responses.get(person_id, (None, None))
        if confirmed_at is not None:
            state = ShareState.CONFIRMED
            if response is not None and response.kind == K.CONFIRMED_FOR.value:
                state = ShareState.CONFIRMED_FOR
            else:
                response = None
        elif response is not None and response.kind == K.DISPUTED.value:
            state = ShareState.DISPUTED
        else:
            state, response = ShareState.AWAITING, None
        readable = response is not None and (office or person_id == actor.person_id)
        standings.append(
            ShareStanding(
                person_id=person_id,
                name=name,
                share=bp_to_percent(share_bp),
                is_external=bool(external),
                organisation=organisation,
                answers_through_office=bool(external) or not signs_in,
                state=state,
                confirmed_at=confirmed_at,
                response_id=response.id if response else None,
                recorded_by=response.recorded_by_name if response else None,
                recorded_at=response.recorded_at if response else None,
                on_behalf=bool(response and response.on_behalf),
                note=response.note if readable else None,
                attachment_id=response.attachment_id if readable else None,
                attachment_name=attachment_name if readable else None,
            )
        )
    return standings


def disputed_by_me(session: Session, *, actor: Actor) -> set[int]:
    """The cases on which the actor's own share is disputed and the dispute still open."""
    if actor.person_id is None:
        return set()
    return set(
        session.exec(
            select(ShareResponse.disclosure_id)
            .join(Disclosure, Disclosure.id == ShareResponse.disclosure_id)
            .where(ShareResponse.person_id == actor.person_id, *open_dispute())
        ).all()
    )


# --- answering ---------------------------------------------------------------------------------


def _answerable(session: Session, case: CaseAccess, person_id: int) -> DisclosureInventor:
    if case.status is DisclosureStatus.DRAFT:
        raise ValidationError("Shares are answered once the disclosure has been submitted.")
    row = session.exec(
        select(DisclosureInventor).where(
            DisclosureInventor.disclosure_id == case.disclosure.id,
            DisclosureInventor.person_id == person_id,
        )
    ).first()
    if row is None:
        raise ValidationError("That person is not an inventor on this disclosure.")
    return row


def _open_dispute_of(session: Session, case: CaseAccess, person_id: int) -> ShareResponse | None:
    return session.exec(
        select(ShareResponse)
        .join(Disclosure, Disclosure.id == ShareResponse.disclosure_id)
        .where(ShareResponse.person_id == person_id, *open_dispute())
        .where(Disclosure.id == case.disclosure.id)
    ).first()


def _inventor_elsewhere(session: Session, person_id: int) -> Person:
    """The person, if they cannot confirm in tlo themselves: external, or with no active
    inventor account. Otherwise they confirm or dispute their share themselves."""
    person, signs_in = session.exec(
        select(Person, _signs_in_as_inventor()).where(Person.id == person_id)
    ).one()
    if signs_in and not person.is_external:
        raise ValidationError(
            f"{person.full_name} signs in to tlo: they confirm or dispute their share "
            "themselves, on My disclosures."
        )
    return person


def _evidence(
    session: Session,
    actor: Actor,
    disclosure_id: int,
    name: object,
    content: object,
) -> Attachment | None:
    """The file given as evidence, attached to the case (None when no file was given)."""
    if content is None and name in (None, ""):
        return None
    return attachments.add_attachment(
        session, actor=actor, disclosure_id=disclosure_id, name=name, content=content
    )


def _record(
    session: Session,
    actor: Actor,
    case: CaseAccess,
    row: DisclosureInventor,
    kind: ShareResponseKind,
    note: str,
    *,
    on_behalf: bool,
    attachment: Attachment | None = None,
) -> ShareResponse:
    response = ShareResponse(
        disclosure_id=case.disclosure.id,
        person_id=row.person_id,
        share_version=case.disclosure.share_version,
        share_bp=row.share_bp,
        kind=kind.value,
        note=note,
        attachment_id=attachment.id if attachment else None,
        on_behalf=on_behalf,
        recorded_by_account_id=actor.account_id,
        recorded_by_name=actor.name,
    )
    session.add(response)
    session.flush()
    return response


def _close(
    session: Session,
    actor: Actor,
    dispute: ShareResponse,
    resolution: ShareResolution,
    note: str = "",
) -> None:
    dispute.resolved_at = utcnow()
    dispute.resolution = resolution.value
    dispute.resolution_note = note
    dispute.resolved_by_account_id = actor.account_id
    dispute.resolved_by_name = actor.name
    session.add(dispute)
    audit.record(
        session,
        actor=actor,
        action="disclosure.share_dispute_closed",
        object_type="disclosure",
        object_id=dispute.disclosure_id,
        after={
            "person_id": dispute.person_id,
            "dispute_id": dispute.id,
            "resolution": resolution.value,
            "note": note,
        },
    )


def _refuse_if_answered(
    session: Session, case: CaseAccess, row: DisclosureInventor, whose: str
) -> None:
    if row.confirmed_at is not None:
        raise ValidationError(
            f"{whose} share is confirmed already; to change it, the licensing officer changes "
            "the shares (everyone then confirms again)."
        )
    if _open_dispute_of(session, case, row.person_id) is not None:
        raise ValidationError(
            f"{whose} share is disputed already; the licensing officer resolves it."
        )


def _reason(value: object, what: str) -> str:
    return clean_text(value, what=what, column=ShareResponse.note, required=True)


def dispute_share(
    session: Session, *, actor: Actor, disclosure_id: int, reason: str
) -> ShareResponse:
    """The actor disputes their own share instead of confirming it, saying why."""
    reason = _reason(reason, "reason you dispute your share")
    case = load_case(session, actor, disclosure_id, "disclosure.dispute_share", for_update=True)
    if actor.person_id is None or actor.person_id not in case.inventor_person_ids:
        raise ValidationError("You are not an inventor on this disclosure.")
    row = _answerable(session, case, actor.person_id)
    _refuse_if_answered(session, case, row, "Your")
    response = _record(session, actor, case, row, K.DISPUTED, reason, on_behalf=False)
    _audit_answer(session, actor, "disclosure.share_disputed", response)
    return response


def dispute_share_for(
    session: Session,
    *,
    actor: Actor,
    disclosure_id: int,
    person_id: int,
    reason: str,
    evidence_name: str | None = None,
    evidence: bytes | None = None,
) -> ShareResponse:
    """The case's officer records an outside co-inventor's dispute of their share, with why
    (as they said it) and, optionally, the file it came in."""
    person_id = clean_id(person_id, what="co-inventor")
    reason = _reason(reason, "reason the co-inventor disputes their share")
    case = load_case(session, actor, disclosure_id, "disclosure.answer_share_for", for_update=True)
    row = _answerable(session, case, person_id)
    person = _inventor_elsewhere(session, person_id)
    _refuse_if_answered(session, case, row, f"{person.full_name}'s")
    attachment = _evidence(session, actor, disclosure_id, evidence_name, evidence)
    response = _record(
        session, actor, case, row, K.DISPUTED, reason, on_behalf=True, attachment=attachment
    )
    _audit_answer(session, actor, "disclosure.share_disputed_for", response)
    return response


def confirm_share_for(
    session: Session,
    *,
    actor: Actor,
    disclosure_id: int,
    person_id: int,
    note: str = "",
    evidence_name: str | None = None,
    evidence: bytes | None = None,
) -> ShareResponse:
    """The case's officer records an outside co-inventor's confirmation of their share, with
    the evidence: a note (how and when they confirmed), a file (their e-mail, a signed form),
    or both; at least one. An open dispute of theirs is closed as confirmed."""
    person_id = clean_id(person_id, what="co-inventor")
    note = clean_text(note, what="note of how they confirmed", column=ShareResponse.note)
    if not note and evidence is None and evidence_name in (None, ""):
        raise ValidationError(
            "Record the evidence of the confirmation: a note (how and when they confirmed), "
            "a file (their e-mail or signed form), or both."
        )
    case = load_case(session, actor, disclosure_id, "disclosure.answer_share_for", for_update=True)
    row = _answerable(session, case, person_id)
    person = _inventor_elsewhere(session, person_id)
    if row.confirmed_at is not None:
        raise ValidationError(f"{person.full_name}'s share is confirmed already.")
    attachment = _evidence(session, actor, disclosure_id, evidence_name, evidence)
    dispute = _open_dispute_of(session, case, person_id)
    if dispute is not None:
        _close(session, actor, dispute, ShareResolution.CONFIRMED, note)
    row.confirmed_at = utcnow()
    session.add(row)
    response = _record(
        session, actor, case, row, K.CONFIRMED_FOR, note, on_behalf=True, attachment=attachment
    )
    _audit_answer(session, actor, "disclosure.share_confirmed_for", response)
    return response


def withdraw_dispute(
    session: Session, *, actor: Actor, disclosure_id: int, person_id: int, note: str
) -> None:
    """The case's officer records an inventor's dispute withdrawn (the shares stand as they
    are), saying how it was settled. The inventor's share then waits for their confirmation
    again (for an outside co-inventor, the officer records it)."""
    person_id = clean_id(person_id, what="inventor")
    note = clean_text(
        note, what="note of how the dispute was settled", column=ShareResponse.note, required=True
    )
    case = load_case(
        session, actor, disclosure_id, "disclosure.resolve_share_dispute", for_update=True
    )
    dispute = _open_dispute_of(session, case, person_id)
    if dispute is None:
        raise ValidationError("That inventor's share is not disputed; there is nothing to resolve.")
    _close(session, actor, dispute, ShareResolution.WITHDRAWN, note)


# --- called by the other answers to a share (tlo.disclosures.intake) --------------------------


def record_own_confirmation(
    session: Session, actor: Actor, case: CaseAccess, row: DisclosureInventor, *, by: str = ""
) -> None:
    """The inventor confirms their own share (in tlo, or `by` another way: their e-mailed
    link), audited as theirs."""
    row.confirmed_at = utcnow()
    session.add(row)
    audit.record(
        session,
        actor=actor,
        action="disclosure.share_confirmed",
        object_type="disclosure",
        object_id=case.disclosure.id,
        after={
            "person_id": row.person_id,
            "share": str(bp_to_percent(row.share_bp)),
            "version": case.disclosure.share_version,
        }
        | ({"by": by} if by else {}),
    )


def close_own_dispute(session: Session, actor: Actor, case: CaseAccess) -> None:
    """The actor confirmed their share after all: their open dispute, if any, is closed."""
    dispute = _open_dispute_of(session, case, actor.person_id)
    if dispute is not None:
        _close(session, actor, dispute, ShareResolution.CONFIRMED)


def close_disputes_for_new_shares(session: Session, actor: Actor, disclosure_id: int) -> None:
    """The shares changed (a new share version that everyone confirms again): every dispute
    still open on the case is resolved by it."""
    for dispute in session.exec(
        select(ShareResponse)
        .where(
            ShareResponse.disclosure_id == disclosure_id,
            ShareResponse.kind == K.DISPUTED.value,
            col(ShareResponse.resolved_at).is_(None),
        )
        .order_by(ShareResponse.id)
    ).all():
        _close(session, actor, dispute, ShareResolution.SHARES_CHANGED)


def _audit_answer(session: Session, actor: Actor, action: str, response: ShareResponse) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="disclosure",
        object_id=response.disclosure_id,
        after={
            "person_id": response.person_id,
            "share": str(bp_to_percent(response.share_bp)),
            "version": response.share_version,
            "note": response.note,
            "attachment_id": response.attachment_id,
        },
    )
