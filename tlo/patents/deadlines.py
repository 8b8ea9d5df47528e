"""Statutory, patent-office and Bayh-Dole deadlines, computed from events by rules that are data.

The rules live in `tlo/patents/rules/*.toml`, one entry a deadline, each with its legal source
(the keys are explained in `tlo/patents/rules/README.md`); this module is the small engine
that reads them. It is pure: events in, deadlines out, no database.

Month arithmetic is dateutil's relativedelta, which clamps to the month's end (12 months after
2024-02-29 is 2025-02-28). Japan and Korea count a period from the day after its start and end
it the day before the corresponding day (JP Patent Act Art. 3(1), KR Patent Act Art. 14): the
same day, except that a period counted from a month's last day ends on a month's last day;
their rules say so with `month_end_to_month_end`. A USPTO action due on a Saturday, Sunday or
US federal holiday may be taken on the next business day (35 U.S.C. 21(b)); `file_by` is that
day. Holidays come from the `holidays` package (federal holidays as observed), not a hand-kept
list. Inauguration Day, when USPTO also closes, is not among them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import holidays
from dateutil.relativedelta import relativedelta

from tlo.errors import ValidationError

RULES_DIR = Path(__file__).resolve().parent / "rules"
# The order the files are read in is the order rules of one event are listed in.
RULE_FILES = ("us.toml", "pct.toml", "ep.toml", "bayh_dole.toml", "annuities.toml")


class EventKind(StrEnum):
    PROVISIONAL_FILED = "provisional_filed"
    NONPROVISIONAL_FILED = "nonprovisional_filed"
    PCT_FILED = "pct_filed"
    EP_FILED = "ep_filed"
    US_PATENT_GRANTED = "us_patent_granted"
    OFFICE_ACTION_MAILED = "office_action_mailed"
    PUBLIC_DISCLOSURE = "public_disclosure"
    INVENTION_DISCLOSED = "invention_disclosed"
    AGENCY_NOTIFIED = "agency_notified"
    TITLE_ELECTED = "title_elected"
    LICENSE_EXECUTED = "license_executed"
    DECIDED_NOT_TO_CONTINUE = "decided_not_to_continue"
    NATIONAL_FILED = "national_filed"
    NATIONAL_PATENT_GRANTED = "national_patent_granted"


class ActionType(StrEnum):
    """What the office mailed: each sets its own period and extension rule."""

    NON_FINAL = "non_final"
    FINAL = "final"
    RESTRICTION = "restriction"
    QUAYLE = "quayle"
    NOTICE_OF_ALLOWANCE = "notice_of_allowance"
    MISSING_PARTS = "missing_parts"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    ActionType.NON_FINAL: "Non-final rejection",
    ActionType.FINAL: "Final rejection",
    ActionType.RESTRICTION: "Restriction requirement",
    ActionType.QUAYLE: "Ex parte Quayle action",
    ActionType.NOTICE_OF_ALLOWANCE: "Notice of allowance (issue fee)",
    ActionType.MISSING_PARTS: "Notice to file missing parts",
}

# Events that exist only under Bayh-Dole: they count as federal even without the flag.
INHERENTLY_FEDERAL = {EventKind.AGENCY_NOTIFIED, EventKind.TITLE_ELECTED}

# Events that happen at one national office and carry its code: a rule of such an event holds
# only for an event of the rule's `office` (an event without an office sets none of them).
OFFICE_EVENTS = frozenset({EventKind.NATIONAL_FILED, EventKind.NATIONAL_PATENT_GRANTED})

# The patent term the national rules stop at (`until_term_end`): 20 years from the filing date
# (TRIPS Art. 33; each office's own provision is cited by its `patent_expiry_*` rule).
TERM = relativedelta(years=20)


class RulesError(ValueError):
    """A rules file that tlo cannot use (a bug in the shipped data: tests load every file)."""


def months(n: int) -> relativedelta:
    return relativedelta(months=n)


def _period(raw: dict, where: str) -> relativedelta:
    unknown = set(raw) - {"years", "months", "days", "from", "month_end"}
    if unknown:
        raise RulesError(f"{where}: unknown keys {sorted(unknown)}")
    return relativedelta(
        years=raw.get("years", 0), months=raw.get("months", 0), days=raw.get("days", 0)
    )


def _end_of_month(day: date) -> date:
    return day + relativedelta(day=31)


def _add(day: date, period: relativedelta, *, month_end_to_month_end: bool = False) -> date:
    """`day` + `period`, clamped to the month's end; with `month_end_to_month_end` a period
    counted from a month's last day ends on a month's last day (JP Art. 3(1), KR Art. 14:
    counted from the next day, the 1st, it ends the day before the corresponding 1st)."""
    moved = day + period
    if month_end_to_month_end and day == _end_of_month(day):
        return _end_of_month(moved)
    return moved


@dataclass(frozen=True)
class DateFrom:
    """A date counted from the event, the priority date or the due date (window and grace)."""

    start: str  # event, priority or due
    period: relativedelta
    month_end: bool = False

    def of(
        self, *, event: date, priority: date, due: date, month_end_to_month_end: bool = False
    ) -> date:
        base = {"event": event, "priority": priority, "due": due}[self.start]
        day = _add(base, self.period, month_end_to_month_end=month_end_to_month_end)
        return _end_of_month(day) if self.month_end else day


@dataclass(frozen=True)
class Condition:
    federal: bool | None = None
    first_filing: bool | None = None  # True: the event claims no earlier filing
    actions: frozenset[str] | None = None
    has: str | None = None  # an event field that must be given
    office: str | None = None  # for OFFICE_EVENTS: the event's office must be this one

    def holds(self, event: Event) -> bool:
        if self.office is not None and event.office != self.office:
            return False
        if self.federal and not (event.federal or event.kind in INHERENTLY_FEDERAL):
            return False
        if self.first_filing is not None and (event.priority_date is None) != self.first_filing:
            return False
        if self.actions is not None and (event.action or ActionType.NON_FINAL) not in self.actions:
            return False
        return not (self.has is not None and getattr(event, self.has) is None)

    def words(self) -> str:
        said = []
        if self.office:
            said.append(f"the event is at {self.office}")
        if self.federal:
            said.append("federally funded")
        if self.first_filing is True:
            said.append("a first filing (claims no earlier one)")
        if self.actions is not None:
            said.append(", ".join(ActionType(a).label.lower() for a in sorted(self.actions)))
        if self.has:
            said.append(f"{self.has.replace('_', ' ')} given")
        return "; ".join(said) or "always"


@dataclass(frozen=True)
class Rule:
    """One deadline rule, as read from a rules file."""

    name: str
    label: str
    event: EventKind
    office: str
    source: str
    met_by: str
    aborted_by: str
    family: str  # the file it comes from: us, pct, ep, bayh_dole
    offset: relativedelta = field(default_factory=relativedelta)
    count_from: str = "event"  # event, priority, filing_date or response_due
    rolls: str | None = None  # "USPTO": file_by is the next day that office is open
    condition: Condition = field(default_factory=Condition)
    window_opens: DateFrom | None = None
    grace_ends: DateFrom | None = None
    due_month_end: bool = False
    not_before_priority: relativedelta | None = None
    add_term_adjustment: bool = False
    bar: str | None = None  # election or filing: the statutory bar limits the date
    fiscal_year_report: bool = False
    late_when_past: bool = False  # due at the event at the latest, flagged late
    not_before_event: relativedelta | None = None  # due no earlier than this after the event
    skip_before_event: bool = False  # an item due before the event's day is dropped
    until_term_end: bool = False  # an item due on or after filing date + TERM is dropped
    month_end_to_month_end: bool = False  # JP/KR counting: a month end leads to a month end
    order: int = 0
    offset_words: str = ""  # the offset as the file states it ("30 months")

    @property
    def federal_only(self) -> bool:
        return self.family == "bayh_dole"

    @property
    def computation(self) -> str:
        """How the due date is counted, in words (the rules page shows it)."""
        if self.fiscal_year_report:
            return "31 December after the federal fiscal year (October-September) of the event"
        parts = [f"{self.offset_words} from the {self.count_from.replace('_', ' ')}"]
        if self.due_month_end:
            parts.append("on the last day of that month")
        if self.not_before_priority is not None:
            total = self.not_before_priority.years * 12 + self.not_before_priority.months
            parts.append(f"not before {total} months from the priority")
        if self.add_term_adjustment:
            parts.append("plus the term adjustment days")
        if self.bar == "election":
            parts.append("or 60 days before a statutory bar if sooner (never before the event)")
        if self.bar == "filing":
            parts.append("or the statutory bar if sooner")
        if self.late_when_past:
            parts.append("or the event's own date, flagged late, if that is past")
        if self.not_before_event is not None:
            gap = _describe_delta(self.not_before_event)
            parts.append(
                "not before the event" if gap == "0 days" else f"not before {gap} from the event"
            )
        if self.month_end_to_month_end:
            parts.append("counted from a month's last day, it ends on a month's last day")
        if self.skip_before_event:
            parts.append("none due before the event's day")
        if self.until_term_end:
            parts.append("none due on or after 20 years from the filing date")
        if self.rolls:
            parts.append(f"rolled to the next day the {self.rolls} is open")
        return "; ".join(parts)


def _describe(raw: dict) -> str:
    words = []
    for unit in ("years", "months", "days"):
        value = raw.get(unit)
        if value:
            words.append(f"{value} {unit if abs(value) != 1 else unit[:-1]}")
    return " ".join(words) or "0 days"


def _describe_delta(period: relativedelta) -> str:
    return _describe({"years": period.years, "months": period.months, "days": period.days})


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


RULE_KEYS = {
    "name",
    "label",
    "event",
    "office",
    "source",
    "met_by",
    "aborted_by",
    "offset",
    "count_from",
    "rolls",
    "when",
    "window_opens",
    "grace_ends",
    "due_month_end",
    "not_before_priority",
    "add_term_adjustment",
    "bar",
    "fiscal_year_report",
    "not_before_event",
    "skip_before_event",
    "until_term_end",
    "month_end_to_month_end",
    "series",
    "order",
}
FLAG_KEYS = (
    "due_month_end",
    "add_term_adjustment",
    "fiscal_year_report",
    "skip_before_event",
    "until_term_end",
    "month_end_to_month_end",
)
OFFICE_CODE = re.compile(r"[A-Z]{2}")


def _rule(raw: dict, family: str, where: str) -> list[Rule]:
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown keys {sorted(unknown)}")
    for required in ("name", "label", "event", "office", "source", "met_by", "aborted_by"):
        if not raw.get(required):
            raise RulesError(f"{where}: {required} is required")
    try:
        event = EventKind(raw["event"])
    except ValueError:
        raise RulesError(f"{where}: {raw['event']!r} is not an event") from None
    when = raw.get("when", {})
    if set(when) - {"federal", "first_filing", "action", "has"}:
        raise RulesError(f"{where}: unknown conditions {sorted(when)}")
    actions = when.get("action")
    if actions is not None:
        for action in actions:
            ActionType(action)
    if raw.get("count_from", "event") not in ("event", "priority", "filing_date", "response_due"):
        raise RulesError(f"{where}: count_from {raw['count_from']!r}")
    if raw.get("bar") not in (None, "election", "filing"):
        raise RulesError(f"{where}: bar {raw['bar']!r}")
    for flag in FLAG_KEYS:
        if not isinstance(raw.get(flag, False), bool):
            raise RulesError(f"{where}: {flag} must be true or false, not {raw[flag]!r}")
    if event in OFFICE_EVENTS and not OFFICE_CODE.fullmatch(raw["office"]):
        raise RulesError(f"{where}: office {raw['office']!r} is not a two-letter office code")
    not_before = raw.get("not_before_event")
    if not_before is None or not_before == "late":
        not_before_event = None
    elif not_before is True:
        not_before_event = relativedelta()
    elif isinstance(not_before, dict):
        if set(not_before) - {"years", "months", "days"}:
            raise RulesError(f"{where}: not_before_event has unknown keys {sorted(not_before)}")
        not_before_event = _period(not_before, where)
    else:
        raise RulesError(
            f'{where}: not_before_event is "late", true or {{ years, months, days }}, '
            f"not {not_before!r}"
        )
    series = raw.get("series")
    if series is not None and (
        not isinstance(series, dict)
        or set(series) - {"first", "last", "years"}
        or not {"first", "last"} <= set(series)
        or series["first"] > series["last"]
    ):
        raise RulesError(f"{where}: series is {{ first, last, years }} with first <= last")

    def date_from(key: str) -> DateFrom | None:
        spec = raw.get(key)
        if spec is None:
            return None
        return DateFrom(
            spec.get("from", "event"), _period(spec, where), spec.get("month_end", False)
        )

    base = dict(
        label=raw["label"],
        event=event,
        office=raw["office"],
        source=raw["source"],
        met_by=raw["met_by"],
        aborted_by=raw["aborted_by"],
        family=family,
        offset=_period(raw.get("offset", {}), where),
        count_from=raw.get("count_from", "event"),
        rolls=raw.get("rolls"),
        condition=Condition(
            federal=when.get("federal"),
            first_filing=when.get("first_filing"),
            actions=frozenset(actions) if actions is not None else None,
            has=when.get("has"),
            office=raw["office"] if event in OFFICE_EVENTS else None,
        ),
        window_opens=date_from("window_opens"),
        grace_ends=date_from("grace_ends"),
        due_month_end=raw.get("due_month_end", False),
        not_before_priority=_period(raw["not_before_priority"], where)
        if "not_before_priority" in raw
        else None,
        add_term_adjustment=raw.get("add_term_adjustment", False),
        bar=raw.get("bar"),
        fiscal_year_report=raw.get("fiscal_year_report", False),
        late_when_past=not_before == "late",
        not_before_event=not_before_event,
        skip_before_event=raw.get("skip_before_event", False),
        until_term_end=raw.get("until_term_end", False),
        month_end_to_month_end=raw.get("month_end_to_month_end", False),
        order=raw.get("order", 0),
        offset_words=_describe(raw.get("offset", {})),
    )
    if series is None:
        return [Rule(name=raw["name"], **base)]
    return [
        Rule(
            **(
                base
                | {
                    "name": raw["name"].format(n=n),
                    "label": raw["label"].format(n=n, nth=_ordinal(n)),
                    "offset": relativedelta(years=n + series.get("years", 0)),
                    "offset_words": _describe({"years": n + series.get("years", 0)}),
                }
            )
        )
        for n in range(series["first"], series["last"] + 1)
    ]


@lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """Every rule of the shipped files, in listing order (file, then `order`, then position)."""
    rules: list[Rule] = []
    for position, filename in enumerate(RULE_FILES):
        path = RULES_DIR / filename
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise RulesError(f"{filename}: {err}") from err
        family = filename.removesuffix(".toml")
        for index, raw in enumerate(data.get("rule", [])):
            for rule in _rule(raw, family, f"{filename} rule {index + 1}"):
                rules.append((rule.order, position, len(rules), rule))
    return tuple(rule for *_, rule in sorted(rules, key=lambda entry: entry[:3]))


RULES: tuple[Rule, ...] = load_rules()
RULE_NAMES: frozenset[str] = frozenset(rule.name for rule in RULES)
BAYH_DOLE_RULES: frozenset[str] = frozenset(rule.name for rule in RULES if rule.federal_only)
# The offices an office event may name: those that have rules for it.
OFFICES: dict[EventKind, tuple[str, ...]] = {
    kind: tuple(sorted({rule.office for rule in RULES if rule.event is kind}))
    for kind in OFFICE_EVENTS
}


@dataclass(frozen=True)
class Event:
    kind: EventKind
    on: date
    federal: bool = False
    priority_date: date | None = None  # the earlier filing this one claims, if any
    bar_date: date | None = None  # a statutory bar (one year after a public disclosure)
    action: ActionType | None = None  # for office_action_mailed (non_final when not given)
    # us_patent_granted and national_patent_granted: where the 20-year term counts from;
    # national_filed: where the term and the fees count from (a national phase: the
    # international filing date), the event's own date when not given
    filing_date: date | None = None
    term_adjustment_days: int = 0
    response_due: date | None = None  # for decided_not_to_continue
    office: str | None = None  # for OFFICE_EVENTS: the office's code (CN, JP, KR, CA, AU, IN)


@dataclass(frozen=True)
class Deadline:
    rule: str
    label: str
    trigger: EventKind
    due: date
    file_by: date | None
    window_opens: date | None
    grace_ends: date | None
    late: bool | None = None  # only for rules that can be due already when they arise

    def as_json(self) -> dict:
        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        shown = {
            "rule": self.rule,
            "due": iso(self.due),
            "file_by": iso(self.file_by),
            "window_opens": iso(self.window_opens),
            "grace_ends": iso(self.grace_ends),
        }
        if self.late is not None:
            shown["late"] = self.late
        return shown


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


def fiscal_year(day: date) -> int:
    """The US federal fiscal year (October-September) a day falls in."""
    return day.year + 1 if day.month >= 10 else day.year


def federal_fiscal_year_report_due(on: date) -> date:
    """31 December after the end of the federal fiscal year (October-September) of `on`."""
    return date(fiscal_year(on), 12, 31)


def _start(rule: Rule, event: Event) -> date:
    if rule.count_from == "priority":
        return event.priority_date or event.on
    if rule.count_from == "filing_date":
        return event.filing_date or event.on
    if rule.count_from == "response_due":
        return event.response_due or event.on
    return event.on


def _deadline(rule: Rule, event: Event) -> Deadline | None:
    """The rule's deadline for the event, or None where the rule drops it (an item due before
    the event's day with `skip_before_event`, or from the term's end on with `until_term_end`)."""
    priority = event.priority_date or event.on
    late = None
    if rule.fiscal_year_report:
        due = federal_fiscal_year_report_due(event.on)
    else:
        due = _add(
            _start(rule, event), rule.offset, month_end_to_month_end=rule.month_end_to_month_end
        )
    if rule.due_month_end:
        due = _end_of_month(due)
    if rule.not_before_priority is not None and event.priority_date is not None:
        due = max(due, event.priority_date + rule.not_before_priority)
    if rule.add_term_adjustment:
        due += timedelta(days=event.term_adjustment_days)
    if rule.bar == "election" and event.bar_date is not None:
        due = max(event.on, min(due, event.bar_date - timedelta(days=60)))
    if rule.bar == "filing" and event.bar_date is not None:
        due = min(due, event.bar_date)
    if rule.late_when_past:
        late = due < event.on
        due = max(due, event.on)
    if rule.not_before_event is not None:
        due = max(due, event.on + rule.not_before_event)
    if rule.skip_before_event and due < event.on:
        return None
    if rule.until_term_end:
        term_end = _add(
            event.filing_date or event.on, TERM, month_end_to_month_end=rule.month_end_to_month_end
        )
        if due >= term_end:
            return None
    counted = {
        "event": event.on,
        "priority": priority,
        "due": due,
        "month_end_to_month_end": rule.month_end_to_month_end,
    }
    window = rule.window_opens.of(**counted) if rule.window_opens else None
    grace = rule.grace_ends.of(**counted) if rule.grace_ends else None
    return Deadline(
        rule=rule.name,
        label=rule.label,
        trigger=event.kind,
        due=due,
        file_by=next_business_day(due) if rule.rolls == "USPTO" else None,
        window_opens=window,
        grace_ends=grace,
        late=late,
    )


def rules_for(event: Event) -> list[Rule]:
    return [rule for rule in RULES if rule.event is event.kind and rule.condition.holds(event)]


def deadlines_for_event(event: Event) -> list[Deadline]:
    found = (_deadline(rule, event) for rule in rules_for(event))
    return [deadline for deadline in found if deadline is not None]


BAR_EVENTS = {EventKind.AGENCY_NOTIFIED, EventKind.TITLE_ELECTED}


def deadlines_for(events: list[Event]) -> list[Deadline]:
    """Every deadline the events set, event by event in the order given.

    A public disclosure among the events is a statutory bar one year later: the title
    election and the first filing after election of a Bayh-Dole event in the same list are then
    limited by it.
    """
    bars = [e.on + months(12) for e in events if e.kind is EventKind.PUBLIC_DISCLOSURE]
    found = []
    for event in events:
        if event.kind in BAR_EVENTS and event.bar_date is None and bars:
            event = replace(event, bar_date=min(bars))
        found.extend(deadlines_for_event(event))
    return found


# --- events from JSON (`python -m tlo deadlines`) ---------------------------------------------

EVENT_FIELDS = {
    "event",
    "date",
    "federal",
    "priority_date",
    "bar_date",
    "action",
    "filing_date",
    "term_adjustment_days",
    "response_due",
    "office",
}


def _date(value, field: str, index: int) -> date:
    try:
        return date.fromisoformat(str(value)) if isinstance(value, str) else _not_a_date(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"Event {index + 1}: {field} must be a date written YYYY-MM-DD, not {value!r}."
        ) from None


def _not_a_date(value) -> date:
    raise TypeError(value)


def _optional_date(item: dict, field: str, index: int) -> date | None:
    value = item.get(field)
    return None if value is None else _date(value, field, index)


def parse_events(raw: object) -> list[Event]:
    """Events from JSON: a list of {"event": NAME, "date": "YYYY-MM-DD", ...}."""
    if not isinstance(raw, list):
        raise ValidationError("The events file must hold a JSON list of events.")
    events = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ValidationError(f"Event {index + 1} must be an object with event and date.")
        where = f"Event {index + 1}"
        try:
            kind = EventKind(item.get("event"))
        except ValueError:
            names = ", ".join(kind.value for kind in EventKind)
            raise ValidationError(
                f"{where}: {item.get('event')!r} is not an event; use one of {names}."
            ) from None
        on = _date(item.get("date"), "date", index)
        federal = item.get("federal", False)
        if not isinstance(federal, bool):
            raise ValidationError(f"{where}: federal must be true or false, not {federal!r}.")
        action = item.get("action")
        if action is not None:
            if kind is not EventKind.OFFICE_ACTION_MAILED:
                raise ValidationError(f"{where}: only an office_action_mailed event has an action.")
            try:
                action = ActionType(action)
            except ValueError:
                names = ", ".join(a.value for a in ActionType)
                raise ValidationError(
                    f"{where}: {action!r} is not an office action; use one of {names}."
                ) from None
        adjustment = item.get("term_adjustment_days", 0)
        if adjustment is None:
            adjustment = 0
        if (
            isinstance(adjustment, bool)
            or not isinstance(adjustment, int)
            or not (0 <= adjustment <= 20 * 366)
        ):
            raise ValidationError(
                f"{where}: term_adjustment_days must be a whole number of days from 0, "
                f"not {adjustment!r}."
            )
        response_due = _optional_date(item, "response_due", index)
        if kind is EventKind.DECIDED_NOT_TO_CONTINUE and response_due is None:
            raise ValidationError(
                f"{where}: a decided_not_to_continue event needs the response_due date it "
                "lets pass (the office action's or fee's last day)."
            )
        priority = _optional_date(item, "priority_date", index)
        if priority is not None and priority > on:
            raise ValidationError(f"{where}: the priority_date comes after the event's date.")
        filing_date = _optional_date(item, "filing_date", index)
        office = _office(item.get("office"), kind, where)
        if kind is EventKind.NATIONAL_PATENT_GRANTED and filing_date is None:
            raise ValidationError(
                f"{where}: a national_patent_granted event needs the filing_date its 20-year "
                "term counts from (for a national phase, the international filing date)."
            )
        if kind in OFFICE_EVENTS and filing_date is not None and filing_date > on:
            raise ValidationError(f"{where}: the filing_date comes after the event's date.")
        events.append(
            Event(
                kind=kind,
                on=on,
                federal=federal,
                priority_date=priority,
                bar_date=_optional_date(item, "bar_date", index),
                action=action,
                filing_date=filing_date,
                term_adjustment_days=adjustment,
                response_due=response_due,
                office=office,
            )
        )
    return events


def _office(value: object, kind: EventKind, where: str) -> str | None:
    """The office of a national_filed or national_patent_granted event: one with its rules."""
    if kind not in OFFICE_EVENTS:
        if value is not None:
            names = " or ".join(sorted(k.value for k in OFFICE_EVENTS))
            raise ValidationError(f"{where}: only a {names} event has an office.")
        return None
    offices = ", ".join(OFFICES[kind])
    if value is None:
        raise ValidationError(f"{where}: a {kind.value} event needs its office, one of {offices}.")
    if not isinstance(value, str) or value not in OFFICES[kind]:
        hint = ""
        if kind is EventKind.NATIONAL_FILED and value in OFFICES[EventKind.NATIONAL_PATENT_GRANTED]:
            hint = f" ({value}'s fees start at grant: use national_patent_granted)"
        raise ValidationError(
            f"{where}: office {value!r} has no {kind.value} rules{hint}; use one of {offices} "
            "(the office's code in capitals)."
        )
    return value
