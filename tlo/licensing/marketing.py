"""The non-confidential marketing summary of a technology: editable fields kept with the case,
the IP status taken from the patent records, generated as a Word file from its template.

Non-confidential means it too: an application's number is printed only once the application
is public (published, or granted: `public_number`); a provisional's never is, nor that of an
application not yet published. A section left empty (no advantages given) is left out, heading
and all, by the template. The office and its university are named from the office settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tlo import audit, clock, documents, office_settings, word_templates
from tlo.auth.permissions import Actor
from tlo.disclosures.access import load_case
from tlo.disclosures.models import DevelopmentStage, Disclosure, DisclosureInventor
from tlo.errors import ValidationError
from tlo.licensing.models import MarketingSummary
from tlo.patents.models import ApplicationStatus, ApplicationType, PatentApplication
from tlo.people.models import Person
from tlo.text import clean_text

SUMMARY_FIELD_NAMES = {
    "headline": "headline",
    "problem": "problem",
    "solution": "solution",
    "advantages": "advantages",
    "applications": "applications",
    "stage": "stage of development",
}

NOT_PUBLISHED = "not published"


@dataclass
class SummaryFields:
    headline: str
    problem: str = ""
    solution: str = ""
    advantages: str = ""
    applications: str = ""
    stage: str = ""


def summary_fields(session: Session, *, actor: Actor, disclosure_id: int) -> SummaryFields:
    """The saved summary, or a first draft taken from the disclosure."""
    case = load_case(session, actor, disclosure_id, "outreach.read")
    saved = session.exec(
        select(MarketingSummary).where(MarketingSummary.disclosure_id == disclosure_id)
    ).first()
    if saved is not None:
        return SummaryFields(
            saved.headline,
            saved.problem,
            saved.solution,
            saved.advantages,
            saved.applications,
            saved.stage,
        )
    disclosure: Disclosure = case.disclosure
    return SummaryFields(
        headline=disclosure.title,
        problem=disclosure.problem_and_advantages,
        solution=disclosure.abstract,
        advantages="",
        applications=disclosure.applications,
        stage=DevelopmentStage(disclosure.stage).label if disclosure.stage else "",
    )


def save_summary(
    session: Session, *, actor: Actor, disclosure_id: int, fields: SummaryFields
) -> MarketingSummary:
    if not isinstance(fields, SummaryFields):
        raise ValidationError("Fill in the summary, starting with its headline.")
    cleaned = {
        name: clean_text(
            getattr(fields, name),
            what=what,
            column=getattr(MarketingSummary, name),
            multiline=name != "headline",
        )
        for name, what in SUMMARY_FIELD_NAMES.items()
    }
    load_case(session, actor, disclosure_id, "disclosure.work")
    if not cleaned["headline"]:
        raise ValidationError("Give the summary a headline.")
    saved = session.exec(
        select(MarketingSummary).where(MarketingSummary.disclosure_id == disclosure_id)
    ).first()
    before = audit.snapshot(saved) if saved else None
    saved = saved or MarketingSummary(disclosure_id=disclosure_id, headline="")
    for name, value in cleaned.items():
        setattr(saved, name, value)
    saved.updated_at = clock.utcnow()
    session.add(saved)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="outreach.summary_saved",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
        after=audit.snapshot(saved),
    )
    return saved


def public_number(application: PatentApplication) -> str | None:
    """The number under which an application is public: the patent's once granted, the
    publication's once published (or the application's, where a published one has no
    publication number recorded); None while it is unpublished. A provisional is never
    published, so its number is never public."""
    if ApplicationType(application.application_type) is ApplicationType.PROVISIONAL:
        return None
    if application.grant_number:
        return application.grant_number
    if application.publication_number:
        return application.publication_number
    published = application.publication_date is not None or application.status in (
        ApplicationStatus.PUBLISHED.value,
        ApplicationStatus.GRANTED.value,
    )
    return (application.application_number or None) if published else None


def _ip_status(applications: list[PatentApplication]) -> str:
    granted = [a for a in applications if a.status == ApplicationStatus.GRANTED.value]
    live = [
        a
        for a in applications
        if a.status in (ApplicationStatus.PENDING.value, ApplicationStatus.PUBLISHED.value)
    ]
    if granted:
        return (
            "Issued: "
            + ", ".join(f"{a.jurisdiction} {a.grant_number}" for a in granted)
            + ("; further applications pending." if live else ".")
        )
    if live:
        first = min(live, key=lambda a: a.filing_date)
        kind = ApplicationType(first.application_type).label
        return f"Patent pending: {first.jurisdiction} {kind} filed {first.filing_date:%d %B %Y}."
    return "Unpatented: available for licensing as know-how and materials."


def summary_context(
    session: Session, *, actor: Actor, disclosure_id: int, today: date | None = None
) -> dict:
    fields = summary_fields(session, actor=actor, disclosure_id=disclosure_id)
    disclosure = session.get(Disclosure, disclosure_id)
    applications = list(
        session.exec(
            select(PatentApplication)
            .where(PatentApplication.disclosure_id == disclosure_id)
            .order_by(PatentApplication.filing_date)
        ).all()
    )
    inventors = session.exec(
        select(Person.full_name)
        .join(DisclosureInventor, DisclosureInventor.person_id == Person.id)
        .where(DisclosureInventor.disclosure_id == disclosure_id)
        .order_by(DisclosureInventor.position)
    ).all()
    officer = (
        session.get(Person, disclosure.officer_person_id) if disclosure.officer_person_id else None
    )
    parties = office_settings.parties(session)
    return {
        **vars(fields),
        "docket": disclosure.docket or "",
        "prepared_on": f"{(today or clock.today()):%d %B %Y}".lstrip("0"),
        "ip_status": _ip_status(applications),
        "patents": [
            {
                "jurisdiction": a.jurisdiction,
                "kind": ApplicationType(a.application_type).label,
                "number": public_number(a) or NOT_PUBLISHED,
                "status": ApplicationStatus(a.status).label,
            }
            for a in applications
            if a.status != ApplicationStatus.ABANDONED.value
        ],
        "inventors": ", ".join(inventors),
        "officer_name": officer.full_name if officer else parties.office_name,
        "officer_email": officer.email if officer else parties.office_email,
        "university": parties.university_name,
        **parties.office_context(),
    }


def summary_docx(session: Session, *, actor: Actor, disclosure_id: int) -> bytes:
    template = word_templates.current_template(session, "marketing_summary")
    return documents.render(
        "marketing_summary",
        summary_context(session, actor=actor, disclosure_id=disclosure_id),
        template=template.content,
    )
