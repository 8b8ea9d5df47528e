"""Reading disclosures: one case in full, an inventor's own, the intake queue, search, export.

Lists are paginated and filtered in SQL; the extra facts a row shows (inventors, urgency) come
from one query per page, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from tlo import audit, clock
from tlo.audit import AuditEntry
from tlo.auth.permissions import Actor, can, require, sees_all
from tlo.disclosures import casework
from tlo.disclosures.access import load_case, owned_by
from tlo.disclosures.attachments import list_attachments
from tlo.disclosures.models import (
    Attachment,
    CaseNote,
    DevelopmentStage,
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    Evaluation,
    FilingDecision,
    FundingSource,
    PublicDisclosure,
    StatusChange,
)
from tlo.disclosures.rules import urgency_flags
from tlo.disclosures.workflow import allowed_actions
from tlo.errors import ValidationError
from tlo.money import bp_to_percent
from tlo.pagination import Page, paginate
from tlo.people.models import Department, Person, School
from tlo.reports.excel import Column, Sheet, workbook_bytes
from tlo.text import (
    EARLIEST_DATE,
    LATEST_DATE,
    clean_choice,
    clean_date,
    clean_int,
    clean_optional_id,
    clean_text,
)

# Statuses after a patent application exists: a public disclosure no longer makes them urgent.
PATENT_FILED = {DisclosureStatus.FILED, DisclosureStatus.MARKETING, DisclosureStatus.LICENSED}


@dataclass(frozen=True)
class InventorLine:
    person_id: int
    name: str
    department: str | None
    school: str | None
    organisation: str | None
    share: Decimal
    confirmed_at: datetime | None


@dataclass(frozen=True)
class CaseView:
    disclosure: Disclosure
    status: DisclosureStatus
    submitter_name: str
    officer_name: str | None
    inventors: list[InventorLine]
    funding: list[FundingSource]
    public_disclosures: list[PublicDisclosure]
    attachments: list[Attachment]
    timeline: list[StatusChange]
    flags: list[str]
    actions: list
    can_edit_draft: bool
    can_work: bool
    can_assign: bool
    my_share_unconfirmed: bool
    # Office-internal parts: None for inventors.
    evaluations: list[Evaluation] | None = None
    decisions: list[FilingDecision] | None = None
    notes: list[CaseNote] | None = None
    history: list[AuditEntry] | None = None

    @property
    def stage_label(self) -> str:
        stage = self.disclosure.stage
        return DevelopmentStage(stage).label if stage else "—"


def _inventor_lines(session: Session, disclosure_ids: list[int]) -> dict[int, list[InventorLine]]:
    # Columns, not entities: an export reads the inventors of 100,000 cases.
    rows = session.exec(
        select(
            DisclosureInventor.disclosure_id,
            DisclosureInventor.share_bp,
            DisclosureInventor.confirmed_at,
            Person.id,
            Person.full_name,
            Person.organisation,
            Department.name.label("department"),
            School.name.label("school"),
        )
        .join(Person, Person.id == DisclosureInventor.person_id)
        .join(Department, Department.id == Person.department_id, isouter=True)
        .join(School, School.id == Department.school_id, isouter=True)
        .where(col(DisclosureInventor.disclosure_id).in_(disclosure_ids))
        .order_by(DisclosureInventor.disclosure_id, DisclosureInventor.position)
    ).all()
    lines: dict[int, list[InventorLine]] = defaultdict(list)
    for row in rows:
        lines[row.disclosure_id].append(
            InventorLine(
                row.id,
                row.full_name,
                row.department,
                row.school,
                row.organisation,
                bp_to_percent(row.share_bp),
                row.confirmed_at,
            )
        )
    return lines


def _urgency(session: Session, disclosures: list[Disclosure], today: date) -> dict[int, list[str]]:
    ids = [d.id for d in disclosures]
    dates: dict[int, list[date]] = defaultdict(list)
    for disclosure_id, day in session.exec(
        select(PublicDisclosure.disclosure_id, PublicDisclosure.disclosed_on).where(
            col(PublicDisclosure.disclosure_id).in_(ids)
        )
    ).all():
        dates[disclosure_id].append(day)
    federal = set(
        session.exec(
            select(FundingSource.disclosure_id).where(
                col(FundingSource.disclosure_id).in_(ids), FundingSource.is_federal
            )
        ).all()
    )
    return {
        d.id: urgency_flags(
            dates[d.id],
            federally_funded=d.id in federal,
            today=today,
            patent_filed=DisclosureStatus(d.status) in PATENT_FILED,
        )
        for d in disclosures
    }


def _names(session: Session, person_ids: set[int | None]) -> dict[int, str]:
    ids = [pid for pid in person_ids if pid is not None]
    return (
        dict(session.exec(select(Person.id, Person.full_name).where(col(Person.id).in_(ids))).all())
        if ids
        else {}
    )


def get_case(
    session: Session, *, actor: Actor, disclosure_id: int, today: date | None = None
) -> CaseView:
    """Everything about one case the actor may see; office-internal parts for staff only."""
    case = load_case(session, actor, disclosure_id, "disclosure.read")
    disclosure = case.disclosure
    names = _names(session, {disclosure.submitter_person_id, disclosure.officer_person_id})
    inventors = _inventor_lines(session, [disclosure_id])[disclosure_id]
    internal = can(actor, "disclosure.internal")

    def rows(model, order):
        return list(
            session.exec(
                select(model).where(model.disclosure_id == disclosure_id).order_by(order)
            ).all()
        )

    view = CaseView(
        disclosure=disclosure,
        status=case.status,
        submitter_name=names.get(disclosure.submitter_person_id, "?"),
        officer_name=names.get(disclosure.officer_person_id),
        inventors=inventors,
        funding=rows(FundingSource, FundingSource.id),
        public_disclosures=rows(PublicDisclosure, PublicDisclosure.disclosed_on),
        attachments=list_attachments(session, disclosure_id),
        timeline=_timeline_for(rows(StatusChange, StatusChange.id), internal=internal),
        flags=_urgency(session, [disclosure], today or clock.today())[disclosure_id],
        actions=allowed_actions(case.status, case.parties(actor)),
        can_edit_draft=case.status is DisclosureStatus.DRAFT
        and can(actor, "disclosure.edit_draft", case),
        can_work=can(actor, "disclosure.work", case),
        can_assign=casework.may_assign(actor, case),
        my_share_unconfirmed=any(
            line.person_id == actor.person_id and line.confirmed_at is None for line in inventors
        )
        and case.status is not DisclosureStatus.DRAFT,
    )
    if not internal:
        return view
    return replace(
        view,
        evaluations=rows(Evaluation, Evaluation.evaluated_at.desc()),
        decisions=rows(FilingDecision, FilingDecision.decided_at.desc()),
        notes=rows(CaseNote, CaseNote.written_at.desc()),
        history=audit.entries_for(session, object_type="disclosure", object_id=disclosure_id),
    )


def _timeline_for(changes: list[StatusChange], *, internal: bool) -> list[StatusChange]:
    """The timeline as the reader may see it. A step's note is the office's rationale (a filing
    decision's, a release's): the office reads it, the inventors do not. They read only the
    assignment's note (who their officer is). Copies, so the stored rows stay as they are."""
    if internal:
        return changes
    return [
        StatusChange(
            **change.model_dump(exclude={"note"}),
            note=change.note if change.to_status == DisclosureStatus.ASSIGNED.value else "",
        )
        for change in changes
    ]


@dataclass(frozen=True)
class DisclosureRow:
    id: int
    docket: str | None
    title: str
    status: DisclosureStatus
    fiscal_year: int | None
    submitted_at: datetime | None
    officer: str | None
    inventors: str
    flags: list[str]
    awaiting_my_confirmation: bool = False


def _to_rows(
    session: Session, actor: Actor, disclosures: list[Disclosure], today: date
) -> list[DisclosureRow]:
    """Rows of a list: `disclosures` are Disclosures, or rows of their `ROW_FIELDS`."""
    ids = [d.id for d in disclosures]
    inventors = _inventor_lines(session, ids)
    flags = _urgency(session, disclosures, today)
    officers = _names(session, {d.officer_person_id for d in disclosures})
    return [
        DisclosureRow(
            id=d.id,
            docket=d.docket,
            title=d.title,
            status=DisclosureStatus(d.status),
            fiscal_year=d.fiscal_year,
            submitted_at=d.submitted_at,
            officer=officers.get(d.officer_person_id),
            inventors="; ".join(
                f"{line.name} ({line.share.normalize():f} %)" for line in inventors[d.id]
            ),
            flags=flags[d.id],
            awaiting_my_confirmation=d.status != DisclosureStatus.DRAFT
            and any(
                line.person_id == actor.person_id and line.confirmed_at is None
                for line in inventors[d.id]
            ),
        )
        for d in disclosures
    ]


def _page_of_rows(session, actor, query, offset, limit, today) -> Page[DisclosureRow]:
    page = paginate(session, query, offset=offset, limit=limit)
    return Page(
        items=_to_rows(session, actor, page.items, today or clock.today()),
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


def list_my_disclosures(
    session: Session,
    *,
    actor: Actor,
    offset: int = 0,
    limit: int = 50,
    today: date | None = None,
) -> Page[DisclosureRow]:
    """The actor's own cases, as submitter, inventor or PI, drafts included, newest first."""
    require(actor, "disclosure.read")
    query = (
        select(Disclosure)
        .where(owned_by(actor.person_id))
        .order_by(Disclosure.created_at.desc(), Disclosure.id.desc())
    )
    return _page_of_rows(session, actor, query, offset, limit, today)


def intake_queue(
    session: Session,
    *,
    actor: Actor,
    offset: int = 0,
    limit: int = 50,
    today: date | None = None,
) -> Page[DisclosureRow]:
    """Received cases waiting for an officer, oldest first."""
    require(actor, "disclosure.triage")
    query = (
        select(Disclosure)
        .where(Disclosure.status == DisclosureStatus.SUBMITTED.value)
        .order_by(Disclosure.submitted_at, Disclosure.id)
    )
    return _page_of_rows(session, actor, query, offset, limit, today)


@dataclass
class DisclosureFilters:
    text: str = ""
    docket: str = ""
    inventor: str = ""
    keyword: str = ""
    department_id: int | None = None
    school_id: int | None = None
    statuses: list[DisclosureStatus] = field(default_factory=list)
    officer_person_id: int | None = None
    fiscal_year: int | None = None


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _clean_filters(filters: object) -> DisclosureFilters:
    """The filters as a search can use them: text without control characters, ids and years
    a column can hold."""
    if not isinstance(filters, DisclosureFilters):
        raise ValidationError("Choose what to search for.")
    if not isinstance(filters.statuses, list | tuple):
        raise ValidationError("Choose the statuses from the list.")
    return DisclosureFilters(
        text=clean_text(filters.text, what="search text", max_length=200, multiline=False),
        docket=clean_text(filters.docket, what="docket number", max_length=20, multiline=False),
        inventor=clean_text(filters.inventor, what="inventor", max_length=200, multiline=False),
        keyword=clean_text(filters.keyword, what="keyword", max_length=200, multiline=False),
        department_id=clean_optional_id(filters.department_id, what="department"),
        school_id=clean_optional_id(filters.school_id, what="school"),
        statuses=[clean_choice(s, DisclosureStatus, what="status") for s in filters.statuses],
        officer_person_id=clean_optional_id(filters.officer_person_id, what="officer"),
        fiscal_year=clean_int(
            filters.fiscal_year,
            what="fiscal year",
            minimum=EARLIEST_DATE.year,
            maximum=LATEST_DATE.year,
            required=False,
        ),
    )


# What a row of a list needs of a disclosure: an export selects these columns alone.
ROW_FIELDS = (
    Disclosure.id,
    Disclosure.docket,
    Disclosure.title,
    Disclosure.status,
    Disclosure.fiscal_year,
    Disclosure.submitted_at,
    Disclosure.officer_person_id,
)


def _search_query(actor: Actor, filters: DisclosureFilters, *, columns: tuple = ()):
    """The disclosures the filters find, newest first: entities, or only `columns`."""
    filters = _clean_filters(filters)
    query = select(*columns) if columns else select(Disclosure)
    if not sees_all(actor, "disclosure.read"):
        query = query.where(owned_by(actor.person_id))
    if not filters.statuses or DisclosureStatus.DRAFT not in filters.statuses:
        # Drafts are private to their inventors until submitted.
        query = query.where(Disclosure.status != DisclosureStatus.DRAFT.value)
    if filters.text.strip():
        pattern = _like(filters.text)
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (Disclosure.title, Disclosure.abstract, Disclosure.description)
                )
            )
        )
    if filters.docket.strip():
        query = query.where(
            func.upper(Disclosure.docket).like(_like(filters.docket).upper(), escape="\\")
        )
    if filters.keyword.strip():
        query = query.where(
            func.lower(Disclosure.keywords).like(_like(filters.keyword), escape="\\")
        )
    inventors = select(DisclosureInventor.disclosure_id).join(
        Person, Person.id == DisclosureInventor.person_id
    )
    if filters.inventor.strip():
        query = query.where(
            col(Disclosure.id).in_(
                inventors.where(
                    func.lower(Person.full_name).like(_like(filters.inventor), escape="\\")
                )
            )
        )
    if filters.department_id is not None:
        query = query.where(
            col(Disclosure.id).in_(inventors.where(Person.department_id == filters.department_id))
        )
    if filters.school_id is not None:
        query = query.where(
            col(Disclosure.id).in_(
                inventors.join(Department, Department.id == Person.department_id).where(
                    Department.school_id == filters.school_id
                )
            )
        )
    if filters.statuses:
        query = query.where(col(Disclosure.status).in_([s.value for s in filters.statuses]))
    if filters.officer_person_id is not None:
        query = query.where(Disclosure.officer_person_id == filters.officer_person_id)
    if filters.fiscal_year is not None:
        query = query.where(Disclosure.fiscal_year == filters.fiscal_year)
    return query.order_by(sa.desc(Disclosure.submitted_at), Disclosure.id.desc())


def search_disclosures(
    session: Session,
    *,
    actor: Actor,
    filters: DisclosureFilters,
    offset: int = 0,
    limit: int = 50,
    today: date | None = None,
) -> Page[DisclosureRow]:
    require(actor, "disclosure.read")
    offset = clean_int(offset, what="offset", minimum=0)
    limit = clean_int(limit, what="page size", minimum=1, maximum=1000)
    today = clean_date(today, what="day", required=False)
    return _page_of_rows(session, actor, _search_query(actor, filters), offset, limit, today)


EXPORT_COLUMNS = [
    Column("Docket"),
    Column("Title", width=50),
    Column("Status"),
    Column("Fiscal year", "integer"),
    Column("Received", "datetime"),
    Column("Officer"),
    Column("Inventors (share)", width=50),
    Column("Flags", width=40),
]
EXPORT_LIMIT = 100_000
EXPORT_CHUNK = 1_000


def export_disclosures(
    session: Session, *, actor: Actor, filters: DisclosureFilters, today: date | None = None
) -> bytes:
    """The filtered list as a formatted Excel workbook, streamed: the disclosures are fetched
    EXPORT_CHUNK at a time, and each chunk's inventors and flags with one query each (a list
    of at most EXPORT_CHUNK ids: databases limit how many one IN (...) may hold)."""
    require(actor, "disclosure.export")
    query = _search_query(actor, filters, columns=ROW_FIELDS).limit(EXPORT_LIMIT)
    today = today or clock.today()

    def rows():
        found = session.exec(query.execution_options(yield_per=EXPORT_CHUNK))
        for chunk in found.partitions():
            for row in _to_rows(session, actor, list(chunk), today):
                yield [
                    row.docket,
                    row.title,
                    row.status.label,
                    row.fiscal_year,
                    row.submitted_at,
                    row.officer,
                    row.inventors,
                    "; ".join(row.flags),
                ]

    return workbook_bytes([Sheet("Disclosures", EXPORT_COLUMNS, rows())])


def fiscal_years(session: Session, *, actor: Actor) -> list[int]:
    require(actor, "disclosure.read")
    return sorted(
        (year for year in session.exec(select(Disclosure.fiscal_year).distinct()).all() if year),
        reverse=True,
    )
