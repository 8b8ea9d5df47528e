"""Publishing (the officer's side of the catalogue): a technology's saved non-confidential
summary is copied, with public facts only, into a catalogue entry; unpublishing deletes the
entry at once. Both audited.

What is copied, and nothing else: the saved marketing summary (never the disclosure's own
first draft of it, which is confidential text), the one line and keywords the officer writes
here, the stage, the lead inventor's school as the field, the patent status as public facts
(numbers only of published applications and granted patents, `marketing.public_number`), the
inventors who agreed to be named, and an image. The preview is this same snapshot, unsaved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from sqlmodel import Session, col, select

from tlo import audit, clock, file_store
from tlo.auth.permissions import Actor
from tlo.catalogue.models import CatalogueEntry
from tlo.disclosures.access import load_case
from tlo.disclosures.models import DisclosureInventor
from tlo.errors import ValidationError
from tlo.licensing import marketing
from tlo.licensing.models import MarketingSummary
from tlo.patents.models import ApplicationStatus, PatentApplication
from tlo.people.models import Department, Person, School
from tlo.text import clean_bool, clean_ids, clean_text

IMAGE_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
IMAGE_MAX_BYTES = 2_000_000
IMAGE_KIND = "catalogue"  # the file store's folder for the entries' images


class PatentState:
    ISSUED = "issued"
    PENDING = "pending"
    UNPATENTED = "unpatented"
    LABELS: ClassVar[dict[str, str]] = {
        "issued": "Patent issued",
        "pending": "Patent pending",
        "unpatented": "Unpatented",
    }


@dataclass
class PublishForm:
    """What the officer adds to the saved summary when publishing."""

    summary: str = ""  # one line, shown under the title in the list
    keywords: str = ""
    named_inventor_ids: list[int] = field(default_factory=list)  # those who agreed
    image: bytes | None = None
    image_type: str = ""
    remove_image: bool = False


def _slug(title: str, docket: str, disclosure_id: int) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")[:60].strip("-")
    number = re.sub(r"[^a-z0-9]+", "-", (docket or "").lower()).strip("-")
    return "-".join(part for part in (number or f"tech-{disclosure_id}", words) if part)


def _clean_form(form: object) -> PublishForm:
    if not isinstance(form, PublishForm):
        raise ValidationError("Fill in the catalogue form, starting with its one-line summary.")
    summary = clean_text(
        form.summary, what="one-line summary", column=CatalogueEntry.summary, multiline=False
    )
    if not summary:
        raise ValidationError("Give the technology a one-line summary for the catalogue list.")
    keywords = clean_text(
        form.keywords, what="keywords", column=CatalogueEntry.keywords, multiline=False
    )
    named = clean_ids(form.named_inventor_ids or [], what="inventor")
    remove = clean_bool(form.remove_image, what="remove the image")
    image, image_type = form.image, (form.image_type or "").strip().lower()
    if image is not None:
        if not isinstance(image, bytes) or not image:
            raise ValidationError("The image must be a PNG or JPEG file.")
        if len(image) > IMAGE_MAX_BYTES:
            raise ValidationError(
                f"The image is {len(image):,} bytes; at most {IMAGE_MAX_BYTES:,} are kept."
            )
        signature = IMAGE_TYPES.get(image_type)
        if signature is None or not image.startswith(signature):
            raise ValidationError("The image must be a PNG or JPEG file.")
    return PublishForm(summary, keywords, named, image, image_type, remove)


def _saved_summary(session: Session, disclosure_id: int) -> MarketingSummary:
    saved = session.exec(
        select(MarketingSummary).where(MarketingSummary.disclosure_id == disclosure_id)
    ).first()
    if saved is None:
        raise ValidationError(
            "Save the technology's non-confidential summary first: the catalogue publishes "
            "only a summary an officer has written and saved."
        )
    return saved


def _patents(session: Session, disclosure_id: int) -> tuple[str, str, str]:
    """(state, status line, public numbers) from the case's applications, public facts only."""
    applications = session.exec(
        select(PatentApplication)
        .where(PatentApplication.disclosure_id == disclosure_id)
        .order_by(col(PatentApplication.filing_date))
    ).all()
    live = [a for a in applications if a.status != ApplicationStatus.ABANDONED.value]
    numbers = []
    for application in live:
        number = marketing.public_number(application)
        if number:
            numbers.append(f"{application.jurisdiction} {number}")
    granted = [a for a in live if a.status == ApplicationStatus.GRANTED.value]
    pending = [a for a in live if a.status != ApplicationStatus.GRANTED.value]
    if granted:
        state = PatentState.ISSUED
        line = "Patent issued" + ("; further applications pending." if pending else ".")
    elif pending:
        state, line = PatentState.PENDING, "Patent pending."
    else:
        state, line = PatentState.UNPATENTED, "Unpatented: available as know-how and materials."
    return state, line, ", ".join(numbers)


def inventors_of(session: Session, disclosure_id: int) -> list[tuple[int, str]]:
    """(person id, name) of the case's inventors in order, for the consent boxes."""
    return [
        (person_id, name)
        for person_id, name in session.exec(
            select(Person.id, Person.full_name)
            .join(DisclosureInventor, DisclosureInventor.person_id == Person.id)
            .where(DisclosureInventor.disclosure_id == disclosure_id)
            .order_by(DisclosureInventor.position, Person.id)
        ).all()
    ]


def _field(session: Session, disclosure_id: int) -> str:
    school = session.exec(
        select(School.name)
        .join(Department, Department.school_id == School.id)
        .join(Person, Person.department_id == Department.id)
        .join(DisclosureInventor, DisclosureInventor.person_id == Person.id)
        .where(DisclosureInventor.disclosure_id == disclosure_id)
        .order_by(DisclosureInventor.position, Person.id)
    ).first()
    return school or ""


def snapshot(
    session: Session, *, actor: Actor, disclosure_id: int, form: PublishForm
) -> CatalogueEntry:
    """Exactly what the public would see (not saved): the preview is the published page."""
    case = load_case(session, actor, disclosure_id, "disclosure.work")
    return _snapshot(session, case, _clean_form(form))


def _snapshot(session: Session, case, form: PublishForm) -> CatalogueEntry:
    disclosure_id = case.disclosure.id
    saved = _saved_summary(session, disclosure_id)
    inventors = inventors_of(session, disclosure_id)
    known = {person_id for person_id, _ in inventors}
    if stray := set(form.named_inventor_ids) - known:
        raise ValidationError(f"Person {min(stray)} is not an inventor of this technology.")
    state, status_line, numbers = _patents(session, disclosure_id)
    return CatalogueEntry(
        disclosure_id=disclosure_id,
        slug=_slug(saved.headline, case.disclosure.docket or "", disclosure_id),
        title=saved.headline,
        summary=form.summary,
        problem=saved.problem,
        solution=saved.solution,
        advantages=saved.advantages,
        applications=saved.applications,
        stage=saved.stage,
        field=_field(session, disclosure_id),
        patent_state=state,
        ip_status=status_line,
        patent_numbers=numbers,
        inventors=", ".join(
            name for person_id, name in inventors if person_id in form.named_inventor_ids
        ),
        keywords=form.keywords,
    )


COPIED = (
    "slug",
    "title",
    "summary",
    "problem",
    "solution",
    "advantages",
    "applications",
    "stage",
    "field",
    "patent_state",
    "ip_status",
    "patent_numbers",
    "inventors",
    "keywords",
)


def entry_of(session: Session, disclosure_id: int) -> CatalogueEntry | None:
    return session.exec(
        select(CatalogueEntry).where(CatalogueEntry.disclosure_id == disclosure_id)
    ).first()


def published(session: Session, *, actor: Actor, disclosure_id: int) -> CatalogueEntry | None:
    """The case's catalogue entry as the public sees it now, or None when not published."""
    load_case(session, actor, disclosure_id, "outreach.read")
    return entry_of(session, disclosure_id)


def publish(
    session: Session, *, actor: Actor, disclosure_id: int, form: PublishForm
) -> CatalogueEntry:
    """Publish the technology, or republish it with its summary and patents as they are now."""
    case = load_case(session, actor, disclosure_id, "disclosure.work")
    form = _clean_form(form)
    fresh = _snapshot(session, case, form)
    entry = entry_of(session, disclosure_id)
    before = audit.snapshot(entry) if entry else None
    clash = session.exec(select(CatalogueEntry).where(CatalogueEntry.slug == fresh.slug)).first()
    if clash is not None and clash.disclosure_id != disclosure_id:
        fresh.slug = f"{fresh.slug[:70]}-{disclosure_id}"
    entry = entry or fresh
    for name in COPIED:
        setattr(entry, name, getattr(fresh, name))
    if form.image is not None:
        entry.image_sha256 = file_store.put(IMAGE_KIND, form.image)
        entry.image_type = form.image_type
    elif form.remove_image:
        entry.image_sha256, entry.image_type = None, ""
    entry.published_at = clock.utcnow()
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="catalogue.published",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
        after=audit.snapshot(entry),
    )
    return entry


def unpublish(session: Session, *, actor: Actor, disclosure_id: int) -> bool:
    """Take the technology's page down at once; False when it was not published."""
    load_case(session, actor, disclosure_id, "disclosure.work")
    return _take_down(session, actor, disclosure_id)


def _take_down(session: Session, actor: Actor, disclosure_id: int, **why) -> bool:
    entry = entry_of(session, disclosure_id)
    if entry is None:
        return False
    before = audit.snapshot(entry)
    session.delete(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="catalogue.unpublished",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
        after=why or None,
    )
    return True


def take_down_licensed(
    session: Session, *, actor: Actor, agreement_number: str, disclosure_ids: list[int]
) -> list[int]:
    """The pages of technologies an exclusive license in every field has just taken, taken
    down in the license's transaction (nobody is left to license them to), each audited with
    the agreement that took it; the ids taken down. For tlo.licensing.agreements, which has
    checked the actor may execute the agreement."""
    return [
        disclosure_id
        for disclosure_id in disclosure_ids
        if _take_down(session, actor, disclosure_id, licensed_exclusively_by=agreement_number)
    ]
