"""The equity ledger's tables (#19, item 2, migration 0030): a holding per company and share
certificate, and its events in date order.

A holding is what the ledger (tlo.equity.ledger) works out from its events (those not
voided); nothing derived is stored, so the shares, cost basis and value are always those of
the events as they stand.
Per-share prices are whole micro-dollars ($0.0001 = 100): a par value is exact. A ratio (a
split, a conversion, an acquisition) is kept as two whole numbers, new shares for old ones
(2 for 1; 1 for 3), so that a third is a third and not 0.333...
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class HeldFor(StrEnum):
    """Whose shares these are. Shares the university holds on the inventors' behalf (where the
    policy gives them equity directly) are theirs: selling them is not the university's income,
    so it is not shared under the policy nor counted as cashed-in equity."""

    UNIVERSITY = "university"
    INVENTORS = "inventors"

    @property
    def label(self) -> str:
        return {
            "university": "The university",
            "inventors": "The inventors (held on their behalf)",
        }[self.value]


class EquityHolding(SQLModel, table=True):
    __tablename__ = "equity_holding"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    # The license the shares came from; a sale's cash is income of this agreement.
    agreement_id: int | None = Field(default=None, foreign_key="agreement.id", index=True)
    share_class: str = Field(max_length=100)  # "Common", "Series A Preferred"
    certificate: str = Field(default="", max_length=100)
    held_for: str = Field(default=HeldFor.UNIVERSITY.value, max_length=20)
    note: str = ""
    created_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    created_by_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EquityEvent(SQLModel, table=True):
    __tablename__ = "equity_event"
    __table_args__ = (sa.Index("ix_equity_event_holding_day", "holding_id", "occurred_on"),)

    id: int | None = Field(default=None, primary_key=True)
    holding_id: int = Field(foreign_key="equity_holding.id")  # indexed with the day
    kind: str = Field(max_length=20, index=True)  # tlo.equity.ledger.EventKind
    occurred_on: date = Field(index=True)
    shares: int = Field(default=0, sa_type=sa.BigInteger)  # an issue's or a sale's
    price_micros: int | None = Field(default=None, sa_type=sa.BigInteger)  # per share
    ratio_new: int | None = None  # new shares ...
    ratio_old: int | None = None  # ... for so many old ones
    # The income a sale's cash became (none for a sale of the inventors' shares, or for nothing).
    income_id: int | None = Field(default=None, foreign_key="income.id", unique=True)
    note: str = ""
    created_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    created_by_name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # An event recorded by mistake: kept, with who voided it, when and why, and read by nothing
    # (a voided sale's income is voided with it).
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    voided_by_name: str | None = Field(default=None, max_length=200)
    void_reason: str = ""

    @property
    def voided(self) -> bool:
        return self.voided_at is not None
