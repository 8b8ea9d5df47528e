from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from sqlmodel import select

from tests import clock as test_clock
from tests.factories import case_approved_for_filing, submitted_case
from tlo import clock
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.disclosures.intake import FundingEntry, PublicDisclosureEntry
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.disclosures.workflow import Action
from tlo.errors import PermissionDenied, ValidationError
from tlo.patents import services as patents
from tlo.patents.deadlines import ActionType
from tlo.patents.models import ApplicationStatus, OfficeAction, PatentApplication
from tlo.patents.services import ApplicationForm, DocketFilters

TODAY = date(2026, 11, 25)


def add(engine, actor, case_id, **fields):
    fields = {
        "jurisdiction": "US",
        "application_type": "provisional",
        "filing_date": date(2026, 3, 2),
    } | fields
    with unit_of_work(engine) as session:
        return patents.add_application(
            session, actor=actor, disclosure_id=case_id, form=ApplicationForm(**fields)
        ).id


def provisional_and_pct(engine, office, case_id):
    """A provisional filed 2025-03-03 and the PCT claiming its priority a year later."""
    provisional = add(engine, office.officer, case_id, filing_date=date(2025, 3, 3))
    pct = add(
        engine,
        office.officer,
        case_id,
        jurisdiction="WO",
        application_type="pct",
        filing_date=date(2026, 3, 2),
        parent_id=provisional,
    )
    return provisional, pct


def docket_rules(engine, actor, **filters):
    with unit_of_work(engine) as session:
        view = patents.docket(session, actor=actor, filters=DocketFilters(**filters), today=TODAY)
    return [(e.item.rule, e.item.due, e.state) for e in view.entries]


def test_a_recorded_provisional_files_the_case_and_puts_its_conversion_on_the_docket(
    engine, office
):
    case_id = case_approved_for_filing(engine, office)
    add(engine, office.officer, case_id, application_number="63/123,456")
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, case_id).status == DisclosureStatus.FILED
    # 12 months to convert it, and the same priority year for the PCT or foreign filings.
    assert docket_rules(engine, office.officer) == [
        ("convert_provisional", date(2027, 3, 2), "open"),
        ("priority_year", date(2027, 3, 2), "open"),
    ]


def test_converting_the_provisional_meets_its_deadline_and_the_pct_sets_new_ones(engine, office):
    case_id = case_approved_for_filing(engine, office)
    _provisional, pct = provisional_and_pct(engine, office, case_id)
    rules = docket_rules(engine, office.officer, include_closed=True)
    assert ("convert_provisional", date(2026, 3, 3), "met") in rules
    # 30 and 31 months from the family's priority date: the provisional's filing date.
    assert ("pct_national_phase_us", date(2027, 9, 3), "open") in rules
    assert ("pct_regional_phase_ep", date(2027, 10, 3), "open") in rules
    add(
        engine,
        office.officer,
        case_id,
        jurisdiction="US",
        application_type="national_phase",
        filing_date=date(2026, 11, 2),
        parent_id=pct,
    )
    assert ("pct_national_phase_us", date(2027, 9, 3), "met") in docket_rules(
        engine, office.officer, include_closed=True
    )


def test_family_priority_flows_down_the_tree(engine, office):
    case_id = case_approved_for_filing(engine, office)
    _provisional, pct = provisional_and_pct(engine, office, case_id)
    add(
        engine,
        office.officer,
        case_id,
        jurisdiction="EP",
        application_type="regional_phase",
        filing_date=date(2026, 11, 2),
        parent_id=pct,
    )
    with unit_of_work(engine) as session:
        tree = patents.family_tree(session, actor=office.officer, disclosure_id=case_id)
    assert [(n.application.jurisdiction, n.depth, n.priority_date) for n in tree] == [
        ("US", 0, date(2025, 3, 3)),
        ("WO", 1, date(2025, 3, 3)),
        ("EP", 2, date(2025, 3, 3)),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"jurisdiction": "EP", "application_type": "provisional"}, "filed in US"),
        ({"application_type": "national_phase"}, "Choose the application"),
        ({"jurisdiction": "U$"}, "country or office code"),
    ],
)
def test_impossible_applications_are_refused(engine, office, fields, message):
    case_id = case_approved_for_filing(engine, office)
    with pytest.raises(ValidationError, match=message):
        add(engine, office.officer, case_id, **fields)


def test_a_federally_funded_case_needs_the_government_support_clause(engine, office):
    case_id = case_approved_for_filing(
        engine, office, funding=[FundingEntry("NIH", "R01", True, "NIH")]
    )
    with pytest.raises(ValidationError, match="government-support clause"):
        add(engine, office.officer, case_id)
    add(engine, office.officer, case_id, government_support_clause=True)


def test_a_grant_schedules_the_maintenance_fees(engine, office):
    case_id = case_approved_for_filing(engine, office)
    app_id = add(
        engine,
        office.officer,
        case_id,
        application_type="nonprovisional",
        filing_date=date(2020, 1, 6),
    )
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=office.officer,
            application_id=app_id,
            status=ApplicationStatus.GRANTED,
            grant_number="11,222,333",
            grant_date=date(2023, 6, 6),
        )
    rules = docket_rules(engine, office.officer)
    assert rules[1] == ("maintenance_3_5", date(2026, 12, 6), "open")
    # A family first filed as a US non-provisional has a priority year too (until waived),
    # and the patent expires 20 years from that filing.
    assert [r[:2] for r in rules] == [
        ("priority_year", date(2021, 1, 6)),
        ("maintenance_3_5", date(2026, 12, 6)),
        ("maintenance_7_5", date(2030, 12, 6)),
        ("maintenance_11_5", date(2034, 12, 6)),
        ("patent_expiry", date(2040, 1, 6)),
    ]


def test_an_office_action_is_docketed_until_answered_and_overdue_shows(engine, office):
    case_id = case_approved_for_filing(engine, office)
    app_id = add(
        engine,
        office.officer,
        case_id,
        application_type="nonprovisional",
        filing_date=date(2025, 1, 6),
    )
    with unit_of_work(engine) as session:
        action = patents.add_office_action(
            session,
            actor=office.officer,
            application_id=app_id,
            mailed_on=date(2026, 7, 1),
            description="Non-final rejection",
        )
    with unit_of_work(engine) as session:
        view = patents.docket(
            session, actor=office.officer, filters=DocketFilters(overdue_only=True), today=TODAY
        )
    assert [(e.item.rule, e.overdue) for e in view.entries] == [
        ("priority_year", True),  # 12 months from the first filing, not waived
        ("office_action_response", True),
    ]
    with unit_of_work(engine) as session:
        patents.record_response(
            session,
            actor=office.officer,
            office_action_id=action.id,
            responded_on=date(2026, 11, 20),
        )
    assert [rule for rule, _, _ in docket_rules(engine, office.officer)] == ["priority_year"]


def test_marking_done_or_waiving_takes_an_item_off_the_docket_with_who_and_why(engine, office):
    case_id = case_approved_for_filing(engine, office)
    add(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        key = (
            patents.docket(session, actor=office.officer, filters=DocketFilters(), today=TODAY)
            .entries[0]
            .item.key
        )
        with pytest.raises(ValidationError, match="why"):
            patents.mark_docket_item(
                session, actor=office.officer, key=key, state="waived", today=TODAY
            )
        with pytest.raises(PermissionDenied):
            patents.mark_docket_item(
                session, actor=office.other_officer, key=key, state="done", today=TODAY
            )
    with unit_of_work(engine) as session:
        patents.mark_docket_item(
            session,
            actor=office.officer,
            key=key,
            state="waived",
            note="Inventors chose not to convert",
            today=TODAY,
        )
    assert [rule for rule, _, _ in docket_rules(engine, office.officer)] == ["priority_year"]
    assert docket_rules(engine, office.officer, include_closed=True)[0][2] == "waived"


def test_bayh_dole_items_are_as_visible_as_patent_deadlines(engine, office):
    case_id = case_approved_for_filing(
        engine, office, funding=[FundingEntry("NSF", "CCF-1", True, "NSF")]
    )
    with unit_of_work(engine) as session:
        received = clock.office_date(session.get(Disclosure, case_id).submitted_at)
    rules = docket_rules(engine, office.officer, kind="bayh_dole")
    assert rules == [("bayh_dole_report_invention", received + patents_months(2), "open")]
    with unit_of_work(engine) as session:
        patents.save_bayh_dole(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            agency="NSF",
            award_number="CCF-1",
            iedison_number="0001",
            reported_on=date(2026, 11, 1),
            election="pending",
            elected_on=None,
        )
    assert [r[0] for r in docket_rules(engine, office.officer, kind="bayh_dole")] == [
        "bayh_dole_elect_title"
    ]


def test_a_disclosure_submitted_on_a_californian_evening_starts_bayh_dole_that_day(
    engine, office, monkeypatch
):
    """21:00 Pacific on 1 December is 05:00 UTC on 2 December: the inventor's written
    disclosure reached the office on 1 December, so the report to the agency is due two
    months from then, on 1 February, not 2 February."""
    monkeypatch.setenv("TLO_TIMEZONE", "America/Los_Angeles")
    evening = datetime(2026, 12, 1, 21, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    with time_machine.travel(evening, tick=False):
        case_id = submitted_case(
            engine, office.inventor, funding=[FundingEntry("NIH", "R01-7", True, "NIH")]
        )
        with unit_of_work(engine) as session:
            submitted_at = session.get(Disclosure, case_id).submitted_at
            view = patents.docket(
                session,
                actor=office.director,
                filters=DocketFilters(kind="bayh_dole", disclosure_id=case_id),
            )
    assert submitted_at.date() == date(2026, 12, 2)  # stored in UTC
    assert [(e.item.rule, e.item.due) for e in view.entries] == [
        ("bayh_dole_report_invention", date(2027, 2, 1))
    ]


def patents_months(n):
    from tlo.patents.deadlines import months

    return months(n)


def test_a_past_public_disclosure_without_a_us_filing_is_on_the_docket(engine, office):
    case_id = submitted_case(
        engine,
        office.inventor,
        public_disclosures=[PublicDisclosureEntry(date(2026, 5, 1), "talk", "Gordon Conference")],
    )
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    assert docket_rules(engine, office.officer) == [
        ("us_grace_period_filing", date(2027, 5, 1), "open")
    ]


def test_costs_are_exact_and_summed_per_case_and_application(engine, office):
    case_id = case_approved_for_filing(engine, office)
    app_id = add(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        for amount, paid in (("1,200.10", True), ("0.20", False), ("$3000", False)):
            patents.add_cost(
                session,
                actor=office.finance,
                application_id=app_id,
                invoice_date=date(2026, 4, 1),
                amount=amount,
                description="Drafting",
                paid=paid,
            )
        with pytest.raises(ValidationError, match="two decimals"):
            patents.add_cost(
                session,
                actor=office.finance,
                application_id=app_id,
                invoice_date=date(2026, 4, 1),
                amount="10.001",
                description="x",
            )
    with unit_of_work(engine) as session:
        totals = patents.cost_totals(session, actor=office.director, disclosure_id=case_id)
        outstanding = patents.unreimbursed_costs(session, case_id)
    assert totals.total == Decimal("4200.30") and totals.paid == Decimal("1200.10")
    assert totals.unpaid == Decimal("3000.20")
    assert totals.by_application == {app_id: Decimal("4200.30")}
    assert outstanding == Decimal("4200.30")


def test_only_the_cases_officer_records_applications(engine, office):
    case_id = case_approved_for_filing(engine, office)
    with pytest.raises(PermissionDenied):
        add(engine, office.other_officer, case_id)
    with pytest.raises(PermissionDenied):
        add(engine, office.inventor, case_id)


def test_the_docket_of_another_officer_can_be_filtered(engine, office):
    case_id = case_approved_for_filing(engine, office)
    add(engine, office.officer, case_id)
    assert docket_rules(engine, office.director, officer_person_id=office.officer.person_id)
    assert (
        docket_rules(engine, office.director, officer_person_id=office.other_officer.person_id)
        == []
    )
    assert docket_rules(engine, office.director, within_days=30) == []
    assert [rule for rule, _, _ in docket_rules(engine, office.director, within_days=120)] == [
        "convert_provisional",
        "priority_year",
    ]


def test_closed_cases_leave_the_docket(engine, office):
    case_id = case_approved_for_filing(engine, office)
    add(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        casework.take_action(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            action=Action.START_MARKETING,
            rationale="",
        )
    assert docket_rules(engine, office.officer)
    with unit_of_work(engine) as session:
        casework.take_action(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            action=Action.CLOSE,
            rationale="No licensee found",
        )
    assert docket_rules(engine, office.officer) == []


def test_a_us_non_provisional_of_the_same_priority_covers_the_pct_us_national_phase(engine, office):
    case_id = case_approved_for_filing(engine, office)
    provisional, _pct = provisional_and_pct(engine, office, case_id)
    add(
        engine,
        office.officer,
        case_id,
        application_type="nonprovisional",
        filing_date=date(2026, 3, 2),
        parent_id=provisional,
    )
    rules = docket_rules(engine, office.officer, include_closed=True)
    assert ("pct_national_phase_us", date(2027, 9, 3), "met") in rules
    assert ("pct_regional_phase_ep", date(2027, 10, 3), "open") in rules


def test_the_calendar_file_parses_back_with_stable_uids(engine, office):
    from icalendar import Calendar

    case_id = case_approved_for_filing(engine, office)
    add(engine, office.officer, case_id, filing_date=date(2026, 1, 30))
    with unit_of_work(engine) as session:
        first = patents.docket_calendar_file(
            session, actor=office.officer, filters=DocketFilters(), today=TODAY
        )
        again = patents.docket_calendar_file(
            session, actor=office.officer, filters=DocketFilters(), today=TODAY
        )
    events = Calendar.from_ical(first).walk("VEVENT")
    assert len(events) == 2  # the conversion and the priority year
    event = events[0]
    assert str(event["summary"]).endswith(
        "Convert the provisional (US non-provisional and/or PCT claiming it)"
    )
    assert event.decoded("dtstart") == date(2027, 2, 1)  # 2027-01-30 is a Saturday
    assert "Due 2027-01-30" in str(event["description"])
    alarms = event.walk("VALARM")  # a month and a week before the last day to act
    assert [a.decoded("trigger") for a in alarms] == [timedelta(days=-30), timedelta(days=-7)]
    assert all(str(a["action"]) == "DISPLAY" for a in alarms)
    uids = [str(e["uid"]) for e in Calendar.from_ical(again).walk("VEVENT")]
    assert uids == [str(e["uid"]) for e in events] and uids[0].endswith("@tlo.docket")


def test_the_docket_workbook_reads_back_with_real_dates(engine, office):
    from io import BytesIO

    import openpyxl

    case_id = case_approved_for_filing(engine, office)
    add(engine, office.officer, case_id, filing_date=date(2026, 1, 30))
    with unit_of_work(engine) as session:
        content = patents.docket_excel_file(
            session, actor=office.officer, filters=DocketFilters(), today=TODAY
        )
    sheet = openpyxl.load_workbook(BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Due"].date() == date(2027, 1, 30) and row["File by"].date() == date(2027, 2, 1)
    assert sheet.cell(2, header.index("Due") + 1).number_format == "yyyy-mm-dd"
    assert row["State"] == "open" and row["Days left"] == 68


def test_costs_are_totalled_per_family(engine, office):
    case_id = case_approved_for_filing(engine, office)
    first = add(engine, office.officer, case_id, filing_date=date(2025, 3, 3))
    child = add(
        engine,
        office.officer,
        case_id,
        application_type="nonprovisional",
        filing_date=date(2026, 3, 2),
        parent_id=first,
    )
    second = add(engine, office.officer, case_id, filing_date=date(2026, 5, 5))
    with unit_of_work(engine) as session:
        for app_id, amount in ((first, "100.00"), (child, "250.50"), (second, "75.25")):
            patents.add_cost(
                session,
                actor=office.officer,
                application_id=app_id,
                invoice_date=date(2026, 6, 1),
                amount=amount,
                description="x",
            )
    with unit_of_work(engine) as session:
        view = patents.patent_case(session, actor=office.officer, disclosure_id=case_id)
    assert view.family_totals == {first: Decimal("350.50"), second: Decimal("75.25")}
    assert view.totals.total == Decimal("425.75")


def test_a_us_non_provisional_keeps_the_conversion_but_not_the_foreign_priority_year(
    engine, office
):
    """Converting a provisional into a US non-provisional only meets 35 USC 119(e): the
    12-month Paris priority year for PCT or foreign filings stays open until they are filed."""
    case_id = case_approved_for_filing(engine, office)
    provisional = add(engine, office.officer, case_id, filing_date=date(2025, 12, 1))
    add(
        engine,
        office.officer,
        case_id,
        application_type="nonprovisional",
        filing_date=date(2026, 11, 20),
        parent_id=provisional,
    )
    states = {
        rule: state for rule, _, state in docket_rules(engine, office.officer, include_closed=True)
    }
    assert states == {"convert_provisional": "met", "priority_year": "open"}
    add(
        engine,
        office.officer,
        case_id,
        jurisdiction="WO",
        application_type="pct",
        filing_date=date(2026, 11, 24),
        parent_id=provisional,
    )
    states = {
        rule: state
        for rule, _, state in docket_rules(engine, office.officer, include_closed=True)
        if not rule.startswith("pct_")
    }
    assert states == {"convert_provisional": "met", "priority_year": "met"}


def test_each_national_phase_entered_meets_its_own_offices_deadline(engine, office):
    case_id = case_approved_for_filing(engine, office)
    _provisional, pct = provisional_and_pct(engine, office, case_id)
    for jurisdiction, kind in (("CN", "national_phase"), ("EP", "regional_phase")):
        add(
            engine,
            office.officer,
            case_id,
            jurisdiction=jurisdiction,
            application_type=kind,
            filing_date=date(2026, 11, 2),
            parent_id=pct,
        )
    rules = docket_rules(engine, office.officer, include_closed=True)
    phases = {rule: state for rule, _, state in rules if rule.startswith("pct_")}
    assert phases == {
        "pct_national_phase_us": "open",
        "pct_regional_phase_ep": "met",
        "pct_national_phase_cn": "met",
        "pct_national_phase_jp": "open",
        "pct_national_phase_kr": "open",
        "pct_national_phase_ca": "open",
        "pct_national_phase_au": "open",
        "pct_national_phase_in": "open",
    }
    # The Euro-PCT owes EPO renewal fees from the 3rd year of the international filing
    # (2026-03-02): the last day of March 2028, after the 31-month limit (2027-10-03).
    renewals = [(rule, due) for rule, due, _ in rules if rule.startswith("ep_renewal_")]
    assert renewals[0] == ("ep_renewal_3", date(2028, 3, 31))
    assert len(renewals) == 18


# --- office actions by kind ------------------------------------------------------------------


def a_us_nonprovisional(engine, office, **fields):
    case_id = case_approved_for_filing(engine, office)
    fields = {"application_type": "nonprovisional", "filing_date": date(2025, 1, 6)} | fields
    return case_id, add(engine, office.officer, case_id, **fields)


def office_action(engine, actor, app_id, mailed_on, **fields):
    with unit_of_work(engine) as session:
        return patents.add_office_action(
            session, actor=actor, application_id=app_id, mailed_on=mailed_on, **fields
        ).id


def office_action_items(engine, actor, action_id):
    """(rule, due, file by, state, subject) of one office action's docket items."""
    with unit_of_work(engine) as session:
        view = patents.docket(
            session, actor=actor, filters=DocketFilters(include_closed=True), today=TODAY
        )
    return [
        (e.item.rule, e.item.due, e.item.file_by, e.state, e.item.subject)
        for e in view.entries
        if e.item.key.startswith(f"oa{action_id}:")
    ]


def test_a_restriction_requirement_is_answered_within_two_months_not_three(engine, office):
    _case_id, app_id = a_us_nonprovisional(engine, office, application_number="18/123,456")
    action_id = office_action(
        engine,
        office.officer,
        app_id,
        date(2026, 9, 15),
        action_type="restriction",
        description="Claims 1-10 and 11-20 are distinct inventions",
    )
    with unit_of_work(engine) as session:
        stored = session.get(OfficeAction, action_id)
        assert (stored.action_type, stored.description) == (
            "restriction",
            "Claims 1-10 and 11-20 are distinct inventions",
        )
    subject = "Restriction requirement on US Non-provisional 18/123,456"
    # 2026-11-15 is a Sunday: the response may be filed on Monday.
    assert office_action_items(engine, office.officer, action_id) == [
        ("office_action_response", date(2026, 11, 15), date(2026, 11, 16), "open", subject),
        ("office_action_response_extended", date(2027, 3, 15), date(2027, 3, 15), "open", subject),
    ]


def test_a_notice_of_allowance_sets_the_issue_fee_which_paying_meets(engine, office):
    _case_id, app_id = a_us_nonprovisional(engine, office)
    action_id = office_action(
        engine,
        office.officer,
        app_id,
        date(2026, 10, 1),
        action_type=ActionType.NOTICE_OF_ALLOWANCE,
    )
    subject = "Notice of allowance (issue fee) on US Non-provisional (no number yet)"
    # Three months, not extendable: no "with extension fees" item; 1 January is a holiday.
    assert office_action_items(engine, office.officer, action_id) == [
        ("issue_fee", date(2027, 1, 1), date(2027, 1, 4), "open", subject)
    ]
    with unit_of_work(engine) as session:
        patents.record_response(
            session,
            actor=office.officer,
            office_action_id=action_id,
            responded_on=date(2026, 11, 30),
        )
    assert office_action_items(engine, office.officer, action_id) == [
        ("issue_fee", date(2027, 1, 1), date(2027, 1, 4), "met", subject)
    ]


def test_an_office_action_without_a_kind_is_a_non_final_rejection(engine, office):
    _case_id, app_id = a_us_nonprovisional(engine, office)
    action_id = office_action(engine, office.officer, app_id, date(2026, 9, 15))
    items = office_action_items(engine, office.officer, action_id)
    assert [item[:3] for item in items] == [
        ("office_action_response", date(2026, 12, 15), date(2026, 12, 15)),
        ("office_action_response_extended", date(2027, 3, 15), date(2027, 3, 15)),
    ]


def test_office_actions_stored_before_their_kind_was_recorded_are_non_final_rejections(
    engine, office
):
    """Migration 0011 gives the rows it finds (and any written without the column) the kind
    every office action was docketed as until then."""
    _case_id, app_id = a_us_nonprovisional(engine, office)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO office_action (application_id, mailed_on, description) "
                "VALUES (:app, :mailed, 'Rejection')"
            ),
            {"app": app_id, "mailed": date(2026, 9, 15)},
        )
    with unit_of_work(engine) as session:
        stored = session.exec(select(OfficeAction)).one()
    assert stored.action_type == "non_final"


def test_an_unknown_kind_of_office_action_is_refused(engine, office):
    _case_id, app_id = a_us_nonprovisional(engine, office)
    with pytest.raises(ValidationError) as refused:
        office_action(engine, office.officer, app_id, date(2026, 9, 15), action_type="nasty")
    assert str(refused.value) == (
        "'nasty' is not a kind of office action tlo knows. The kinds are: Non-final rejection; "
        "Final rejection; Restriction requirement; Ex parte Quayle action; Notice of allowance "
        "(issue fee); Notice to file missing parts."
    )
    with unit_of_work(engine) as session:
        assert session.exec(select(OfficeAction)).all() == []


# --- dates in the future ---------------------------------------------------------------------


def tomorrow() -> date:
    return test_clock.TODAY + timedelta(days=1)


def test_an_application_filed_today_is_recorded_but_not_one_filed_tomorrow(engine, office):
    case_id = case_approved_for_filing(engine, office)
    add(engine, office.officer, case_id, filing_date=test_clock.TODAY)
    with pytest.raises(ValidationError) as refused:
        add(engine, office.officer, case_id, filing_date=tomorrow())
    assert str(refused.value) == (
        f"The filing date {tomorrow().isoformat()} is in the future; record an application "
        "once it is filed."
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"status": "published", "publication_number": "US 2026/1 A1", "publication_date": 1},
            "The publication date {} is in the future; record the publication once it is "
            "published.",
        ),
        (
            {"status": "granted", "grant_number": "12,345,678", "grant_date": 1},
            "The grant date {} is in the future; record the grant once the patent is granted.",
        ),
        (
            {"status": "abandoned", "abandoned_on": 1},
            "The abandonment date {} is in the future; record the abandonment once it has "
            "happened.",
        ),
    ],
)
def test_a_publication_grant_or_abandonment_after_today_is_refused(engine, office, fields, message):
    _case_id, app_id = a_us_nonprovisional(engine, office)
    fields = {name: tomorrow() if value == 1 else value for name, value in fields.items()}
    with pytest.raises(ValidationError) as refused, unit_of_work(engine) as session:
        patents.update_application(session, actor=office.officer, application_id=app_id, **fields)
    assert str(refused.value) == message.format(tomorrow().isoformat())
    with unit_of_work(engine) as session:
        assert session.get(PatentApplication, app_id).status == "pending"


def test_an_office_action_mailed_or_answered_after_today_is_refused(engine, office):
    _case_id, app_id = a_us_nonprovisional(engine, office)
    with pytest.raises(ValidationError) as refused:
        office_action(engine, office.officer, app_id, tomorrow())
    assert str(refused.value) == (
        f"The mailing date {tomorrow().isoformat()} is in the future; record an office action "
        "once it is mailed."
    )
    rejection = office_action(engine, office.officer, app_id, date(2026, 9, 15))
    allowance = office_action(
        engine, office.officer, app_id, date(2026, 10, 1), action_type="notice_of_allowance"
    )
    for action_id, message in (
        (rejection, "The response date {} is in the future; record a response once it is filed."),
        (
            allowance,
            "The issue fee payment date {} is in the future; record it once the fee is paid.",
        ),
    ):
        with pytest.raises(ValidationError) as refused, unit_of_work(engine) as session:
            patents.record_response(
                session, actor=office.officer, office_action_id=action_id, responded_on=tomorrow()
            )
        assert str(refused.value) == message.format(tomorrow().isoformat())
    with unit_of_work(engine) as session:
        assert [a.responded_on for a in session.exec(select(OfficeAction)).all()] == [None, None]


# --- publication and grant -------------------------------------------------------------------


def test_recording_the_grant_with_the_recorded_publication_keeps_the_publication(engine, office):
    """The page offers every field with what is on record: a grant saved from it passes the
    publication along, and the publication stays."""
    _case_id, app_id = a_us_nonprovisional(engine, office, filing_date=date(2024, 1, 8))
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=office.officer,
            application_id=app_id,
            status=ApplicationStatus.PUBLISHED,
            publication_number=" US 2025/0123456 A1 ",
            publication_date=date(2025, 7, 10),
        )
    with unit_of_work(engine) as session:
        recorded = session.get(PatentApplication, app_id)
        patents.update_application(
            session,
            actor=office.officer,
            application_id=app_id,
            status=ApplicationStatus.GRANTED,
            publication_number=recorded.publication_number,
            publication_date=recorded.publication_date,
            grant_number="12,345,678",
            grant_date=date(2026, 9, 1),
            abandoned_on=recorded.abandoned_on,
        )
    with unit_of_work(engine) as session:
        granted = session.get(PatentApplication, app_id)
        assert (
            granted.status,
            granted.publication_number,
            granted.publication_date,
            granted.grant_number,
            granted.grant_date,
        ) == ("granted", "US 2025/0123456 A1", date(2025, 7, 10), "12,345,678", date(2026, 9, 1))


# --- correcting an application ---------------------------------------------------------------


def correct(engine, actor, app_id, reason="Typed from the wrong filing receipt", **changes):
    with unit_of_work(engine) as session:
        form = patents.application_form_of(session.get(PatentApplication, app_id))
        return patents.correct_application(
            session,
            actor=actor,
            application_id=app_id,
            form=replace(form, **changes),
            reason=reason,
        ).id


def test_correcting_the_filing_date_moves_the_conversion_deadline_and_is_audited(engine, office):
    case_id = case_approved_for_filing(engine, office)
    app_id = add(engine, office.officer, case_id, application_number="63/123,456")
    assert docket_rules(engine, office.officer)[0] == (
        "convert_provisional",
        date(2027, 3, 2),
        "open",
    )
    correct(
        engine,
        office.officer,
        app_id,
        reason="  The filing receipt says 2 February,\r\nnot 2 March.  ",
        filing_date=date(2026, 2, 2),
        counsel_firm=" Morgan & Reyes LLP ",
    )
    assert docket_rules(engine, office.officer) == [
        ("convert_provisional", date(2027, 2, 2), "open"),
        ("priority_year", date(2027, 2, 2), "open"),
    ]
    with unit_of_work(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "patent.application_corrected")
        ).one()
        stored = session.get(PatentApplication, app_id)
    assert (entry.object_type, entry.object_id, entry.actor_name) == (
        "disclosure",
        str(case_id),
        "Olivia Ortega",
    )
    changed = {
        name: (entry.before[name], entry.after[name])
        for name in entry.before
        if entry.before[name] != entry.after[name]
    }
    assert changed == {
        "filing_date": ("2026-03-02", "2026-02-02"),
        "counsel_firm": ("", "Morgan & Reyes LLP"),
    }
    assert entry.after["reason"] == "The filing receipt says 2 February,\nnot 2 March."
    assert entry.before["application_number"] == entry.after["application_number"] == "63/123,456"
    assert (stored.filing_date, stored.counsel_firm) == (date(2026, 2, 2), "Morgan & Reyes LLP")


def test_every_field_of_an_application_can_be_corrected(engine, office):
    case_id = case_approved_for_filing(engine, office)
    provisional, _pct = provisional_and_pct(engine, office, case_id)
    other = add(engine, office.officer, case_id, filing_date=date(2025, 6, 2))
    correct(
        engine,
        office.officer,
        other,
        jurisdiction="us",
        application_type="continuation_in_part",
        filing_date=date(2025, 6, 3),
        application_number="18/777,001",
        parent_id=provisional,
        priority_date_override=date(2024, 11, 4),
        counsel_firm="Baxter Lindqvist",
        counsel_attorney="S. Lindqvist",
        counsel_docket="BL-0042",
        government_support_clause=True,
    )
    with unit_of_work(engine) as session:
        assert patents.application_form_of(session.get(PatentApplication, other)) == (
            ApplicationForm(
                jurisdiction="US",
                application_type="continuation_in_part",
                filing_date=date(2025, 6, 3),
                application_number="18/777,001",
                parent_id=provisional,
                priority_date_override=date(2024, 11, 4),
                counsel_firm="Baxter Lindqvist",
                counsel_attorney="S. Lindqvist",
                counsel_docket="BL-0042",
                government_support_clause=True,
            )
        )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason for the correction."),
        (" \n\t ", "Give the reason for the correction."),
        ("x" * 501, "The reason for the correction is 501 characters long; at most 500 are kept."),
    ],
)
def test_a_correction_needs_a_reason_of_at_most_500_characters(engine, office, reason, message):
    case_id = case_approved_for_filing(engine, office)
    app_id = add(engine, office.officer, case_id)
    with pytest.raises(ValidationError) as refused:
        correct(engine, office.officer, app_id, reason=reason, filing_date=date(2026, 2, 2))
    assert str(refused.value) == message
    correct(engine, office.officer, app_id, reason="x" * 500, filing_date=date(2026, 2, 2))


def a_family_to_correct(engine, office):
    """A provisional (2025-03-03), its PCT (2026-03-02) and the PCT's US national phase
    (2026-11-02), with an office action mailed on the national phase on 2026-11-20."""
    case_id = case_approved_for_filing(engine, office)
    provisional, pct = provisional_and_pct(engine, office, case_id)
    national = add(
        engine,
        office.officer,
        case_id,
        application_type="national_phase",
        filing_date=date(2026, 11, 2),
        parent_id=pct,
    )
    office_action(engine, office.officer, national, date(2026, 11, 20))
    return {"provisional": provisional, "pct": pct, "national": national}


@pytest.mark.parametrize(
    ("which", "changes", "message"),
    [
        ("provisional", {"jurisdiction": "EP"}, "A Provisional application is filed in US."),
        (
            "provisional",
            {"filing_date": date(2026, 4, 1)},
            "The WO PCT (no number yet) claiming this application was filed on 2026-03-02, "
            "before 2026-04-01: an application cannot be filed after its children.",
        ),
        (
            "provisional",
            {"parent_id": "national"},
            "An application cannot claim priority from itself or from one of its own descendants.",
        ),
        (
            "pct",
            {"jurisdiction": "US", "application_type": "nonprovisional"},
            "The US National phase (no number yet) enters from this application, so it stays "
            "a PCT application.",
        ),
        (
            "pct",
            {"filing_date": date(2025, 3, 1)},
            "An application cannot be filed before its parent.",
        ),
        (
            "national",
            {"filing_date": date(2026, 11, 25)},
            "An office action on this application was mailed on 2026-11-20, before 2026-11-25.",
        ),
        (
            "national",
            {"parent_id": "provisional"},
            "A National phase application enters from a PCT application.",
        ),
        (
            "national",
            {"parent_id": None},
            "Choose the application this National phase comes from.",
        ),
        (
            "national",
            {"priority_date_override": date(2026, 11, 3)},
            "The priority date 2026-11-03 is after the filing date 2026-11-02; priority is "
            "claimed from an earlier filing.",
        ),
        ("national", {}, "This is what is on record already: change what was wrong."),
    ],
)
def test_a_correction_that_the_family_would_contradict_is_refused(
    engine, office, which, changes, message
):
    family = a_family_to_correct(engine, office)
    changes = {
        name: family[value] if name == "parent_id" and value is not None else value
        for name, value in changes.items()
    }
    with unit_of_work(engine) as session:
        before = audit_snapshot_of(session, family[which])
    with pytest.raises(ValidationError) as refused:
        correct(engine, office.officer, family[which], **changes)
    assert str(refused.value) == message
    with unit_of_work(engine) as session:
        assert audit_snapshot_of(session, family[which]) == before
        assert not session.exec(
            select(AuditEntry).where(AuditEntry.action == "patent.application_corrected")
        ).all()


def audit_snapshot_of(session, app_id):
    from tlo import audit

    return audit.snapshot(session.get(PatentApplication, app_id))


def test_a_correction_cannot_put_the_filing_after_the_grant_or_in_the_future(engine, office):
    _case_id, app_id = a_us_nonprovisional(engine, office, filing_date=date(2020, 1, 6))
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=office.officer,
            application_id=app_id,
            status=ApplicationStatus.GRANTED,
            grant_number="11,222,333",
            grant_date=date(2023, 6, 6),
        )
    with pytest.raises(ValidationError) as refused:
        correct(engine, office.officer, app_id, filing_date=date(2023, 7, 1))
    assert str(refused.value) == (
        "The grant date 2023-06-06 would precede the filing date 2023-07-01."
    )
    with pytest.raises(ValidationError) as refused:
        correct(engine, office.officer, app_id, filing_date=tomorrow())
    assert str(refused.value) == (
        f"The filing date {tomorrow().isoformat()} is in the future; record an application "
        "once it is filed."
    )


def test_a_federally_funded_case_keeps_the_government_support_clause_when_corrected(engine, office):
    case_id = case_approved_for_filing(
        engine, office, funding=[FundingEntry("NIH", "R01", True, "NIH")]
    )
    app_id = add(engine, office.officer, case_id, government_support_clause=True)
    with pytest.raises(ValidationError, match="government-support clause"):
        correct(engine, office.officer, app_id, government_support_clause=False)
    # Abroad the clause is not required.
    correct(
        engine,
        office.officer,
        app_id,
        jurisdiction="WO",
        application_type="pct",
        government_support_clause=False,
    )


def test_only_the_cases_officer_or_the_director_corrects_an_application(engine, office):
    case_id = case_approved_for_filing(engine, office)
    app_id = add(engine, office.officer, case_id)
    for outsider in (office.other_officer, office.inventor, office.finance):
        with pytest.raises(PermissionDenied):
            correct(engine, outsider, app_id, application_number="63/000,001")
    correct(engine, office.director, app_id, application_number="63/000,001")
    with unit_of_work(engine) as session:
        assert session.get(PatentApplication, app_id).application_number == "63/000,001"
