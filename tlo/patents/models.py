"""Patent applications and their families, office actions, counsel invoices, Bayh-Dole
compliance, the state of docket items, and the stored docket: the deadlines the rules compute,
kept current by session hooks whenever their facts change."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm
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
    # The day the office paid it: the AUTM survey counts legal fees on a paid basis. None on
    # an unpaid invoice (and on a paid one recorded without its date, e.g. by the importer).
    paid_on: date | None = Field(default=None, index=True)
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


class DocketItemRow(SQLModel, table=True):
    """The stored docket: each deadline the rules compute for a live case, or an obligation of
    an executed or active agreement, as `tlo.patents.docket` computes it, kept so that the
    docket is read with SQL filters instead of recomputing every case on every view.

    Written only by `tlo.patents.services.refresh_docket`, which the session hooks below call
    whenever the facts of a case or an agreement change; `state` follows the item's mark. The
    names shown with an item (docket number, title, officer, licensee) are joined when read."""

    __tablename__ = "docket_item"
    __table_args__ = (
        sa.Index("ix_docket_item_state_act_by", "state", "act_by"),
        sa.Index("ix_docket_item_officer_state_act_by", "officer_person_id", "state", "act_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, index=True)  # as DocketItem.key (marks refer to it)
    # Derived data, without foreign keys: a refresh replaces it whatever else changed.
    case_id: int | None = Field(default=None, index=True)  # a case's deadline
    agreement_id: int | None = Field(default=None, index=True)  # an agreement's obligation
    disclosure_id: int  # the case, or the first technology an agreement covers (0: none)
    officer_person_id: int | None = None  # the case's or the agreement's officer
    rule: str = Field(max_length=60)
    kind: str = Field(max_length=10)  # patent, bayh_dole, license
    label: str = Field(max_length=300)
    subject: str = Field(max_length=300)  # an obligation's licensee is joined when read
    due: date = Field(index=True)
    file_by: date | None = None
    window_opens: date | None = None
    grace_ends: date | None = None
    act_by: date
    met_by_records: bool = False
    state: str = Field(max_length=10)  # open, met, done, waived
    shown_from: date | None = None  # on the docket from this day (None: always)
    shown_until: date | None = None  # and until this day, inclusive (None: without end)


class DocketSource(SQLModel, table=True):
    """A case or an agreement whose items the stored docket holds, and the last day they hold
    for (utilization reports are stored a few fiscal years ahead)."""

    __tablename__ = "docket_source"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, unique=True)
    agreement_id: int | None = Field(default=None, unique=True)
    refreshed_on: date
    valid_until: date | None = Field(default=None, index=True)


# --- keeping the stored docket current ---------------------------------------------------------
# Every ORM write of a fact a deadline depends on, whichever service makes it, names the case
# or agreement whose items must be recomputed; they are recomputed in the same transaction,
# before it commits (and before the docket is read in it). Registered here, with the models,
# so that any process that can write a patent record keeps the docket.

PENDING = "tlo.docket.pending"


def pending_of(session) -> dict[str, set]:
    return session.info.setdefault(
        PENDING, {"cases": set(), "applications": set(), "agreements": set(), "keys": set()}
    )


def _note_change(pending: dict[str, set], instance) -> None:
    from tlo.disclosures.models import Disclosure, FundingSource, PublicDisclosure, StatusChange
    from tlo.licensing.agreement_models import (
        Agreement,
        AgreementTechnology,
        AnnualFee,
        Milestone,
    )

    if isinstance(instance, Disclosure):
        pending["cases"].add(instance.id)
    elif isinstance(
        instance,
        PatentApplication
        | PublicDisclosure
        | FundingSource
        | StatusChange
        | BayhDoleRecord
        | CostDecision,
    ):
        pending["cases"].add(instance.disclosure_id)
        moved = sa.inspect(instance).attrs.disclosure_id.history.deleted
        pending["cases"].update(moved)
    elif isinstance(instance, OfficeAction):
        pending["applications"].add(instance.application_id)
    elif isinstance(instance, Agreement):
        pending["agreements"].add(instance.id)
    elif isinstance(instance, AnnualFee | Milestone | AgreementTechnology):
        pending["agreements"].add(instance.agreement_id)
    elif isinstance(instance, DocketItemState):
        pending["keys"].add(instance.key)


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _collect_changes(session, _flush_context) -> None:
    pending = None
    for instance in (*session.new, *session.dirty, *session.deleted):
        if instance in session.dirty and not session.is_modified(instance):
            continue
        pending = pending or pending_of(session)
        _note_change(pending, instance)
    if pending is not None:
        for name in pending:
            pending[name].discard(None)


BULK_KEYS = {
    "disclosure_id": "cases",
    "agreement_id": "agreements",
    "application_id": "applications",
}


@sa.event.listens_for(sa.orm.Session, "do_orm_execute")
def _collect_bulk_inserts(state) -> None:
    """An INSERT of many rows at once (the importer's) names its cases by its parameters; new
    disclosures get no id before it runs, so their cases are found later as cases missing from
    the stored docket (services.refresh_pending)."""
    if not state.is_insert:
        return
    table = getattr(state.statement, "table", None)
    if table is None or table.name not in WATCHED_TABLES:
        return
    pending = pending_of(state.session)
    if table.name in ("disclosure", "agreement"):
        pending.setdefault("sweep", set()).add(table.name)
    rows = state.parameters
    rows = rows if isinstance(rows, list) else [rows or {}]
    for row in rows:
        for column, name in BULK_KEYS.items():
            if row.get(column) is not None:
                pending[name].add(row[column])


WATCHED_TABLES = frozenset(
    {
        "disclosure",
        "patent_application",
        "office_action",
        "public_disclosure",
        "funding_source",
        "status_change",
        "bayh_dole_record",
        "cost_decision",
        "agreement",
        "annual_fee",
        "milestone",
        "agreement_technology",
    }
)


@sa.event.listens_for(sa.orm.Session, "before_commit")
def _refresh_before_commit(session) -> None:
    if not session.info.get(PENDING) and not (session.new or session.dirty or session.deleted):
        return
    from tlo.patents.services import refresh_pending

    refresh_pending(session)
