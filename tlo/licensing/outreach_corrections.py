"""Corrections of licensee outreach, each with its reason (issue #16, item 2): an outreach entry
opened by mistake (the wrong company, the wrong technology) is withdrawn; a touch logged wrong
is corrected or struck out; a contact is corrected, or removed when no touch names them. A
company's own facts are corrected by `outreach.save_company` with a reason.

A withdrawn entry and a struck-out touch are deleted, and the audit entry that says so keeps
a full copy of them (the entry with its touches and stage changes, the touch as it was) with
who, when and why. Deleting, rather than flagging them "withdrawn", is deliberate: an entry
opened by mistake never was outreach, so it must leave the pipeline, its board and counts,
the follow-ups due, the exports, the director's funnel, the suggestions (a company wrongly
listed is suggested again) and the matching of past responses; a flag would have to be
remembered by every query that reads outreach, in every module, now and later, and one
forgotten filter would count a mistake as work. It also frees the technology-company pair
for the right entry (one entry per pair). The history is not lost: the case's audit log
reads "Olivia Ortega withdrew the outreach to Acme from S26-0142: “opened for the wrong
technology”", and its before holds the copy. A corrected touch is changed in place; its
audit entry holds what it said before.

What stays: an outreach that led to a signed agreement (it was no mistake), a contact named by
a touch (the touch would lose whom it was with: correct the touch first if it names the wrong
person), and anything another record points at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select

from tlo import audit, clock
from tlo.audit_text import agreement_number
from tlo.auth.permissions import Actor, require
from tlo.disclosures.access import load_case
from tlo.disclosures.models import Disclosure
from tlo.errors import NotFound, ValidationError
from tlo.licensing.agreement_models import Agreement, AgreementStatus, AgreementTechnology
from tlo.licensing.models import (
    Channel,
    Company,
    Contact,
    Outreach,
    OutreachStageChange,
    OutreachTouch,
)
from tlo.licensing.outreach import clean_reason
from tlo.text import (
    clean_choice,
    clean_date,
    clean_email,
    clean_id,
    clean_optional_id,
    clean_text,
)

# Agreements that are still being drawn up: an outreach under one of them may still be a
# mistake; under any other (signed, active, ended) it led somewhere and stays.
UNSIGNED = (AgreementStatus.DRAFT.value, AgreementStatus.NEGOTIATING.value)
# How a referring record is named in a refusal ("named by 2 touches").
_NOUNS = {"outreach_touch": ("touch", "touches"), "agreement": ("agreement", "agreements")}
DOCKETS_NAMED = 3  # technologies named in a refusal, at most


# --- what points at a record ---------------------------------------------------------------


def _rows_naming(
    session: Session, table_name: str, row_id: int, *, besides: frozenset[str] = frozenset()
) -> dict[str, int]:
    """How many rows of every other table point at one row, by table (one count per table
    with a foreign key to it, never a query per row). Read off the models' metadata, so a
    table added later (an agreement naming its licensee's signatory) is counted too."""
    import tlo.all_models  # noqa: F401  (every table on the metadata)

    target = SQLModel.metadata.tables[table_name]
    found: dict[str, int] = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in besides:
            continue
        for key in table.foreign_keys:
            if key.column.table is not target:
                continue
            count = session.exec(
                select(func.count()).select_from(table).where(key.parent == row_id)
            ).one()
            if count:
                found[table.name] = found.get(table.name, 0) + int(count)
    return found


def _named_by(found: dict[str, int]) -> str:
    parts = []
    for table, count in sorted(found.items()):
        one, many = _NOUNS.get(table, (f"{table.replace('_', ' ')} record",) * 2)
        parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts)


# --- finding what is corrected -------------------------------------------------------------


def _outreach(session: Session, actor: Actor, outreach_id: object) -> Outreach:
    """The outreach entry, after checking the actor works its technology's case."""
    outreach = session.get(Outreach, clean_id(outreach_id, what="outreach entry"))
    if outreach is None:
        raise NotFound(f"There is no outreach entry {outreach_id}.")
    load_case(session, actor, outreach.disclosure_id, "outreach.correct")
    return outreach


def _touch(session: Session, actor: Actor, touch_id: object) -> tuple[OutreachTouch, Outreach]:
    touch = session.get(OutreachTouch, clean_id(touch_id, what="touch"))
    if touch is None:
        raise NotFound(f"There is no touch {touch_id}.")
    return touch, _outreach(session, actor, touch.outreach_id)


def _contact(session: Session, contact_id: object) -> Contact:
    contact = session.get(Contact, clean_id(contact_id, what="contact"))
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.")
    return contact


# --- an outreach entry opened by mistake -------------------------------------------------------


def withdraw_outreach(session: Session, *, actor: Actor, outreach_id: int, reason: str) -> None:
    """Take an outreach entry opened by mistake out of the pipeline, with its touches and
    stage changes; the audit entry keeps a copy of all of them and the reason."""
    require(actor, "outreach.correct")
    reason = clean_reason(reason, correction="this outreach entry is withdrawn")
    outreach = _outreach(session, actor, outreach_id)
    company = session.get(Company, outreach.company_id)
    signed = session.exec(
        select(Agreement.id)
        .join(AgreementTechnology, AgreementTechnology.agreement_id == Agreement.id)
        .where(
            AgreementTechnology.disclosure_id == outreach.disclosure_id,
            Agreement.company_id == outreach.company_id,
            col(Agreement.status).not_in(UNSIGNED),
        )
        .order_by(Agreement.id)
        .limit(1)
    ).first()
    if signed is not None:
        raise ValidationError(
            f"{agreement_number(signed)}, signed with {company.name}, covers this technology: "
            "the outreach that led to it was no mistake, and stays."
        )
    others = _rows_naming(
        session,
        "outreach",
        outreach.id,
        besides=frozenset({"outreach_touch", "outreach_stage_change"}),
    )
    if others:
        raise ValidationError(
            f"The outreach to {company.name} is named by {_named_by(others)}; it stays."
        )
    touches = session.exec(
        select(OutreachTouch)
        .where(OutreachTouch.outreach_id == outreach.id)
        .order_by(OutreachTouch.id)
    ).all()
    changes = session.exec(
        select(OutreachStageChange)
        .where(OutreachStageChange.outreach_id == outreach.id)
        .order_by(OutreachStageChange.id)
    ).all()
    copy = {
        "company_id": outreach.company_id,
        "company": company.name,
        "outreach": audit.snapshot(outreach),
        "touches": [audit.snapshot(touch) for touch in touches],
        "stage_changes": [audit.snapshot(change) for change in changes],
    }
    # Children first, each in one statement, then the entry itself.
    session.execute(sa.delete(OutreachTouch).where(OutreachTouch.outreach_id == outreach.id))
    session.execute(
        sa.delete(OutreachStageChange).where(OutreachStageChange.outreach_id == outreach.id)
    )
    session.delete(outreach)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="outreach.withdrawn",
        object_type="disclosure",
        object_id=outreach.disclosure_id,
        before=copy,
        after={"company_id": outreach.company_id, "reason": reason},
    )


# --- a touch logged wrong ----------------------------------------------------------------


TOUCH_FIELDS = ("touched_on", "channel", "contact_id", "note", "outcome")


def correct_touch(
    session: Session,
    *,
    actor: Actor,
    touch_id: int,
    touched_on: date,
    channel: Channel | str,
    note: str,
    reason: str,
    outcome: str = "",
    contact_id: int | None = None,
    today: date | None = None,
) -> OutreachTouch:
    """Correct what a touch says (its date, channel, contact, note, outcome): every field as
    it should read, and why; the audit entry keeps what it said before."""
    require(actor, "outreach.correct")
    touched_on = clean_date(touched_on, what="date of the touch")
    channel = clean_choice(channel, Channel, what="channel")
    note = clean_text(note, what="note", column=OutreachTouch.note)
    outcome = clean_text(outcome, what="outcome", column=OutreachTouch.outcome)
    contact_id = clean_optional_id(contact_id, what="contact")
    today = clean_date(today, what="day", required=False) or clock.today()
    reason = clean_reason(reason, correction="this touch is corrected")
    touch, outreach = _touch(session, actor, touch_id)
    if touched_on > today:
        raise ValidationError("A touch is logged once it has happened; plan it as a follow-up.")
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.company_id != outreach.company_id:
            raise ValidationError("Choose a contact of this company.")
    wanted = {
        "touched_on": touched_on,
        "channel": channel.value,
        "contact_id": contact_id,
        "note": note,
        "outcome": outcome,
    }
    was = {field: getattr(touch, field) for field in TOUCH_FIELDS}
    if wanted == was:
        raise ValidationError("The touch already says this: change what was wrong in it.")
    for field, value in wanted.items():
        setattr(touch, field, value)
    session.add(touch)
    session.flush()
    who = {"company_id": outreach.company_id, "touch_id": touch.id}
    audit.record(
        session,
        actor=actor,
        action="outreach.touch_corrected",
        object_type="disclosure",
        object_id=outreach.disclosure_id,
        before={**who, **was, "logged_by_name": touch.logged_by_name},
        after={**who, **wanted, "reason": reason},
    )
    return touch


def strike_touch(session: Session, *, actor: Actor, touch_id: int, reason: str) -> None:
    """Strike out a touch that never happened (or was logged on the wrong outreach): it leaves
    the outreach's touches and counts; the audit entry keeps a copy and the reason. The stage
    stays as it is (move it if the struck touch was what moved it)."""
    require(actor, "outreach.correct")
    reason = clean_reason(reason, correction="this touch is struck out")
    touch, outreach = _touch(session, actor, touch_id)
    copy = {"company_id": outreach.company_id, **audit.snapshot(touch)}
    session.delete(touch)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="outreach.touch_struck",
        object_type="disclosure",
        object_id=outreach.disclosure_id,
        before=copy,
        after={"company_id": outreach.company_id, "reason": reason},
    )


@dataclass(frozen=True)
class TouchView:
    """A touch as its outreach lists it, with whom it was."""

    id: int
    touched_on: date
    channel: Channel
    contact_id: int | None
    contact: str
    note: str
    outcome: str
    logged_by_name: str
    logged_at: datetime


def touches_of(session: Session, *, actor: Actor, outreach_id: int) -> list[TouchView]:
    """An outreach entry's touches, newest first, with their contacts' names (one query)."""
    require(actor, "outreach.read")
    outreach_id = clean_id(outreach_id, what="outreach entry")
    if session.get(Outreach, outreach_id) is None:
        raise NotFound(f"There is no outreach entry {outreach_id}.")
    rows = session.exec(
        select(OutreachTouch, Contact.name)
        .join(Contact, Contact.id == OutreachTouch.contact_id, isouter=True)
        .where(OutreachTouch.outreach_id == outreach_id)
        .order_by(OutreachTouch.touched_on.desc(), OutreachTouch.id.desc())
    ).all()
    return [
        TouchView(
            id=touch.id,
            touched_on=touch.touched_on,
            channel=Channel(touch.channel),
            contact_id=touch.contact_id,
            contact=contact or "",
            note=touch.note,
            outcome=touch.outcome,
            logged_by_name=touch.logged_by_name,
            logged_at=touch.logged_at,
        )
        for touch, contact in rows
    ]


# --- a contact -----------------------------------------------------------------------------


CONTACT_FIELDS = ("name", "title", "email", "phone")


def correct_contact(
    session: Session,
    *,
    actor: Actor,
    contact_id: int,
    name: str,
    reason: str,
    title: str = "",
    email: str = "",
    phone: str = "",
) -> Contact:
    """Correct a contact's name, title, e-mail or phone, and say why; the audit entry keeps
    what the contact said before."""
    require(actor, "company.correct")
    name = clean_text(name, what="contact's name", column=Contact.name, multiline=False)
    title = clean_text(title, what="contact's title", column=Contact.title, multiline=False)
    email = clean_email(email, what="contact's e-mail address", required=False)
    phone = clean_text(phone, what="phone number", column=Contact.phone, multiline=False)
    reason = clean_reason(reason, correction="this contact is corrected")
    if not name:
        raise ValidationError("Give the contact's name.")
    contact = _contact(session, contact_id)
    wanted = {"name": name, "title": title, "email": email, "phone": phone}
    was = {field: getattr(contact, field) for field in CONTACT_FIELDS}
    if wanted == was:
        raise ValidationError(f"{contact.name} is already recorded so: change what was wrong.")
    before = audit.snapshot(contact)
    for field, value in wanted.items():
        setattr(contact, field, value)
    session.add(contact)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="company.contact_corrected",
        object_type="company",
        object_id=contact.company_id,
        before=before,
        after={**audit.snapshot(contact), "reason": reason},
    )
    return contact


def remove_contact(session: Session, *, actor: Actor, contact_id: int, reason: str) -> None:
    """Remove a contact entered by mistake; one a touch names stays (the touch would no
    longer say whom it was with), and so does one any other record names."""
    require(actor, "company.correct")
    reason = clean_reason(reason, correction="this contact is removed")
    contact = _contact(session, contact_id)
    touched = session.exec(select(func.count()).where(OutreachTouch.contact_id == contact.id)).one()
    if touched:
        dockets = session.exec(
            select(Disclosure.docket)
            .join(Outreach, Outreach.disclosure_id == Disclosure.id)
            .join(OutreachTouch, OutreachTouch.outreach_id == Outreach.id)
            .where(OutreachTouch.contact_id == contact.id)
            .group_by(Disclosure.docket)
            .order_by(Disclosure.docket)
            .limit(DOCKETS_NAMED + 1)
        ).all()
        where = ", ".join(docket or "a draft" for docket in dockets[:DOCKETS_NAMED])
        more = ", …" if len(dockets) > DOCKETS_NAMED else ""
        raise ValidationError(
            f"{contact.name} is named by {_named_by({'outreach_touch': touched})} (on "
            f"{where}{more}); a contact who was in touch stays. If those touches name the "
            "wrong person, correct them first."
        )
    others = _rows_naming(session, "contact", contact.id, besides=frozenset({"outreach_touch"}))
    if others:
        raise ValidationError(f"{contact.name} is named by {_named_by(others)}; they stay.")
    before = audit.snapshot(contact)
    session.delete(contact)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="company.contact_removed",
        object_type="company",
        object_id=contact.company_id,
        before=before,
        after={"reason": reason},
    )
