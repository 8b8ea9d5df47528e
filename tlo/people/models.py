"""Schools contain departments; people belong to a department (external people to none)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class School(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    code: str = Field(max_length=20, unique=True)
    active: bool = True


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    code: str = Field(max_length=20, unique=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    active: bool = True


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(max_length=200, index=True)
    # Stored lower-cased: it is how single sign-on finds the person, whatever the case.
    email: str = Field(max_length=320, unique=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    # People outside the university (a co-inventor at a company or another campus).
    organisation: str | None = Field(default=None, max_length=200)
    is_external: bool = False
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    def owner_person_ids(self) -> set[int]:
        """A person's own record belongs to them (see tlo.auth.permissions)."""
        return {self.id} if self.id is not None else set()
