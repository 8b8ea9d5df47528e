"""Use cases of agreements: drafting the terms, moving the agreement through its statuses,
executing it (its technologies become licensed), and the obligations its terms create.

Licensed patents. A license, option or inter-institutional agreement is offered every patent
application of its technologies' families (provisional, PCT, non-provisional, national and
regional phases, continuations, divisionals), the living ones preselected. It then licenses
either
- the whole family (the default): every application of the families, those filed later too,
  computed whenever the agreement is read or drafted (the draft's §1.1 says so); or
- the applications chosen (a field-of-use or territory license), and with them, as §1.1 of
  every license template says, their continuations and divisionals. Any other application
  that joins the family later (a national phase, a continuation-in-part, a new provisional)
  is listed on the agreement as not licensed yet, to be added by hand.
The choice is changed while the agreement is negotiated; after execution an application may
only be added, with a note saying how the licensee was told; anything else is an amendment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, delete, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require, sees_all
from tlo.disclosures import status as case_status
from tlo.disclosures.access import load_case
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.disclosures.rules import equal_shares, parse_share
from tlo.disclosures.workflow import Action
from tlo.errors import NotFound, ValidationError
from tlo.licensing import terms as royalty_terms
from tlo.licensing.agreement_models import (
    DEFAULT_REPORT_DUE_DAYS,
    Agreement,
    AgreementPatent,
    AgreementStatus,
    AgreementTechnology,
    AgreementType,
    AnnualFee,
    Milestone,
    ReportPeriod,
)
from tlo.licensing.models import Company, Contact, Outreach, Stage
from tlo.licensing.obligations import MilestoneTerm, Obligation, Terms, derive_obligations
from tlo.licensing.outreach import move_stage
from tlo.money import from_cents, percent_to_bp, to_cents
from tlo.notify import hooks
from tlo.pagination import Page, paginate
from tlo.patents.models import (
    ApplicationStatus,
    ApplicationType,
    DocketItemState,
    PatentApplication,
)
from tlo.text import (
    clean_bool,
    clean_choice,
    clean_date,
    clean_decimal_money,
    clean_id,
    clean_ids,
    clean_int,
    clean_percent,
    clean_text,
)

S = AgreementStatus
EDITABLE = {S.DRAFT, S.NEGOTIATING}
NEXT_STATUSES = {
    S.DRAFT: {S.NEGOTIATING, S.EXECUTED},
    S.NEGOTIATING: {S.DRAFT, S.EXECUTED},
    S.EXECUTED: {S.ACTIVE, S.TERMINATED},
    S.ACTIVE: {S.EXPIRED, S.TERMINATED},
    S.EXPIRED: set(),
    S.TERMINATED: set(),
}


# An abandoned or expired application is offered (its status shown) but not preselected, and
# the whole-family term does not bring it in.
LIVING = {ApplicationStatus.PENDING, ApplicationStatus.PUBLISHED, ApplicationStatus.GRANTED}
# What §1.1 of the license templates licenses with each application listed: "any
# continuations, divisionals, reissues and patents issuing from them" (a grant or reissue is
# the same record here).
FOLLOWS_ITS_PARENT = {ApplicationType.CONTINUATION, ApplicationType.DIVISIONAL}
AFTER_EXECUTION = {S.EXECUTED, S.ACTIVE}
ENDINGS = {S.EXPIRED, S.TERMINATED}  # the statuses that record the day an agreement ended

MAX_SHARES = 10**15  # far below the 64-bit column
MAX_TERM_MONTHS = 1200  # a hundred years: longer than any patent lives


@dataclass
class MilestoneEntry:
    event: str
    amount: str | Decimal
    due_date: date | None


@dataclass
class AgreementForm:
    agreement_type: AgreementType | str
    company_id: int
    title: str
    technologies: list[int]
    allocations: list[str | Decimal] | None = None  # percent per technology; None: equal
    # The applications licensed by name. None: those preselected, that is every living
    # application of the technologies' families for a new agreement; for one being edited,
    # its choice kept (less the applications of technologies it no longer covers) and the
    # living applications of any technology it now covers too.
    patent_ids: list[int] | None = None
    # None: True for a new agreement that covers patents; an edited one keeps its own.
    licenses_whole_family: bool | None = None
    field_of_use: str = ""
    territory: str = "Worldwide"
    effective_date: date | None = None
    term_months: int | None = None
    upfront_fee: str | Decimal = "0"
    annual_fees: list[str | Decimal] = field(default_factory=list)  # anniversary 1, 2, ...
    # Per product category: (what it applies to, a percent or its tiers, a list of
    # terms.TierEntry ascending by the cumulative net sales they apply up to).
    royalty_rates: list[tuple[str, str | Decimal | list[royalty_terms.TierEntry]]] = field(
        default_factory=list
    )
    # (calendar year, amount) or terms.MinimumEntry: credited by that year's running royalties.
    minimum_annual_royalty: list = field(default_factory=list)
    late_interest_percent: str | Decimal = "0"  # simple, a year; 0: none agreed
    report_due_days: int = DEFAULT_REPORT_DUE_DAYS
    report_currencies: list[str] | str = "USD"
    milestones: list[MilestoneEntry] = field(default_factory=list)
    sublicense_share: str | Decimal = "0"
    equity_shares: int = 0
    equity_percent: str | Decimal = "0"
    past_patent_costs: str | Decimal = "0"
    reimburse_ongoing_costs: bool = False
    royalty_report_period: ReportPeriod | str = ReportPeriod.QUARTERLY
    notes: str = ""
    # Which of the licensee's contacts signs for it (None: not chosen yet).
    licensee_signatory_contact_id: int | None = None


@dataclass(frozen=True)
class CheckedTerms:
    kind: AgreementType
    allocations_bp: list[int]
    upfront_cents: int
    annual_cents: list[int]
    rates: list[royalty_terms.CheckedRate]
    minimums: list[tuple[int, int]]
    late_interest_bp: int
    report_due_days: int
    report_currencies: str
    milestones: list[tuple[str, int, date]]
    sublicense_bp: int
    equity_percent_bp: int
    past_costs_cents: int


# Licenses that leave nobody else to license to when they cover every field: executing one
# takes its technologies' catalogue pages down (tlo.catalogue.publishing.take_down_licensed).
EXCLUSIVE_KINDS = frozenset({AgreementType.EXCLUSIVE, AgreementType.STARTUP})


def _clean_milestone(entry: object) -> tuple[str, int, date]:
    if not isinstance(entry, MilestoneEntry):
        raise ValidationError("Each milestone needs its event and due date.")
    event = clean_text(entry.event, what="milestone event", column=Milestone.event)
    if not event or entry.due_date is None:
        raise ValidationError("Each milestone needs its event and due date.")
    due = clean_date(entry.due_date, what=f"due date of the milestone '{event[:40]}'")
    amount = clean_decimal_money(entry.amount, what=f"amount of the milestone '{event[:40]}'")
    if amount < 0:
        raise ValidationError("A milestone payment cannot be negative.")
    return event, to_cents(amount), due


def _list(value: object, what: str) -> list:
    if not isinstance(value, list | tuple):
        raise ValidationError(f"Give the {what} as a list.")
    return list(value)


def _check(session: Session, form: AgreementForm) -> tuple[CheckedTerms, AgreementForm]:
    """The terms checked for type, range and length before anything is written, and the form
    with its text trimmed."""
    if not isinstance(form, AgreementForm):
        raise ValidationError("Fill in the agreement's terms.")
    try:
        kind = AgreementType(form.agreement_type)
        ReportPeriod(form.royalty_report_period)
    except (ValueError, TypeError):
        raise ValidationError("Choose the agreement's type and report period.") from None
    title = clean_text(
        form.title, what="agreement's title", column=Agreement.title, multiline=False
    )
    if not title:
        raise ValidationError("Give the agreement a title.")
    cleaned = replace(
        form,
        title=title,
        field_of_use=clean_text(
            form.field_of_use, what="field of use", column=Agreement.field_of_use
        ),
        territory=clean_text(form.territory, what="territory", column=Agreement.territory),
        notes=clean_text(form.notes, what="notes", column=Agreement.notes),
        effective_date=clean_date(form.effective_date, what="effective date", required=False),
        reimburse_ongoing_costs=clean_bool(
            form.reimburse_ongoing_costs, what="reimbursing ongoing patent costs"
        ),
    )
    try:
        company_id = clean_id(form.company_id, what="company")
    except NotFound:
        raise ValidationError("Choose the licensee (a company).") from None
    company = session.get(Company, company_id)
    if company is None:
        raise ValidationError("Choose the licensee (a company).")
    signatory_id = _check_signatory(session, company, form.licensee_signatory_contact_id)
    technologies = clean_ids(_list(form.technologies, "technologies"), what="disclosure")
    patent_ids = (
        None
        if form.patent_ids is None
        else clean_ids(_list(form.patent_ids, "licensed patents"), what="patent application")
    )
    whole_family = (
        None
        if form.licenses_whole_family is None
        else clean_bool(form.licenses_whole_family, what="licensing the whole family")
    )
    cleaned = replace(
        cleaned,
        company_id=company_id,
        technologies=technologies,
        patent_ids=patent_ids,
        licenses_whole_family=whole_family,
        licensee_signatory_contact_id=signatory_id,
    )
    if not technologies:
        raise ValidationError("Name at least one technology the agreement covers.")
    if len(set(technologies)) != len(technologies):
        raise ValidationError("A technology is listed twice.")
    if form.allocations is None:
        allocations = [percent_to_bp(share) for share in equal_shares(len(technologies))]
    else:
        given = _list(form.allocations, "income allocation")
        if len(given) != len(technologies):
            raise ValidationError("Give every covered technology its share of the income.")
        shares = [parse_share(value) for value in given]
        if sum(shares) != 100:
            raise ValidationError(
                f"The income allocation adds up to {sum(shares).normalize():f} %; "
                "it must add up to 100 %."
            )
        allocations = [percent_to_bp(share) for share in shares]
    if form.term_months is not None:
        term = clean_int(form.term_months, what="term in months", maximum=MAX_TERM_MONTHS)
        if term <= 0:
            raise ValidationError(
                "The term is a number of months above 0 (or empty for the life of the patents)."
            )
    milestones = [_clean_milestone(entry) for entry in _list(form.milestones, "milestones")]
    rates = royalty_terms.clean_rates(_list(form.royalty_rates, "royalty rates"))
    minimums = royalty_terms.clean_minimums(
        _list(form.minimum_annual_royalty, "minimum annual royalties"), cleaned.effective_date
    )
    money = [
        clean_decimal_money(form.upfront_fee, what="upfront fee"),
        clean_decimal_money(form.past_patent_costs, what="past patent costs"),
        *(
            clean_decimal_money(fee, what=f"annual fee of year {year}")
            for year, fee in enumerate(_list(form.annual_fees, "annual fees"), start=1)
        ),
    ]
    if any(amount < 0 for amount in money):
        raise ValidationError("Fees and costs cannot be negative.")
    if isinstance(form.equity_shares, bool) or not isinstance(form.equity_shares, int):
        raise ValidationError("Give the equity as a whole number of shares.")
    if form.equity_shares < 0:
        raise ValidationError("Equity cannot be a negative number of shares.")
    if form.equity_shares >= MAX_SHARES:
        raise ValidationError(f"Equity is at most {MAX_SHARES - 1:,} shares.")
    terms = CheckedTerms(
        kind=kind,
        allocations_bp=allocations,
        upfront_cents=to_cents(money[0]),
        annual_cents=[to_cents(a) for a in money[2:]],
        rates=rates,
        minimums=minimums,
        late_interest_bp=royalty_terms.clean_late_interest(form.late_interest_percent),
        report_due_days=royalty_terms.clean_report_due_days(form.report_due_days),
        report_currencies=royalty_terms.clean_currencies(form.report_currencies),
        milestones=milestones,
        sublicense_bp=percent_to_bp(
            clean_percent(form.sublicense_share, what="the sublicense share")
        ),
        equity_percent_bp=percent_to_bp(clean_percent(form.equity_percent, what="equity")),
        past_costs_cents=to_cents(money[1]),
    )
    return terms, cleaned


def _check_signatory(session: Session, company: Company, contact_id: object) -> int | None:
    """The licensee's signatory: one of the licensee's own contacts, or none chosen yet."""
    if contact_id is None:
        return None
    try:
        contact = session.get(Contact, clean_id(contact_id, what="contact"))
    except NotFound:
        contact = None
    if contact is None:
        raise ValidationError("Choose the licensee's signatory from the licensee's contacts.")
    if contact.company_id != company.id:
        other = session.get(Company, contact.company_id)
        raise ValidationError(
            f"{contact.name} is a contact of {other.name}, not of the licensee {company.name}: "
            f"choose {company.name}'s signatory (or none yet)."
        )
    return contact.id


def signatory_choices(session: Session, *, actor: Actor, company_id: int) -> list[Contact]:
    """Whom an agreement with this licensee may name as the licensee's signatory: its
    contacts, by name."""
    require(actor, "agreement.read")
    company_id = clean_id(company_id, what="company")
    return list(
        session.exec(
            select(Contact).where(Contact.company_id == company_id).order_by(Contact.name)
        ).all()
    )


def _agreement(session: Session, agreement_id: int) -> Agreement:
    agreement = session.get(Agreement, clean_id(agreement_id, what="agreement"))
    if agreement is None:
        raise NotFound(f"There is no agreement {agreement_id}.")
    return agreement


@dataclass(frozen=True)
class AgreementAccess:
    """An agreement as the permission check sees it: its officer is the one assigned, its
    licensee the company (what is kept with it: reports, invoices)."""

    agreement: Agreement

    def assigned_person_ids(self) -> set[int]:
        return {self.agreement.officer_person_id}

    def licensee_company_ids(self) -> set[int]:
        return {self.agreement.company_id}


def load_agreement(
    session: Session, actor: Actor, agreement_id: object, permission: str
) -> Agreement:
    """The agreement, after checking `actor` holds `permission` on it (its officer is the one
    assigned): for the records kept with an agreement (an agent's or a pool's terms)."""
    agreement = _agreement(session, agreement_id)
    require(actor, permission, AgreementAccess(agreement))
    return agreement


def _replace_children(
    session: Session, agreement_id: int, form: AgreementForm, terms: CheckedTerms
) -> None:
    # The licensed patents are kept link by link (with who added each): see _link_patents.
    for model in (AgreementTechnology, AnnualFee, Milestone):
        session.exec(delete(model).where(model.agreement_id == agreement_id))
    royalty_terms.replace_schedule(session, agreement_id, terms.rates, terms.minimums)
    session.add_all(
        AgreementTechnology(
            agreement_id=agreement_id, disclosure_id=disclosure_id, allocation_bp=bp
        )
        for disclosure_id, bp in zip(form.technologies, terms.allocations_bp, strict=True)
    )
    session.add_all(
        AnnualFee(agreement_id=agreement_id, year_number=year, amount_cents=cents)
        for year, cents in enumerate(terms.annual_cents, start=1)
    )
    session.add_all(
        Milestone(agreement_id=agreement_id, event=event, amount_cents=cents, due_date=due)
        for event, cents, due in terms.milestones
    )


# --- licensed patents (see the module's docstring) --------------------------------------------


def patent_label(application: PatentApplication) -> str:
    """An application as a license names it: office and number (the patent's once granted)."""
    number = application.grant_number or application.application_number or "(no number yet)"
    return f"{application.jurisdiction} {number}"


@dataclass(frozen=True)
class FamilyMember:
    """An application of a covered technology's family, as one agreement sees it."""

    application: PatentApplication
    docket: str
    technology_title: str
    licensed: bool
    link: AgreementPatent | None = None  # licensed by name
    follows: PatentApplication | None = None  # licensed as a continuation or divisional of it
    # Not licensed, and added to the family after the licensed patents were last chosen (or
    # never chosen): the officer has not decided on it yet.
    joined_since: bool = False

    @property
    def living(self) -> bool:
        return ApplicationStatus(self.application.status) in LIVING

    @property
    def label(self) -> str:
        return patent_label(self.application)

    @property
    def basis(self) -> str:
        """Why the agreement licenses the application, or that it does not yet."""
        if self.link is not None:
            return "Chosen" + (f" ({self.link.note})" if self.link.note else "")
        if self.follows is not None:
            kind = ApplicationType(self.application.application_type).label
            return f"{kind} of {patent_label(self.follows)}"
        if self.licensed:
            return "Whole family"
        if not self.living:
            return "Not licensed"
        return "Not licensed yet" if self.joined_since else "Left out"


def _applications(
    session: Session, disclosure_ids: list[int], linked_ids: list[int] = ()
) -> list[tuple[PatentApplication, str, str]]:
    """The technologies' applications (and any others linked), technology by technology, in
    filing order, each with its technology's docket and title."""
    if not disclosure_ids and not linked_ids:
        return []
    condition = col(PatentApplication.disclosure_id).in_(disclosure_ids)
    if linked_ids:
        condition = condition | col(PatentApplication.id).in_(linked_ids)
    rows = session.exec(
        select(PatentApplication, Disclosure.docket, Disclosure.title)
        .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
        .where(condition)
        .order_by(
            PatentApplication.disclosure_id, PatentApplication.filing_date, PatentApplication.id
        )
    ).all()
    return [(application, docket or "", title) for application, docket, title in rows]


def _members(
    rows: list[tuple[PatentApplication, str, str]],
    links: dict[int, AgreementPatent],
    whole_family: bool,
    chosen_at: datetime | None = None,
) -> list[FamilyMember]:
    by_id = {application.id: application for application, _, _ in rows}
    verdicts: dict[int, tuple[bool, PatentApplication | None]] = {}

    def verdict(application: PatentApplication) -> tuple[bool, PatentApplication | None]:
        if application.id not in verdicts:
            parent = by_id.get(application.parent_id)
            if application.id in links:
                verdicts[application.id] = (True, None)
            elif ApplicationStatus(application.status) not in LIVING:
                verdicts[application.id] = (False, None)
            elif whole_family:
                verdicts[application.id] = (True, None)
            elif (
                ApplicationType(application.application_type) in FOLLOWS_ITS_PARENT
                and parent is not None
                and verdict(parent)[0]
            ):
                verdicts[application.id] = (True, parent)
            else:
                verdicts[application.id] = (False, None)
        return verdicts[application.id]

    members = []
    for application, docket, title in rows:
        licensed, follows = verdict(application)
        joined_since = not licensed and (chosen_at is None or application.created_at > chosen_at)
        members.append(
            FamilyMember(
                application,
                docket,
                title,
                licensed,
                links.get(application.id),
                follows,
                joined_since,
            )
        )
    return members


def _links(session: Session, agreement_id: int) -> dict[int, AgreementPatent]:
    return {
        link.application_id: link
        for link in session.exec(
            select(AgreementPatent).where(AgreementPatent.agreement_id == agreement_id)
        ).all()
    }


def _technology_ids(session: Session, agreement_id: int) -> list[int]:
    return list(
        session.exec(
            select(AgreementTechnology.disclosure_id)
            .where(AgreementTechnology.agreement_id == agreement_id)
            .order_by(AgreementTechnology.disclosure_id)
        ).all()
    )


def _family_of(session: Session, agreement: Agreement) -> list[FamilyMember]:
    links = _links(session, agreement.id)
    covers = AgreementType(agreement.agreement_type).covers_patents
    technologies = _technology_ids(session, agreement.id) if covers else []
    rows = _applications(session, technologies, sorted(links))
    return _members(rows, links, agreement.licenses_whole_family, agreement.patents_chosen_at)


CHUNK = 500  # ids per IN (...) when many agreements are read at once


def families_of(session: Session, agreement_ids: list[int]) -> dict[int, list[FamilyMember]]:
    """Each agreement's family as `get_agreement` shows it (`licensed` says what it licenses),
    for many agreements at once: a few queries for all of them, not a few per agreement. For
    services that have checked their own permission (the AUTM report's active licenses)."""
    found: dict[int, list[FamilyMember]] = {}
    for start in range(0, len(agreement_ids), CHUNK):
        ids = agreement_ids[start : start + CHUNK]
        agreements = session.exec(select(Agreement).where(col(Agreement.id).in_(ids))).all()
        technologies: dict[int, list[int]] = {}
        for agreement_id, disclosure_id in session.exec(
            select(AgreementTechnology.agreement_id, AgreementTechnology.disclosure_id).where(
                col(AgreementTechnology.agreement_id).in_(ids)
            )
        ).all():
            technologies.setdefault(agreement_id, []).append(disclosure_id)
        links: dict[int, dict[int, AgreementPatent]] = {}
        for link in session.exec(
            select(AgreementPatent).where(col(AgreementPatent.agreement_id).in_(ids))
        ).all():
            links.setdefault(link.agreement_id, {})[link.application_id] = link
        rows = _applications(
            session,
            sorted({d for covered in technologies.values() for d in covered}),
            sorted({a for linked in links.values() for a in linked}),
        )
        by_disclosure: dict[int, list[tuple[PatentApplication, str, str]]] = {}
        by_id = {}
        for row in rows:
            by_disclosure.setdefault(row[0].disclosure_id, []).append(row)
            by_id[row[0].id] = row
        for agreement in agreements:
            covers = AgreementType(agreement.agreement_type).covers_patents
            covered = set(technologies.get(agreement.id, [])) if covers else set()
            linked = links.get(agreement.id, {})
            own = {r[0].id: r for d in covered for r in by_disclosure.get(d, [])}
            own |= {a: by_id[a] for a in linked if a in by_id}
            own = sorted(  # in _applications' order
                own.values(), key=lambda r: (r[0].disclosure_id, r[0].filing_date, r[0].id)
            )
            found[agreement.id] = _members(
                own, linked, agreement.licenses_whole_family, agreement.patents_chosen_at
            )
    return found


def _labels(session: Session, application_ids: list[int]) -> dict[str, str]:
    """The applications as an audit entry names them: id -> office and number."""
    if not application_ids:
        return {}
    applications = session.exec(
        select(PatentApplication).where(col(PatentApplication.id).in_(application_ids))
    ).all()
    return {str(a.id): patent_label(a) for a in sorted(applications, key=lambda a: a.id)}


def offered_patents(
    session: Session, *, actor: Actor, disclosure_ids: list[int]
) -> list[FamilyMember]:
    """What an agreement on these technologies is offered to license: every application of
    their families, the living ones preselected (`licensed`)."""
    require(actor, "agreement.read")
    ids = clean_ids(_list(disclosure_ids, "technologies"), what="disclosure")
    for disclosure_id in ids:
        load_case(session, actor, disclosure_id, "disclosure.read")
    return [
        FamilyMember(application, docket, title, ApplicationStatus(application.status) in LIVING)
        for application, docket, title in _applications(session, ids)
    ]


def _choose(
    session: Session,
    kind: AgreementType,
    technologies: list[int],
    patent_ids: list[int] | None,
    whole_family: bool | None,
    agreement: Agreement | None,
) -> tuple[list[int], bool]:
    """The applications to license by name and whether the whole family is licensed, checked
    against the technologies' families; nothing is written."""
    if not kind.covers_patents:
        if patent_ids:
            raise ValidationError(
                f"A {kind.label[0].lower()}{kind.label[1:]} grants no right under patents: "
                "leave the licensed patents out."
            )
        return [], False
    if whole_family is None:
        whole_family = agreement is None or (
            agreement.licenses_whole_family
            or not AgreementType(agreement.agreement_type).covers_patents
        )
    rows = _applications(session, technologies)
    family = {application.id: application for application, _, _ in rows}
    living = [
        application.id
        for application, _, _ in rows
        if ApplicationStatus(application.status) in LIVING
    ]
    if patent_ids is None:
        if agreement is None:
            chosen = list(living)
        else:
            covered_before = set(_technology_ids(session, agreement.id))
            chosen = [i for i in _links(session, agreement.id) if i in family]
            chosen += [
                i
                for i in living
                if family[i].disclosure_id not in covered_before and i not in chosen
            ]
        if whole_family:
            chosen += [i for i in living if i not in chosen]
        return chosen, whole_family
    if len(set(patent_ids)) != len(patent_ids):
        raise ValidationError("A patent application is listed twice among the licensed patents.")
    strangers = [i for i in patent_ids if i not in family]
    if strangers:
        raise ValidationError(
            f"Patent application {strangers[0]} is not in the families of the covered "
            "technologies: choose the licensed patents from those offered."
        )
    left_out = [patent_label(family[i]) for i in living if i not in patent_ids]
    if whole_family and left_out:
        raise ValidationError(
            f"The agreement licenses the whole family, yet {', '.join(left_out)} "
            f"{'is' if len(left_out) == 1 else 'are'} left out: keep every application, or "
            "untick 'License the whole family' to license only those chosen."
        )
    return list(patent_ids), whole_family


def _link_patents(
    session: Session, actor: Actor, agreement_id: int, chosen: list[int], note: str = ""
) -> None:
    """Make the agreement's links exactly `chosen`; a link kept keeps who added it and when."""
    links = _links(session, agreement_id)
    for application_id, link in links.items():
        if application_id not in chosen:
            session.delete(link)
    session.add_all(
        AgreementPatent(
            agreement_id=agreement_id,
            application_id=application_id,
            added_by_account_id=actor.account_id,
            added_by_name=actor.name,
            note=note,
        )
        for application_id in dict.fromkeys(chosen)
        if application_id not in links
    )


def set_licensed_patents(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int,
    application_ids: list[int],
    licenses_whole_family: bool,
) -> Agreement:
    """Choose which applications of its families an agreement licenses, while it is drafted or
    negotiated (after execution they are final: see add_licensed_patents)."""
    agreement = _agreement(session, agreement_id)
    require(actor, "agreement.edit", AgreementAccess(agreement))
    ids = clean_ids(_list(application_ids, "licensed patents"), what="patent application")
    whole = clean_bool(licenses_whole_family, what="licensing the whole family")
    status = S(agreement.status)
    if status not in EDITABLE:
        raise ValidationError(
            f"{agreement.number} is {status.label.lower()}: its licensed patents are final. "
            "An application filed since can be added to them (with a note); anything else "
            "is an amendment, recorded as a new agreement."
        )
    kind = AgreementType(agreement.agreement_type)
    chosen, whole = _choose(
        session, kind, _technology_ids(session, agreement.id), ids, whole, agreement
    )
    before = {
        "licensed_patents": _labels(session, list(_links(session, agreement.id))),
        "licenses_whole_family": agreement.licenses_whole_family,
    }
    _link_patents(session, actor, agreement.id, chosen)
    agreement.licenses_whole_family = whole
    agreement.patents_chosen_at = clock.utcnow()
    session.add(agreement)
    audit.record(
        session,
        actor=actor,
        action="agreement.patents_chosen",
        object_type="agreement",
        object_id=agreement.id,
        before=before,
        after={"licensed_patents": _labels(session, chosen), "licenses_whole_family": whole},
    )
    return agreement


def add_licensed_patents(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int,
    application_ids: list[int],
    note: str = "",
) -> Agreement:
    """License applications of the families that the agreement does not license yet (say, a
    national phase entered after signing): while it is negotiated, or once executed with a
    note saying how the licensee was told (an updated schedule of Licensed Patents)."""
    agreement = _agreement(session, agreement_id)
    require(actor, "agreement.edit", AgreementAccess(agreement))
    ids = clean_ids(_list(application_ids, "applications to add"), what="patent application")
    note = clean_text(note, what="note", column=AgreementPatent.note, multiline=False)
    status, kind = S(agreement.status), AgreementType(agreement.agreement_type)
    if status not in EDITABLE | AFTER_EXECUTION:
        raise ValidationError(
            f"{agreement.number} is {status.label.lower()}: it licenses nothing any more; "
            "a new license is a new agreement."
        )
    if not kind.covers_patents:
        raise ValidationError(
            f"A {kind.label[0].lower()}{kind.label[1:]} grants no right under patents."
        )
    if not ids:
        raise ValidationError("Choose the applications to add to the licensed patents.")
    if len(set(ids)) != len(ids):
        raise ValidationError("A patent application is listed twice.")
    if status in AFTER_EXECUTION and not note:
        raise ValidationError(
            f"{agreement.number} is {status.label.lower()}: say in the note how the licensee "
            "was told that the application joins the Licensed Patents (e.g. 'Schedule A "
            "updated by letter of 3 May 2027')."
        )
    members = {m.application.id: m for m in _family_of(session, agreement)}
    for application_id in ids:
        member = members.get(application_id)
        if member is None:
            raise ValidationError(
                f"Patent application {application_id} is not in the families of the "
                f"technologies {agreement.number} covers."
            )
        if member.licensed:
            raise ValidationError(f"{agreement.number} licenses {member.label} already.")
        if status in AFTER_EXECUTION and not member.joined_since:
            raise ValidationError(
                f"{member.label} was left out when the licensed patents were chosen: "
                f"licensing it now changes the terms of {agreement.number}; record an "
                "amendment as a new agreement."
            )
    session.add_all(
        AgreementPatent(
            agreement_id=agreement.id,
            application_id=application_id,
            added_by_account_id=actor.account_id,
            added_by_name=actor.name,
            note=note,
        )
        for application_id in ids
    )
    audit.record(
        session,
        actor=actor,
        action="agreement.patents_added",
        object_type="agreement",
        object_id=agreement.id,
        after={"licensed_patents": _labels(session, ids), "note": note, "status": status},
    )
    return agreement


def save_agreement(
    session: Session, *, actor: Actor, form: AgreementForm, agreement_id: int | None = None
) -> Agreement:
    """Draft a new agreement (no id) or change the terms of one still being negotiated. The
    licensed patents: see AgreementForm.patent_ids and the module's docstring."""
    terms, form = _check(session, form)
    for disclosure_id in form.technologies:
        load_case(session, actor, disclosure_id, "disclosure.read")
    if agreement_id is None:
        require(actor, "agreement.create")
        existing = None
    else:
        existing = _agreement(session, agreement_id)
        require(actor, "agreement.edit", AgreementAccess(existing))
        if S(existing.status) not in EDITABLE:
            raise ValidationError(
                f"{existing.number} is {existing.status}: its terms are "
                "final; record an amendment as a new agreement."
            )
    chosen, whole_family = _choose(
        session,
        terms.kind,
        form.technologies,
        form.patent_ids,
        form.licenses_whole_family,
        existing,
    )
    if existing is None:
        agreement = Agreement(
            agreement_type=terms.kind.value,
            company_id=form.company_id,
            officer_person_id=actor.person_id,
            title="",
        )
        before = None
    else:
        agreement = existing
        before = (
            audit.snapshot(agreement)
            | {"licensed_patents": _labels(session, list(_links(session, agreement.id)))}
            | royalty_terms.audit_view(session, agreement.id)
        )
    agreement.licenses_whole_family = whole_family
    if existing is None or form.patent_ids is not None:  # the officer saw the offer: a choice
        agreement.patents_chosen_at = clock.utcnow()
    agreement.agreement_type, agreement.company_id = terms.kind.value, form.company_id
    agreement.title, agreement.field_of_use = form.title.strip(), form.field_of_use.strip()
    agreement.territory = form.territory.strip() or "Worldwide"
    agreement.effective_date, agreement.term_months = form.effective_date, form.term_months
    agreement.upfront_fee_cents, agreement.sublicense_share_bp = (
        terms.upfront_cents,
        terms.sublicense_bp,
    )
    agreement.equity_shares, agreement.equity_percent_bp = (
        form.equity_shares,
        terms.equity_percent_bp,
    )
    agreement.past_patent_costs_cents = terms.past_costs_cents
    agreement.reimburse_ongoing_costs = form.reimburse_ongoing_costs
    agreement.royalty_report_period = ReportPeriod(form.royalty_report_period).value
    agreement.report_due_days = terms.report_due_days
    agreement.late_interest_bp = terms.late_interest_bp
    agreement.report_currencies = terms.report_currencies
    agreement.licensee_signatory_contact_id = form.licensee_signatory_contact_id
    agreement.notes = form.notes.strip()
    session.add(agreement)
    session.flush()
    _replace_children(session, agreement.id, form, terms)
    _link_patents(session, actor, agreement.id, chosen)
    audit.record(
        session,
        actor=actor,
        action="agreement.saved",
        object_type="agreement",
        object_id=agreement.id,
        before=before,
        after=audit.snapshot(agreement)
        | {"licensed_patents": _labels(session, chosen)}
        | royalty_terms.audit_view(session, agreement.id),
    )
    return agreement


def change_agreement_status(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int,
    status: AgreementStatus | str,
    signed_on: date | None = None,
    ended_on: date | None = None,
    today: date | None = None,
) -> Agreement:
    """Move an agreement on. Executing needs the signature date; it records the licensee's
    size that day (the AUTM survey counts licenses by it), and a license's technologies then
    become 'licensed' and the licensee's outreach on them too. Terminating or expiring
    records the day the agreement ended (`ended_on`, the day of the change unless given):
    the survey counts it active until then."""
    status = clean_choice(status, S, what="status")
    signed_on = clean_date(signed_on, what="date the agreement was signed", required=False)
    ended_on = clean_date(ended_on, what="date the agreement ended", required=False)
    today = clean_date(today, what="day", required=False) or clock.today()
    agreement = _agreement(session, agreement_id)
    require(actor, "agreement.edit", AgreementAccess(agreement))
    current = S(agreement.status)
    if status not in NEXT_STATUSES[current]:
        allowed = ", ".join(s.label for s in NEXT_STATUSES[current]) or "nothing"
        raise ValidationError(
            f"A {current.label.lower()} agreement can move to {allowed}, "
            f"not {status.label.lower()}."
        )
    if ended_on is not None and status not in ENDINGS:
        raise ValidationError(
            f"An agreement moved to {status.label.lower()} has not ended: give an end date "
            "only when it expires or is terminated."
        )
    if status is S.EXECUTED:
        _execute(session, actor, agreement, signed_on, today)
    if status in ENDINGS:
        agreement.ended_on = _end(agreement, ended_on or today, today)
    before = agreement.status
    agreement.status = status.value
    session.add(agreement)
    audit.record(
        session,
        actor=actor,
        action=f"agreement.{status.value}",
        object_type="agreement",
        object_id=agreement.id,
        before={"status": before},
        after={"status": status, "signed_on": signed_on}
        | ({"licensee_size": agreement.licensee_size} if status is S.EXECUTED else {})
        | ({"ended_on": agreement.ended_on} if status in ENDINGS else {}),
    )
    kind = AgreementType(agreement.agreement_type)
    if status is S.EXECUTED and kind in EXCLUSIVE_KINDS and not agreement.field_of_use.strip():
        from tlo.catalogue import publishing  # the catalogue reads licensing, not the reverse

        publishing.take_down_licensed(
            session,
            actor=actor,
            agreement_number=agreement.number,
            disclosure_ids=_technology_ids(session, agreement.id),
        )
    if status is S.EXECUTED and kind.is_license:
        hooks.license_signed(
            session,
            actor=actor,
            agreement_number=agreement.number,
            agreement_kind=kind.label,
            licensee=session.get(Company, agreement.company_id).name,
            signed_on=agreement.signed_on,
            disclosure_ids=_technology_ids(session, agreement.id),
        )
    return agreement


def _end(agreement: Agreement, ended_on: date, today: date) -> date:
    """The day an agreement ended, checked against its signature and today."""
    if ended_on > today:
        raise ValidationError(
            f"{agreement.number} ends on {ended_on.isoformat()}, after today: record the end "
            "once it has happened."
        )
    if agreement.signed_on is not None and ended_on < agreement.signed_on:
        raise ValidationError(
            f"{agreement.number} was signed on {agreement.signed_on.isoformat()}; it cannot "
            f"have ended before, on {ended_on.isoformat()}."
        )
    return ended_on


def _execute(session, actor, agreement: Agreement, signed_on: date | None, today: date) -> None:
    if signed_on is None:
        raise ValidationError("Give the date the agreement was signed.")
    if signed_on > today:
        raise ValidationError("An agreement is executed once it is signed, not before.")
    agreement.signed_on = signed_on
    agreement.effective_date = agreement.effective_date or signed_on
    company = session.get(Company, agreement.company_id)
    agreement.licensee_size = company.size  # its size that day: later corrections leave it
    kind = AgreementType(agreement.agreement_type)
    if not kind.is_license:
        return
    for link in session.exec(
        select(AgreementTechnology).where(AgreementTechnology.agreement_id == agreement.id)
    ).all():
        case = load_case(session, actor, link.disclosure_id, "disclosure.read")
        if case.status is not DisclosureStatus.LICENSED:
            if case.status not in (DisclosureStatus.FILED, DisclosureStatus.MARKETING):
                raise ValidationError(
                    f"{case.disclosure.docket} is '{case.status.label}'; a technology is "
                    "licensed once it is filed or being marketed."
                )
            case_status.change_status(
                session,
                actor,
                case,
                Action.LICENSE,
                rationale=f"{agreement.number} with {company.name} signed {signed_on}",
            )
        outreach = session.exec(
            select(Outreach).where(
                Outreach.disclosure_id == link.disclosure_id,
                Outreach.company_id == agreement.company_id,
            )
        ).first()
        if outreach is not None and outreach.stage != Stage.LICENSED.value:
            move_stage(session, actor, outreach, Stage.LICENSED, f"{agreement.number} signed")


@dataclass(frozen=True)
class AgreementView:
    agreement: Agreement
    company: Company
    technologies: list[tuple[Disclosure, Decimal]]  # with their share of income, percent
    patents: list[PatentApplication]  # those licensed, as the draft lists them
    annual_fees: list[AnnualFee]
    royalty_rates: list[royalty_terms.Rate]  # with their tiers
    milestones: list[Milestone]
    next_statuses: list[AgreementStatus]
    # Every application of the covered technologies' families, licensed or not (and any
    # other application linked to the agreement).
    family: list[FamilyMember] = field(default_factory=list)
    licensee_signatory: Contact | None = None  # who signs for the licensee, once chosen
    minimum_royalties: list[royalty_terms.Minimum] = field(default_factory=list)

    @property
    def not_licensed_yet(self) -> list[FamilyMember]:
        """Living applications that joined the families since the licensed patents were
        chosen and that the agreement does not license (yet)."""
        return [m for m in self.family if m.living and m.joined_since]


def get_agreement(session: Session, *, actor: Actor, agreement_id: int) -> AgreementView:
    require(actor, "agreement.read")
    agreement = _agreement(session, agreement_id)

    def children(model, order):
        return list(
            session.exec(
                select(model).where(model.agreement_id == agreement_id).order_by(order)
            ).all()
        )

    technologies = session.exec(
        select(Disclosure, AgreementTechnology.allocation_bp)
        .join(AgreementTechnology, AgreementTechnology.disclosure_id == Disclosure.id)
        .where(AgreementTechnology.agreement_id == agreement_id)
        .order_by(Disclosure.docket)
    ).all()
    family = _family_of(session, agreement)
    return AgreementView(
        agreement=agreement,
        company=session.get(Company, agreement.company_id),
        technologies=[(d, Decimal(bp) / 100) for d, bp in technologies],
        patents=[member.application for member in family if member.licensed],
        annual_fees=children(AnnualFee, AnnualFee.year_number),
        royalty_rates=royalty_terms.schedule_of(session, agreement_id),
        minimum_royalties=royalty_terms.minimums_of(session, agreement_id),
        milestones=children(Milestone, Milestone.due_date),
        next_statuses=sorted(NEXT_STATUSES[S(agreement.status)], key=list(S).index),
        family=family,
        licensee_signatory=session.get(Contact, agreement.licensee_signatory_contact_id)
        if agreement.licensee_signatory_contact_id
        else None,
    )


def list_agreements(
    session: Session,
    *,
    actor: Actor,
    status: AgreementStatus | None = None,
    officer_person_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[tuple[Agreement, str]]:
    require(actor, "agreement.read")
    query = select(Agreement, Company.name).join(Company, Company.id == Agreement.company_id)
    if status is not None:
        query = query.where(Agreement.status == status.value)
    if officer_person_id is not None:
        query = query.where(Agreement.officer_person_id == officer_person_id)
    if not sees_all(actor, "agreement.read"):
        query = query.where(Agreement.officer_person_id == actor.person_id)
    return paginate(session, query.order_by(Agreement.id.desc()), offset=offset, limit=limit)


def terms_of(view: AgreementView) -> Terms | None:
    """The agreement's terms as the obligation rules read them (None before a start date)."""
    agreement = view.agreement
    if agreement.effective_date is None:
        return None
    return Terms(
        agreement_type=AgreementType(agreement.agreement_type),
        effective_date=agreement.effective_date,
        term_months=agreement.term_months,
        upfront_fee=from_cents(agreement.upfront_fee_cents),
        past_patent_costs=from_cents(agreement.past_patent_costs_cents),
        annual_fees={fee.year_number: from_cents(fee.amount_cents) for fee in view.annual_fees},
        report_period=ReportPeriod(agreement.royalty_report_period),
        report_due_days=agreement.report_due_days,
        milestones=[
            MilestoneTerm(str(m.id), m.event, from_cents(m.amount_cents), m.due_date)
            for m in view.milestones
        ],
    )


@dataclass(frozen=True)
class ObligationEntry:
    key: str  # the docket key: agr<id>:<obligation key>
    obligation: Obligation
    state: str  # open, done, waived


def obligations(session: Session, *, actor: Actor, agreement_id: int) -> list[ObligationEntry]:
    """What the executed agreement's terms require, with what is done or waived."""
    view = get_agreement(session, actor=actor, agreement_id=agreement_id)
    terms = terms_of(view)
    if terms is None or S(view.agreement.status) in EDITABLE:
        return []
    derived = derive_obligations(terms)
    keys = [f"agr{agreement_id}:{o.key}" for o in derived]
    marks = (
        dict(
            session.exec(
                select(DocketItemState.key, DocketItemState.state).where(
                    col(DocketItemState.key).in_(keys)
                )
            ).all()
        )
        if keys
        else {}
    )
    return [
        ObligationEntry(key, o, marks.get(key, "open"))
        for key, o in zip(keys, derived, strict=True)
    ]


def mark_obligation(
    session: Session, *, actor: Actor, agreement_id: int, key: str, state: str, note: str = ""
) -> None:
    agreement = _agreement(session, agreement_id)
    require(actor, "agreement.edit", AgreementAccess(agreement))
    note = clean_text(note, what="note", column=DocketItemState.note)
    if state not in ("done", "waived"):
        raise ValidationError("An obligation is marked done or waived.")
    if state == "waived" and not note.strip():
        raise ValidationError("Say why the obligation is waived.")
    if key not in {e.key for e in obligations(session, actor=actor, agreement_id=agreement_id)}:
        raise NotFound(f"{agreement.number} has no obligation {key!r}.")
    if session.exec(select(DocketItemState).where(DocketItemState.key == key)).first():
        raise ValidationError("This obligation is already marked.")
    session.add(
        DocketItemState(
            key=key,
            state=state,
            note=note.strip(),
            marked_by_account_id=actor.account_id,
            marked_by_name=actor.name,
        )
    )
    audit.record(
        session,
        actor=actor,
        action=f"agreement.obligation_{state}",
        object_type="agreement",
        object_id=agreement_id,
        after={"key": key, "note": note.strip()},
    )


def parse_milestone_lines(text: str) -> list[MilestoneEntry]:
    """Milestones typed one a line: "event; amount; YYYY-MM-DD" (amount 0 for diligence)."""
    text = clean_text(text, what="milestones")
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 3:
            raise ValidationError(f"Milestone line {number}: write 'event; amount; YYYY-MM-DD'.")
        try:
            due = date.fromisoformat(parts[2])
        except ValueError:
            raise ValidationError(
                f"Milestone line {number}: {parts[2]!r} is not a date written YYYY-MM-DD."
            ) from None
        entries.append(MilestoneEntry(parts[0], parts[1] or "0", due))
    return entries


parse_rate_lines = royalty_terms.parse_rate_lines  # "applies to; 4 % up to 5,000,000; 3 %"


def parse_amount_list(text: str) -> list[str]:
    """Annual fees typed as "10000; 15000; 20000" (anniversary 1, 2, 3, ...)."""
    text = clean_text(text, what="annual fees")
    return [part.strip() for part in text.replace("\n", ";").split(";") if part.strip()]
