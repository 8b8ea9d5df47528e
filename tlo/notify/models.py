"""Outbox messages and each person's preference per kind of message."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    recipient_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    recipient_email: str = Field(max_length=320)
    recipient_name: str = Field(default="", max_length=200)  # in the To header when known
    subject: str = Field(max_length=300)
    body: str
    link: str | None = Field(default=None, max_length=500)
    # A file sent with it (an invoice), kept by hash in the data folder (tlo.file_store).
    attachment_name: str | None = Field(default=None, max_length=255)
    attachment_sha256: str | None = Field(default=None, max_length=64)
    # queued -> sent | failed; digest: waits for the weekly digest; off: kept, never mailed.
    status: str = Field(default="queued", max_length=20, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationPreference(SQLModel, table=True):
    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=40)
    mode: str = Field(max_length=20)  # immediately | weekly | off
