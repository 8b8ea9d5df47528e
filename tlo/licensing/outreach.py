"""Use cases of licensee outreach: companies and contacts, a pipeline per technology, touches
and follow-ups, and suggestions of whom to contact next."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.disclosures.access import load_case
from tlo.disclosures.models import Disclosure
from tlo.errors import NotFound, ValidationError
from tlo.licensing.matching import (
    CompanyIndex,
    CompanyProfile,
    PastResponse,
    Suggestion,
    build_index,
    normalise_company_name,
    rank_in_index,
)
from tlo.licensing.models import (
    POSITIVE_STAGES,
    Channel,
    Company,
    CompanySize,
    Contact,
    Outreach,
    OutreachStageChange,
    OutreachTouch,
    Stage,
)
from tlo.pagination import MAX_PAGE_SIZE, Page, paginate
from tlo.people.models import Person
from tlo.reports.excel import Column, Sheet, workbook_bytes
from tlo.text import (
    clean_bool,
    clean_choice,
    clean_date,
    clean_email,
    clean_id,
    clean_int,
    clean_optional_id,
    clean_text,
    clean_url,
)

# --- companies -------------------------------------------------------------------------------


@dataclass
class CompanyForm:
    name: str
    size: CompanySize | str
    sector: str = ""
    website: str = ""
    interests: str = ""
    notes: str = ""
    do_not_contact: bool = False
    entity_kind: str = ""  # "corporation", "limited liability company"
    jurisdiction: str = ""  # where it is organised: "Delaware", "Germany"
    # For the AUTM survey's start-ups (None: not recorded).
    formed_on: date | None = None
    depends_on_our_technology: bool | None = None
    notice_address: str = ""  # lines of the postal address for an agreement's notices


# The states (and the district) whose name makes the adjective of a US legal description,
# "a Delaware corporation"; elsewhere the jurisdiction follows: "a stock corporation organized
# under the laws of Germany".
US_JURISDICTIONS = frozenset(
    {
        "Alabama",
        "Alaska",
        "Arizona",
        "Arkansas",
        "California",
        "Colorado",
        "Connecticut",
        "Delaware",
        "Florida",
        "Georgia",
        "Hawaii",
        "Idaho",
        "Illinois",
        "Indiana",
        "Iowa",
        "Kansas",
        "Kentucky",
        "Louisiana",
        "Maine",
        "Maryland",
        "Massachusetts",
        "Michigan",
        "Minnesota",
        "Mississippi",
        "Missouri",
        "Montana",
        "Nebraska",
        "Nevada",
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
        "North Carolina",
        "North Dakota",
        "Ohio",
        "Oklahoma",
        "Oregon",
        "Pennsylvania",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "Tennessee",
        "Texas",
        "Utah",
        "Vermont",
        "Virginia",
        "Washington",
        "West Virginia",
        "Wisconsin",
        "Wyoming",
        "District of Columbia",
    }
)


def _article(word: str) -> str:
    """'a' or 'an' before a word, by its sound where the first letter misleads: "an LLC",
    "a unitary", "an hour"."""
    first = word.split()[0] if word.split() else word
    if first.isupper() and len(first) > 1:  # an abbreviation is read letter by letter
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    lowered = word.lower()
    if lowered.startswith(
        ("unio", "unit", "univ", "uniq", "unif", "use", "usu", "utah", "eu", "one")
    ):
        return "a"
    if lowered.startswith(("honor", "hour", "heir")):
        return "an"
    return "an" if lowered[:1] in "aeiou" else "a"


def legal_description(company: Company) -> str:
    """The company as an agreement names it: "HarborBio Inc., a Delaware corporation"; "NovaBio
    GmbH, a limited liability company organized under the laws of Germany"; its name alone
    while its kind and jurisdiction are unknown (never its size)."""
    name = company.name.strip()
    kind = (company.entity_kind or "").strip()
    place = (company.jurisdiction or "").strip()
    if not kind and not place:
        return name
    if not kind:
        return f"{name}, organized under the laws of {place}"
    if not place:
        return f"{name}, {_article(kind)} {kind}"
    if place in US_JURISDICTIONS:
        return f"{name}, {_article(place)} {place} {kind}"
    return f"{name}, {_article(kind)} {kind} organized under the laws of {place}"


def _company(session: Session, company_id: int) -> Company:
    company = session.get(Company, clean_id(company_id, what="company"))
    if company is None:
        raise NotFound(f"There is no company {company_id}.")
    return company


def _clean_company(form: object) -> CompanyForm:
    if not isinstance(form, CompanyForm):
        raise ValidationError("Fill in the company's name and size.")
    name = clean_text(form.name, what="company's name", column=Company.name, multiline=False)
    if not name:
        raise ValidationError("Give the company's name.")
    try:
        size = CompanySize(form.size)
    except (ValueError, TypeError):
        raise ValidationError("Choose the company's size: start-up, small or large.") from None
    return CompanyForm(
        name=name,
        size=size,
        sector=clean_text(form.sector, what="sector", column=Company.sector, multiline=False),
        website=clean_url(form.website, what="website", column=Company.website),
        interests=clean_text(form.interests, what="interests", column=Company.interests),
        notes=clean_text(form.notes, what="notes", column=Company.notes),
        do_not_contact=clean_bool(form.do_not_contact, what="'do not contact'"),
        entity_kind=clean_text(
            form.entity_kind, what="kind of entity", column=Company.entity_kind, multiline=False
        ),
        jurisdiction=clean_text(
            form.jurisdiction, what="jurisdiction", column=Company.jurisdiction, multiline=False
        ),
        formed_on=_clean_formed_on(form.formed_on),
        notice_address=clean_text(
            form.notice_address, what="address for notices", column=Company.notice_address
        ),
        depends_on_our_technology=None
        if form.depends_on_our_technology is None
        else clean_bool(
            form.depends_on_our_technology,
            what="whether the company depends on our technology",
        ),
    )


def _clean_formed_on(value: object) -> date | None:
    formed_on = clean_date(value, what="date the company was formed", required=False)
    if formed_on is not None and formed_on > clock.today():
        raise ValidationError(
            f"The company is formed on {formed_on.isoformat()}, after today: record it once "
            "it exists."
        )
    return formed_on


def _check_company(session: Session, form: CompanyForm, *, company_id: int | None) -> str:
    normalized = normalise_company_name(form.name)
    if len(normalized) > (Company.normalized_name.type.length or 0):
        raise ValidationError("The company's name is too long.")
    clash = session.exec(select(Company).where(Company.normalized_name == normalized)).first()
    if clash is not None and clash.id != company_id:
        raise ValidationError(f"{form.name.strip()} is already recorded as {clash.name}.")
    return normalized


# What the company is, as agreements, reports and exports name it: changed only with a reason,
# as a correction. What the office notes about it (interests, notes, "do not contact") is
# upkeep, audited before and after as ever but without a reason asked.
COMPANY_FACTS = {
    "name": "name",
    "size": "size",
    "sector": "sector",
    "website": "website",
    "entity_kind": "kind of entity",
    "jurisdiction": "jurisdiction",
    "formed_on": "formation date",
    "depends_on_our_technology": "dependence on our technology",
}
# Facts that may be empty: recording one for the first time is not a correction.
FIRST_RECORDED = {"formed_on", "depends_on_our_technology"}
REASON_MAX = 500  # characters of a correction's reason, kept in the audit log


def clean_reason(reason: object, *, correction: str) -> str:
    """The reason given for a correction, required: it is what the audit log keeps of why."""
    text = clean_text(reason, what="reason", max_length=REASON_MAX)
    if not text:
        raise ValidationError(f"Say why {correction}: a correction is kept with its reason.")
    return text


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def save_company(
    session: Session,
    *,
    actor: Actor,
    form: CompanyForm,
    company_id: int | None = None,
    reason: str = "",
) -> Company:
    """Add a company (no id) or change one; a second spelling of a known company is refused.
    Changing what the company is (COMPANY_FACTS: its name, size, sector, website, kind of
    entity, jurisdiction, formation date or dependence on our technology) is a correction: it
    takes a reason, kept in the audit log. A formation date or dependence recorded for the
    first time is not a correction."""
    require(actor, "company.manage")
    form = _clean_company(form)
    reason = clean_text(reason, what="reason", max_length=REASON_MAX)
    if company_id is not None:
        clean_id(company_id, what="company")
    normalized = _check_company(session, form, company_id=company_id)
    company = _company(session, company_id) if company_id else None
    facts = {
        "name": form.name.strip(),
        "size": CompanySize(form.size).value,
        "sector": form.sector.strip(),
        "website": form.website.strip(),
        "entity_kind": form.entity_kind,
        "jurisdiction": form.jurisdiction,
        "formed_on": form.formed_on,
        "depends_on_our_technology": form.depends_on_our_technology,
    }
    corrected = [
        label
        for field, label in COMPANY_FACTS.items()
        if company
        and getattr(company, field) != facts[field]
        and not (field in FIRST_RECORDED and getattr(company, field) is None)
    ]
    if corrected:
        require(actor, "company.correct")
        clean_reason(reason, correction=f"the company's {_listed(corrected)} change")
    before = audit.snapshot(company) if company else None
    company = company or Company(name="", normalized_name="", size="")
    for field, value in facts.items():
        setattr(company, field, value)
    company.normalized_name = normalized
    company.interests, company.notes = form.interests.strip(), form.notes.strip()
    company.do_not_contact = form.do_not_contact
    company.notice_address = form.notice_address.strip()  # upkeep: an address moves
    session.add(company)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="company.corrected" if corrected else "company.saved",
        object_type="company",
        object_id=company.id,
        before=before,
        after=audit.snapshot(company) | ({"reason": reason} if reason else {}),
    )
    return company


def add_contact(
    session: Session,
    *,
    actor: Actor,
    company_id: int,
    name: str,
    title: str = "",
    email: str = "",
    phone: str = "",
) -> Contact:
    require(actor, "company.manage")
    name = clean_text(name, what="contact's name", column=Contact.name, multiline=False)
    title = clean_text(title, what="contact's title", column=Contact.title, multiline=False)
    email = clean_email(email, what="contact's e-mail address", required=False)
    phone = clean_text(phone, what="phone number", column=Contact.phone, multiline=False)
    _company(session, company_id)
    if not name:
        raise ValidationError("Give the contact's name.")
    contact = Contact(company_id=company_id, name=name, title=title, email=email, phone=phone)
    session.add(contact)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="company.contact_added",
        object_type="company",
        object_id=company_id,
        after=audit.snapshot(contact),
    )
    return contact


def list_companies(
    session: Session,
    *,
    actor: Actor,
    search: str = "",
    size: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[Company]:
    require(actor, "company.read")
    search = clean_text(search, what="search", max_length=200, multiline=False)
    size = clean_choice(size, CompanySize, what="company size") if size else None
    offset = clean_int(offset, what="offset", minimum=0)
    limit = clean_int(limit, what="page size", minimum=1, maximum=1000)
    query = select(Company)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Company.name).like(pattern),
                func.lower(Company.interests).like(pattern),
                func.lower(Company.sector).like(pattern),
            )
        )
    if size:
        query = query.where(Company.size == size)
    return paginate(session, query.order_by(Company.name), offset=offset, limit=limit)


def contacts_of(session: Session, *, actor: Actor, company_id: int) -> list[Contact]:
    require(actor, "company.read")
    return list(
        session.exec(
            select(Contact).where(Contact.company_id == company_id).order_by(Contact.name)
        ).all()
    )


def contacts_in_pipeline(
    session: Session, *, actor: Actor, disclosure_id: int
) -> list[tuple[Contact, str]]:
    """Contacts of the companies in a technology's pipeline, with their company's name."""
    require(actor, "outreach.read")
    return list(
        session.exec(
            select(Contact, Company.name)
            .join(Company, Company.id == Contact.company_id)
            .join(Outreach, Outreach.company_id == Company.id)
            .where(Outreach.disclosure_id == disclosure_id)
            .order_by(Company.name, Contact.name)
        ).all()
    )


def export_companies(session: Session, *, actor: Actor) -> bytes:
    """Every company with its contacts as Excel, by name, streamed: the companies' columns with
    their contacts joined, in one query read EXPORT_FETCH_ROWS rows at a time (no table held
    in memory)."""
    require(actor, "company.read")
    query = (
        select(
            Company.id,
            Company.name,
            Company.size,
            Company.sector,
            Company.interests,
            Company.website,
            Company.do_not_contact,
            Company.entity_kind,
            Company.jurisdiction,
            Contact.name.label("contact"),
            Contact.title.label("contact_title"),
        )
        .join(Contact, Contact.company_id == Company.id, isouter=True)
        .order_by(Company.name, Company.id, Contact.name, Contact.id)
    )
    columns = [
        Column("Company", width=30),
        Column("Size"),
        Column("Sector"),
        Column("Interests", width=40),
        Column("Website"),
        Column("Contacts", width=40),
        Column("Do not contact"),
        Column("Kind of entity", width=26),
        Column("Jurisdiction"),
    ]

    def rows():
        found = session.exec(query.execution_options(yield_per=EXPORT_FETCH_ROWS))
        for _, joined in groupby(found, key=lambda row: row.id):
            joined = list(joined)
            c = joined[0]
            contacts = [
                f"{r.contact} ({r.contact_title})" if r.contact_title else r.contact
                for r in joined
                if r.contact is not None
            ]
            yield [
                c.name,
                CompanySize(c.size).label,
                c.sector,
                c.interests,
                c.website,
                "; ".join(contacts),
                "yes" if c.do_not_contact else "",
                c.entity_kind,
                c.jurisdiction,
            ]

    return workbook_bytes([Sheet("Companies", columns, rows())])


# --- the pipeline ----------------------------------------------------------------------------


def _outreach(session: Session, actor: Actor, outreach_id: int) -> Outreach:
    outreach = session.get(Outreach, clean_id(outreach_id, what="outreach"))
    if outreach is None:
        raise NotFound(f"There is no outreach {outreach_id}.")
    load_case(session, actor, outreach.disclosure_id, "disclosure.work")
    return outreach


def move_stage(session: Session, actor: Actor, outreach: Outreach, stage: Stage, note: str) -> None:
    before = Stage(outreach.stage)
    if before is stage:
        return
    outreach.stage, outreach.stage_since = stage.value, clock.utcnow()
    session.add(outreach)
    session.add(
        OutreachStageChange(
            outreach_id=outreach.id,
            from_stage=before.value,
            to_stage=stage.value,
            actor_account_id=actor.account_id,
            actor_name=actor.name,
            note=note.strip(),
        )
    )
    audit.record(
        session,
        actor=actor,
        action="outreach.stage_changed",
        object_type="disclosure",
        object_id=outreach.disclosure_id,
        before={"company_id": outreach.company_id, "stage": before},
        after={"company_id": outreach.company_id, "stage": stage},
    )


def start_outreach(
    session: Session,
    *,
    actor: Actor,
    disclosure_id: int,
    company_id: int,
    owner_person_id: int | None = None,
) -> Outreach:
    """Put a company in a technology's pipeline, owned by the acting officer (or by
    `owner_person_id`: the case's officer, for an inquiry from the public catalogue)."""
    clean_id(company_id, what="company")
    owner = clean_optional_id(owner_person_id, what="owner") or actor.person_id
    if owner is None:
        raise ValidationError("Say which officer follows this outreach up.")
    load_case(session, actor, disclosure_id, "disclosure.work")
    company = _company(session, company_id)
    if company.do_not_contact:
        raise ValidationError(f"{company.name} is marked 'do not contact'.")
    if session.exec(
        select(Outreach).where(
            Outreach.disclosure_id == disclosure_id, Outreach.company_id == company_id
        )
    ).first():
        raise ValidationError(f"{company.name} is already in this technology's pipeline.")
    outreach = Outreach(disclosure_id=disclosure_id, company_id=company_id, owner_person_id=owner)
    session.add(outreach)
    session.flush()
    session.add(
        OutreachStageChange(
            outreach_id=outreach.id,
            to_stage=Stage.IDENTIFIED.value,
            actor_account_id=actor.account_id,
            actor_name=actor.name,
        )
    )
    audit.record(
        session,
        actor=actor,
        action="outreach.started",
        object_type="disclosure",
        object_id=disclosure_id,
        after={"company_id": company_id},
    )
    return outreach


def log_touch(
    session: Session,
    *,
    actor: Actor,
    outreach_id: int,
    touched_on: date,
    channel: Channel | str,
    note: str,
    outcome: str = "",
    contact_id: int | None = None,
    next_follow_up: date | None = None,
    today: date | None = None,
) -> OutreachTouch:
    """Log a call, e-mail or meeting; the first touch moves 'identified' to 'contacted'."""
    touched_on = clean_date(touched_on, what="date of the touch")
    channel = clean_choice(channel, Channel, what="channel")
    note = clean_text(note, what="note", column=OutreachTouch.note)
    outcome = clean_text(outcome, what="outcome", column=OutreachTouch.outcome)
    contact_id = clean_optional_id(contact_id, what="contact")
    next_follow_up = clean_date(next_follow_up, what="next follow-up date", required=False)
    today = clean_date(today, what="day", required=False) or clock.today()
    outreach = _outreach(session, actor, outreach_id)
    if touched_on > today:
        raise ValidationError("A touch is logged once it has happened; plan it as a follow-up.")
    if next_follow_up is not None and next_follow_up < today:
        raise ValidationError("The next follow-up date must be today or later.")
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.company_id != outreach.company_id:
            raise ValidationError("Choose a contact of this company.")
    touch = OutreachTouch(
        outreach_id=outreach_id,
        touched_on=touched_on,
        channel=channel.value,
        contact_id=contact_id,
        note=note,
        outcome=outcome,
        logged_by_name=actor.name,
    )
    session.add(touch)
    if Stage(outreach.stage) is Stage.IDENTIFIED:
        move_stage(session, actor, outreach, Stage.CONTACTED, "First contact")
    if next_follow_up is not None:
        outreach.next_follow_up = next_follow_up
    session.add(outreach)
    session.flush()  # the touch's id, for whoever corrects it
    audit.record(
        session,
        actor=actor,
        action="outreach.touch_logged",
        object_type="disclosure",
        object_id=outreach.disclosure_id,
        after={
            "company_id": outreach.company_id,
            "channel": touch.channel,
            "next_follow_up": next_follow_up,
        },
    )
    return touch


def change_stage(
    session: Session, *, actor: Actor, outreach_id: int, stage: Stage | str, note: str = ""
) -> None:
    stage = clean_choice(stage, Stage, what="stage")
    note = clean_text(note, what="note", column=OutreachStageChange.note)
    outreach = _outreach(session, actor, outreach_id)
    if stage is Stage.CDA_SIGNED and outreach.cda_signed_on is None:
        raise ValidationError("Record the CDA (with its signature date) to reach 'CDA signed'.")
    move_stage(session, actor, outreach, stage, note)
    if not stage.is_open:
        outreach.next_follow_up = None
        session.add(outreach)


def record_cda(session: Session, *, actor: Actor, outreach_id: int, signed_on: date) -> None:
    """A confidential disclosure agreement signed with the company: the outreach moves on."""
    signed_on = clean_date(signed_on, what="date the CDA was signed")
    outreach = _outreach(session, actor, outreach_id)
    if signed_on > clock.today():
        raise ValidationError("Record a CDA once it is signed.")
    outreach.cda_signed_on = signed_on
    session.add(outreach)
    if list(Stage).index(Stage(outreach.stage)) < list(Stage).index(Stage.CDA_SIGNED):
        move_stage(session, actor, outreach, Stage.CDA_SIGNED, f"CDA signed {signed_on}")


def set_follow_up(
    session: Session, *, actor: Actor, outreach_id: int, next_follow_up: date | None
) -> None:
    next_follow_up = clean_date(next_follow_up, what="next follow-up date", required=False)
    outreach = _outreach(session, actor, outreach_id)
    outreach.next_follow_up = next_follow_up
    session.add(outreach)


@dataclass(frozen=True)
class OutreachRow:
    id: int
    disclosure_id: int
    docket: str
    title: str
    company_id: int
    company: str
    company_size: CompanySize
    stage: Stage
    owner: str
    next_follow_up: date | None
    days_in_stage: int
    touches: int
    last_touch: date | None


OPEN_STAGES = [stage.value for stage in Stage if stage.is_open]
BOARD_CARDS = 12  # outreach shown under each open stage of the pipeline's board
EXPORT_FETCH_ROWS = 1_000  # rows fetched from the database at a time by an export


def _touch_columns(outreach_id):
    """How many touches an outreach has and the last one: two correlated subqueries, each an
    index lookup per row (no list of ids is ever bound)."""
    touches = select(func.count()).where(OutreachTouch.outreach_id == outreach_id)
    last_touch = select(func.max(OutreachTouch.touched_on)).where(
        OutreachTouch.outreach_id == outreach_id
    )
    return (
        touches.scalar_subquery().label("touches"),
        last_touch.scalar_subquery().label("last_touch"),
    )


def _pipeline_query(
    *,
    owner_person_id: int | None = None,
    disclosure_id: int | None = None,
    with_touches: bool = True,
):
    """Every outreach with what a row shows: its technology, company, owner and (unless a
    later step adds them to fewer rows) its touches."""
    query = (
        select(
            Outreach.id,
            Outreach.disclosure_id,
            Disclosure.docket,
            Disclosure.title,
            Outreach.company_id,
            Company.name.label("company"),
            Company.size.label("company_size"),
            Outreach.stage,
            Person.full_name.label("owner"),
            Outreach.next_follow_up,
            Outreach.stage_since,
            *(_touch_columns(Outreach.id) if with_touches else ()),
        )
        .join(Disclosure, Disclosure.id == Outreach.disclosure_id)
        .join(Company, Company.id == Outreach.company_id)
        .join(Person, Person.id == Outreach.owner_person_id)
    )
    if disclosure_id is not None:
        query = query.where(Outreach.disclosure_id == disclosure_id)
    if owner_person_id is not None:
        query = query.where(Outreach.owner_person_id == owner_person_id)
    return query


def _pipeline_order(stage, company, docket, outreach_id) -> tuple:
    """By stage as a technology moves through them, then by company."""
    stage_order = sa.case({s.value: index for index, s in enumerate(Stage)}, value=stage)
    return (stage_order, func.lower(company), docket, outreach_id)


def _in_pipeline_order(query):
    order = _pipeline_order(Outreach.stage, Company.name, Disclosure.docket, Outreach.id)
    return query.order_by(*order)


def _row(row, now) -> OutreachRow:
    return OutreachRow(
        id=row.id,
        disclosure_id=row.disclosure_id,
        docket=row.docket or "",
        title=row.title,
        company_id=row.company_id,
        company=row.company,
        company_size=CompanySize(row.company_size),
        stage=Stage(row.stage),
        owner=row.owner,
        next_follow_up=row.next_follow_up,
        days_in_stage=max(0, (now - row.stage_since).days),
        touches=int(row.touches or 0),
        last_touch=row.last_touch,
    )


def _clean_owner(owner_person_id: int | None) -> int | None:
    return clean_optional_id(owner_person_id, what="officer")


def pipeline(
    session: Session,
    *,
    actor: Actor,
    disclosure_id: int | None = None,
    owner_person_id: int | None = None,
    today: date | None = None,
) -> list[OutreachRow]:
    """Outreach across the office or for one technology, by stage then company. Every row:
    for one technology's pipeline; the office's whole pipeline is `pipeline_board` (a page at
    a time) or `export_pipeline` (streamed)."""
    require(actor, "outreach.read")
    disclosure_id = clean_optional_id(disclosure_id, what="technology")
    query = _pipeline_query(
        owner_person_id=_clean_owner(owner_person_id), disclosure_id=disclosure_id
    )
    now = clock.utcnow()
    return [_row(row, now) for row in session.exec(_in_pipeline_order(query)).all()]


@dataclass(frozen=True)
class PipelineBoard:
    """The office's pipeline as its page shows it: how many are at each stage, the first of
    each open stage, and one page of the table."""

    counts: dict[Stage, int]  # every stage, zeros included
    first: dict[Stage, list[OutreachRow]]  # the first BOARD_CARDS of each open stage
    page: Page[OutreachRow]


def pipeline_board(
    session: Session,
    *,
    actor: Actor,
    owner_person_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
    cards: int = BOARD_CARDS,
) -> PipelineBoard:
    """Counted, ranked and paginated in SQL: three statements however long the pipeline."""
    require(actor, "outreach.read")
    owner_person_id = _clean_owner(owner_person_id)
    offset = clean_int(offset, what="offset", minimum=0)
    limit = clean_int(limit, what="page size", minimum=1, maximum=MAX_PAGE_SIZE)
    cards = clean_int(cards, what="cards per stage", minimum=0, maximum=100)
    counted = select(Outreach.stage, func.count()).group_by(Outreach.stage)
    if owner_person_id is not None:
        counted = counted.where(Outreach.owner_person_id == owner_person_id)
    found = dict(session.exec(counted).all())
    counts = {stage: int(found.get(stage.value, 0)) for stage in Stage}
    now = clock.utcnow()
    place = (
        func.row_number()
        .over(
            partition_by=Outreach.stage,
            order_by=(func.lower(Company.name), Disclosure.docket, Outreach.id),
        )
        .label("place")
    )
    ranked = (
        _pipeline_query(owner_person_id=owner_person_id, with_touches=False)
        .add_columns(place)
        .where(col(Outreach.stage).in_(OPEN_STAGES))
        .subquery()
    )
    first: dict[Stage, list[OutreachRow]] = {Stage(stage): [] for stage in OPEN_STAGES}
    for row in session.exec(
        select(*ranked.c, *_touch_columns(ranked.c.id))
        .where(ranked.c.place <= cards)
        .order_by(ranked.c.stage, ranked.c.place)
    ).all():
        first[Stage(row.stage)].append(_row(row, now))
    # One page, ordered and cut in SQL; its touches looked up for its rows alone.
    page = (
        _in_pipeline_order(_pipeline_query(owner_person_id=owner_person_id, with_touches=False))
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    rows = session.exec(
        select(*page.c, *_touch_columns(page.c.id)).order_by(
            *_pipeline_order(page.c.stage, page.c.company, page.c.docket, page.c.id)
        )
    ).all()
    return PipelineBoard(
        counts=counts,
        first=first,
        page=Page([_row(row, now) for row in rows], sum(counts.values()), offset, limit),
    )


def follow_ups_due(
    session: Session,
    *,
    actor: Actor,
    owner_person_id: int,
    within_days: int = 7,
    today: date | None = None,
) -> list[OutreachRow]:
    """Open outreach whose follow-up date is past or within the next days, soonest first."""
    require(actor, "outreach.read")
    today = today or clock.today()
    horizon = date.fromordinal(today.toordinal() + within_days)
    query = (
        _pipeline_query(owner_person_id=owner_person_id)
        .where(
            col(Outreach.next_follow_up).is_not(None),
            Outreach.next_follow_up <= horizon,
            col(Outreach.stage).in_(OPEN_STAGES),
        )
        .order_by(Outreach.next_follow_up, Company.name, Outreach.id)
    )
    now = clock.utcnow()
    return [_row(row, now) for row in session.exec(query).all()]


PIPELINE_COLUMNS = [
    Column("Docket"),
    Column("Technology", width=40),
    Column("Company", width=30),
    Column("Size"),
    Column("Stage"),
    Column("Days in stage", "integer"),
    Column("Touches", "integer"),
    Column("Last touch", "date"),
    Column("Next follow-up", "date"),
    Column("Owner"),
]


def export_pipeline(session: Session, *, actor: Actor, owner_person_id: int | None = None) -> bytes:
    """The whole pipeline (or one officer's) as Excel, streamed from the database in chunks."""
    require(actor, "outreach.read")
    query = _in_pipeline_order(_pipeline_query(owner_person_id=_clean_owner(owner_person_id)))
    now = clock.utcnow()

    def rows():
        for found in session.exec(query.execution_options(yield_per=EXPORT_FETCH_ROWS)):
            r = _row(found, now)
            yield [
                r.docket,
                r.title,
                r.company,
                r.company_size.label,
                r.stage.label,
                r.days_in_stage,
                r.touches,
                r.last_touch,
                r.next_follow_up,
                r.owner,
            ]

    return workbook_bytes([Sheet("Pipeline", PIPELINE_COLUMNS, rows())])


# The companies' terms, built once a minute at most per database (per process) and at once
# when a company or a positive response changes (`_index_stamp`): ranking 10,000 companies
# from scratch on every case file shown took a second.
INDEX_MAX_AGE = timedelta(seconds=60)
_indexes: dict[str, tuple[tuple, datetime, CompanyIndex]] = {}


def _index_stamp(session: Session) -> tuple:
    """What changes when the index would: companies added, removed, edited (their text's
    length) or marked 'do not contact'; positive responses added, moved or ended (a stage
    change stamps stage_since); their technologies' titles and keywords edited. An edit that
    keeps every length waits for INDEX_MAX_AGE."""
    text = func.length(Company.name) + func.length(Company.interests) + func.length(Company.sector)
    companies = session.exec(
        select(
            func.count(),
            func.max(Company.id),
            func.coalesce(func.sum(text), 0),
            func.coalesce(func.sum(sa.case((Company.do_not_contact, 1), else_=0)), 0),
        )
    ).one()
    words = func.length(Disclosure.title) + func.length(Disclosure.keywords)
    responses = session.exec(
        select(
            func.count(),
            func.max(Outreach.id),
            func.max(Outreach.stage_since),
            func.coalesce(func.sum(words), 0),
        )
        .select_from(Outreach)
        .join(Disclosure, Disclosure.id == Outreach.disclosure_id)
        .where(col(Outreach.stage).in_([stage.value for stage in POSITIVE_STAGES]))
    ).one()
    return (*companies, *responses)


def _company_index(session: Session) -> CompanyIndex:
    database = str(session.get_bind().url)
    stamp, now = _index_stamp(session), clock.utcnow()
    cached = _indexes.get(database)
    if cached is not None and cached[0] == stamp and now - cached[1] < INDEX_MAX_AGE:
        return cached[2]
    responses: dict[int, list[PastResponse]] = defaultdict(list)
    # A past technology is described by its title and keywords only: abstracts share too many
    # ordinary words to say what a company liked.
    for company_id, docket, title, keywords in session.exec(
        select(Outreach.company_id, Disclosure.docket, Disclosure.title, Disclosure.keywords)
        .join(Disclosure, Disclosure.id == Outreach.disclosure_id)
        .where(col(Outreach.stage).in_([s.value for s in POSITIVE_STAGES]))
        .order_by(Outreach.id)
    ).all():
        responses[company_id].append(PastResponse(docket or "", title, keywords))
    # Columns, not entities: a large office knows 10,000 companies.
    companies = session.exec(
        select(Company.id, Company.name, Company.interests, Company.sector)
        .where(~Company.do_not_contact)
        .order_by(Company.id)
    ).all()
    index = build_index(
        CompanyProfile(c.id, c.name, c.interests, c.sector, responses[c.id]) for c in companies
    )
    _indexes[database] = (stamp, now, index)
    return index


def suggest_companies(
    session: Session, *, actor: Actor, disclosure_id: int, limit: int = 10
) -> list[Suggestion]:
    """Companies to contact for a technology, best match first, each with its reasons.
    Companies already in its pipeline and those marked 'do not contact' are left out; what
    a company said yes to about this technology is not a reason to suggest it again."""
    case = load_case(session, actor, disclosure_id, "outreach.read")
    disclosure = case.disclosure
    in_pipeline = frozenset(
        session.exec(
            select(Outreach.company_id).where(Outreach.disclosure_id == disclosure_id)
        ).all()
    )
    text = f"{disclosure.title} {disclosure.abstract} {disclosure.keywords} {disclosure.keywords}"
    return rank_in_index(
        text,
        _company_index(session),
        leave_out=in_pipeline,
        limit=limit,
        named_text=disclosure.potential_licensees,
    )


def stage_history(
    session: Session, *, actor: Actor, outreach_id: int
) -> tuple[list[OutreachStageChange], list[OutreachTouch]]:
    outreach = session.get(Outreach, outreach_id)
    if outreach is None:
        raise NotFound(f"There is no outreach {outreach_id}.")
    require(actor, "outreach.read")
    changes = session.exec(
        select(OutreachStageChange)
        .where(OutreachStageChange.outreach_id == outreach_id)
        .order_by(OutreachStageChange.id)
    ).all()
    touches = session.exec(
        select(OutreachTouch)
        .where(OutreachTouch.outreach_id == outreach_id)
        .order_by(OutreachTouch.touched_on.desc())
    ).all()
    return list(changes), list(touches)
