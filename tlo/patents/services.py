"""Use cases of patents: applications and families, office actions, counsel invoices,
Bayh-Dole records, and the docket computed from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo import audit, clock, db
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
from tlo.notify import hooks
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
    ShownItem,
    family_priority,
    items_for_case,
    shown_items_for_case,
)
from tlo.patents.models import (
    PENDING,
    ApplicationStatus,
    ApplicationType,
    BayhDoleRecord,
    DocketItemRow,
    DocketItemState,
    DocketSource,
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
    hooks.patent_filed(
        session,
        actor=actor,
        disclosure=case.disclosure,
        application=f"{form.jurisdiction} {kind.label}",
        filed_on=form.filing_date,
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
    case = load_case(session, actor, application.disclosure_id, "disclosure.work")
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
    if status is ApplicationStatus.GRANTED and before["status"] != status.value:
        hooks.patent_granted(
            session,
            actor=actor,
            disclosure=case.disclosure,
            application=_called(application),
            grant_number=grant_number,
            granted_on=grant_date,
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
    paid_on: date | None = None,
    today: date | None = None,
) -> PatentCost:
    """Record a counsel invoice, paid or not. A paid one takes the day it was paid (the AUTM
    survey counts legal fees on a paid basis); given the day, it is paid. One marked paid
    without its day (the demo's) is taken as paid on its invoice date."""
    invoice_date = clean_date(invoice_date, what="invoice date")
    amount = clean_decimal_money(amount, what="invoice amount")
    description = clean_text(description, what="description", column=PatentCost.description)
    invoice_number = clean_text(
        invoice_number, what="invoice number", column=PatentCost.invoice_number, multiline=False
    )
    paid = clean_bool(paid, what="whether the invoice is paid")
    paid_on = clean_date(paid_on, what="date the invoice was paid", required=False)
    application = _application(session, application_id)
    load_case(session, actor, application.disclosure_id, "patent.cost")
    if amount <= 0:
        raise ValidationError(
            "An invoice is for more than $0.00; a credit comes later, with reimbursements."
        )
    if paid_on is not None:
        _check_paid_on(paid_on, invoice_date, today)
    elif paid:
        paid_on = invoice_date
    cost = PatentCost(
        application_id=application_id,
        invoice_date=invoice_date,
        amount_cents=to_cents(amount),
        description=description,
        invoice_number=invoice_number,
        paid=paid or paid_on is not None,
        paid_on=paid_on,
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


def _check_paid_on(paid_on: date, invoice_date: date, today: date | None) -> None:
    today = clean_date(today, what="day", required=False) or clock.today()
    if paid_on > today:
        raise ValidationError(
            f"The invoice is paid on {paid_on.isoformat()}, after today: record the payment "
            "once it is made."
        )
    if paid_on < invoice_date:
        raise ValidationError(
            f"The invoice is dated {invoice_date.isoformat()}; it cannot have been paid "
            f"before, on {paid_on.isoformat()}."
        )


def record_cost_payment(
    session: Session, *, actor: Actor, cost_id: int, paid_on: date, today: date | None = None
) -> PatentCost:
    """Record the day an unpaid counsel invoice was paid (the AUTM survey counts it in the
    fiscal year of that day). A paid invoice's payment is not recorded twice."""
    paid_on = clean_date(paid_on, what="date the invoice was paid")
    cost = session.get(PatentCost, clean_id(cost_id, what="invoice"))
    if cost is None:
        raise NotFound(f"There is no invoice {cost_id}.")
    application = _application(session, cost.application_id)
    load_case(session, actor, application.disclosure_id, "patent.cost")
    if cost.paid:
        when = f" on {cost.paid_on.isoformat()}" if cost.paid_on else ""
        raise ValidationError(f"Invoice {cost.invoice_number or cost.id} is paid already{when}.")
    _check_paid_on(paid_on, cost.invoice_date, today)
    before = audit.snapshot(cost)
    cost.paid, cost.paid_on = True, paid_on
    session.add(cost)
    audit.record(
        session,
        actor=actor,
        action="patent.cost_paid",
        object_type="disclosure",
        object_id=application.disclosure_id,
        before=before,
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
    rules: frozenset[str] | None = None  # only items of these rules (e.g. the cost events)


def _clean_filters(filters: object) -> DocketFilters:
    if not isinstance(filters, DocketFilters):
        raise ValidationError("Choose what the docket shows.")
    if filters.kind is not None and filters.kind not in ("patent", "bayh_dole", "license"):
        raise ValidationError("Show patent, Bayh-Dole or license deadlines.")
    if filters.rules is not None and (
        not isinstance(filters.rules, frozenset | set | list | tuple)
        or not set(filters.rules) <= deadline_engine.RULE_NAMES | OBLIGATION_RULES
    ):
        raise ValidationError("Show the deadlines of rules tlo knows.")
    return replace(
        filters,
        officer_person_id=clean_optional_id(filters.officer_person_id, what="officer"),
        disclosure_id=clean_optional_id(filters.disclosure_id, what="disclosure"),
        within_days=clean_int(
            filters.within_days, what="number of days", minimum=0, maximum=36_500, required=False
        ),
        overdue_only=clean_bool(filters.overdue_only, what="overdue only"),
        include_closed=clean_bool(filters.include_closed, what="include closed items"),
        rules=None if filters.rules is None else frozenset(filters.rules),
    )


OBLIGATION_RULES = frozenset(
    f"obligation_{kind}" for kind in ("payment", "report", "milestone", "diligence", "expiry")
)


@dataclass(frozen=True)
class DocketEntry:
    item: DocketItem
    state: str  # open, met, done, waived
    overdue: bool
    days_left: int


@dataclass
class DocketView:
    """The entries asked for, soonest first: every one, or one page of them (`limit`), with
    how many the filters match in all (counted up to COUNT_UP_TO: `more` says there are more)
    and how many of those are overdue."""

    entries: list[DocketEntry] = field(default_factory=list)
    total: int | None = None
    overdue_total: int | None = None
    offset: int = 0
    more: bool = False  # more than `total` match (a page counts up to COUNT_UP_TO)

    @property
    def overdue(self) -> list[DocketEntry]:
        return [e for e in self.entries if e.overdue]

    @property
    def listed(self) -> int:
        return len(self.entries) if self.total is None else self.total

    @property
    def overdue_count(self) -> int:
        return len(self.overdue) if self.overdue_total is None else self.overdue_total


def docket(
    session: Session,
    *,
    actor: Actor,
    filters: DocketFilters,
    today: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> DocketView:
    """Deadlines of every live case and obligations of every executed or active agreement,
    soonest (by the last day to act) first, read from the stored docket with the filters in SQL;
    one page of `limit` entries from `offset` when a limit is given."""
    require(actor, "docket.read")
    filters = _clean_filters(filters)
    today = clean_date(today, what="day", required=False) or clock.today()
    if limit is not None:
        limit = clean_int(limit, what="rows per page", minimum=1, maximum=MAX_PAGE_SIZE)
        offset = clean_int(offset, what="first row", minimum=0, maximum=10**9)
    settle_docket(session, today=today)
    conditions = _docket_conditions(actor, filters, today)
    query = _entries_query(session, conditions)
    if limit is None:
        entries = [_entry(row, today) for row in session.execute(query)]
        return DocketView(entries, len(entries), sum(e.overdue for e in entries))
    entries = [_entry(row, today) for row in session.execute(query.offset(offset).limit(limit))]
    # Counted up to a bound: the whole office's 200,000 open items took half a second to count
    # on every page; the overdue ones are few and read by the index on the last day to act.
    up_to = max(COUNT_UP_TO, offset + limit)
    total = session.execute(
        sa.select(func.count()).select_from(
            sa.select(ITEM.c.id).where(*conditions).limit(up_to + 1).subquery()
        )
    ).scalar_one()
    overdue = session.execute(
        sa.select(func.count()).where(*conditions, ITEM.c.state == "open", ITEM.c.act_by < today)
    ).scalar_one()
    return DocketView(entries, min(total, up_to), overdue, offset, more=total > up_to)


def docket_entries(
    session: Session, *, actor: Actor, filters: DocketFilters, today: date | None = None
) -> Iterator[DocketEntry]:
    """Every entry `docket` lists for the filters, fetched in chunks (for the exports)."""
    require(actor, "docket.read")
    filters = _clean_filters(filters)
    today = clean_date(today, what="day", required=False) or clock.today()
    settle_docket(session, today=today)
    query = _entries_query(session, _docket_conditions(actor, filters, today))
    for row in session.execute(query.execution_options(yield_per=FETCH_ROWS)):
        yield _entry(row, today)


def docket_counts_by_day(
    session: Session,
    *,
    actor: Actor,
    filters: DocketFilters,
    first: date,
    last: date,
    technologies=None,
    today: date | None = None,
) -> list[tuple[date, str, str, int]]:
    """(due, kind, state, items) of the docket items the filters list that are due from `first`
    to `last`, counted in SQL; of the technologies the `technologies` select gives, if given."""
    require(actor, "docket.read")
    filters = _clean_filters(filters)
    today = clean_date(today, what="day", required=False) or clock.today()
    settle_docket(session, today=today)
    conditions = [*_docket_conditions(actor, filters, today), ITEM.c.due.between(first, last)]
    if technologies is not None:
        conditions.append(ITEM.c.disclosure_id.in_(technologies.scalar_subquery()))
    return [
        (due, kind, state, count)
        for due, kind, state, count in session.execute(
            sa.select(ITEM.c.due, ITEM.c.kind, ITEM.c.state, func.count())
            .where(*conditions)
            .group_by(ITEM.c.due, ITEM.c.kind, ITEM.c.state)
        )
    ]


def open_docket_items(
    session: Session, *, actor: Actor, keys: list[str], today: date | None = None
) -> dict[str, DocketItem]:
    """Of these docket keys (a bounded few), the items open on the actor's docket today."""
    require(actor, "docket.read")
    today = clean_date(today, what="day", required=False) or clock.today()
    found = _entries_by_key(session, actor, keys, today, DocketFilters())
    return {entry.item.key: entry.item for entry in found}


MAX_PAGE_SIZE = 5_000
COUNT_UP_TO = 10_000  # a page of the docket counts the items listed up to this many
FETCH_ROWS = 2_000
KEYS_AT_ONCE = 500  # keys (or ids) bound in one statement: the docket binds a bounded few


def _entries_by_key(session, actor, keys, today, filters) -> list[DocketEntry]:
    settle_docket(session, today=today)
    conditions = _docket_conditions(actor, _clean_filters(filters), today)
    found = []
    for chunk in _chunks(sorted(set(keys)), KEYS_AT_ONCE):
        query = _entries_query(session, [*conditions, col(DocketItemRow.key).in_(chunk)])
        found += [_entry(row, today) for row in session.execute(query)]
    return sorted(found, key=lambda e: (e.item.act_by, e.item.key))


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]


ITEM = DocketItemRow.__table__


def _docket_conditions(actor: Actor, filters: DocketFilters, today: date) -> list:
    shown = [
        sa.or_(ITEM.c.shown_from.is_(None), ITEM.c.shown_from <= today),
        sa.or_(ITEM.c.shown_until.is_(None), ITEM.c.shown_until >= today),
    ]
    if not filters.include_closed:
        shown.append(ITEM.c.state == "open")
    if filters.overdue_only:
        shown += [ITEM.c.state == "open", ITEM.c.act_by < today]
    if filters.within_days is not None:
        horizon = today + timedelta(days=filters.within_days)
        # The same items, bounded by the last day to act too: the docket's index is ordered
        # by it, so a horizon reads the few items before it, not every open item.
        shown += [ITEM.c.due <= horizon, ITEM.c.act_by <= horizon + ACT_BY_AFTER_DUE]
    if filters.kind is not None:
        shown.append(ITEM.c.kind == filters.kind)
    if filters.officer_person_id is not None:
        shown.append(ITEM.c.officer_person_id == filters.officer_person_id)
    if not sees_all(actor, "docket.read"):
        shown.append(ITEM.c.officer_person_id == actor.person_id)
    if filters.disclosure_id is not None:  # a case's own deadlines, not its license obligations
        shown.append(ITEM.c.case_id == filters.disclosure_id)
    if filters.rules is not None:  # bound by the rules tlo knows, not by the data
        shown.append(ITEM.c.rule.in_(sorted(filters.rules)))
    return shown


def _entries_query(session: Session, conditions: list):
    from tlo.licensing.agreement_models import Agreement
    from tlo.licensing.models import Company

    case, agreement = Disclosure.__table__, Agreement.__table__
    company, officer = Company.__table__, Person.__table__
    key = ITEM.c.key
    if session.get_bind().dialect.name == "postgresql":
        key = key.collate("C")  # the order Python sorts keys in, whatever the database's locale
    return (
        sa.select(
            ITEM.c.key,
            ITEM.c.disclosure_id,
            func.coalesce(case.c.docket, "").label("docket"),
            ITEM.c.agreement_id,
            func.coalesce(case.c.title, agreement.c.title, "").label("title"),
            ITEM.c.officer_person_id,
            officer.c.full_name.label("officer_name"),
            ITEM.c.rule,
            ITEM.c.label,
            func.coalesce(company.c.name, ITEM.c.subject).label("subject"),
            ITEM.c.due,
            ITEM.c.file_by,
            ITEM.c.window_opens,
            ITEM.c.grace_ends,
            ITEM.c.met_by_records,
            ITEM.c.state,
            ITEM.c.act_by,
        )
        .select_from(ITEM)
        .outerjoin(case, case.c.id == ITEM.c.case_id)
        .outerjoin(agreement, agreement.c.id == ITEM.c.agreement_id)
        .outerjoin(company, company.c.id == agreement.c.company_id)
        .outerjoin(officer, officer.c.id == ITEM.c.officer_person_id)
        .where(*conditions)
        .order_by(ITEM.c.act_by, key)
    )


def _entry(row, today: date) -> DocketEntry:
    """A row of `_entries_query` as the docket lists it (positional: a docket of tens of
    thousands of rows spends its time here)."""
    (key, disclosure_id, docket, agreement_id, title, officer_id, officer_name, rule, label,
     subject, due, file_by, window_opens, grace_ends, met, state, act_by) = row  # fmt: skip
    if agreement_id is not None:
        docket = _agreement_number(agreement_id)
    item = DocketItem(
        key, disclosure_id, docket, title, officer_id, officer_name, rule, label, subject, due,
        file_by, window_opens, grace_ends, met,
    )  # fmt: skip
    return DocketEntry(item, state, state == "open" and act_by < today, (act_by - today).days)


@lru_cache(maxsize=4096)
def _agreement_number(agreement_id: int) -> str:
    from tlo.licensing.agreement_models import Agreement

    return Agreement.number.fget(SimpleNamespace(id=agreement_id))


# --- the stored docket -----------------------------------------------------------------------
# The docket is computed by the rules (docket.py) case by case and kept in docket_item, so that
# a view is one SQL query instead of recomputing every live case. The hooks in models.py note
# every case and agreement whose facts a flush changes; `refresh_pending` recomputes them in the
# same transaction, before it commits and before the docket is read in it. `computed_docket`
# is the docket computed from the records on the spot: the stored one must always equal it.

UTILIZATION_YEARS_AHEAD = 5  # utilization reports are stored this many fiscal years ahead
REFRESH_BATCH = 500  # cases or agreements recomputed per round of queries
LIVE_AGREEMENTS = ("executed", "active")


def refresh_docket(
    session: Session,
    *,
    case_ids: Iterable[int] = (),
    agreement_ids: Iterable[int] = (),
    today: date | None = None,
) -> None:
    """Recompute the stored docket of these cases and agreements from their records (a case no
    longer live, or an agreement no longer executed or active, leaves the docket)."""
    today = today or clock.today()
    through = deadline_engine.fiscal_year(today) + UTILIZATION_YEARS_AHEAD
    for batch in _chunks(sorted(set(case_ids) - {None}), REFRESH_BATCH):
        live = list(
            session.exec(
                select(*CASE_COLUMNS).where(
                    col(Disclosure.id).in_(batch),
                    col(Disclosure.status).not_in([s.value for s in CLOSED_STATUSES]),
                )
            ).all()
        )
        rows, sources = [], []
        for case in _facts(session, live) if live else []:
            shown = shown_items_for_case(case, through_fiscal_year=through)
            rows += [_stored(entry, case_id=case.disclosure_id) for entry in shown]
            yearly = any(entry.item.rule == "bayh_dole_utilization_report" for entry in shown)
            sources.append((case.disclosure_id, date(through, 9, 30) if yearly else None))
        _store(session, ITEM.c.case_id, DocketSource.case_id, batch, rows, sources, today)
    for batch in _chunks(sorted(set(agreement_ids) - {None}), REFRESH_BATCH):
        found = _agreement_items(session, batch)
        rows = [
            _stored(ShownItem(item), agreement_id=agreement_id) for agreement_id, item in found[0]
        ]
        sources = [(agreement_id, None) for agreement_id in found[1]]
        _store(session, ITEM.c.agreement_id, DocketSource.agreement_id, batch, rows, sources, today)


# The last day to act is the due day or, where a USPTO deadline falls on a day the office is
# closed, the next day it is open: never more than this after the due day (the docket's
# horizon reads its index by the last day to act, see _docket_conditions).
ACT_BY_AFTER_DUE = timedelta(days=14)


def _stored(entry: ShownItem, *, case_id: int | None = None, agreement_id: int | None = None):
    item = entry.item
    if not timedelta(0) <= item.act_by - item.due <= ACT_BY_AFTER_DUE:
        raise RuntimeError(f"{item.key}: act by {item.act_by}, due {item.due}: outside the bound")
    return {
        "key": item.key,
        "case_id": case_id,
        "agreement_id": agreement_id,
        "disclosure_id": item.disclosure_id,
        "officer_person_id": item.officer_person_id,
        "rule": item.rule,
        "kind": item.kind,
        "label": item.label[:300],
        "subject": item.subject[:300],
        "due": item.due,
        "file_by": item.file_by,
        "window_opens": item.window_opens,
        "grace_ends": item.grace_ends,
        "act_by": item.act_by,
        "met_by_records": item.met_by_records,
        "state": "met" if item.met_by_records else "open",
        "shown_from": entry.shown_from,
        "shown_until": entry.shown_until,
    }


def _store(session, item_column, source_column, batch, rows, sources, today) -> None:
    """Replace the batch's stored items. The sources are written first, with an upsert that
    takes their rows' locks: a concurrent refresh of the same case waits, then replaces ours."""
    if sources:
        statement = db.upsert(session, DocketSource.__table__)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[source_column.name],
                set_={
                    "refreshed_on": statement.excluded.refreshed_on,
                    "valid_until": statement.excluded.valid_until,
                },
            ),
            [
                {source_column.name: owner, "refreshed_on": today, "valid_until": until}
                for owner, until in sources
            ],
        )
    gone = sorted(set(batch) - {owner for owner, _ in sources})
    if gone:
        session.execute(sa.delete(DocketSource.__table__).where(source_column.in_(gone)))
    session.execute(sa.delete(ITEM).where(item_column.in_(batch)))
    if rows:
        session.execute(sa.insert(ITEM), rows)
        _apply_marks(session, item_column.in_(batch))


def apply_marks(session: Session) -> None:
    """Set every stored item's state from the marks (after marks written past the ORM)."""
    _apply_marks(session, sa.true())


def _apply_marks(session: Session, where) -> None:
    """An item's state: its mark (done, waived), else met by the records, else open."""
    mark = (
        sa.select(DocketItemState.state).where(DocketItemState.key == ITEM.c.key).scalar_subquery()
    )
    session.execute(
        sa.update(ITEM)
        .where(where)
        .values(state=func.coalesce(mark, sa.case((ITEM.c.met_by_records, "met"), else_="open")))
    )


def _agreement_items(session: Session, agreement_ids: list[int]):
    """The obligations of these agreements that are executed or active, as docket items
    (agreement id, item), and the ids of those agreements."""
    from tlo.licensing.agreement_models import (
        Agreement,
        AgreementTechnology,
        AnnualFee,
        Milestone,
    )
    from tlo.licensing.agreements import terms_of
    from tlo.licensing.models import Company
    from tlo.licensing.obligations import derive_obligations

    terms = [
        getattr(Agreement, name)
        for name in (
            "id",
            "title",
            "officer_person_id",
            "agreement_type",
            "effective_date",
            "term_months",
            "upfront_fee_cents",
            "past_patent_costs_cents",
            "royalty_report_period",
            "report_due_days",
        )
    ]
    rows = [
        (_AgreementRow(*row[:-1]), row[-1])
        for row in session.exec(
            select(*terms, Company.name)
            .join(Company, Company.id == Agreement.company_id)
            .where(col(Agreement.id).in_(agreement_ids), col(Agreement.status).in_(LIVE_AGREEMENTS))
        ).all()
    ]
    ids = [agreement.id for agreement, _ in rows]
    if not ids:
        return [], []
    first_technology = dict(
        session.exec(
            select(AgreementTechnology.agreement_id, func.min(AgreementTechnology.disclosure_id))
            .where(col(AgreementTechnology.agreement_id).in_(ids))
            .group_by(AgreementTechnology.agreement_id)
        ).all()
    )
    fees, milestones = defaultdict(list), defaultdict(list)
    for fee in session.exec(select(AnnualFee).where(col(AnnualFee.agreement_id).in_(ids))).all():
        fees[fee.agreement_id].append(fee)
    for milestone in session.exec(
        select(Milestone).where(col(Milestone.agreement_id).in_(ids))
    ).all():
        milestones[milestone.agreement_id].append(milestone)
    officers = dict(
        session.exec(
            select(Person.id, Person.full_name).where(
                col(Person.id).in_({a.officer_person_id for a, _ in rows})
            )
        ).all()
    )
    items = []
    for agreement, company in rows:
        terms = terms_of(_TermsOf(agreement, fees[agreement.id], milestones[agreement.id]))
        if terms is None:
            continue
        for obligation in derive_obligations(terms):
            item = DocketItem(
                key=f"agr{agreement.id}:{obligation.key}",
                disclosure_id=first_technology.get(agreement.id, 0),
                docket=agreement.number,
                title=agreement.title,
                officer_person_id=agreement.officer_person_id,
                officer_name=officers.get(agreement.officer_person_id),
                rule=f"obligation_{obligation.kind}",
                label=obligation.description,
                subject=company,
                due=obligation.due,
                file_by=None,
                window_opens=None,
                grace_ends=None,
                met_by_records=False,
            )
            items.append((agreement.id, item))
    return items, ids


@dataclass(frozen=True)
class _AgreementRow:
    """What the obligations of an agreement are derived from (its columns, not the whole row)."""

    id: int
    title: str
    officer_person_id: int
    agreement_type: str
    effective_date: date | None
    term_months: int | None
    upfront_fee_cents: int
    past_patent_costs_cents: int
    royalty_report_period: str
    report_due_days: int

    @property
    def number(self) -> str:
        return _agreement_number(self.id)


# What the rules read of a case (the columns, not the whole row).
CASE_COLUMNS = (
    Disclosure.id,
    Disclosure.docket,
    Disclosure.title,
    Disclosure.officer_person_id,
    Disclosure.submitted_at,
)


@dataclass(frozen=True)
class _TermsOf:
    """What `licensing.agreements.terms_of` reads of an agreement's view."""

    agreement: object
    annual_fees: list
    milestones: list


def refresh_pending(session: Session, *, today: date | None = None) -> None:
    """Recompute what the session's changes touched (see models.py): called before each commit
    and before the docket is read."""
    for _ in range(10):  # a refresh writes no facts: one round settles it, a second confirms
        session.flush()
        pending = session.info.pop(PENDING, None)
        if not pending or not any(pending.values()):
            return
        cases = set(pending["cases"])
        for chunk in _chunks(sorted(pending["applications"]), KEYS_AT_ONCE):
            cases.update(
                session.exec(
                    select(PatentApplication.disclosure_id).where(
                        col(PatentApplication.id).in_(chunk)
                    )
                ).all()
            )
        agreements = set(pending["agreements"])
        if pending.get("sweep"):
            missing_cases, missing_agreements = _missing(session)
            cases |= missing_cases
            agreements |= missing_agreements
        refresh_docket(session, case_ids=cases, agreement_ids=agreements, today=today)
        for chunk in _chunks(sorted(pending["keys"]), KEYS_AT_ONCE):
            _apply_marks(session, col(DocketItemRow.key).in_(chunk))


def _missing(session: Session) -> tuple[set[int], set[int]]:
    """Live cases and agreements the stored docket holds nothing for (written past the ORM)."""
    from tlo.licensing.agreement_models import Agreement

    source = DocketSource.__table__
    cases = session.exec(
        select(Disclosure.id).where(
            col(Disclosure.status).not_in([s.value for s in CLOSED_STATUSES]),
            ~sa.exists().where(source.c.case_id == Disclosure.id),
        )
    ).all()
    agreements = session.exec(
        select(Agreement.id).where(
            col(Agreement.status).in_(LIVE_AGREEMENTS),
            ~sa.exists().where(source.c.agreement_id == Agreement.id),
        )
    ).all()
    return set(cases), set(agreements)


def settle_docket(session: Session, *, today: date) -> None:
    """Before the docket is read: recompute what this session changed, what the stored docket
    is missing (live cases and agreements written past the ORM, e.g. by a bulk import) and the
    cases whose stored utilization reports end before `today`."""
    refresh_pending(session)
    cases, agreements = _missing(session)
    cases.update(
        session.exec(
            select(DocketSource.case_id).where(
                col(DocketSource.valid_until).is_not(None), DocketSource.valid_until < today
            )
        ).all()
    )
    if cases or agreements:
        refresh_docket(
            session, case_ids=cases, agreement_ids=agreements, today=max(today, clock.today())
        )


def rebuild_docket(session: Session, *, today: date | None = None) -> int:
    """Recompute the whole stored docket (after a bulk load, or to repair it); returns the
    number of items stored."""
    from tlo.licensing.agreement_models import Agreement

    session.execute(sa.delete(ITEM))
    session.execute(sa.delete(DocketSource.__table__))
    cases = session.exec(
        select(Disclosure.id).where(
            col(Disclosure.status).not_in([s.value for s in CLOSED_STATUSES])
        )
    ).all()
    agreements = session.exec(
        select(Agreement.id).where(col(Agreement.status).in_(LIVE_AGREEMENTS))
    ).all()
    refresh_docket(session, case_ids=cases, agreement_ids=agreements, today=today)
    return session.execute(sa.select(func.count()).select_from(ITEM)).scalar_one()


def computed_docket(
    session: Session, *, actor: Actor, filters: DocketFilters, today: date | None = None
) -> DocketView:
    """The docket computed from the records on the spot, case by case, as it was before the
    docket was stored: slow on a large office, kept as the definition the stored docket is
    checked against (tests, `make bench`)."""
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
    disclosures = list(session.exec(query).all())
    items = []
    for batch in _chunks(disclosures, REFRESH_BATCH):
        for case in _facts(session, batch):
            items += items_for_case(case, today=today)
    if filters.disclosure_id is None:  # license obligations sit on the docket too
        from tlo.licensing.agreement_models import Agreement

        officer = filters.officer_person_id
        if not sees_all(actor, "docket.read"):
            officer = actor.person_id
        live = select(Agreement.id).where(col(Agreement.status).in_(LIVE_AGREEMENTS))
        if officer is not None:
            live = live.where(Agreement.officer_person_id == officer)
        for chunk in _chunks(list(session.exec(live).all()), KEYS_AT_ONCE):
            items += [item for _, item in _agreement_items(session, chunk)[0]]
    states = {}
    for chunk in _chunks(sorted({item.key for item in items}), KEYS_AT_ONCE):
        states.update(
            session.exec(
                select(DocketItemState.key, DocketItemState.state).where(
                    col(DocketItemState.key).in_(chunk)
                )
            ).all()
        )
    marks = Marks(states)
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
        if filters.rules is not None and item.rule not in filters.rules:
            continue
        entries.append(DocketEntry(item, state, overdue, (item.act_by - today).days))
    entries.sort(key=lambda e: (e.item.act_by, e.item.key))
    return DocketView(entries, len(entries), sum(e.overdue for e in entries))


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
    require(actor, "docket.read")
    today = today or clock.today()
    found = _entries_by_key(session, actor, [key], today, DocketFilters(include_closed=True))
    if not found:
        raise NotFound(f"There is no deadline {key!r} on the docket.")
    return found[0]


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

    return docket_calendar(docket_entries(session, actor=actor, filters=filters, today=today))


def docket_excel_file(
    session: Session, *, actor: Actor, filters: DocketFilters, today: date | None = None
) -> bytes:
    from tlo.patents.exports import docket_workbook

    return docket_workbook(docket_entries(session, actor=actor, filters=filters, today=today))


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
