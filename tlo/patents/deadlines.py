"""Statutory and Bayh-Dole deadlines, computed from events: rules as data, pure functions.

Month arithmetic is dateutil's relativedelta, which clamps to the month's end (12 months after
2024-02-29 is 2025-02-28). A USPTO action due on a Saturday, Sunday or US federal holiday may be
taken on the next business day (35 U.S.C. 21(b)); `file_by` is that day. Holidays come from the
`holidays` package (federal holidays as observed), not a hand-kept list. Inauguration Day,
when USPTO also closes, is not among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from tlo.errors import ValidationError


class EventKind(StrEnum):
    PROVISIONAL_FILED = "provisional_filed"
    PCT_FILED = "pct_filed"
    US_PATENT_GRANTED = "us_patent_granted"
    OFFICE_ACTION_MAILED = "office_action_mailed"
    PUBLIC_DISCLOSURE = "public_disclosure"
    INVENTION_DISCLOSED = "invention_disclosed"
    AGENCY_NOTIFIED = "agency_notified"
    TITLE_ELECTED = "title_elected"
    LICENSE_EXECUTED = "license_executed"


# Events that exist only under Bayh-Dole: they count as federal even without the flag.
INHERENTLY_FEDERAL = {EventKind.AGENCY_NOTIFIED, EventKind.TITLE_ELECTED}


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    event: EventKind
    offset: relativedelta | None  # None: a rule with its own date arithmetic (see _due)
    uspto: bool = False  # an action at the USPTO: file_by rolls past closed days
    federal_only: bool = False
    from_priority: bool = False  # counted from the family's priority date, not the event
    window_before: relativedelta | None = None
    grace_after: relativedelta | None = None


def months(n: int) -> relativedelta:
    return relativedelta(months=n)


RULES: list[Rule] = [
    Rule(
        "convert_provisional",
        "Convert the provisional (non-provisional and/or PCT)",
        EventKind.PROVISIONAL_FILED,
        months(12),
        uspto=True,
    ),
    Rule(
        "bayh_dole_nonprovisional",
        "Bayh-Dole: non-provisional after the provisional",
        EventKind.PROVISIONAL_FILED,
        months(10),
        federal_only=True,
    ),
    Rule(
        "pct_national_phase_us",
        "PCT national phase in the US",
        EventKind.PCT_FILED,
        months(30),
        uspto=True,
        from_priority=True,
    ),
    Rule(
        "pct_regional_phase_ep",
        "PCT regional phase at the EPO",
        EventKind.PCT_FILED,
        months(31),
        from_priority=True,
    ),
    Rule(
        "maintenance_3_5",
        "US maintenance fee at 3.5 years",
        EventKind.US_PATENT_GRANTED,
        relativedelta(years=3, months=6),
        uspto=True,
        window_before=months(6),
        grace_after=months(6),
    ),
    Rule(
        "maintenance_7_5",
        "US maintenance fee at 7.5 years",
        EventKind.US_PATENT_GRANTED,
        relativedelta(years=7, months=6),
        uspto=True,
        window_before=months(6),
        grace_after=months(6),
    ),
    Rule(
        "maintenance_11_5",
        "US maintenance fee at 11.5 years",
        EventKind.US_PATENT_GRANTED,
        relativedelta(years=11, months=6),
        uspto=True,
        window_before=months(6),
        grace_after=months(6),
    ),
    Rule(
        "office_action_response",
        "Respond to the office action",
        EventKind.OFFICE_ACTION_MAILED,
        months(3),
        uspto=True,
    ),
    Rule(
        "office_action_response_extended",
        "Last day to respond, with extension fees",
        EventKind.OFFICE_ACTION_MAILED,
        months(6),
        uspto=True,
    ),
    Rule(
        "us_grace_period_filing",
        "File in the US within the one-year grace period",
        EventKind.PUBLIC_DISCLOSURE,
        months(12),
        uspto=True,
    ),
    Rule(
        "bayh_dole_report_invention",
        "Bayh-Dole: report the invention to the agency",
        EventKind.INVENTION_DISCLOSED,
        months(2),
        federal_only=True,
    ),
    Rule(
        "bayh_dole_elect_title",
        "Bayh-Dole: elect title",
        EventKind.AGENCY_NOTIFIED,
        relativedelta(years=2),
        federal_only=True,
    ),
    Rule(
        "bayh_dole_initial_filing",
        "Bayh-Dole: first patent application after electing title",
        EventKind.TITLE_ELECTED,
        relativedelta(years=1),
        federal_only=True,
    ),
    Rule(
        "bayh_dole_utilization_report",
        "Bayh-Dole: annual utilization report",
        EventKind.LICENSE_EXECUTED,
        None,
        federal_only=True,
    ),
]
RULES_BY_NAME = {rule.name: rule for rule in RULES}


@dataclass(frozen=True)
class Event:
    kind: EventKind
    on: date
    federal: bool = False
    priority_date: date | None = None  # for a PCT filing: the family's priority date
    bar_date: date | None = None  # for agency_notified: a statutory bar that comes first


@dataclass(frozen=True)
class Deadline:
    rule: str
    label: str
    trigger: EventKind
    due: date
    file_by: date | None
    window_opens: date | None
    grace_ends: date | None

    def as_json(self) -> dict:
        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "rule": self.rule,
            "due": iso(self.due),
            "file_by": iso(self.file_by),
            "window_opens": iso(self.window_opens),
            "grace_ends": iso(self.grace_ends),
        }


@lru_cache(maxsize=64)
def _us_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.US(years=year))


def is_uspto_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _us_holidays(day.year)


def next_business_day(day: date) -> date:
    """`day` itself if the USPTO is open then, else the next day it is."""
    while not is_uspto_business_day(day):
        day += timedelta(days=1)
    return day


def _due(rule: Rule, event: Event) -> date:
    if rule.name == "bayh_dole_utilization_report":
        return date(event.on.year, 12, 31)  # reported each calendar year, due December 31
    start = event.priority_date if rule.from_priority and event.priority_date else event.on
    due = start + rule.offset
    if rule.name == "bayh_dole_elect_title" and event.bar_date is not None:
        # A bar already passed makes the election due at once, never before the trigger.
        due = max(min(due, event.bar_date), event.on)
    return due


def deadlines_for_event(event: Event) -> list[Deadline]:
    federal = event.federal or event.kind in INHERENTLY_FEDERAL
    found = []
    for rule in RULES:
        if rule.event is not event.kind or (rule.federal_only and not federal):
            continue
        due = _due(rule, event)
        found.append(
            Deadline(
                rule=rule.name,
                label=rule.label,
                trigger=event.kind,
                due=due,
                file_by=next_business_day(due) if rule.uspto else None,
                window_opens=due - rule.window_before if rule.window_before else None,
                grace_ends=due + rule.grace_after if rule.grace_after else None,
            )
        )
    return found


def deadlines_for(events: list[Event]) -> list[Deadline]:
    """Every deadline the events set, event by event in the order given.

    A public disclosure among the events is a statutory bar one year later: the title
    election of an agency notification in the same list is then due no later than that.
    """
    bars = [e.on + months(12) for e in events if e.kind is EventKind.PUBLIC_DISCLOSURE]
    found = []
    for event in events:
        if event.kind is EventKind.AGENCY_NOTIFIED and event.bar_date is None and bars:
            event = Event(event.kind, event.on, event.federal, event.priority_date, min(bars))
        found.extend(deadlines_for_event(event))
    return found


def _date(value, field: str, index: int) -> date:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError(
            f"Event {index + 1}: {field} must be a date written YYYY-MM-DD, not {value!r}."
        ) from None


def parse_events(raw: object) -> list[Event]:
    """Events from JSON: a list of {"event": NAME, "date": "YYYY-MM-DD", ...}."""
    if not isinstance(raw, list):
        raise ValidationError("The events file must hold a JSON list of events.")
    events = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ValidationError(f"Event {index + 1} must be an object with event and date.")
        try:
            kind = EventKind(item.get("event"))
        except ValueError:
            names = ", ".join(kind.value for kind in EventKind)
            raise ValidationError(
                f"Event {index + 1}: {item.get('event')!r} is not an event; use one of {names}."
            ) from None
        on = _date(item.get("date"), "date", index)
        priority = item.get("priority_date")
        if kind is EventKind.PCT_FILED and priority is None:
            raise ValidationError(f"Event {index + 1}: a pct_filed event needs its priority_date.")
        bar = item.get("bar_date")
        events.append(
            Event(
                kind=kind,
                on=on,
                federal=item.get("federal") is True,
                priority_date=_date(priority, "priority_date", index) if priority else None,
                bar_date=_date(bar, "bar_date", index) if bar else None,
            )
        )
    return events
