"""An inquiry sent from a technology's public page.

It finds the company by the directory's duplicate-name rule (`normalise_company_name`: "Acme,
Inc." is "ACME Inc") or adds it, finds the contact by e-mail address or adds it, puts the
company in the technology's pipeline at "contacted" for the case's officer (the message kept as
the first touch, a follow-up due in FOLLOW_UP_DAYS) and tells the officer through the outbox,
all in one transaction. Nothing of the case is told the visitor.

Spam, without a third party: a hidden field a person leaves empty (a bot that fills it gets the
same thanks and nothing is kept) and limits per anonymous visitor per day and for the whole
catalogue per hour (tlo.catalogue.metrics explains the visitor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, func, select

from tlo import audit, clock
from tlo.auth.models import Account, AccountRole, Role
from tlo.auth.permissions import system_actor
from tlo.catalogue import public
from tlo.catalogue.models import CatalogueInquiry
from tlo.disclosures.access import load_case
from tlo.disclosures.models import Disclosure
from tlo.errors import NotFound, ValidationError
from tlo.licensing import outreach as outreach_service
from tlo.licensing.matching import normalise_company_name
from tlo.licensing.models import Channel, Company, CompanySize, Contact, Outreach
from tlo.notify import outbox
from tlo.people.models import Person
from tlo.text import clean_email, clean_text

PER_VISITOR_PER_DAY = 3
PER_HOUR = 60  # all visitors together: a flood is refused, not filed
FOLLOW_UP_DAYS = 2


class TooManyInquiries(ValidationError):
    """Refused by the rate limits; the page says how to write to the office instead."""


@dataclass
class InquiryForm:
    name: str = ""
    company: str = ""
    company_size: str = ""
    email: str = ""
    message: str = ""
    website: str = ""  # the honeypot: hidden from people, so only a bot fills it


@dataclass(frozen=True)
class Outcome:
    kept: bool  # False: the honeypot caught a bot (it is thanked all the same)
    inquiry_id: int | None = None


def _clean(form: object) -> InquiryForm:
    if not isinstance(form, InquiryForm):
        raise ValidationError("Fill in the inquiry form.")
    name = clean_text(form.name, what="name", column=CatalogueInquiry.name, multiline=False)
    company = clean_text(
        form.company, what="company", column=CatalogueInquiry.company_name, multiline=False
    )
    email = clean_email(form.email, what="e-mail address")
    message = clean_text(form.message, what="message", column=CatalogueInquiry.message)
    if not name:
        raise ValidationError("Give your name.")
    if not company:
        raise ValidationError("Give your company's name.")
    if not message:
        raise ValidationError("Write a message: what interests you in this technology?")
    try:
        size = CompanySize(form.company_size).value
    except ValueError:
        raise ValidationError("Choose your company's size.") from None
    honeypot = form.website if isinstance(form.website, str) else "bot"
    return InquiryForm(name, company, size, email, message, honeypot)


def _check_limits(session: Session, visitor_id: str) -> None:
    now = clock.utcnow()
    today = clock.start_of_office_day(clock.today())
    mine = session.exec(
        select(func.count(CatalogueInquiry.id)).where(
            CatalogueInquiry.visitor == visitor_id, col(CatalogueInquiry.created_at) >= today
        )
    ).one()
    everyone = session.exec(
        select(func.count(CatalogueInquiry.id)).where(
            col(CatalogueInquiry.created_at) >= now - timedelta(hours=1)
        )
    ).one()
    if mine >= PER_VISITOR_PER_DAY or everyone >= PER_HOUR:
        raise TooManyInquiries(
            "We have received several inquiries from here already today. Please write to the "
            "office by e-mail instead."
        )


def _officer(session: Session, disclosure: Disclosure) -> Person | None:
    """Who answers: the case's officer, or else a director."""
    if disclosure.officer_person_id:
        return session.get(Person, disclosure.officer_person_id)
    return session.exec(
        select(Person)
        .join(Account, Account.person_id == Person.id)
        .join(AccountRole, AccountRole.account_id == Account.id)
        .where(AccountRole.role == Role.DIRECTOR.value, Account.active == True)  # noqa: E712
        .order_by(Person.id)
    ).first()


def _company(session: Session, actor, form: InquiryForm) -> Company:
    normalized = normalise_company_name(form.company)
    known = session.exec(select(Company).where(Company.normalized_name == normalized)).first()
    if known is not None:
        return known
    return outreach_service.save_company(
        session,
        actor=actor,
        form=outreach_service.CompanyForm(
            name=form.company, size=form.company_size, notes="Came through the catalogue."
        ),
    )


def _contact(session: Session, actor, company: Company, form: InquiryForm) -> Contact:
    known = session.exec(
        select(Contact).where(
            Contact.company_id == company.id, func.lower(Contact.email) == form.email.lower()
        )
    ).first()
    return known or outreach_service.add_contact(
        session, actor=actor, company_id=company.id, name=form.name, email=form.email
    )


def _pipeline(session, actor, disclosure_id, company, contact, officer, form) -> Outreach | None:
    if company.do_not_contact or officer is None:
        return None
    entry = session.exec(
        select(Outreach).where(
            Outreach.disclosure_id == disclosure_id, Outreach.company_id == company.id
        )
    ).first()
    if entry is None:
        entry = outreach_service.start_outreach(
            session,
            actor=actor,
            disclosure_id=disclosure_id,
            company_id=company.id,
            owner_person_id=officer.id,
        )
    today = clock.today()
    outreach_service.log_touch(
        session,
        actor=actor,
        outreach_id=entry.id,
        touched_on=today,
        channel=Channel.OTHER,
        note=f"Inquiry from the public catalogue:\n{form.message}",
        outcome="They wrote to us",
        contact_id=contact.id,
        next_follow_up=max(today + timedelta(days=FOLLOW_UP_DAYS), entry.next_follow_up or today),
    )
    return entry


def _tell(session, officer: Person | None, disclosure: Disclosure, company, form, entry) -> None:
    if officer is None or not officer.email:
        return
    lines = [
        f"{form.name} of {company.name} ({form.email}) asked about {disclosure.docket} "
        f"in the public catalogue:",
        "",
        form.message,
        "",
        "It is in the technology's pipeline at 'contacted', with a follow-up in "
        f"{FOLLOW_UP_DAYS} days."
        if entry is not None
        else f"{company.name} is marked 'do not contact': it was not put in the pipeline.",
    ]
    outbox.queue(
        session,
        kind="catalogue_inquiry",
        recipient_email=officer.email,
        recipient_person_id=officer.id,
        recipient_name=officer.full_name,
        subject=f"Catalogue inquiry: {disclosure.docket} from {company.name}",
        body="\n".join(lines),
    )


def submit(session: Session, *, slug: str, form: object, visitor_id: str) -> Outcome:
    """File the inquiry (see the module's note). NotFound for a page not published."""
    disclosure_id = public.disclosure_of(session, slug) if isinstance(slug, str) else None
    if disclosure_id is None:
        raise NotFound("This technology is no longer in the catalogue.")
    form = _clean(form)
    if form.website:
        return Outcome(kept=False)
    _check_limits(session, visitor_id)
    actor = system_actor(f"catalogue inquiry from {form.name}"[:200])
    disclosure = session.get(Disclosure, disclosure_id)
    officer = _officer(session, disclosure)
    company = _company(session, actor, form)
    contact = _contact(session, actor, company, form)
    entry = _pipeline(session, actor, disclosure_id, company, contact, officer, form)
    inquiry = CatalogueInquiry(
        disclosure_id=disclosure_id,
        outreach_id=entry.id if entry else None,
        company_id=company.id,
        contact_id=contact.id,
        name=form.name,
        company_name=form.company,
        email=form.email,
        message=form.message,
        visitor=visitor_id,
    )
    session.add(inquiry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="catalogue.inquiry",
        object_type="disclosure",
        object_id=disclosure_id,
        after={"company_id": company.id, "contact_id": contact.id, "email": form.email},
    )
    _tell(session, officer, disclosure, company, form, entry)
    return Outcome(kept=True, inquiry_id=inquiry.id)


def of_case(session: Session, *, actor, disclosure_id: int) -> list[CatalogueInquiry]:
    """A case's inquiries, newest first, for its officer."""
    load_case(session, actor, disclosure_id, "outreach.read")
    return list(
        session.exec(
            select(CatalogueInquiry)
            .where(CatalogueInquiry.disclosure_id == disclosure_id)
            .order_by(col(CatalogueInquiry.created_at).desc())
        ).all()
    )
