"""The next step of a case, always in view: what happens next in each stage, who does it, and
by when, under the office's service-level targets.

A target is a number of days a case may stay in a stage ("a filing decision within 90 days of
the evaluation's start"); the office's administrator or director sets them on Administration ->
Office settings, and a stage without a target has none ("a licensee is found" takes what it
takes). A deferred case is due on its review date instead. A case entered its stage when the
timeline last moved it there (the submission, for a case received and not yet moved).

The inventor reads the next step on My disclosures; officers read their cases past target on
their home page, and the director every officer's, on the home page and the dashboard: how many
cases each stage holds, how many are past target, and the median days they have spent there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.disclosures.models import Disclosure, StatusChange
from tlo.disclosures.models import DisclosureStatus as S
from tlo.errors import ValidationError
from tlo.office_settings import SETTINGS_ID
from tlo.people.models import Person

MAX_TARGET_DAYS = 1095  # three years: a longer "target" is none


class StageTarget(SQLModel, table=True):
    """An office's target for one stage; a stage without a row keeps the default target."""

    __tablename__ = "stage_target"

    status: str = Field(primary_key=True, max_length=20)
    target_days: int | None = None  # None: the office sets no target for the stage
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    updated_by_name: str = Field(max_length=200)


class Who(StrEnum):
    INVENTORS = "inventors"
    OFFICE = "office"
    OFFICER = "officer"


@dataclass(frozen=True)
class Step:
    """What happens next in a stage, said to the inventor; its default target in days."""

    what: str
    who: Who
    default_days: int | None


# The stages a case moves on from, in the workflow's order. Released, abandoned and closed
# cases have no next step.
STEPS: dict[S, Step] = {
    S.DRAFT: Step("The disclosure is completed and submitted", Who.INVENTORS, None),
    S.SUBMITTED: Step("A licensing officer is assigned to the case", Who.OFFICE, 14),
    S.ASSIGNED: Step("The officer starts evaluating the invention", Who.OFFICER, 30),
    S.EVALUATING: Step(
        "The filing decision: file a patent application, defer the decision, or release the "
        "invention to the inventors",
        Who.OFFICER,
        90,
    ),
    S.FILING: Step("Patent counsel files the application", Who.OFFICER, 60),
    S.DEFERRED: Step("The deferred decision is reviewed", Who.OFFICER, None),
    S.FILED: Step("Companies are approached to license the technology", Who.OFFICER, None),
    S.MARKETING: Step("A company takes a license", Who.OFFICER, None),
    S.LICENSED: Step(
        "The licensee develops the product; income is shared with the inventors as it comes in",
        Who.OFFICE,
        None,
    ),
}
# Stages an office may set a target for: those the office moves on (a draft is the inventor's;
# a deferred case has its review date).
TARGETED = tuple(
    s for s, step in STEPS.items() if step.who is not Who.INVENTORS and s != S.DEFERRED
)


def targets(session: Session) -> dict[S, int | None]:
    """Each targeted stage's target in days (None: none), the office's or the default."""
    saved = {row.status: row.target_days for row in session.exec(select(StageTarget)).all()}
    return {s: saved.get(s.value, STEPS[s].default_days) for s in TARGETED}


@dataclass(frozen=True)
class TargetsView:
    days: dict[S, int | None]
    updated_by_name: str | None  # None: the defaults, never saved
    updated_at: datetime | None


def targets_view(session: Session, *, actor: Actor) -> TargetsView:
    require(actor, "settings.manage")
    last = session.exec(
        select(StageTarget).order_by(col(StageTarget.updated_at).desc()).limit(1)
    ).first()
    return TargetsView(
        targets(session), last.updated_by_name if last else None, last.updated_at if last else None
    )


def _clean_days(stage: S, value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f"The target for '{stage.label}' must be a whole number of days.")
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ValidationError(
            f"The target for '{stage.label}' must be a whole number of days, not {value!r}."
        ) from None
    if not 1 <= days <= MAX_TARGET_DAYS:
        raise ValidationError(
            f"The target for '{stage.label}' must be 1 to {MAX_TARGET_DAYS} days, or none."
        )
    return days


def save_targets(
    session: Session, *, actor: Actor, days: Mapping[str, object]
) -> dict[S, int | None]:
    """Set the targets of the stages given (by status value); the others keep theirs.
    Audited before and after, as one change."""
    require(actor, "settings.manage")
    if not isinstance(days, Mapping):
        raise ValidationError("Give the targets by stage.")
    wanted: dict[S, int | None] = {}
    for key, value in days.items():
        stage = next((s for s in TARGETED if s.value == key), None)
        if stage is None:
            raise ValidationError(f"{key!r} is not a stage with a service-level target.")
        wanted[stage] = _clean_days(stage, value)
    before = targets(session)
    rows = {row.status: row for row in session.exec(select(StageTarget)).all()}
    for stage, target in wanted.items():
        row = rows.get(stage.value) or StageTarget(status=stage.value, updated_by_name=actor.name)
        row.target_days = target
        row.updated_at = utcnow()
        row.updated_by_account_id, row.updated_by_name = actor.account_id, actor.name
        session.add(row)
    session.flush()
    after = targets(session)
    audit.record(
        session,
        actor=actor,
        action="office_settings.targets_saved",
        object_type="office_settings",  # one record to the log: the office's settings
        object_id=SETTINGS_ID,
        before={s.value: d for s, d in before.items()},
        after={s.value: d for s, d in after.items()},
    )
    return after


# --- one case -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """What the inventor reads: the stage, what happens next, who does it, by when."""

    stage: S
    entered_on: date  # the office's day the case entered its stage
    what: str
    who: Who
    officer_name: str | None
    officer_email: str | None
    due_on: date | None  # None: no target for the stage
    today: date

    @property
    def who_label(self) -> str:
        if self.who is Who.INVENTORS:
            return "You (the inventors)"
        if self.who is Who.OFFICER and self.officer_name:
            return f"{self.officer_name}, your licensing officer"
        return "The licensing office"

    @property
    def days_in_stage(self) -> int:
        return (self.today - self.entered_on).days

    @property
    def days_past_target(self) -> int:
        """Days since the target passed (0 when not past it, or without one)."""
        return max(0, (self.today - self.due_on).days) if self.due_on else 0


def entered_stage_at(disclosure: Disclosure, timeline: list[StatusChange]) -> datetime:
    """When the case was last moved into its present status (its submission or its creation
    for a case the timeline never moved there)."""
    moves = [c.at for c in timeline if c.to_status == disclosure.status]
    return max(moves) if moves else (disclosure.submitted_at or disclosure.created_at)


def next_step(
    session: Session,
    disclosure: Disclosure,
    timeline: list[StatusChange],
    *,
    today: date | None = None,
) -> NextStep | None:
    """The next step of a case the caller has read (tlo.disclosures.queries.get_case checked
    the reader's access); None for a case with no next step (released, abandoned, closed)."""
    stage = S(disclosure.status)
    step = STEPS.get(stage)
    if step is None:
        return None
    today = today or clock.today()
    entered_on = clock.office_date(entered_stage_at(disclosure, timeline))
    if stage is S.DEFERRED:
        due_on = disclosure.review_on
    else:
        target = targets(session).get(stage)
        due_on = entered_on + timedelta(days=target) if target else None
    officer = (
        session.get(Person, disclosure.officer_person_id) if disclosure.officer_person_id else None
    )
    return NextStep(
        stage=stage,
        entered_on=entered_on,
        what=step.what,
        who=step.who,
        officer_name=officer.full_name if officer else None,
        officer_email=officer.email if officer else None,
        due_on=due_on,
        today=today,
    )


# --- cases past target ------------------------------------------------------------------------


def _entered_at():
    """When each case entered its present status, as a column of the disclosure's row."""
    moved = (
        select(sa.func.max(StatusChange.at))
        .where(
            StatusChange.disclosure_id == Disclosure.id,
            StatusChange.to_status == Disclosure.status,
        )
        .scalar_subquery()
    )
    return sa.func.coalesce(moved, Disclosure.submitted_at, Disclosure.created_at)


def _past_target(days_by_stage: dict[S, int | None], entered, today: date):
    """The condition "past its stage's target today" (a deferred case: past its review date),
    one bound cutoff per stage, however many cases there are."""
    conditions = [
        sa.and_(Disclosure.status == stage.value, entered < clock.start_of_office_day(cutoff))
        for stage, days in days_by_stage.items()
        if days
        for cutoff in [today - timedelta(days=days)]
    ]
    conditions.append(
        sa.and_(Disclosure.status == S.DEFERRED.value, col(Disclosure.review_on) < today)
    )
    return sa.or_(*conditions)


@dataclass(frozen=True)
class LateCase:
    case_id: int
    docket: str
    title: str
    stage: S
    officer: str | None
    entered_on: date
    due_on: date
    days_past: int


OPEN_STAGES = [s.value for s in (*TARGETED, S.DEFERRED)]  # those the lists and counts read


def cases_past_target(
    session: Session,
    *,
    actor: Actor,
    officer_person_id: int | None = None,
    today: date | None = None,
    limit: int = 50,
) -> tuple[list[LateCase], int]:
    """Cases past their stage's target, the longest past first (at most `limit`), and how
    many there are in all. An officer's own (`officer_person_id`), or the office's."""
    require(actor, "disclosure.internal")
    today = today or clock.today()
    days = targets(session)
    entered = _entered_at().label("entered")
    where = [col(Disclosure.status).in_(OPEN_STAGES), _past_target(days, entered, today)]
    if officer_person_id is not None:
        where.append(Disclosure.officer_person_id == officer_person_id)
    base = (
        select(
            Disclosure.id,
            Disclosure.docket,
            Disclosure.title,
            Disclosure.status,
            Disclosure.review_on,
            Person.full_name,
            entered,
        )
        .outerjoin(Person, Person.id == Disclosure.officer_person_id)
        .where(*where)
    )
    total = session.exec(select(sa.func.count()).select_from(base.subquery())).one()
    rows = session.exec(base.order_by(entered, Disclosure.id).limit(limit)).all()
    late = []
    for case_id, docket, title, status, review_on, officer, at in rows:
        stage = S(status)
        entered_on = clock.office_date(at)
        due_on = review_on if stage is S.DEFERRED else entered_on + timedelta(days=days[stage])
        late.append(
            LateCase(
                case_id,
                docket or "",
                title,
                stage,
                officer,
                entered_on,
                due_on,
                (today - due_on).days,
            )
        )
    late.sort(key=lambda case: (-case.days_past, case.docket))
    return late, total


@dataclass(frozen=True)
class StageLoad:
    """One stage of one officer's cases: how many, how many past target, the median days."""

    stage: S
    officer: str  # "Unassigned" for cases received and not yet assigned
    cases: int
    past_target: int
    median_days: float


def stage_loads(session: Session, *, actor: Actor, today: date | None = None) -> list[StageLoad]:
    """The office's open cases by stage and officer: counted, those past target counted, and
    the median days in the stage, all in SQL (the median by window functions, both
    databases alike). In the workflow's order, then by officer."""
    require(actor, "report.dashboard")
    today = today or clock.today()
    entered = _entered_at()
    late = sa.case((_past_target(targets(session), entered, today), 1), else_=0)
    group = (Disclosure.status, Disclosure.officer_person_id)
    ranked = (
        select(
            Disclosure.status.label("status"),
            Disclosure.officer_person_id.label("officer_id"),
            entered.label("entered"),
            sa.func.row_number()
            .over(partition_by=group, order_by=(entered.desc(), Disclosure.id))
            .label("n"),
            sa.func.count().over(partition_by=group).label("cases"),
            sa.func.sum(late).over(partition_by=group).label("late"),
        )
        .where(col(Disclosure.status).in_(OPEN_STAGES))
        .subquery()
    )
    # The middle row (odd counts) or the two middle rows (even): n = (cases + 1) / 2 and
    # (cases + 2) / 2 in integer division. The newest entry first is the fewest days first.
    middle = sa.or_(
        ranked.c.n == (ranked.c.cases + 1) // 2, ranked.c.n == (ranked.c.cases + 2) // 2
    )
    rows = session.exec(
        select(
            ranked.c.status,
            ranked.c.officer_id,
            Person.full_name,
            ranked.c.cases,
            ranked.c.late,
            ranked.c.entered,
        )
        .outerjoin(Person, Person.id == ranked.c.officer_id)
        .where(middle)
    ).all()
    grouped: dict[tuple[str, int | None], list] = {}
    for status, officer_id, name, cases, late_count, at in rows:
        grouped.setdefault((status, officer_id), []).append((name, cases, late_count, at))
    order = list(STEPS)
    loads = []
    for (status, _officer_id), middles in grouped.items():
        name, cases, late_count, _ = middles[0]
        days = [(today - clock.office_date(at)).days for *_, at in middles]
        loads.append(
            StageLoad(
                S(status),
                name or "Unassigned",
                int(cases),
                int(late_count or 0),
                sum(days) / len(days),
            )
        )
    loads.sort(key=lambda load: (order.index(load.stage), load.officer))
    return loads
