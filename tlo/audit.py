"""The audit log: every change a service makes, with who, when, what and before/after.

Services call `record()` in the same transaction as the change itself, so a change and its
audit entry are saved together or not at all. Readers list the log a page at a time
(`list_entries`) or export every matching entry (`export_entries`); each entry reads as a
sentence that names people and records (tlo/audit_text.py), and shows its content only to
those who may read it (`CONTENT_PERMISSIONS`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, Session, SQLModel, func, select

from tlo import audit_text
from tlo.clock import start_of_office_day, utcnow
from tlo.db import UTCDateTime
from tlo.errors import ValidationError
from tlo.pagination import Page, paginate

if TYPE_CHECKING:
    from tlo.auth.permissions import Actor


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_object", "object_type", "object_id"),
        # Who acted, newest first: the audit log's person filter (2 million entries: 4.5 s
        # on SQLite without it, 0.2 ms with it).
        sa.Index("ix_audit_entry_actor_at", "actor_account_id", "at"),
    )

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
    "equity_holding": "equity.read",
    "fiscal_year": "distribution.read",
    "revenue_policy": "policy.manage",
    "template": "template.manage",
    "office_settings": "settings.manage",
    "import": "data.import",
}


@dataclass(frozen=True)
class AuditView:
    """An entry as one reader may see it: `withheld` when its content is not theirs to read.
    `sentence` and `record` name people and records, and hold no withheld content."""

    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None
    withheld: bool
    actor_account_id: int | None = None
    sentence: str = ""
    record: str = ""


def may_read_content(actor: Actor, object_type: str) -> bool:
    """Whether `actor` may read the before/after of entries about objects of `object_type`."""
    from tlo.auth.permissions import sees_all

    permission = CONTENT_PERMISSIONS.get(object_type)
    return permission is not None and sees_all(actor, permission)


def _view(entry: Any, readable: bool, names: audit_text.Names) -> AuditView:
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
        actor_account_id=entry.actor_account_id,
        sentence=audit_text.sentence(entry, names, readable=readable),
        record=audit_text.record_label(entry, names),
    )


def _views(session: Session, actor: Actor, entries: Sequence[Any]) -> list[AuditView]:
    """Entries as `actor` may see them, their names looked up together (one query per kind)."""
    readable = {kind: may_read_content(actor, kind) for kind in {e.object_type for e in entries}}
    names = audit_text.lookup(session, entries, readable)
    return [_view(entry, readable[entry.object_type], names) for entry in entries]


# --- finding entries ---------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """Which entries to show. Every filter runs in SQL; days are the office's calendar days."""

    actor_account_id: int | None = None  # who acted, by their account
    by_system: bool = False  # only what tlo itself did (demo data, imports, sign-in locks)
    object_type: str | None = None  # a kind of record (see audit_text.KIND_LABELS)
    object_id: str | None = None  # one record, by its id
    record: str | None = None  # records of `object_type` whose number or name holds this text
    action_contains: str | None = None
    from_day: date | None = None  # on or after this office day
    to_day: date | None = None  # on or before this office day


SYSTEM_LABEL = "tlo itself (demo data, imports, sign-in protection)"


@dataclass(frozen=True)
class ActorChoice:
    """Someone who may have acted, for the "who" filter; `account_id` None is tlo itself."""

    account_id: int | None
    label: str


def record_kinds() -> dict[str, str]:
    """The kinds of record the log is about, by their names for readers."""
    return dict(audit_text.KIND_LABELS)


def find_actors(
    session: Session, *, actor: Actor, search: str, limit: int = 20
) -> list[ActorChoice]:
    """People with an account whose name or username holds `search` (and tlo itself, for a
    search such as "system"), to filter the log by who acted."""
    from tlo.auth.models import Account
    from tlo.auth.permissions import require
    from tlo.people.models import Person
    from tlo.text import clean_text

    require(actor, "audit.read")
    text = clean_text(search, what="name or username", max_length=200, multiline=False)
    if not text:
        return []
    pattern = _like(text)
    rows = session.exec(
        select(Account.id, Account.username, Person.full_name)
        .join(Person, Person.id == Account.person_id)
        .where(
            sa.or_(
                func.lower(Person.full_name).like(pattern, escape="\\"),
                func.lower(Account.username).like(pattern, escape="\\"),
            )
        )
        .order_by(Person.full_name, Account.username)
        .limit(max(1, min(limit, 100)))
    ).all()
    choices = [ActorChoice(account, f"{name} ({username})") for account, username, name in rows]
    if text.lower() in "system" or text.lower() in "tlo itself":
        choices.append(ActorChoice(None, SYSTEM_LABEL))
    return choices


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _number(text: str) -> int | None:
    """The number in a record's key: "AGR-00012" -> 12, "FY2026" -> 2026, "#42" -> 42."""
    digits = text.strip().upper().removeprefix("AGR-").removeprefix("FY").lstrip("#").strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= 9:
        return int(digits)
    return None


def _clean_filters(filters: object) -> AuditFilters:
    from tlo.people.models import Person
    from tlo.text import clean_bool, clean_date, clean_optional_id, clean_text

    if not isinstance(filters, AuditFilters):
        raise ValidationError("Choose what to show of the audit log.")

    def text(value: object, what: str, column=None) -> str | None:
        cleaned = clean_text(value, what=what, column=column, max_length=None, multiline=False)
        return cleaned or None

    cleaned = AuditFilters(
        actor_account_id=clean_optional_id(filters.actor_account_id, what="account"),
        by_system=clean_bool(filters.by_system, what="only what tlo itself did"),
        object_type=text(filters.object_type, "kind of record", AuditEntry.object_type),
        object_id=text(
            None if filters.object_id is None else str(filters.object_id),
            "record id",
            AuditEntry.object_id,
        ),
        record=text(filters.record, "record's number or name", Person.full_name),
        action_contains=text(filters.action_contains, "action", AuditEntry.action),
        from_day=clean_date(filters.from_day, what="first day", required=False),
        to_day=clean_date(filters.to_day, what="last day", required=False),
    )
    if cleaned.from_day and cleaned.to_day and cleaned.from_day > cleaned.to_day:
        raise ValidationError(
            f"The first day ({cleaned.from_day.isoformat()}) is after the last day "
            f"({cleaned.to_day.isoformat()}); swap them."
        )
    if cleaned.record and not cleaned.object_type:
        raise ValidationError("Choose the kind of record to find by its number or name.")
    return cleaned


def _record_condition(actor: Actor, object_type: str, text: str):
    """Entries about records of `object_type` whose public key (a docket number, an agreement
    number) holds `text`, or whose name does where the actor may read the record: one SQL
    condition, the records' ids matched in a subquery on the audit log's object index."""
    from tlo.auth.models import Account
    from tlo.disclosures.models import Disclosure
    from tlo.licensing.models import Company
    from tlo.people.models import Department, Person, School
    from tlo.revenue.models import RevenuePolicy
    from tlo.word_templates import TemplateVersion

    pattern = _like(text)
    number = _number(text)
    by_number = AuditEntry.object_id == str(number) if number is not None else sa.false()

    def ids_where(model, condition):
        return AuditEntry.object_id.in_(select(sa.cast(model.id, sa.String)).where(condition))

    def holds(column):
        return func.lower(column).like(pattern, escape="\\")

    readable = may_read_content(actor, object_type)
    if object_type == "disclosure":
        return ids_where(Disclosure, holds(Disclosure.docket))
    if object_type in ("agreement", "income", "fiscal_year"):
        return by_number
    if not readable:  # a name is content: only the number finds the record
        return by_number
    if object_type == "person":
        return ids_where(Person, holds(Person.full_name))
    if object_type == "account":
        matching_people = select(Person.id).where(holds(Person.full_name))
        return ids_where(
            Account, sa.or_(holds(Account.username), Account.person_id.in_(matching_people))
        )
    named = {
        "company": Company,
        "school": School,
        "department": Department,
        "revenue_policy": RevenuePolicy,
        "template": TemplateVersion,
    }
    if object_type in named:
        model = named[object_type]
        return ids_where(model, holds(model.name))
    return holds(AuditEntry.object_id)  # kinds named by their id itself (an import, a client)


# Every distinct action, read off the action index one seek per action (a "loose index scan":
# some seventy seeks, where DISTINCT would read the whole index of millions of entries).
_DISTINCT_ACTIONS = sa.text(
    """
    WITH RECURSIVE actions(action) AS (
        SELECT min(action) FROM audit_entry
        UNION ALL
        SELECT (SELECT min(action) FROM audit_entry WHERE action > actions.action)
        FROM actions WHERE actions.action IS NOT NULL
    )
    SELECT action FROM actions WHERE action IS NOT NULL
    """
)


def actions_containing(session: Session, text: str) -> list[str]:
    """The actions in the log whose name holds `text` (any case). Matching them here, among
    a few dozen names, lets the log's filter use the action index instead of reading every
    entry's action."""
    wanted = text.strip().lower()
    return [action for (action,) in session.exec(_DISTINCT_ACTIONS) if wanted in action.lower()]


# An entry's columns, read as plain rows: a log read by the thousand (an export) need not
# build a model object for each entry.
_ENTRY_COLUMNS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.actor_account_id,
    AuditEntry.actor_name,
    AuditEntry.action,
    AuditEntry.object_type,
    AuditEntry.object_id,
    AuditEntry.before,
    AuditEntry.after,
)


def _query(session: Session, actor: Actor, filters: AuditFilters):
    """The entries `filters` choose, newest first (ties by id, for keyset paging)."""
    query = select(*_ENTRY_COLUMNS)
    if filters.by_system:
        query = query.where(AuditEntry.actor_account_id.is_(None))
    elif filters.actor_account_id is not None:
        query = query.where(AuditEntry.actor_account_id == filters.actor_account_id)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id is not None:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.record:
        query = query.where(_record_condition(actor, filters.object_type, filters.record))
    if filters.action_contains:
        query = query.where(
            AuditEntry.action.in_(actions_containing(session, filters.action_contains))
        )
    if filters.from_day:
        query = query.where(AuditEntry.at >= start_of_office_day(filters.from_day))
    if filters.to_day:
        query = query.where(AuditEntry.at < start_of_office_day(filters.to_day + timedelta(1)))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def list_entries(
    session: Session,
    *,
    actor: Actor,
    filters: AuditFilters | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    action_contains: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[AuditView]:
    """Newest first, one page at a time; an entry's content only where the actor may read
    objects of its kind (see CONTENT_PERMISSIONS). `object_type`, `object_id` and
    `action_contains` are short for the same fields of `filters`."""
    from tlo.auth.permissions import require

    require(actor, "audit.read")
    shorthand = {
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "action_contains": action_contains,
    }
    filters = replace(
        filters or AuditFilters(), **{key: value for key, value in shorthand.items() if value}
    )
    query = _query(session, actor, _clean_filters(filters))
    page = paginate(session, query, offset=offset, limit=limit)
    return replace(page, items=_views(session, actor, page.items))


# --- the Excel export of every matching entry ----------------------------------------------

# An export is written as it is read (openpyxl's write-only mode, entries fetched in chunks):
# memory stays flat, but time grows with the rows. Past this many, narrow the filters.
EXPORT_MAX_ROWS = 100_000
EXPORT_CHUNK_ROWS = 1_000
WITHHELD = "(not shown: confidential to those who may read it)"


def export_columns():
    from tlo.reports.excel import Column

    return [
        Column("When", "datetime", 17),
        Column("Who", width=26),
        Column("What", width=80),
        Column("Record", width=40),
        Column("Action", width=30),
        Column("Before", width=60),
        Column("After", width=60),
    ]


def export_row(view: AuditView) -> list[Any]:
    """One entry as a row of the export (and of the page's table): its content only where the
    reader may read it."""
    return [
        view.at,
        view.actor_name,
        view.sentence,
        view.record,
        view.action,
        WITHHELD if view.withheld else as_text(view.before),
        WITHHELD if view.withheld else as_text(view.after),
    ]


def count_entries(session: Session, *, actor: Actor, filters: AuditFilters) -> int:
    from tlo.auth.permissions import require

    require(actor, "audit.read")
    query = _query(session, actor, _clean_filters(filters))
    return session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()


def export_entries(
    session: Session,
    *,
    actor: Actor,
    filters: AuditFilters | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Every entry `filters` choose as an Excel workbook, newest first, written as it is read
    (chunks of EXPORT_CHUNK_ROWS by keyset, names looked up per chunk). `progress(done,
    total)` is told after each chunk. More than EXPORT_MAX_ROWS entries: a ValidationError
    that says to narrow the filters."""
    from tlo.reports import excel

    filters = _clean_filters(filters or AuditFilters())
    total = count_entries(session, actor=actor, filters=filters)
    if total > EXPORT_MAX_ROWS:
        raise ValidationError(
            f"{total:,} entries match; an export holds at most {EXPORT_MAX_ROWS:,}. "
            "Narrow the filters (a shorter period, one person or one kind of record) "
            "and export again."
        )
    rows = (export_row(view) for view in _chunked_views(session, actor, filters, total, progress))
    return excel.workbook_bytes([excel.Sheet("Audit log", export_columns(), rows)])


def _chunked_views(
    session: Session,
    actor: Actor,
    filters: AuditFilters,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[AuditView]:
    """The chosen entries, newest first, fetched a chunk at a time after the last one seen
    ((at, id) keyset: each chunk starts on the `at` index, however deep into the log)."""
    query = _query(session, actor, filters)
    done = 0
    last = None
    while done < min(total, EXPORT_MAX_ROWS):
        chunk = query
        if last is not None:
            chunk = query.where(
                AuditEntry.at <= last.at,
                sa.or_(AuditEntry.at < last.at, AuditEntry.id < last.id),
            )
        entries = list(session.exec(chunk.limit(EXPORT_CHUNK_ROWS)).all())
        if not entries:
            break
        entries = entries[: min(total, EXPORT_MAX_ROWS) - done]
        yield from _views(session, actor, entries)
        done += len(entries)
        last = entries[-1]
        if progress is not None:
            progress(done, total)
