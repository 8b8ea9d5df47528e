"""Use cases of the inventor's side: drafts, submission, shares and their confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, delete, select

from tlo import audit, clock
from tlo.auth.models import Role
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import get_settings
from tlo.disclosures import disclosure_types
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
from tlo.errors import FormErrors, NotFound, Problem, ValidationError
from tlo.money import bp_to_percent, parse_percent, percent_to_bp
from tlo.notify import hooks
from tlo.people.models import Person
from tlo.text import clean_bool, clean_choice, clean_date, clean_id, clean_optional_id, clean_text

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
    # The principal investigator, a person of the directory; signs off unless an inventor.
    pi_person_id: int | None = None
    # The kind of disclosure (tlo/disclosures/disclosure_types.py) and the answers to its own
    # questions, by question key.
    disclosure_type: str = disclosure_types.DEFAULT_TYPE
    answers: dict[str, str] = field(default_factory=dict)


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
TITLE_LIMIT = Disclosure.__table__.c.title.type.length  # the form says so before it refuses
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


class _Problems:
    """What is wrong with a form so far, every field's problems and not only the first one's."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, message: str, *fields: str, note: str = "") -> None:
        self.found.append(Problem(message, fields, note))

    def check(self, field_path: str, clean, /, *args, **kwargs):
        """What `clean(*args, **kwargs)` returns; None when it refuses, its reason noted
        against `field_path`."""
        try:
            return clean(*args, **kwargs)
        except ValidationError as refusal:
            self.add(str(refusal), field_path)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise FormErrors(self.found)


@dataclass(frozen=True)
class _Share:
    """An inventor's share as a draft holds it: None while it is not a number yet."""

    person_id: int
    name: str
    share: Decimal | None
    field_path: str


def _typed_share(value: object, name: str) -> Decimal | None:
    """A contribution share in percent, above 0, at most 100, two decimals; None when what
    was typed is not a number yet (nothing, "ask Ben", "50,5"), which a draft keeps open
    until submission. A number that cannot be a share (0, 150, 33.333) is refused now."""
    what = f"share of {name}"
    if isinstance(value, str):
        text = clean_text(value, what=what, max_length=40, multiline=False).rstrip("%").strip()
        try:
            number = Decimal(text) if text else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            return None
    elif isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(f"The {what} must be a percentage such as 50 or 33.33.")
    share = parse_percent(value, what=f"The {what}")
    if share == 0:
        raise ValidationError(f"The {what} must be above 0 %; leave out who did not contribute.")
    return share


def _draft_shares(session: Session, entries: object, problems: _Problems) -> list[_Share]:
    """The inventors with their names and shares as typed (see _typed_share). People come
    from the form's pickers, so one that is not there is refused at once."""
    if not isinstance(entries, list | tuple) or not all(
        isinstance(entry, InventorEntry) for entry in entries
    ):
        raise ValidationError("List the inventors, each with their share.")
    ids = [clean_id(entry.person_id, what="person") for entry in entries]
    names = dict(
        session.exec(select(Person.id, Person.full_name).where(col(Person.id).in_(ids))).all()
    )
    shares: list[_Share] = []
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        if entry.person_id not in names:
            raise NotFound(f"There is no person {entry.person_id} to name as an inventor.")
        name = names[entry.person_id]
        if entry.person_id in seen:
            problems.add(f"{name} is listed twice; list each inventor once.", "inventors")
            continue
        seen.add(entry.person_id)
        path = f"inventors.{index}.share"
        share = problems.check(path, _typed_share, entry.share, name)
        shares.append(_Share(entry.person_id, name, share, path))
    return shares


def _clean_funding(entry: object, index: int, problems: _Problems) -> FundingEntry | None:
    path = f"funding.{index}"
    if not isinstance(entry, FundingEntry):
        problems.add("Give each funding source its sponsor.", path)
        return None
    sponsor = problems.check(
        path,
        clean_text,
        entry.sponsor,
        what="funding sponsor",
        column=FundingSource.sponsor,
        multiline=False,
    )
    award_number = problems.check(
        path,
        clean_text,
        entry.award_number,
        what="grant or contract number",
        column=FundingSource.award_number,
        multiline=False,
    )
    is_federal = problems.check(
        path, clean_bool, entry.is_federal, what="whether the funding is federal"
    )
    agency = problems.check(
        path,
        clean_text,
        entry.agency,
        what="funding agency",
        column=FundingSource.agency,
        multiline=False,
    )
    if sponsor == "":
        problems.add("Each funding source needs its sponsor.", path)
    if is_federal and agency == "":
        problems.add(f"Name the federal agency of the funding from {sponsor or 'it'}.", path)
    if None in (sponsor, award_number, is_federal, agency):
        return None
    return FundingEntry(sponsor, award_number, is_federal, agency)


PUBLIC_KINDS_IN_WORDS = ", ".join(kind.label.lower() for kind in PublicDisclosureKind)


def _clean_public_parts(
    disclosed_on: object, kind: object, venue: object, problems: _Problems, paths: Sequence[str]
) -> PublicDisclosureEntry | None:
    """A public disclosure's date, kind (which the inventor must choose: there is no
    default) and venue; `paths` name the three fields for the problems."""
    date_path, kind_path, venue_path = paths
    if disclosed_on is None:
        problems.add("Give the date of the public disclosure.", date_path)
        day = None
    else:
        day = problems.check(
            date_path,
            clean_date,
            disclosed_on,
            what="date of the public disclosure",
            earliest=OLDEST_PLAUSIBLE_DISCLOSURE,
        )
    if kind is None or kind == "":
        problems.add(f"Choose the kind of public disclosure ({PUBLIC_KINDS_IN_WORDS}).", kind_path)
        chosen = None
    else:
        chosen = problems.check(
            kind_path, clean_choice, kind, PublicDisclosureKind, what="kind of public disclosure"
        )
    place = problems.check(
        venue_path, clean_text, venue, what="venue", column=PublicDisclosure.venue
    )
    if day is None or chosen is None or place is None:
        return None
    return PublicDisclosureEntry(day, chosen.value, place)


def _clean_public(entry: object, index: int, problems: _Problems) -> PublicDisclosureEntry | None:
    path = f"public_disclosures.{index}"
    if not isinstance(entry, PublicDisclosureEntry):
        problems.add("Give each public disclosure its date and kind.", path)
        return None
    return _clean_public_parts(
        entry.disclosed_on, entry.kind, entry.venue, problems, (path, path, path)
    )


def check_public_disclosure(
    *, disclosed_on: object, kind: object, venue: object = ""
) -> PublicDisclosureEntry:
    """A public disclosure to add to the form, checked before it joins the list: every
    problem at once, against the fields "disclosed_on", "kind" and "venue"."""
    problems = _Problems()
    entry = _clean_public_parts(
        disclosed_on, kind, venue, problems, ("disclosed_on", "kind", "venue")
    )
    problems.raise_any()
    return entry


def _clean_field(name: str, value: object) -> str:
    """One of the form's texts; a title too long says how long it is and how long it may be
    (the form keeps what was typed until it is shortened)."""
    if name == "title" and isinstance(value, str) and len(value.strip()) > TITLE_LIMIT:
        raise ValidationError(
            f"The title is {len(value.strip()):,} characters long; shorten it to "
            f"{TITLE_LIMIT} characters at most."
        )
    return clean_text(
        value,
        what=FIELD_NAMES[name],
        column=getattr(Disclosure, name),
        multiline=name not in ("title", "keywords"),
    )


def _checked_draft(session: Session, form: object) -> tuple[DisclosureForm, list[_Share]]:
    """The form cleaned (types, lengths, characters; trimmed) with its inventors' shares, or
    FormErrors naming everything a draft may not have: no title, a malformed field, a
    funding source without its sponsor, federal funding without its agency, a share that
    cannot be one. What only submission needs (see _check_complete) is not asked yet."""
    if not isinstance(form, DisclosureForm):
        raise ValidationError("The disclosure form is incomplete; fill it in again.")
    for name in ("funding", "public_disclosures"):
        if not isinstance(getattr(form, name), list | tuple):
            raise ValidationError(f"The {name.replace('_', ' ')} must be a list.")
    problems = _Problems()
    texts = {
        name: problems.check(name, _clean_field, name, getattr(form, name)) for name in TEXT_FIELDS
    }
    if texts["title"] == "":
        problems.add("Give the disclosure a title (you can change it later).", "title")
    stage = (
        problems.check(
            "stage", clean_choice, form.stage, DevelopmentStage, what="stage of development"
        )
        if form.stage
        else None
    )
    funding = [_clean_funding(entry, i, problems) for i, entry in enumerate(form.funding)]
    public = [_clean_public(entry, i, problems) for i, entry in enumerate(form.public_disclosures)]
    shares = _draft_shares(session, form.inventors, problems)
    kind_key = problems.check("disclosure_type", disclosure_types.clean_type, form.disclosure_type)
    answers: dict[str, str] = {}
    if kind_key is not None:
        answers, found = disclosure_types.clean_answers(
            disclosure_types.get_type(kind_key), form.answers
        )
        for message, path in found:
            problems.add(message, path)
    pi = clean_optional_id(form.pi_person_id, what="principal investigator")
    if pi is not None and session.get(Person, pi) is None:
        raise NotFound(f"There is no person {pi} to name as the principal investigator.")
    problems.raise_any()
    cleaned = replace(
        form,
        pi_person_id=pi,
        disclosure_type=kind_key or disclosure_types.DEFAULT_TYPE,
        answers=answers,
        **texts,
        stage=stage.value if stage else None,
        inventors=[InventorEntry(s.person_id, "" if s.share is None else s.share) for s in shares],
        funding=funding,
        public_disclosures=public,
    )
    return cleaned, shares


def _check_complete(
    actor: Actor,
    form: DisclosureForm,
    shares: list[_Share],
    submitter_id: int,
    today: date,
) -> list[Problem]:
    """Everything a saved draft still lacks before the office receives it."""
    problems = _Problems()
    missing = [name for name in REQUIRED_ON_SUBMIT if not getattr(form, name).strip()]
    if missing:
        problems.add(
            "Before submitting, add " + ", ".join(REQUIRED_ON_SUBMIT[n] for n in missing) + ".",
            *missing,
            note="Needed before submitting.",
        )
    if not form.stage:
        problems.add("Before submitting, choose the stage of development.", "stage")
    kind = disclosure_types.get_type(form.disclosure_type)
    if kind is None:  # its file was taken away since the draft was saved
        problems.add(
            f"The type '{form.disclosure_type}' is no longer offered: choose the type again.",
            "disclosure_type",
        )
    else:
        for question in disclosure_types.missing_answers(kind, form.answers):
            problems.add(
                f"Before submitting, answer “{question.label}”.",
                f"answers.{question.key}",
                note="Needed before submitting.",
            )
    open_shares = [share for share in shares if share.share is None]
    for share in open_shares:
        problems.add(
            f"The share of {share.name} is not a percentage yet: give it in percent, "
            "e.g. 50 or 33.33.",
            share.field_path,
        )
    if not shares:
        problems.add("Name at least one inventor.", "inventors")
    elif not open_shares:
        try:
            validate_shares([InventorShare(s.person_id, s.name, s.share) for s in shares])
        except ValidationError as refusal:
            problems.add(
                str(refusal),
                *[share.field_path for share in shares],
                note="The shares must add up to 100 %.",
            )
    entering_for_inventors = actor.has_role(Role.OFFICER) or actor.has_role(Role.DIRECTOR)
    if not entering_for_inventors and submitter_id not in {s.person_id for s in shares}:
        problems.add(
            "You are not among the inventors. Add yourself with your share, or ask the "
            "licensing office to enter the disclosure for the inventors.",
            "inventors",
        )
    for index, entry in enumerate(form.public_disclosures):
        if entry.disclosed_on > today + relativedelta(years=5):  # 29 Feb: 28 Feb
            problems.add(
                f"The public disclosure on {entry.disclosed_on} is more than five years away; "
                "check its date.",
                f"public_disclosures.{index}",
            )
    return problems.found


# --- writing the form ------------------------------------------------------------------------


def _write_fields(disclosure: Disclosure, form: DisclosureForm) -> None:
    for name in TEXT_FIELDS:
        setattr(disclosure, name, getattr(form, name).strip())
    disclosure.stage = DevelopmentStage(form.stage).value if form.stage else None
    disclosure.pi_person_id = form.pi_person_id
    disclosure.disclosure_type = form.disclosure_type
    disclosure.type_answers = dict(form.answers) or None


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


def _share_text(share: Decimal | str | None) -> str:
    """A share as the audit log and the comparison of saves see it: "33.30", or "" open."""
    if share is None or (isinstance(share, str) and not share.strip()):
        return ""
    return str(bp_to_percent(percent_to_bp(Decimal(share))))


def _form_snapshot(form: DisclosureForm) -> dict:
    """The form as plain values, one key per part, to tell what a save changes."""
    return {name: getattr(form, name) for name in TEXT_FIELDS} | {
        "stage": DevelopmentStage(form.stage).value if form.stage else None,
        "inventors": [[e.person_id, _share_text(e.share)] for e in form.inventors],
        "funding": [[e.sponsor, e.award_number, e.is_federal, e.agency] for e in form.funding],
        "public_disclosures": [
            [e.disclosed_on.isoformat(), PublicDisclosureKind(e.kind).value, e.venue]
            for e in form.public_disclosures
        ],
        "pi_person_id": form.pi_person_id,
        "disclosure_type": form.disclosure_type,
        "answers": dict(sorted(form.answers.items())),
    }


def _write_draft_inventors(
    session: Session, actor: Actor, disclosure: Disclosure, shares: list[_Share]
) -> None:
    """A draft's inventors as they stand, a share not given yet as 0 (never a share: see
    rules.parse_share). Nobody confirms a draft's shares, so its share version stays as it
    is and its history holds what the draft holds now (from submission on, a change is a
    new version: _write_inventors)."""
    for model in (DisclosureInventor, ShareHistory):
        session.exec(delete(model).where(model.disclosure_id == disclosure.id))
    session.flush()
    wanted = [(s.person_id, 0 if s.share is None else percent_to_bp(s.share)) for s in shares]
    session.add_all(
        DisclosureInventor(
            disclosure_id=disclosure.id, person_id=person_id, share_bp=share_bp, position=index
        )
        for index, (person_id, share_bp) in enumerate(wanted)
    )
    session.add_all(
        ShareHistory(
            disclosure_id=disclosure.id,
            version=disclosure.share_version,
            person_id=person_id,
            share_bp=share_bp,
            recorded_by_account_id=actor.account_id,
        )
        for person_id, share_bp in wanted
    )


def _stored_form(session: Session, disclosure: Disclosure) -> DisclosureForm:
    """A saved disclosure as the form holds it; a draft's share not given yet is ""."""
    inventors = session.exec(
        select(DisclosureInventor)
        .where(DisclosureInventor.disclosure_id == disclosure.id)
        .order_by(DisclosureInventor.position)
    ).all()
    funding = session.exec(
        select(FundingSource)
        .where(FundingSource.disclosure_id == disclosure.id)
        .order_by(FundingSource.id)
    ).all()
    public = session.exec(  # in the order they were listed on the form
        select(PublicDisclosure)
        .where(PublicDisclosure.disclosure_id == disclosure.id)
        .order_by(PublicDisclosure.id)
    ).all()
    return DisclosureForm(
        **{name: getattr(disclosure, name) for name in TEXT_FIELDS},
        stage=disclosure.stage,
        inventors=[
            InventorEntry(row.person_id, bp_to_percent(row.share_bp) if row.share_bp else "")
            for row in inventors
        ],
        funding=[FundingEntry(f.sponsor, f.award_number, f.is_federal, f.agency) for f in funding],
        public_disclosures=[PublicDisclosureEntry(p.disclosed_on, p.kind, p.venue) for p in public],
        pi_person_id=disclosure.pi_person_id,
        disclosure_type=disclosure.disclosure_type,
        answers=dict(disclosure.type_answers or {}),
    )


# --- use cases -------------------------------------------------------------------------------


def save_draft(
    session: Session, *, actor: Actor, form: DisclosureForm, disclosure_id: int | None = None
) -> Disclosure:
    """Create a draft (no id) or save changes to one: a title is needed, nothing malformed,
    and no more. A share may wait (empty, or not a number yet) and shares need not add up to
    100 % until submission. Every problem is refused at once (FormErrors). A save that
    changes nothing writes nothing; one that does is audited with the parts it changed."""
    form, shares = _checked_draft(session, form)
    if disclosure_id is None:
        require(actor, "disclosure.create")
        if actor.person_id is None:
            raise ValidationError("Only a person can submit a disclosure.")
        disclosure = Disclosure(title=form.title.strip(), submitter_person_id=actor.person_id)
        session.add(disclosure)
        session.flush()
        before = None
    else:
        case = load_case(session, actor, disclosure_id, "disclosure.edit_draft")
        disclosure = case.disclosure
        if case.status is not DisclosureStatus.DRAFT:
            raise ValidationError(
                f"{disclosure.docket} has been submitted; ask its licensing officer to change it."
            )
        before = _form_snapshot(_stored_form(session, disclosure))
    after = _form_snapshot(form)
    changed = [part for part in after if before is None or before[part] != after[part]]
    if not changed:
        return disclosure
    _write_fields(disclosure, form)
    session.add(disclosure)
    if before is None or {"funding", "public_disclosures"} & set(changed):
        _write_children(session, disclosure.id, form)
    if before is None or "inventors" in changed:
        _write_draft_inventors(session, actor, disclosure, shares)
    audit.record(
        session,
        actor=actor,
        action="disclosure.draft_created" if before is None else "disclosure.draft_saved",
        object_type="disclosure",
        object_id=disclosure.id,
        before=None if before is None else {part: before[part] for part in changed},
        after=after if before is None else {part: after[part] for part in changed},
    )
    return disclosure


def open_draft(session: Session, *, actor: Actor, disclosure_id: int) -> DisclosureForm:
    """A draft to go on editing, as it was last saved; a submitted case is refused (it is
    the office's now, see My disclosures)."""
    case = load_case(session, actor, disclosure_id, "disclosure.edit_draft")
    if case.status is not DisclosureStatus.DRAFT:
        raise ValidationError(
            f"{case.disclosure.docket} has been submitted: see it in My disclosures."
        )
    return _stored_form(session, case.disclosure)


def _submission_problems(session: Session, actor: Actor, case, today: date) -> list[Problem]:
    """What the saved case lacks for submission (see _check_complete)."""
    disclosure = case.disclosure
    form = _stored_form(session, disclosure)
    stored = _Problems()
    shares = _draft_shares(session, form.inventors, stored)  # as saved: nothing to refuse
    stored.raise_any()
    return _check_complete(actor, form, shares, disclosure.submitter_person_id, today)


def check_submission(
    session: Session, *, actor: Actor, disclosure_id: int, today: date | None = None
) -> tuple[Problem, ...]:
    """What a saved draft still lacks before it can be submitted (nothing: it can be), each
    problem with its fields, so that the form can show them while the inventor works."""
    today = clean_date(today, what="day of submission", required=False) or clock.today()
    case = load_case(session, actor, disclosure_id, "disclosure.edit_draft")
    if case.status is not DisclosureStatus.DRAFT:
        return ()
    return tuple(_submission_problems(session, actor, case, today))


def submit(
    session: Session, *, actor: Actor, disclosure_id: int, today: date | None = None
) -> Disclosure:
    """Check a saved draft is complete, give it a docket number and send it to the office.

    The submitting inventor's own share counts as confirmed; co-inventors confirm theirs.
    """
    today = clean_date(today, what="day of submission", required=False) or clock.today()
    case = load_case(session, actor, disclosure_id, "disclosure.edit_draft")
    disclosure = case.disclosure
    problems = _submission_problems(session, actor, case, today)
    if problems:
        raise FormErrors(problems)  # every part still missing, at once
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
    hooks.disclosure_submitted(session, actor=actor, disclosure=disclosure)
    from tlo.disclosures import share_links

    share_links.send_links(session, disclosure=disclosure)
    return disclosure


def confirm_share(session: Session, *, actor: Actor, disclosure_id: int) -> None:
    """A co-inventor confirms their contribution share as it stands now (closing their own
    dispute of it, if they disputed it: see tlo/disclosures/shares.py)."""
    from tlo.disclosures import shares as share_answers

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
    share_answers.close_own_dispute(session, actor, case)
    share_answers.record_own_confirmation(session, actor, case, row)


def change_shares(
    session: Session, *, actor: Actor, disclosure_id: int, inventors: list[InventorEntry]
) -> bool:
    """The case's officer corrects inventors or shares after submission; all confirm again,
    and every open dispute of the shares is resolved by the change. Returns whether anything
    changed (the same shares again change nothing, and resolve nothing)."""
    from tlo.disclosures import shares as share_answers

    case = load_case(session, actor, disclosure_id, "disclosure.work")
    shares = _inventor_shares(session, inventors)
    validate_shares(shares)
    changed = _write_inventors(session, actor, case.disclosure, shares)
    if changed:
        from tlo.disclosures import share_links

        share_answers.close_disputes_for_new_shares(session, actor, disclosure_id)
        share_links.send_links(session, disclosure=case.disclosure)
    return changed


def load_form(session: Session, *, actor: Actor, disclosure_id: int) -> DisclosureForm:
    """A saved disclosure as the form shows it, for editing a draft (a share not given yet
    is "")."""
    case = load_case(session, actor, disclosure_id, "disclosure.read")
    return _stored_form(session, case.disclosure)


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
    "check_public_disclosure",
    "check_submission",
    "confirm_share",
    "delete_draft",
    "load_form",
    "open_draft",
    "save_draft",
    "submit",
]
