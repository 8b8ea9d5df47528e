"""Use cases of the inventor's side: drafts, submission, shares and their confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, delete, select

from tlo import audit, clock
from tlo.auth.models import Role
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import get_settings
from tlo.disclosures.access import load_case
from tlo.disclosures.models import (
    DevelopmentStage,
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    FundingSource,
    PublicDisclosure,
    PublicDisclosureKind,
    ShareHistory,
)
from tlo.disclosures.numbering import next_docket
from tlo.disclosures.rules import (
    InventorShare,
    fiscal_year_of,
    parse_share,
    validate_shares,
)
from tlo.disclosures.status import change_status
from tlo.disclosures.workflow import Action
from tlo.errors import NotFound, ValidationError
from tlo.money import bp_to_percent, percent_to_bp
from tlo.people.models import Person
from tlo.text import clean_bool, clean_choice, clean_date, clean_id, clean_text

OLDEST_PLAUSIBLE_DISCLOSURE = date(1950, 1, 1)


@dataclass
class InventorEntry:
    person_id: int
    share: Decimal | str


@dataclass
class FundingEntry:
    sponsor: str
    award_number: str = ""
    is_federal: bool = False
    agency: str = ""


@dataclass
class PublicDisclosureEntry:
    disclosed_on: date
    kind: PublicDisclosureKind | str
    venue: str = ""


@dataclass
class DisclosureForm:
    """Everything an inventor writes on the disclosure form."""

    title: str = ""
    abstract: str = ""
    description: str = ""
    problem_and_advantages: str = ""
    stage: DevelopmentStage | str | None = None
    keywords: str = ""
    applications: str = ""
    potential_licensees: str = ""
    related_materials: str = ""
    inventors: list[InventorEntry] = field(default_factory=list)
    funding: list[FundingEntry] = field(default_factory=list)
    public_disclosures: list[PublicDisclosureEntry] = field(default_factory=list)


TEXT_FIELDS = (
    "title",
    "abstract",
    "description",
    "problem_and_advantages",
    "keywords",
    "applications",
    "potential_licensees",
    "related_materials",
)
# How the form names each field to the user.
FIELD_NAMES = {
    "title": "title",
    "abstract": "abstract",
    "description": "detailed description",
    "problem_and_advantages": "problem solved and advantages",
    "keywords": "keywords",
    "applications": "potential applications",
    "potential_licensees": "potential licensees",
    "related_materials": "related materials",
}
REQUIRED_ON_SUBMIT = {
    "title": "a title",
    "abstract": "an abstract",
    "description": "the detailed description",
    "problem_and_advantages": "the problem solved and its advantages",
}


# --- checks ----------------------------------------------------------------------------------


def _inventor_shares(session: Session, entries: list[InventorEntry]) -> list[InventorShare]:
    """The entries with their people's names; a share that is not a percentage is refused."""
    if not isinstance(entries, list | tuple) or not all(
        isinstance(entry, InventorEntry) for entry in entries
    ):
        raise ValidationError("List the inventors, each with their share.")
    ids = [clean_id(entry.person_id, what="person") for entry in entries]
    names = dict(
        session.exec(select(Person.id, Person.full_name).where(col(Person.id).in_(ids))).all()
    )
    shares = []
    for entry in entries:
        if entry.person_id not in names:
            raise NotFound(f"There is no person {entry.person_id} to name as an inventor.")
        shares.append(
            InventorShare(entry.person_id, names[entry.person_id], parse_share(entry.share))
        )
    seen: set[int] = set()
    for share in shares:
        if share.person_id in seen:
            raise ValidationError(f"{share.name} is listed twice; list each inventor once.")
        seen.add(share.person_id)
    return shares


def _clean_funding(entry: object) -> FundingEntry:
    if not isinstance(entry, FundingEntry):
        raise ValidationError("Give each funding source its sponsor.")
    return FundingEntry(
        sponsor=clean_text(
            entry.sponsor, what="funding sponsor", column=FundingSource.sponsor, multiline=False
        ),
        award_number=clean_text(
            entry.award_number,
            what="grant or contract number",
            column=FundingSource.award_number,
            multiline=False,
        ),
        is_federal=clean_bool(entry.is_federal, what="whether the funding is federal"),
        agency=clean_text(
            entry.agency, what="funding agency", column=FundingSource.agency, multiline=False
        ),
    )


def _clean_public(entry: object) -> PublicDisclosureEntry:
    if not isinstance(entry, PublicDisclosureEntry):
        raise ValidationError("Give each public disclosure its date and kind.")
    if entry.disclosed_on is None:
        raise ValidationError("Give each public disclosure its date (after 1950).")
    return PublicDisclosureEntry(
        disclosed_on=clean_date(
            entry.disclosed_on,
            what="date of the public disclosure",
            earliest=OLDEST_PLAUSIBLE_DISCLOSURE,
        ),
        kind=clean_choice(entry.kind, PublicDisclosureKind, what="kind of public disclosure"),
        venue=clean_text(entry.venue, what="venue", column=PublicDisclosure.venue),
    )


def _clean_form(form: object) -> DisclosureForm:
    """The form with every field checked for type, length and characters, and trimmed."""
    if not isinstance(form, DisclosureForm):
        raise ValidationError("The disclosure form is incomplete; fill it in again.")
    texts = {
        name: clean_text(
            getattr(form, name),
            what=FIELD_NAMES[name],
            column=getattr(Disclosure, name),
            multiline=name not in ("title", "keywords"),
        )
        for name in TEXT_FIELDS
    }
    stage = (
        clean_choice(form.stage, DevelopmentStage, what="stage of development")
        if form.stage
        else None
    )
    for name, entries in (
        ("funding", form.funding),
        ("public_disclosures", form.public_disclosures),
    ):
        if not isinstance(entries, list | tuple):
            raise ValidationError(f"The {name.replace('_', ' ')} must be a list.")
    return replace(
        form,
        **texts,
        stage=stage,
        funding=[_clean_funding(entry) for entry in form.funding],
        public_disclosures=[_clean_public(entry) for entry in form.public_disclosures],
    )


def _check_draft(form: object) -> DisclosureForm:
    """What even a draft must have: a title, and nothing malformed. Returns the form cleaned."""
    form = _clean_form(form)
    if not form.title:
        raise ValidationError("Give the disclosure a title (you can change it later).")
    for entry in form.funding:
        if not entry.sponsor:
            raise ValidationError("Each funding source needs its sponsor.")
        if entry.is_federal and not entry.agency:
            raise ValidationError(f"Name the federal agency of the funding from {entry.sponsor}.")
    return form


def _check_complete(
    actor: Actor,
    form: DisclosureForm,
    shares: list[InventorShare],
    submitter_id: int,
    today: date,
) -> None:
    """What a disclosure needs before the office receives it."""
    missing = [what for name, what in REQUIRED_ON_SUBMIT.items() if not getattr(form, name).strip()]
    if missing:
        raise ValidationError("Before submitting, add " + ", ".join(missing) + ".")
    if not form.stage:
        raise ValidationError("Before submitting, choose the stage of development.")
    validate_shares(shares)
    entering_for_inventors = actor.has_role(Role.OFFICER) or actor.has_role(Role.DIRECTOR)
    if not entering_for_inventors and submitter_id not in {s.person_id for s in shares}:
        raise ValidationError(
            "You are not among the inventors. Add yourself with your share, or ask the "
            "licensing office to enter the disclosure for the inventors."
        )
    for entry in form.public_disclosures:
        if entry.disclosed_on > today + relativedelta(years=5):  # 29 Feb: 28 Feb
            raise ValidationError(
                f"The public disclosure on {entry.disclosed_on} is more than five years away; "
                "check its date."
            )


# --- writing the form ------------------------------------------------------------------------


def _write_fields(disclosure: Disclosure, form: DisclosureForm) -> None:
    for name in TEXT_FIELDS:
        setattr(disclosure, name, getattr(form, name).strip())
    disclosure.stage = DevelopmentStage(form.stage).value if form.stage else None


def _write_children(session: Session, disclosure_id: int, form: DisclosureForm) -> None:
    for model in (FundingSource, PublicDisclosure):
        session.exec(delete(model).where(model.disclosure_id == disclosure_id))
    session.add_all(
        FundingSource(
            disclosure_id=disclosure_id,
            sponsor=entry.sponsor.strip(),
            award_number=entry.award_number.strip(),
            is_federal=entry.is_federal,
            agency=entry.agency.strip(),
        )
        for entry in form.funding
    )
    session.add_all(
        PublicDisclosure(
            disclosure_id=disclosure_id,
            disclosed_on=entry.disclosed_on,
            kind=PublicDisclosureKind(entry.kind).value,
            venue=entry.venue.strip(),
        )
        for entry in form.public_disclosures
    )


def _current_shares(session: Session, disclosure_id: int) -> dict[int, int]:
    return dict(
        session.exec(
            select(DisclosureInventor.person_id, DisclosureInventor.share_bp).where(
                DisclosureInventor.disclosure_id == disclosure_id
            )
        ).all()
    )


def _write_inventors(
    session: Session, actor: Actor, disclosure: Disclosure, shares: list[InventorShare]
) -> bool:
    """Replace the inventors if they or their shares changed; returns whether they did.

    A change makes a new share version: the old one stays in the history and every
    confirmation given for it is reset.
    """
    wanted = {share.person_id: percent_to_bp(share.share) for share in shares}
    current = _current_shares(session, disclosure.id)
    if wanted == current:
        positions = {share.person_id: index for index, share in enumerate(shares)}
        for row in session.exec(
            select(DisclosureInventor).where(DisclosureInventor.disclosure_id == disclosure.id)
        ).all():
            row.position = positions[row.person_id]
            session.add(row)
        return False
    if current:
        disclosure.share_version += 1
    session.exec(
        delete(DisclosureInventor).where(DisclosureInventor.disclosure_id == disclosure.id)
    )
    session.flush()
    session.add_all(
        DisclosureInventor(
            disclosure_id=disclosure.id,
            person_id=person_id,
            share_bp=share_bp,
            position=index,
        )
        for index, (person_id, share_bp) in enumerate(wanted.items())
    )
    session.add_all(
        ShareHistory(
            disclosure_id=disclosure.id,
            version=disclosure.share_version,
            person_id=person_id,
            share_bp=share_bp,
            recorded_by_account_id=actor.account_id,
        )
        for person_id, share_bp in wanted.items()
    )
    session.add(disclosure)
    if current:
        audit.record(
            session,
            actor=actor,
            action="disclosure.shares_changed",
            object_type="disclosure",
            object_id=disclosure.id,
            before={"shares": {str(k): str(bp_to_percent(v)) for k, v in current.items()}},
            after={
                "shares": {str(k): str(bp_to_percent(v)) for k, v in wanted.items()},
                "version": disclosure.share_version,
            },
        )
    return True


def _form_snapshot(form: DisclosureForm) -> dict:
    return {name: getattr(form, name) for name in TEXT_FIELDS} | {
        "stage": form.stage,
        "inventors": [(e.person_id, str(e.share)) for e in form.inventors],
        "funding": [e.sponsor for e in form.funding],
        "public_disclosures": [str(e.disclosed_on) for e in form.public_disclosures],
    }


# --- use cases -------------------------------------------------------------------------------


def save_draft(
    session: Session, *, actor: Actor, form: DisclosureForm, disclosure_id: int | None = None
) -> Disclosure:
    """Create a draft (no id) or save changes to one; only a title is needed so far."""
    form = _check_draft(form)
    shares = _inventor_shares(session, form.inventors)
    if disclosure_id is None:
        require(actor, "disclosure.create")
        if actor.person_id is None:
            raise ValidationError("Only a person can submit a disclosure.")
        disclosure = Disclosure(title=form.title.strip(), submitter_person_id=actor.person_id)
        session.add(disclosure)
        session.flush()
        action = "disclosure.draft_created"
    else:
        case = load_case(session, actor, disclosure_id, "disclosure.edit_draft")
        disclosure = case.disclosure
        if case.status is not DisclosureStatus.DRAFT:
            raise ValidationError(
                f"{disclosure.docket} has been submitted; ask its licensing officer to change it."
            )
        action = "disclosure.draft_saved"
    _write_fields(disclosure, form)
    session.add(disclosure)
    _write_children(session, disclosure.id, form)
    _write_inventors(session, actor, disclosure, shares)
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="disclosure",
        object_id=disclosure.id,
        after=_form_snapshot(form),
    )
    return disclosure


def submit(
    session: Session, *, actor: Actor, disclosure_id: int, today: date | None = None
) -> Disclosure:
    """Check a saved draft is complete, give it a docket number and send it to the office.

    The submitting inventor's own share counts as confirmed; co-inventors confirm theirs.
    """
    today = clean_date(today, what="day of submission", required=False) or clock.today()
    case = load_case(session, actor, disclosure_id, "disclosure.edit_draft")
    disclosure = case.disclosure
    form = load_form(session, actor=actor, disclosure_id=disclosure_id)
    _check_complete(
        actor,
        form,
        _inventor_shares(session, form.inventors),
        disclosure.submitter_person_id,
        today,
    )
    change_status(session, actor, case, Action.SUBMIT)  # refuses anything but a draft
    disclosure.fiscal_year = fiscal_year_of(today, get_settings().fiscal_year_start_month)
    disclosure.docket = next_docket(session, disclosure.fiscal_year)
    disclosure.submitted_at = utcnow()
    session.add(disclosure)
    own = session.exec(
        select(DisclosureInventor).where(
            DisclosureInventor.disclosure_id == disclosure_id,
            DisclosureInventor.person_id == actor.person_id,
        )
    ).first()
    if own is not None:
        own.confirmed_at = disclosure.submitted_at
        session.add(own)
    audit.record(
        session,
        actor=actor,
        action="disclosure.submitted",
        object_type="disclosure",
        object_id=disclosure_id,
        after={"docket": disclosure.docket},
    )
    return disclosure


def confirm_share(session: Session, *, actor: Actor, disclosure_id: int) -> None:
    """A co-inventor confirms their contribution share as it stands now."""
    case = load_case(session, actor, disclosure_id, "disclosure.confirm_share")
    if case.status is DisclosureStatus.DRAFT:
        raise ValidationError("Shares are confirmed once the disclosure has been submitted.")
    row = session.exec(
        select(DisclosureInventor).where(
            DisclosureInventor.disclosure_id == disclosure_id,
            DisclosureInventor.person_id == actor.person_id,
        )
    ).first()
    if row is None:
        raise ValidationError("You are not an inventor on this disclosure.")
    if row.confirmed_at is not None:
        return
    row.confirmed_at = utcnow()
    session.add(row)
    audit.record(
        session,
        actor=actor,
        action="disclosure.share_confirmed",
        object_type="disclosure",
        object_id=disclosure_id,
        after={
            "person_id": actor.person_id,
            "share": str(bp_to_percent(row.share_bp)),
            "version": case.disclosure.share_version,
        },
    )


def change_shares(
    session: Session, *, actor: Actor, disclosure_id: int, inventors: list[InventorEntry]
) -> None:
    """The case's officer corrects inventors or shares after submission; all confirm again."""
    case = load_case(session, actor, disclosure_id, "disclosure.work")
    shares = _inventor_shares(session, inventors)
    validate_shares(shares)
    _write_inventors(session, actor, case.disclosure, shares)


def load_form(session: Session, *, actor: Actor, disclosure_id: int) -> DisclosureForm:
    """A saved disclosure as the form shows it, for editing a draft."""
    case = load_case(session, actor, disclosure_id, "disclosure.read")
    disclosure = case.disclosure
    inventors = session.exec(
        select(DisclosureInventor)
        .where(DisclosureInventor.disclosure_id == disclosure_id)
        .order_by(DisclosureInventor.position)
    ).all()
    funding = session.exec(
        select(FundingSource)
        .where(FundingSource.disclosure_id == disclosure_id)
        .order_by(FundingSource.id)
    ).all()
    public = session.exec(
        select(PublicDisclosure)
        .where(PublicDisclosure.disclosure_id == disclosure_id)
        .order_by(PublicDisclosure.disclosed_on)
    ).all()
    return DisclosureForm(
        **{name: getattr(disclosure, name) for name in TEXT_FIELDS},
        stage=disclosure.stage,
        inventors=[InventorEntry(row.person_id, bp_to_percent(row.share_bp)) for row in inventors],
        funding=[FundingEntry(f.sponsor, f.award_number, f.is_federal, f.agency) for f in funding],
        public_disclosures=[PublicDisclosureEntry(p.disclosed_on, p.kind, p.venue) for p in public],
    )


def delete_draft(session: Session, *, actor: Actor, disclosure_id: int) -> None:
    case = load_case(session, actor, disclosure_id, "disclosure.edit_draft")
    if case.status is not DisclosureStatus.DRAFT:
        raise ValidationError("Only a draft can be deleted; a submitted case stays on record.")
    for model in (FundingSource, PublicDisclosure, DisclosureInventor, ShareHistory):
        session.exec(delete(model).where(model.disclosure_id == disclosure_id))
    audit.record(
        session,
        actor=actor,
        action="disclosure.draft_deleted",
        object_type="disclosure",
        object_id=disclosure_id,
        before={"title": case.disclosure.title},
    )
    session.delete(case.disclosure)


__all__ = [
    "DisclosureForm",
    "FundingEntry",
    "InventorEntry",
    "PublicDisclosureEntry",
    "change_shares",
    "confirm_share",
    "delete_draft",
    "load_form",
    "save_draft",
    "submit",
]
