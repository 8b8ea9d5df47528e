"""The docket: every deadline of a case, computed from its records by the rules in
deadlines.py. Pure: it takes plain facts and returns items; services load the facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tlo.patents.deadlines import (
    BAYH_DOLE_RULES,
    OFFICES,
    RULES,
    ActionType,
    Event,
    EventKind,
    deadlines_for_event,
    fiscal_year,
    months,
)
from tlo.patents.models import ApplicationStatus, ApplicationType


@dataclass(frozen=True)
class ApplicationFacts:
    id: int
    parent_id: int | None
    jurisdiction: str
    application_type: ApplicationType
    application_number: str
    filing_date: date
    priority_date: date
    status: ApplicationStatus
    grant_date: date | None
    abandoned_on: date | None = None

    @property
    def name(self) -> str:
        number = self.application_number or "(no number yet)"
        return f"{self.jurisdiction} {self.application_type.label} {number}"


@dataclass(frozen=True)
class OfficeActionFacts:
    id: int
    application_id: int
    mailed_on: date
    responded_on: date | None
    action: ActionType = ActionType.NON_FINAL
    description: str = ""


@dataclass(frozen=True)
class BayhDoleFacts:
    reported_on: date | None
    election: str
    elected_on: date | None


@dataclass(frozen=True)
class LapseFacts:
    """A cost event the office decided to let lapse (see decisions.py)."""

    key: str  # the lapsed item's docket key
    subject: str
    label: str
    decided_on: date
    act_by: date  # the last day the office could have acted


@dataclass(frozen=True)
class CaseFacts:
    disclosure_id: int
    docket: str
    title: str
    officer_person_id: int | None
    officer_name: str | None
    federal: bool
    received_on: date | None
    applications: list[ApplicationFacts] = field(default_factory=list)
    office_actions: list[OfficeActionFacts] = field(default_factory=list)
    public_disclosures: list[date] = field(default_factory=list)
    bayh_dole: BayhDoleFacts | None = None
    licensed_on: date | None = None
    lapses: list[LapseFacts] = field(default_factory=list)


@dataclass(frozen=True)
class DocketItem:
    key: str  # stable: marks (done/waived) and calendar UIDs refer to it
    disclosure_id: int
    docket: str
    title: str
    officer_person_id: int | None
    officer_name: str | None
    rule: str
    label: str
    subject: str
    due: date
    file_by: date | None
    window_opens: date | None
    grace_ends: date | None
    met_by_records: bool  # e.g. the provisional has a non-provisional child

    @property
    def is_bayh_dole(self) -> bool:
        return self.rule in BAYH_DOLE_RULES

    @property
    def kind(self) -> str:
        """patent, bayh_dole or license (an agreement's obligation)."""
        if self.rule.startswith("obligation_"):
            return "license"
        return "bayh_dole" if self.is_bayh_dole else "patent"

    @property
    def act_by(self) -> date:
        """The last day to act: the file-by date where the office may use it."""
        return self.file_by or self.due


def _items(
    case: CaseFacts,
    key_prefix: str,
    subject: str,
    event: Event,
    met: dict[str, bool],
    *,
    only: frozenset[str] | None = None,
):
    for deadline in deadlines_for_event(event):
        if only is not None and deadline.rule not in only:
            continue
        yield DocketItem(
            key=f"{key_prefix}:{deadline.rule}",
            disclosure_id=case.disclosure_id,
            docket=case.docket,
            title=case.title,
            officer_person_id=case.officer_person_id,
            officer_name=case.officer_name,
            rule=deadline.rule,
            label=deadline.label,
            subject=subject,
            due=deadline.due,
            file_by=deadline.file_by,
            window_opens=deadline.window_opens,
            grace_ends=deadline.grace_ends,
            met_by_records=met.get(deadline.rule, False),
        )


# Which child of a PCT enters which office's national or regional phase (rule -> jurisdiction).
PCT_ENTRY_JURISDICTION = {rule.name: rule.office for rule in RULES if rule.name.startswith("pct_")}
PHASES = (ApplicationType.NATIONAL_PHASE, ApplicationType.REGIONAL_PHASE)
# Offices whose annuities and term the rules know (annuities.toml).
NATIONAL_OFFICES = frozenset(OFFICES[EventKind.NATIONAL_PATENT_GRANTED])


def _us_term_start(app: ApplicationFacts, by_id: dict[int, ApplicationFacts]) -> date:
    """Where a US patent's 20 years count from: the earliest US non-provisional or PCT filing
    in its chain of parents (35 U.S.C. 154(a)(2)); provisionals and foreign priorities do not
    count."""
    start = app.filing_date
    current, seen = app, set()
    while current.parent_id in by_id and current.parent_id not in seen:
        seen.add(current.id)
        current = by_id[current.parent_id]
        if current.application_type is ApplicationType.PROVISIONAL:
            break
        if current.jurisdiction in ("US", "WO"):
            start = min(start, current.filing_date)
    return start


@dataclass(frozen=True)
class ShownItem:
    """A docket item and the days it is on the docket: from `shown_from` to `shown_until`
    (inclusive; None: without end). Most items hold on any day; a public disclosure's items
    begin on its day, a utilization report with its fiscal year, and the title election moves
    once the first public disclosure starts the statutory bar."""

    item: DocketItem
    shown_from: date | None = None
    shown_until: date | None = None

    def shown_on(self, day: date) -> bool:
        return (self.shown_from is None or self.shown_from <= day) and (
            self.shown_until is None or day <= self.shown_until
        )


def items_for_case(case: CaseFacts, *, today: date) -> list[DocketItem]:
    """Every deadline the case's records set on `today`, whether met or not, oldest first."""
    shown = shown_items_for_case(case, through_fiscal_year=fiscal_year(today))
    return [entry.item for entry in shown if entry.shown_on(today)]


def shown_items_for_case(case: CaseFacts, *, through_fiscal_year: int) -> list[ShownItem]:
    """Every deadline the case's records set, each with the days it is shown on, for any day
    up to the end of the federal fiscal year `through_fiscal_year` (utilization reports of
    later years are not listed). The stored docket keeps exactly these (see services.py)."""
    live = [
        a
        for a in case.applications
        if a.status not in (ApplicationStatus.ABANDONED, ApplicationStatus.EXPIRED)
    ]
    by_id = {a.id: a for a in case.applications}
    children = {
        a.id: [c for c in case.applications if c.parent_id == a.id] for a in case.applications
    }
    items: list[DocketItem] = []
    for app in live:
        kids = children[app.id]
        # The priority year is kept by a PCT or any non-US filing claiming this one.
        abroad = any(
            k.application_type is ApplicationType.PCT or k.jurisdiction != "US" for k in kids
        )
        first = app.parent_id is None and app.priority_date == app.filing_date
        if app.application_type is ApplicationType.PROVISIONAL:
            converted = any(
                k.application_type in (ApplicationType.NONPROVISIONAL, ApplicationType.PCT)
                for k in kids
            )
            items += _items(
                case,
                f"a{app.id}",
                app.name,
                Event(EventKind.PROVISIONAL_FILED, app.filing_date, case.federal),
                {
                    "convert_provisional": converted,
                    "bayh_dole_nonprovisional": converted,
                    "priority_year": abroad,
                    "bayh_dole_foreign_filing": abroad,
                },
            )
        if app.application_type is ApplicationType.NONPROVISIONAL and app.jurisdiction == "US":
            items += _items(
                case,
                f"a{app.id}",
                app.name,
                Event(
                    EventKind.NONPROVISIONAL_FILED,
                    app.filing_date,
                    case.federal,
                    priority_date=None if first else app.priority_date,
                ),
                {"priority_year": abroad, "bayh_dole_foreign_filing": abroad},
            )
        if app.application_type is ApplicationType.PCT:
            entered = {k.jurisdiction for k in kids if k.application_type in PHASES}
            # A US non-provisional claiming the same priority already covers the US.
            if any(
                a.jurisdiction == "US"
                and a.priority_date == app.priority_date
                and a.application_type is ApplicationType.NONPROVISIONAL
                for a in live
            ):
                entered.add("US")
            met = {rule: office in entered for rule, office in PCT_ENTRY_JURISDICTION.items()}
            met["priority_year"] = any(k.jurisdiction != "US" for k in kids)
            items += _items(
                case,
                f"a{app.id}",
                app.name,
                Event(
                    EventKind.PCT_FILED,
                    app.filing_date,
                    priority_date=None if first else app.priority_date,
                ),
                met,
            )
        if app.jurisdiction == "EP" and app.grant_date is None:
            # Renewal fees to the EPO while the application is pending; a Euro-PCT counts
            # from the international filing date, none due before 31 months from priority.
            parent = by_id.get(app.parent_id) if app.parent_id else None
            euro_pct = app.application_type is ApplicationType.REGIONAL_PHASE and parent
            items += _items(
                case,
                f"a{app.id}",
                app.name,
                Event(
                    EventKind.EP_FILED,
                    parent.filing_date if euro_pct else app.filing_date,
                    priority_date=app.priority_date if euro_pct else None,
                ),
                {},
            )
        if app.jurisdiction in NATIONAL_OFFICES:
            # A national phase counts its term and fees from the PCT's international filing.
            parent = by_id.get(app.parent_id) if app.parent_id else None
            via_pct = app.application_type in PHASES and parent is not None
            term_start = parent.filing_date if via_pct else app.filing_date
            if app.jurisdiction in OFFICES[EventKind.NATIONAL_FILED]:
                items += _items(
                    case,
                    f"a{app.id}",
                    app.name,
                    Event(
                        EventKind.NATIONAL_FILED,
                        app.filing_date,
                        filing_date=term_start,
                        office=app.jurisdiction,
                    ),
                    {},
                )
            if app.grant_date is not None:
                items += _items(
                    case,
                    f"a{app.id}",
                    app.name,
                    Event(
                        EventKind.NATIONAL_PATENT_GRANTED,
                        app.grant_date,
                        filing_date=term_start,
                        office=app.jurisdiction,
                    ),
                    {},
                )
        if app.jurisdiction == "US" and app.grant_date is not None:
            items += _items(
                case,
                f"a{app.id}",
                app.name,
                Event(
                    EventKind.US_PATENT_GRANTED,
                    app.grant_date,
                    filing_date=_us_term_start(app, by_id),
                ),
                {},
            )
    # The office-action rules are the USPTO's (37 CFR 1.134 ff.); another office's actions
    # carry the period that office sets, which its counsel dockets.
    us_ids = {a.id for a in live if a.jurisdiction == "US"}
    for action in case.office_actions:
        if action.application_id in us_ids:
            answered = action.responded_on is not None
            app = next(a for a in live if a.id == action.application_id)
            items += _items(
                case,
                f"oa{action.id}",
                f"{action.action.label} on {app.name}",
                Event(EventKind.OFFICE_ACTION_MAILED, action.mailed_on, action=action.action),
                {
                    "office_action_response": answered,
                    "office_action_response_extended": answered,
                    "issue_fee": answered,
                },
            )
    shown = [ShownItem(item) for item in items]
    us_filings = sorted(a.filing_date for a in case.applications if a.jurisdiction == "US")
    for disclosed_on in sorted(set(case.public_disclosures)):
        # A planned disclosure: the clock starts when it happens.
        met = bool(us_filings) and us_filings[0] <= disclosed_on + months(12)
        shown += [
            ShownItem(item, shown_from=disclosed_on)
            for item in _items(
                case,
                f"d{case.disclosure_id}:pd{disclosed_on.isoformat()}",
                f"Public disclosure of {disclosed_on.isoformat()}",
                Event(EventKind.PUBLIC_DISCLOSURE, disclosed_on),
                {"us_grace_period_filing": met},
            )
        ]
    if case.federal:
        shown += _bayh_dole_items(case, through_fiscal_year)
    return sorted(shown, key=lambda entry: (entry.item.due, entry.item.key))


def _bayh_dole_items(case: CaseFacts, through_fiscal_year: int) -> list[ShownItem]:
    record = case.bayh_dole or BayhDoleFacts(None, "pending", None)
    prefix = f"d{case.disclosure_id}"
    items: list[DocketItem] = []
    shown: list[ShownItem] = []
    if case.received_on is not None:
        items += _items(
            case,
            prefix,
            "Invention report to the agency",
            Event(EventKind.INVENTION_DISCLOSED, case.received_on, True),
            {"bayh_dole_report_invention": record.reported_on is not None},
        )
    if record.reported_on is not None:
        # A public disclosure starts the statutory bar: one year to file in the US. Before the
        # first one happens there is no bar; from its day on, the earliest bar is its own.
        def election(bar: date | None) -> list[DocketItem]:
            return list(
                _items(
                    case,
                    prefix,
                    "Election of title",
                    Event(EventKind.AGENCY_NOTIFIED, record.reported_on, True, bar_date=bar),
                    {"bayh_dole_elect_title": record.election != "pending"},
                )
            )

        unbarred = election(None)
        if not case.public_disclosures:
            items += unbarred
        else:
            first = min(case.public_disclosures)
            barred = election(first + months(12))
            if barred == unbarred:
                items += unbarred
            else:
                before = first - timedelta(days=1)
                shown += [ShownItem(item, shown_until=before) for item in unbarred]
                shown += [ShownItem(item, shown_from=first) for item in barred]
    if record.elected_on is not None:
        items += _items(
            case,
            prefix,
            "First application after electing title",
            Event(EventKind.TITLE_ELECTED, record.elected_on, True),
            {"bayh_dole_initial_filing": bool(case.applications)},
            only=frozenset({"bayh_dole_initial_filing"}),
        )
    # A utilization report for every federal fiscal year (October-September) from the one in
    # which title was elected or the invention first licensed, whichever came first.
    starts = [d for d in (record.elected_on, case.licensed_on) if d is not None]
    if starts:
        first = min(starts)
        for year in range(fiscal_year(first), through_fiscal_year + 1):
            on = first if year == fiscal_year(first) else date(year - 1, 10, 1)
            # on the docket from the first day of its fiscal year
            shown += [
                ShownItem(item, shown_from=date(year - 1, 10, 1))
                for item in _items(
                    case,
                    f"{prefix}:y{year}",
                    f"Utilization report FY{year}",
                    Event(EventKind.LICENSE_EXECUTED, on, True),
                    {},
                )
            ]
    # Letting an application or fee lapse: the agency is told at least 30 days ahead.
    noticed = set()
    for lapse in case.lapses:
        noticed.add(lapse.key.split(":", 1)[0])
        items += _items(
            case,
            f"{lapse.key}:lapse",
            f"Letting lapse: {lapse.label} ({lapse.subject})",
            Event(
                EventKind.DECIDED_NOT_TO_CONTINUE,
                lapse.decided_on,
                True,
                response_due=lapse.act_by,
            ),
            {},
        )
    for app in case.applications:
        # Abandoned without a recorded decision: the notice is due at once, and late.
        if app.status is ApplicationStatus.ABANDONED and app.abandoned_on is not None:
            if f"a{app.id}" in noticed:
                continue
            items += _items(
                case,
                f"a{app.id}:abandoned",
                f"Abandoning {app.name}",
                Event(
                    EventKind.DECIDED_NOT_TO_CONTINUE,
                    app.abandoned_on,
                    True,
                    response_due=app.abandoned_on,
                ),
                {},
            )
    return shown + [ShownItem(item) for item in items]


@dataclass(frozen=True)
class Marks:
    """Docket keys marked done or waived, with their state."""

    states: dict[str, str]

    def state_of(self, item: DocketItem) -> str:
        if item.key in self.states:
            return self.states[item.key]
        return "met" if item.met_by_records else "open"


def family_priority(
    applications: dict[int, tuple[int | None, date, date | None]], application_id: int
) -> date:
    """The priority date of an application: its override, else its family root's filing date.

    `applications` maps id -> (parent id, filing date, priority override)."""
    seen = set()
    current = application_id
    while True:
        parent, filed, override = applications[current]
        if override is not None:
            return override
        if parent is None or parent in seen or parent not in applications:
            return filed
        seen.add(current)
        current = parent
