"""The public catalogue's tables (#20).

`CatalogueEntry` is a snapshot of public facts only, taken when an officer publishes, so the
public side never reads a case table. The other tables are the catalogue's figures, kept
without personal data: a visitor is a hash salted with a secret that changes every day and is
then forgotten, so yesterday's visitors cannot be linked to anyone or to today's.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class CatalogueEntry(SQLModel, table=True):
    __tablename__ = "catalogue_entry"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", unique=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=300)
    summary: str = Field(default="", max_length=300)  # the one line under the title
    problem: str = ""
    solution: str = ""
    advantages: str = ""
    applications: str = ""
    stage: str = Field(default="", max_length=200)
    field: str = Field(default="", max_length=200, index=True)  # the lead inventor's school
    patent_state: str = Field(default="unpatented", max_length=20, index=True)
    ip_status: str = Field(default="", max_length=500)
    patent_numbers: str = Field(default="", max_length=1000)  # published numbers only
    inventors: str = Field(default="", max_length=1000)  # only those who agreed
    keywords: str = Field(default="", max_length=500)
    image_sha256: str | None = Field(default=None, max_length=64)
    image_type: str = Field(default="", max_length=50)
    first_published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class CatalogueSalt(SQLModel, table=True):
    """Today's secret for hashing visitors; earlier days' are deleted."""

    __tablename__ = "catalogue_salt"

    day: date = Field(primary_key=True)
    salt: str = Field(max_length=64)


class CatalogueVisit(SQLModel, table=True):
    """Page views per day, page and anonymous visitor. `disclosure_id` 0 is the list."""

    __tablename__ = "catalogue_visit"
    __table_args__ = (sa.UniqueConstraint("day", "disclosure_id", "visitor"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    disclosure_id: int = Field(index=True)
    visitor: str = Field(max_length=32)
    views: int = 1


class CatalogueSearchMiss(SQLModel, table=True):
    """A search that found nothing, counted per day and words."""

    __tablename__ = "catalogue_search_miss"
    __table_args__ = (sa.UniqueConstraint("day", "query"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    query: str = Field(max_length=100)
    count: int = 1


class CatalogueInquiry(SQLModel, table=True):
    """What a visitor sent from a technology's page, and the outreach entry it made."""

    __tablename__ = "catalogue_inquiry"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    outreach_id: int | None = Field(default=None, foreign_key="outreach.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    name: str = Field(max_length=200)
    company_name: str = Field(max_length=200)
    email: str = Field(max_length=320)
    message: str = Field(max_length=4000)
    visitor: str = Field(max_length=32, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
