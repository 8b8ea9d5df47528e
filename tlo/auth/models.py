"""Accounts sign in; roles say what an account may do. A person has at most one account."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class Role(StrEnum):
    INVENTOR = "inventor"
    OFFICER = "officer"
    FINANCE = "finance"
    DIRECTOR = "director"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"officer": "Licensing officer"}.get(self.value, self.value.capitalize())


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    username: str = Field(max_length=100, unique=True)
    # None for accounts that only sign in through single sign-on.
    password_hash: str | None = Field(default=None, max_length=255)
    active: bool = True
    failed_signins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_signin_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AccountRole(SQLModel, table=True):
    __tablename__ = "account_role"

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    role: str = Field(max_length=20, primary_key=True)
