"""Patent applications and their families, office actions, counsel invoices, Bayh-Dole
compliance, and the state of docket items (deadlines themselves are computed, never stored)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class ApplicationType(StrEnum):
    PROVISIONAL = "provisional"
    NONPROVISIONAL = "nonprovisional"
    PCT = "pct"
    NATIONAL_PHASE = "national_phase"
    REGIONAL_PHASE = "regional_phase"
    CONTINUATION = "continuation"
    DIVISIONAL = "divisional"
    CONTINUATION_IN_PART = "continuation_in_part"

    @property
    def label(self) -> str:
        return {
            "pct": "PCT",
            "nonprovisional": "Non-provisional",
            "continuation_in_part": "Continuation-in-part",
        }.get(self.value, self.value.replace("_", " ").capitalize())


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    GRANTED = "granted"
    ABANDONED = "abandoned"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PatentApplication(SQLModel, table=True):
    __tablename__ = "patent_application"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    # The application this one claims priority from or continues; None for a family's root.
    parent_id: int | None = Field(default=None, foreign_key="patent_application.id", index=True)
    jurisdiction: str = Field(max_length=10)  # US, EP, WO (PCT), JP, CN, ...
    application_type: str = Field(max_length=30)
    application_number: str = Field(default="", max_length=50)
    filing_date: date = Field(index=True)
    # Given only where it cannot be derived from the family (e.g. a foreign priority).
    priority_date_override: date | None = None
    status: str = Field(default=ApplicationStatus.PENDING.value, max_length=20)
    counsel_firm: str = Field(default="", max_length=200)
    counsel_attorney: str = Field(default="", max_length=200)
    counsel_docket: str = Field(default="", max_length=100)
    publication_number: str = Field(default="", max_length=50)
    publication_date: date | None = None
    grant_number: str = Field(default="", max_length=50)
    grant_date: date | None = Field(default=None, index=True)
    abandoned_on: date | None = None
    government_support_clause: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OfficeAction(SQLModel, table=True):
    __tablename__ = "office_action"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="patent_application.id", index=True)
    mailed_on: date
    # What the office mailed (tlo.patents.deadlines.ActionType): it sets the response period.
    action_type: str = Field(default="non_final", max_length=30)
    description: str = Field(default="", max_length=300)
    # The response filed, or for a notice of allowance the day the issue fee was paid.
    responded_on: date | None = None


class PatentCost(SQLModel, table=True):
    """An invoice from outside counsel, in integer cents."""

    __tablename__ = "patent_cost"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="patent_application.id", index=True)
    invoice_date: date = Field(index=True)
    invoice_number: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=300)
    amount_cents: int = Field(sa_type=sa.BigInteger)
    paid: bool = False
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BayhDoleRecord(SQLModel, table=True):
    """Compliance of one federally funded case with its agency (one per disclosure)."""

    __tablename__ = "bayh_dole_record"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", unique=True)
    agency: str = Field(default="", max_length=200)
    award_number: str = Field(default="", max_length=100)
    iedison_number: str = Field(default="", max_length=50)
    reported_on: date | None = None
    election: str = Field(default="pending", max_length=20)  # pending, elected, declined
    elected_on: date | None = None


class DocketItemState(SQLModel, table=True):
    """A computed deadline marked done or waived; the key names the deadline stably."""

    __tablename__ = "docket_item_state"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    state: str = Field(max_length=10)  # done, waived
    note: str = ""
    marked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    marked_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    marked_by_name: str = Field(max_length=200)


class CostDecision(SQLModel, table=True):
    """Whether to pay a docket item that costs money (a national phase, a renewal, a fee) or
    let it lapse; one per item, kept with who, when and why (see decisions.py)."""

    __tablename__ = "cost_decision"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)  # the docket item's key
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    rule: str = Field(max_length=60)
    label: str = Field(max_length=200)
    subject: str = Field(max_length=300)
    decision: str = Field(max_length=10)  # pay, lapse
    reason: str = Field(default="", max_length=500)
    decided_on: date  # the office's day of the decision
    act_by: date  # the item's last day to act, as the decision saw it
    estimate_cents: int = Field(sa_type=sa.BigInteger)
    decided_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    decided_by_name: str = Field(max_length=200)
