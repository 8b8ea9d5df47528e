"""Income from licensees and its distribution. Money in integer cents (64-bit: a milestone
payment can pass the 32-bit limit of $21 million).

A distribution shares one income's part for one technology. It is a draft until finance posts
it; a posted distribution and its lines are never changed again: a correction is a reversing
distribution (the same lines, negated, pointing at the original) plus a new one. Cumulative
amounts (for tiers) and outstanding patent costs are sums over posted distributions.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel, col

from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.errors import ValidationError


class DistributionStatus(StrEnum):
    DRAFT = "draft"
    POSTED = "posted"


class Income(SQLModel, table=True):
    __table_args__ = (
        # The dashboard's income charts without a technology filter read only this index
        # (migration 0024): the fiscal years, the types, what counts, by agreement.
        sa.Index(
            "ix_income_dashboard",
            "fiscal_year",
            "income_type",
            "voided_at",
            "agreement_id",
            "amount_cents",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    received_on: date = Field(index=True)
    fiscal_year: int = Field(index=True)
    income_type: str = Field(max_length=30, index=True)
    amount_cents: int = Field(sa_type=sa.BigInteger)
    licensee_reference: str = Field(default="", max_length=200)
    note: str = ""
    # A royalty report the licensee sent with the payment (stored by hash, see file_store).
    report_name: str | None = Field(default=None, max_length=255)
    report_sha256: str | None = Field(default=None, max_length=64)
    recorded_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    recorded_by_name: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # A payment recorded by mistake, voided before anything of it was posted: kept (never
    # deleted), counted nowhere (`counted()`), with who voided it, when and why (migration 0020).
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    voided_by_name: str | None = Field(default=None, max_length=200)
    void_reason: str = Field(default="", sa_column_kwargs={"server_default": ""})

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


class DepartmentDesignation(SQLModel, table=True):
    """The department an inventor names to receive the departmental share that follows their
    own share of a technology, where the policy lets inventors designate it
    (tlo.revenue.designations)."""

    __tablename__ = "department_designation"
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    department_id: int = Field(foreign_key="department.id")
    designated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    designated_by_name: str = Field(max_length=200)
    designated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IncomePart(SQLModel, table=True):
    """A technology's part of an income fixed when it was recorded, where it is not the
    agreement's allocation: a patent pool's statement, shared by the pool's rule
    (tlo.licensing.patent_pools). The parts of an income add up to it."""

    __tablename__ = "income_part"
    __table_args__ = (sa.UniqueConstraint("income_id", "disclosure_id"),)

    id: int | None = Field(default=None, primary_key=True)
    income_id: int = Field(foreign_key="income.id", index=True)
    disclosure_id: int = Field(foreign_key="disclosure.id")
    amount_cents: int = Field(sa_type=sa.BigInteger)
    basis: str = Field(default="", max_length=200)  # "3 essential patent-countries"


def counted():
    """The where-clause for incomes that count: every one but those voided. Every total,
    report, statement and run over incomes takes it."""
    return col(Income.voided_at).is_(None)


class Distribution(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_distribution_income_tech", "income_id", "disclosure_id"),)

    id: int | None = Field(default=None, primary_key=True)
    income_id: int = Field(foreign_key="income.id", index=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    status: str = Field(default=DistributionStatus.DRAFT.value, max_length=10, index=True)
    amount_cents: int = Field(
        sa_type=sa.BigInteger
    )  # this technology's part of the income (negative in a reversal)
    policy_name: str = Field(max_length=200)
    policy_effective_from: date
    # What the computation started from; posting refuses a draft whose basis has moved on.
    costs_outstanding_cents: int = Field(sa_type=sa.BigInteger)
    cumulative_before_cents: int = Field(sa_type=sa.BigInteger)
    costs_recovered_cents: int = Field(
        sa_type=sa.BigInteger
    )  # including a patent-cost reimbursement's whole amount
    split_base_cents: int = Field(
        sa_type=sa.BigInteger
    )  # what entered the split: the next income's cumulative grows by it
    # A posted distribution is reversed at most once: by the distribution that names it here.
    reverses_id: int | None = Field(default=None, foreign_key="distribution.id", unique=True)
    reason: str = ""  # why a reversal was made
    computed_by_name: str = Field(max_length=200)
    # Who computed it (migration 0020): with four eyes on, someone else posts it.
    computed_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    posted_by_name: str | None = Field(default=None, max_length=200)
    posted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DistributionLine(SQLModel, table=True):
    __tablename__ = "distribution_line"

    id: int | None = Field(default=None, primary_key=True)
    distribution_id: int = Field(foreign_key="distribution.id", index=True)
    position: int
    recipient: str = Field(max_length=300)
    recipient_class: str = Field(max_length=20, index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    school_id: int | None = Field(default=None, foreign_key="school.id", index=True)
    amount_cents: int = Field(sa_type=sa.BigInteger)
    rule: str


def unreversed() -> tuple:
    """Where-clauses for distributions that neither reverse another nor have been reversed:
    with status posted, the ones that stand (what every total is made of)."""
    reversal = aliased(Distribution)
    return (
        col(Distribution.reverses_id).is_(None),
        ~sa.exists().where(reversal.reverses_id == Distribution.id),
    )


class IncomeCredit(SQLModel, table=True):
    """The stored per-technology income credit: what each income counts for each technology
    of its agreement, as `tlo.revenue.credit.computed_credit` works it out from the income,
    its posted distributions and the agreement's allocation, one row per income and
    technology (a row may hold zero: a part reversed and not yet distributed again). Kept so
    that the dashboard adds up stored numbers instead of running window functions over every
    income and distribution on each render.

    Written only by `tlo.revenue.credit.refresh_income_credit` (the session hooks below call
    it for what the ORM changed; the bulk paths call it themselves). A voided income has no
    rows. Derived data, without foreign keys: a refresh replaces an income's rows whatever
    else changed. The fiscal year, type and agreement are the income's, copied so that the
    charts filter and group without joining it."""

    __tablename__ = "income_credit"
    __table_args__ = (
        # The charts' filters: fiscal years and types for every technology (top technologies),
        # or the technologies chosen by school, department or officer (each one's rows).
        sa.Index(
            "ix_income_credit_year_type", "fiscal_year", "income_type", "disclosure_id", "cents"
        ),
        sa.Index(
            "ix_income_credit_technology",
            "disclosure_id",
            "fiscal_year",
            "income_type",
            "income_id",
            "cents",
        ),
    )

    income_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    disclosure_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    agreement_id: int
    fiscal_year: int
    income_type: str = Field(max_length=30)
    cents: int = Field(sa_type=sa.BigInteger)


class RevenuePolicy(SQLModel, table=True):
    """A policy an administrator added from the app (the shipped ones are files in policies/)."""

    __tablename__ = "revenue_policy"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    effective_from: date = Field(index=True)
    toml: str
    added_by_name: str = Field(max_length=200)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# --- posted records are final ----------------------------------------------------------------


def _before_flush(session: Session, obj: SQLModel, name: str):
    """The stored value of `obj`'s attribute `name` as this flush starts (None for a new
    object); read from the database when the session never loaded it."""
    state = inspect(obj)
    history = state.attrs[name].history
    known = history.deleted or history.unchanged
    if known:
        return known[0]
    if state.key is None:
        return None
    model = type(obj)
    return session.scalar(sa.select(getattr(model, name)).where(model.id == obj.id))


def _is_or_was_posted(session: Session, distribution_id: int | None) -> bool:
    """Whether the distribution was posted before this flush or is being posted by it."""
    parent = session.get(Distribution, distribution_id) if distribution_id is not None else None
    if parent is None:
        return False
    posted = DistributionStatus.POSTED.value
    return posted in (_before_flush(session, parent, "status"), parent.status)


@event.listens_for(Session, "before_flush")
def _posted_records_are_final(session, _context, _instances) -> None:
    """The ORM's guard: whatever code tries, a posted distribution or its lines never change.

    A line is added only to a draft and never moved into or out of a posted distribution.
    Bulk UPDATE and DELETE statements never reach this hook: the database's triggers
    (migration 0010) refuse those.
    """
    changed = [obj for obj in session.dirty if session.is_modified(obj)] + list(session.deleted)
    with session.no_autoflush:
        for obj in changed:
            if (
                isinstance(obj, Distribution)
                and _before_flush(session, obj, "status") == DistributionStatus.POSTED.value
            ):
                raise ValidationError(
                    f"Distribution {obj.id} is posted and cannot change; reverse it instead."
                )
        for obj in changed + list(session.new):
            if not isinstance(obj, DistributionLine):
                continue
            # The old parent (a move out of a posted distribution) and the new one.
            for parent_id in dict.fromkeys(
                [_before_flush(session, obj, "distribution_id"), obj.distribution_id]
            ):
                if _is_or_was_posted(session, parent_id):
                    raise ValidationError(
                        f"Lines of posted distribution {parent_id} cannot change; "
                        "reverse it instead."
                    )


# --- keeping the stored income credit current --------------------------------------------------
# Every ORM write of a fact the credit depends on, whichever service (or test) makes it, names
# the incomes or agreements whose credit is recomputed: an income recorded or voided, a
# distribution posted (a part, a reversal, a redistribution), a technology of an agreement
# added, removed or given another allocation. They are recomputed set-based in the same
# transaction, before it commits (`credit.refresh_pending`). Statements that write past the ORM
# (the annual run, the importer, the generator) call `credit.refresh_income_credit` themselves.

CREDIT_PENDING = "tlo.income_credit.pending"


def credit_pending(session) -> dict[str, set[int]]:
    """The incomes and agreements whose credit this session has yet to recompute."""
    return session.info.setdefault(CREDIT_PENDING, {"incomes": set(), "agreements": set()})


@event.listens_for(sa.orm.Session, "after_flush")
def _note_credit_changes(session, _context) -> None:
    from tlo.licensing.agreement_models import AgreementTechnology

    pending = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Income):
            noted = [("incomes", obj.id)]
        elif isinstance(obj, Distribution):
            # Only posted distributions count; a draft (computed, discarded) changes nothing,
            # and a posted one never becomes a draft again (see _posted_records_are_final).
            if obj.status != DistributionStatus.POSTED.value:
                continue
            noted = [("incomes", obj.income_id)]
        elif isinstance(obj, AgreementTechnology):
            moved = inspect(obj).attrs.agreement_id.history.deleted or ()
            noted = [("agreements", obj.agreement_id)] + [("agreements", a) for a in moved]
        else:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        pending = pending or credit_pending(session)
        for kind, key in noted:
            if key is not None:
                pending[kind].add(key)


@event.listens_for(sa.orm.Session, "before_commit")
def _refresh_credit_before_commit(session) -> None:
    if not session.info.get(CREDIT_PENDING) and not (
        session.new or session.dirty or session.deleted
    ):
        return
    from tlo.revenue.credit import refresh_pending

    refresh_pending(session)
