"""Tables of an invention disclosure: the case itself, its inventors and their shares, funding,
public disclosures, attachments, evaluations, filing decisions, status history and notes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class DisclosureStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    EVALUATING = "evaluating"
    FILING = "filing"
    DEFERRED = "deferred"
    RELEASED = "released"
    ABANDONED = "abandoned"
    FILED = "filed"
    MARKETING = "marketing"
    LICENSED = "licensed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    DisclosureStatus.DRAFT: "Draft",
    DisclosureStatus.SUBMITTED: "Received, awaiting triage",
    DisclosureStatus.ASSIGNED: "Assigned to an officer",
    DisclosureStatus.EVALUATING: "Under evaluation",
    DisclosureStatus.FILING: "Patent filing approved",
    DisclosureStatus.DEFERRED: "Decision deferred",
    DisclosureStatus.RELEASED: "Released to inventors",
    DisclosureStatus.ABANDONED: "Abandoned",
    DisclosureStatus.FILED: "Patent application filed",
    DisclosureStatus.MARKETING: "Marketing to licensees",
    DisclosureStatus.LICENSED: "Licensed",
    DisclosureStatus.CLOSED: "Closed",
}


class DevelopmentStage(StrEnum):
    CONCEPT = "concept"
    PROOF_OF_CONCEPT = "proof_of_concept"
    PROTOTYPE = "prototype"
    VALIDATED = "validated"
    PRODUCT_READY = "product_ready"

    @property
    def label(self) -> str:
        return {
            "concept": "Concept",
            "proof_of_concept": "Proof of concept (lab data)",
            "prototype": "Prototype",
            "validated": "Validated in relevant setting",
            "product_ready": "Ready for product development",
        }[self.value]


class PublicDisclosureKind(StrEnum):
    PAPER = "paper"
    TALK = "talk"
    POSTER = "poster"
    THESIS = "thesis"
    ABSTRACT = "abstract"
    GRANT_PROPOSAL = "grant_proposal"
    WEBSITE = "website"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Disclosure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Given on submission, e.g. S26-0142; None while a draft.
    docket: str | None = Field(default=None, max_length=20, unique=True)
    fiscal_year: int | None = Field(default=None, index=True)
    status: str = Field(default=DisclosureStatus.DRAFT.value, max_length=20, index=True)
    # The kind of disclosure (tlo/disclosures/disclosure_types.py: a file a type) and the
    # answers to that type's own questions, by question key.
    disclosure_type: str = Field(
        default="invention", max_length=40, sa_column_kwargs={"server_default": "invention"}
    )
    type_answers: dict | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    title: str = Field(max_length=300)
    abstract: str = ""
    description: str = ""
    problem_and_advantages: str = ""
    stage: str | None = Field(default=None, max_length=30)
    keywords: str = Field(default="", max_length=1000)
    applications: str = ""
    potential_licensees: str = ""
    related_materials: str = ""
    submitter_person_id: int = Field(foreign_key="person.id", index=True)
    officer_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # The principal investigator of the lab, when named: signs the disclosure off unless an
    # inventor (tlo/disclosures/signatures.py), and reads the case like its inventors.
    pi_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # Bumped whenever the inventors or their shares change; confirmations refer to it.
    share_version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    # A deferred case comes back for review on this date.
    review_on: date | None = None


class DisclosureInventor(SQLModel, table=True):
    __tablename__ = "disclosure_inventor"
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    # Contribution in hundredths of a percent: 33.33 % is 3333; all of a case's add up to 10000.
    share_bp: int
    position: int = 0
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ShareHistory(SQLModel, table=True):
    """Every version of a case's inventor shares, kept when the shares change."""

    __tablename__ = "share_history"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    version: int
    person_id: int = Field(foreign_key="person.id")
    share_bp: int
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by_account_id: int | None = Field(default=None, foreign_key="account.id")


class ShareResponseKind(StrEnum):
    CONFIRMED_FOR = "confirmed_for"  # an officer recorded an inventor's confirmation for them
    DISPUTED = "disputed"  # the inventor (or an officer for them) disputes their share


class ShareResolution(StrEnum):
    CONFIRMED = "confirmed"  # the inventor confirmed their share after all
    WITHDRAWN = "withdrawn"  # the officer recorded the dispute withdrawn
    SHARES_CHANGED = "shares_changed"  # the officer changed the shares: all confirm again


class ShareResponse(SQLModel, table=True):
    """An inventor's answer to their share other than confirming it themselves: a dispute (with
    its reason, until it is resolved), or a confirmation an officer recorded on behalf of an
    outside co-inventor, with its evidence (a note, a file attached to the case, or both).
    Kept for the share version answered; a change of shares makes a new version."""

    __tablename__ = "share_response"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    share_version: int
    share_bp: int  # the share answered, in hundredths of a percent
    kind: str = Field(max_length=20)
    note: str = ""  # the dispute's reason, or what the co-inventor said and how
    attachment_id: int | None = Field(default=None, foreign_key="attachment.id")
    on_behalf: bool = False  # recorded by an officer for the inventor
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    recorded_by_name: str = Field(max_length=200)
    # A dispute stays open until resolved; a confirmation recorded for someone is never open.
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str | None = Field(default=None, max_length=20)
    resolution_note: str = ""
    resolved_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    resolved_by_name: str | None = Field(default=None, max_length=200)


class FundingSource(SQLModel, table=True):
    __tablename__ = "funding_source"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    sponsor: str = Field(max_length=200)
    award_number: str = Field(default="", max_length=100)
    is_federal: bool = False
    agency: str = Field(default="", max_length=200)


class PublicDisclosure(SQLModel, table=True):
    __tablename__ = "public_disclosure"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    disclosed_on: date = Field(index=True)
    kind: str = Field(max_length=30)
    venue: str = Field(default="", max_length=300)


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    sha256: str = Field(max_length=64)
    original_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    uploaded_by_account_id: int | None = Field(default=None, foreign_key="account.id")


class StatusChange(SQLModel, table=True):
    """The case's timeline: every status it has been in, who moved it and why."""

    __tablename__ = "status_change"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_account_id: int | None = Field(default=None, foreign_key="account.id")
    actor_name: str = Field(max_length=200)
    note: str = ""


class Evaluation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    novelty: int
    novelty_note: str = ""
    patentability: int
    patentability_note: str = ""
    market_size: int
    market_size_note: str = ""
    licensing_interest: int
    licensing_interest_note: str = ""
    stage_of_development: int
    stage_of_development_note: str = ""
    # The weighted score in hundredths (3.75 is 375), under the weights in force when scored.
    weighted_score_x100: int
    prior_art_notes: str = ""
    recommendation: str = Field(default="", max_length=30)
    evaluated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    evaluated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    evaluated_by_name: str = Field(max_length=200)


class FilingDecision(SQLModel, table=True):
    __tablename__ = "filing_decision"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    decision: str = Field(max_length=30)
    rationale: str
    review_on: date | None = None
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    decided_by_name: str = Field(max_length=200)


class CaseNote(SQLModel, table=True):
    __tablename__ = "case_note"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    text: str
    written_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    written_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    written_by_name: str = Field(max_length=200)


class DocketCounter(SQLModel, table=True):
    """The last docket sequence given in each fiscal year; incremented in one UPDATE."""

    __tablename__ = "docket_counter"

    fiscal_year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_sequence: int = 0
