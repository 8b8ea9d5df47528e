"""Decisions before costs: before each docket item that costs money (a national phase, a
renewal, an annuity, a maintenance or issue fee) the office decides whether to pay.

The review queue lists the cost events of the next months with the estimated fee (from
`fees.toml`), the case's status and its income so far. "Pay" is kept with who and why; "let
lapse" waives the item (it leaves the docket with who and why) and, on a federally funded case,
puts the notice to the agency on the docket: due 30 days before the last day the office could
have acted (37 CFR 401.14(f)(2)). The director's forecast adds up the estimated cost of what is
still to be paid, by year and office.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, func, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.disclosures.access import load_case
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.errors import NotFound, ValidationError
from tlo.money import from_cents, to_cents
from tlo.patents.deadlines import RULES, RulesError
from tlo.patents.models import CostDecision
from tlo.text import clean_date, clean_text

FEES_FILE = Path(__file__).resolve().parent / "fees.toml"
DECISIONS = ("pay", "lapse")
RULE_OFFICE = {rule.name: rule.office for rule in RULES}
REVIEW_MONTHS = (3, 6, 12, 18, 24)


@dataclass(frozen=True)
class FeeEstimate:
    rules: str  # a shell-style pattern of rule names
    amount: Decimal
    source: str


@lru_cache(maxsize=1)
def fee_estimates() -> tuple[FeeEstimate, ...]:
    """The shipped fee estimates, in file order (the first matching entry is used)."""
    try:
        data = tomllib.loads(FEES_FILE.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise RulesError(f"fees.toml: {err}") from err
    found = []
    for index, raw in enumerate(data.get("fee", [])):
        where = f"fees.toml fee {index + 1}"
        if set(raw) != {"rules", "usd", "source"}:
            raise RulesError(f"{where}: give exactly rules, usd and source")
        try:
            amount = Decimal(raw["usd"])
        except (InvalidOperation, TypeError):
            raise RulesError(f"{where}: usd {raw['usd']!r} is not an amount") from None
        if not fnmatch.filter(RULE_OFFICE, raw["rules"]):
            raise RulesError(f"{where}: {raw['rules']!r} names no rule")
        found.append(FeeEstimate(raw["rules"], amount, raw["source"]))
    return tuple(found)


@lru_cache(maxsize=1024)
def estimate_for(rule: str) -> FeeEstimate | None:
    """The estimated cost of a rule's item, or None when it is not a cost event."""
    for estimate in fee_estimates():
        if fnmatch.fnmatchcase(rule, estimate.rules):
            return estimate
    return None


@lru_cache(maxsize=1)
def cost_rules() -> frozenset[str]:
    """The rules whose items cost money to keep (those with a fee estimate)."""
    return frozenset(rule.name for rule in RULES if estimate_for(rule.name) is not None)


@dataclass(frozen=True)
class CostEvent:
    key: str
    disclosure_id: int
    docket: str
    title: str
    officer_name: str | None
    rule: str
    label: str
    subject: str
    office: str
    due: date
    act_by: date
    grace_ends: date | None
    overdue: bool
    estimate: Decimal
    estimate_source: str
    case_status: str
    licensed: bool
    income: Decimal  # the case's share of posted license income so far
    decision: str | None  # pay, or None while undecided
    decided_by: str | None
    reason: str


def _cost_entries(
    session: Session, actor: Actor, today: date, until: date, officer_person_id: int | None = None
):
    from tlo.patents.services import DocketFilters, docket

    # Open cost events due by `until` (the overdue among them), read from the stored docket.
    filters = DocketFilters(
        officer_person_id=officer_person_id,
        within_days=max(0, (until - today).days),
        rules=cost_rules(),
    )
    view = docket(session, actor=actor, filters=filters, today=today)
    for entry in view.entries:
        if entry.item.due > until:
            continue
        estimate = estimate_for(entry.item.rule)
        if estimate is not None:
            yield entry, estimate


def _income_by_case(session: Session) -> dict[int, int]:
    from tlo.revenue.models import Distribution, DistributionStatus

    return dict(
        session.exec(
            select(Distribution.disclosure_id, func.sum(Distribution.amount_cents))
            .where(Distribution.status == DistributionStatus.POSTED.value)
            .group_by(Distribution.disclosure_id)
        ).all()
    )


def cost_review(
    session: Session,
    *,
    actor: Actor,
    months_ahead: int = 12,
    officer_person_id: int | None = None,
    today: date | None = None,
) -> list[CostEvent]:
    """The cost events due in the next `months_ahead` months (and any overdue still open), soonest
    first, each with its estimate, the case's standing and the decision taken so far; of one
    officer's cases when `officer_person_id` is given."""
    require(actor, "docket.read")
    if months_ahead not in REVIEW_MONTHS:
        raise ValidationError(
            f"Review the next {', '.join(map(str, REVIEW_MONTHS))} months, not {months_ahead!r}."
        )
    today = today or clock.today()
    until = today + relativedelta(months=months_ahead)
    entries = list(_cost_entries(session, actor, today, until, officer_person_id))
    cases = {entry.item.disclosure_id for entry, _ in entries}
    # Every case's standing, rather than a list of the ids listed: bounded by the office, never
    # by the items.
    status = dict(session.exec(select(Disclosure.id, Disclosure.status)).all()) if cases else {}
    income = _income_by_case(session) if cases else {}
    decided = {
        d.key: d
        for d in session.exec(select(CostDecision).where(CostDecision.decision == "pay")).all()
    }
    rows = []
    for entry, estimate in entries:
        item = entry.item
        decision = decided.get(item.key)
        case_status = DisclosureStatus(status.get(item.disclosure_id, "filed"))
        rows.append(
            CostEvent(
                key=item.key,
                disclosure_id=item.disclosure_id,
                docket=item.docket,
                title=item.title,
                officer_name=item.officer_name,
                rule=item.rule,
                label=item.label,
                subject=item.subject,
                office=RULE_OFFICE.get(item.rule, ""),
                due=item.due,
                act_by=item.act_by,
                grace_ends=item.grace_ends,
                overdue=entry.overdue,
                estimate=estimate.amount,
                estimate_source=estimate.source,
                case_status=case_status.label,
                licensed=case_status is DisclosureStatus.LICENSED,
                income=from_cents(income.get(item.disclosure_id, 0)),
                decision=decision.decision if decision else None,
                decided_by=decision.decided_by_name if decision else None,
                reason=decision.reason if decision else "",
            )
        )
    return rows


MAX_AT_ONCE = 100


def decide_costs(
    session: Session,
    *,
    actor: Actor,
    keys: list[str],
    decision: str,
    reason: str = "",
    today: date | None = None,
) -> list[CostDecision]:
    """Record "pay" or "let lapse" for open cost events, all or none (e.g. a PCT's national
    phases not to be entered, declined at once). Letting lapse needs a reason, waives each item
    with it and, on a federal case, dockets the notice to the agency; it is final (a new filing
    revives nothing). "Pay" may later give way to "lapse"."""
    if not isinstance(decision, str) or decision not in DECISIONS:
        raise ValidationError("Decide to pay or to let lapse.")
    reason = clean_text(
        reason, what="reason", column=CostDecision.reason, required=decision == "lapse"
    )
    if (
        not isinstance(keys, list | tuple)
        or not keys
        or len(keys) > MAX_AT_ONCE
        or not all(isinstance(k, str) and 0 < len(k) <= 120 for k in keys)
    ):
        raise ValidationError(f"Choose between 1 and {MAX_AT_ONCE} docket items to decide on.")
    for key in keys:
        clean_text(key, what="docket item", column=CostDecision.key, multiline=False)
    if len(set(keys)) != len(keys):
        raise ValidationError("An item is chosen twice.")
    today = clean_date(today, what="day", required=False) or clock.today()
    from tlo.patents.services import open_docket_items, record_mark

    require(actor, "docket.read")
    open_items = open_docket_items(session, actor=actor, keys=list(keys), today=today)
    previous = {
        d.key: d
        for d in session.exec(select(CostDecision).where(col(CostDecision.key).in_(keys))).all()
    }
    decided = []
    for key in keys:
        item = open_items.get(key)
        if item is None:
            raise NotFound("This item is not open on the docket: it was paid, waived or decided.")
        estimate = estimate_for(item.rule)
        if estimate is None:
            raise ValidationError(f"{item.label} costs nothing to keep: mark it done instead.")
        load_case(session, actor, item.disclosure_id, "disclosure.work")
        earlier = previous.get(key)
        if earlier is not None and (earlier.decision == decision or earlier.decision == "lapse"):
            raise ValidationError(
                f"{item.label}: {earlier.decided_by_name} already decided to "
                f"{_said(earlier.decision)} on {earlier.decided_on.isoformat()}."
            )
        before = audit.snapshot(earlier) if earlier else None
        record = earlier or CostDecision(key=key, disclosure_id=item.disclosure_id, rule=item.rule)
        record.decision = decision
        record.reason = reason
        record.decided_on = today
        record.act_by = item.act_by
        record.subject = item.subject[:300]
        record.label = item.label[:200]
        record.estimate_cents = to_cents(estimate.amount)
        record.decided_at = clock.utcnow()
        record.decided_by_account_id = actor.account_id
        record.decided_by_name = actor.name
        session.add(record)
        if decision == "lapse":
            record_mark(
                session, actor=actor, item=item, state="waived", note=f"Let lapse: {reason}"
            )
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="docket.cost_decided",
            object_type="disclosure",
            object_id=item.disclosure_id,
            before=before,
            after=audit.snapshot(record),
        )
        decided.append(record)
    return decided


def _said(decision: str) -> str:
    return "pay" if decision == "pay" else "let it lapse"


def lapses_by_case(session: Session, disclosure_ids: list[int]) -> dict[int, list[CostDecision]]:
    """Each case's lapse decisions (the docket turns them into agency notices)."""
    found: dict[int, list[CostDecision]] = {}
    query = select(CostDecision).where(
        CostDecision.decision == "lapse", col(CostDecision.disclosure_id).in_(disclosure_ids)
    )
    for record in session.exec(query).all():
        found.setdefault(record.disclosure_id, []).append(record)
    return found


@dataclass(frozen=True)
class ForecastRow:
    year: int
    office: str
    items: int
    amount: Decimal


def cost_forecast(
    session: Session, *, actor: Actor, years: int = 5, today: date | None = None
) -> list[ForecastRow]:
    """The estimated cost of every open cost event due from today to `years` calendar years
    ahead (overdue ones in this year), by year and office. Items decided "let lapse" are out."""
    require(actor, "docket.forecast")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 20:
        raise ValidationError("Forecast between 1 and 20 years ahead.")
    today = clean_date(today, what="day", required=False) or clock.today()
    from tlo.auth.permissions import system_actor

    # The director sees the whole portfolio, whoever runs the forecast.
    reader = system_actor("cost forecast")
    totals: dict[tuple[int, str], list] = {}
    until = date(today.year + years - 1, 12, 31)
    for entry, estimate in _cost_entries(session, reader, today, until):
        year = max(entry.item.due.year, today.year)
        slot = totals.setdefault((year, RULE_OFFICE.get(entry.item.rule, "")), [0, Decimal(0)])
        slot[0] += 1
        slot[1] += estimate.amount
    return [
        ForecastRow(year, office, count, amount)
        for (year, office), (count, amount) in sorted(totals.items())
    ]
