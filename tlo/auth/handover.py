"""When someone leaves: what they still hold, and handing it to another officer.

Before an account is deactivated, the administrator (or the director) sees what its person
still holds: the open cases they are the officer of, the deadlines on the docket for those
cases and their agreements, the agreements they handle and the pipeline entries they follow
up. `deactivate` hands all of it to another licensing officer in the same transaction as the
deactivation, or, when asked to, leaves it with them (to be handed over later with
`hand_over`). Every record handed over gets its own audit entry (the case's history says who
had it, who has it now and why), and the account one that sums it up.

The deadlines are not handed over one by one: they are computed from the cases and agreements
(tlo/patents/docket.py) and follow them; the stored docket is recomputed in the same
transaction.

Counts and a short list of each are read in SQL (one query per kind, a window count beside the
first rows). A reader who may not read a kind's content (an administrator: no case content)
sees its records' numbers, never their titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo import audit, clock
from tlo.auth import services as accounts
from tlo.auth.models import Account, AccountRole, Role
from tlo.auth.permissions import Actor, can, require
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.errors import NotFound, ValidationError
from tlo.licensing.agreement_models import Agreement, AgreementStatus
from tlo.licensing.models import Company, Outreach, Stage
from tlo.patents.models import DocketItemRow
from tlo.people.models import Person
from tlo.text import clean_bool, clean_date, clean_id, clean_text

SAMPLE = 5  # records of each kind listed by name; the rest are counted
REASON_MAX_LENGTH = 500
# A case is open until it is released, abandoned or closed (a licensed case still has its
# obligations and income); drafts have no officer yet.
CLOSED_CASES = (
    DisclosureStatus.DRAFT,
    DisclosureStatus.RELEASED,
    DisclosureStatus.ABANDONED,
    DisclosureStatus.CLOSED,
)
# Agreements still being negotiated or in force; an expired or terminated one stays with the
# officer who handled it.
LIVE_AGREEMENTS = (
    AgreementStatus.DRAFT,
    AgreementStatus.NEGOTIATING,
    AgreementStatus.EXECUTED,
    AgreementStatus.ACTIVE,
)
OPEN_STAGES = tuple(stage for stage in Stage if stage.is_open)


@dataclass(frozen=True)
class Held:
    """One record someone holds: its public key (a docket number, an agreement number, a due
    date) and, for a reader who may read its content, what it is about."""

    key: str
    detail: str | None = None
    overdue: bool = False

    @property
    def line(self) -> str:
        shown = f"{self.key} · {self.detail}" if self.detail else self.key
        return f"{shown} (overdue)" if self.overdue else shown


@dataclass(frozen=True)
class Holdings:
    account_id: int
    username: str
    person_id: int
    name: str
    active: bool
    open_cases: int = 0
    deadlines: int = 0  # open deadlines on the docket, of their cases and agreements
    overdue: int = 0
    agreements: int = 0
    pipeline: int = 0
    cases_held: list[Held] = field(default_factory=list)  # the first SAMPLE of each
    deadlines_held: list[Held] = field(default_factory=list)
    agreements_held: list[Held] = field(default_factory=list)
    pipeline_held: list[Held] = field(default_factory=list)

    @property
    def holds_anything(self) -> bool:
        """Whether anything would be left with them (deadlines follow cases and agreements)."""
        return bool(self.open_cases or self.agreements or self.pipeline or self.deadlines)

    @property
    def summary(self) -> str:
        parts = [
            _count(self.open_cases, "open case"),
            _count(self.deadlines, "upcoming deadline")
            + (f" ({self.overdue} overdue)" if self.overdue else ""),
            _count(self.agreements, "agreement"),
            _count(self.pipeline, "pipeline entry", "pipeline entries"),
        ]
        return ", ".join(parts)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class OfficerChoice:
    person_id: int
    name: str


@dataclass(frozen=True)
class HandedOver:
    to_name: str
    cases: int = 0
    agreements: int = 0
    pipeline: int = 0

    @property
    def summary(self) -> str:
        return (
            f"{_count(self.cases, 'case')}, {_count(self.agreements, 'agreement')} and "
            f"{_count(self.pipeline, 'pipeline entry', 'pipeline entries')} handed over to "
            f"{self.to_name}"
        )


@dataclass(frozen=True)
class Deactivated:
    username: str
    handed_over: HandedOver | None
    left_with_them: Holdings | None  # what they still hold when nothing was handed over

    @property
    def message(self) -> str:
        said = f"{self.username} deactivated"
        if self.handed_over is not None:
            return f"{said}; {self.handed_over.summary}."
        if self.left_with_them is not None and self.left_with_them.holds_anything:
            return f"{said}; still theirs: {self.left_with_them.summary}."
        return f"{said}."


# --- what someone holds -----------------------------------------------------------------------


def _account_and_person(session: Session, account_id: object) -> tuple[Account, Person]:
    account_id = clean_id(account_id, what="account")
    row = session.exec(
        select(Account, Person)
        .join(Person, Person.id == Account.person_id)
        .where(Account.id == account_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no account {account_id}.")
    return row


def _window(rows) -> tuple[int, list]:
    """(the total a window count gives beside the first rows, those rows)."""
    rows = list(rows)
    return (rows[0].total if rows else 0), rows


def holdings(
    session: Session, *, actor: Actor, account_id: int, today: date | None = None
) -> Holdings:
    """What the account's person still holds, counted, with the first SAMPLE of each kind."""
    require(actor, "account.hand_over")
    today = clean_date(today, what="day", required=False) or clock.today()
    account, person = _account_and_person(session, account_id)
    person_id = person.id
    reads_cases = can(actor, "disclosure.read")
    reads_agreements = can(actor, "agreement.read")
    total = func.count().over().label("total")

    cases, rows = _window(
        session.exec(
            select(Disclosure.docket, Disclosure.title, Disclosure.status, total)
            .where(
                Disclosure.officer_person_id == person_id,
                col(Disclosure.status).not_in([s.value for s in CLOSED_CASES]),
            )
            .order_by(col(Disclosure.submitted_at).desc().nulls_last(), Disclosure.id.desc())
            .limit(SAMPLE)
        )
    )
    cases_held = [
        Held(
            row.docket or "?",
            f"{row.title} ({DisclosureStatus(row.status).label})" if reads_cases else None,
        )
        for row in rows
    ]

    from tlo.patents.services import settle_docket  # the docket builds on cases and agreements

    settle_docket(session, today=today)
    item = DocketItemRow.__table__
    overdue_count = func.coalesce(
        func.sum(sa.case((item.c.act_by < today, 1), else_=0)).over(), 0
    ).label("overdue")
    deadline_rows = list(
        session.execute(
            sa.select(
                item.c.act_by,
                item.c.label,
                item.c.agreement_id,
                Disclosure.docket,
                total,
                overdue_count,
            )
            .select_from(item)
            .join(Disclosure, Disclosure.id == item.c.case_id, isouter=True)
            .where(
                item.c.officer_person_id == person_id,
                item.c.state == "open",
                sa.or_(item.c.shown_from.is_(None), item.c.shown_from <= today),
                sa.or_(item.c.shown_until.is_(None), item.c.shown_until >= today),
            )
            .order_by(item.c.act_by, item.c.key)
            .limit(SAMPLE)
        )
    )
    deadlines = deadline_rows[0].total if deadline_rows else 0
    overdue = deadline_rows[0].overdue if deadline_rows else 0
    deadlines_held = [
        Held(
            f"{row.act_by.isoformat()} · "
            + (row.docket or (_agreement_number(row.agreement_id) if row.agreement_id else "?")),
            row.label if (reads_cases if row.docket else reads_agreements) else None,
            overdue=row.act_by < today,
        )
        for row in deadline_rows
    ]

    agreements, rows = _window(
        session.exec(
            select(Agreement.id, Agreement.title, Agreement.status, Company.name, total)
            .join(Company, Company.id == Agreement.company_id)
            .where(
                Agreement.officer_person_id == person_id,
                col(Agreement.status).in_([s.value for s in LIVE_AGREEMENTS]),
            )
            .order_by(Agreement.id.desc())
            .limit(SAMPLE)
        )
    )
    agreements_held = [
        Held(
            _agreement_number(row.id),
            f"{row.name}: {row.title} ({AgreementStatus(row.status).label})"
            if reads_agreements
            else None,
        )
        for row in rows
    ]

    pipeline, rows = _window(
        session.exec(
            select(Disclosure.docket, Company.name, Outreach.stage, total)
            .join(Disclosure, Disclosure.id == Outreach.disclosure_id)
            .join(Company, Company.id == Outreach.company_id)
            .where(
                Outreach.owner_person_id == person_id,
                col(Outreach.stage).in_([s.value for s in OPEN_STAGES]),
            )
            .order_by(col(Outreach.next_follow_up).asc().nulls_last(), Outreach.id)
            .limit(SAMPLE)
        )
    )
    pipeline_held = [
        Held(
            row.docket or "?",
            f"{row.name} ({Stage(row.stage).label})" if can(actor, "company.read") else None,
        )
        for row in rows
    ]
    return Holdings(
        account_id=account.id,
        username=account.username,
        person_id=person_id,
        name=person.full_name,
        active=account.active and person.active,
        open_cases=cases,
        deadlines=deadlines,
        overdue=overdue,
        agreements=agreements,
        pipeline=pipeline,
        cases_held=cases_held,
        deadlines_held=deadlines_held,
        agreements_held=agreements_held,
        pipeline_held=pipeline_held,
    )


def _agreement_number(agreement_id: int) -> str:
    return f"AGR-{agreement_id:05d}"  # as Agreement.number


def officers_to_hand_over_to(
    session: Session, *, actor: Actor, account_id: int
) -> list[OfficerChoice]:
    """Active licensing officers other than the account's person, by name."""
    require(actor, "account.hand_over")
    _account, person = _account_and_person(session, account_id)
    return [
        OfficerChoice(person_id, name)
        for person_id, name in session.exec(
            select(Person.id, Person.full_name)
            .join(Account, Account.person_id == Person.id)
            .join(AccountRole, AccountRole.account_id == Account.id)
            .where(
                AccountRole.role == Role.OFFICER.value,
                Account.active,
                Person.active,
                Person.id != person.id,
            )
            .order_by(Person.full_name, Person.id)
        ).all()
    ]


# --- handing over -----------------------------------------------------------------------------


def hand_over(
    session: Session, *, actor: Actor, account_id: int, to_person_id: int, reason: str
) -> HandedOver:
    """Give every open case, live agreement and open pipeline entry of the account's person to
    another active licensing officer, saying why (kept in each record's audit entry)."""
    require(actor, "account.hand_over")
    reason = clean_text(
        reason, what="reason for the handover", max_length=REASON_MAX_LENGTH, required=True
    )
    to_person_id = clean_id(to_person_id, what="officer")
    account, person = _account_and_person(session, account_id)
    choices = {
        choice.person_id: choice.name
        for choice in officers_to_hand_over_to(session, actor=actor, account_id=account.id)
    }
    if to_person_id not in choices:
        raise ValidationError(
            f"Choose an active licensing officer other than {person.full_name} to hand over to."
        )
    from_id, to_name = person.id, choices[to_person_id]

    cases = session.execute(
        sa.update(Disclosure)
        .where(
            Disclosure.officer_person_id == from_id,
            col(Disclosure.status).not_in([s.value for s in CLOSED_CASES]),
        )
        .values(officer_person_id=to_person_id)
        .returning(Disclosure.id)
    ).all()
    agreements = session.execute(
        sa.update(Agreement)
        .where(
            Agreement.officer_person_id == from_id,
            col(Agreement.status).in_([s.value for s in LIVE_AGREEMENTS]),
        )
        .values(officer_person_id=to_person_id)
        .returning(Agreement.id)
    ).all()
    pipeline = session.execute(
        sa.update(Outreach)
        .where(
            Outreach.owner_person_id == from_id,
            col(Outreach.stage).in_([s.value for s in OPEN_STAGES]),
        )
        .values(owner_person_id=to_person_id)
        .returning(Outreach.disclosure_id, Outreach.company_id)
    ).all()

    for (case_id,) in cases:
        audit.record(
            session,
            actor=actor,
            action="disclosure.officer_assigned",
            object_type="disclosure",
            object_id=case_id,
            before={"officer_person_id": from_id},
            after={"officer_person_id": to_person_id, "reason": reason},
        )
    for (agreement_id,) in agreements:
        audit.record(
            session,
            actor=actor,
            action="agreement.officer_reassigned",
            object_type="agreement",
            object_id=agreement_id,
            before={"officer_person_id": from_id},
            after={"officer_person_id": to_person_id, "reason": reason},
        )
    for case_id, company_id in pipeline:  # outreach is recorded on the technology's case
        audit.record(
            session,
            actor=actor,
            action="outreach.owner_reassigned",
            object_type="disclosure",
            object_id=case_id,
            before={"owner_person_id": from_id, "company_id": company_id},
            after={"owner_person_id": to_person_id, "company_id": company_id, "reason": reason},
        )
    handed = HandedOver(to_name, len(cases), len(agreements), len(pipeline))
    audit.record(
        session,
        actor=actor,
        action="account.handed_over",
        object_type="account",
        object_id=account.id,
        before={"person_id": from_id},
        after={
            "to_person_id": to_person_id,
            "cases": handed.cases,
            "agreements": handed.agreements,
            "pipeline": handed.pipeline,
            "reason": reason,
        },
    )
    # The deadlines follow: the stored docket of these cases and agreements names their new
    # officer (recomputed here, in the same transaction, as every other write of them does).
    from tlo.patents.services import refresh_docket

    refresh_docket(
        session,
        case_ids=[case_id for (case_id,) in cases],
        agreement_ids=[agreement_id for (agreement_id,) in agreements],
    )
    return handed


def deactivate(
    session: Session,
    *,
    actor: Actor,
    account_id: int,
    hand_over_to: int | None = None,
    reason: str = "",
    leave_with_them: bool = False,
) -> Deactivated:
    """Deactivate an account, first handing what its person holds to `hand_over_to` (one
    transaction: both or neither). Someone who still holds anything is deactivated without a
    handover only when asked to (`leave_with_them`): nothing is left behind by mistake."""
    require(actor, "account.manage")
    require(actor, "account.hand_over")
    leave_with_them = clean_bool(leave_with_them, what="leaving their work with them")
    reason = clean_text(reason, what="reason for the handover", max_length=REASON_MAX_LENGTH)
    account, _person = _account_and_person(session, account_id)
    if not account.active:
        raise ValidationError(f"{account.username} is already deactivated.")
    if account.id == actor.account_id:
        raise ValidationError("You cannot deactivate your own account.")
    handed = None
    left = None
    if hand_over_to is not None:
        handed = hand_over(
            session, actor=actor, account_id=account.id, to_person_id=hand_over_to, reason=reason
        )
    else:
        left = holdings(session, actor=actor, account_id=account.id)
        if left.holds_anything and not leave_with_them:
            raise ValidationError(
                f"{left.name} still holds {left.summary}: choose an officer to hand them to, "
                "or confirm that they stay with them."
            )
    accounts.set_account_active(session, actor=actor, account_id=account.id, active=False)
    return Deactivated(account.username, handed, left)
