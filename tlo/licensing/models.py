"""Companies, their contacts, and the outreach to them about each technology."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class CompanySize(StrEnum):
    STARTUP = "startup"
    SMALL = "small"
    LARGE = "large"

    @property
    def label(self) -> str:
        return {"startup": "Start-up", "small": "Small company", "large": "Large company"}[
            self.value
        ]


class Stage(StrEnum):
    IDENTIFIED = "identified"
    CONTACTED = "contacted"
    INTERESTED = "interested"
    CDA_SIGNED = "cda_signed"
    EVALUATING = "evaluating"
    TERM_SHEET = "term_sheet"
    NEGOTIATING = "negotiating"
    LICENSED = "licensed"
    DECLINED = "declined"
    NO_RESPONSE = "no_response"

    @property
    def label(self) -> str:
        return {
            "cda_signed": "CDA signed",
            "term_sheet": "Term sheet",
            "no_response": "No response",
        }.get(self.value, self.value.capitalize())

    @property
    def is_positive(self) -> bool:
        """Interested or further along: a response that says something about the company."""
        return self in POSITIVE_STAGES

    @property
    def is_open(self) -> bool:
        return self not in (Stage.LICENSED, Stage.DECLINED, Stage.NO_RESPONSE)


POSITIVE_STAGES = {
    Stage.INTERESTED,
    Stage.CDA_SIGNED,
    Stage.EVALUATING,
    Stage.TERM_SHEET,
    Stage.NEGOTIATING,
    Stage.LICENSED,
}


class Channel(StrEnum):
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    CONFERENCE = "conference"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"email": "E-mail"}.get(self.value, self.value.capitalize())


class Company(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # The name without case, punctuation and legal suffixes: how duplicates are caught.
    normalized_name: str = Field(max_length=200, unique=True)
    website: str = Field(default="", max_length=300)
    size: str = Field(max_length=10)
    sector: str = Field(default="", max_length=100, index=True)
    # What the company is in law, as an agreement names it: "HarborBio Inc., a Delaware
    # corporation" (tlo.licensing.outreach.legal_description). Its size says nothing of this.
    entity_kind: str = Field(default="", max_length=100)  # "corporation", "limited liability co."
    jurisdiction: str = Field(default="", max_length=100)  # where it is organised: "Delaware"
    interests: str = ""  # keywords, comma-separated
    notes: str = ""
    do_not_contact: bool = False
    # Where an agreement's notices to the company go (lines of a postal address; "": not given,
    # a draft then leaves it bracketed to fill in).
    notice_address: str = Field(default="", max_length=500)
    # What the AUTM survey asks of a start-up: when the company was formed, and whether it
    # depended on a license or option of the university's technology for its initiation
    # (None: not recorded yet; see tlo.reports.autm, "Start-ups formed").
    formed_on: date | None = None
    depends_on_our_technology: bool | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    name: str = Field(max_length=200)
    title: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320)
    phone: str = Field(default="", max_length=50)


class Outreach(SQLModel, table=True):
    """One technology offered to one company: where it stands and who follows it up."""

    __table_args__ = (sa.UniqueConstraint("disclosure_id", "company_id"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    stage: str = Field(default=Stage.IDENTIFIED.value, max_length=20, index=True)
    owner_person_id: int = Field(foreign_key="person.id", index=True)
    next_follow_up: date | None = Field(default=None, index=True)
    cda_signed_on: date | None = None
    stage_since: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutreachTouch(SQLModel, table=True):
    __tablename__ = "outreach_touch"

    id: int | None = Field(default=None, primary_key=True)
    outreach_id: int = Field(foreign_key="outreach.id", index=True)
    touched_on: date
    channel: str = Field(max_length=20)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    note: str = ""
    outcome: str = Field(default="", max_length=300)
    logged_by_name: str = Field(max_length=200)
    logged_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutreachStageChange(SQLModel, table=True):
    __tablename__ = "outreach_stage_change"

    id: int | None = Field(default=None, primary_key=True)
    outreach_id: int = Field(foreign_key="outreach.id", index=True)
    from_stage: str | None = Field(default=None, max_length=20)
    to_stage: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_account_id: int | None = Field(default=None, foreign_key="account.id")
    actor_name: str = Field(max_length=200)
    note: str = ""


class MarketingSummary(SQLModel, table=True):
    """The non-confidential summary of a technology, kept so it can be regenerated."""

    __tablename__ = "marketing_summary"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", unique=True)
    headline: str = Field(max_length=300)
    problem: str = ""
    solution: str = ""
    advantages: str = ""
    applications: str = ""
    stage: str = Field(default="", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
