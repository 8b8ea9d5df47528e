"""The home page's panels: what waits for a licensing officer, and an inventor's cases and income.

One function per role, each returning everything its panels show:

- `officer_overview`: the officer's cases counted by status (in SQL); their deadlines and
  license obligations bucketed overdue / due within 30 days / due in 31-90 days; their outreach
  follow-ups due; and the disclosures waiting for them: assigned to them and not yet scored,
  deferred by them and due for review, new ones no officer has yet, and those whose inventor
  disputes a share (see `disclosures_waiting`).
- `inventor_overview`: the inventor's newest disclosures with their status, how many wait for
  them to confirm their share (a share they dispute waits for the officer instead), and their
  share of license income by fiscal year (in SQL).

Deadlines are not aggregated in SQL: the docket computes them from the records by the rules in
tlo/patents/deadlines.py, so they are bucketed here from `patents.docket`. A bucket goes by the
*act by* date, the last day to act (the docket's "days left"). A license obligation belongs to
an agreement, not a case; its row opens the case file of the first technology the agreement
covers (as the docket page does), and has no case to open when the agreement covers none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from tlo import clock
from tlo.auth.permissions import Actor, can, require
from tlo.disclosures import queries, targets
from tlo.disclosures.models import (
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    Evaluation,
    ShareResponse,
)
from tlo.disclosures.queries import DisclosureRow
from tlo.disclosures.shares import open_dispute
from tlo.disclosures.targets import LateCase
from tlo.licensing import outreach
from tlo.licensing.models import Stage
from tlo.patents import services as patents
from tlo.patents.services import CLOSED_STATUSES, DocketEntry, DocketFilters
from tlo.reports.autm import local_date
from tlo.revenue import statements

SOON_DAYS = 30  # "due soon": within this many days
HORIZON_DAYS = 90  # the home looks this far ahead; the docket page shows the rest
FOLLOW_UP_DAYS = 7  # follow-ups past or due within a week
PAST_TARGET_SHOWN = 8  # the officer's cases longest past their stage's target
MY_DISCLOSURES_SHOWN = 10  # the inventor's newest disclosures; "My disclosures" lists them all


# --- the officer ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: DisclosureStatus
    cases: int

    @property
    def is_open(self) -> bool:
        """Still being worked: not a draft, released, abandoned or closed."""
        return self.status not in CLOSED_STATUSES


@dataclass(frozen=True)
class Deadline:
    """One row of the home's deadlines: a patent or Bayh-Dole deadline, or a license
    obligation (`kind` "license", whose `docket` is the agreement's number)."""

    case_id: int | None  # the case file to open; None for an agreement covering no technology
    docket: str
    kind: str  # patent, bayh_dole or license
    label: str
    subject: str
    act_by: date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def _deadline(entry: DocketEntry) -> Deadline:
    item = entry.item
    return Deadline(
        case_id=item.disclosure_id or None,  # an obligation without a technology carries 0
        docket=item.docket,
        kind=item.kind,
        label=item.label,
        subject=item.subject,
        act_by=item.act_by,
        days_left=entry.days_left,
    )


@dataclass(frozen=True)
class FollowUp:
    case_id: int
    docket: str
    company: str
    stage: Stage
    follow_up_on: date
    days_left: int  # negative: late by that many days

    @property
    def late(self) -> bool:
        return self.days_left < 0


class WaitingReason(StrEnum):
    """Why a disclosure waits for the officer: the first step on it is theirs."""

    DISPUTE = "dispute"  # my case: an inventor disputes their share (tlo/disclosures/shares.py)
    EVALUATE = "evaluate"  # assigned to me, no scorecard recorded yet
    REVIEW = "review"  # I deferred the decision and its review date has come
    TRIAGE = "triage"  # received, no officer yet: anyone who may triage can take it

    @property
    def label(self) -> str:
        return {
            WaitingReason.DISPUTE: "Share disputed",
            WaitingReason.TRIAGE: "New, to assign",
            WaitingReason.EVALUATE: "To evaluate",
            WaitingReason.REVIEW: "Deferral to review",
        }[self]


@dataclass(frozen=True)
class WaitingCase:
    case_id: int
    docket: str
    title: str
    reason: WaitingReason
    received_on: date | None
    review_on: date | None


@dataclass(frozen=True)
class OfficerOverview:
    cases_by_status: list[StatusCount]  # in the workflow's order; statuses with cases only
    overdue: list[Deadline]  # most overdue first
    due_soon: list[Deadline]  # act by within SOON_DAYS days
    due_later: list[Deadline]  # act by in SOON_DAYS + 1 to HORIZON_DAYS days
    follow_ups: list[FollowUp]  # late or due within FOLLOW_UP_DAYS days, soonest first
    waiting: list[WaitingCase]  # to evaluate, to review, then to assign; each oldest first
    past_target: list[LateCase] = field(default_factory=list)  # the longest past first
    past_target_total: int = 0  # all of the officer's cases past target, listed or not

    @property
    def open_cases(self) -> int:
        return sum(count.cases for count in self.cases_by_status if count.is_open)


def cases_by_status(session: Session, *, actor: Actor) -> list[StatusCount]:
    """The actor's cases (those they are the officer of) counted by status."""
    require(actor, "disclosure.internal")
    counts = dict(
        session.exec(
            select(Disclosure.status, func.count())
            .where(Disclosure.officer_person_id == actor.person_id)
            .group_by(Disclosure.status)
        ).all()
    )
    return [
        StatusCount(status, int(counts[status.value]))
        for status in DisclosureStatus
        if counts.get(status.value)
    ]


def disclosures_waiting(
    session: Session, *, actor: Actor, today: date | None = None
) -> list[WaitingCase]:
    """Disclosures whose next step is the actor's, in this order:

    - the actor's cases on which an inventor disputes their share (open, current version): the
      officer changes the shares or records the dispute withdrawn;
    - assigned to the actor (status "assigned" or "under evaluation") with no scorecard yet;
    - deferred by the actor, with the review date today or past;
    - received and not yet assigned to an officer (status "submitted"), when the actor may
      triage (officers and the director may).

    Each group oldest received first. A case can be listed twice, for two reasons.
    """
    require(actor, "disclosure.internal")
    today = today or clock.today()
    mine = Disclosure.officer_person_id == actor.person_id
    scored = sa.exists().where(Evaluation.disclosure_id == Disclosure.id)
    conditions = [
        sa.and_(
            mine,
            col(Disclosure.status).in_(
                [DisclosureStatus.ASSIGNED.value, DisclosureStatus.EVALUATING.value]
            ),
            ~scored,
        ),
        sa.and_(
            mine,
            Disclosure.status == DisclosureStatus.DEFERRED.value,
            col(Disclosure.review_on) <= today,
        ),
    ]
    if can(actor, "disclosure.triage"):
        conditions.append(Disclosure.status == DisclosureStatus.SUBMITTED.value)
    rows = session.exec(
        select(
            Disclosure.id,
            Disclosure.docket,
            Disclosure.title,
            Disclosure.status,
            Disclosure.submitted_at,
            Disclosure.review_on,
        )
        .where(or_(*conditions))
        .order_by(Disclosure.submitted_at, Disclosure.id)
    ).all()
    reasons = {
        DisclosureStatus.SUBMITTED.value: WaitingReason.TRIAGE,
        DisclosureStatus.DEFERRED.value: WaitingReason.REVIEW,
    }
    disputed = session.exec(
        select(Disclosure.id, Disclosure.docket, Disclosure.title, Disclosure.submitted_at)
        .where(mine, sa.exists().where(*open_dispute()))
        .order_by(Disclosure.submitted_at, Disclosure.id)
    ).all()
    order = list(WaitingReason)
    waiting = [
        WaitingCase(
            case_id=case_id,
            docket=docket or "",
            title=title,
            reason=WaitingReason.DISPUTE,
            received_on=local_date(submitted_at),
            review_on=None,
        )
        for case_id, docket, title, submitted_at in disputed
    ] + [
        WaitingCase(
            case_id=case_id,
            docket=docket or "",
            title=title,
            reason=reasons.get(status, WaitingReason.EVALUATE),
            received_on=local_date(submitted_at),
            review_on=review_on,
        )
        for case_id, docket, title, status, submitted_at, review_on in rows
    ]
    return sorted(waiting, key=lambda case: order.index(case.reason))  # stable: oldest first


def officer_overview(
    session: Session, *, actor: Actor, today: date | None = None
) -> OfficerOverview:
    """Everything the officer's home shows, for the actor as the officer."""
    require(actor, "docket.read")
    today = today or clock.today()
    docket = patents.docket(
        session,
        actor=actor,
        # Due within the horizon reads only those items (by the docket's index); the last day
        # to act is never before the due day, so none acting within the horizon is missed.
        filters=DocketFilters(officer_person_id=actor.person_id, within_days=HORIZON_DAYS),
        today=today,
    )
    deadlines = [_deadline(entry) for entry in docket.entries if entry.days_left <= HORIZON_DAYS]
    late, late_total = targets.cases_past_target(
        session,
        actor=actor,
        officer_person_id=actor.person_id,
        today=today,
        limit=PAST_TARGET_SHOWN,
    )
    return OfficerOverview(
        cases_by_status=cases_by_status(session, actor=actor),
        overdue=[d for d in deadlines if d.overdue],
        due_soon=[d for d in deadlines if 0 <= d.days_left <= SOON_DAYS],
        due_later=[d for d in deadlines if d.days_left > SOON_DAYS],
        follow_ups=[
            FollowUp(
                case_id=row.disclosure_id,
                docket=row.docket,
                company=row.company,
                stage=row.stage,
                follow_up_on=row.next_follow_up,
                days_left=(row.next_follow_up - today).days,
            )
            for row in outreach.follow_ups_due(
                session,
                actor=actor,
                owner_person_id=actor.person_id,
                within_days=FOLLOW_UP_DAYS,
                today=today,
            )
        ],
        waiting=disclosures_waiting(session, actor=actor, today=today),
        past_target=late,
        past_target_total=late_total,
    )


# --- the inventor -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InventorOverview:
    disclosures: list[DisclosureRow]  # the newest, as "My disclosures" lists them
    disclosures_total: int
    shares_to_confirm: int  # disclosures, shown or not, waiting for me to confirm my share
    income_by_year: list[tuple[int, Decimal]]  # (fiscal year, the inventor's share), oldest first

    @property
    def income_to_date(self) -> Decimal:
        return sum((amount for _, amount in self.income_by_year), Decimal("0.00"))


def shares_to_confirm(session: Session, *, actor: Actor) -> int:
    """Disclosures (not drafts) naming the actor as an inventor whose share they have not
    confirmed, nor disputed (a disputed share waits for the officer): counted."""
    require(actor, "disclosure.read")
    disputed = sa.exists().where(ShareResponse.person_id == actor.person_id, *open_dispute())
    return session.exec(
        select(func.count())
        .select_from(DisclosureInventor)
        .join(Disclosure, Disclosure.id == DisclosureInventor.disclosure_id)
        .where(
            DisclosureInventor.person_id == actor.person_id,
            col(DisclosureInventor.confirmed_at).is_(None),
            Disclosure.status != DisclosureStatus.DRAFT.value,
            ~disputed,
        )
    ).one()


def inventor_overview(
    session: Session,
    *,
    actor: Actor,
    limit: int = MY_DISCLOSURES_SHOWN,
    today: date | None = None,
) -> InventorOverview:
    """The actor's own disclosures (as submitter or inventor, drafts included, newest first)
    and the license income that reached them, by fiscal year."""
    mine = queries.list_my_disclosures(session, actor=actor, limit=limit, today=today)
    return InventorOverview(
        disclosures=mine.items,
        disclosures_total=mine.total,
        shares_to_confirm=shares_to_confirm(session, actor=actor),
        income_by_year=statements.income_by_year(session, actor=actor, person_id=actor.person_id),
    )
