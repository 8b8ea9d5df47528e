"""Use cases of patents: applications and families, office actions, counsel invoices,
Bayh-Dole records, and the docket computed from them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require, sees_all
from tlo.disclosures.access import load_case
from tlo.disclosures.models import (
    Disclosure,
    DisclosureStatus,
    FundingSource,
    PublicDisclosure,
    StatusChange,
)
from tlo.disclosures.status import change_status
from tlo.disclosures.workflow import Action
from tlo.errors import NotFound, ValidationError
from tlo.money import to_cents
from tlo.patents import deadlines as deadline_engine
from tlo.patents.deadlines import ActionType
from tlo.patents.decisions import lapses_by_case
from tlo.patents.docket import (
    ApplicationFacts,
    BayhDoleFacts,
    CaseFacts,
    DocketItem,
    LapseFacts,
    Marks,
    OfficeActionFacts,
    family_priority,
    items_for_case,
)
from tlo.patents.models import (
    ApplicationStatus,
    ApplicationType,
    BayhDoleRecord,
    DocketItemState,
    OfficeAction,
    PatentApplication,
    PatentCost,
)
from tlo.people.models import Person
from tlo.text import (
    clean_bool,
    clean_choice,
    clean_date,
    clean_decimal_money,
    clean_id,
    clean_int,
    clean_optional_id,
    clean_text,
)

# Cases whose deadlines still matter.
CLOSED_STATUSES = {
    DisclosureStatus.DRAFT,
    DisclosureStatus.RELEASED,
    DisclosureStatus.ABANDONED,
    DisclosureStatus.CLOSED,
}
EXPECTED_JURISDICTION = {ApplicationType.PROVISIONAL: "US", ApplicationType.PCT: "WO"}
PARENT_TYPES = {  # what a child application may continue or enter from
    ApplicationType.NATIONAL_PHASE: {ApplicationType.PCT},
    ApplicationType.REGIONAL_PHASE: {ApplicationType.PCT},
}


@dataclass
class ApplicationForm:
    jurisdiction: str
    application_type: ApplicationType | str
    filing_date: date
    application_number: str = ""
    parent_id: int | None = None
    priority_date_override: date | None = None
    counsel_firm: str = ""
    counsel_attorney: str = ""
    counsel_docket: str = ""
    government_support_clause: bool = False


def _application(session: Session, application_id: int) -> PatentApplication:
    application = session.get(
        PatentApplication, clean_id(application_id, what="patent application")
    )
    if application is None:
        raise NotFound(f"There is no patent application {application_id}.")
    return application


# The text an application records, with the longest each may be (its column's length).
APPLICATION_TEXT_LIMITS = (
    ("application_number", "application number", 50),
    ("counsel_firm", "counsel's firm", 200),
    ("counsel_attorney", "attorney", 200),
    ("counsel_docket", "counsel's docket number", 100),
)
CORRECTION_REASON_MAX_LENGTH = 500


def application_form_of(application: PatentApplication) -> ApplicationForm:
    """What is on record for an application, as the form that records it: a correction
    starts from it and changes only what was wrong."""
    return ApplicationForm(
        jurisdiction=application.jurisdiction,
        application_type=ApplicationType(application.application_type),
        filing_date=application.filing_date,
        application_number=application.application_number,
        parent_id=application.parent_id,
        priority_date_override=application.priority_date_override,
        counsel_firm=application.counsel_firm,
        counsel_attorney=application.counsel_attorney,
        counsel_docket=application.counsel_docket,
        government_support_clause=application.government_support_clause,
    )


def _not_in_future(day: date | None, what: str, advice: str) -> None:
    """The records say what happened; a date after today is a slip of the keyboard, and a
    deadline computed from it would be wrong."""
    if day is not None and day > clock.today():
        raise ValidationError(f"The {what} {day.isoformat()} is in the future; {advice}.")


def _called(application: PatentApplication) -> str:
    number = application.application_number or "(no number yet)"
    kind = ApplicationType(application.application_type).label
    return f"{application.jurisdiction} {kind} {number}"


def _lineage(session: Session, application: PatentApplication) -> set[int]:
    """The ids of an application and of every application it descends from."""
    ids: set[int] = set()
    current: PatentApplication | None = application
    while current is not None and current.id not in ids:
        ids.add(current.id)
        current = session.get(PatentApplication, current.parent_id) if current.parent_id else None
    return ids


def _checked_form(
    session: Session,
    disclosure_id: int,
    form: ApplicationForm,
    corrected: PatentApplication | None = None,
) -> ApplicationForm:
    """The form cleaned, once it describes an application that can have been filed: in its
    office, not after today, after its parent, with the clause a federally funded case
    needs. `corrected` is the application the form corrects: its children, its publication,
    grant and abandonment, and its office actions must still fit the form."""
    if not isinstance(form, ApplicationForm):
        raise ValidationError("Fill in the application's office, type and filing date.")
    kind = clean_choice(form.application_type, ApplicationType, what="type of application")
    jurisdiction = clean_text(
        form.jurisdiction, what="jurisdiction", max_length=10, multiline=False
    ).upper()
    if not jurisdiction.isascii() or not jurisdiction.isalpha() or not 2 <= len(jurisdiction) <= 3:
        raise ValidationError("Give the jurisdiction as a country or office code (US, EP, WO).")
    expected = EXPECTED_JURISDICTION.get(kind)
    if expected and jurisdiction != expected:
        raise ValidationError(f"A {kind.label} application is filed in {expected}.")
    filing_date = clean_date(form.filing_date, what="filing date")
    override = clean_date(form.priority_date_override, what="priority date", required=False)
    parent_id = clean_optional_id(form.parent_id, what="parent application")
    support_clause = clean_bool(
        form.government_support_clause, what="the government-support clause"
    )
    form = replace(
        form,
        filing_date=filing_date,
        priority_date_override=override,
        parent_id=parent_id,
        government_support_clause=support_clause,
    )
    _not_in_future(form.filing_date, "filing date", "record an application once it is filed")
    if override is not None and override > form.filing_date:
        raise ValidationError(
            f"The priority date {override.isoformat()} is after the filing date "
            f"{form.filing_date.isoformat()}; priority is claimed from an earlier filing."
        )
    texts = {
        name: clean_text(getattr(form, name), what=what, max_length=limit, multiline=False)
        for name, what, limit in APPLICATION_TEXT_LIMITS
    }
    if form.parent_id is not None:
        parent = _application(session, form.parent_id)
        if parent.disclosure_id != disclosure_id:
            raise ValidationError("The parent application belongs to another case.")
        if corrected is not None and corrected.id in _lineage(session, parent):
            raise ValidationError(
                "An application cannot claim priority from itself or from one of its own "
                "descendants."
            )
        if form.filing_date < parent.filing_date:
            raise ValidationError("An application cannot be filed before its parent.")
        allowed = PARENT_TYPES.get(kind)
        if allowed and ApplicationType(parent.application_type) not in allowed:
            raise ValidationError(f"A {kind.label} application enters from a PCT application.")
    elif kind in PARENT_TYPES or kind in (
        ApplicationType.CONTINUATION,
        ApplicationType.DIVISIONAL,
        ApplicationType.CONTINUATION_IN_PART,
    ):
        raise ValidationError(f"Choose the application this {kind.label} comes from.")
    federal = session.exec(
        select(FundingSource.id).where(
            FundingSource.disclosure_id == disclosure_id, FundingSource.is_federal
        )
    ).first()
    if federal and jurisdiction == "US" and not form.government_support_clause:
        raise ValidationError(
            "This case is federally funded: confirm the government-support clause is in the "
            "application (35 U.S.C. 202(c)(6))."
        )
    if corrected is not None:
        _check_what_follows(session, corrected, kind, form.filing_date)
    return replace(form, application_type=kind, jurisdiction=jurisdiction, **texts)


def _check_what_follows(
    session: Session, application: PatentApplication, kind: ApplicationType, filed: date
) -> None:
    """What was recorded after an application still comes after its corrected filing."""
    children = session.exec(
        select(PatentApplication)
        .where(PatentApplication.parent_id == application.id)
        .order_by(PatentApplication.filing_date, PatentApplication.id)
    ).all()
    for child in children:
        if child.filing_date < filed:
            raise ValidationError(
                f"The {_called(child)} claiming this application was filed on "
                f"{child.filing_date.isoformat()}, before {filed.isoformat()}: an application "
                "cannot be filed after its children."
            )
        allowed = PARENT_TYPES.get(ApplicationType(child.application_type))
        if allowed and kind not in allowed:
            raise ValidationError(
                f"The {_called(child)} enters from this application, so it stays a PCT application."
            )
    for day, what in (
        (application.publication_date, "publication"),
        (application.grant_date, "grant"),
        (application.abandoned_on, "abandonment"),
    ):
        if day is not None and day < filed:
            raise ValidationError(
                f"The {what} date {day.isoformat()} would precede the filing date "
                f"{filed.isoformat()}."
            )
    mailed = session.exec(
        select(OfficeAction.mailed_on).where(OfficeAction.application_id == application.id)
    ).all()
    if mailed and min(mailed) < filed:
        raise ValidationError(
            f"An office action on this application was mailed on {min(mailed).isoformat()}, "
            f"before {filed.isoformat()}."
        )


def _fill(application: PatentApplication, form: ApplicationForm) -> None:
    """Copy a checked form (`_checked_form`) onto the application."""
    application.parent_id = form.parent_id
    application.jurisdiction = form.jurisdiction
    application.application_type = ApplicationType(form.application_type).value
    application.application_number = form.application_number
    application.filing_date = form.filing_date
    application.priority_date_override = form.priority_date_override
    application.counsel_firm = form.counsel_firm
    application.counsel_attorney = form.counsel_attorney
    application.counsel_docket = form.counsel_docket
    application.government_support_clause = form.government_support_clause


def add_application(
    session: Session, *, actor: Actor, disclosure_id: int, form: ApplicationForm
) -> PatentApplication:
    """Record a filed application. The first one on a case approved for filing marks the case
    filed. A federally funded case's application must carry the government-support clause."""
    case = load_case(session, actor, disclosure_id, "disclosure.work")
    form = _checked_form(session, disclosure_id, form)
    kind = ApplicationType(form.application_type)
    application = PatentApplication(
        disclosure_id=disclosure_id,
        jurisdiction=form.jurisdiction,
        application_type=kind.value,
        filing_date=form.filing_date,
    )
    _fill(application, form)
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="patent.application_added",
        object_type="disclosure",
        object_id=disclosure_id,
        after=audit.snapshot(application),
    )
    if case.status is DisclosureStatus.FILING:
        change_status(
            session,
            actor,
            case,
            Action.RECORD_FILING,
            note=f"{form.jurisdiction} {kind.label} filed {form.filing_date}",
        )
    return application


def correct_application(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    form: ApplicationForm,
    reason: str,
) -> PatentApplication:
    """Correct what was recorded about a filed application (a mistyped number or date, the
    wrong type, office or parent): every field as `form` gives it (start from
    `application_form_of`), under the rules that recording it follows, and the application's
    children, events and office actions must still fit. The reason is kept in the audit log
    with the record before and after; the docket follows, computed from the records."""
    application = _application(session, application_id)
    load_case(session, actor, application.disclosure_id, "disclosure.work")
    reason = clean_text(
        reason,
        what="reason for the correction",
        max_length=CORRECTION_REASON_MAX_LENGTH,
        required=True,
    )
    form = _checked_form(session, application.disclosure_id, form, corrected=application)
    before = audit.snapshot(application)
    _fill(application, form)
    after = audit.snapshot(application)
    if after == before:
        raise ValidationError("This is what is on record already: change what was wrong.")
    session.add(application)
    audit.record(
        session,
        actor=actor,
        action="patent.application_corrected",
        object_type="disclosure",
        object_id=application.disclosure_id,
        before=before,
        after=after | {"reason": reason},
    )
    return application


def update_application(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    status: ApplicationStatus | str,
    publication_number: str = "",
    publication_date: date | None = None,
    grant_number: str = "",
    grant_date: date | None = None,
    abandoned_on: date | None = None,
    application_number: str | None = None,
) -> PatentApplication:
    """Record the application's status and its publication, grant or abandonment. Every
    field is saved as given: pass the recorded publication with a grant to keep it (the
    form offers what is on record)."""
    status = clean_choice(status, ApplicationStatus, what="status")
    publication_date = clean_date(publication_date, what="publication date", required=False)
    grant_date = clean_date(grant_date, what="grant date", required=False)
    abandoned_on = clean_date(abandoned_on, what="abandonment date", required=False)
    publication_number = clean_text(
        publication_number, what="publication number", max_length=50, multiline=False
    )
    grant_number = clean_text(grant_number, what="patent number", max_length=50, multiline=False)
    if application_number is not None:
        application_number = clean_text(
            application_number,
            what="application number",
            column=PatentApplication.application_number,
            multiline=False,
        )
    application = _application(session, application_id)
    load_case(session, actor, application.disclosure_id, "disclosure.work")
    if status is ApplicationStatus.GRANTED and (grant_date is None or not grant_number):
        raise ValidationError("A granted patent needs its number and grant date.")
    if status is ApplicationStatus.ABANDONED and abandoned_on is None:
        raise ValidationError("Give the date the application was abandoned.")
    for day, what, advice in (
        (grant_date, "grant", "record the grant once the patent is granted"),
        (publication_date, "publication", "record the publication once it is published"),
        (abandoned_on, "abandonment", "record the abandonment once it has happened"),
    ):
        if day is not None and day < application.filing_date:
            raise ValidationError(f"The {what} date cannot precede the filing date.")
        _not_in_future(day, f"{what} date", advice)
    before = audit.snapshot(application)
    application.status = status.value
    application.publication_number = publication_number
    application.publication_date = publication_date
    application.grant_number = grant_number
    application.grant_date = grant_date
    application.abandoned_on = abandoned_on if status is ApplicationStatus.ABANDONED else None
    if application_number is not None:
        application.application_number = application_number
    session.add(application)
    audit.record(
        session,
        actor=actor,
        action="patent.application_updated",
        object_type="disclosure",
        object_id=application.disclosure_id,
        before=before,
        after=audit.snapshot(application),
    )
    return application


OFFICE_ACTION_DESCRIPTION_MAX_LENGTH = 300


def _action_type(value: ActionType | str) -> ActionType:
    try:
        return ActionType(value)
    except (ValueError, TypeError):
        kinds = "; ".join(kind.label for kind in ActionType)
        raise ValidationError(
            f"{value!r} is not a kind of office action tlo knows. The kinds are: {kinds}."
        ) from None


def add_office_action(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    mailed_on: date,
    description: str = "",
    action_type: ActionType | str = ActionType.NON_FINAL,
) -> OfficeAction:
    """Record what an office mailed; its kind sets the period to respond (a notice of
    allowance: the issue fee)."""
    kind = _action_type(action_type)
    if mailed_on is None:
        raise ValidationError("Give the date the office action was mailed.")
    mailed_on = clean_date(mailed_on, what="mailing date")
    description = clean_text(
        description, what="description", max_length=OFFICE_ACTION_DESCRIPTION_MAX_LENGTH
    )
    application = _application(session, application_id)
    load_case(session, actor, application.disclosure_id, "disclosure.work")
    _not_in_future(mailed_on, "mailing date", "record an office action once it is mailed")
    if mailed_on < application.filing_date:
        raise ValidationError("An office action cannot be mailed before the filing date.")
    action = OfficeAction(
        application_id=application_id,
        mailed_on=mailed_on,
        action_type=kind.value,
        description=description,
    )
    session.add(action)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="patent.office_action_added",
        object_type="disclosure",
        object_id=application.disclosure_id,
        after=audit.snapshot(action),
    )
    return action


def record_response(
    session: Session, *, actor: Actor, office_action_id: int, responded_on: date
) -> None:
    """Record the response filed to an office action; for a notice of allowance, the day the
    issue fee was paid."""
    action = session.get(OfficeAction, clean_id(office_action_id, what="office action"))
    if action is None:
        raise NotFound(f"There is no office action {office_action_id}.")
    application = _application(session, action.application_id)
    load_case(session, actor, application.disclosure_id, "disclosure.work")
    allowance = ActionType(action.action_type) is ActionType.NOTICE_OF_ALLOWANCE
    if responded_on is None:
        raise ValidationError(
            "Give the date the issue fee was paid."
            if allowance
            else "Give the date the response was filed."
        )
    responded_on = clean_date(responded_on, what="date of the response")
    if allowance:
        _not_in_future(responded_on, "issue fee payment date", "record it once the fee is paid")
    else:
        _not_in_future(responded_on, "response date", "record a response once it is filed")
    if responded_on < action.mailed_on:
        raise ValidationError("A response cannot precede the office action.")
    action.responded_on = responded_on
    session.add(action)
    audit.record(
        session,
        actor=actor,
        action="patent.office_action_answered",
        object_type="disclosure",
        object_id=application.disclosure_id,
        after={"office_action_id": action.id, "responded_on": responded_on},
    )


# --- costs -----------------------------------------------------------------------------------


def add_cost(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    invoice_date: date,
    amount: str | Decimal,
    description: str,
    invoice_number: str = "",
    paid: bool = False,
) -> PatentCost:
    invoice_date = clean_date(invoice_date, what="invoice date")
    amount = clean_decimal_money(amount, what="invoice amount")
    description = clean_text(description, what="description", column=PatentCost.description)
    invoice_number = clean_text(
        invoice_number, what="invoice number", column=PatentCost.invoice_number, multiline=False
    )
    paid = clean_bool(paid, what="whether the invoice is paid")
    application = _application(session, application_id)
    load_case(session, actor, application.disclosure_id, "patent.cost")
    if amount <= 0:
        raise ValidationError(
            "An invoice is for more than $0.00; a credit comes later, with reimbursements."
        )
    cost = PatentCost(
        application_id=application_id,
        invoice_date=invoice_date,
        amount_cents=to_cents(amount),
        description=description,
        invoice_number=invoice_number,
        paid=paid,
    )
    session.add(cost)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="patent.cost_added",
        object_type="disclosure",
        object_id=application.disclosure_id,
        after=audit.snapshot(cost),
    )
    return cost


@dataclass(frozen=True)
class CostTotals:
    total: Decimal
    paid: Decimal
    by_application: dict[int, Decimal]

    @property
    def unpaid(self) -> Decimal:
        return self.total - self.paid


def cost_totals(session: Session, *, actor: Actor, disclosure_id: int) -> CostTotals:
    """Invoiced and paid totals per case and per application, summed in SQL."""
    load_case(session, actor, disclosure_id, "patent.read")
    rows = session.exec(
        select(
            PatentCost.application_id,
            func.sum(PatentCost.amount_cents),
            func.sum(sa.case((PatentCost.paid, PatentCost.amount_cents), else_=0)),
        )
        .join(PatentApplication, PatentApplication.id == PatentCost.application_id)
        .where(PatentApplication.disclosure_id == disclosure_id)
        .group_by(PatentCost.application_id)
    ).all()
    by_application = {app_id: Decimal(total) / 100 for app_id, total, _ in rows}
    return CostTotals(
        total=sum(by_application.values(), Decimal("0.00")),
        paid=sum((Decimal(paid) / 100 for _, _, paid in rows), Decimal("0.00")),
        by_application=by_application,
    )


def unreimbursed_costs(session: Session, disclosure_id: int) -> Decimal:
    """Patent costs of a case not yet paid back by a licensee. Reimbursements arrive with the
    revenue features; until then every invoiced cost is outstanding."""
    total = session.exec(
        select(func.coalesce(func.sum(PatentCost.amount_cents), 0))
        .join(PatentApplication, PatentApplication.id == PatentCost.application_id)
        .where(PatentApplication.disclosure_id == disclosure_id)
    ).one()
    return Decimal(total) / 100


# --- Bayh-Dole --------------------------------------------------------------------------------


def save_bayh_dole(
    session: Session,
    *,
    actor: Actor,
    disclosure_id: int,
    agency: str,
    award_number: str,
    iedison_number: str,
    reported_on: date | None,
    election: str,
    elected_on: date | None,
) -> BayhDoleRecord:
    if not isinstance(election, str) or election not in ("pending", "elected", "declined"):
        raise ValidationError("Election is pending, elected or declined.")
    agency = clean_text(agency, what="agency", column=BayhDoleRecord.agency, multiline=False)
    award_number = clean_text(
        award_number, what="award number", column=BayhDoleRecord.award_number, multiline=False
    )
    iedison_number = clean_text(
        iedison_number,
        what="iEdison number",
        column=BayhDoleRecord.iedison_number,
        multiline=False,
    )
    reported_on = clean_date(reported_on, what="date reported", required=False)
    elected_on = clean_date(elected_on, what="date title was elected", required=False)
    load_case(session, actor, disclosure_id, "disclosure.work")
    if election == "elected" and elected_on is None:
        raise ValidationError("Give the date title was elected.")
    if election != "pending" and reported_on is None:
        raise ValidationError("Title is elected or declined after the invention is reported.")
    if reported_on and elected_on and elected_on < reported_on:
        raise ValidationError("Title cannot be elected before the invention was reported.")
    record = session.exec(
        select(BayhDoleRecord).where(BayhDoleRecord.disclosure_id == disclosure_id)
    ).first() or BayhDoleRecord(disclosure_id=disclosure_id)
    before = audit.snapshot(record) if record.id else None
    record.agency, record.award_number = agency, award_number
    record.iedison_number, record.reported_on = iedison_number, reported_on
    record.election = election
    record.elected_on = elected_on if election == "elected" else None
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="patent.bayh_dole_saved",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
        after=audit.snapshot(record),
    )
    return record


# --- the docket ------------------------------------------------------------------------------


def _facts(session: Session, disclosures: list[Disclosure]) -> list[CaseFacts]:
    """Everything the rules need for these cases, in one query per table."""
    ids = [d.id for d in disclosures]
    applications = session.exec(
        select(PatentApplication).where(col(PatentApplication.disclosure_id).in_(ids))
    ).all()
    tree = {a.id: (a.parent_id, a.filing_date, a.priority_date_override) for a in applications}
    app_facts: dict[int, list[ApplicationFacts]] = defaultdict(list)
    for a in applications:
        app_facts[a.disclosure_id].append(
            ApplicationFacts(
                a.id,
                a.parent_id,
                a.jurisdiction,
                ApplicationType(a.application_type),
                a.application_number,
                a.filing_date,
                family_priority(tree, a.id),
                ApplicationStatus(a.status),
                a.grant_date,
                a.abandoned_on,
            )
        )
    app_case = {a.id: a.disclosure_id for a in applications}
    actions: dict[int, list[OfficeActionFacts]] = defaultdict(list)
    for o in session.exec(
        select(OfficeAction).where(col(OfficeAction.application_id).in_(list(app_case)))
    ).all():
        actions[app_case[o.application_id]].append(
            OfficeActionFacts(
                o.id,
                o.application_id,
                o.mailed_on,
                o.responded_on,
                action=ActionType(o.action_type),
                description=o.description,
            )
        )
    public: dict[int, list[date]] = defaultdict(list)
    for disclosure_id, day in session.exec(
        select(PublicDisclosure.disclosure_id, PublicDisclosure.disclosed_on).where(
            col(PublicDisclosure.disclosure_id).in_(ids)
        )
    ).all():
        public[disclosure_id].append(day)
    federal = set(
        session.exec(
            select(FundingSource.disclosure_id).where(
                col(FundingSource.disclosure_id).in_(ids), FundingSource.is_federal
            )
        ).all()
    )
    records = {
        r.disclosure_id: BayhDoleFacts(r.reported_on, r.election, r.elected_on)
        for r in session.exec(
            select(BayhDoleRecord).where(col(BayhDoleRecord.disclosure_id).in_(ids))
        ).all()
    }
    licensed = dict(
        session.exec(
            select(StatusChange.disclosure_id, func.min(StatusChange.at))
            .where(
                col(StatusChange.disclosure_id).in_(ids),
                StatusChange.to_status == DisclosureStatus.LICENSED.value,
            )
            .group_by(StatusChange.disclosure_id)
        ).all()
    )
    officers = dict(
        session.exec(
            select(Person.id, Person.full_name).where(
                col(Person.id).in_({d.officer_person_id for d in disclosures} - {None})
            )
        ).all()
    )
    lapses = {
        case_id: [LapseFacts(d.key, d.subject, d.label, d.decided_on, d.act_by) for d in found]
        for case_id, found in lapses_by_case(session, ids).items()
    }
    return [
        CaseFacts(
            disclosure_id=d.id,
            docket=d.docket or "",
            title=d.title,
            officer_person_id=d.officer_person_id,
            officer_name=officers.get(d.officer_person_id),
            federal=d.id in federal,
            received_on=clock.office_date_or_none(d.submitted_at),
            applications=app_facts[d.id],
            office_actions=actions[d.id],
            public_disclosures=public[d.id],
            bayh_dole=records.get(d.id),
            licensed_on=_as_date(licensed.get(d.id)),
            lapses=lapses.get(d.id, []),
        )
        for d in disclosures
    ]


def _as_date(value) -> date | None:
    """The office's day of a moment an aggregate returned (SQLite gives its UTC text)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return clock.office_date(value)


@dataclass
class DocketFilters:
    officer_person_id: int | None = None
    within_days: int | None = None  # due within this many days from today (overdue included)
    overdue_only: bool = False
    kind: str | None = None  # "patent" or "bayh_dole"
    include_closed: bool = False  # done, waived and met items too
    disclosure_id: int | None = None


def _clean_filters(filters: object) -> DocketFilters:
    if not isinstance(filters, DocketFilters):
        raise ValidationError("Choose what the docket shows.")
    if filters.kind is not None and filters.kind not in ("patent", "bayh_dole", "license"):
        raise ValidationError("Show patent, Bayh-Dole or license deadlines.")
    return replace(
        filters,
        officer_person_id=clean_optional_id(filters.officer_person_id, what="officer"),
        disclosure_id=clean_optional_id(filters.disclosure_id, what="disclosure"),
        within_days=clean_int(
            filters.within_days, what="number of days", minimum=0, maximum=36_500, required=False
        ),
        overdue_only=clean_bool(filters.overdue_only, what="overdue only"),
        include_closed=clean_bool(filters.include_closed, what="include closed items"),
    )


@dataclass(frozen=True)
class DocketEntry:
    item: DocketItem
    state: str  # open, met, done, waived
    overdue: bool
    days_left: int


@dataclass
class DocketView:
    entries: list[DocketEntry] = field(default_factory=list)

    @property
    def overdue(self) -> list[DocketEntry]:
        return [e for e in self.entries if e.overdue]


def docket(
    session: Session, *, actor: Actor, filters: DocketFilters, today: date | None = None
) -> DocketView:
    """Deadlines of every live case, soonest first, computed from the records."""
    require(actor, "docket.read")
    filters = _clean_filters(filters)
    today = clean_date(today, what="day", required=False) or clock.today()
    query = select(Disclosure).where(
        col(Disclosure.status).not_in([s.value for s in CLOSED_STATUSES])
    )
    if filters.officer_person_id is not None:
        query = query.where(Disclosure.officer_person_id == filters.officer_person_id)
    if filters.disclosure_id is not None:
        query = query.where(Disclosure.id == filters.disclosure_id)
    if not sees_all(actor, "docket.read"):
        query = query.where(Disclosure.officer_person_id == actor.person_id)
    cases = _facts(session, list(session.exec(query).all()))
    items = [item for case in cases for item in items_for_case(case, today=today)]
    if filters.disclosure_id is None:  # license obligations sit on the docket too
        from tlo.licensing.agreements import obligation_docket_items

        officer = filters.officer_person_id
        if not sees_all(actor, "docket.read"):
            officer = actor.person_id
        items += obligation_docket_items(session, officer_person_id=officer)
    marks = Marks(
        dict(
            session.exec(
                select(DocketItemState.key, DocketItemState.state).where(
                    col(DocketItemState.key).in_([item.key for item in items])
                )
            ).all()
        )
        if items
        else {}
    )
    entries = []
    for item in items:
        state = marks.state_of(item)
        overdue = state == "open" and item.act_by < today
        if not filters.include_closed and state != "open":
            continue
        if filters.overdue_only and not overdue:
            continue
        if filters.within_days is not None and (item.due - today).days > filters.within_days:
            continue
        if filters.kind is not None and item.kind != filters.kind:
            continue
        entries.append(DocketEntry(item, state, overdue, (item.act_by - today).days))
    return DocketView(sorted(entries, key=lambda e: (e.item.act_by, e.item.key)))


def mark_docket_item(
    session: Session,
    *,
    actor: Actor,
    key: str,
    state: str,
    note: str = "",
    today: date | None = None,
) -> DocketItemState:
    """Mark a deadline done, or waive it with a reason. Only the case's officer or the
    director may; the mark is kept with who and when."""
    if not isinstance(state, str) or state not in ("done", "waived"):
        raise ValidationError("A deadline is marked done or waived.")
    note = clean_text(note, what="note", column=DocketItemState.note)
    if state == "waived" and not note:
        raise ValidationError("Say why the deadline is waived.")
    key = clean_text(key, what="deadline", column=DocketItemState.key, multiline=False)
    today = clean_date(today, what="day", required=False)
    if key.startswith("agr"):  # a license obligation: its agreement's officer marks it
        from tlo.licensing.agreements import mark_obligation

        number = key[3:].split(":", 1)[0]
        if not (number.isascii() and number.isdigit()):
            raise NotFound(f"There is no deadline {key!r} on the docket.")
        agreement_id = int(number)
        mark_obligation(
            session, actor=actor, agreement_id=agreement_id, key=key, state=state, note=note
        )
        return session.exec(select(DocketItemState).where(DocketItemState.key == key)).one()
    entry = _find_item(session, actor, key, today)
    return record_mark(session, actor=actor, item=entry.item, state=state, note=note.strip())


def record_mark(
    session: Session, *, actor: Actor, item: DocketItem, state: str, note: str
) -> DocketItemState:
    """Keep a deadline's mark with who and when; the case's officer or the director only."""
    load_case(session, actor, item.disclosure_id, "disclosure.work")
    if session.exec(select(DocketItemState).where(DocketItemState.key == item.key)).first():
        raise ValidationError("This deadline is already marked.")
    mark = DocketItemState(
        key=item.key,
        state=state,
        note=note,
        marked_by_account_id=actor.account_id,
        marked_by_name=actor.name,
    )
    session.add(mark)
    audit.record(
        session,
        actor=actor,
        action=f"docket.{state}",
        object_type="disclosure",
        object_id=item.disclosure_id,
        after={"key": item.key, "rule": item.rule, "due": item.due, "note": note},
    )
    return mark


def _find_item(session, actor, key, today) -> DocketEntry:
    view = docket(session, actor=actor, filters=DocketFilters(include_closed=True), today=today)
    for entry in view.entries:
        if entry.item.key == key:
            return entry
    raise NotFound(f"There is no deadline {key!r} on the docket.")


# --- a case's family -------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyNode:
    application: PatentApplication
    priority_date: date
    depth: int


def family_tree(session: Session, *, actor: Actor, disclosure_id: int) -> list[FamilyNode]:
    """The case's applications, each after its parent, indented by generation."""
    load_case(session, actor, disclosure_id, "patent.read")
    applications = list(
        session.exec(
            select(PatentApplication)
            .where(PatentApplication.disclosure_id == disclosure_id)
            .order_by(PatentApplication.filing_date, PatentApplication.id)
        ).all()
    )
    tree = {a.id: (a.parent_id, a.filing_date, a.priority_date_override) for a in applications}
    children: dict[int | None, list[PatentApplication]] = defaultdict(list)
    for application in applications:
        parent = application.parent_id if application.parent_id in tree else None
        children[parent].append(application)
    nodes: list[FamilyNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for application in children[parent]:
            nodes.append(FamilyNode(application, family_priority(tree, application.id), depth))
            walk(application.id, depth + 1)

    walk(None, 0)
    return nodes


@dataclass(frozen=True)
class PatentCaseView:
    family: list[FamilyNode]
    office_actions: dict[int, list[OfficeAction]]
    costs: dict[int, list[PatentCost]]
    totals: CostTotals
    bayh_dole: BayhDoleRecord | None
    federal: bool

    @property
    def family_totals(self) -> dict[int, Decimal]:
        """Invoiced costs per family, keyed by the family's root application."""
        totals: dict[int, Decimal] = {}
        root = None
        for node in self.family:  # depth-first: a root, then all its descendants
            if node.depth == 0:
                root = node.application.id
                totals[root] = Decimal("0.00")
            totals[root] += self.totals.by_application.get(node.application.id, Decimal(0))
        return totals


def patent_case(session: Session, *, actor: Actor, disclosure_id: int) -> PatentCaseView:
    family = family_tree(session, actor=actor, disclosure_id=disclosure_id)
    ids = [node.application.id for node in family]
    actions: dict[int, list[OfficeAction]] = defaultdict(list)
    for action in session.exec(
        select(OfficeAction)
        .where(col(OfficeAction.application_id).in_(ids))
        .order_by(OfficeAction.mailed_on)
    ).all():
        actions[action.application_id].append(action)
    costs: dict[int, list[PatentCost]] = defaultdict(list)
    for cost in session.exec(
        select(PatentCost)
        .where(col(PatentCost.application_id).in_(ids))
        .order_by(PatentCost.invoice_date)
    ).all():
        costs[cost.application_id].append(cost)
    return PatentCaseView(
        family=family,
        office_actions=dict(actions),
        costs=dict(costs),
        totals=cost_totals(session, actor=actor, disclosure_id=disclosure_id),
        bayh_dole=session.exec(
            select(BayhDoleRecord).where(BayhDoleRecord.disclosure_id == disclosure_id)
        ).first(),
        federal=session.exec(
            select(FundingSource.id).where(
                FundingSource.disclosure_id == disclosure_id, FundingSource.is_federal
            )
        ).first()
        is not None,
    )


def docket_calendar_file(
    session: Session, *, actor: Actor, filters: DocketFilters, today: date | None = None
) -> bytes:
    from tlo.patents.exports import docket_calendar

    return docket_calendar(docket(session, actor=actor, filters=filters, today=today).entries)


def docket_excel_file(
    session: Session, *, actor: Actor, filters: DocketFilters, today: date | None = None
) -> bytes:
    from tlo.patents.exports import docket_workbook

    return docket_workbook(docket(session, actor=actor, filters=filters, today=today).entries)


@dataclass(frozen=True)
class RuleRow:
    """One deadline rule as the rules page lists it."""

    name: str
    label: str
    trigger: str
    office: str
    applies_when: str
    computed: str
    met_by: str
    aborted_by: str
    source: str
    file: str


def deadline_rules(session: Session, *, actor: Actor) -> list[RuleRow]:
    """Every deadline rule tlo applies, with how it counts and its legal source."""
    require(actor, "docket.rules")
    return [
        RuleRow(
            name=rule.name,
            label=rule.label,
            trigger=rule.event.value,
            office=rule.office,
            applies_when=rule.condition.words(),
            computed=rule.computation,
            met_by=rule.met_by,
            aborted_by=rule.aborted_by,
            source=rule.source,
            file=f"tlo/patents/rules/{rule.family}.toml",
        )
        for rule in deadline_engine.RULES
    ]
