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
    # Someone at a licensee company: sees only that company's agreements, reports and
    # invoices (LicenseeAccount says which company; tlo/licensing/licensee_portal.py).
    LICENSEE = "licensee"

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


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted in a window, for one client address or one (account, client)
    pair (tlo/auth/throttle.py). Kept in the database so that every app process shares it."""

    __tablename__ = "signin_throttle"

    # "client 203.0.113.7" or "account 12 client 203.0.113.7" (IPv6: the /64 network).
    key: str = Field(max_length=160, primary_key=True)
    # The pair's account, so a password reset can lift its locks; None for a client's row.
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    failures: int = 0
    window_ends_at: datetime = Field(sa_type=UTCDateTime, index=True)


class SignInSession(SQLModel, table=True):
    """A password sign-in that outlives the browser tab (tlo/auth/sessions.py).

    The browser's cookie holds a random token; this row holds only its SHA-256, so a copy of
    the database signs no one in. Until the browser has collected its cookie, the row holds
    the SHA-256 of a one-time hand-off code instead."""

    __tablename__ = "signin_session"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True)
    handoff_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    client: str = Field(max_length=100)  # where it signed in from (throttle.client_key)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)  # at the latest
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: str | None = Field(default=None, max_length=40)


class LicenseeAccount(SQLModel, table=True):
    """The company a licensee's account belongs to: what the licensee role may see is
    limited to that company's agreements (permissions.Scope.COMPANY)."""

    __tablename__ = "licensee_account"

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
