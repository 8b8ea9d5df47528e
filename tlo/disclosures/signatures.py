"""Signing a disclosure: each inventor attests to it, and the PI signs it off when not an
inventor, by typing their name; a signature holds for the content it was given to.

A signature keeps the SHA-256 of the disclosure's content as signed (`content_sha256`, see
`canonical_content` for what counts). It is valid while the disclosure's content hashes the
same: any change of what counts (an officer correcting the shares, say) leaves every signature
given before it standing in the record but no longer valid, so everyone signs again. No row is
ever edited or deleted: validity is computed, never stored. Content that changes back to what
was signed (shares corrected, then restored) is signed again by the signatures given to it.

Who signs: every inventor of the case, and its PI (`Disclosure.pi_person_id`) when the PI is
not an inventor (a PI who is an inventor signs once, as an inventor). Each signs for
themselves, from their own account; an outside co-inventor without an account cannot sign here
and stays listed as still to sign.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from tlo import audit
from tlo.auth.models import Account
from tlo.auth.permissions import Actor
from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.disclosures.access import CaseAccess, load_case
from tlo.disclosures.models import (
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    FundingSource,
    PublicDisclosure,
)
from tlo.errors import ValidationError
from tlo.people.models import Person
from tlo.text import clean_text


class SignatureRole(StrEnum):
    INVENTOR = "inventor"
    PI = "pi"

    @property
    def label(self) -> str:
        return {"inventor": "Inventor", "pi": "Principal investigator"}[self.value]


# What each signer attests to; the row keeps the words signed, should they be reworded later.
STATEMENTS = {
    SignatureRole.INVENTOR: "I have read this disclosure and my contribution is correctly stated.",
    SignatureRole.PI: (
        "I have read this disclosure and, as principal investigator, I sign it off as "
        "correctly stated."
    ),
}


class DisclosureSignature(SQLModel, table=True):
    """One person's typed-name signature of one version of a disclosure's content."""

    __tablename__ = "disclosure_signature"
    # A person signs a version once: signing it again is a no-op (see `sign`).
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "person_id", "content_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=10)
    typed_name: str = Field(max_length=200)
    statement: str = Field(max_length=500)
    # SHA-256 (hex) of canonical_content(...) of the disclosure when it was signed.
    content_sha256: str = Field(max_length=64)
    signed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # None: signed without an account, through the e-mailed link (tlo.disclosures.share_links).
    account_id: int | None = Field(default=None, foreign_key="account.id")


# --- what a signature covers -----------------------------------------------------------------

# The disclosure's own fields a signature covers. Left out: the office's leads (companies that
# might be interested, related materials), which are hints to the office rather than the
# invention or who made it; and what the office adds (docket, status, officer, notes).
SIGNED_FIELDS = (
    "title",
    "abstract",
    "description",
    "problem_and_advantages",
    "stage",
    "keywords",
    "applications",
)
CONTENT_FORMAT = 2  # bumped should what counts ever change: old signatures then ask again


@dataclass(frozen=True)
class SignedContent:
    """A disclosure's content as a signature covers it, in plain values: `SIGNED_FIELDS`, the
    inventors with their shares (person id, share in hundredths of a percent), the funding
    (sponsor, award number, federal, agency), the public disclosures (date, kind, venue) and
    the PI's person id. Lists are compared as sets: listing the same inventors, sources or
    disclosures in another order is the same content."""

    fields: tuple[tuple[str, str | None], ...]
    inventors: frozenset[tuple[int, int]]
    funding: frozenset[tuple[str, str, bool, str]]
    public_disclosures: frozenset[tuple[date, str, str]]
    pi_person_id: int | None
    # The type of disclosure and the answers to its own questions (key, answer).
    disclosure_type: str = "invention"
    answers: frozenset[tuple[str, str]] = frozenset()


def canonical_content(content: SignedContent) -> bytes:
    """The one serialisation a signature's hash is taken of: JSON with sorted keys and lists,
    no spaces, UTF-8 (texts as stored, which the services have already trimmed)."""
    document = {
        "format": CONTENT_FORMAT,
        **dict(content.fields),
        "inventors": sorted([person, share_bp] for person, share_bp in content.inventors),
        "funding": sorted(list(source) for source in content.funding),
        "public_disclosures": sorted(
            [day.isoformat(), kind, venue] for day, kind, venue in content.public_disclosures
        ),
        "pi_person_id": content.pi_person_id,
        "type": content.disclosure_type,
        "answers": dict(sorted(content.answers)),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_sha256(content: SignedContent) -> str:
    return hashlib.sha256(canonical_content(content)).hexdigest()


def signed_content(session: Session, disclosure: Disclosure) -> SignedContent:
    """The disclosure's content as it stands in the database."""
    rows = session.exec
    return SignedContent(
        fields=tuple((name, getattr(disclosure, name)) for name in SIGNED_FIELDS),
        inventors=frozenset(
            rows(
                select(DisclosureInventor.person_id, DisclosureInventor.share_bp).where(
                    DisclosureInventor.disclosure_id == disclosure.id
                )
            ).all()
        ),
        funding=frozenset(
            rows(
                select(
                    FundingSource.sponsor,
                    FundingSource.award_number,
                    FundingSource.is_federal,
                    FundingSource.agency,
                ).where(FundingSource.disclosure_id == disclosure.id)
            ).all()
        ),
        public_disclosures=frozenset(
            rows(
                select(
                    PublicDisclosure.disclosed_on, PublicDisclosure.kind, PublicDisclosure.venue
                ).where(PublicDisclosure.disclosure_id == disclosure.id)
            ).all()
        ),
        pi_person_id=disclosure.pi_person_id,
        disclosure_type=disclosure.disclosure_type,
        answers=frozenset((disclosure.type_answers or {}).items()),
    )


def current_sha256(session: Session, disclosure: Disclosure) -> str:
    return content_sha256(signed_content(session, disclosure))


# --- who signs -------------------------------------------------------------------------------


def _signers(case: CaseAccess) -> dict[int, SignatureRole]:
    """Who signs the case, and as what: its inventors, and its PI unless an inventor."""
    signers = dict.fromkeys(case.inventor_person_ids, SignatureRole.INVENTOR)
    pi = case.disclosure.pi_person_id
    if pi is not None and pi not in signers:
        signers[pi] = SignatureRole.PI
    return signers


def same_name(typed: str, name: str) -> bool:
    """Whether a typed name is the directory's name, capitals and spacing aside."""

    def plain(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).casefold().split())

    return plain(typed) == plain(name)


@dataclass(frozen=True)
class SigningOutcome:
    signature: DisclosureSignature
    already_signed: bool  # this very version was signed before: nothing was added

    @property
    def message(self) -> str:
        if self.already_signed:
            return (
                "You have already signed this version of the disclosure; nothing has changed "
                "since, so your signature stands."
            )
        return "Thank you: your signature is recorded."


def sign(session: Session, *, actor: Actor, disclosure_id: int, typed_name: str) -> SigningOutcome:
    """The actor signs the disclosure as it stands now, by typing their name as the directory
    has it: an inventor attests to it, the PI (when not an inventor) signs it off."""
    case = load_case(session, actor, disclosure_id, "disclosure.sign", for_update=True)
    return record_signature(session, actor=actor, case=case, typed_name=typed_name)


def record_signature(
    session: Session, *, actor: Actor, case: CaseAccess, typed_name: object
) -> SigningOutcome:
    """`actor` (one of the case's signers) signs it; for `sign`, and for an outside
    co-inventor answering through their e-mailed link (no account: `actor.account_id` None)."""
    disclosure = case.disclosure
    disclosure_id = disclosure.id
    if case.status is DisclosureStatus.DRAFT:
        raise ValidationError("A disclosure is signed once it has been submitted.")
    role = _signers(case).get(actor.person_id)
    if role is None:
        raise ValidationError(
            "Only the inventors of this disclosure, and its principal investigator, sign it."
        )
    typed = clean_text(
        typed_name, what="name you typed", column=DisclosureSignature.typed_name, multiline=False
    )
    if not typed:
        raise ValidationError("Type your full name to sign.")
    name = session.get(Person, actor.person_id).full_name
    if not same_name(typed, name):
        raise ValidationError(
            f"The name you typed, “{typed}”, is not your name in the directory, “{name}”: "
            "type it as the directory has it (capitals and spaces do not matter)."
        )
    sha256 = current_sha256(session, disclosure)
    earlier = session.exec(
        select(DisclosureSignature).where(
            DisclosureSignature.disclosure_id == disclosure_id,
            DisclosureSignature.person_id == actor.person_id,
            DisclosureSignature.content_sha256 == sha256,
        )
    ).first()
    if earlier is not None:
        return SigningOutcome(earlier, already_signed=True)
    signature = DisclosureSignature(
        disclosure_id=disclosure_id,
        person_id=actor.person_id,
        role=role.value,
        typed_name=typed,
        statement=STATEMENTS[role],
        content_sha256=sha256,
        account_id=actor.account_id,
    )
    session.add(signature)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="disclosure.signed",
        object_type="disclosure",
        object_id=disclosure_id,
        after={
            "person_id": actor.person_id,
            "role": role.value,
            "typed_name": typed,
            "statement": signature.statement,
            "content_sha256": sha256,
        },
    )
    return SigningOutcome(signature, already_signed=False)


# --- where the signatures stand --------------------------------------------------------------


class SignerState(StrEnum):
    SIGNED = "signed"  # the current version
    SIGNED_EARLIER = "signed_earlier"  # an earlier version only: signs again
    NOT_SIGNED = "not_signed"

    @property
    def label(self) -> str:
        return {
            "signed": "Signed",
            "signed_earlier": "Signed an earlier version: to sign again",
            "not_signed": "Not signed yet",
        }[self.value]


@dataclass(frozen=True)
class SignatureLine:
    """A signature given, and whether it still holds (the content it signed is current)."""

    person_id: int
    name: str
    role: SignatureRole
    typed_name: str
    statement: str
    content_sha256: str
    signed_at: datetime
    signed_by: str  # the account's username
    valid: bool

    @property
    def version(self) -> str:
        """A short name of the version signed: the start of its hash."""
        return self.content_sha256[:12]


@dataclass(frozen=True)
class SignerStanding:
    person_id: int
    name: str
    role: SignatureRole
    state: SignerState
    signed_at: datetime | None  # of the current version's signature


@dataclass(frozen=True)
class SignatureStatus:
    current_sha256: str
    signers: tuple[SignerStanding, ...]  # inventors in the form's order, then the PI
    signatures: tuple[SignatureLine, ...]  # every one given, newest first
    open_for_signing: bool  # submitted: a draft is not signed yet
    pi_name: str | None = None  # the PI named on the disclosure, inventor or not

    @property
    def current_version(self) -> str:
        return self.current_sha256[:12]

    @property
    def signed(self) -> list[SignerStanding]:
        return [s for s in self.signers if s.state is SignerState.SIGNED]

    @property
    def signed_earlier_only(self) -> list[SignerStanding]:
        return [s for s in self.signers if s.state is SignerState.SIGNED_EARLIER]

    @property
    def to_sign(self) -> list[SignerStanding]:
        """Everyone whose signature of the current version is missing (those who signed an
        earlier version only among them)."""
        return [s for s in self.signers if s.state is not SignerState.SIGNED]

    def awaits(self, person_id: int | None) -> SignerStanding | None:
        """The person's standing when they still have to sign, else None."""
        if not self.open_for_signing:
            return None
        return next((s for s in self.to_sign if s.person_id == person_id), None)


def status(session: Session, *, actor: Actor, disclosure_id: int) -> SignatureStatus:
    """Who has signed the disclosure's current version, who signed an earlier one only, who
    still has to sign; and every signature given, with the version it signed and whether it
    still holds."""
    case = load_case(session, actor, disclosure_id, "disclosure.read_signatures")
    sha256 = current_sha256(session, case.disclosure)
    signers = _signers(case)
    order = session.exec(
        select(DisclosureInventor.person_id)
        .where(DisclosureInventor.disclosure_id == disclosure_id)
        .order_by(DisclosureInventor.position)
    ).all()
    ordered = [*order, *(p for p in signers if p not in order)]
    rows = session.exec(
        select(DisclosureSignature, Person.full_name, Account.username)
        .join(Person, Person.id == DisclosureSignature.person_id)
        .outerjoin(Account, Account.id == DisclosureSignature.account_id)
        .where(DisclosureSignature.disclosure_id == disclosure_id)
        .order_by(col(DisclosureSignature.signed_at).desc(), col(DisclosureSignature.id).desc())
    ).all()
    lines = tuple(
        SignatureLine(
            person_id=row.person_id,
            name=name,
            role=SignatureRole(row.role),
            typed_name=row.typed_name,
            statement=row.statement,
            content_sha256=row.content_sha256,
            signed_at=row.signed_at,
            signed_by=username or "the e-mailed link",
            valid=row.content_sha256 == sha256,
        )
        for row, name, username in rows
    )
    pi = case.disclosure.pi_person_id
    names = dict(
        session.exec(
            select(Person.id, Person.full_name).where(col(Person.id).in_([*signers, pi]))
        ).all()
    )
    standings = []
    for person_id in ordered:
        theirs = [line for line in lines if line.person_id == person_id]
        current = next((line for line in theirs if line.valid), None)
        state = (
            SignerState.SIGNED
            if current
            else SignerState.SIGNED_EARLIER
            if theirs
            else SignerState.NOT_SIGNED
        )
        standings.append(
            SignerStanding(
                person_id=person_id,
                name=names.get(person_id, "?"),
                role=signers[person_id],
                state=state,
                signed_at=current.signed_at if current else None,
            )
        )
    return SignatureStatus(
        current_sha256=sha256,
        signers=tuple(standings),
        signatures=lines,
        open_for_signing=case.status is not DisclosureStatus.DRAFT,
        pi_name=names.get(pi),
    )


__all__ = [
    "STATEMENTS",
    "DisclosureSignature",
    "SignatureRole",
    "SignatureStatus",
    "SignedContent",
    "SignerState",
    "canonical_content",
    "content_sha256",
    "sign",
    "status",
]
