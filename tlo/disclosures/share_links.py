"""An outside co-inventor confirms or disputes their share without an account (#18).

When a disclosure is submitted, and again when the officer changes the shares, each inventor
who cannot confirm in tlo themselves (recorded as external, or without an active inventor
account) and has an e-mail address is sent a link through the outbox. The link:

- works once: confirming, or disputing with a reason, uses it up;
- expires after LINK_DAYS days;
- is about exactly one share: that inventor's share in that share version. When the shares
  change, the old links are refused (and the change sends new ones).

Only the SHA-256 of the link's token is stored, so a copy of the database cannot be used to
answer for anyone. The answer is the co-inventor's own, recorded as theirs (not "recorded by
the office"), and audited: confirming is signing the disclosure too (the typed name, as
tlo.disclosures.signatures keeps it, with no account); a dispute waits for the officer like
any other (tlo/disclosures/shares.py).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Field, Session, SQLModel, col, select

from tlo import clock
from tlo.auth.permissions import Actor
from tlo.config import get_settings
from tlo.db import UTCDateTime
from tlo.disclosures import shares, signatures
from tlo.disclosures.access import CaseAccess
from tlo.disclosures.models import Disclosure, DisclosureInventor
from tlo.errors import ValidationError
from tlo.money import bp_to_percent
from tlo.notify import hooks
from tlo.people.models import Person

LINK_DAYS = 14
TOKEN_BYTES = 32
PATH = "share"  # the links' address under the app: /share/<token>


class ShareLink(SQLModel, table=True):
    __tablename__ = "share_link"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    share_version: int
    share_bp: int
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=clock.utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, max_length=20)  # "confirmed" or "disputed"


class LinkRefused(ValidationError):
    """The link cannot be used (unknown, used, expired, or the share changed): the page says
    why and whom to ask."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def link_url(token: str) -> str:
    base = get_settings().app_url or "http://localhost:8501"
    return f"{base}/{PATH}/{token}"


def _to_confirm(
    session: Session, disclosure_id: int
) -> list[tuple[DisclosureInventor, Person, bool]]:
    """The case's inventors whose share is unanswered and who have an address, each with
    whether they answer from outside tlo (external, or no active inventor account)."""
    rows = session.exec(
        select(DisclosureInventor, Person, shares._signs_in_as_inventor())
        .join(Person, Person.id == DisclosureInventor.person_id)
        .where(DisclosureInventor.disclosure_id == disclosure_id)
        .order_by(DisclosureInventor.position, DisclosureInventor.id)
    ).all()
    return [
        (row, person, person.is_external or not signs_in)
        for row, person, signs_in in rows
        if person.email and row.confirmed_at is None
    ]


def send_links(session: Session, *, disclosure: Disclosure) -> int:
    """Ask each co-inventor whose share is unanswered to answer, in the caller's transaction:
    a link to each who answers from outside tlo (see the module's note), a note pointing to
    My disclosures to the others. Returns how many links were sent. Earlier links of the case are
    refused from now on whatever their version (one live link per share)."""
    now = clock.utcnow()
    for old in session.exec(
        select(ShareLink).where(
            ShareLink.disclosure_id == disclosure.id, col(ShareLink.used_at).is_(None)
        )
    ).all():
        old.expires_at = min(old.expires_at, now)
        session.add(old)
    asks = []
    for row, person, elsewhere in _to_confirm(session, disclosure.id):
        if not elsewhere:
            asks.append(hooks.ShareToConfirm(person.id, row.share_bp))
            continue
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = ShareLink(
            disclosure_id=disclosure.id,
            person_id=person.id,
            share_version=disclosure.share_version,
            share_bp=row.share_bp,
            token_sha256=_hash(token),
            expires_at=now + timedelta(days=LINK_DAYS),
        )
        session.add(link)
        until = clock.office_date(link.expires_at)
        asks.append(hooks.ShareToConfirm(person.id, row.share_bp, link_url(token), until))
    hooks.share_to_confirm(session, disclosure=disclosure, asks=asks)
    sent = sum(1 for ask in asks if ask.link)
    session.flush()
    return sent


@dataclass(frozen=True)
class LinkView:
    """What the link's page shows its co-inventor (an inventor of the case: they may read it)."""

    docket: str
    title: str
    name: str
    share: Decimal
    co_inventors: list[tuple[str, Decimal]]
    expires_on: object
    officer: str
    abstract: str = ""
    description: str = ""
    problem_and_advantages: str = ""
    statement: str = signatures.STATEMENTS[signatures.SignatureRole.INVENTOR]


def _live(session: Session, token: object, *, for_update: bool = False) -> ShareLink:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise LinkRefused("This link is not valid. Ask the licensing office for a new one.")
    query = select(ShareLink).where(ShareLink.token_sha256 == _hash(token))
    link = session.exec(query.with_for_update() if for_update else query).first()
    if link is None:
        raise LinkRefused("This link is not valid. Ask the licensing office for a new one.")
    if link.used_at is not None:
        raise LinkRefused(
            f"This link was used on {clock.office_date(link.used_at):%d %B %Y}: your answer "
            "is recorded. It works only once."
        )
    if link.expires_at <= clock.utcnow():
        raise LinkRefused("This link has expired. Ask the licensing office for a new one.")
    disclosure = session.get(Disclosure, link.disclosure_id)
    row = session.exec(
        select(DisclosureInventor).where(
            DisclosureInventor.disclosure_id == link.disclosure_id,
            DisclosureInventor.person_id == link.person_id,
        )
    ).first()
    if (
        row is None
        or disclosure.share_version != link.share_version
        or row.share_bp != link.share_bp
    ):
        raise LinkRefused(
            "The shares of this disclosure changed after this link was sent, so it no longer "
            "answers for them. If you are still a co-inventor, a new link is on its way."
        )
    return link


def view(session: Session, *, token: object) -> LinkView:
    link = _live(session, token)
    disclosure = session.get(Disclosure, link.disclosure_id)
    people = session.exec(
        select(Person.full_name, DisclosureInventor.share_bp, Person.id)
        .join(DisclosureInventor, DisclosureInventor.person_id == Person.id)
        .where(DisclosureInventor.disclosure_id == disclosure.id)
        .order_by(DisclosureInventor.position, DisclosureInventor.id)
    ).all()
    officer = (
        session.get(Person, disclosure.officer_person_id) if disclosure.officer_person_id else None
    )
    me = next(name for name, _bp, pid in people if pid == link.person_id)
    return LinkView(
        docket=disclosure.docket or "",
        title=disclosure.title,
        name=me,
        share=bp_to_percent(link.share_bp),
        co_inventors=[(name, bp_to_percent(bp)) for name, bp, pid in people],
        expires_on=clock.office_date(link.expires_at),
        officer=f"{officer.full_name} ({officer.email})" if officer else "the licensing office",
        abstract=disclosure.abstract,
        description=disclosure.description,
        problem_and_advantages=disclosure.problem_and_advantages,
    )


def answer(
    session: Session,
    *,
    token: object,
    confirm: object,
    reason: object = "",
    typed_name: object = "",
) -> str:
    """Confirm the share and sign the disclosure by typing one's name (confirm True), or
    dispute the share with a reason; uses the link up. Returns "confirmed" or "disputed"."""
    if not isinstance(confirm, bool):
        raise ValidationError("Choose to confirm or to dispute your share.")
    if not confirm:
        reason = shares._reason(reason, "reason you dispute your share")
    link = _live(session, token, for_update=True)
    person = session.get(Person, link.person_id)
    actor = Actor(
        account_id=None,
        person_id=person.id,
        name=f"{person.full_name} (by the e-mailed link)"[:200],
        username="share-link",
        roles=frozenset(),
    )
    disclosure = session.get(Disclosure, link.disclosure_id)
    row = session.exec(
        select(DisclosureInventor).where(
            DisclosureInventor.disclosure_id == disclosure.id,
            DisclosureInventor.person_id == person.id,
        )
    ).one()
    case = CaseAccess(disclosure=disclosure, inventor_person_ids=frozenset({person.id}))
    shares._refuse_if_answered(session, case, row, "Your")
    if confirm:
        signatures.record_signature(session, actor=actor, case=case, typed_name=typed_name)
        shares.record_own_confirmation(session, actor, case, row, by="e-mailed link")
    else:
        response = shares._record(
            session, actor, case, row, shares.K.DISPUTED, reason, on_behalf=False
        )
        shares._audit_answer(session, actor, "disclosure.share_disputed", response)
    link.used_at = clock.utcnow()
    link.answer = "confirmed" if confirm else "disputed"
    session.add(link)
    session.flush()
    return link.answer
