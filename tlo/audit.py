"""The audit log: every change a service makes, with who, when, what and before/after.

Services call `record()` in the same transaction as the change itself, so a change and its
audit entry are saved together or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, Session, SQLModel, select

from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.pagination import Page, paginate

if TYPE_CHECKING:
    from tlo.auth.permissions import Actor


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_account_id: int | None = Field(default=None, foreign_key="account.id")
    # Kept as text too, so the entry still reads well if the account is renamed.
    actor_name: str = Field(max_length=200)
    action: str = Field(max_length=100, index=True)
    object_type: str = Field(max_length=60)
    object_id: str = Field(max_length=60)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(item) for item in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def snapshot(model: SQLModel, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields of a model as JSON-ready values, for an entry's before/after."""
    return {
        name: _jsonable(value) for name, value in model.model_dump().items() if name not in exclude
    }


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: int | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction. `actor` None means the system itself."""
    entry = AuditEntry(
        actor_account_id=actor.account_id if actor else None,
        actor_name=actor_name or (actor.name if actor else "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
    session.add(entry)
    return entry


def as_text(values: dict[str, Any] | None) -> str:
    """Before/after values on one line, for tables and exports."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False) if values else ""


def entries_for(
    session: Session, *, object_type: str, object_id: int | str, limit: int = 200
) -> list[AuditEntry]:
    """The history of one object, newest first. The caller has checked the actor may read
    the object itself (e.g. an officer reading a case's history)."""
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        ).all()
    )


# Who may read an entry's before/after: the permission that reads the object itself, held
# for every object of its kind. The audit log is for administrators and the director; an
# administrator may not open a case, so a case's entries show who did what and when, but not
# the confidential content. A kind not listed here shows no content to anyone (a new kind of
# object joins this table with the permission that reads it; tests/services/test_audit.py
# checks every kind the demo records is listed).
CONTENT_PERMISSIONS: dict[str, str] = {
    "account": "account.manage",
    "person": "person.manage",
    "school": "org.read",
    "department": "org.read",
    "disclosure": "disclosure.read",
    "company": "company.read",
    "agreement": "agreement.read",
    "income": "distribution.read",
    "fiscal_year": "distribution.read",
    "revenue_policy": "policy.manage",
    "template": "template.manage",
    "import": "data.import",
}


@dataclass(frozen=True)
class AuditView:
    """An entry as one reader may see it: `withheld` when its content is not theirs to read."""

    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None
    withheld: bool


def may_read_content(actor: Actor, object_type: str) -> bool:
    """Whether `actor` may read the before/after of entries about objects of `object_type`."""
    from tlo.auth.permissions import sees_all

    permission = CONTENT_PERMISSIONS.get(object_type)
    return permission is not None and sees_all(actor, permission)


def _view(entry: AuditEntry, readable: bool) -> AuditView:
    withheld = not readable and (entry.before is not None or entry.after is not None)
    return AuditView(
        id=entry.id,
        at=entry.at,
        actor_name=entry.actor_name,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        before=entry.before if readable else None,
        after=entry.after if readable else None,
        withheld=withheld,
    )


def list_entries(
    session: Session,
    *,
    actor: Actor,
    object_type: str | None = None,
    object_id: int | str | None = None,
    action_contains: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[AuditView]:
    """Newest first, one page at a time; an entry's content only where the actor may read
    objects of its kind (see CONTENT_PERMISSIONS)."""
    from tlo.auth.permissions import require

    require(actor, "audit.read")
    query = select(AuditEntry)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == str(object_id))
    if action_contains:
        query = query.where(AuditEntry.action.contains(action_contains))
    page = paginate(
        session,
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
        offset=offset,
        limit=limit,
    )
    readable = {kind: may_read_content(actor, kind) for kind in {e.object_type for e in page.items}}
    return replace(page, items=[_view(entry, readable[entry.object_type]) for entry in page.items])
