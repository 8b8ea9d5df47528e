from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import case_approved_for_filing, submitted_case
from tlo import clock
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.disclosures.intake import FundingEntry, PublicDisclosureEntry
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.disclosures.workflow import Action
from tlo.errors import PermissionDenied, ValidationError
from tlo.patents import services as patents
from tlo.patents.models import ApplicationStatus
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
        filing_date=date(2027, 8, 1),
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
        filing_date=date(2027, 9, 1),
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
